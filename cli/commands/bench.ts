/**
 * `nlsim bench`: throughput of the simulator against the real kernel, workload by
 * workload (see bench/). `npm run bench` runs it with --expose-gc for heap figures.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatTable, toJson } from '../../bench/report.js';
import { runBench } from '../../bench/run.js';
import { WORKLOADS } from '../../bench/workloads/index.js';

interface BenchFlags {
  rounds?: string;
  duration?: string;
  quick?: boolean;
  json?: string;
  filter?: string;
  simOnly?: boolean;
}

function positiveInt(value: string | undefined, fallback: number, name: string, program: Command): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) program.error(`nlsim bench: ${name} must be a positive integer, got '${value}'`, { exitCode: 2 });
  return n;
}

/** register adds the command to `program`. */
export function register(program: Command): void {
  program
    .command('bench')
    .description('measure the simulator against the real kernel (which needs root and the native binding)')
    .option('--rounds <n>', 'timed rounds per kernel; the median is reported (default 5, --quick 3)')
    .option('--duration <ms>', 'milliseconds per round (default 1000, --quick 200)')
    .option('--quick', 'fewer, shorter rounds: a rough table in seconds')
    .option('--json <file>', 'also write the results as JSON to <file>')
    .option('--filter <text>', 'only workloads whose name contains <text>')
    .option('--sim-only', 'do not measure the real kernel')
    .action(async (flags: BenchFlags) => {
      const rounds = positiveInt(flags.rounds, flags.quick ? 3 : 5, '--rounds', program);
      const durationMs = positiveInt(flags.duration, flags.quick ? 200 : 1000, '--duration', program);
      const results = await runBench(WORKLOADS, {
        rounds,
        durationMs,
        warmupMs: Math.ceil(durationMs / 2),
        scale: 'full',
        simOnly: flags.simOnly ?? false,
        filter: flags.filter,
        log: (line) => console.error(line),
      });
      console.log(formatTable(results));
      if (flags.json) writeFileSync(flags.json, `${JSON.stringify(toJson(results), null, 2)}\n`);
    });
}
