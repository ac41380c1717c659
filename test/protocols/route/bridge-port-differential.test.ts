/**
 * Bridge ports whose state changes: the AF_BRIDGE RTM_NEWLINK of br_ifinfo_notify() that
 * br_device_event() and the STP port code send (NETDEV_UP, NETDEV_CHANGE from linkwatch,
 * NETDEV_DOWN, br_stp_enable_port() / br_make_forwarding() / br_stp_disable_port()), the
 * bridge's own carrier (br_port_state_selection()), enslave, nomaster, port and bridge
 * deletion, on the simulator and on Linux, message for message on RTNLGRP_LINK.
 */
import { IFF, IFLA, IFLA_INFO, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK, VETH_INFO_PEER } from '../../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { bridgeOutcome } from './bridge-masks.js';
import { describeScenarios, type CompareOptions, type ScenarioCase } from './compare-scenario.js';
import type { Step } from './link-differential.js';
import { ifinfo } from './route-backend.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const ACK = NLM_F_REQUEST | NLM_F_ACK;
const linkinfo = (kind: string, ...data: Uint8Array[]) =>
  attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, kind), ...(data.length ? [attr(IFLA_INFO.IFLA_INFO_DATA, concat(...data))] : [])));
const mac = (n: number) => attr(IFLA.IFLA_ADDRESS, Uint8Array.of(2, 0, 0, 0, 0, n));
const up = (index: number): Step => ({ type: RTM_SETLINK, flags: ACK, payload: ifinfo({ index, flags: IFF.IFF_UP, change: IFF.IFF_UP }) });
const down = (index: number): Step => ({ type: RTM_SETLINK, flags: ACK, payload: ifinfo({ index, flags: 0, change: IFF.IFF_UP }) });
const master = (index: number, m: number): Step => ({ type: RTM_SETLINK, flags: ACK, payload: ifinfo({ index }, attrU32(IFLA.IFLA_MASTER, m)) });
const get = (index: number): Step => ({ type: RTM_GETLINK, flags: NLM_F_REQUEST, payload: ifinfo({ index }) });
const brDump: Step = { type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: ifinfo({ family: 7 }) };
const del = (index: number): Step => ({ type: RTM_DELLINK, flags: ACK, payload: ifinfo({ index }) });
const bridge = (name: string): Step => ({ type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, name), linkinfo('bridge')) });
/** A veth pair with fixed addresses (the bridge id follows the lowest port address). */
const vethPair = (a: string, b: string, n: number): Step => ({
  type: RTM_NEWLINK,
  flags: NEW,
  payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, a), mac(n), linkinfo('veth', attr(VETH_INFO_PEER, ifinfo({}, attrString(IFLA.IFLA_IFNAME, b), mac(n + 1))))),
});
/** Lets linkwatch's rate limit (one run a second for non-urgent events) pass on Linux. */
const settle: Step = { type: 0, flags: 0, payload: new Uint8Array(0), waitMs: 1100 };

// Indexes: b0 is 2; the first pair's peer v1 is 3 and v0 is 4; a second pair w1 5, w0 6.
const scenarios: ScenarioCase[] = [
  ['a down port of a down bridge: up without carrier, peer up (carrier), peer down, port down', [
    bridge('b0'), vethPair('v0', 'v1', 0x10), master(4, 2), up(4), settle, up(3), settle, down(3), settle, down(4), settle, brDump,
  ]],
  ['a port of an up bridge comes up, gets carrier, loses it, goes down', [
    bridge('b0'), vethPair('v0', 'v1', 0x10), up(2), settle, master(4, 2), settle, up(4), settle, up(3), settle, get(2), brDump,
    down(3), settle, get(2), up(3), settle, down(4), settle, get(2), brDump,
  ]],
  ['an up port with carrier enslaved to an up bridge, then nomaster, then enslaved again', [
    bridge('b0'), vethPair('v0', 'v1', 0x10), up(3), up(4), up(2), settle, master(4, 2), settle, get(2), get(4), brDump,
    master(4, 0), settle, get(2), master(4, 2), settle, brDump,
  ]],
  ['a bridge brought up and down under a forwarding port', [
    bridge('b0'), vethPair('v0', 'v1', 0x10), up(3), up(4), settle, master(4, 2), settle, up(2), settle, get(2), brDump, down(2), settle, get(4), up(2), settle, brDump,
  ]],
  ['two ports: one forwarding, the other without carrier; the forwarding one deleted', [
    bridge('b0'), vethPair('v0', 'v1', 0x10), vethPair('w0', 'w1', 0x20), up(2), up(3), up(4), up(6), settle, master(4, 2), settle, master(6, 2), settle, get(2), brDump,
    del(4), settle, get(2), brDump, del(6), settle, get(2),
  ]],
  ['a bridge deleted with forwarding ports', [
    bridge('b0'), vethPair('v0', 'v1', 0x10), vethPair('w0', 'w1', 0x20), up(2), up(3), up(4), up(5), up(6), settle, master(4, 2), settle, master(6, 2), settle, del(2), settle, get(4),
  ]],
];

/** A bridge whose ports' forward-delay timer runs 2 s (IFLA_BR_FORWARD_DELAY 200). */
const shortDelayBridge: Step = {
  type: RTM_NEWLINK,
  flags: NEW,
  payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b0'), attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, 'bridge'), attr(IFLA_INFO.IFLA_INFO_DATA, attrU32(1, 200))))),
};

/** Scenarios that wait for timers: Linux waits in real time, the simulator's clock is moved ahead by as much. */
const timed: ScenarioCase[] = [
  ['the forward-delay timer expires: the forwarding port is reported again', [
    shortDelayBridge, vethPair('v0', 'v1', 0x10), up(2), up(3), up(4), settle, master(4, 2), settle, brDump, settle, settle, brDump,
  ]],
  ['a port disabled before its forward-delay timer expires is not reported again', [
    shortDelayBridge, vethPair('v0', 'v1', 0x10), up(2), up(3), up(4), settle, master(4, 2), settle, down(3), settle, settle, brDump,
  ]],
];

/**
 * Guard of the timed scenarios: Linux reported the port four times, three at enslaving
 * (br_make_forwarding(), br_stp_enable_port(), br_add_if()), then the expiry or the
 * disabling, not both.
 */
const fourPortReports: CompareOptions = {
  guard: (real, expect) => expect(real.notifications.flat().filter((l) => l.startsWith('ifinfomsg 07')).length).toBe(4),
};

describeScenarios(
  'bridge port state changes and timers: simulator and Linux, message for message (the simulator\'s clock moved ahead by what Linux waits)',
  [...scenarios, ...timed.map(([name, steps]): ScenarioCase => [name, steps, fourPortReports])],
  { mask: bridgeOutcome },
);
