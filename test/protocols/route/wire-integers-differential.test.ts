/**
 * Integers at the edge of their wire type, and objects that share one route, simulator against
 * Linux: the inputs that the route fuzzer (route-fuzz.test.ts) first found escaping as
 * exceptions. A u32 that Linux stores whatever its value (IFA_FLAGS with the top bit set) comes
 * back unchanged in replies, notifications and dumps; an index above INT_MAX is refused where
 * Linux refuses it (dev_index_reserve(): EINVAL); two addresses whose broadcast route is the
 * same go down together without breaking the local table.
 */
import { IFA, IFLA, RTM, RTNLGRP, VETH_INFO_PEER } from '../../../protocols/route/core/uapi.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { ifinfo } from './route-backend.js';
import { ADDR_ROUTE_GROUPS, addAddr, down, dumpAddr, dumpRoute, group, ip, NEW, up } from './rt-steps.js';
import { describeRequests, step } from './request-scenarios.js';

const peer = (a: string) => attr(IFA.IFA_ADDRESS, ip(a));
const brd = (a: string) => attr(IFA.IFA_BROADCAST, ip(a));
const veth = (name: string, peerIndex: number, index = 0) =>
  step(RTM.RTM_NEWLINK, NEW, ifinfo({ index }, attrString(IFLA.IFLA_IFNAME, name),
    attr(IFLA.IFLA_LINKINFO, concat(attrString(1, 'veth'), attr(2, attr(VETH_INFO_PEER, ifinfo({ index: peerIndex }, attrString(IFLA.IFLA_IFNAME, `${name}p`))))))));
const GROUPS = ADDR_ROUTE_GROUPS | group(RTNLGRP.RTNLGRP_LINK);

describeRequests('wire integers and shared routes: simulator and Linux, message for message', [
  ['IFA_FLAGS keeps every u32 (the top bit, all bits) through notifications and dumps; IFA_F_MCAUTOJOIN of a unicast address fails', [
    up(1),
    addAddr(1, '10.9.9.9/32', {}, attrU32(IFA.IFA_FLAGS, 0x80000000)),
    addAddr(1, '10.9.9.10/32', {}, attrU32(IFA.IFA_FLAGS, 0xffffffff)),
    // Every bit but IFA_F_MCAUTOJOIN, which asks to join the (unicast) address as a group.
    addAddr(1, '10.9.9.11/32', {}, attrU32(IFA.IFA_FLAGS, 0xfffffbff)),
    addAddr(1, '10.9.9.12/24', { flags: 0xff }),
    addAddr(1, '2001:db8::9/128', {}, attrU32(IFA.IFA_FLAGS, 0x80000002)),
    dumpAddr(2), dumpAddr(10), dumpAddr(0),
  ], GROUPS],
  ['two peer addresses with one explicit broadcast: both go when lo goes down', [
    up(1),
    addAddr(1, '10.3.0.0/32', {}, peer('10.1.0.0'), brd('10.1.3.4')),
    addAddr(1, '10.3.1.3/32', {}, peer('10.0.1.6'), brd('10.1.3.4')),
    dumpRoute(2), down(1), dumpRoute(2), dumpAddr(2), up(1), dumpRoute(2),
  ], GROUPS],
  ['an ifindex above INT_MAX, for a veth peer or the device itself, is EINVAL', [
    veth('v0', 0x80000001), veth('v1', 0xffffffff), veth('v2', 0, 0x80000001), veth('v3', 0x7fffffff),
  ], GROUPS],
]);
