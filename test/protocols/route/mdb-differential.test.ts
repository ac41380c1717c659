/**
 * The bridge multicast database over rtnetlink, simulator against Linux: PF_BRIDGE
 * RTM_GETMDB dumps (one message per bridge, empty while the bridge is down) with their
 * strict checks, and the errors of RTM_GETMDB / RTM_NEWMDB / RTM_DELMDB requests up to the
 * device's MDB operations.
 */
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { attr, concat } from '../../helpers/exchange.js';
import { createLink, group } from './rt-steps.js';
import { ACK, describeRequests, DUMP, REQ, step, u32 } from './request-scenarios.js';

const bpm = (ifindex: number, family = 7) => concat(Uint8Array.of(family, 0, 0, 0), u32(ifindex));
const entry = (len: number) => attr(1, new Uint8Array(len));
/** mdbEntry is struct br_mdb_entry: ifindex, state, flags, vid, the group (16 bytes) and its protocol (big-endian). */
function mdbEntry(ifindex: number, proto: number, group: number[], state = 0, vid = 0): Uint8Array {
  const e = new Uint8Array(28);
  const v = new DataView(e.buffer);
  v.setUint32(0, ifindex, true);
  e[4] = state;
  v.setUint16(6, vid, true);
  e.set(group, 8);
  v.setUint16(24, proto, false);
  return e;
}
const dumps = [bpm(0), Uint8Array.of(7), bpm(1), concat(bpm(0), entry(4)), bpm(0, 0), Uint8Array.of(7, 1, 0, 0, 0, 0, 0, 0)].map((p) => step(RTM.RTM_GETMDB, DUMP, p));
const requests = [
  bpm(0), bpm(1), bpm(99), concat(bpm(1), entry(28)), concat(bpm(1), entry(40)), concat(bpm(1), entry(20)), concat(bpm(0), entry(28)), concat(bpm(99), entry(28)),
  concat(bpm(1), attr(2, new Uint8Array(4))), concat(bpm(1), attr(5, new Uint8Array(4))), Uint8Array.of(7, 0, 0, 0),
  concat(bpm(1), attr(1, mdbEntry(1, 0, [0x02]))), concat(bpm(1), attr(1, mdbEntry(1, 0, [0x01, 0, 0x5e, 0, 0, 1]))), concat(bpm(1), attr(1, mdbEntry(1, 0x0800, [10, 0, 0, 1]))),
  concat(bpm(1), attr(1, mdbEntry(1, 0x0800, [224, 0, 0, 5]))), concat(bpm(1), attr(1, mdbEntry(1, 0x0800, [239, 1, 1, 1]))), concat(bpm(1), attr(1, mdbEntry(1, 0x86dd, [0xff, 2, ...new Array<number>(13).fill(0), 1]))),
  concat(bpm(1), attr(1, mdbEntry(1, 0x1234, [0]))), concat(bpm(1), attr(1, mdbEntry(1, 0x0800, [239, 1, 1, 1], 2))), concat(bpm(1), attr(1, mdbEntry(1, 0x0800, [239, 1, 1, 1], 0, 4095))),
  ...[[0, [0x02]], [0, [0x01, 0, 0x5e, 0, 0, 1]], [0x0800, [10, 0, 0, 1]], [0x0800, [224, 0, 0, 5]], [0x0800, [0, 0, 0, 0]], [0x86dd, [0xff, 2, ...new Array<number>(13).fill(0), 1]],
    [0x86dd, [0xfe, 0x80]], [0x1234, [0]]].map(([proto, group]) => concat(bpm(1), attr(1, mdbEntry(0, proto as number, group as number[])))),
  concat(bpm(1), attr(1, mdbEntry(0, 0x0800, [239, 1, 1, 1], 2))), concat(bpm(1), attr(1, mdbEntry(0, 0x1234, [239, 1, 1, 1], 0, 4095))), concat(bpm(1), attr(1, mdbEntry(0, 0x0800, [239, 1, 1, 1], 0, 4095))),
].flatMap((p) => [step(RTM.RTM_GETMDB, REQ, p), step(RTM.RTM_NEWMDB, ACK, p), step(RTM.RTM_DELMDB, ACK, p)]);

describeRequests('RTM_*MDB: simulator and Linux, message for message', [
  ['mdb without bridges', [...dumps, ...requests], group(RTNLGRP.RTNLGRP_MDB)],
  ['mdb with two bridges that are down and a veth', [createLink('br0', 'bridge'), createLink('v0', 'veth'), createLink('br1', 'bridge'), ...dumps,
    step(RTM.RTM_GETMDB, REQ, bpm(2)), step(RTM.RTM_GETMDB, REQ, concat(bpm(3), entry(28))), step(RTM.RTM_NEWMDB, ACK, concat(bpm(3), entry(28))), step(RTM.RTM_DELMDB, ACK, bpm(5))], group(RTNLGRP.RTNLGRP_MDB)],
]);
