/**
 * IPv4 route messages: fib_dump_info() (dumps and notifications) and rt_fill_info() (the
 * RTM_GETROUTE answer), attribute for attribute in Linux 6.18's order, and the sizes
 * fib_nlmsg_size() reserves.
 */
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { type FibAlias, type FibNh, syncCarrier } from './fib4.js';
import { ipv4Bytes } from '../core/index.js';
import { putMultipath, putVia } from './rtnh.js';
import { isBlackhole, paths, type NhInfo, type Nexthop } from './nexthop-table.js';
import { AF_INET, RT_TABLE, RTA, RTM_F, RTNH_F, RT_SCOPE } from '../core/uapi.js';

/** FIB_NLMSG_SIZE stands for nlmsg_new(fib_nlmsg_size()) of a single-nexthop route. */
export const FIB_NLMSG_SIZE = 16 + 228;
/** FIB_NH_SIZE is what fib_nlmsg_size() reserves for each further nexthop (rtnexthop, gateway, flow). */
export const FIB_NH_SIZE = 28;

/** HEADER is rtmsgHeader()'s scratch: raw() copies it, so one buffer serves every message of a dump. */
const HEADER = new Uint8Array(12);
const HEADER_VIEW = viewOf(HEADER);

/** netU32 turns an address number into the u32 whose host-order bytes are its network-order bytes. */
export function netU32(a: number): number {
  return HOST_LE ? (((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24)) >>> 0 : a;
}

/** rtmsgHeader writes struct rtmsg. */
export function rtmsgHeader(w: AttrWriter, m: { family: number; dstLen: number; srcLen: number; tos: number; table: number; protocol: number; scope: number; type: number; flags: number }): void {
  const b = HEADER;
  b[0] = m.family;
  b[1] = m.dstLen;
  b[2] = m.srcLen;
  b[3] = m.tos;
  b[4] = m.table < 256 ? m.table : RT_TABLE.RT_TABLE_COMPAT;
  b[5] = m.protocol;
  b[6] = m.scope;
  b[7] = m.type;
  HEADER_VIEW.setUint32(8, m.flags >>> 0, HOST_LE);
  w.raw(b);
}

/** nhFlags mirrors fib_nexthop_info()'s flags: configured ones, LINKDOWN on a checked nexthop whose device lost its carrier. */
export function nhFlags(fa: FibAlias): number {
  if (fa.dev && fa.scope !== RT_SCOPE.RT_SCOPE_HOST && fa.dev.nhLinkdown) return fa.nhFlags | RTNH_F.RTNH_F_LINKDOWN;
  return fa.nhFlags;
}

/**
 * mpNhFlags mirrors fib_nexthop_info()'s flags for one nexthop of a multipath route: DEAD
 * (its device went down; DEAD nexthops are LINKDOWN too), LINKDOWN while its device has no
 * carrier, and the configured ONLINK, OFFLOAD and TRAP.
 */
export function mpNhFlags(nh: FibNh): number {
  let f = nh.flags & (RTNH_F.RTNH_F_ONLINK | RTNH_F.RTNH_F_OFFLOAD | RTNH_F.RTNH_F_TRAP);
  if (nh.flags & RTNH_F.RTNH_F_DEAD) f |= RTNH_F.RTNH_F_DEAD | RTNH_F.RTNH_F_LINKDOWN;
  else if (nh.dev.nhLinkdown) f |= RTNH_F.RTNH_F_LINKDOWN;
  return f;
}

/**
 * mpFlags is a multipath route's rtm_flags (fi->fib_flags): the request's rtm_flags, with
 * LINKDOWN as fib_create_info(), fib_sync_down_dev() and fib_sync_up() leave it (syncCarrier()).
 */
export function mpFlags(fa: FibAlias): number {
  syncCarrier(fa);
  return ((fa.fibFlags ?? 0) | (fa.fiLinkdown ? RTNH_F.RTNH_F_LINKDOWN : 0)) >>> 0;
}

/** putMetrics mirrors rtnetlink_put_metrics(): a nest without NLA_F_NESTED. */
export function putMetrics(w: AttrWriter, metrics: readonly (readonly [number, number])[] | null): void {
  if (!metrics?.length) return;
  const n = w.beginNest(RTA.RTA_METRICS, false);
  for (const [t, v] of metrics) w.u32(t, v);
  w.endNest(n);
}

/** fillFibAlias mirrors fib_dump_info() for `fa` (the message body after nlmsghdr). */
export function fillFibAlias(w: AttrWriter, fa: FibAlias): void {
  if (fa.nh) {
    fillNhRoute(w, fa, fa.nh);
    return;
  }
  const flags = fa.nhs ? mpFlags(fa) : nhFlags(fa);
  rtmsgHeader(w, { family: AF_INET, dstLen: fa.plen, srcLen: 0, tos: fa.tos, table: fa.tbId, protocol: fa.protocol, scope: fa.scope, type: fa.type, flags });
  w.u32(RTA.RTA_TABLE, fa.tbId);
  if (fa.plen) w.u32(RTA.RTA_DST, netU32(fa.key));
  if (fa.priority) w.u32(RTA.RTA_PRIORITY, fa.priority);
  putMetrics(w, fa.metrics);
  if (fa.prefsrc) w.u32(RTA.RTA_PREFSRC, netU32(fa.prefsrc));
  if (fa.nhs) {
    putMultipath(w, fa.nhs.map((nh) => ({ flags: mpNhFlags(nh), weight: nh.weight, ifindex: nh.dev.ifindex, gw: nh.gw6 ?? (nh.gw ? ipv4Bytes(nh.gw) : null), flow: nh.flow })), AF_INET);
    return;
  }
  if (fa.gw6) putVia(w, 10, fa.gw6);
  else if (fa.gw) w.u32(RTA.RTA_GATEWAY, netU32(fa.gw));
  if (fa.dev) w.u32(RTA.RTA_OIF, fa.dev.ifindex);
  if (fa.flow) w.u32(RTA.RTA_FLOW, fa.flow);
}

/**
 * nhInfoFlags mirrors fib_nexthop_info()'s flags for a nexthop object's path: those the
 * nexthop got at creation (ONLINK, LINKDOWN); the FIB's carrier events do not touch nexthop
 * objects (a lost carrier removes them instead).
 */
export function nhInfoFlags(_info: NhInfo, nhFlags: number): number {
  return nhFlags & (RTNH_F.RTNH_F_DEAD | RTNH_F.RTNH_F_LINKDOWN | RTNH_F.RTNH_F_ONLINK | RTNH_F.RTNH_F_OFFLOAD | RTNH_F.RTNH_F_TRAP);
}


/**
 * fillNhRoute mirrors fib_dump_info() for a route with a nexthop object (nexthop_compat_mode
 * on): RTA_NH_ID, then the one path as RTA_GATEWAY (RTA_VIA for an IPv6 gateway) and
 * RTA_OIF with its flags as rtm_flags, or every path in RTA_MULTIPATH; a blackhole nexthop
 * makes the route RTN_BLACKHOLE.
 */
function fillNhRoute(w: AttrWriter, fa: FibAlias, nh: Nexthop): void {
  const ps = paths(nh);
  const single = ps.length === 1;
  const flagsOf = (info: NhInfo) => nhInfoFlags(info, (nh.entries ? nh.entries.find((e) => e.nh.info === info)!.nh : nh).flags);
  const flags = single ? flagsOf(ps[0]!.info) : (fa.fibFlags ?? 0);
  const type = isBlackhole(nh) ? 6 : fa.type;
  rtmsgHeader(w, { family: AF_INET, dstLen: fa.plen, srcLen: 0, tos: fa.tos, table: fa.tbId, protocol: fa.protocol, scope: fa.scope, type, flags });
  w.u32(RTA.RTA_TABLE, fa.tbId);
  if (fa.plen) w.u32(RTA.RTA_DST, netU32(fa.key));
  if (fa.priority) w.u32(RTA.RTA_PRIORITY, fa.priority);
  putMetrics(w, fa.metrics);
  if (fa.prefsrc) w.u32(RTA.RTA_PREFSRC, netU32(fa.prefsrc));
  w.u32(RTA.RTA_NH_ID, nh.id);
  if (single) {
    const info = ps[0]!.info;
    if (info.gw?.length === 4) w.bytes(RTA.RTA_GATEWAY, info.gw);
    else if (info.gw) putVia(w, 10, info.gw);
    w.u32(RTA.RTA_OIF, info.dev.ifindex);
    return;
  }
  putMultipath(w, ps.map((p) => ({ flags: flagsOf(p.info), weight: p.weight, ifindex: p.info.dev.ifindex, gw: p.info.gw, flow: 0 })), AF_INET);
}


/** RouteAnswer is what rt_fill_info() reports for an output route lookup. */
export interface RouteAnswer {
  dst: number;
  /** The RTA_SRC the request asked with (0: none). */
  src: number;
  table: number;
  type: number;
  /** RTCF_* flags (high bits of rtm_flags). */
  rtcf: number;
  oif: number;
  prefsrc: number;
  gw: number;
  metrics: readonly (readonly [number, number])[] | null;
  uid: number;
  tos: number;
  /** The nexthop's realms (dst.tclassid; 0: none). */
  flow?: number;
  /** An IPv6 gateway (rt_gw_family AF_INET6), reported as RTA_VIA. */
  gw6?: Uint8Array;
}

/** RTCF_LOCAL / RTCF_BROADCAST: rt_flags of local and broadcast output routes. */
export const RTCF_LOCAL = 0x80000000;
export const RTCF_BROADCAST = 0x10000000;

/** fillRouteAnswer mirrors rt_fill_info() for an output lookup (no RTA_IIF). */
export function fillRouteAnswer(w: AttrWriter, a: RouteAnswer): void {
  rtmsgHeader(w, { family: AF_INET, dstLen: 32, srcLen: a.src ? 32 : 0, tos: a.tos, table: a.table, protocol: 0, scope: 0, type: a.type, flags: (a.rtcf | RTM_F.RTM_F_CLONED) >>> 0 });
  w.u32(RTA.RTA_TABLE, a.table);
  w.bytes(RTA.RTA_DST, ipv4Bytes(a.dst));
  if (a.src) w.bytes(RTA.RTA_SRC, ipv4Bytes(a.src));
  if (a.oif) w.u32(RTA.RTA_OIF, a.oif);
  if (a.flow) w.u32(RTA.RTA_FLOW, a.flow);
  // The source the lookup chose, unless it is the one asked for.
  if (a.prefsrc !== a.src) w.bytes(RTA.RTA_PREFSRC, ipv4Bytes(a.prefsrc));
  if (a.gw) w.bytes(RTA.RTA_GATEWAY, ipv4Bytes(a.gw));
  else if (a.gw6) putVia(w, 10, a.gw6);
  putMetrics(w, a.metrics);
  w.u32(RTA.RTA_UID, a.uid);
  // struct rta_cacheinfo: clntref, lastuse, expires, error, used, id, ts, tsage.
  w.bytes(RTA.RTA_CACHEINFO, new Uint8Array(32));
}
