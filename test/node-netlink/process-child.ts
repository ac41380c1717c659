/**
 * Process-level behaviour of node-netlink, which a test runner cannot observe in itself:
 * run as `process-child.ts <case> real` (under `unshare -n`, on Linux) or
 * `process-child.ts <case> sim` (on the virtual kernel). It prints 'survived' if the case
 * ran to its end; the exit (code, signal, stderr) tells the rest.
 *
 * - overrun: a monitor with the smallest receive buffer is flooded with RTNLGRP_LINK
 *   notifications.
 * - idle: sockets are left open after their requests; node-netlink unreferences idle
 *   sockets, so the process must still exit by itself.
 */
import { createRequire } from 'node:module';
import { createHostKernel } from '../helpers/host-kernel.js';
import { attachNodeNetlink } from '../../node-netlink/index.js';
import type { NetlinkModule } from './scenarios.js';

const [, , which, where] = process.argv;
if (where === 'sim') attachNodeNetlink(createHostKernel({ seed: 7 }));
const nl = createRequire(import.meta.url)('netlink') as NetlinkModule;

if (which === 'overrun') {
  const rt = nl.createRtNetlink();
  const mon = nl.createRtNetlink();
  mon.socket.on('error', (e) => console.log(`error event: ${(e as Error).message}`));
  mon.addMembership('LINK');
  mon.socket.setRecvBufferSize(1); // SOCK_MIN_RCVBUF: room for one notification
  // Sent in one go, so every notification is queued before the monitor reads any.
  await Promise.all([1300, 1301, 1302].map((mtu) => rt.setLink({ index: 1 }, { mtu })));
  await mon.getLink({ index: 1 }, {}, { seq: 0x7fff0000 });
  console.log('survived');
  rt.socket.close();
  mon.socket.close();
} else if (which === 'idle') {
  const rt = nl.createRtNetlink();
  const mon = nl.createRtNetlink();
  mon.addMembership('LINK');
  await rt.setLink({ index: 1 }, { mtu: 1300 });
  await rt.getLinks();
  console.log('survived');
  // Neither socket is closed: the event loop must not be kept alive by them.
} else {
  console.error(`unknown case ${which}`);
  process.exit(2);
}
