/**
 * What Linux does on its own after a request, simulator against Linux: IPv6 duplicate address
 * detection (the address tentative, then its RTM_NEWADDR and local route about 1–2 s later),
 * router solicitations, MLD reports, and the NOARP neighbour entries these packets leave in
 * the ND table, which `ip monitor` sees go when the device goes down, loses its carrier or
 * goes away. The simulator's clock is moved ahead by what the real kernel is given to wait.
 *
 * Linux draws the DAD delays at random, so each scenario lets at most one DAD run at a time
 * (the veth peer has addr_gen_mode none and its addresses skip DAD) and compares every step's
 * notifications in order; replies to dumps are compared as sorted lists (link-local addresses
 * come from random MACs and decide where routes sort).
 */
import { encodeIfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { byMessage, describeScenarios, isFlushedMcastNeighbour, sortedMessages, sortRuns, type ScenarioCase } from './compare-scenario.js';
import { type Step, wait } from './link-differential.js';
import { ADDR_ROUTE_GROUPS, addAddr, addRoute, createLink, delAddr, down, dst, dumpAddr, dumpRoute, group, gw, neigh, NEW, NUD_PERMANENT, oif, up } from './rt-steps.js';

const D = NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK;
const IFA_F_NODAD = 0x02;
const GROUPS = ADDR_ROUTE_GROUPS | group(RTNLGRP.RTNLGRP_NEIGH) | group(RTNLGRP.RTNLGRP_LINK) | group(RTNLGRP.RTNLGRP_IPV4_NETCONF) | group(RTNLGRP.RTNLGRP_IPV6_NETCONF);

const genModeNone = (index: number): Step => ({
  type: RTM.RTM_SETLINK,
  flags: NLM_F_REQUEST | NLM_F_ACK,
  payload: concat(encodeIfInfoMsg({ index }), attr(26, attr(10, attr(8, Uint8Array.of(1))))),
});
const dumpNeigh = (family: number): Step => ({ type: RTM.RTM_GETNEIGH, flags: D, payload: Uint8Array.of(family, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) });
const dumpInet6Links: Step = { type: RTM.RTM_GETLINK, flags: D, payload: encodeIfInfoMsg({ family: 10 }) };
const delLink = (index: number): Step => ({ type: RTM.RTM_DELLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: encodeIfInfoMsg({ index }) });
/**
 * raced marks a step that brings up a veth end whose peer is up. Its RTM_NEWLINK races on
 * Linux with the linkwatch work that ndo_open's netif_carrier_on() queued as urgent: on a
 * quiet machine the message goes first (NO-CARRIER, LOWERLAYERDOWN, as nlsim sends it), on a
 * busy one linkwatch may already have set the operstate (RUNNING, UP). Only those two fields
 * of that message are left out of the comparison.
 */
const racedSteps = new WeakSet<Step>();
const raced = (s: Step): Step => (racedSteps.add(s), s);
const IFF_RUNNING = 0x40;
function maskRace(messages: string[]): string[] {
  const i = messages.findIndex((m) => m.startsWith('nlmsg type=16'));
  if (i < 0) return messages;
  const out = [...messages];
  out[i] = out[i]!
    .replace(/^ifinfomsg ([0-9a-f]{16})([0-9a-f]{8})/m, (_all, head: string, flags: string) => {
      const v = Buffer.from(flags, 'hex').readUInt32LE(0) & ~IFF_RUNNING;
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v >>> 0);
      return `ifinfomsg ${head}${b.toString('hex')}`;
    })
    .replace(/^IFLA_OPERSTATE .*$/m, 'IFLA_OPERSTATE <raced>');
  return out;
}
const mtu = (index: number, value: number): Step => ({ type: RTM.RTM_SETLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: concat(encodeIfInfoMsg({ index }), attrU32(4, value)) });
const mac = (n: number) => Uint8Array.of(2, 0, 0, 0, 0, n);
const isDump = (s: Step) => (s.flags & NLM_F_DUMP) === NLM_F_DUMP;

// v0p is ifindex 2 (no link-local address), v0 is 3; i0 (ifb: NOARP, no multicast) is 4.
const scenarios: ScenarioCase[] = [
  ['a veth pair coming up: link-local DAD, the solicitation, ND entries, then a user address with DAD and one without', [
    up(1), createLink('v0', 'veth'), genModeNone(2), up(3), up(2), wait(2600),
    dumpAddr(10), dumpRoute(10), dumpNeigh(10), dumpInet6Links,
    addAddr(3, '2001:db8::1/64'), wait(2600), dumpAddr(10), dumpNeigh(10),
    addAddr(2, '2001:db8::2/64', { flags: IFA_F_NODAD }), wait(200), dumpNeigh(10),
    // The peer is not a gateway: it is one of our own addresses.
    addRoute({ family: 10 }, dst('2001:db8:5::'), gw('2001:db8::2'), oif(3)),
    delLink(3),
  ]],
  ['carrier loss flushes what is not permanent; routes stay, linkdown; the carrier back sends MLD reports again', [
    up(1), createLink('v0', 'veth'), genModeNone(2), up(3), up(2), wait(2600),
    // (The wait covers the MLD report repeated within a second, which would bring ff02::16 back.)
    addAddr(2, '2001:db8::2/64', { flags: IFA_F_NODAD }), addAddr(2, '10.1.0.2/24'), wait(1100),
    neigh(RTM.RTM_NEWNEIGH, NEW, { family: 10, index: 2, state: NUD_PERMANENT }, '2001:db8::7', mac(7)),
    neigh(RTM.RTM_NEWNEIGH, NEW, { family: 2, index: 2, state: NUD_PERMANENT }, '10.1.0.7', mac(7)),
    // v0 goes down (its solicitations stop with it): v0p loses the carrier.
    // (The wait lets Linux's linkwatch run for v0p, even on a busy machine.)
    down(3), wait(300), dumpRoute(10), dumpRoute(2), dumpNeigh(10),
    raced(up(3)), wait(2600), dumpNeigh(10), dumpRoute(10),
    // The last IPv4 address gone: fib_disable_ip() flushes ARP, permanent entries too.
    delAddr(2, '10.1.0.2/24'), delLink(2),
  ]],
  ['a device without DAD (ifb: NOARP): the address at once, a solicitation, no MLD', [
    up(1), createLink('i0', 'ifb'), up(2), wait(100, { lateWork: true }), dumpNeigh(10), dumpInet6Links, down(2),
  ]],
  ['MTU below 1280 stops IPv6 (lo keeps its inet6_dev), below 68 IPv4; larger again, they come back without addresses', [
    up(1), createLink('v0', 'veth'), genModeNone(2), up(3), up(2), addAddr(3, '10.1.0.1/24'), addAddr(3, '2001:db8::1/64', { flags: IFA_F_NODAD }), wait(2600),
    mtu(3, 1000), dumpAddr(0), mtu(3, 1500), wait(2600), dumpAddr(0), mtu(1, 60), dumpAddr(0), mtu(1, 65536), dumpAddr(0), dumpInet6Links,
  ]],
  ['a user address on a device that is up without carrier: tentative until the carrier comes', [
    up(1), createLink('v0', 'veth'), genModeNone(2), genModeNone(3), up(3), addAddr(3, '2001:db8::1/64'), wait(1500),
    dumpAddr(10), dumpNeigh(10), up(2), wait(2600), dumpAddr(10), dumpNeigh(10), delLink(3),
  ]],
];

describeScenarios(
  'DAD, solicitations and MLD: simulator and Linux, notification for notification',
  scenarios,
  {
    groups: GROUPS,
    kernel: () => createHostKernel({ clock: 'manual' }),
    replies: (lines, step) => (isDump(step) ? sortedMessages(lines) : byMessage(lines)),
    notifications: (lines, step) => sortRuns((racedSteps.has(step) ? maskRace : (m: string[]) => m)(byMessage(lines)), isFlushedMcastNeighbour),
    guard: (real, expect) => expect(real.notifications.flat().join('\n')).toMatch(/ndmsg fam=10/),
  },
  30_000,
);
