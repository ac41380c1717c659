/**
 * Multicast routing over rtnetlink, simulator against Linux: RTNL_FAMILY_IPMR and
 * RTNL_FAMILY_IP6MR route dumps (empty default tables, table filters, strict header
 * checks), lookups, RTM_NEWROUTE / RTM_DELROUTE without VIFs, and ipmr's per-table
 * RTM_GETLINK dump. Both kernels are the host's build: on one without CONFIG_IP_MROUTE /
 * CONFIG_IPV6_MROUTE the same requests reach rtnetlink_rcv_msg()'s AF_UNSPEC fallback
 * (rtnl_dump_all(), EOPNOTSUPP) on both; the build the host is not is checked against Linux's
 * recordings (test/captures/kernel-builds.test.ts).
 */
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { group } from './rt-steps.js';
import { ACK, describeRequests, DUMP, REQ, step, u32 } from './request-scenarios.js';

interface R { dst?: number; src?: number; tos?: number; table?: number; proto?: number; scope?: number; type?: number; flags?: number }
const rtm = (fam: number, o: R = {}) => concat(Uint8Array.of(fam, o.dst ?? 0, o.src ?? 0, o.tos ?? 0, o.table ?? 0, o.proto ?? 0, o.scope ?? 0, o.type ?? 0), u32(o.flags ?? 0));
const rtg = (f: number) => Uint8Array.of(f, 0, 0, 0);
const v4 = (...b: number[]) => Uint8Array.from(b);
const v6 = (first: number) => Uint8Array.of(first, 2, ...new Array<number>(13).fill(0), 1);
const GROUPS = group(RTNLGRP.RTNLGRP_IPV4_MROUTE) | group(RTNLGRP.RTNLGRP_IPV6_MROUTE);
const ifi = (fam: number, ...rest: number[]) => concat(rtg(fam), new Uint8Array(12).map((_, i) => rest[i] ?? 0));

describeRequests('RTNL_FAMILY_IPMR / IP6MR: simulator and Linux, message for message', [
  ['multicast route dumps', [
    rtm(128), rtm(129), rtg(128), rtg(129), rtm(128, { table: 253 }), rtm(128, { table: 252 }), rtm(128, { table: 5 }), rtm(129, { table: 5 }), rtm(129, { table: 254 }),
    rtm(128, { scope: 1 }), rtm(129, { dst: 128 }), rtm(128, { flags: 0x800 }), rtm(128, { flags: 0x200 }), rtm(128, { flags: 1 }), rtm(128, { proto: 4 }),
    concat(rtm(128), attrU32(15, 253)), concat(rtm(128), attrU32(15, 5)), concat(rtm(129), attrU32(15, 5)), concat(rtm(129), attrU32(15, 254)), concat(rtm(129), attrU32(15, 253)),
    concat(rtm(128), attrU32(4, 1)), concat(rtm(128), attrU32(4, 77)), concat(rtm(129), attrU32(1, 0)), concat(rtm(0), attrU32(15, 5)), rtm(0, { table: 5 }),
  ].map((p) => step(RTM.RTM_GETROUTE, DUMP, p)), GROUPS],
  ['multicast route lookups', [
    rtm(128), concat(rtm(128, { dst: 32, src: 32 }), attr(1, v4(239, 1, 1, 1)), attr(2, v4(10, 0, 0, 1))), concat(rtm(128, { dst: 32 }), attr(1, v4(239, 1, 1, 1)), attrU32(15, 5)),
    concat(rtm(128), attr(1, v4(239, 1, 1, 1))), rtm(128, { dst: 24 }), rtm(128, { scope: 1 }), concat(rtm(128, { dst: 32 }), attrU32(4, 1)), rtg(128),
    rtm(129), concat(rtm(129), attrU32(15, 254)), concat(rtm(129, { dst: 128 }), attr(1, v6(0xff))), concat(rtm(129), attr(1, v6(0xff))), rtm(129, { dst: 64 }),
    concat(rtm(129, { dst: 128 }), attrU32(4, 1)), rtg(129), rtm(129, { type: 5 }),
  ].map((p) => step(RTM.RTM_GETROUTE, REQ, p)), GROUPS],
  ['multicast cache entries without VIFs', [
    rtm(128), rtm(128, { type: 5 }), rtm(128, { type: 5, dst: 32, proto: 4 }), rtm(128, { type: 5, dst: 32, proto: 17 }), rtm(128, { type: 5, dst: 32, proto: 3 }),
    concat(rtm(128, { type: 5, dst: 32, src: 32, proto: 4 }), attr(1, v4(239, 1, 1, 1)), attr(2, v4(10, 0, 0, 1)), attrU32(3, 1)),
    concat(rtm(128, { type: 5, dst: 32, proto: 4 }), attrU32(3, 99)), concat(rtm(128, { type: 5, dst: 32, proto: 4 }), attrU32(15, 5)),
    concat(rtm(128, { type: 5, dst: 32, proto: 4 }), attr(9, new Uint8Array(8))), concat(rtm(128, { type: 5, dst: 32, proto: 4 }), attr(9, new Uint8Array(10))),
    concat(rtm(128, { type: 5, dst: 32, proto: 4, scope: 200 })), rtm(129, { type: 5, dst: 128, proto: 4 }), rtg(128),
  ].flatMap((p) => [step(RTM.RTM_NEWROUTE, ACK, p), step(RTM.RTM_DELROUTE, ACK, p)]), GROUPS],
  ['ipmr link dumps', [
    ifi(128), ifi(129), rtg(128), ifi(128, 0, 1), ifi(128, 0, 0, 0, 1), ifi(128, 0, 0, 0, 0, 0, 0, 0, 0, 1), concat(ifi(128), attrU32(3, 1)), ifi(0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
  ].map((p) => step(RTM.RTM_GETLINK, DUMP, p)).concat([step(RTM.RTM_GETLINK, REQ, ifi(128))]), GROUPS],
]);
