/** struct rtmsg: the family header of route messages (linux/rtnetlink.h). */
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { RTMSG_LEN } from './uapi.js';

/** RtMsg is struct rtmsg decoded. */
export interface RtMsg {
  family: number;
  dstLen: number;
  srcLen: number;
  tos: number;
  /** rtm_table: the table id when below 256, else RT_TABLE_UNSPEC with RTA_TABLE. */
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
}

/** decodeRtMsg reads an rtmsg at `offset` (the caller checked the length). */
export function decodeRtMsg(buf: Uint8Array, offset = 0): RtMsg {
  return {
    family: buf[offset]!,
    dstLen: buf[offset + 1]!,
    srcLen: buf[offset + 2]!,
    tos: buf[offset + 3]!,
    table: buf[offset + 4]!,
    protocol: buf[offset + 5]!,
    scope: buf[offset + 6]!,
    type: buf[offset + 7]!,
    flags: viewOf(buf).getUint32(offset + 8, HOST_LE),
  };
}

/** encodeRtMsg returns the 12 bytes of `m`. */
export function encodeRtMsg(m: Partial<RtMsg>): Uint8Array {
  const out = new Uint8Array(RTMSG_LEN);
  out[0] = m.family ?? 0;
  out[1] = m.dstLen ?? 0;
  out[2] = m.srcLen ?? 0;
  out[3] = m.tos ?? 0;
  out[4] = m.table ?? 0;
  out[5] = m.protocol ?? 0;
  out[6] = m.scope ?? 0;
  out[7] = m.type ?? 0;
  viewOf(out).setUint32(8, (m.flags ?? 0) >>> 0, HOST_LE);
  return out;
}
