/**
 * IPv4 route messages: fib_dump_info() (dumps and notifications) and rt_fill_info() (the
 * RTM_GETROUTE answer), attribute for attribute in Linux 6.18's order, and the sizes
 * fib_nlmsg_size() reserves.
 */
import type { AttrWriter } from '../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../sim/wire/header.js';
import type { FibAlias } from './fib4.js';
import { ipv4Bytes } from './ipv4.js';
import { AF_INET, RT_TABLE, RTA, RTM_F, RTNH_F, RT_SCOPE } from './uapi.js';

/** FIB_NLMSG_SIZE stands for nlmsg_new(fib_nlmsg_size()) of a single-nexthop route. */
export const FIB_NLMSG_SIZE = 16 + 228;

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

/** putMetrics mirrors rtnetlink_put_metrics(): a nest without NLA_F_NESTED. */
export function putMetrics(w: AttrWriter, metrics: readonly (readonly [number, number])[] | null): void {
  if (!metrics?.length) return;
  const n = w.beginNest(RTA.RTA_METRICS, false);
  for (const [t, v] of metrics) w.u32(t, v);
  w.endNest(n);
}

/** fillFibAlias mirrors fib_dump_info() for `fa` (the message body after nlmsghdr). */
export function fillFibAlias(w: AttrWriter, fa: FibAlias): void {
  rtmsgHeader(w, { family: AF_INET, dstLen: fa.plen, srcLen: 0, tos: fa.tos, table: fa.tbId, protocol: fa.protocol, scope: fa.scope, type: fa.type, flags: nhFlags(fa) });
  w.u32(RTA.RTA_TABLE, fa.tbId);
  if (fa.plen) w.u32(RTA.RTA_DST, netU32(fa.key));
  if (fa.priority) w.u32(RTA.RTA_PRIORITY, fa.priority);
  putMetrics(w, fa.metrics);
  if (fa.prefsrc) w.u32(RTA.RTA_PREFSRC, netU32(fa.prefsrc));
  if (fa.gw) w.u32(RTA.RTA_GATEWAY, netU32(fa.gw));
  if (fa.dev) w.u32(RTA.RTA_OIF, fa.dev.ifindex);
  if (fa.flow) w.u32(RTA.RTA_FLOW, fa.flow);
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
  // The source the lookup chose, unless it is the one asked for.
  if (a.prefsrc !== a.src) w.bytes(RTA.RTA_PREFSRC, ipv4Bytes(a.prefsrc));
  if (a.gw) w.bytes(RTA.RTA_GATEWAY, ipv4Bytes(a.gw));
  putMetrics(w, a.metrics);
  w.u32(RTA.RTA_UID, a.uid);
  // struct rta_cacheinfo: clntref, lastuse, expires, error, used, id, ts, tsage.
  w.bytes(RTA.RTA_CACHEINFO, new Uint8Array(32));
}
