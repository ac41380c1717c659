/**
 * Nexthop objects, simulator against Linux message for message: RTM_NEWNEXTHOP for single
 * nexthops (IPv4 and IPv6 gateways, devices, blackholes) and hash-threshold groups with
 * their errors, gets and dumps with their filters, RTM_DELNEXTHOP and what it does to groups,
 * routes using nexthop objects (RTA_NH_ID with the paths expanded) and what deleting a
 * nexthop or its device does to them; every RTNLGRP_NEXTHOP and route notification.
 */
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { describeScenarios } from './compare-scenario.js';
import { type Step, wait } from './link-differential.js';
import { addAddr, addRoute, createLink, delRoute, down, dst, dumpRoute, getRoute, group, gw, ip, oif, rt, up } from './rt-steps.js';

const ACK = NLM_F_REQUEST | NLM_F_ACK;
const NEW = ACK | NLM_F_CREATE | NLM_F_EXCL;
const REPLACE = ACK | NLM_F_CREATE | NLM_F_REPLACE;
const GROUPS = group(RTNLGRP.RTNLGRP_NEXTHOP) | group(RTNLGRP.RTNLGRP_IPV4_ROUTE) | group(RTNLGRP.RTNLGRP_IPV6_ROUTE);

/** nhmsg: family, scope, protocol, resvd, flags. */
const nhm = (family = 0, m: { scope?: number; protocol?: number; resvd?: number; flags?: number } = {}) =>
  concat(Uint8Array.of(family, m.scope ?? 0, m.protocol ?? 0, m.resvd ?? 0), new Uint8Array(Uint32Array.of(m.flags ?? 0).buffer));
const id = (n: number) => attrU32(1, n);
const dev = (n: number) => attrU32(5, n);
const via = (a: string) => attr(6, ip(a));
const blackhole = attr(4, new Uint8Array(0));
/** grp builds NHA_GROUP from id/weight pairs (struct nexthop_grp). */
const grp = (...members: [number, number?][]) => {
  const b = new Uint8Array(members.length * 8);
  const v = new DataView(b.buffer);
  members.forEach(([i, w = 1], k) => {
    v.setUint32(k * 8, i, true);
    v.setUint16(k * 8 + 4, w - 1, true);
  });
  return attr(2, b);
};
const nh = (family: number, ...attrs: Uint8Array[]): Step => ({ type: RTM.RTM_NEWNEXTHOP, flags: NEW, payload: concat(nhm(family), ...attrs) });
const nhFlags = (flags: number, family: number, m: Parameters<typeof nhm>[1], ...attrs: Uint8Array[]): Step => ({ type: RTM.RTM_NEWNEXTHOP, flags, payload: concat(nhm(family, m), ...attrs) });
const delNh = (n: number): Step => ({ type: RTM.RTM_DELNEXTHOP, flags: ACK, payload: concat(nhm(), id(n)) });
const getNh = (n: number, ...attrs: Uint8Array[]): Step => ({ type: RTM.RTM_GETNEXTHOP, flags: NLM_F_REQUEST, payload: concat(nhm(), id(n), ...attrs) });
const dumpNh = (family = 0, ...attrs: Uint8Array[]): Step => ({ type: RTM.RTM_GETNEXTHOP, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: concat(nhm(family), ...attrs) });
const nhid = (n: number) => attrU32(30, n);
/** rtnh builds a struct rtnexthop with a gateway. */
const rtnh = (ifindex: number, gateway: string) => {
  const g = attr(5, ip(gateway));
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint16(0, 8 + g.length, true);
  new DataView(head.buffer).setInt32(4, ifindex, true);
  return concat(head, g);
};
/** bucketGet: RTM_GETNEXTHOPBUCKET for bucket 0 of group `n`. */
const bucketGet = (n: number): Step => ({ type: RTM.RTM_GETNEXTHOPBUCKET, flags: NLM_F_REQUEST, payload: concat(nhm(), id(n), attr(13 | 0x8000, attr(1, Uint8Array.of(0, 0)))) });
const v6 = { family: 10, protocol: 3 };
const noLinkLocal = (index: number): Step => ({
  type: RTM.RTM_SETLINK, flags: ACK, payload: concat(Uint8Array.of(0, 0, 0, 0), new Uint8Array(Uint32Array.of(index).buffer), new Uint8Array(8), attr(26, attr(10, attr(8, Uint8Array.of(1))))),
});
const enslave = (index: number, master: number): Step => ({
  type: RTM.RTM_SETLINK, flags: ACK, payload: concat(Uint8Array.of(0, 0, 0, 0), new Uint8Array(Uint32Array.of(index).buffer), new Uint8Array(8), attrU32(10, master)),
});
const delLink = (index: number): Step => ({ type: RTM.RTM_DELLINK, flags: ACK, payload: concat(Uint8Array.of(0, 0, 0, 0), new Uint8Array(Uint32Array.of(index).buffer), new Uint8Array(8)) });

const replaceOne = nhFlags(ACK | NLM_F_CREATE | NLM_F_REPLACE, 2, { protocol: 4 }, id(1), via('10.2.0.9'), dev(3));

const setup: Step[] = [
  createLink('i0', 'ifb'), createLink('i1', 'ifb'), createLink('i2', 'ifb'), noLinkLocal(2), noLinkLocal(3), noLinkLocal(4), up(2), up(3),
  addAddr(2, '10.1.0.1/24'), addAddr(3, '10.2.0.1/24'), addAddr(2, '2001:1::1/64', { flags: 2 }),
];

describeScenarios('RTM_*NEXTHOP objects and routes using them: simulator and Linux, message for message', [
  ['single nexthops and groups: creation and its errors, gets, dumps and their filters', [
    ...setup,
    nh(2, id(1), via('10.1.0.2'), dev(2)), nh(2, id(2), via('10.2.0.2'), dev(3)), nh(2, id(3), dev(2)),
    nh(2, id(4), blackhole), up(1), nh(2, id(4), blackhole),
    nh(10, id(5), via('2001:1::2'), dev(2)), nh(10, id(6), blackhole), nhFlags(NEW, 2, { protocol: 9, flags: 4 }, id(8), via('10.1.0.8'), dev(2)),
    nh(0, id(10), grp([1, 2], [2], [3])), nh(0, id(11), grp([1], [5])), nh(0, id(13), grp([4])), nh(0, id(14), grp([6, 256])),
    nh(2, via('10.1.0.3'), dev(2)), nh(2, id(1), via('10.1.0.9'), dev(2)),
    nh(0, id(20), grp([4], [1])), nh(0, id(20), grp([10])), nh(0, id(20), grp([99])), nh(0, id(20), grp([1], [1])),
    nh(0, id(20), attr(2, new Uint8Array(7))), nh(0, id(20), grp([1, 0x10000])), nh(0, id(20), attr(2, Uint8Array.of(1, 0, 0, 0, 0, 0, 1, 0))),
    nh(0, id(20), grp([1]), dev(2)), nh(0, id(20), grp([1]), attr(3, Uint8Array.of(7, 0))), nh(2, id(20), grp([1])),
    nh(0, id(20), via('10.1.0.9'), dev(2)), nh(7, id(20), dev(2)), nhFlags(NEW, 2, { scope: 1 }, id(20), dev(2)), nhFlags(NEW, 2, { flags: 2 }, id(20), dev(2)),
    nh(2, id(20), via('10.1.0.9')), nh(2, id(20), dev(99)), nh(2, id(20), dev(4)), nh(2, id(20), attr(6, Uint8Array.of(10, 1, 0)), dev(2)),
    nhFlags(NEW, 2, { flags: 4 }, id(20), dev(2)), nh(2, id(20), via('10.5.0.1'), dev(2)), nh(2, id(20), blackhole, dev(2)), nh(10, id(20), via('2001:5::1'), dev(2)),
    nh(10, id(20), via('10.1.0.9'), dev(2)), nhFlags(ACK | NLM_F_REPLACE, 2, {}, via('10.1.0.9'), dev(2)), nhFlags(ACK | NLM_F_REPLACE, 2, {}, id(21), via('10.1.0.9'), dev(2)),
    getNh(10), getNh(1), getNh(4), getNh(5), getNh(99), getNh(10, attrU32(14, 1)), getNh(10, attrU32(14, 3)),
    bucketGet(10), bucketGet(1), bucketGet(99), { type: RTM.RTM_GETNEXTHOPBUCKET, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: concat(nhm(), id(10)) },
    { type: RTM.RTM_GETNEXTHOPBUCKET, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: concat(nhm(), id(1)) }, { type: RTM.RTM_GETNEXTHOPBUCKET, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: nhm() },
    createLink('br0', 'bridge'), enslave(4, 5), up(4), nh(2, id(30), dev(4)), dumpNh(0, attrU32(10, 5)), dumpNh(2, attrU32(10, 5)),
    dumpNh(), dumpNh(2), dumpNh(10), dumpNh(0, dev(2)), dumpNh(0, attr(9, new Uint8Array(0))), dumpNh(0, attrU32(10, 1)), dumpNh(0, attr(11, new Uint8Array(0))), dumpNh(0, attrU32(14, 1)),
  ], { groups: GROUPS }],
  ['deleting nexthops: groups lose the member (reported), a group left empty goes; device down and deletion flush silently', [
    ...setup, up(1), up(4), addAddr(4, '10.3.0.1/24'),
    nh(2, id(1), via('10.1.0.2'), dev(2)), nh(2, id(2), via('10.2.0.2'), dev(3)), nh(2, id(3), dev(4)), nh(10, id(5), via('2001:1::2'), dev(2)),
    nh(0, id(10), grp([1, 2], [2], [3])), nh(0, id(11), grp([1], [5])), nh(0, id(12), grp([2])), nh(0, id(13), grp([3], [2])),
    delNh(1), dumpNh(), delNh(1), delNh(0), delNh(12), dumpNh(),
    down(3), dumpNh(), up(3), delLink(4), dumpNh(), delNh(10), dumpNh(),
  ], { groups: GROUPS }],
  ['routes using nexthop objects: creation and errors, dumps, lookups, deletion; deleting the nexthop or its device takes them', [
    ...setup, up(1),
    nh(2, id(1), via('10.1.0.2'), dev(2)), nh(2, id(2), via('10.2.0.2'), dev(3)), nh(2, id(3), dev(2)), nh(2, id(4), blackhole),
    nh(10, id(5), via('2001:1::2'), dev(2)), nh(0, id(10), grp([1, 2], [2])), nh(0, id(11), grp([5])), nh(10, id(6), blackhole),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), nhid(10)), addRoute({ dstLen: 24 }, dst('10.8.0.0'), nhid(1)), addRoute({ dstLen: 24 }, dst('10.7.0.0'), nhid(4)),
    addRoute({ dstLen: 24 }, dst('10.6.0.0'), nhid(5)), addRoute({ dstLen: 24, protocol: 4 }, dst('10.5.0.0'), nhid(3), attrU32(6, 7)),
    addRoute({ dstLen: 24 }, dst('10.8.0.0'), nhid(1)), addRoute({ dstLen: 24 }, dst('10.4.0.0'), nhid(99)), addRoute({ dstLen: 24 }, dst('10.4.0.0'), nhid(1), oif(2)),
    addRoute({ dstLen: 24 }, dst('10.4.0.0'), nhid(1), gw('10.1.0.2')), addRoute({ dstLen: 24, scope: 254 }, dst('10.4.0.0'), nhid(10)), addRoute({ dstLen: 24, scope: 254 }, dst('10.4.0.0'), nhid(1)),
    addRoute({ dstLen: 24, type: 6 }, dst('10.4.0.0'), nhid(1)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), nhid(5)), addRoute({ ...v6, dstLen: 64 }, dst('2001:8::'), nhid(11)), addRoute({ ...v6, dstLen: 64 }, dst('2001:7::'), nhid(6)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:6::'), nhid(1)), addRoute({ ...v6, dstLen: 64 }, dst('2001:6::'), nhid(10)), addRoute({ ...v6, dstLen: 64 }, dst('2001:6::'), nhid(99)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:6::'), nhid(5), oif(2)), addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), nhid(5)),
    rt(RTM.RTM_NEWROUTE, ACK | NLM_F_CREATE, { ...v6, dstLen: 64, table: 254, type: 1 }, dst('2001:9::'), nhid(11)),
    dumpRoute(2), dumpRoute(10),
    getRoute({ dstLen: 32 }, dst('10.8.0.1')), getRoute({ dstLen: 32 }, dst('10.9.0.1'), oif(3)), getRoute({ dstLen: 32 }, dst('10.7.0.1')),
    getRoute({ dstLen: 32, flags: 0x2000 }, dst('10.9.0.1'), oif(2)), getRoute({ dstLen: 32 }, dst('10.5.0.1')), getRoute({ dstLen: 32 }, dst('10.6.0.1')),
    getRoute({ family: 10, dstLen: 128 }, dst('2001:9::1')), getRoute({ family: 10, dstLen: 128, flags: 0x2000 }, dst('2001:9::1')),
    getRoute({ family: 10, dstLen: 128 }, dst('2001:7::1')),
    delRoute({ dstLen: 24 }, dst('10.9.0.0'), gw('10.1.0.2')), delRoute({ dstLen: 24 }, dst('10.9.0.0'), nhid(1)), delRoute({ dstLen: 24 }, dst('10.9.0.0'), nhid(10)),
    delRoute({ family: 10, dstLen: 64 }, dst('2001:9::'), nhid(5)), delRoute({ family: 10, dstLen: 64 }, dst('2001:9::'), gw('2001:1::9')),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), nhid(10)), addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), nhid(5)),
    delNh(1), dumpRoute(2), delNh(5), dumpRoute(10),
    down(3), dumpRoute(2), dumpNh(), delLink(2), dumpRoute(0), dumpNh(),
  ], { groups: GROUPS }],
  ['replacing nexthops: the object keeps its id, groups and routes, which are reported again; what the routes using it refuse', [
    ...setup, up(1),
    nh(2, id(1), via('10.1.0.2'), dev(2)), nh(2, id(2), via('10.2.0.2'), dev(3)), nh(10, id(3), via('2001:1::2'), dev(2)),
    nh(0, id(10), grp([1], [2])), nh(0, id(11), grp([3])),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), nhid(1)), addRoute({ dstLen: 24 }, dst('10.8.0.0'), nhid(10)), addRoute({ dstLen: 24, table: 7 }, dst('10.7.0.0'), nhid(10)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), nhid(3)), addRoute({ ...v6, dstLen: 64 }, dst('2001:8::'), nhid(11)), addRoute({ ...v6, dstLen: 64 }, dst('2001:7::'), nhid(3)),
    replaceOne, nhFlags(REPLACE, 0, {}, id(10), grp([2])),
    nhFlags(REPLACE, 0, {}, id(1), grp([2])), nhFlags(REPLACE, 2, {}, id(10), via('10.1.0.5'), dev(2)),
    nhFlags(REPLACE, 2, {}, id(3), via('10.1.0.5'), dev(2)), nhFlags(REPLACE, 10, {}, id(3), via('2001:1::5'), dev(2)),
    nhFlags(REPLACE, 2, {}, id(2), blackhole), nhFlags(ACK | NLM_F_REPLACE, 2, {}, id(20), via('10.1.0.5'), dev(2)), nhFlags(REPLACE, 2, {}, id(20), via('10.1.0.5'), dev(2)),
    dumpNh(), dumpRoute(0),
    delNh(3), dumpRoute(10),
  ], {
    groups: GROUPS,
    // Linux reported the routes using nexthop 1 and its group again, as replaced.
    guard: (real, expect) => expect(real.notifications.flat().filter((l) => l.startsWith('nlmsg type=24') && l.includes('flags=0x100')).length).toBeGreaterThanOrEqual(3),
  }],
  ['a lost carrier takes the nexthops through the device (not blackholes), their IPv4 routes silently, their IPv6 routes reported', [
    createLink('v0', 'veth'), noLinkLocal(2), noLinkLocal(3), up(1), up(2), up(3), addAddr(2, '10.1.0.1/24'), addAddr(2, '2001:1::1/64', { flags: 2 }), wait(1100),
    nh(2, id(1), via('10.1.0.2'), dev(2)), nh(10, id(2), via('2001:1::2'), dev(2)), nh(2, id(3), blackhole), nh(0, id(10), grp([1])), nh(0, id(11), grp([2])),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), nhid(1)), addRoute({ dstLen: 24 }, dst('10.8.0.0'), nhid(10)), addRoute({ dstLen: 24 }, dst('10.7.0.0'), nhid(3)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), nhid(2)), addRoute({ ...v6, dstLen: 64 }, dst('2001:8::'), nhid(11)),
    down(3), wait(1100), dumpNh(), dumpRoute(2), dumpRoute(10), nh(2, id(4), via('10.1.0.2'), dev(2)),
  ], { groups: GROUPS }],
  ['strict route dumps filtered by device see multipath routes, IPv6 siblings and nexthop routes through it; NLM_F_ECHO', [
    ...setup, up(1), addAddr(3, '2001:2::1/64', { flags: 2 }),
    nh(2, id(1), via('10.1.0.2'), dev(2)), nh(2, id(2), via('10.2.0.2'), dev(3)), nh(10, id(5), via('2001:1::2'), dev(2)), nh(0, id(10), grp([1], [2])),
    { ...nh(2, id(3), dev(3)), flags: NEW | 0x8 },
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), nhid(10)), addRoute({ dstLen: 24 }, dst('10.8.0.0'), nhid(2)),
    addRoute({ dstLen: 24 }, dst('10.7.0.0'), attr(9, concat(rtnh(2, '10.1.0.2'), rtnh(3, '10.2.0.2')))),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:9::'), nhid(5)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:8::'), attr(9, concat(rtnh(2, '2001:1::2'), rtnh(3, '2001:2::2')))),
    dumpRoute(2, {}, oif(3)), dumpRoute(2, {}, oif(2)), dumpRoute(10, {}, oif(3)), dumpRoute(10, {}, oif(2)),
    { ...delNh(3), flags: ACK | 0x8 },
  ], { groups: GROUPS, strict: true }],
]);
