/**
 * Proxy neighbour entries, simulator against Linux, with empty proxy tables: dumps with
 * ndm_flags NTF_PROXY (pneigh_dump_table()) in every family, with their filters, and
 * RTM_GETNEIGH lookups of proxy entries (and of ordinary ones without a device or an address).
 */
import { RTM, RTNLGRP } from '../../../protocols/route/uapi.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { createLink, group } from './rt-steps.js';
import { describeRequests, DUMP, REQ, step, u16, u32 } from './request-scenarios.js';

const ndm = (fam: number, flags = 0, ifindex = 0, state = 0) => concat(Uint8Array.of(fam, 0, 0, 0), u32(ifindex), u16(state), Uint8Array.of(flags, 0));
const v4 = Uint8Array.of(10, 0, 0, 1);

describeRequests('RTM_GETNEIGH NTF_PROXY: simulator and Linux, message for message', [
  ['proxy neighbour dumps and lookups', [
    createLink('v0', 'veth'),
    ...[ndm(2, 8), ndm(10, 8), ndm(0, 8), ndm(2, 8, 1), ndm(2, 9), concat(ndm(2, 8), attrU32(8, 1)), concat(ndm(2, 8), attrU32(9, 1)), concat(ndm(2, 8), attrU32(2, 1)),
      concat(ndm(2, 8), attrU32(8, 99))].map((p) => step(RTM.RTM_GETNEIGH, DUMP, p)),
    ...[concat(ndm(2, 8, 1), attr(1, v4)), concat(ndm(2, 8, 0), attr(1, v4)), concat(ndm(10, 8, 2), attr(1, new Uint8Array(16))), ndm(2, 8, 1), concat(ndm(2, 8, 99), attr(1, v4)),
      concat(ndm(2, 9, 1), attr(1, v4)), ndm(2, 0, 1), ndm(2, 0, 0), ndm(2, 8, 0), concat(ndm(2, 0, 0), attr(1, v4)), concat(ndm(2, 0, 1), attr(1, v4))].map((p) => step(RTM.RTM_GETNEIGH, REQ, p)),
  ], group(RTNLGRP.RTNLGRP_NEIGH)],
]);
