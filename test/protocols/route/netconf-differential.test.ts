/**
 * Netconf, simulator against Linux: the RTM_NEWNETCONF / RTM_DELNETCONF notifications devices
 * send as they are registered and unregistered (watched together with RTNLGRP_LINK and the
 * address, route and neighbour groups, so their place among the other notifications is
 * compared), RTM_GETNETCONF for a device, "all" and "default", the errors and extended ACKs
 * of malformed and strict requests, and the dumps of every family datagram by datagram.
 */
import { expect, it } from 'vitest';
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import type { SocketFactory } from '../../../sim/socket-api.js';
import { NETLINK_GET_STRICT_CHK, NETLINK_ROUTE, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, SOCK_RAW, SOL_NETLINK } from '../../../sim/uapi/netlink.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, concat } from '../../helpers/exchange.js';
import { describeScenarios, type ScenarioCase } from './compare-scenario.js';
import { render, type Step } from './link-differential.js';
import { addAddr, ALL_GROUPS, createLink, group, neigh, NEW, NUD_PERMANENT, up } from './rt-steps.js';

const REQ = NLM_F_REQUEST;
const ACK = NLM_F_REQUEST | NLM_F_ACK;
const DUMP = NLM_F_REQUEST | NLM_F_DUMP;
const NETCONF_GROUPS = group(RTNLGRP.RTNLGRP_IPV4_NETCONF) | group(RTNLGRP.RTNLGRP_IPV6_NETCONF);

/** s32 is a 4-byte host-order integer. */
const s32 = (v: number) => new Uint8Array(Int32Array.of(v).buffer);
/** ifx is NETCONFA_IFINDEX. */
const ifx = (i: number) => attr(1, s32(i));
/** netconfmsg is struct netconfmsg padded to 4 bytes, as iproute2 sends it. */
const ncm = (family: number) => Uint8Array.of(family, 0, 0, 0);
/** get / dump build RTM_GETNETCONF requests from a raw payload. */
const get = (payload: Uint8Array, flags: number = REQ): Step => ({ type: RTM.RTM_GETNETCONF, flags, payload });
const dump = (payload: Uint8Array, flags: number = DUMP): Step => ({ type: RTM.RTM_GETNETCONF, flags, payload });
/** dellink deletes device `index`. */
const dellink = (index: number): Step => ({ type: RTM.RTM_DELLINK, flags: ACK, payload: concat(Uint8Array.of(0, 0, 0, 0), s32(index), new Uint8Array(8)) });
const mac = (n: number) => Uint8Array.of(2, 0, 0, 0, 0, n);

/** Requests whose answers are the same with and without strict checking, and those that differ. */
const requests: Step[] = [
  get(ncm(2)), get(ncm(10)),
  get(concat(ncm(2), ifx(99))), get(concat(ncm(10), ifx(99))),
  get(concat(ncm(2), ifx(0))), get(concat(ncm(10), ifx(0))), get(concat(ncm(2), ifx(-3))),
  get(concat(ncm(2), ifx(1))), get(concat(ncm(10), ifx(1))), get(concat(ncm(2), ifx(1)), ACK),
  get(concat(ncm(2), ifx(-1))), get(concat(ncm(2), ifx(-2))), get(concat(ncm(10), ifx(-1))), get(concat(ncm(10), ifx(-2))),
  get(concat(ncm(2), attr(1, Uint8Array.of(1, 0)))), get(concat(ncm(10), attr(1, Uint8Array.of(1, 0)))),
  get(concat(ncm(2), attr(1, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0])))),
  ...[2, 3, 4, 5, 6, 7, 8, 9, 12].flatMap((t) => [get(concat(ncm(2), ifx(1), attr(t, Uint8Array.of(1)))), get(concat(ncm(10), ifx(1), attr(t, Uint8Array.of(1))))]),
  get(concat(ncm(2), ifx(1), attr(2, s32(1)))), get(concat(ncm(10), ifx(1), attr(2, s32(1)))),
  get(Uint8Array.of(2)), get(Uint8Array.of(2, 0)), get(concat(Uint8Array.of(2), ifx(1))), get(new Uint8Array(0), ACK),
  get(concat(ncm(0), ifx(1))), get(concat(ncm(7), ifx(1))),
  { type: RTM.RTM_NEWNETCONF, flags: ACK, payload: concat(ncm(2), ifx(1)) },
  { type: RTM.RTM_DELNETCONF, flags: ACK, payload: concat(ncm(2), ifx(1)) },
  dump(ncm(2)), dump(ncm(10)), dump(ncm(0)), dump(ncm(7)), dump(ncm(2), DUMP | NLM_F_ACK),
  dump(Uint8Array.of(2)), dump(Uint8Array.of(10)), dump(Uint8Array.of(0)), dump(Uint8Array.of(2, 0, 0, 0, 0)),
  dump(concat(ncm(2), ifx(1))), dump(concat(ncm(10), ifx(1))), dump(concat(ncm(0), ifx(1))), dump(concat(ncm(7), ifx(1))),
];

const scenarios: ScenarioCase[] = [
  ['veth, bridge and ifb come and go: NEWNETCONF inet and inet6 before the first RTM_NEWLINK, DELNETCONF before RTM_DELLINK', [
    createLink('i0', 'veth'), createLink('br0', 'bridge'), createLink('ifb0', 'ifb'), up(2),
    get(concat(ncm(2), ifx(2))), get(concat(ncm(10), ifx(3))), get(concat(ncm(2), ifx(4))), get(concat(ncm(10), ifx(5))),
    dump(ncm(2)), dump(ncm(10)), dump(ncm(0)),
    dellink(3), dellink(4), dellink(5),
    get(concat(ncm(2), ifx(2))), get(concat(ncm(10), ifx(3))), dump(ncm(0)),
  ], { groups: NETCONF_GROUPS | group(RTNLGRP.RTNLGRP_LINK) }],
  ['an up device with addresses and neighbours leaves: DELNETCONF inet after its IPv4 addresses, inet6 after its IPv6 addresses', [
    // One entry per neighbour table: Linux flushes a table in the order of a hash keyed at boot.
    createLink('ifb0', 'ifb'), up(2), addAddr(2, '10.0.0.1/24'), addAddr(2, '2001:db8::1/64', { flags: 2 }),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD_PERMANENT }, '10.0.0.2', mac(2)),
    dellink(2),
  ], { groups: ALL_GROUPS | NETCONF_GROUPS }],
  ['a device with neighbours but no addresses leaves: DELNETCONF inet before its ARP entries go', [
    createLink('i0', 'veth'),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD_PERMANENT }, '10.0.0.2', mac(2)),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD_PERMANENT }, '2001:db8::2', mac(3)),
    dellink(2),
  ], { groups: ALL_GROUPS | NETCONF_GROUPS }],
  ['devices named "all" or "default" are refused (EINVAL) and use up their index; a veth peer already registered goes again', [
    createLink('all', 'ifb'), createLink('default', 'bridge'), createLink('i0', 'veth'), createLink('default', 'veth'), createLink('ifb0', 'ifb'),
    dump(ncm(0)),
  ], { groups: NETCONF_GROUPS | group(RTNLGRP.RTNLGRP_LINK) }],
  ['requests without strict checking', requests, {}],
  ['requests with strict checking', requests, { strict: true }],
];

/**
 * datagrams sends `step` on a fresh socket and renders what comes back datagram by datagram:
 * its length, then its messages (a dump's NLMSG_DONE alone or not is part of the answer).
 */
function datagrams(factory: SocketFactory, step: Step, strict = false): string[] {
  const s = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    s.bind({ pid: 0, groups: 0 });
    if (strict) s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
    s.sendto(encodeMessage({ type: step.type, flags: step.flags, seq: 1, pid: 0 }, step.payload), { pid: 0, groups: 0 });
    const out: string[] = [];
    for (;;) {
      let data: Uint8Array;
      try {
        data = s.recvmsg({ bufferSize: 32768 }).data;
      } catch (e) {
        if ((e as { code?: string }).code === 'EAGAIN') return out;
        throw e;
      }
      out.push(`datagram ${data.length}`, ...decodeMessages(data).flatMap(render));
    }
  } finally {
    s.close();
  }
}

/** createVeths creates `n` veth pairs (ifindex 2… in pairs) with one request each. */
function createVeths(factory: SocketFactory, n: number): void {
  const s = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    s.bind({ pid: 0, groups: 0 });
    for (let i = 0; i < n; i++) {
      const step = createLink(`v${i}`, 'veth');
      s.sendto(encodeMessage({ type: step.type, flags: step.flags, seq: i + 1, pid: 0 }, step.payload), { pid: 0, groups: 0 });
      const [ack] = decodeMessages(s.recvmsg({ bufferSize: 65536 }).data);
      expect(ack!.payload.subarray(0, 4)).toEqual(new Uint8Array(4));
    }
  } finally {
    s.close();
  }
}

describeScenarios('RTM_*NETCONF: simulator and Linux, message for message', scenarios);

describeKernel('RTM_GETNETCONF dumps: simulator and Linux, datagram for datagram', (openNamespace) => {
  it('dumps of 61 devices resume across datagrams in every family, with and without strict checking', () => {
    const ns = openNamespace();
    try {
      const sim = createHostKernel();
      createVeths(ns, 30);
      createVeths(sim, 30);
      for (const strict of [false, true]) {
        for (const family of [2, 10, 0]) {
          const step = dump(ncm(family));
          expect({ strict, family, datagrams: datagrams(sim, step, strict) }).toEqual({ strict, family, datagrams: datagrams(ns, step, strict) });
        }
      }
    } finally {
      ns.close();
    }
  }, 60_000);

  it('NLMSG_DONE: alone after an AF_UNSPEC dump, with the last messages after a family dump', () => {
    const ns = openNamespace();
    try {
      const sim = createHostKernel();
      for (const step of [dump(ncm(2)), dump(ncm(10)), dump(ncm(0)), dump(ncm(7)), dump(Uint8Array.of(0), DUMP)]) {
        for (const strict of [false, true]) expect({ strict, datagrams: datagrams(sim, step, strict) }).toEqual({ strict, datagrams: datagrams(ns, step, strict) });
      }
    } finally {
      ns.close();
    }
  });
});
