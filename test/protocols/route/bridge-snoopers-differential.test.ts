/**
 * A bridge's multicast snooping groups (br_multicast_join_snoopers(): 224.0.0.106 and ff02::6a
 * while the bridge is open) and what their reports leave behind, simulator against Linux:
 * the NOARP entries 224.0.0.22 (IGMPv3 reports, ARP table) and ff02::16 (MLDv2 reports, ND
 * table) in dumps, their RTM_DELNEIGH when the bridge loses its carrier or goes down, the
 * groups in RTM_GETMULTICAST dumps, and a plain veth with an IPv4 address, which reports
 * nothing (224.0.0.1, its only group, is never reported).
 *
 * The waits let Linux's report timers (the second report within a second) and DAD finish
 * before the next change; the veth ends have addrgenmode none so that only the bridge sends.
 * Linux dumps its neighbour tables in hash order, so dumps are compared as sorted lists.
 */
import { encodeIfAddrMsg } from '../../../protocols/route/core/ifaddrmsg.js';
import { IFLA, IFLA_INFO, RTM, RTNLGRP, VETH_INFO_PEER } from '../../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attr, attrString, concat } from '../../helpers/exchange.js';
import { bridgeOutcome } from './bridge-masks.js';
import { describeScenarios, sortedMessages, type ScenarioCase } from './compare-scenario.js';
import { type Step, wait } from './link-differential.js';
import { ifinfo } from './route-backend.js';
import { addAddr, down, group, ndmsg, up } from './rt-steps.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const ACK = NLM_F_REQUEST | NLM_F_ACK;
const D = NLM_F_REQUEST | NLM_F_DUMP;
const mac = (n: number) => Uint8Array.of(2, 0, 0, 0, 0, n);
const linkinfo = (kind: string, ...data: Uint8Array[]) =>
  attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, kind), ...(data.length ? [attr(IFLA_INFO.IFLA_INFO_DATA, concat(...data))] : [])));
const bridge = (name: string): Step => ({ type: RTM.RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, name), attr(IFLA.IFLA_ADDRESS, mac(0x30)), linkinfo('bridge')) });
const IFLA_BR_MCAST_SNOOPING = 23;
const snoopBridge = (on: number): Step => ({
  type: RTM.RTM_NEWLINK,
  flags: NEW,
  payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b0'), attr(IFLA.IFLA_ADDRESS, mac(0x30)), linkinfo('bridge', attr(IFLA_BR_MCAST_SNOOPING, Uint8Array.of(on)))),
});
const snooping = (on: number): Step => ({ type: RTM.RTM_NEWLINK, flags: ACK, payload: ifinfo({ index: 2 }, linkinfo('bridge', attr(IFLA_BR_MCAST_SNOOPING, Uint8Array.of(on)))) });
const vethPair = (a: string, b: string, n: number): Step => ({
  type: RTM.RTM_NEWLINK,
  flags: NEW,
  payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, a), attr(IFLA.IFLA_ADDRESS, mac(n)), linkinfo('veth', attr(VETH_INFO_PEER, ifinfo({}, attrString(IFLA.IFLA_IFNAME, b), attr(IFLA.IFLA_ADDRESS, mac(n + 1)))))),
});
const master = (index: number, m: number): Step => ({ type: RTM.RTM_SETLINK, flags: ACK, payload: ifinfo({ index }, attr(IFLA.IFLA_MASTER, Uint8Array.of(m, 0, 0, 0))) });
const genModeNone = (index: number): Step => ({ type: RTM.RTM_SETLINK, flags: ACK, payload: ifinfo({ index }, attr(26, attr(10, attr(8, Uint8Array.of(1))))) });
const del = (index: number): Step => ({ type: RTM.RTM_DELLINK, flags: ACK, payload: ifinfo({ index }) });
const dumpNeigh = (family: number): Step => ({ type: RTM.RTM_GETNEIGH, flags: D, payload: ndmsg({ family }) });
const dumpMcast = (family: number): Step => ({ type: RTM.RTM_GETMULTICAST, flags: D, payload: encodeIfAddrMsg({ family }) });
const dumps = [dumpNeigh(2), dumpNeigh(10), dumpMcast(2), dumpMcast(10)];

// b0 is 2; the pair's peer v1 3 and v0 4.
const scenarios: ScenarioCase[] = [
  // (A second after the close, not 300 ms: a loaded machine's Linux once took longer to settle.)
  ['a bridge without ports opened: 224.0.0.22 and ff02::16 reported, flushed when it goes down', [
    bridge('b0'), ...dumps, up(2), wait(3000), ...dumps, down(2), wait(1000), ...dumps, up(2), wait(3000), ...dumps, del(2), ...dumps,
  ]],
  ['a bridge whose port loses and regains its carrier', [
    bridge('b0'), vethPair('v0', 'v1', 0x10), genModeNone(3), genModeNone(4), master(4, 2), up(4), up(3), wait(1100), up(2), wait(3000), ...dumps,
    down(3), wait(1100), ...dumps, up(3), wait(3000), ...dumps, master(4, 0), wait(1100), ...dumps,
  ]],
  ['a bridge with addrgenmode none: only the snooping groups are reported', [
    bridge('b0'), genModeNone(2), up(2), wait(2000), ...dumps, down(2), wait(300), ...dumps, del(2), ...dumps,
  ]],
  ['mcast_snooping 0 at creation, then toggled on and off on an open bridge', [
    snoopBridge(0), genModeNone(2), up(2), wait(2000), ...dumps, snooping(1), wait(2000), ...dumps, snooping(0), wait(300), ...dumps,
  ]],
  ['a veth with IPv4 and IPv6 addresses reports no IPv4 group', [
    vethPair('v0', 'v1', 0x10), genModeNone(2), addAddr(3, '10.3.0.1/24'), up(2), up(3), wait(3000), ...dumps,
  ]],
];

describeScenarios('bridge snooping groups and their reports: simulator and Linux', scenarios, {
  groups: group(RTNLGRP.RTNLGRP_NEIGH) | group(RTNLGRP.RTNLGRP_LINK),
  mask: bridgeOutcome,
  replies: sortedMessages,
});
