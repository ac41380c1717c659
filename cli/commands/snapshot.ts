/**
 * `nlsim snapshot [--out FILE]`: reads the real machine's links, addresses, routes,
 * permanent neighbours and policy rules through the native binding, with dump requests only, into a
 * topology file that `nlsim run --state FILE` (or loadTopology()) recreates in a virtual
 * kernel. See docs/topology.md.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatTopology, type Snapshot, snapshotTopology } from '../../protocols/route/topology/index.js';
import type { SocketFactory } from '../../sim/socket-api.js';
import { NETLINK_ROUTE, SOCK_RAW } from '../../sim/uapi/netlink.js';

/** SnapshotOptions are the command's flags. */
interface SnapshotOptions {
  out?: string;
}

/**
 * takeSnapshot opens a NETLINK_ROUTE socket from `sockets` (the real machine, or a
 * namespace in tests) and reads its topology: the command's whole path but the output.
 */
export function takeSnapshot(sockets: SocketFactory): Snapshot {
  const sock = sockets.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    return snapshotTopology(sock);
  } finally {
    sock.close();
  }
}

/** register adds the command to `program`. */
export function register(program: Command): void {
  program
    .command('snapshot')
    .summary("write this machine's links, addresses, routes, neighbours and rules as a topology file for --state")
    .description(
      'write the links, addresses, routes, permanent neighbours and policy rules of this machine\'s network namespace as a topology file for --state (read only: dump requests through the native binding; for another namespace run it under `nsenter --net=PATH`). What the kernel makes itself (lo, prefix and local routes, link-local addresses) is left out; what a virtual kernel cannot hold is left out with a warning on stderr',
    )
    .option('--out <file>', 'write the topology to FILE (default: standard output)')
    .action(async (options: SnapshotOptions) => {
      const { nativeAvailable, nativeHost } = await import('../../native/index.js');
      const avail = nativeAvailable();
      if (!avail.ok) return program.error(`nlsim: snapshot needs the native binding: ${avail.reason}`, { exitCode: 2 });
      let snapshot: Snapshot;
      try {
        snapshot = takeSnapshot(nativeHost);
      } catch (e) {
        console.error(`nlsim: snapshot: ${(e as Error).message}`);
        return process.exit(1);
      }
      for (const w of snapshot.warnings) console.error(`nlsim: snapshot: ${w}`);
      const text = formatTopology(snapshot.topology);
      if (options.out === undefined) process.stdout.write(text);
      else {
        try {
          writeFileSync(options.out, text);
        } catch (e) {
          console.error(`nlsim: snapshot: --out ${options.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
          return process.exit(1);
        }
      }
    });
}
