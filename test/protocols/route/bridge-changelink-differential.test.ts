/**
 * Bridge options changed on an existing bridge (RTM_NEWLINK with IFLA_INFO_DATA →
 * rtnl_changelink() → br_changelink()) and given at creation (br_dev_newlink()), as
 * `ip link set br0 type bridge forward_delay 400 …` sends them: what the dump reports
 * (clock_t values through jiffies at HZ 250), the range errors, options applied before a
 * later one fails, and the RTM_NEWLINK netdev_state_change() sends only for a bridge that is
 * up, on the simulator and on Linux, message for message on RTNLGRP_LINK.
 */
import { IFF, IFLA, IFLA_INFO, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK, VETH_INFO_PEER } from '../../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { bridgeOutcome } from './bridge-masks.js';
import { describeScenarios, type ScenarioCase } from './compare-scenario.js';
import type { Step } from './link-differential.js';
import { ifinfo } from './route-backend.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const ACK = NLM_F_REQUEST | NLM_F_ACK;
const u16 = (t: number, v: number) => attr(t, Uint8Array.of(v & 0xff, v >> 8));
const u8 = (t: number, v: number) => attr(t, Uint8Array.of(v));
const brInfo = (...data: Uint8Array[]) => attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, 'bridge'), attr(IFLA_INFO.IFLA_INFO_DATA, concat(...data))));
/** change is what `ip link set <dev> type bridge …` sends. */
const change = (index: number, ...data: Uint8Array[]): Step => ({ type: RTM_NEWLINK, flags: ACK, payload: ifinfo({ index }, brInfo(...data)) });
const create = (name: string, ...data: Uint8Array[]): Step => ({ type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, name), brInfo(...data)) });
const up = (index: number): Step => ({ type: RTM_SETLINK, flags: ACK, payload: ifinfo({ index, flags: IFF.IFF_UP, change: IFF.IFF_UP }) });
const down = (index: number): Step => ({ type: RTM_SETLINK, flags: ACK, payload: ifinfo({ index, flags: 0, change: IFF.IFF_UP }) });
const get = (index: number): Step => ({ type: RTM_GETLINK, flags: NLM_F_REQUEST, payload: ifinfo({ index }) });
/** mtuOf sets IFLA_MTU (or, with 'master', IFLA_MASTER) of a device. */
const mtuOf = (index: number, value: number, what: 'mtu' | 'master' = 'mtu'): Step => ({
  type: RTM_SETLINK,
  flags: ACK,
  payload: ifinfo({ index }, attrU32(what === 'mtu' ? IFLA.IFLA_MTU : IFLA.IFLA_MASTER, value)),
});
const del = (index: number): Step => ({ type: RTM_DELLINK, flags: ACK, payload: ifinfo({ index }) });
const settle: Step = { type: 0, flags: 0, payload: new Uint8Array(0), waitMs: 1100 };

const BR = {
  FORWARD_DELAY: 1, HELLO_TIME: 2, MAX_AGE: 3, AGEING_TIME: 4, STP_STATE: 5, PRIORITY: 6, VLAN_FILTERING: 7, GROUP_FWD_MASK: 9,
  VLAN_PROTOCOL: 8, GROUP_ADDR: 20, FDB_FLUSH: 21, NF_CALL_IPTABLES: 36, NF_CALL_ARPTABLES: 38, VLAN_STATS_ENABLED: 41, FDB_N_LEARNED: 48,
  FDB_MAX_LEARNED: 49,
} as const;

const scenarios: ScenarioCase[] = [
  ['timers and priority on a bridge that is down, then up', [
    create('b0'), change(2, attrU32(BR.FORWARD_DELAY, 401)), get(2),
    change(2, attrU32(BR.HELLO_TIME, 101), attrU32(BR.MAX_AGE, 777), attrU32(BR.AGEING_TIME, 1234), u16(BR.PRIORITY, 0x1234)), get(2),
    up(2), settle, change(2, attrU32(BR.FORWARD_DELAY, 0), u16(BR.GROUP_FWD_MASK, 0x4000)), get(2),
    change(2, attrU32(BR.STP_STATE, 0)), change(2), get(2), down(2), get(2),
  ]],
  ['range errors; options before a failing one stay applied', [
    create('b0'), up(2), settle,
    change(2, attrU32(BR.HELLO_TIME, 50)), change(2, attrU32(BR.HELLO_TIME, 1001)), change(2, attrU32(BR.MAX_AGE, 599)), change(2, attrU32(BR.MAX_AGE, 4001)),
    change(2, attrU32(BR.FORWARD_DELAY, 500), attrU32(BR.HELLO_TIME, 0)), get(2),
    change(2, u16(BR.GROUP_FWD_MASK, 1)), change(2, u8(BR.VLAN_FILTERING, 1)), change(2, u8(BR.VLAN_FILTERING, 0)),
    change(2, attrU32(BR.FDB_N_LEARNED, 1)), change(2, u16(BR.FORWARD_DELAY, 5)), get(2),
    change(2, attr(BR.GROUP_ADDR, Uint8Array.of(1, 0x80, 0xc2, 0, 0, 2))), change(2, attr(BR.GROUP_ADDR, Uint8Array.of(1, 0x80, 0xc2, 0, 0, 0x10))),
    change(2, attr(BR.GROUP_ADDR, Uint8Array.of(1, 0x80, 0xc2, 0, 0))), change(2, attr(BR.GROUP_ADDR, Uint8Array.of(1, 0x80, 0xc2, 0, 0, 0x0e))), get(2),
  ]],
  ['netfilter calls, the fdb limit, a flush and the VLAN options the test kernel compiles out', [
    create('b0'), up(2), settle,
    change(2, u8(BR.NF_CALL_IPTABLES, 1), u8(BR.NF_CALL_ARPTABLES, 7), attrU32(BR.FDB_MAX_LEARNED, 77), attr(BR.FDB_FLUSH, new Uint8Array(0))), get(2),
    change(2, u16(BR.VLAN_PROTOCOL, 0x88a8), u8(BR.VLAN_STATS_ENABLED, 1)), change(2, u16(BR.VLAN_PROTOCOL, 0x0800)), get(2),
    change(2, u8(BR.NF_CALL_IPTABLES, 0)), get(2),
  ]],
  ['options at creation, and a creation whose options fail', [
    create('b0', attrU32(BR.FORWARD_DELAY, 300), u16(BR.PRIORITY, 7), attrU32(BR.AGEING_TIME, 0)), get(2),
    create('b1', attrU32(BR.FORWARD_DELAY, 300), attrU32(BR.HELLO_TIME, 0)), get(3),
    create('b2', attrU32(BR.MAX_AGE, 1000)), get(4),
    { type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b3'), attr(IFLA.IFLA_ADDRESS, Uint8Array.of(2, 0, 0, 0, 0, 9)), brInfo(u16(BR.PRIORITY, 0x10))) },
    get(5), up(5), settle, get(5),
    { type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b4'), attr(IFLA.IFLA_ADDRESS, Uint8Array.of(3, 0, 0, 0, 0, 9)), brInfo()) },
    { type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b4'), attr(IFLA.IFLA_ADDRESS, Uint8Array.of(2, 0, 0, 0, 9)), brInfo()) },
  ]],
  ['a port enslaved to a bridge with forward_delay 0, priority changed under a forwarding port', [
    create('b0', attrU32(BR.FORWARD_DELAY, 0)),
    { type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v0'), attr(IFLA.IFLA_ADDRESS, Uint8Array.of(2, 0, 0, 0, 0, 1)),
      attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, 'veth'), attr(IFLA_INFO.IFLA_INFO_DATA, attr(VETH_INFO_PEER, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v1'))))))) },
    up(2), up(3), up(4), settle, { type: RTM_SETLINK, flags: ACK, payload: ifinfo({ index: 4 }, attrU32(IFLA.IFLA_MASTER, 2)) }, settle, get(4),
    change(2, u16(BR.PRIORITY, 0x100)), settle, get(2), get(4), change(2, attrU32(BR.FORWARD_DELAY, 200)), get(4),
    // IFLA_AF_SPEC on the port: netdev_state_change() → NETDEV_CHANGE, which the bridge reports.
    { type: RTM_SETLINK, flags: ACK, payload: ifinfo({ index: 4 }, attr(IFLA.IFLA_AF_SPEC, attr(10, u8(8, 1)))) },
    down(3), settle, up(3), settle, get(4),
  ]],
  ['the bridge MTU follows its smallest port until the user sets it', [
    create('b0'),
    { type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v0'), attrU32(IFLA.IFLA_MTU, 9000),
      attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, 'veth'), attr(IFLA_INFO.IFLA_INFO_DATA, attr(VETH_INFO_PEER, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v1'))))))) },
    up(2), settle, mtuOf(4, 2, 'master'), settle, get(2), mtuOf(4, 1400), get(2), mtuOf(4, 1000), get(2), mtuOf(2, 1300), mtuOf(4, 1450), get(2),
    mtuOf(4, 0, 'master'), settle, get(2), create('b1'), mtuOf(4, 6, 'master'), settle, get(6), mtuOf(4, 1500), get(6), mtuOf(4, 1600), get(6),
    del(4), settle, get(6),
  ]],
];

describeScenarios('bridge options changed and given at creation: simulator and Linux, message for message', scenarios, { mask: bridgeOutcome });
