/**
 * `nlsim record --pcap FILE -- CMD`: runs CMD against the real kernel with the shim in record
 * mode and writes the netlink datagrams it sent and received from the kernel as an nlmon
 * capture, without an nlmon device and without privileges beyond CMD's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { CaptureFormat } from '../../captures/capture.js';
import { CaptureRecorder } from '../../captures/record.js';
import type { CaptureTimestamp } from '../../captures/capture.js';
import { preloadAvailable } from '../../native/preload/index.js';
import { preloadEnvironment } from '../../runner/bridge-host.js';
import { BRIDGE_RECORD_ENV } from '../../runner/bridge-protocol.js';
import { RecordServer } from '../../runner/record-server.js';
import { pcapDirectoryProblem } from './kernel-flags.js';
import { runCommand } from './run.js';

/** RecordOptions are the command's flags. */
interface RecordOptions {
  pcap: string;
  pcapFormat: CaptureFormat;
  allProtocols?: boolean;
}

/** register adds the command to `program`. */
export function register(program: Command): void {
  program
    .command('record')
    .description('run a command on the real kernel and record its netlink datagrams (sent, and received from the kernel) as an nlmon capture; datagrams it never reads are not in it')
    .requiredOption('--pcap <file>', 'the capture file to write when the command exits')
    .addOption(new Option('--pcap-format <format>', 'the capture file format').choices(['pcap', 'pcap-ns', 'pcapng']).default('pcap'))
    .option('--all-protocols', 'keep every netlink family, not only those nlmon lets through (it drops NETLINK_KOBJECT_UEVENT, NETLINK_AUDIT…)')
    .argument('<command...>', 'the command and its arguments (after --)')
    .passThroughOptions()
    .action(async (argv: string[], options: RecordOptions) => {
      const shim = preloadAvailable();
      if (!shim.ok) {
        console.error(`nlsim record: ${shim.reason}`);
        return process.exit(2);
      }
      const problem = pcapDirectoryProblem(options.pcap);
      if (problem) {
        console.error(`nlsim record: ${problem}`);
        return process.exit(2);
      }
      // A private directory: only this user's processes can report datagrams.
      const dir = mkdtempSync(path.join(tmpdir(), 'nlsim-record-'));
      const server = await RecordServer.listen(path.join(dir, 'record.sock'));
      const env = { ...preloadEnvironment(process.env, shim.path, server.path), [BRIDGE_RECORD_ENV]: '1' };
      const status = await runCommand(argv, env);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      const written = await writeRecording(server, options);
      process.exit(written || status !== 0 ? status : 2);
    });
}

/** writeRecording writes what `server` collected; false (reported on stderr) when it cannot. */
async function writeRecording(server: RecordServer, options: RecordOptions): Promise<boolean> {
  // Each datagram keeps the time the shim stamped it with.
  let stamp: CaptureTimestamp = { seconds: 0, nanoseconds: 0 };
  const recorder = new CaptureRecorder({ format: options.pcapFormat, clock: () => stamp, protocols: options.allProtocols ? 'all' : 'nlmon' });
  for (const d of server.datagrams()) {
    stamp = { seconds: d.seconds, nanoseconds: d.nanoseconds };
    recorder.add(d.data, d.protocol, d.length);
  }
  try {
    await recorder.write(options.pcap);
    return true;
  } catch (e) {
    console.error(`nlsim record: --pcap ${options.pcap}: ${(e as Error).message}`);
    return false;
  }
}
