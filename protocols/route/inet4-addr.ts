/** struct in_ifaddr and inet_fill_ifaddr(): one IPv4 address and its RTM_NEWADDR body. */
import type { AttrWriter } from '../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../sim/wire/header.js';
import type { NetDevice } from './device.js';
import { ipv4Bytes } from './ipv4.js';
import { AF_INET, IFA, IFA_F } from './uapi.js';

/** InAddr is one IPv4 address of a device (struct in_ifaddr). */
export interface InAddr {
  readonly dev: NetDevice;
  local: number;
  /** ifa_address: the peer address, or the local one. */
  address: number;
  prefixlen: number;
  mask: number;
  broadcast: number;
  scope: number;
  /** IFA_F_* (32 bits). */
  flags: number;
  label: string;
  /** Lifetimes in seconds (0xffffffff: forever), counted from tstamp. */
  validLft: number;
  preferredLft: number;
  /** Creation and last-change time, centiseconds since boot. */
  cstamp: number;
  tstamp: number;
  rtPriority: number;
  /** IFA_PROTO (0: not set). */
  proto: number;
}

/** INET_NLMSG_SIZE stands for nlmsg_new(inet_nlmsg_size()). */
export const INET_NLMSG_SIZE = 16 + 96;

/** cacheinfo lays out struct ifa_cacheinfo. */
export function cacheinfo(preferred: number, valid: number, cstamp: number, tstamp: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = viewOf(b);
  v.setUint32(0, preferred >>> 0, HOST_LE);
  v.setUint32(4, valid >>> 0, HOST_LE);
  v.setUint32(8, cstamp >>> 0, HOST_LE);
  v.setUint32(12, tstamp >>> 0, HOST_LE);
  return b;
}

/** remaining mirrors inet_fill_ifaddr()'s lifetime arithmetic: seconds left, or forever. */
export function remaining(lft: number, tstampCs: number, nowCs: number): number {
  if (lft === 0xffffffff) return lft;
  const elapsed = Math.floor((nowCs - tstampCs) / 100);
  return lft > elapsed ? lft - elapsed : 0;
}

/** fillInAddr mirrors inet_fill_ifaddr() (the body after nlmsghdr). */
export function fillInAddr(w: AttrWriter, ifa: InAddr, nowCs: number): void {
  const h = new Uint8Array(8);
  h[0] = AF_INET;
  h[1] = ifa.prefixlen;
  h[2] = ifa.flags & 0xff;
  h[3] = ifa.scope;
  viewOf(h).setUint32(4, ifa.dev.ifindex, HOST_LE);
  w.raw(h);
  let preferred = 0xffffffff;
  let valid = 0xffffffff;
  if (!(ifa.flags & IFA_F.IFA_F_PERMANENT)) {
    preferred = remaining(ifa.preferredLft, ifa.tstamp, nowCs);
    valid = remaining(ifa.validLft, ifa.tstamp, nowCs);
  }
  if (ifa.address) w.bytes(IFA.IFA_ADDRESS, ipv4Bytes(ifa.address));
  if (ifa.local) w.bytes(IFA.IFA_LOCAL, ipv4Bytes(ifa.local));
  if (ifa.broadcast) w.bytes(IFA.IFA_BROADCAST, ipv4Bytes(ifa.broadcast));
  if (ifa.label) w.string(IFA.IFA_LABEL, ifa.label);
  if (ifa.proto) w.u8(IFA.IFA_PROTO, ifa.proto);
  w.u32(IFA.IFA_FLAGS, ifa.flags);
  if (ifa.rtPriority) w.u32(IFA.IFA_RT_PRIORITY, ifa.rtPriority);
  w.bytes(IFA.IFA_CACHEINFO, cacheinfo(preferred, valid, ifa.cstamp, ifa.tstamp));
}
