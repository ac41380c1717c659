/** struct ifinfomsg: the family header of every link message (linux/rtnetlink.h). */
import { HOST_LE, viewOf, writeU16, writeU32 } from '../../../sim/wire/header.js';
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
  // Byte stores rather than a DataView: this runs once per link in every RTM_NEWLINK.
  const out = new Uint8Array(IFINFOMSG_LEN);
  out[0] = m.family ?? 0;
  out[1] = m.pad ?? 0;
  writeU16(out, 2, m.type ?? 0);
  writeU32(out, 4, m.index ?? 0);
  writeU32(out, 8, m.flags ?? 0);
  writeU32(out, 12, m.change ?? 0);
  return out;
}
