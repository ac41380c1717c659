/**
 * Request/answer round trips, one at a time as a client waits for each answer: a
 * NETLINK_ROUTE request of an unknown type (200 > RTM_MAX) answered by NLMSG_ERROR
 * EOPNOTSUPP, and nlctrl CTRL_CMD_GETFAMILY by name answered by the family's description.
 */
import { CTRL_ATTR, CTRL_CMD, GENL_ID_CTRL } from '../../protocols/generic/uapi.js';
import { NETLINK_GENERIC, NETLINK_ROUTE, NLM_F_REQUEST, NLMSG_ERROR, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { AttrWriter } from '../../sim/wire/attr-writer.js';
import { encodeMessage, readU16, readU32, writeU32 } from '../../sim/wire/header.js';
import type { NetlinkSocket } from '../../sim/socket-api.js';
import type { Workload } from '../harness.js';
import { check, expectEmpty } from './common.js';

const EOPNOTSUPP = -95;
/** An answer's nlmsg_type and nlmsg_seq sit at these offsets of the datagram. */
const TYPE = 4;
const SEQ = 8;

/**
 * roundTrips sends `request` and receives one answer, `n` times, checking each answer's
 * type and that it answers this request's seq (rewritten in place each time).
 */
function roundTrips(sock: NetlinkSocket, request: Uint8Array, n: number, expect: (answer: Uint8Array) => boolean): number {
  for (let i = 0; i < n; i++) {
    const seq = (readU32(request, SEQ) + 1) >>> 0;
    writeU32(request, SEQ, seq);
    sock.send(request);
    const answer = sock.recvmsg({ bufferSize: 8192 }).data;
    check(readU32(answer, SEQ) === seq && expect(answer), () => `answer ${i} to seq ${seq}: type ${readU16(answer, TYPE)}, seq ${readU32(answer, SEQ)}`);
  }
  expectEmpty(sock, n);
  return n;
}

/** rtnlErrorWorkload: ROUTE type 200 → NLMSG_ERROR EOPNOTSUPP. */
export function rtnlErrorWorkload(batch: number): Workload {
  return {
    name: 'route request → EOPNOTSUPP ack',
    unit: 'round trips/s',
    target: 'sim ≥ 3× kernel',
    prepare(backend, scale) {
      const n = scale === 'tiny' ? 3 : batch;
      const sock = backend.sockets.socket(SOCK_RAW, NETLINK_ROUTE);
      sock.bind({ pid: 0, groups: 0 });
      // struct rtgenmsg (1 byte, padded): rtnetlink_rcv_msg() rejects the type before reading it.
      const request = encodeMessage({ type: 200, flags: NLM_F_REQUEST, seq: 0, pid: 0 }, new Uint8Array(4));
      const isError = (a: Uint8Array) => readU16(a, TYPE) === NLMSG_ERROR && readU32(a, 16) === EOPNOTSUPP >>> 0;
      return {
        step: () => roundTrips(sock, request, n, isError),
        close: () => sock.close(),
      };
    },
  };
}

/** genlGetFamilyWorkload: nlctrl GETFAMILY with CTRL_ATTR_FAMILY_NAME "nlctrl". */
export function genlGetFamilyWorkload(batch: number): Workload {
  return {
    name: 'nlctrl GETFAMILY by name',
    unit: 'round trips/s',
    target: 'sim ≥ 3× kernel',
    prepare(backend, scale) {
      const n = scale === 'tiny' ? 3 : batch;
      const sock = backend.sockets.socket(SOCK_RAW, NETLINK_GENERIC);
      sock.bind({ pid: 0, groups: 0 });
      const w = new AttrWriter();
      w.raw(new Uint8Array([CTRL_CMD.CTRL_CMD_GETFAMILY, 1, 0, 0])); // struct genlmsghdr
      w.string(CTRL_ATTR.CTRL_ATTR_FAMILY_NAME, 'nlctrl');
      const request = encodeMessage({ type: GENL_ID_CTRL, flags: NLM_F_REQUEST, seq: 0, pid: 0 }, w.finish());
      const isFamily = (a: Uint8Array) => readU16(a, TYPE) === GENL_ID_CTRL && a[16] === CTRL_CMD.CTRL_CMD_NEWFAMILY;
      return {
        step: () => roundTrips(sock, request, n, isFamily),
        close: () => sock.close(),
      };
    },
  };
}
