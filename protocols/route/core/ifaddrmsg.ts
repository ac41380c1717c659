/** struct ifaddrmsg: the family header of address messages (linux/if_addr.h). */
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { IFADDRMSG_LEN } from './uapi.js';

/** IfAddrMsg is struct ifaddrmsg decoded. */
export interface IfAddrMsg {
  family: number;
  prefixlen: number;
  /** ifa_flags: the low 8 bits of IFA_F_* (IFA_FLAGS carries all 32). */
  flags: number;
  scope: number;
  index: number;
}

/** decodeIfAddrMsg reads an ifaddrmsg at `offset` (the caller checked the length). */
export function decodeIfAddrMsg(buf: Uint8Array, offset = 0): IfAddrMsg {
  return {
    family: buf[offset]!,
    prefixlen: buf[offset + 1]!,
    flags: buf[offset + 2]!,
    scope: buf[offset + 3]!,
    index: viewOf(buf).getUint32(offset + 4, HOST_LE),
  };
}

/** encodeIfAddrMsg returns the 8 bytes of `m`. */
export function encodeIfAddrMsg(m: Partial<IfAddrMsg>): Uint8Array {
  const out = new Uint8Array(IFADDRMSG_LEN);
  out[0] = m.family ?? 0;
  out[1] = m.prefixlen ?? 0;
  out[2] = m.flags ?? 0;
  out[3] = m.scope ?? 0;
  viewOf(out).setUint32(4, (m.index ?? 0) >>> 0, HOST_LE);
  return out;
}
