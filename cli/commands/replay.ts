/**
 * `nlsim replay`: sends each request of a capture to a fresh virtual kernel and compares the
 * simulator's answers with the captured ones; exits 1 when any request mismatches.
 */
import { type Command, Option } from 'commander';
import { readCapture } from '../../captures/capture.js';
import { type Normalisation, replayCapture, type ReplayReport } from '../../captures/replay.js';
import { loadProfile } from '../../native/host-profile.js';
import { createKernel } from '../../protocols/index.js';
import { PROFILES } from '../../sim/profile.js';

/** ReplayCliOptions are the command's options. */
interface ReplayCliOptions {
  json?: boolean;
  strictCheck?: boolean;
  kernel: string;
  compare?: string;
}

const COMPARABLE = ['ports', 'seq', 'timestamps', 'counters', 'macs', 'random', 'unmodelledFamilies'] as const;

/** progressBar draws `[#####     ] n/total` on stderr, overwriting itself. */
function progressBar(done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
}

/** renderReport prints one line per request, its differences, and the summary. */
function renderReport(r: ReplayReport): string {
  const lines: string[] = [];
  for (const v of r.requests) {
    lines.push(`record ${v.record}: ${v.request} seq ${v.seq}: ${v.verdict.toUpperCase()} (expected ${v.expectedMessages} messages, got ${v.actualMessages})`);
    for (const d of v.differences) lines.push(`    ${d}`);
    if (v.notModelled?.length) lines.push(`    families not in the simulator, left out: ${v.notModelled.join(', ')}`);
    if (v.notRead) lines.push(`    the program stopped reading this dump: the simulator's last ${v.notRead} messages not compared`);
  }
  const s = r.summary;
  lines.push(`${s.requests} requests: ${s.match} match, ${s.mismatch} mismatch, ${s.unmodelled} not modelled, ${s.skipped} skipped; ${s.unansweredRecords} captured answers matched no request`);
  return `${lines.join('\n')}\n`;
}

/** register adds the command to `program`. */
export function register(program: Command): void {
  program
    .command('replay')
    .description('replay the requests of a netlink capture against a fresh virtual kernel and compare the answers')
    .argument('<file>', 'the capture file')
    .option('--json', 'print the report as JSON')
    .option('--strict-check', 'replay from sockets with NETLINK_GET_STRICT_CHK, as the recorded program had them (iproute2 does); a capture does not record socket options')
    .addOption(
      new Option('--kernel <profile>', `the kernel build the capture was recorded on: host, ${Object.keys(PROFILES).join(', ')}, or a profile file (nlsim profile show)`)
        .env('NLSIM_KERNEL')
        .default('default'),
    )
    .option('--compare <kinds>', `values to compare instead of ignoring, comma-separated: ${COMPARABLE.join(', ')}`)
    .action(async (file: string, options: ReplayCliOptions) => {
      let report: ReplayReport;
      try {
        const normalise: Normalisation = {};
        for (const k of (options.compare ?? '').split(',').filter(Boolean)) {
          if (!(COMPARABLE as readonly string[]).includes(k)) throw new Error(`--compare: unknown kind '${k}' (${COMPARABLE.join(', ')})`);
          normalise[k as (typeof COMPARABLE)[number]] = false;
        }
        const capture = await readCapture(file);
        const tty = process.stdout.isTTY === true && !options.json;
        const profile = loadProfile(options.kernel);
        report = replayCapture(capture, { normalise, kernel: () => createKernel({ seed: 1, profile }), strictCheck: options.strictCheck ?? false, onProgress: tty && capture.records.length > 50 ? progressBar : undefined });
      } catch (err) {
        console.error(`nlsim replay: ${(err as Error).message}`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
      if (report.summary.mismatch > 0) process.exitCode = 1;
    });
}
