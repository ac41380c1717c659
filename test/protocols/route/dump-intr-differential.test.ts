/**
 * NLM_F_DUMP_INTR, simulator against Linux: dumps that span several datagrams, with the
 * state changed after the first one. On 6.18 only the link dump still checks its
 * generation (dev_base_seq); the address and route dumps walk their tables under RCU and
 * never set the flag, whatever changes. Both kernels must flag the same messages and split
 * the dumps into the same datagrams.
 */
import { expect, it } from 'vitest';
import { createHostKernel } from '../../helpers/host-kernel.js';
import type { NetlinkSocket, SocketFactory } from '../../../sim/socket-api.js';
import { NETLINK_ROUTE, NLM_F_ACK, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, SOCK_RAW } from '../../../sim/uapi/netlink.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { RTM } from '../../../protocols/route/core/uapi.js';
import { encodeIfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';

const ACK = NLM_F_REQUEST | NLM_F_ACK;
const CREATE = ACK | 0x400 | 0x200;

/** request sends one request and expects its ACK (0). */
function request(s: NetlinkSocket, type: number, flags: number, payload: Uint8Array): void {
  s.sendto(encodeMessage({ type, flags, seq: 1, pid: 0 }, payload), { pid: 0, groups: 0 });
  const [m] = decodeMessages(s.recvmsg({ bufferSize: 65536 }).data);
  expect(m!.header.type).toBe(NLMSG_ERROR);
  expect(new DataView(m!.payload.buffer, m!.payload.byteOffset).getInt32(0, true)).toBe(0);
}

const ifaddrmsg = (family: number, plen: number, flags = 0) => Uint8Array.of(family, plen, flags, 0, 1, 0, 0, 0);
const addr4 = (s: NetlinkSocket, i: number) => request(s, RTM.RTM_NEWADDR, CREATE, concat(ifaddrmsg(2, 32), attr(2, Uint8Array.of(10, 9, i >> 8, i & 255))));
const addr6 = (s: NetlinkSocket, i: number) => {
  const a = new Uint8Array(16);
  a.set([0x20, 0x01, 0x0d, 0xb8]);
  a[14] = i >> 8;
  a[15] = i & 255;
  request(s, RTM.RTM_NEWADDR, CREATE, concat(ifaddrmsg(10, 128, 2), attr(1, a)));
};
const route4 = (s: NetlinkSocket, i: number) =>
  request(s, RTM.RTM_NEWROUTE, CREATE, concat(Uint8Array.of(2, 32, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0), attr(1, Uint8Array.of(10, 8, i >> 8, i & 255)), attrU32(4, 1)));
const ifb = (s: NetlinkSocket, name: string) => request(s, RTM.RTM_NEWLINK, CREATE, concat(encodeIfInfoMsg({}), attrString(3, name), attr(18, attrString(1, 'ifb'))));

/** DumpCase: a dump request and the change made after its first datagram. */
type DumpCase = [name: string, type: number, payload: Uint8Array, change: (s: NetlinkSocket) => void];
const rtmsg = (family: number) => Uint8Array.of(family, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
const cases: DumpCase[] = [
  ['links, a link added', RTM.RTM_GETLINK, encodeIfInfoMsg({}), (s) => ifb(s, 'zz0')],
  ['links, an address added', RTM.RTM_GETLINK, encodeIfInfoMsg({}), (s) => addr4(s, 1000)],
  ['IPv4 addresses, an address added', RTM.RTM_GETADDR, ifaddrmsg(2, 0), (s) => addr4(s, 1001)],
  ['IPv6 addresses, an address added', RTM.RTM_GETADDR, ifaddrmsg(10, 0), (s) => addr6(s, 1001)],
  ['IPv4 routes, a route added', RTM.RTM_GETROUTE, rtmsg(2), (s) => route4(s, 1001)],
  ['IPv6 routes, an address added', RTM.RTM_GETROUTE, rtmsg(10), (s) => addr6(s, 1002)],
  ['IPv4 routes, a link added', RTM.RTM_GETROUTE, rtmsg(2), (s) => ifb(s, 'zz1')],
];

/** run builds the same state on `factory`, then runs every case: which messages carry NLM_F_DUMP_INTR. */
function run(factory: SocketFactory): string[] {
  const s = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  s.bind({ pid: 0, groups: 0 });
  request(s, RTM.RTM_SETLINK, ACK, encodeIfInfoMsg({ index: 1, flags: 1, change: 1 }));
  for (let i = 1; i <= 150; i++) {
    addr4(s, i);
    addr6(s, i);
    route4(s, i);
  }
  for (let i = 0; i < 40; i++) ifb(s, `i${i}`);
  const out: string[] = [];
  for (const [name, type, payload, change] of cases) {
    const d = factory.socket(SOCK_RAW, NETLINK_ROUTE);
    d.bind({ pid: 0, groups: 0 });
    d.sendto(encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 7, pid: 0 }, payload), { pid: 0, groups: 0 });
    const flagged: number[] = [];
    let count = 0;
    let datagrams = 0;
    for (let done = false; !done; ) {
      const msgs = decodeMessages(d.recvmsg({ bufferSize: 65536 }).data);
      for (const m of msgs) {
        if (m.header.flags & NLM_F_DUMP_INTR) flagged.push(count);
        count++;
        done ||= m.header.type === NLMSG_DONE;
      }
      if (datagrams++ === 0) change(s);
    }
    d.close();
    out.push(`${name}: ${count} messages in ${datagrams} datagrams, NLM_F_DUMP_INTR on [${flagged.join(',')}]`);
  }
  s.close();
  return out;
}

describeKernel('NLM_F_DUMP_INTR when state changes mid-dump: simulator and Linux', (openNamespace) => {
  it('flags the same messages of the same multi-datagram dumps', () => {
    const ns = openNamespace();
    let real: string[];
    try {
      real = run(ns);
    } finally {
      ns.close();
    }
    const sim = run(createHostKernel());
    expect(sim).toEqual(real);
    // The dumps did span datagrams, and the link dump's flag did show.
    expect(real.every((line) => !/ in 1 datagrams/.test(line))).toBe(true);
    expect(real[0]).toMatch(/DUMP_INTR on \[\d+\]/);
  }, 60_000);
});
