/**
 * Namespace ids, simulator against Linux, in a fresh namespace that has given no peer an id:
 * RTM_GETNSID dumps (validated only with strict checking) and lookups by id and by a pid
 * that does not exist, RTM_NEWNSID's errors, and RTM_DELNSID (no handler on Linux).
 */
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { group } from './rt-steps.js';
import { ACK, describeRequests, DUMP, REQ, step } from './request-scenarios.js';

const rtg = (f: number) => Uint8Array.of(f, 0, 0, 0);
/** NOPID is far above pid_max: no process has it. */
const NOPID = 0x3fffff + 7;

describeRequests('RTM_*NSID: simulator and Linux, message for message', [
  ['nsid dumps', [
    rtg(0), Uint8Array.of(0), new Uint8Array(0), rtg(2), concat(rtg(0), attrU32(4, 5)), concat(rtg(0), attrU32(1, 5)), concat(rtg(0), attrU32(9, 5)),
    concat(rtg(0), attr(4, Uint8Array.of(1))), concat(rtg(0), attrU32(2, 1)), concat(rtg(0), attrU32(5, 1)),
  ].map((p) => step(RTM.RTM_GETNSID, DUMP, p)), group(RTNLGRP.RTNLGRP_NSID)],
  ['nsid lookups and new ids', [
    step(RTM.RTM_GETNSID, REQ, rtg(0)), step(RTM.RTM_GETNSID, REQ, concat(rtg(0), attrU32(1, 5))), step(RTM.RTM_GETNSID, ACK, concat(rtg(0), attrU32(1, 0xffffffff))),
    step(RTM.RTM_GETNSID, REQ, concat(rtg(0), attrU32(2, NOPID))), step(RTM.RTM_GETNSID, REQ, concat(rtg(0), attrU32(2, 0))),
    step(RTM.RTM_GETNSID, REQ, concat(rtg(0), attrU32(9, 1))), step(RTM.RTM_GETNSID, REQ, Uint8Array.of(0)), step(RTM.RTM_GETNSID, REQ, concat(rtg(0), attrU32(1, 5), attrU32(4, 3))),
    step(RTM.RTM_GETNSID, REQ, concat(rtg(0), attrU32(5, 1))), step(RTM.RTM_GETNSID, REQ, concat(rtg(0), attr(1, Uint8Array.of(1)))),
    step(RTM.RTM_GETNSID, REQ, concat(rtg(0), attrU32(4, 3))),
    step(RTM.RTM_NEWNSID, ACK, rtg(0)), step(RTM.RTM_NEWNSID, ACK, concat(rtg(0), attrU32(1, 5))), step(RTM.RTM_NEWNSID, ACK, concat(rtg(0), attrU32(1, 5), attrU32(2, NOPID))),
    step(RTM.RTM_NEWNSID, ACK, concat(rtg(0), attrU32(2, NOPID))), step(RTM.RTM_NEWNSID, ACK, concat(rtg(0), attrU32(1, 5), attrU32(9, 1))),
    step(RTM.RTM_DELNSID, ACK, concat(rtg(0), attrU32(1, 5))),
  ], group(RTNLGRP.RTNLGRP_NSID)],
]);
