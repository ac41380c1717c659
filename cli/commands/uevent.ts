/**
 * `nlsim uevent --socket PATH ACTION DEVPATH`: injects a device event into the kernel of a
 * running `nlsim serve`, in the kernel's format (group 1, from port 0) or, with --udev, in
 * libudev's (group 2, from udevd's port), for the uevent listeners it serves.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { errnoName } from '../../sim/uapi/errno.js';
import { bridgeRequest } from '../../runner/bridge-client.js';
import { encodeUeventRequest } from '../../runner/bridge-control.js';
import { BRIDGE_OP, BRIDGE_UEVENT_UDEV } from '../../runner/bridge-protocol.js';

/** UeventOptions are the command's flags. */
interface UeventOptions {
  socket: string;
  subsystem?: string;
  env: string[];
  udev?: boolean;
}

/** WHY explains the errors a server answers, in the words of this command. */
const WHY: Record<string, string> = {
  EPERM: "the server refuses control requests: its socket's directory is not private (mode 0700, owned by its user)",
  EPROTONOSUPPORT: 'the served kernel has no NETLINK_KOBJECT_UEVENT',
  ENOMEM: 'the event is larger than the kernel uevent buffer (2048 bytes)',
  EINVAL: 'the server could not read the event',
  EPROTO: 'the server does not know control requests (an older nlsim?)',
};

/** register adds the command to `program`. */
export function register(program: Command): void {
  program
    .command('uevent')
    .description('inject a device event (uevent) into the kernel of a running `nlsim serve`')
    .requiredOption('--socket <path>', 'the socket of the `nlsim serve` to inject into')
    .option('--subsystem <name>', 'SUBSYSTEM of the event, e.g. net')
    .option('--env <KEY=VALUE>', 'a further property, in order; repeatable', (pair: string, previous: string[]) => [...previous, pair], [] as string[])
    .option('--udev', 'send it as udevd does after processing it: libudev format, group 2, from udevd (port 1), with the last SEQNUM')
    .argument('<action>', 'add, remove, change, move, online, offline, bind or unbind')
    .argument('<devpath>', 'the device path below /sys, e.g. /devices/virtual/net/x0')
    .action(async (action: string, devpath: string, options: UeventOptions) => {
      const env: Record<string, string> = {};
      for (const pair of options.env) {
        const eq = pair.indexOf('=');
        if (eq <= 0 || pair.includes('\0')) {
          console.error(`nlsim uevent: --env ${pair}: expected KEY=VALUE`);
          return process.exit(2);
        }
        env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const body = encodeUeventRequest({ action, devpath, ...(options.subsystem === undefined ? {} : { subsystem: options.subsystem }), env });
      let result: number;
      try {
        const flags = options.udev ? BRIDGE_UEVENT_UDEV : 0;
        ({ result } = await bridgeRequest(path.resolve(options.socket), { op: BRIDGE_OP.UEVENT, key: 0n, pid: process.pid, flags, body }));
      } catch (e) {
        console.error(`nlsim uevent: ${(e as Error).message}`);
        return process.exit(1);
      }
      if (result < 0) {
        const name = errnoName(result) ?? String(result);
        console.error(`nlsim uevent: ${name}: ${WHY[name] ?? 'the server refused the event'}`);
        return process.exit(1);
      }
    });
}
