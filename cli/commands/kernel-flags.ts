/**
 * The flags `nlsim run` and `nlsim serve` share about the kernel they host: modules to load
 * (--module) and a capture of its traffic (--pcap, --pcap-format).
 */
import { type Command, Option } from 'commander';
import type { CaptureFormat } from '../../captures/capture.js';
import { type KernelRecording, recordKernel } from '../../captures/record.js';
import { createKernel, type VirtualKernel } from '../../sim/kernel.js';
import { loadKernelModule } from '../../sim/transport/kernel-modules.js';

/** KernelFlags are the parsed shared flags. */
export interface KernelFlags {
  module?: string[];
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

/** addKernelFlags declares --module, --pcap and --pcap-format on `command`. */
export function addKernelFlags(command: Command): Command {
  return command
    .option(
      '--module <file>',
      'load a kernel module: a .js/.mjs file (or .ts, through tsx) whose default export or register export is a function (kernel) => void; repeatable, loaded in order (with --pcap, the capture then keeps every protocol, not only nlmon\'s)',
      (file: string, previous: string[] = []) => [...previous, file],
    )
    .option('--pcap <file>', 'record every datagram the virtual kernel moves, both directions, as nlmon would, into FILE when the kernel stops')
    .addOption(new Option('--pcap-format <format>', 'the capture file format').choices(['pcap', 'pcap-ns', 'pcapng']).default('pcap'));
}

/**
 * prepareKernel boots a kernel for `flags`: modules loaded in order, then the recording
 * started, so that a module's own setup traffic is not in the capture (nlmon is created
 * after the modules are loaded, too). Throws with a one-line message naming the bad flag.
 */
export async function prepareKernel(flags: KernelFlags): Promise<PreparedKernel> {
  const kernel = createKernel();
  for (const file of flags.module ?? []) await loadKernelModule(kernel, file);
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
