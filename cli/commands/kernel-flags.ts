/**
 * The flags `nlsim run` and `nlsim serve` share about the kernel they host: the build it
 * behaves as (--kernel), modules to load (--module), an initial state (--state) and a capture
 * of its traffic (--pcap, --pcap-format).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { CaptureFormat } from '../../captures/capture.js';
import { type KernelRecording, recordKernel } from '../../captures/record.js';
import { loadTopology, readTopologyFile } from '../../protocols/route/topology/index.js';
import { loadProfile } from '../../native/host-profile.js';
import { type VirtualKernel } from '../../sim/kernel.js';
import { createKernel } from '../../protocols/index.js';
import { PROFILES } from '../../sim/profile.js';
import { loadKernelModule } from '../../runner/kernel-modules.js';

/** KernelFlags are the parsed shared flags. */
export interface KernelFlags {
  kernel?: string;
  module?: string[];
  state?: string;
  pcap?: string;
  pcapFormat?: CaptureFormat;
}

/** PreparedKernel is a booted kernel with its modules loaded and its recording (if any) running. */
export interface PreparedKernel {
  kernel: VirtualKernel;
  /**
   * finish writes the capture file, when --pcap asked for one; a file that cannot be written
   * is reported on stderr (one line) and makes it resolve to false.
   */
  finish(): Promise<boolean>;
}

/** addKernelFlags declares --kernel, --module, --state, --pcap and --pcap-format on `command`. */
export function addKernelFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--kernel <profile>', `the kernel build to simulate: host (this machine's, from /proc/config.gz), ${Object.keys(PROFILES).join(', ')}, or a profile file (nlsim profile show)`)
        .env('NLSIM_KERNEL')
        .default('default'),
    )
    .option(
      '--module <file>',
      'load a kernel module: a .js/.mjs file (or .ts, through tsx) whose default export or register export is a function (kernel) => void; repeatable, loaded in order (with --pcap, the capture then keeps every protocol, not only nlmon\'s)',
      (file: string, previous: string[] = []) => [...previous, file],
    )
    .option('--state <file>', 'create the links, addresses, routes, neighbours and rules of a topology file (docs/topology.md; `nlsim snapshot` writes one) through rtnetlink before the command starts')
    .option('--pcap <file>', 'record every datagram the virtual kernel moves, both directions, as nlmon would, into FILE when the kernel stops')
    .addOption(new Option('--pcap-format <format>', 'the capture file format').choices(['pcap', 'pcap-ns', 'pcapng']).default('pcap'));
}

/**
 * pcapDirectoryProblem says why `file` could not be written later ('' when its directory
 * exists), so that a typo fails before the command runs rather than after.
 */
export function pcapDirectoryProblem(file: string): string {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) return `--pcap ${file}: no such directory ${dir}`;
  if (!statSync(dir).isDirectory()) return `--pcap ${file}: ${dir} is not a directory`;
  return '';
}

/**
 * prepareKernel boots a kernel for `flags`: modules loaded in order, the --state topology
 * created, then the recording started, so that neither a module's own setup traffic nor the
 * initial state's requests are in the capture (nlmon is created after them, too). Throws an
 * Error whose one-line message starts with the flag at fault (a module that does not load,
 * a state file that is malformed or refused, a --pcap directory that does not exist).
 */
export async function prepareKernel(flags: KernelFlags): Promise<PreparedKernel> {
  const problem = flags.pcap === undefined ? '' : pcapDirectoryProblem(flags.pcap);
  if (problem) throw new Error(problem);
  // Read and checked before anything boots, so that a typo fails at once.
  const profile = withFlag('--kernel', () => loadProfile(flags.kernel ?? 'default'));
  const state = flags.state === undefined ? undefined : withFlag('--state', () => readTopologyFile(flags.state!));
  const kernel = createKernel({ profile });
  for (const file of flags.module ?? []) {
    await loadKernelModule(kernel, file).catch((e: Error) => {
      throw new Error(`--module ${e.message}`);
    });
  }
  if (state) withFlag('--state', () => loadTopology(kernel, state, { source: flags.state }));
  // 'all': a user's module on its own protocol number is the point of recording it, even
  // though Linux's nlmon filter would let only the stock families through.
  const recording: KernelRecording | undefined =
    flags.pcap === undefined ? undefined : recordKernel(kernel, flags.pcap, { format: flags.pcapFormat ?? 'pcap', protocols: flags.module?.length ? 'all' : 'nlmon' });
  return {
    kernel,
    finish: async () => {
      try {
        await recording?.stop();
        return true;
      } catch (e) {
        console.error(`nlsim: --pcap ${flags.pcap}: ${(e as Error).message}`);
        return false;
      }
    },
  };
}

/** withFlag runs `fn`, prefixing the message of what it throws with the flag at fault. */
function withFlag<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(`${flag} ${(e as Error).message}`);
  }
}
