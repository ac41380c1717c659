/**
 * Nexthop objects, simulator against Linux, in a namespace without any: RTM_GETNEXTHOP and
 * RTM_GETNEXTHOPBUCKET dumps and lookups, RTM_DELNEXTHOP, with every header and attribute
 * error and its extended ACK (nexthop.c parses strictly whatever the socket asked).
 */
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { group } from './rt-steps.js';
import { ACK, describeRequests, DUMP, REQ, step, u32 } from './request-scenarios.js';

const nhm = (fam = 0, scope = 0, proto = 0, resvd = 0, flags = 0) => concat(Uint8Array.of(fam, scope, proto, resvd), u32(flags));
const NESTED = 0x8000;
const G = RTM.RTM_GETNEXTHOP;
const GB = RTM.RTM_GETNEXTHOPBUCKET;
const bucket = (...attrs: Uint8Array[]) => attr(13 | NESTED, concat(...attrs));

const dumps = [
  nhm(), nhm(2), nhm(10), nhm(7), nhm(0, 1), nhm(0, 0, 1), nhm(0, 0, 0, 1), nhm(0, 0, 0, 0, 1), Uint8Array.of(0), new Uint8Array(0),
  concat(nhm(), attrU32(5, 1)), concat(nhm(), attrU32(5, 99)), concat(nhm(), attrU32(5, 0x80000000)), concat(nhm(), attrU32(10, 1)),
  concat(nhm(), attrU32(10, 0x80000000)), concat(nhm(), attr(9, new Uint8Array())), concat(nhm(), attr(11, new Uint8Array())), concat(nhm(), attrU32(1, 1)),
  concat(nhm(), attrU32(14, 1)), concat(nhm(), attrU32(14, 0xffffffff)), concat(nhm(), attrU32(30, 1)), concat(nhm(), attr(5, Uint8Array.of(1))),
  concat(nhm(0, 1), attrU32(5, 0x80000000)),
].map((p) => step(G, DUMP, p));
const gets = [
  nhm(), concat(nhm(), attrU32(1, 1)), concat(nhm(), attrU32(1, 0)), concat(nhm(2), attrU32(1, 1)), concat(nhm(0, 1), attrU32(1, 1)),
  concat(nhm(), attrU32(1, 1), attrU32(5, 1)), Uint8Array.of(0), concat(nhm(), attrU32(14, 1), attrU32(1, 1)), concat(nhm(), attrU32(14, 8), attrU32(1, 1)),
  concat(nhm(0, 0, 0, 0, 4), attrU32(1, 0)),
].flatMap((p) => [step(G, REQ, p), step(RTM.RTM_DELNEXTHOP, ACK, p)]);
const buckets = [
  step(GB, DUMP, nhm()), step(GB, DUMP, concat(nhm(), attrU32(1, 1))), step(GB, DUMP, concat(nhm(), attrU32(1, 0))), step(GB, DUMP, nhm(2)),
  step(GB, DUMP, concat(nhm(), attrU32(5, 1))), step(GB, DUMP, concat(nhm(), attr(13, attrU32(3, 1)))), step(GB, DUMP, concat(nhm(), bucket(attrU32(3, 1)))),
  step(GB, DUMP, concat(nhm(), bucket(attrU32(3, 0)))), step(GB, DUMP, concat(nhm(), bucket(attrU32(4, 0)))), step(GB, DUMP, concat(nhm(), bucket(attrU32(1, 0)))),
  step(GB, DUMP, nhm(0, 1)),
  step(GB, DUMP, concat(nhm(0, 1), attrU32(1, 1))), step(GB, DUMP, concat(nhm(), attrU32(9, 1))), step(GB, DUMP, concat(nhm(0, 1), attrU32(1, 0))),
  step(GB, REQ, nhm()), step(GB, REQ, concat(nhm(), attrU32(1, 1))), step(GB, REQ, concat(nhm(), attrU32(1, 1), attr(13, attrU32(2, 0)))),
  step(GB, REQ, concat(nhm(), attrU32(1, 1), bucket(attrU32(1, 0)))), step(GB, REQ, concat(nhm(), attrU32(1, 1), bucket(attrU32(3, 1)))),
  step(GB, REQ, concat(nhm(), bucket(attr(1, Uint8Array.of(0, 0))))), step(GB, REQ, concat(nhm(), attrU32(1, 1), bucket(attr(1, Uint8Array.of(0, 0))))),
  step(GB, REQ, concat(nhm(), attrU32(1, 1), bucket(attr(2, Uint8Array.of(0, 0))))),
];

describeRequests('RTM_*NEXTHOP: simulator and Linux, message for message', [
  ['nexthop dumps', dumps, group(RTNLGRP.RTNLGRP_NEXTHOP)],
  ['nexthop get and delete', gets, group(RTNLGRP.RTNLGRP_NEXTHOP)],
  ['nexthop bucket dumps and gets', buckets, group(RTNLGRP.RTNLGRP_NEXTHOP)],
]);
