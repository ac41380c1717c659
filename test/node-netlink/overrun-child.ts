/**
 * What node-netlink does when a socket's receive queue overruns: run as
 * `overrun-child.ts real` (under `unshare -n`, on Linux) or `overrun-child.ts sim` (on the
 * virtual kernel). A monitor with the smallest receive buffer is flooded with RTNLGRP_LINK
 * notifications; the script prints 'survived' if the process lives through it.
 */
import { createRequire } from 'node:module';
import { createKernel } from '../../sim/kernel.js';
import { attachNodeNetlink } from '../../node-netlink/index.js';
import type { NetlinkModule } from './scenarios.js';

if (process.argv[2] === 'sim') attachNodeNetlink(createKernel({ seed: 7 }));
const nl = createRequire(import.meta.url)('netlink') as NetlinkModule;
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
