/**
 * `nlsim bench`: throughput of the simulator against the real kernel, workload by
 * workload (see bench/). `npm run bench` runs it with --expose-gc for heap figures.
 */
import { accessSync, constants, existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/** usage ends the command on a user error: one line, exit status 2, no help page. */
function usage(message: string): never {
  console.error(`nlsim bench: ${message}`);
  process.exit(2);
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) usage(`${name} must be a positive integer, got '${value}'`);
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
      const rounds = positiveInt(flags.rounds, flags.quick ? 3 : 5, '--rounds');
      const durationMs = positiveInt(flags.duration, flags.quick ? 200 : 1000, '--duration');
      // Checked before the run, so a mistyped path or filter does not cost a whole run.
      if (flags.json) checkWritable(flags.json);
      if (flags.filter !== undefined && !WORKLOADS.some((w) => w.name.toLowerCase().includes(flags.filter!.toLowerCase()))) {
        usage(`--filter '${flags.filter}' matches no workload; the workloads are: ${WORKLOADS.map((w) => w.name).join('; ')}`);
      }
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

/** checkWritable refuses a --json path whose file or directory cannot be written. */
function checkWritable(path: string): void {
  const target = existsSync(path) ? path : dirname(resolve(path));
  try {
    accessSync(target, constants.W_OK);
  } catch (e) {
    usage(`--json ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : 'not writable'} (${target})`);
  }
}
