/**
 * Proxy neighbour entries, simulator against Linux: dumps with ndm_flags NTF_PROXY
 * (pneigh_dump_table(), in hash-bucket order) in every family with their filters, RTM_GETNEIGH
 * lookups of proxy entries (and of ordinary ones without a device or an address), entries
 * added, replaced and deleted without notifications, and dropped when their device goes down
 * (not when it loses its carrier) or away.
 */
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { createLink, down, group, NEW, up } from './rt-steps.js';
import { ACK, describeRequests, DUMP, REQ, step, u16, u32 } from './request-scenarios.js';

const ndm = (fam: number, flags = 0, ifindex = 0, state = 0) => concat(Uint8Array.of(fam, 0, 0, 0), u32(ifindex), u16(state), Uint8Array.of(flags, 0));
const v4 = Uint8Array.of(10, 0, 0, 1);
const genModeNone = (index: number) => step(RTM.RTM_SETLINK, ACK, concat(Uint8Array.of(0, 0, 0, 0), u32(index), new Uint8Array(8), attr(26, attr(10, attr(8, Uint8Array.of(1))))));
const v6 = (last: number) => Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), last);

describeRequests('RTM_GETNEIGH NTF_PROXY: simulator and Linux, message for message', [
  ['proxy neighbour dumps and lookups', [
    createLink('v0', 'veth'),
    ...[ndm(2, 8), ndm(10, 8), ndm(0, 8), ndm(2, 8, 1), ndm(2, 9), concat(ndm(2, 8), attrU32(8, 1)), concat(ndm(2, 8), attrU32(9, 1)), concat(ndm(2, 8), attrU32(2, 1)),
      concat(ndm(2, 8), attrU32(8, 99))].map((p) => step(RTM.RTM_GETNEIGH, DUMP, p)),
    ...[concat(ndm(2, 8, 1), attr(1, v4)), concat(ndm(2, 8, 0), attr(1, v4)), concat(ndm(10, 8, 2), attr(1, new Uint8Array(16))), ndm(2, 8, 1), concat(ndm(2, 8, 99), attr(1, v4)),
      concat(ndm(2, 9, 1), attr(1, v4)), ndm(2, 0, 1), ndm(2, 0, 0), ndm(2, 8, 0), concat(ndm(2, 0, 0), attr(1, v4)), concat(ndm(2, 0, 1), attr(1, v4))].map((p) => step(RTM.RTM_GETNEIGH, REQ, p)),
  ], group(RTNLGRP.RTNLGRP_NEIGH)],
  ['proxy entries added, looked up, deleted, and dropped with their device', [
    // addrgenmode none on both ends: no link-local DAD or MLD, whose ND entries come and go on timers.
    createLink('v0', 'veth'), genModeNone(2), genModeNone(3),
    ...[1, 2, 3, 4, 17, 33, 200].map((d) => step(RTM.RTM_NEWNEIGH, NEW, concat(ndm(2, 8, d === 2 ? 0 : 2, 0x80), attr(1, Uint8Array.of(10, 0, 0, d))))),
    step(RTM.RTM_NEWNEIGH, NEW, concat(ndm(2, 8, 2, 0x80), attr(1, Uint8Array.of(10, 0, 0, 1)))), step(RTM.RTM_NEWNEIGH, NEW, concat(ndm(2, 8 | 0x80, 2), attr(1, Uint8Array.of(10, 0, 0, 3)), attr(12, Uint8Array.of(4)))),
    step(RTM.RTM_NEWNEIGH, NEW, concat(ndm(10, 8, 3), attr(1, v6(1)))), step(RTM.RTM_NEWNEIGH, NEW, concat(ndm(10, 8, 0), attr(1, v6(2)))), step(RTM.RTM_NEWNEIGH, NEW, concat(ndm(10, 8, 1), attr(1, v6(3)))),
    step(RTM.RTM_NEWNEIGH, NEW, concat(ndm(2, 8, 99), attr(1, v4))), step(RTM.RTM_NEWNEIGH, NEW, concat(ndm(2, 8, 2), attr(1, Uint8Array.of(10, 0))), ),
    ...[ndm(2, 8), ndm(10, 8), ndm(0, 8), concat(ndm(0, 8), attrU32(8, 2)), concat(ndm(0, 8), attrU32(8, 3))].map((p) => step(RTM.RTM_GETNEIGH, DUMP, p)),
    ...[concat(ndm(2, 8, 2), attr(1, Uint8Array.of(10, 0, 0, 2))), concat(ndm(2, 8, 0), attr(1, Uint8Array.of(10, 0, 0, 1))), concat(ndm(2, 8, 2), attr(1, Uint8Array.of(10, 0, 0, 3))),
      concat(ndm(10, 8, 3), attr(1, v6(1)))].map((p) => step(RTM.RTM_GETNEIGH, REQ, p)),
    step(RTM.RTM_DELNEIGH, ACK, concat(ndm(2, 8, 2), attr(1, Uint8Array.of(10, 0, 0, 1)))), step(RTM.RTM_DELNEIGH, ACK, concat(ndm(2, 8, 2), attr(1, Uint8Array.of(10, 0, 0, 1)))),
    step(RTM.RTM_DELNEIGH, ACK, concat(ndm(2, 8, 2), attr(1, Uint8Array.of(10, 0, 0, 2)))), step(RTM.RTM_DELNEIGH, ACK, concat(ndm(2, 8, 0), attr(1, Uint8Array.of(10, 0, 0, 2)))),
    step(RTM.RTM_GETNEIGH, DUMP, ndm(0, 8)),
    up(3), step(RTM.RTM_GETNEIGH, DUMP, ndm(0, 8)), up(2), step(RTM.RTM_GETNEIGH, DUMP, ndm(0, 8)), down(3), step(RTM.RTM_GETNEIGH, DUMP, ndm(0, 8)),
    down(2), step(RTM.RTM_GETNEIGH, DUMP, ndm(0, 8)), step(RTM.RTM_DELLINK, ACK, concat(Uint8Array.of(0, 0, 0, 0), u32(3), new Uint8Array(8))), step(RTM.RTM_GETNEIGH, DUMP, ndm(0, 8)),
  ], group(RTNLGRP.RTNLGRP_NEIGH)],
]);
