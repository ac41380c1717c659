/** struct ifinfomsg: the family header of every link message (linux/rtnetlink.h). */
import { HOST_LE, viewOf } from '../../sim/wire/header.js';
import { IFINFOMSG_LEN } from './uapi.js';

/** IfInfoMsg is struct ifinfomsg decoded. */
export interface IfInfoMsg {
  family: number;
  /** __ifi_pad: must be 0 in strict requests. */
  pad: number;
  /** ifi_type: ARPHRD_*. */
  type: number;
  index: number;
  flags: number;
  change: number;
}

/** decodeIfInfoMsg reads an ifinfomsg at `offset` (the caller checked the length). */
export function decodeIfInfoMsg(buf: Uint8Array, offset = 0): IfInfoMsg {
  const v = viewOf(buf);
  return {
    family: buf[offset]!,
    pad: buf[offset + 1]!,
    type: v.getUint16(offset + 2, HOST_LE),
    index: v.getInt32(offset + 4, HOST_LE),
    flags: v.getUint32(offset + 8, HOST_LE),
    change: v.getUint32(offset + 12, HOST_LE),
  };
}

/** encodeIfInfoMsg returns the 16 bytes of `m`. */
export function encodeIfInfoMsg(m: Partial<IfInfoMsg>): Uint8Array {
  const out = new Uint8Array(IFINFOMSG_LEN);
  const v = viewOf(out);
  out[0] = m.family ?? 0;
  out[1] = m.pad ?? 0;
  v.setUint16(2, m.type ?? 0, HOST_LE);
  v.setInt32(4, m.index ?? 0, HOST_LE);
  v.setUint32(8, (m.flags ?? 0) >>> 0, HOST_LE);
  v.setUint32(12, (m.change ?? 0) >>> 0, HOST_LE);
  return out;
}
