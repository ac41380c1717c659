/**
 * Link statistics, simulator against Linux: RTM_GETSTATS lookups and dumps for every part of
 * the filter mask (64-bit counters, bridge and bridge-port extended statistics, offload
 * information, the AF_SPEC nest), the per-attribute filters, the header checks with and
 * without strict checking, RTM_SETSTATS, and a dump spread over several datagrams. Devices
 * stay down, so Linux's counters stay zero.
 */
import { expect, it } from 'vitest';
import { encodeIfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';
import { RTM } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import type { SocketFactory } from '../../../sim/socket-api.js';
import { NETLINK_ROUTE, SOCK_RAW } from '../../../sim/uapi/netlink.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { datagramsOf } from './link-differential.js';
import { createLink } from './rt-steps.js';
import { ACK, describeRequests, DUMP, REQ, step, u32 } from './request-scenarios.js';

const ifsm = (index: number, mask: number, fam = 0, pad1 = 0, pad2 = 0) => concat(Uint8Array.of(fam, pad1, pad2 & 0xff, pad2 >> 8), u32(index), u32(mask));
const filters = (...a: Uint8Array[]) => attr(1 | 0x8000, concat(...a));
const get = (p: Uint8Array) => step(RTM.RTM_GETSTATS, REQ, p);
const dump = (p: Uint8Array) => step(RTM.RTM_GETSTATS, DUMP, p);

describeRequests('RTM_GETSTATS / RTM_SETSTATS: simulator and Linux, message for message', [
  ['statistics of lo, a veth pair, a bridge and its port', [
    createLink('v0', 'veth'), createLink('br0', 'bridge'), step(RTM.RTM_NEWLINK, ACK, concat(encodeIfInfoMsg({ index: 3 }), attrU32(10, 4))),
    ...[1, 2, 4, 8, 16, 31].map((m) => dump(ifsm(0, m))),
    ...[1, 2, 3, 4].flatMap((i) => [1, 2, 4, 8, 16, 31].map((m) => get(ifsm(i, m)))),
    get(ifsm(1, 32)), get(ifsm(1, 0)), get(ifsm(0, 1)), get(ifsm(-1, 1)), get(ifsm(99, 1)), get(ifsm(1, 1, 7)), get(ifsm(1, 1, 0, 1)), get(Uint8Array.of(0, 0, 0, 0)),
    get(concat(ifsm(1, 8), filters(attrU32(4, 2)))), get(concat(ifsm(1, 8), filters(attrU32(4, 1)))), get(concat(ifsm(1, 8), filters(attrU32(4, 4)))), get(concat(ifsm(1, 8), filters(attrU32(4, 8)))), get(concat(ifsm(1, 8), filters(attrU32(4, 16)))), get(concat(ifsm(1, 8), filters(attrU32(4, 3)))),
    get(concat(ifsm(1, 1), filters(attrU32(4, 1)))), get(concat(ifsm(1, 9), filters(attrU32(1, 1)))), get(concat(ifsm(1, 8), attr(1, attrU32(4, 2)))), get(concat(ifsm(1, 1), attrU32(2, 1))),
    get(concat(ifsm(1, 1), attrU32(7, 1))), step(RTM.RTM_GETSTATS, ACK, ifsm(4, 31)),
    dump(ifsm(0, 0)), dump(ifsm(1, 1)), dump(ifsm(0, 1, 0, 1)), dump(ifsm(0, 1, 0, 0, 1)), dump(ifsm(0, 0x20)), dump(ifsm(0, 0x40)), dump(Uint8Array.of(0, 0, 0, 0)), dump(ifsm(0, 1, 2)),
    dump(concat(ifsm(0, 8), filters(attrU32(4, 2)))), dump(concat(ifsm(0, 1), filters(attrU32(4, 2)))), dump(concat(ifsm(0, 1), attrU32(2, 1))),
    step(RTM.RTM_SETSTATS, ACK, ifsm(1, 0)), step(RTM.RTM_SETSTATS, ACK, ifsm(1, 1)), step(RTM.RTM_SETSTATS, ACK, ifsm(0, 0)), step(RTM.RTM_SETSTATS, ACK, ifsm(99, 0)), step(RTM.RTM_SETSTATS, ACK, ifsm(-1, 0)),
    step(RTM.RTM_SETSTATS, ACK, ifsm(1, 0, 2)), step(RTM.RTM_SETSTATS, ACK, concat(ifsm(1, 0), attr(2, Uint8Array.of(2)))), step(RTM.RTM_SETSTATS, ACK, concat(ifsm(1, 0), attrU32(1, 1))),
  ]],
]);

/** createVeths creates `n` veth pairs with one request each. */
function createVeths(factory: SocketFactory, n: number): void {
  const s = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    s.bind({ pid: 0, groups: 0 });
    for (let i = 0; i < n; i++) {
      const c = createLink(`v${i}`, 'veth');
      s.sendto(encodeMessage({ type: c.type, flags: c.flags, seq: i + 1, pid: 0 }, c.payload), { pid: 0, groups: 0 });
      decodeMessages(s.recvmsg({ bufferSize: 65536 }).data);
    }
  } finally {
    s.close();
  }
}

describeKernel('RTM_GETSTATS dumps across datagrams: simulator and Linux', (openNamespace) => {
  it('41 devices, read 4 KiB and 32 KiB at a time', () => {
    const ns = openNamespace();
    try {
      const sim = createHostKernel();
      createVeths(ns, 20);
      createVeths(sim, 20);
      for (const size of [4096, 32768]) {
        for (const mask of [1, 31]) expect({ size, mask, d: datagramsOf(sim, dump(ifsm(0, mask)), size) }).toEqual({ size, mask, d: datagramsOf(ns, dump(ifsm(0, mask)), size) });
      }
    } finally {
      ns.close();
    }
  }, 60_000);
});
