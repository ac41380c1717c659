/**
 * Addresses and routes, simulator against Linux message for message: every reply and every
 * notification on the IPv4/IPv6 address and route groups, attribute by attribute
 * (rt-render.ts masks only timestamps and MAC-derived interface ids).
 */
import { expect, it } from 'vitest';
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP, NLM_F_ECHO, NLM_F_REPLACE, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attr, attrU32 } from '../../helpers/exchange.js';
import { describeKernel } from '../../helpers/backends.js';
import { describeScenarios, sortedMessages, type ScenarioCase } from './compare-scenario.js';
import { datagramsOf, runScenario, type Step, wait } from './link-differential.js';
import {
  ADDR_ROUTE_GROUPS, ALL_GROUPS, addAddr, group, ip, neigh, NEW, NUD_PERMANENT, rt, addRoute, createLink, delAddr, delRoute, down, dst, dumpAddr, dumpRoute, getRoute, gw, oif, prefsrc, prio, table, up,
} from './rt-steps.js';

const v6 = { family: 10, protocol: 3 };
const echo = (s: Step): Step => ({ ...s, flags: s.flags | NLM_F_ECHO });
const g6 = (a: string, flags = 0, ...x: Uint8Array[]) => getRoute({ family: 10, dstLen: 128, flags }, dst(a), ...x);

const D = NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK;

/** ci6 is IFA_CACHEINFO with the preferred and valid lifetimes (seconds). */
const ci6 = (preferred: number, valid: number) => {
  const b = new Uint8Array(16);
  new DataView(b.buffer).setUint32(0, preferred, true);
  new DataView(b.buffer).setUint32(4, valid, true);
  return attr(6, b);
};
/** prio6 is IFA_RT_PRIORITY. */
const prio6 = (metric: number) => attrU32(9, metric);
/** local6 is IFA_LOCAL (beside a different IFA_ADDRESS: the peer). */
const local6 = (a: string) => attr(2, ip(a));
/** replace6 is RTM_NEWADDR as ip -6 addr replace sends it (CREATE|REPLACE), change6 as ip -6 addr change (REPLACE). */
const replace6 = (...a: Parameters<typeof addAddr>): Step => ({ ...addAddr(...a), flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE });
const change6 = (...a: Parameters<typeof addAddr>): Step => ({ ...addAddr(...a), flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE });

const scenarios: ScenarioCase[] = [
  ['lo up: 127.0.0.1/8 and ::1 with their local routes; address and route dumps', [up(1), dumpAddr(), dumpRoute(), dumpAddr(2), dumpRoute(10)]],
  // inetdev_event(NETDEV_UP) inserts 127.0.0.1/8 whatever lo already has, ignoring the answer.
  ['lo up with addresses of its own: 127.0.0.1/8 joins a host-scope 127.0.0.2/8 as a secondary; down and up again', [
    addAddr(1, '127.0.0.2/8', { scope: 254 }), up(1), dumpAddr(2), dumpRoute(2), down(1), up(1), dumpAddr(2), dumpRoute(2),
  ]],
  ['lo up with a universe-scope 127.0.0.2/8: 127.0.0.1/8 is refused (invalid scope), silently', [
    addAddr(1, '127.0.0.2/8'), up(1), dumpAddr(2), dumpRoute(2),
  ]],
  ['IPv4 addresses on an ifb: local route while down, prefix and broadcast when up, secondaries, deleting a primary', [
    up(1), createLink('i0', 'ifb'),
    addAddr(2, '10.0.0.1/24'), up(2), addAddr(2, '10.0.0.2/24'), addAddr(2, '10.0.1.1/16'), dumpAddr(2), dumpRoute(2),
    delAddr(2, '10.0.0.1/24'), dumpAddr(2), dumpRoute(2),
  ]],
  ['IPv4 address options: broadcast, label, noprefixroute, metric, lifetimes, errors', [
    createLink('i0', 'ifb'), up(2),
    addAddr(2, '10.1.0.1/24', {}, attrU32(4, 0), attr(4, Uint8Array.of(10, 1, 0, 255))),
    addAddr(2, '10.2.0.1/24', {}, attrU32(8, 0x200)),
    addAddr(2, '10.3.0.1/24', {}, attrU32(9, 77)),
    addAddr(2, '10.4.0.1/24', {}, attr(3, new TextEncoder().encode('i0:x\0'))),
    addAddr(2, '10.5.0.1/30'), addAddr(2, '10.6.0.1/31'), addAddr(2, '10.7.0.1/32'),
    addAddr(2, '10.1.0.1/24'), addAddr(2, '10.1.0.9/33'), addAddr(9, '10.1.0.9/24'), delAddr(2, '10.9.9.9/24'),
    addAddr(2, '10.1.0.2/24', { scope: 253 }),
    { ...addAddr(2, '10.8.0.1/24'), payload: addAddr(2, '10.8.0.1/24').payload.subarray(0, 8) },
    dumpAddr(2), dumpRoute(2), down(2), dumpRoute(2), up(2), dumpRoute(2),
  ]],
  ['IPv4 routes: gateways, types, tables, metrics, scope, prefsrc, errors, lookups, deletion, link down', [
    createLink('i0', 'ifb'), up(2), addAddr(2, '10.0.0.1/24'),
    addRoute({ dstLen: 16 }, dst('192.168.0.0'), gw('10.0.0.254')),
    addRoute({ dstLen: 16 }, dst('192.168.0.0'), gw('10.0.0.254')),
    addRoute({ dstLen: 16 }, dst('192.168.0.0'), gw('10.0.0.253'), prio(10)),
    addRoute({ dstLen: 24 }, dst('172.16.0.0'), gw('10.9.0.1')),
    addRoute({ dstLen: 24, type: 6 }, dst('172.16.1.0')),
    addRoute({ dstLen: 24, type: 7, table: 100 }, dst('172.16.2.0')),
    addRoute({ dstLen: 24, type: 8, table: 0 }, dst('172.16.3.0'), table(1000)),
    addRoute({ dstLen: 0, scope: 0 }, gw('10.0.0.254'), attr(8, attrU32(2, 1400))),
    addRoute({ dstLen: 32, scope: 253 }, dst('10.1.1.1'), oif(2)),
    addRoute({ dstLen: 24 }, dst('10.1.2.0'), oif(2), prefsrc('10.0.0.1')),
    addRoute({ dstLen: 24 }, dst('10.1.3.0'), oif(2), prefsrc('10.9.9.9')),
    addRoute({ dstLen: 24 }, dst('10.1.4.5')),
    addRoute({ dstLen: 33 }, dst('10.1.4.5')),
    dumpRoute(2),
    getRoute({ dstLen: 32 }, dst('192.168.3.4')),
    getRoute({ dstLen: 32 }, dst('10.0.0.9')),
    getRoute({ dstLen: 32 }, dst('172.16.1.1')),
    getRoute({ dstLen: 32 }, dst('10.0.0.1')),
    getRoute({ dstLen: 32 }, dst('8.8.8.8')),
    getRoute({ dstLen: 32, flags: 0x2000 }, dst('8.8.8.8')),
    delRoute({ dstLen: 16 }, dst('192.168.0.0')),
    delRoute({ dstLen: 16 }, dst('192.168.0.0'), prio(10)),
    delRoute({ dstLen: 16 }, dst('192.168.0.0')),
    delRoute({ dstLen: 24, table: 100 }, dst('172.16.2.0')),
    down(2), dumpRoute(2),
    addAddr(2, '10.0.0.1/24'), addAddr(2, '127.0.0.5/8'), addAddr(9, '10.0.0.1/24'), delAddr(2, '10.0.0.7/24'),
    dumpRoute(2),
  ]],
  ['routes preferring a deleted address as source go with it (RTM_DELROUTE, trie walked backwards)', [
    createLink('i0', 'ifb'), createLink('i1', 'ifb'), up(2), up(3), addAddr(2, '10.0.0.1/24'), addAddr(2, '10.0.0.2/24'), addAddr(3, '10.5.0.1/24'),
    addRoute({ dstLen: 24 }, dst('10.1.2.0'), oif(2), prefsrc('10.0.0.1')),
    addRoute({ dstLen: 24 }, dst('10.1.3.0'), oif(3), prefsrc('10.0.0.2')),
    addRoute({ dstLen: 24 }, dst('10.1.4.0'), oif(3), prefsrc('10.0.0.1')),
    addRoute({ dstLen: 16 }, dst('10.1.0.0'), oif(3), prefsrc('10.0.0.1')),
    addRoute({ dstLen: 24, table: 7 }, dst('10.1.5.0'), oif(3), prefsrc('10.0.0.1')),
    delAddr(2, '10.0.0.2/24'), dumpRoute(2), delAddr(2, '10.0.0.1/24'), dumpRoute(2),
  ]],
  ['IPv6 route errors and replacements; prefsrc forgotten with its address', [
    createLink('i0', 'ifb'), createLink('i1', 'ifb'), up(2),
    addAddr(2, '2001:db8::1/64', { flags: 2 }),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9::'), oif(3)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9::'), gw('2001:db7::1')),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9::'), gw('fe80::1')),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9::'), gw('ff02::1'), oif(2)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9::')),
    addRoute({ ...v6, dstLen: 129 }, dst('2001:db9::'), oif(2)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9::'), oif(9)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9::'), oif(2), prefsrc('2001:db8::7')),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9::'), oif(2), prefsrc('2001:db8::1')),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9::'), oif(2), prio(5)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9::'), oif(2), prio(5)),
    addRoute({ ...v6, dstLen: 64, table: 50 }, dst('2001:db9::'), oif(2), attr(8, attrU32(2, 1400))),
    addRoute({ ...v6, dstLen: 60 }, dst('2001:db9:0:1::'), oif(2)),
    addRoute({ ...v6, dstLen: 64, type: 6 }, dst('2001:dbd::'), oif(2)),
    addRoute({ ...v6, dstLen: 64, type: 9 }, dst('2001:dbe::')),
    rt(RTM.RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE, { ...v6, dstLen: 64, table: 254, type: 1 }, dst('2001:db9::'), oif(2), prio(5)),
    dumpRoute(10),
    delRoute({ family: 10, dstLen: 64 }, dst('2001:db9::'), prio(7)),
    delRoute({ family: 10, dstLen: 64, table: 77 }, dst('2001:db9::')),
    delRoute({ family: 10, dstLen: 64 }, dst('2001:db9::'), oif(2), prio(5)),
    delAddr(2, '2001:db8::1/64'), dumpRoute(10),
  ]],
  ['IPv4 route errors, replace and append', [
    createLink('i0', 'ifb'), createLink('i1', 'ifb'), up(2), addAddr(2, '10.0.0.1/24'),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), oif(3)),
    addRoute({ dstLen: 24, scope: 254, type: 1 }, dst('10.9.0.0'), oif(2)),
    addRoute({ dstLen: 24, scope: 254, type: 1 }, dst('10.9.0.0'), oif(2), gw('10.0.0.1')),
    addRoute({ dstLen: 24, type: 2, scope: 0 }, dst('10.9.0.0'), oif(2)),
    addRoute({ dstLen: 24, type: 12 }, dst('10.9.0.0'), oif(2)),
    addRoute({ dstLen: 24, type: 10 }, dst('10.9.0.0'), oif(2)),
    addRoute({ dstLen: 24, type: 6 }, dst('10.9.0.0'), oif(2)),
    addRoute({ dstLen: 24, type: 1, tos: 3 }, dst('10.9.0.0'), oif(2)),
    addRoute({ dstLen: 24, type: 1, tos: 8 }, dst('10.9.0.0'), oif(2)),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), oif(2), attr(8, attrU32(20, 5))),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), oif(2), attr(8, attrU32(10, 900))),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), oif(2)),
    rt(RTM.RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE, { family: 2, dstLen: 24, table: 254, protocol: 4, type: 1 }, dst('10.9.0.0'), oif(2)),
    rt(RTM.RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE, { family: 2, dstLen: 24, table: 254, protocol: 4, type: 6 }, dst('10.9.0.0')),
    rt(RTM.RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_APPEND | NLM_F_CREATE, { family: 2, dstLen: 24, table: 254, protocol: 4, type: 7 }, dst('10.9.0.0')),
    rt(RTM.RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE, { family: 2, dstLen: 24, table: 254, protocol: 4, type: 7 }, dst('10.8.0.0')),
    dumpRoute(2),
    delRoute({ dstLen: 24, table: 99 }, dst('10.9.0.0')),
    delRoute({ dstLen: 24, type: 1 }, dst('10.9.0.0')),
    delRoute({ dstLen: 24 }, dst('10.9.0.0')),
    dumpRoute(2),
  ]],
  ['every group at once (ip monitor all): addresses on a down ifb, up, a gateway route, a neighbour, down, up, deletion', [
    up(1), createLink('i0', 'ifb'), addAddr(2, '10.0.0.1/24'), addAddr(2, '2001:db8::1/64', { flags: 2 }), up(2),
    addRoute({ dstLen: 16 }, dst('192.168.0.0'), gw('10.0.0.254')),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD_PERMANENT }, '10.0.0.2', Uint8Array.of(2, 0, 0, 0, 0, 2)),
    down(2), up(2), { type: RTM.RTM_DELLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: new Uint8Array([0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) },
  ], { groups: ALL_GROUPS | group(RTNLGRP.RTNLGRP_IPV6_IFINFO) }],
  ['NLM_F_ECHO: address and route notifications echoed to the requester (IPv6 addresses never are)', [
    createLink('i0', 'ifb'), up(2),
    echo(addAddr(2, '10.0.0.1/24')), echo(addRoute({ dstLen: 24, type: 6 }, dst('172.16.1.0'))), echo(delRoute({ dstLen: 24 }, dst('172.16.1.0'))),
    echo(addAddr(2, '2001:db8::1/64', { flags: 2 })), echo(addRoute({ ...v6, dstLen: 48, type: 6 }, dst('2001:dba::'))),
    echo(delAddr(2, '10.0.0.1/24')), echo(delAddr(2, '2001:db8::1/64')),
  ]],
  ['IPv6 addresses and routes on an ifb: prefix and local routes, walk order, deletion, link down and up', [
    createLink('i0', 'ifb'), up(2),
    addAddr(2, '2001:db8::1/64', {}, attrU32(8, 0x80)),
    addAddr(2, '2001:db8:1::1/48'),
    addAddr(2, '2001:db8:1:2::1/128'),
    addRoute({ ...v6, dstLen: 32 }, dst('2001:db9::'), oif(2)),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9:0:1::'), gw('2001:db8::ff')),
    addRoute({ ...v6, dstLen: 0 }, gw('fe80::1'), oif(2)),
    addRoute({ ...v6, dstLen: 48, type: 6 }, dst('2001:dba::')),
    addRoute({ ...v6, dstLen: 48, type: 7 }, dst('2001:dbb::'), prio(5)),
    dumpRoute(10), dumpAddr(10),
    delAddr(2, '2001:db8:1::1/48'),
    delRoute({ family: 10, dstLen: 32, scope: 0 }, dst('2001:db9::')),
    delRoute({ family: 10, dstLen: 32, scope: 0 }, dst('2001:db9::')),
    down(2), dumpRoute(10), dumpAddr(10), up(2), dumpAddr(10),
  ]],
  ['strict dump requests (NETLINK_GET_STRICT_CHK): header checks, filters with NLM_F_DUMP_FILTERED, route lookups', [
    up(1), createLink('i0', 'ifb'), up(2), addAddr(2, '10.0.0.1/24'), addAddr(2, '2001:db8::1/64', { flags: 2 }),
    addRoute({ dstLen: 24, type: 6, table: 100 }, dst('172.16.2.0')),
    dumpAddr(0, { index: 2 }), dumpAddr(2, { index: 2 }), dumpAddr(10, { index: 1 }), dumpAddr(2, { index: 9 }),
    dumpAddr(2, { prefixlen: 24 }), dumpAddr(10, { scope: 1 }), dumpAddr(2, {}, attrU32(1, 5)), dumpAddr(10, {}, attrU32(2, 5)),
    { type: RTM.RTM_GETADDR, flags: D, payload: Uint8Array.of(2) },
    dumpRoute(2), dumpRoute(10), dumpRoute(0), dumpRoute(2, { table: 100 }), dumpRoute(2, { table: 55 }), dumpRoute(10, { table: 55 }), dumpRoute(0, { table: 55 }),
    dumpRoute(2, { type: 2 }), dumpRoute(10, { protocol: 2 }), dumpRoute(2, {}, oif(2)), dumpRoute(2, {}, table(255)), dumpRoute(0, {}, oif(1)),
    dumpRoute(2, { dstLen: 8 }), dumpRoute(2, { flags: 0x1000 }), dumpRoute(2, {}, dst('1.2.3.4')), dumpRoute(2, { flags: 0x200 }),
    { type: RTM.RTM_GETROUTE, flags: D, payload: Uint8Array.of(2) },
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 2, dstLen: 32, table: 5 }, dst('10.0.0.1')),
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 2, dstLen: 32 }, dst('10.0.0.1'), attrU32(15, 5)),
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 2, dstLen: 24 }, dst('10.0.0.1')),
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 2, dstLen: 32, flags: 0x1000 }, dst('10.0.0.1')),
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 2, dstLen: 32, flags: 0x1000 }, dst('10.0.0.5')),
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 10, dstLen: 128, table: 5 }, dst('2001:db8::5')),
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 10, dstLen: 128, flags: 0x1000 }, dst('2001:db8::5')),
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 10, dstLen: 128 }, dst('2001:db8::5'), attrU32(15, 5)),
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 10, dstLen: 64 }, dst('2001:db8::5')),
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 10 }, dst('2001:db8::5')),
    rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 10, dstLen: 128, flags: 0x2000 }, dst('2001:db8::5')),
    { type: RTM.RTM_GETROUTE, flags: NLM_F_REQUEST, payload: Uint8Array.of(10, 0, 0, 0) },
  ], { strict: true }],
  ['IPv6 route lookups: gateways, source selection, local, multicast, reject routes, fib match', [
    // Addresses without DAD get their local routes from addrconf_dad_work(), which a busy
    // machine may run late: each gets a wait that counts as its step (lateWork).
    up(1), createLink('i0', 'ifb'), up(2), wait(100, { lateWork: true }),
    addAddr(2, '2001:db8::1/64', { flags: 2 }), wait(100, { lateWork: true }), addAddr(2, '2001:db8:1::1/48', { flags: 2 }), wait(100, { lateWork: true }),
    addRoute({ ...v6, dstLen: 64 }, dst('2001:db9:0:1::'), gw('2001:db8::ff')),
    addRoute({ ...v6, dstLen: 48, type: 6 }, dst('2001:dba::')),
    addRoute({ ...v6, dstLen: 48, type: 7 }, dst('2001:dbb::')),
    addRoute({ ...v6, dstLen: 48, type: 8 }, dst('2001:dbc::')),
    g6('2001:db9:0:1::5'), g6('2001:db8::7'), g6('2001:db8:1:5::7'), g6('2001:db8::1'), g6('::1'), g6('fe80::9'),
    g6('2001:dba::1'), g6('2001:dbb::1'), g6('2001:dbc::1'), g6('3000::1'),
    g6('2001:db8::7', 0x2000), g6('2001:db8::1', 0x2000), g6('2001:db9:0:1::5', 0x1000),
    g6('fe80::9', 0, oif(2)), g6('3000::1', 0, oif(2)),
    addRoute({ ...v6, dstLen: 0 }, gw('fe80::1'), oif(2), attrU32(6, 100)),
    g6('3000::1'), g6('ff02::1'),
  ]],
  // inet6_addr_modify(): an IPv6 address replaced (ip -6 addr replace / change), matched by
  // address alone. Addresses without DAD finish from addrconf_dad_work(), hence the waits.
  ['IPv6 address replaced: flags, lifetimes, metric, noprefixroute, IFA_PROTO; the prefix route following; errors', [
    createLink('i0', 'ifb'), up(2), wait(100, { lateWork: true }),
    addAddr(2, '2001:db8::1/64', { flags: 2 }), wait(100, { lateWork: true }),
    addAddr(2, '2001:db8::2/64', { flags: 2 }, ci6(100, 200)), wait(100, { lateWork: true }),
    dumpAddr(10), dumpRoute(10),
    // A permanent address given lifetimes: its prefix route (same metric) expires in place.
    replace6(2, '2001:db8::1/64', { flags: 2 }, ci6(50, 100)), dumpAddr(10), dumpRoute(10),
    // Not permanent any more: a new metric adds a route beside the old one.
    change6(2, '2001:db8::1/64', { flags: 2 }, prio6(20)), dumpRoute(10),
    // Permanent now: a new metric moves the prefix route.
    change6(2, '2001:db8::1/64', { flags: 2 }, prio6(30)),
    // IFA_FLAGS wins over ifa_flags; noprefixroute set while another address of the prefix is dynamic.
    change6(2, '2001:db8::1/64', { flags: 2 }, attrU32(8, 0x202), attr(11, Uint8Array.of(5))), dumpAddr(10), dumpRoute(10),
    // The prefix length asked for is ignored; noprefixroute cleared: the route comes back; no metric keeps it.
    replace6(2, '2001:db8::1/48', { flags: 0 }, attr(11, Uint8Array.of(7))), dumpAddr(10), dumpRoute(10),
    change6(2, '2001:db8::2/64', { flags: 2 }, attrU32(8, 0x202)),
    change6(2, '2001:db8::1/64', { flags: 2 }, attrU32(8, 0x200)), dumpRoute(10),
    change6(2, '2001:db8::2/64', { flags: 2 }), dumpRoute(10),
    change6(2, '2001:db8::2/64', { flags: 2 }, ci6(0, 60)),
    change6(2, '2001:db8::2/64', { flags: 2 }, attrU32(8, 0x200)), dumpAddr(10), dumpRoute(10),
    // Errors: no NLM_F_REPLACE, or NLM_F_EXCL; invalid lifetimes; a replace of an absent address adds it.
    addAddr(2, '2001:db8::1/64', { flags: 2 }),
    { ...change6(2, '2001:db8::1/64', { flags: 2 }), flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE | 0x200 },
    change6(2, '2001:db8::1/64', { flags: 2 }, ci6(0, 0)),
    change6(2, '2001:db8::1/64', { flags: 2 }, ci6(20, 10)),
    change6(2, '2001:db8::9/64', { flags: 2 }), wait(100, { lateWork: true }),
    dumpAddr(10), dumpRoute(10),
    // A permanent address with a finite preferred lifetime reports it, and is deprecated in time.
    change6(2, '2001:db8::9/64', { flags: 2 }, ci6(1, 0xffffffff)), dumpAddr(10), wait(2200), dumpAddr(10),
  ]],
  // An IPv6 address with a peer: IFA_LOCAL is the address, a different IFA_ADDRESS the peer.
  ['IPv6 peer addresses: the local prefix route, the peer /128 route, deletion, replace moving the peer prefix route, lookups', [
    createLink('i0', 'ifb'), up(2), wait(100, { lateWork: true }),
    addAddr(2, '2001:db8:1::2/64', { flags: 2 }, local6('2001:db8::1'), prio6(300)), wait(100, { lateWork: true }),
    dumpAddr(10), dumpRoute(10), g6('2001:db8:1::2'), g6('2001:db8:1::7'), g6('2001:db8::5'),
    addAddr(2, '2001:db8:1::3/64', { flags: 2 }, local6('2001:db8::1')),
    // Deleted by its local address alone (the prefix length must match), or with any peer.
    delAddr(2, '2001:db8::1/128'), delAddr(2, '2001:db8::1/64'), dumpRoute(10),
    addAddr(2, '2001:db8:1::2/64', { flags: 2 }, local6('2001:db8::1')), wait(100, { lateWork: true }),
    delAddr(2, '2001:db8:1::9/64', {}, local6('2001:db8::1')), dumpAddr(10), dumpRoute(10),
    // replace of an absent address adds it; then without a peer: the peer's prefix route is added.
    replace6(2, '2001:db8:1::2/64', { flags: 2 }, local6('2001:db8::1')), wait(100, { lateWork: true }),
    replace6(2, '2001:db8::1/64', { flags: 2 }), dumpAddr(10), dumpRoute(10),
    // A new peer: the old peer's prefix route goes, the new one's comes; a new metric moves both.
    replace6(2, '2001:db8:2::3/64', { flags: 2 }, local6('2001:db8::1')),
    change6(2, '2001:db8:3::3/64', { flags: 2 }, local6('2001:db8::1'), prio6(500)), dumpAddr(10), dumpRoute(10),
    // A plain address given a peer, then an all-zero peer (none).
    addAddr(2, '2001:db8:9::1/64', { flags: 2 }), wait(100, { lateWork: true }),
    replace6(2, '2001:db8:8::1/64', { flags: 2 }, local6('2001:db8:9::1')), dumpAddr(10), dumpRoute(10),
    change6(2, '::/64', { flags: 2 }, local6('2001:db8:9::1')), dumpAddr(10), dumpRoute(10),
    // noprefixroute with a peer, then cleared.
    addAddr(2, '2001:db8:6::1/64', { flags: 2 }, local6('2001:db8:5::1'), attrU32(8, 0x202)), wait(100, { lateWork: true }),
    change6(2, '2001:db8:6::1/64', { flags: 2 }, local6('2001:db8:5::1')), dumpRoute(10),
    delAddr(2, '2001:db8::1/64'), delAddr(2, '2001:db8:9::1/64'), delAddr(2, '2001:db8:5::1/64'), dumpAddr(10), dumpRoute(10),
  ]],
  ['IPv6 address replaced while tentative (veth without carrier): no RTM_NEWADDR, the prefix route moves', [
    createLink('v0', 'veth'), up(2),
    addAddr(2, '2001:db8::1/64'),
    change6(2, '2001:db8::1/64', {}, prio6(7), ci6(100, 100)),
    replace6(2, '2001:db8::1/64', { flags: 2 }, ci6(100, 100)),
    dumpAddr(10), dumpRoute(10),
  ]],
];

/** manyRoutes adds `n` IPv4 and `n` IPv6 blackhole routes and `n` IPv4 addresses on an ifb. */
function manyRoutes(n: number): Step[] {
  const steps: Step[] = [createLink('i0', 'ifb'), up(1), up(2)];
  for (let i = 0; i < n; i++) {
    steps.push(addRoute({ dstLen: 32, type: 6 }, dst(`10.${i >> 8}.${i & 255}.7`)));
    steps.push(addRoute({ ...v6, dstLen: 64, type: 6 }, dst(`2001:db8:${i.toString(16)}::`)));
    steps.push(addAddr(2, `172.${16 + (i >> 8)}.${i & 255}.1/24`));
  }
  return steps;
}

describeKernel('RTM_GETROUTE / RTM_GETADDR dumps of many entries: chunk for chunk as Linux', (openNamespace) => {
  it.each([
    ['routes of both families (AF_UNSPEC), default buffers', 300, RTM.RTM_GETROUTE, 0, undefined],
    ['IPv4 routes, a 4096-byte receive buffer per recvmsg', 300, RTM.RTM_GETROUTE, 2, 4096],
    ['IPv6 routes', 300, RTM.RTM_GETROUTE, 10, undefined],
    ['addresses of both families', 300, RTM.RTM_GETADDR, 0, undefined],
    ['IPv4 addresses, 4096-byte reads', 300, RTM.RTM_GETADDR, 2, 4096],
  ] as const)('%s', async (_name, n, type, family, bufferSize) => {
    const ns = openNamespace();
    try {
      const run = async (factory: Parameters<typeof runScenario>[0]) => {
        await runScenario(factory, manyRoutes(n), { real: false, groups: 0 });
        return datagramsOf(factory, { type, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: Uint8Array.of(family, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) }, bufferSize);
      };
      const real = await run(ns);
      const sim = await run(createHostKernel());
      expect(real.length).toBeGreaterThan(2);
      expect(sim).toEqual(real);
    } finally {
      ns.close();
    }
  });
});

/** wait lets the real kernel's timers run (DAD takes about a second per address). */

/**
 * The state after DAD on a veth pair, compared as sorted lists: the link-local addresses come
 * from random MACs, so routes to them sort differently from run to run; and the two ends'
 * DADs finish in an order Linux draws at random (dad-differential.test.ts compares DAD order
 * where it is fixed), so the notifications of the whole scenario are compared as one sorted
 * list (moved to the first step).
 */
const afterDad: ScenarioCase = [
  'IPv6 DAD on a veth pair: link-local and user addresses, their routes and dumps once DAD finished; the same notifications, in DAD-independent order',
  [
    up(1), createLink('v0', 'veth'), up(2), up(3), wait(3000), dumpAddr(10), dumpRoute(10),
    addAddr(3, '2001:db8::1/64'), addAddr(3, '2001:db8::2/64', { flags: 2 }), wait(3000), dumpAddr(10), dumpRoute(10),
  ],
  {
    mask: (o) => ({ replies: o.replies, notifications: o.notifications.map((_, i) => (i === 0 ? sortedMessages(o.notifications.flat()) : [])) }),
    replies: sortedMessages,
    guard: (real, expect) => expect(real.notifications[0]!.length).toBeGreaterThan(8),
  },
];

describeScenarios('RTM_*ADDR / RTM_*ROUTE: simulator and Linux, message for message', [...scenarios, afterDad], {
  groups: ADDR_ROUTE_GROUPS,
  guard: (real, expect) => expect(real.notifications.flat().length).toBeGreaterThan(0),
});
