/**
 * struct rtnexthop: the entries of RTA_MULTIPATH (linux/rtnetlink.h), read as the kernel
 * walks them (rtnh_ok(), rtnh_next(), rtnh_attrs(), nla_find()) and written as
 * fib_add_nexthop() puts them.
 */
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf, writeU16, writeU32 } from '../../../sim/wire/header.js';
import { AF_INET, AF_INET6, RTA } from '../core/uapi.js';

/** RTNH_LEN is sizeof(struct rtnexthop). */
export const RTNH_LEN = 8;

/** Rtnh is one struct rtnexthop with its attributes. */
export interface Rtnh {
  /** rtnh_len. */
  len: number;
  /** rtnh_flags (RTNH_F_*). */
  flags: number;
  /** rtnh_hops: the weight minus one. */
  hops: number;
  /** rtnh_ifindex. */
  ifindex: number;
  /** The attributes after the header (rtnh_attrs(), rtnh_attrlen() bytes). */
  attrs: Uint8Array;
}

const align4 = (n: number) => (n + 3) & ~3;

/**
 * walkRtnh mirrors the rtnh_ok()/rtnh_next() loop over an RTA_MULTIPATH payload: the
 * entries that pass rtnh_ok() and the bytes left over when the walk stopped (a positive
 * remainder is "extra data" to Linux).
 */
export function walkRtnh(mp: Uint8Array): { entries: Rtnh[]; remaining: number } {
  const v = viewOf(mp);
  const entries: Rtnh[] = [];
  let off = 0;
  let remaining = mp.length;
  while (remaining >= RTNH_LEN) {
    const len = v.getUint16(off, HOST_LE);
    if (len < RTNH_LEN || len > remaining) break;
    entries.push({ len, flags: mp[off + 2]!, hops: mp[off + 3]!, ifindex: v.getInt32(off + 4, HOST_LE), attrs: mp.subarray(off + RTNH_LEN, off + len) });
    remaining -= align4(len);
    off += align4(len);
  }
  return { entries, remaining };
}

/** nlaFind mirrors nla_find(): the payload of the first attribute of `type` in `attrs` (nla_ok() walk), or undefined. */
export function nlaFind(attrs: Uint8Array, type: number): Uint8Array | undefined {
  const v = viewOf(attrs);
  let off = 0;
  while (attrs.length - off >= 4) {
    const len = v.getUint16(off, HOST_LE);
    if (len < 4 || len > attrs.length - off) return undefined;
    if ((v.getUint16(off + 2, HOST_LE) & 0x3fff) === type) return attrs.subarray(off + 4, off + len);
    off += align4(len);
  }
  return undefined;
}

/** RtnhOut is one nexthop as fib_add_nexthop() reports it. */
export interface RtnhOut {
  flags: number;
  weight: number;
  ifindex: number;
  /** RTA_GATEWAY's bytes (4 or 16), if any. */
  gw: Uint8Array | null;
  /** RTA_FLOW (IPv4 realms), 0: none. */
  flow: number;
}

/** putVia writes RTA_VIA (struct rtvia: family, then the address), as routes of one family report a gateway of the other. */
export function putVia(w: AttrWriter, family: number, addr: Uint8Array): void {
  const b = new Uint8Array(2 + addr.length);
  writeU16(b, 0, family);
  b.set(addr, 2);
  w.bytes(RTA.RTA_VIA, b);
}

/**
 * putMultipath mirrors fib_add_multipath()/rt6_fill_node()'s RTA_MULTIPATH: a nest without
 * NLA_F_NESTED, one rtnexthop per hop. Given the route's `family`, a gateway of the other
 * family goes as RTA_VIA (fib_add_nexthop() for an IPv4 route through an IPv6 gateway).
 */
export function putMultipath(w: AttrWriter, hops: readonly RtnhOut[], family?: number): void {
  const mine = family === AF_INET ? 4 : family === AF_INET6 ? 16 : 0;
  const nest = w.beginNest(RTA.RTA_MULTIPATH, false);
  for (const h of hops) {
    const via = h.gw !== null && mine !== 0 && h.gw.length !== mine;
    const gwLen = !h.gw ? 0 : via ? 4 + align4(2 + h.gw.length) : 4 + align4(h.gw.length);
    const head = new Uint8Array(RTNH_LEN);
    writeU16(head, 0, RTNH_LEN + gwLen + (h.flow ? 8 : 0));
    head[2] = h.flags;
    head[3] = (h.weight - 1) & 0xff;
    writeU32(head, 4, h.ifindex);
    w.raw(head);
    if (h.gw && via) putVia(w, h.gw.length === 16 ? AF_INET6 : AF_INET, h.gw);
    else if (h.gw) w.bytes(RTA.RTA_GATEWAY, h.gw);
    if (h.flow) w.u32(RTA.RTA_FLOW, h.flow);
  }
  w.endNest(nest);
}
