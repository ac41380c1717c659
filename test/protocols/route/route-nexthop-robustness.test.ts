/**
 * Malformed and random route and nexthop requests never crash the simulator: 4000 requests
 * (RTM_NEWROUTE/DELROUTE/GETROUTE with random RTA_MULTIPATH entries, RTA_NH_ID, RTA_VIA and
 * gateways; RTM_NEWNEXTHOP/DELNEXTHOP/GETNEXTHOP with random groups; links set down and
 * deleted in between) from a seeded generator, each answered by an ACK, an error or a dump,
 * never by an exception; and some of them succeed.
 */
import { expect, it } from 'vitest';
import { RTM } from '../../../protocols/route/core/uapi.js';
import { createKernel } from '../../../protocols/index.js';
import { NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_REPLACE, NLM_F_REQUEST, SOCK_RAW } from '../../../sim/uapi/netlink.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { attr, concat } from '../../helpers/exchange.js';
import { runScenario } from './link-differential.js';
import { addAddr, createLink, up } from './rt-steps.js';

/** rnd draws below `n` from a seeded generator (mulberry32), so every run sends the same requests. */
let seed = 0x5eed;
function rnd(n: number): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
}
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
const bytes = (n: number) => Uint8Array.from({ length: n }, () => (rnd(4) === 0 ? rnd(256) : rnd(6)));
const NH_TYPES: number[] = [RTM.RTM_NEWNEXTHOP, RTM.RTM_DELNEXTHOP, RTM.RTM_GETNEXTHOP];

/** rtnexthops builds a random RTA_MULTIPATH payload: plausible entries mostly, broken lengths sometimes. */
function rtnexthops(): Uint8Array {
  const hops: Uint8Array[] = [];
  for (let h = rnd(4); h > 0; h--) {
    const inner = rnd(2) ? attr(5, rnd(2) ? Uint8Array.of(10, 1 + rnd(2), 0, 2) : bytes(rnd(20))) : new Uint8Array(0);
    const head = new Uint8Array(8);
    const v = new DataView(head.buffer);
    v.setUint16(0, rnd(5) ? 8 + inner.length : rnd(40), true);
    head[2] = rnd(3) ? 0 : rnd(256);
    head[3] = rnd(256);
    v.setInt32(4, rnd(5), true);
    hops.push(concat(head, inner));
  }
  return concat(...hops);
}

/** request builds one random request: its type, flags and payload. */
function request(): { type: number; flags: number; payload: Uint8Array } {
  const type = pick([RTM.RTM_NEWROUTE, RTM.RTM_DELROUTE, RTM.RTM_GETROUTE, ...NH_TYPES, RTM.RTM_NEWLINK, RTM.RTM_DELLINK]);
  const flags = NLM_F_REQUEST | pick([0, NLM_F_ACK, NLM_F_CREATE | NLM_F_ACK, NLM_F_REPLACE | NLM_F_CREATE, NLM_F_DUMP, 0x200]);
  const nh = NH_TYPES.includes(type);
  let head: Uint8Array;
  if (nh) head = Uint8Array.of(pick([0, 2, 10]), 0, 0, 0, rnd(3) ? 0 : 4, 0, 0, 0);
  else if (type === RTM.RTM_NEWLINK || type === RTM.RTM_DELLINK) head = concat(Uint8Array.of(0, 0, 0, 0, rnd(4), 0, 0, 0), new Uint8Array(8));
  else head = Uint8Array.of(pick([2, 10]), rnd(2) ? 24 : 64, 0, 0, 254, 3, pick([0, 253, 254]), pick([1, 6]), 0, 0, 0, 0);
  const attrs: Uint8Array[] = [];
  for (let j = rnd(5); j > 0; j--) {
    const t = pick([1, 2, 4, 5, 6, 9, 30, 11, 3, 13, 14, 18]);
    let p: Uint8Array;
    if (t === 9 && !nh) p = rtnexthops();
    else if (t === 30 || (t === 1 && nh)) p = Uint8Array.of(rnd(12), 0, 0, 0);
    else if (t === 2 && type === RTM.RTM_NEWNEXTHOP) p = concat(...Array.from({ length: rnd(3) + 1 }, () => Uint8Array.of(rnd(12), 0, 0, 0, rnd(3), 0, 0, 0)));
    else if (t === 18) p = rnd(2) ? concat(Uint8Array.of(pick([2, 10, 7]), 0), Uint8Array.of(32, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, rnd(3))) : bytes(rnd(20));
    else p = rnd(3) ? Uint8Array.of(10, rnd(3), 0, rnd(4)) : bytes(rnd(18));
    attrs.push(attr(t, p));
  }
  return { type, flags, payload: concat(head, ...attrs) };
}

it('4000 random route and nexthop requests: answers, never exceptions; some succeed', async () => {
  const kernel = createKernel();
  const setup = [createLink('i0', 'ifb'), createLink('i1', 'ifb'), up(1), up(2), up(3), addAddr(2, '10.1.0.1/24'), addAddr(3, '10.2.0.1/24'), addAddr(2, '2001:1::1/64', { flags: 2 })];
  await runScenario(kernel, setup, { real: false, groups: 0 });
  const s = kernel.socket(SOCK_RAW, NETLINK_ROUTE);
  let succeeded = 0;
  try {
    s.bind({ pid: 0, groups: 0 });
    for (let i = 0; i < 4000; i++) {
      const { type, flags, payload } = request();
      s.sendto(encodeMessage({ type, flags, seq: i, pid: 0 }, payload), { pid: 0, groups: 0 });
      for (;;) {
        let data: Uint8Array;
        try {
          data = s.recvmsg({ bufferSize: 65536 }).data;
        } catch (e) {
          if ((e as { code?: string }).code === 'EAGAIN') break;
          throw e;
        }
        for (const m of decodeMessages(data)) if (m.header.type === 2 && m.payload[0] === 0 && m.payload[1] === 0 && m.payload[2] === 0 && m.payload[3] === 0 && type !== RTM.RTM_NEWLINK) succeeded++;
      }
    }
  } finally {
    s.close();
  }
  expect(succeeded).toBeGreaterThan(20);
});
