/**
 * Multipath routes (RTA_MULTIPATH), simulator against Linux message for message: creation
 * and its errors (fib_get_nhs(), fib_create_info()), dumps and notifications with their
 * rtnexthop entries, lookups through a chosen nexthop, deletion, append and replace, and
 * what device events do to the nexthops (RTNH_F_DEAD, RTNH_F_LINKDOWN, the route flushed).
 *
 * Lookups without an output device go through the flow hash, whose seed Linux draws per
 * namespace: they are only asked where one nexthop is alive.
 */
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_REPLACE, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { describeScenarios } from './compare-scenario.js';
import { type Step, wait } from './link-differential.js';
import { mp } from './mp-steps.js';
import { addAddr, addRoute, createLink, delRoute, down, dst, dumpRoute, getRoute, group, gw, ip, oif, rt, up } from './rt-steps.js';

const get4 = (a: string, flags = 0, ...x: Uint8Array[]) => getRoute({ dstLen: 32, flags }, dst(a), ...x);
const FIB_MATCH = 0x2000;
const ACK = NLM_F_REQUEST | NLM_F_ACK;
const delLink = (index: number): Step => ({ type: RTM.RTM_DELLINK, flags: ACK, payload: concat(Uint8Array.of(0, 0, 0, 0), new Uint8Array(Uint32Array.of(index).buffer), new Uint8Array(8)) });

const twoIfbs = [createLink('i0', 'ifb'), createLink('i1', 'ifb'), up(2), up(3), addAddr(2, '10.1.0.1/24'), addAddr(3, '10.2.0.1/24')];
/** via6 / via4: RTA_VIA with an IPv6 or IPv4 gateway (struct rtvia). */
const via6 = (a: string) => attr(18, concat(Uint8Array.of(10, 0), ip(a)));
const via4 = (a: string) => attr(18, concat(Uint8Array.of(2, 0), ip(a)));
const A = { dev: 2, gw: '10.1.0.2' };
const B = { dev: 3, gw: '10.2.0.2' };

const v6 = { family: 10, protocol: 3 };
const g6 = (a: string, flags = 0, ...x: Uint8Array[]) => getRoute({ family: 10, dstLen: 128, flags }, dst(a), ...x);
/** noLinkLocal sets IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE none } }: no random link-local addresses to sort. */
const noLinkLocal = (index: number): Step => ({
  type: RTM.RTM_SETLINK, flags: ACK, payload: concat(Uint8Array.of(0, 0, 0, 0), new Uint8Array(Uint32Array.of(index).buffer), new Uint8Array(8), attr(26, attr(10, attr(8, Uint8Array.of(1))))),
});
const twoIfbs6 = [createLink('i0', 'ifb'), createLink('i1', 'ifb'), noLinkLocal(2), noLinkLocal(3), up(2), up(3), addAddr(2, '2001:1::1/64', { flags: 2 }), addAddr(3, '2001:2::1/64', { flags: 2 })];
const A6 = { dev: 2, gw: '2001:1::2' };
const B6 = { dev: 3, gw: '2001:2::2' };

const scenarios: [string, Step[], number][] = [
  ['IPv4: add, dump, lookups through a given device, fib match, deletion', [
    ...twoIfbs,
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp({ ...A, weight: 2 }, B)),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp({ ...A, weight: 2 }, B)),
    addRoute({ dstLen: 24 }, dst('10.8.0.0'), mp({ dev: 2 }, { dev: 3, weight: 256, flow: 7 })),
    addRoute({ dstLen: 24 }, dst('10.7.0.0'), mp({ ...A, weight: 5, flow: 3 })),
    addRoute({ dstLen: 24, scope: 253, protocol: 4 }, dst('10.6.0.0'), mp({ dev: 3 }, { dev: 2 }), attrU32(6, 20)),
    dumpRoute(2),
    get4('10.9.0.1', 0, oif(2)), get4('10.9.0.1', 0, oif(3)), get4('10.8.0.9', 0, oif(3)), get4('10.9.0.1', FIB_MATCH), get4('10.7.0.1'),
    // A source that is one nexthop's preferred source picks that nexthop whatever the hash.
    getRoute({ dstLen: 32, srcLen: 32 }, dst('10.9.0.1'), attr(2, Uint8Array.of(10, 2, 0, 1))), getRoute({ dstLen: 32, srcLen: 32 }, dst('10.9.0.1'), attr(2, Uint8Array.of(10, 1, 0, 1))),
    delRoute({ dstLen: 24 }, dst('10.9.0.0'), gw('10.2.0.2')),
    delRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A)),
    delRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, { dev: 3, gw: '10.2.0.9' })),
    delRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, B)),
    delRoute({ dstLen: 24 }, dst('10.8.0.0'), oif(2)),
    delRoute({ dstLen: 24 }, dst('10.6.0.0'), mp({ dev: 0 }, { dev: 2 })),
    delRoute({ dstLen: 24 }, dst('10.7.0.0'), attrU32(11, 4)),
    dumpRoute(2),
  ], group(RTNLGRP.RTNLGRP_IPV4_ROUTE)],
  ['IPv4 routes through IPv6 gateways (RTA_VIA): single and multipath, errors, dumps, lookups, deletion', [
    ...twoIfbs, addAddr(2, '2001:1::1/64', { flags: 2 }), addAddr(3, '2001:2::1/64', { flags: 2 }),
    addRoute({ dstLen: 24 }, dst('10.5.0.0'), via6('2001:1::2'), oif(2)),
    addRoute({ dstLen: 24 }, dst('10.5.1.0'), via4('10.1.0.2'), oif(2)),
    addRoute({ dstLen: 24 }, dst('10.5.2.0'), via6('2001:1::2'), gw('10.1.0.2'), oif(2)),
    addRoute({ dstLen: 24 }, dst('10.5.2.0'), attr(18, Uint8Array.of(7, 0, 1, 2, 3, 4))), addRoute({ dstLen: 24 }, dst('10.5.2.0'), attr(18, Uint8Array.of(2))),
    addRoute({ dstLen: 24 }, dst('10.5.2.0'), attr(18, Uint8Array.of(2, 0, 1, 2, 3, 4, 5))), addRoute({ dstLen: 24 }, dst('10.5.2.0'), attr(18, Uint8Array.of(10, 0, 1, 2))),
    addRoute({ dstLen: 24 }, dst('10.5.2.0'), via6('2001:5::1'), oif(2)), addRoute({ dstLen: 24 }, dst('10.5.2.0'), via6('2001:1::1'), oif(2)),
    addRoute({ dstLen: 24 }, dst('10.4.0.0'), mp({ dev: 2, extra: [via6('2001:1::2')] }, { dev: 3, gw: '10.2.0.2', flow: 5 })),
    addRoute({ dstLen: 24 }, dst('10.4.1.0'), mp({ dev: 2, gw: '10.1.0.2', extra: [via6('2001:1::2')] })),
    addRoute({ dstLen: 24 }, dst('10.4.1.0'), mp({ dev: 2, extra: [via6('2001:1::2')] }), via6('2001:1::3')),
    dumpRoute(2), get4('10.5.0.1'), get4('10.4.0.1', 0, oif(2)), get4('10.4.0.1', FIB_MATCH, oif(3)),
    delRoute({ dstLen: 24 }, dst('10.5.0.0'), via6('2001:1::9')), delRoute({ dstLen: 24 }, dst('10.5.0.0'), gw('10.1.0.2')), delRoute({ dstLen: 24 }, dst('10.5.0.0'), via6('2001:1::2')),
    delRoute({ dstLen: 24 }, dst('10.4.0.0'), mp({ extra: [via6('2001:1::2')] }, { gw: '10.2.0.9' })), delRoute({ dstLen: 24 }, dst('10.4.0.0'), mp({ extra: [via6('2001:1::2')] }, { gw: '10.2.0.2' })),
    dumpRoute(2),
  ], group(RTNLGRP.RTNLGRP_IPV4_ROUTE)],
  ['IPv4: creation errors', [
    ...twoIfbs,
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, B, Uint8Array.of(0, 0, 0, 0))),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, Uint8Array.of(4, 0, 0, 0, 0, 0, 0, 0))),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), attr(9, Uint8Array.of(8, 0, 0, 0))),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, { ...B, flags: 1 })),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, { ...B, flags: 16 })),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, { dev: 3, flags: 4 })),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, { dev: 3, flags: 2 })),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, { dev: 9 })),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, { dev: 3, gw: '10.5.0.1' })),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, { dev: 2, gw: '10.2.0.2' })),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, { dev: 3, extra: [attr(5, Uint8Array.of(10, 2))] })),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, { ...B, extra: [attr(11, Uint8Array.of(1, 0))] })),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, B), oif(3)),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, B), gw('10.2.0.2')),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, B), attrU32(11, 9)),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, B), oif(2), gw('10.1.0.2')),
    addRoute({ dstLen: 24, type: 6 }, dst('10.9.1.0'), mp(A, B)),
    addRoute({ dstLen: 24, scope: 254 }, dst('10.9.2.0'), mp({ dev: 2 }, { dev: 3 })),
    addRoute({ dstLen: 24, scope: 253 }, dst('10.9.3.0'), mp(A, B)),
    addRoute({ dstLen: 24 }, dst('10.9.4.0'), mp({ ...A, flags: 4 }, { ...B, flags: 4 })),
    addRoute({ dstLen: 24, scope: 0 }, dst('10.9.5.0'), mp({ ...A, flags: 4 }, { dev: 3, gw: '10.2.0.1', flags: 4 })),
    addRoute({ dstLen: 24, flags: 4 }, dst('10.9.6.0'), mp(A, B)),
    addRoute({ dstLen: 24 }, dst('10.9.7.0'), mp(A, B), attr(7, Uint8Array.of(10, 1, 0, 1))),
    dumpRoute(2),
  ], group(RTNLGRP.RTNLGRP_IPV4_ROUTE)],
  ['IPv4: append and replace among multipath and single routes', [
    ...twoIfbs,
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, B)),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_CREATE | NLM_F_APPEND, { family: 2, dstLen: 24, table: 254, protocol: 3, type: 1 }, dst('10.9.0.0'), mp(B, A)),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_CREATE | NLM_F_APPEND, { family: 2, dstLen: 24, table: 254, protocol: 3, type: 1 }, dst('10.9.0.0'), gw('10.1.0.7')),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_CREATE | NLM_F_APPEND, { family: 2, dstLen: 24, table: 254, protocol: 3, type: 1 }, dst('10.9.0.0'), mp(B, A)),
    dumpRoute(2),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_REPLACE, { family: 2, dstLen: 24, table: 254, protocol: 3, type: 1 }, dst('10.9.0.0'), mp({ ...A, weight: 3 }, { ...B, weight: 4 })),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_REPLACE, { family: 2, dstLen: 24, table: 254, protocol: 3, type: 1 }, dst('10.9.0.0'), mp({ ...A, weight: 3 }, { ...B, weight: 4 })),
    dumpRoute(2),
    delRoute({ dstLen: 24 }, dst('10.9.0.0')), delRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(B)), dumpRoute(2),
  ], group(RTNLGRP.RTNLGRP_IPV4_ROUTE)],
  ['IPv4: a device going down kills its nexthops, up revives them; all dead flushes the route; addresses', [
    ...twoIfbs, createLink('i2', 'ifb'), up(4), addAddr(4, '10.3.0.1/24'),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp(A, B, { dev: 4, gw: '10.3.0.2' })),
    addRoute({ dstLen: 24 }, dst('10.8.0.0'), mp(A, B)),
    down(3), dumpRoute(2), get4('10.8.0.1'), get4('10.8.0.1', 0, oif(3)), get4('10.8.0.1', FIB_MATCH),
    up(3), dumpRoute(2),
    down(2), down(3), dumpRoute(2), get4('10.9.0.1'),
    up(2), up(3), dumpRoute(2),
    { type: RTM.RTM_DELADDR, flags: ACK, payload: addAddr(4, '10.3.0.1/24').payload }, dumpRoute(2),
    addAddr(4, '10.3.0.1/24'), dumpRoute(2),
    delLink(4), dumpRoute(2),
  ], group(RTNLGRP.RTNLGRP_IPV4_ROUTE)],
  ['IPv4 on veth pairs: a lost carrier makes a nexthop LINKDOWN, all of them the route; deleting a device flushes its routes', [
    createLink('v0', 'veth'), createLink('v1', 'veth'), up(2), up(3), up(4), up(5), addAddr(2, '10.1.0.1/24'), addAddr(4, '10.2.0.1/24'), wait(1100),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp({ dev: 2, gw: '10.1.0.2' }, { dev: 4, gw: '10.2.0.2', weight: 3 })),
    down(5), wait(1100), dumpRoute(2), get4('10.9.0.1', 0, oif(4)),
    addRoute({ dstLen: 24 }, dst('10.8.0.0'), mp({ dev: 4, gw: '10.2.0.2' }, { dev: 4, gw: '10.2.0.3' })),
    down(4), dumpRoute(2), get4('10.9.0.1'),
    up(4), dumpRoute(2),
    delLink(5), dumpRoute(2),
  ], group(RTNLGRP.RTNLGRP_IPV4_ROUTE)],
  ['IPv4 on veth pairs: carriers lost one after the other leave the route without LINKDOWN, a route sharing its fib_info too; carrier back clears it', [
    createLink('v0', 'veth'), createLink('v1', 'veth'), up(2), up(3), up(4), up(5), addAddr(2, '10.1.0.1/24'), addAddr(4, '10.2.0.1/24'), wait(1100),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp({ dev: 2, gw: '10.1.0.2' }, { dev: 4, gw: '10.2.0.2' })),
    down(3), wait(1100), down(5), wait(1100), dumpRoute(2),
    addRoute({ dstLen: 24 }, dst('10.8.0.0'), mp({ dev: 2, gw: '10.1.0.2' }, { dev: 4, gw: '10.2.0.2' })),
    addRoute({ dstLen: 24 }, dst('10.7.0.0'), mp({ dev: 4, gw: '10.2.0.2' }, { dev: 4, gw: '10.2.0.3' })),
    dumpRoute(2), up(3), wait(1100), dumpRoute(2), down(2), dumpRoute(2), up(5), wait(1100), dumpRoute(2),
  ], group(RTNLGRP.RTNLGRP_IPV4_ROUTE)],
  ['IPv6: siblings from RTA_MULTIPATH, append, ECMP without NLM_F_EXCL, dumps, lookups through a device, deletion of one or all', [
    ...twoIfbs6,
    addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), mp({ ...A6, weight: 2 }, B6)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), mp({ ...A6, weight: 2 }, B6)),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_CREATE | NLM_F_APPEND, { ...v6, dstLen: 64, table: 254, type: 1 }, dst('2001:9::'), gw('2001:1::3'), oif(2)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), gw('2001:1::4'), oif(2)),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_CREATE, { ...v6, dstLen: 64, table: 254, type: 1 }, dst('2001:9::'), gw('2001:1::5'), oif(2)),
    // Through ifb 3 one sibling only: with two, fib6_select_path() picks by a flow hash whose
    // seed is random per boot (Linux answered 2001:2::6 on one machine, 2001:2::2 on others).
    g6('2001:9::1', 0, oif(3)), g6('2001:9::1', FIB_MATCH, oif(3)),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_CREATE | NLM_F_APPEND, { ...v6, dstLen: 64, table: 254, type: 1 }, dst('2001:9::'), mp({ dev: 2, gw: '2001:1::6' }, { dev: 3, gw: '2001:2::6', weight: 7 })),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_CREATE, { ...v6, dstLen: 64, table: 254, type: 1 }, dst('2001:9::'), oif(3)),
    dumpRoute(10), dumpRoute(10, {}, oif(3)),
    delRoute({ family: 10, dstLen: 64 }, dst('2001:9::'), gw('2001:1::3')),
    delRoute({ family: 10, dstLen: 64 }, dst('2001:9::'), mp({ gw: '2001:1::5' }, { gw: '2001:2::6' })),
    delRoute({ family: 10, dstLen: 64 }, dst('2001:9::'), mp({ gw: '2001:1::99' })),
    delRoute({ family: 10, dstLen: 64 }, dst('2001:9::'), oif(3)),
    dumpRoute(10),
    delRoute({ family: 10, dstLen: 64 }, dst('2001:9::')),
    delRoute({ family: 10, dstLen: 64 }, dst('2001:9::')),
    dumpRoute(10),
  ], group(RTNLGRP.RTNLGRP_IPV6_ROUTE)],
  ['IPv6: replace, errors, and a failed insertion rolled back', [
    ...twoIfbs6,
    addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), mp(A6, B6)),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_REPLACE, { ...v6, dstLen: 64, table: 254, type: 1 }, dst('2001:9::'), gw('2001:1::7'), oif(2)),
    dumpRoute(10),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_REPLACE, { ...v6, dstLen: 64, table: 254, type: 1 }, dst('2001:9::'), mp({ dev: 2, gw: '2001:1::8' }, { dev: 3, gw: '2001:2::8', weight: 3 })),
    dumpRoute(10),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_REPLACE, { ...v6, dstLen: 64, table: 254, type: 1 }, dst('2001:8::'), mp(A6, B6)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:7::'), attr(9, Uint8Array.of(4, 0, 0, 0, 0, 0, 0, 0))),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:7::'), mp(A6, { dev: 3 })),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:7::'), mp(A6, { dev: 3, extra: [attr(5, Uint8Array.of(0x20, 1, 0, 2, 0, 0, 0, 0))] })),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:7::'), mp(A6, { dev: 9, gw: '2001:2::2' })),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:7::'), mp(A6, { dev: 3, gw: '2001:5::2' })),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:7::'), mp(A6, A6)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:7::'), mp(A6, { dev: 3, gw: 'fe80::1' }, { dev: 2 }), gw('fe80::2')),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:7::'), via4('10.1.0.2'), oif(2)), addRoute({ ...v6, dstLen: 64, table: 9 }, dst('2001:7::'), via6('2001:1::2'), oif(2), attr(9, new Uint8Array(8))),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:5::'), mp({ ...A6, extra: [via4('10.1.0.2')] }, B6)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:6::'), gw('2001:2::2'), oif(3)),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_CREATE, { ...v6, dstLen: 64, table: 254, type: 1 }, dst('2001:6::'), mp(A6, B6)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:6::'), mp(A6, B6)),
    dumpRoute(10),
  ], group(RTNLGRP.RTNLGRP_IPV6_ROUTE)],
  ['IPv6: a device going down kills its siblings, all dead flushes them, up revives; deleting a device takes its siblings', [
    ...twoIfbs6, createLink('i2', 'ifb'), noLinkLocal(4), up(4), addAddr(4, '2001:3::1/64', { flags: 2 }),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), mp(A6, B6, { dev: 4, gw: '2001:3::2' })),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:8::'), mp(A6, B6)),
    down(3), dumpRoute(10), g6('2001:8::1'), g6('2001:8::1', FIB_MATCH), g6('2001:9::1', 0, oif(4)),
    up(3), dumpRoute(10),
    down(2), down(3), dumpRoute(10),
    up(2), up(3), addAddr(2, '2001:1::1/64', { flags: 2 }), addAddr(3, '2001:2::1/64', { flags: 2 }),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:8::'), mp(A6, B6)),
    delLink(3), dumpRoute(10),
  ], group(RTNLGRP.RTNLGRP_IPV6_ROUTE)],
];

describeScenarios(
  'RTA_MULTIPATH routes: simulator and Linux, message for message',
  scenarios.map(([name, steps, groups]) => [name, steps, { groups }]),
);
