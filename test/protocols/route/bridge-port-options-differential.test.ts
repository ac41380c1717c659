/**
 * Bridge port options, set the two ways iproute2 sets them: `ip link set DEV type
 * bridge_slave …` (RTM_NEWLINK with IFLA_INFO_SLAVE_DATA → br_port_slave_changelink(),
 * reported by netdev_state_change() when the port is up) and `bridge link set dev DEV …`
 * (AF_BRIDGE RTM_SETLINK with IFLA_PROTINFO → rtnl_bridge_setlink() → br_setlink(), reported
 * with an AF_BRIDGE RTM_NEWLINK): flags, cost, priority, state, group_fwd_mask, their range
 * errors and options applied before a failing one, on the simulator and on Linux.
 */
import { IFF, IFLA, IFLA_INFO, RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK, VETH_INFO_PEER } from '../../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { bridgeOutcome } from './bridge-masks.js';
import { describeScenarios, type ScenarioCase } from './compare-scenario.js';
import type { Step } from './link-differential.js';
import { ifinfo } from './route-backend.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const ACK = NLM_F_REQUEST | NLM_F_ACK;
const AF_BRIDGE = 7;
const NLA_F_NESTED = 0x8000;
const u16 = (t: number, v: number) => attr(t, Uint8Array.of(v & 0xff, v >> 8));
const u8 = (t: number, v: number) => attr(t, Uint8Array.of(v));
const up = (index: number): Step => ({ type: RTM_SETLINK, flags: ACK, payload: ifinfo({ index, flags: IFF.IFF_UP, change: IFF.IFF_UP }) });
const down = (index: number): Step => ({ type: RTM_SETLINK, flags: ACK, payload: ifinfo({ index, flags: 0, change: IFF.IFF_UP }) });
const get = (index: number): Step => ({ type: RTM_GETLINK, flags: NLM_F_REQUEST, payload: ifinfo({ index }) });
const brDump: Step = { type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: ifinfo({ family: AF_BRIDGE }) };
const settle: Step = { type: 0, flags: 0, payload: new Uint8Array(0), waitMs: 1100 };
/** slave is `ip link set DEV type bridge_slave …`. */
const slave = (index: number, ...data: Uint8Array[]): Step => ({
  type: RTM_NEWLINK,
  flags: ACK,
  payload: ifinfo({ index }, attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_SLAVE_KIND, 'bridge'), attr(IFLA_INFO.IFLA_INFO_SLAVE_DATA, concat(...data))))),
});
/** brlink is `bridge link set dev DEV …`: AF_BRIDGE RTM_SETLINK, IFLA_PROTINFO with NLA_F_NESTED. */
const brlink = (index: number, ...data: Uint8Array[]): Step => ({
  type: RTM_SETLINK,
  flags: ACK,
  payload: concat(ifinfo({ family: AF_BRIDGE, index }), attr(IFLA.IFLA_PROTINFO | NLA_F_NESTED, concat(...data))),
});
const P = { STATE: 1, PRIORITY: 2, COST: 3, MODE: 4, GUARD: 5, LEARNING: 8, UNICAST_FLOOD: 9, GROUP_FWD_MASK: 31, ISOLATED: 33, N_GROUPS: 41, MAB: 40 } as const;

// b0 is 2, the pair's peer v1 3 and v0 4 (a port of b0).
const setup: Step[] = [
  { type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b0'), attr(IFLA.IFLA_LINKINFO, attrString(IFLA_INFO.IFLA_INFO_KIND, 'bridge'))) },
  { type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v0'), attr(IFLA.IFLA_ADDRESS, Uint8Array.of(2, 0, 0, 0, 0, 1)), attrU32(IFLA.IFLA_MASTER, 2),
    attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, 'veth'), attr(IFLA_INFO.IFLA_INFO_DATA, attr(VETH_INFO_PEER, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v1'))))))) },
];

const scenarios: ScenarioCase[] = [
  ['ip link set … type bridge_slave on a port that is down, then up and forwarding', [
    ...setup, slave(4, attrU32(P.COST, 5), u8(P.GUARD, 1), u8(P.LEARNING, 0)), get(4),
    up(2), up(3), up(4), settle, slave(4, u16(P.PRIORITY, 9), u8(P.MODE, 1), u16(P.GROUP_FWD_MASK, 0x4000)), settle, get(4), brDump,
    slave(4, attrU32(P.COST, 0)), slave(4, u16(P.PRIORITY, 64)), slave(4, u8(P.ISOLATED, 1), attrU32(P.COST, 70000)), slave(4, u16(P.GROUP_FWD_MASK, 2)),
    slave(4, attrU32(P.N_GROUPS, 1)), get(4),
    slave(2, attrU32(P.COST, 5)), slave(3, attrU32(P.COST, 5)),
    // The carrier comes back: the cost the user set stays.
    down(3), settle, up(3), settle, brDump,
  ]],
  ['bridge link set: flags, cost, priority and state; errors', [
    ...setup, brlink(4, attrU32(P.COST, 9), u8(P.UNICAST_FLOOD, 0)), brDump,
    up(2), up(3), up(4), settle, brlink(4, u16(P.PRIORITY, 3), u8(P.MODE, 1)), settle, brDump, get(2),
    brlink(4, u8(P.STATE, 0)), settle, brDump, get(2), brlink(4, u8(P.STATE, 4)), settle, brDump, get(2),
    brlink(4, u8(P.STATE, 5)), brlink(4, attrU32(P.COST, 0)), brlink(4, u8(P.LEARNING, 0), u16(P.PRIORITY, 99)), brDump,
    brlink(2, attrU32(P.COST, 3)), brlink(3, attrU32(P.COST, 3)), brlink(99, attrU32(P.COST, 3)),
    // No IFLA_PROTINFO: nothing to do, nothing reported. The old RSTP form: a bare u8 state.
    { type: RTM_SETLINK, flags: ACK, payload: ifinfo({ family: AF_BRIDGE, index: 4 }) },
    { type: RTM_SETLINK, flags: ACK, payload: concat(ifinfo({ family: AF_BRIDGE, index: 4 }), u8(IFLA.IFLA_PROTINFO, 0)) }, settle, brDump,
    down(3), settle, { type: RTM_SETLINK, flags: ACK, payload: concat(ifinfo({ family: AF_BRIDGE, index: 4 }), u8(IFLA.IFLA_PROTINFO, 3)) },
  ]],
];

describeScenarios('bridge port options: simulator and Linux, message for message', scenarios, { mask: bridgeOutcome });
