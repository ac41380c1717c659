/**
 * What the differential route fuzzer (test/fuzz/route-fuzz-differential.test.ts) found the
 * simulator answering differently from Linux, kept as regular scenarios, shrunk: check order,
 * policies, messages and states of rules, routes, neighbours, addresses, links and the MDB.
 * Simulator against Linux, reply for reply and notification for notification.
 */
import { IFLA, RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { NLM_F_DUMP } from '../../../sim/uapi/netlink.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { ifinfo } from './route-backend.js';
import { ADDR_ROUTE_GROUPS, createLink, group, ip, NEW, up } from './rt-steps.js';
import { ACK, describeRequests, REQ, step, u16, u32 } from './request-scenarios.js';

const rtmsg = (fam: number, { dl = 0, tos = 0, table = 254, proto = 3, scope = 0, type = 1, flags = 0 } = {}) => concat(Uint8Array.of(fam, dl, 0, tos, table, proto, scope, type), u32(flags));
const ndm = (fam: number, ifindex = 0, state = 0, flags = 0) => concat(Uint8Array.of(fam, 0, 0, 0), u32(ifindex), u16(state), Uint8Array.of(flags, 0));
const ifa = (fam: number, plen: number, index: number) => concat(Uint8Array.of(fam, plen, 0, 0), u32(index));
const frh = (fam: number, { dl = 0, tos = 0, table = 254, action = 1 } = {}) => concat(Uint8Array.of(fam, dl, 0, tos, table, 0, 0, action), u32(0));
const cacheinfo = (pref: number, valid: number) => attr(6, concat(u32(pref), u32(valid), u32(0), u32(0)));
const GROUPS = ADDR_ROUTE_GROUPS | group(RTNLGRP.RTNLGRP_LINK) | group(RTNLGRP.RTNLGRP_NEIGH);

describeRequests('what the route fuzzer found: simulator and Linux, message for message', [
  ['rules: policy errors, addresses without lengths, IPv6 tos and tables', [
    step(RTM.RTM_NEWRULE, NEW, concat(frh(10), attr(25, Uint8Array.of(64)))),
    step(RTM.RTM_NEWRULE, NEW, frh(2, { dl: 1 })),
    step(RTM.RTM_NEWRULE, NEW, frh(10, { tos: 1 })),
    step(RTM.RTM_NEWRULE, NEW, frh(10, { table: 0 })),
  ], GROUPS],
  ['IPv4 routes: header, type, scope, nexthop id and attribute checks in Linux order', [
    up(1),
    step(RTM.RTM_NEWROUTE, NEW, rtmsg(2, { table: 0, proto: 0, type: 0 })),
    step(RTM.RTM_NEWROUTE, NEW, Uint8Array.of(2)),
    step(RTM.RTM_NEWROUTE, REQ, concat(rtmsg(2), attr(31, u16(0)))),
    step(RTM.RTM_DELROUTE, ACK, concat(rtmsg(2), attrU32(30, 1))),
    step(RTM.RTM_NEWROUTE, NEW, concat(rtmsg(2, { type: 5 }), attr(5, ip('10.0.0.1')))),
    step(RTM.RTM_NEWROUTE, NEW, concat(rtmsg(2, { scope: 255, type: 0 }), attr(5, ip('10.0.0.1')), attrU32(4, 1))),
    step(RTM.RTM_NEWROUTE, NEW, concat(rtmsg(2, { dl: 0 }), attr(1, ip('10.0.0.1')), attrU32(30, 1))),
    step(RTM.RTM_DELROUTE, ACK, concat(rtmsg(2, { dl: 32 }), attr(1, ip('10.1.3.4')))),
    step(RTM.RTM_GETROUTE, REQ, Uint8Array.of(2)),
    step(RTM.RTM_GETROUTE, REQ | NLM_F_DUMP, rtmsg(2, { table: 0, proto: 0, type: 0, flags: 0x200 })),
    step(RTM.RTM_GETROUTE, REQ | NLM_F_DUMP, rtmsg(2, { table: 0, proto: 0, type: 0, flags: 0x800 })),
  ], GROUPS],
  ['IPv6 routes: tos, RTM_F_CLONED, a blackhole keeps no gateway, main exists from the start', [
    up(1),
    step(RTM.RTM_NEWROUTE, NEW, concat(rtmsg(10, { tos: 1 }))),
    step(RTM.RTM_NEWROUTE, NEW, concat(rtmsg(10, { dl: 128, flags: 0x200 }), attr(1, ip('2001:db8::1')), attrU32(4, 1))),
    step(RTM.RTM_DELROUTE, ACK, concat(rtmsg(10, { dl: 128 }), attr(1, ip('2001:db8::1')))),
    step(RTM.RTM_NEWROUTE, NEW, concat(rtmsg(10, { dl: 64, type: 6 }), attr(1, ip('2001:db8::')), attr(5, ip('fe80::1')), attrU32(4, 1))),
    step(RTM.RTM_GETROUTE, REQ | NLM_F_DUMP, rtmsg(10, { table: 0, proto: 0, type: 0 })),
    step(RTM.RTM_GETROUTE, REQ, concat(rtmsg(10, { dl: 128, table: 0, proto: 0, type: 0 }), attr(1, ip('10.0.0.1')))),
  ], GROUPS],
  ['neighbours: get without a device, delete ignoring other attributes, short headers, a non-strict dump keeps its message', [
    step(RTM.RTM_GETNEIGH, ACK, concat(ndm(2), attr(0, new Uint8Array(0)))),
    step(RTM.RTM_DELNEIGH, ACK, concat(ndm(10, 1), attr(16, u16(0)))),
    step(RTM.RTM_DELNEIGH, ACK, Uint8Array.of(2)),
    step(RTM.RTM_GETNEIGH, REQ | 0x100, concat(ndm(2, 1), attr(17, Uint8Array.of(0)))),
  ], GROUPS],
  ['addresses: a local 0.0.0.0, lifetimes before the device, an existing IPv6 address before the prefix length, IPv6 get', [
    up(1),
    step(RTM.RTM_NEWADDR, NEW, concat(ifa(2, 0, 0), attr(2, ip('0.0.0.0')), attr(1, ip('10.1.0.0')))),
    step(RTM.RTM_NEWADDR, NEW, concat(ifa(2, 0, 0), attr(2, ip('10.0.0.1')), cacheinfo(30, 1))),
    step(RTM.RTM_NEWADDR, NEW, concat(ifa(10, 0, 99), attr(1, ip('2001:db8::1')), cacheinfo(30, 1))),
    step(RTM.RTM_NEWADDR, NEW, concat(ifa(10, 129, 99), attr(1, ip('2001:db8::1')))),
    step(RTM.RTM_NEWADDR, NEW, concat(ifa(10, 129, 1), attr(1, ip('::1')))),
    step(RTM.RTM_DELADDR, ACK, concat(ifa(10, 0, 0), attr(1, ip('2001:db8::1')))),
    step(RTM.RTM_GETADDR, ACK, ifa(10, 0, 1)),
    step(RTM.RTM_GETADDR, ACK, concat(ifa(10, 0, 9), attr(1, ip('::1')))),
    step(RTM.RTM_GETADDR, ACK, concat(ifa(10, 0, 0), attr(1, ip('::2')))),
  ], GROUPS],
  ['links: netns attributes, a pid of no process, lo into a bridge, PF_BRIDGE dellink, bulk MDB delete', [
    step(RTM.RTM_NEWLINK, NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b0'), attr(IFLA.IFLA_ADDRESS, Uint8Array.of(2, 0, 0, 0, 0, 0x30)), attr(IFLA.IFLA_LINKINFO, attrString(1, 'bridge')))),
    step(RTM.RTM_GETLINK, REQ, ifinfo({ index: 1 }, attrU32(IFLA.IFLA_NET_NS_PID, 1))),
    step(RTM.RTM_NEWLINK, ACK, ifinfo({}, attrU32(IFLA.IFLA_NET_NS_PID, 0))),
    step(RTM.RTM_SETLINK, ACK, ifinfo({ index: 1 }, attrU32(IFLA.IFLA_MASTER, 2))),
    step(RTM.RTM_DELLINK, ACK, ifinfo({ family: 7, index: 0 })),
    step(RTM.RTM_DELLINK, ACK, ifinfo({ family: 7, index: 2 })),
    step(RTM.RTM_DELMDB, ACK | 0x200, concat(Uint8Array.of(7, 0, 0, 0), u32(2))),
    createLink('v0', 'veth', attrU32(IFLA.IFLA_GSO_MAX_SIZE, 100)),
  ], GROUPS],
]);
