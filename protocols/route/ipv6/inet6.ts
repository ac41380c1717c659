/**
 * IPv6 on one namespace: addrconf (net/ipv6/addrconf.c: ::1 on lo, link-local addresses and
 * the ff00::/8 and fe80::/64 routes when a device gets ready, user addresses with their
 * prefix and local routes, addrconf_ifdown()) and the FIB operations of net/ipv6/route.c
 * (ip6_route_add(), ip6_route_del()), each with the notifications Linux sends.
 *
 * Duplicate address detection runs on the kernel's clock as on Linux: the address stays
 * tentative (no local route, no RTM_NEWADDR for a link-local one) until one probe went out
 * after a random delay below rtr_solicit_delay and retrans_time passed without an answer;
 * then the router solicitations start. nlsim has no other hosts, so DAD always succeeds.
 * What the packets leave behind locally (the ND table's NOARP entries for ff02::16, the
 * solicited-node group and ff02::2) is modelled, since `ip monitor` sees them go.
 */
import { KernelError } from '../../../sim/errors.js';
import type { KernelSocket } from '../../../sim/kernel-socket.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE } from '../../../sim/wire/header.js';
import type { KernelTimer } from '../../../sim/clock.js';
import { DEVCONF_ACCEPT_DAD, IN6ADDR_LINKLOCAL_ALLNODES, mcJoin, mcLeave, type NetDevice } from '../core/index.js';
import { Fib6, type Fib6Table, type Rt6 } from './fib6.js';
import { notify, type Notifier } from '../core/index.js';
import { fillInet6Addr, IFAPROT, INET6_NLMSG_SIZE } from './inet6-addr.js';
import { type Inet6Ifaddr } from '../core/index.js';
import { putMetrics, rtmsgHeader } from '../ipv4/index.js';
import { inet6IfinfoNotify } from './ifinfo.js';
import type { NetworkStateOptions } from '../core/index.js';
import { ageAddresses } from '../core/index.js';
import { AF_INET6, IF_READY, IF_RS_SENT, IFA_F, IFF, RT_SCOPE, RT_TABLE, RTA, RTM, RTN, RTNH_F, RTNLGRP, RTPROT } from '../core/uapi.js';
import { nlaFind, putMultipath, walkRtnh } from '../ipv4/index.js';
import { hasV4, isBlackhole, type Nexthop, type NexthopTable, paths } from '../ipv4/index.js';
import { nhInfoFlags } from '../ipv4/index.js';

/** RTF holds the fib6 route flags nlsim uses (linux/ipv6_route.h). */
export const RTF = { RTF_UP: 0x1, RTF_GATEWAY: 0x2, RTF_REJECT: 0x200, RTF_NONEXTHOP: 0x200000, RTF_ADDRCONF: 0x40000, RTF_CACHE: 0x01000000, RTF_LOCAL: 0x80000000 } as const;
/** IP6_RT_PRIO_USER / IP6_RT_PRIO_ADDRCONF: default metrics of user and kernel routes. */
export const IP6_RT_PRIO_USER = 1024;
export const IP6_RT_PRIO_ADDRCONF = 256;
/** RT6_NLMSG_SIZE stands for nlmsg_new(rt6_nlmsg_size()). */
export const RT6_NLMSG_SIZE = 16 + 324;
/** RT6_NH_SIZE is what rt6_nlmsg_size() adds per sibling (nest, rtnexthop, gateway). */
const RT6_NH_SIZE = 32;

/** addrType classifies an address as ipv6_addr_type() does, reduced to what nlsim needs. */
export function addrScope(a: Uint8Array): number {
  if (a.every((b, i) => (i === 15 ? b === 1 : b === 0))) return RT_SCOPE.RT_SCOPE_HOST;
  if (a[0] === 0xfe && (a[1]! & 0xc0) === 0x80) return RT_SCOPE.RT_SCOPE_LINK;
  if (a[0] === 0xfe && (a[1]! & 0xc0) === 0xc0) return RT_SCOPE.RT_SCOPE_SITE;
  return RT_SCOPE.RT_SCOPE_UNIVERSE;
}

/** ipv6Prefix masks `a` to `plen` bits (ipv6_addr_prefix()). */
export function ipv6Prefix(a: Uint8Array, plen: number): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const bits = Math.max(0, Math.min(8, plen - i * 8));
    out[i] = a[i]! & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const isAny = (a: Uint8Array) => a.every((x) => x === 0);
const LOOPBACK6 = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
const MCAST_PREFIX = Uint8Array.of(0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
const LL_PREFIX = Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
/** ff02::2 (all routers: router solicitations) and ff02::16 (all MLDv2-capable routers: reports). */
const ALL_ROUTERS = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);
const MLD2_ALL_MCR = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16);


/** Indexes into the IPv6 devconf array (DEVCONF_* of linux/ipv6.h). */
const DEVCONF_FORWARDING = 0;
const DEVCONF_ACCEPT_RA = 3;
const DEVCONF_DAD_TRANSMITS = 6;
const DEVCONF_RTR_SOLICITS = 7;
const DEVCONF_RTR_SOLICIT_INTERVAL = 8;
const DEVCONF_RTR_SOLICIT_DELAY = 9;
const DEVCONF_RTR_SOLICIT_MAX_INTERVAL = 43;
/** The ND table's retrans_time (neigh_parms RETRANS_TIME), ms: the wait after a DAD probe. */
const RETRANS_TIME_MS = 1000;
/** INITIAL_JIFFIES (include/linux/jiffies.h): jiffies at boot, 300 s (HZ 250) before wrapping 32 bits. */
const INITIAL_JIFFIES = 2 ** 32 - 300 * 250;

/** ip6_rt_gc_interval (net.ipv6.route.gc_interval), ms: how often expired routes are collected. */
const IP6_RT_GC_INTERVAL_MS = 30_000;

/** MLDv2's unsolicited report interval (mldv2_unsolicited_report_interval), ms. */
const MLD2_UNSOLICITED_REPORT_INTERVAL_MS = 1000;

/**
 * mldReportable: an up multicast device (not lo) with a group MLD reports: anything but
 * ff02::1 and interface-local groups (MAF_NOREPORT), e.g. an address's solicited-node group.
 */
function mldReportable(dev: NetDevice): boolean {
  if (!(dev.flags & IFF.IFF_UP) || !(dev.flags & IFF.IFF_MULTICAST) || dev.flags & IFF.IFF_LOOPBACK || dev.unregistered) return false;
  return dev.inet6?.mc.some((g) => (g.addr[1]! & 0x0f) >= 2 && !eq(g.addr, IN6ADDR_LINKLOCAL_ALLNODES)) ?? false;
}

/** solicitedNode is an address's solicited-node multicast group ff02::1:ffXX:XXXX (addrconf_addr_solict_mult()). */
function solicitedNode(a: Uint8Array): Uint8Array {
  return Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, a[13]!, a[14]!, a[15]!);
}

/** backoffInit mirrors rfc3315_s14_backoff_init(): the first interval, ±10 %. */
function backoffInit(irt: number, random: (n: number) => number): number {
  return Math.floor(((900000 + random(200001)) * irt) / 1000000);
}

/** backoffUpdate mirrors rfc3315_s14_backoff_update(): about double, capped at `mrt` ±10 %. */
function backoffUpdate(rt: number, mrt: number, random: (n: number) => number): number {
  const next = Math.floor(((1900000 + random(200001)) * rt) / 1000000);
  return next > mrt ? backoffInit(mrt, random) : next;
}

/**
 * fillRt6 mirrors rt6_fill_node() for a fib6_info (dumps and notifications); `nowMs` is the
 * kernel time, for the remaining lifetime of an expiring route.
 */
export function fillRt6(w: AttrWriter, rt: Rt6, nowMs = 0): void {
  const group = rt.siblings;
  const nh = rt.nh;
  const ps = nh ? paths(nh) : [];
  const nhFlagsOf = (i: number) => nhInfoFlags(ps[i]!.info, (nh!.entries ? nh!.entries[i]!.nh : nh!).flags);
  const flags = nh ? (nh.entries ? 0 : nhFlagsOf(0)) : group ? 0 : rt6NhFlags(rt);
  const type = nh && isBlackhole(nh) ? RTN.RTN_BLACKHOLE : rt.type;
  rtmsgHeader(w, { family: AF_INET6, dstLen: rt.plen, srcLen: 0, tos: 0, table: rt.table, protocol: rt.protocol, scope: 0, type, flags });
  w.u32(RTA.RTA_TABLE, rt.table);
  if (rt.plen) w.bytes(RTA.RTA_DST, rt.dst);
  if (rt.prefsrc) w.bytes(RTA.RTA_PREFSRC, rt.prefsrc);
  putMetrics(w, rt.metrics);
  w.u32(RTA.RTA_PRIORITY, rt.metric);
  if (nh) {
    // rt6_fill_node() with a nexthop object (nexthop_compat_mode on).
    w.u32(RTA.RTA_NH_ID, nh.id);
    // nexthop_is_multipath(): any group, even of one, is reported as RTA_MULTIPATH.
    if (!nh.entries) {
      if (ps[0]!.info.gw) w.bytes(RTA.RTA_GATEWAY, ps[0]!.info.gw);
      w.u32(RTA.RTA_OIF, ps[0]!.info.dev.ifindex);
    } else putMultipath(w, ps.map((p, i) => ({ flags: nhFlagsOf(i), weight: p.weight, ifindex: p.info.dev.ifindex, gw: p.info.gw, flow: 0 })), AF_INET6);
  } else if (group) {
    // The route itself, then its siblings in ring order.
    const i = group.indexOf(rt);
    const ring = [...group.slice(i), ...group.slice(0, i)];
    putMultipath(w, ring.map((r) => ({ flags: rt6NhFlags(r), weight: r.weight ?? 1, ifindex: r.dev.ifindex, gw: r.gw, flow: 0 })));
  } else {
    if (rt.gw) w.bytes(RTA.RTA_GATEWAY, rt.gw);
    w.u32(RTA.RTA_OIF, rt.dev.ifindex);
  }
  // struct rta_cacheinfo: rta_expires (clock_t, may be negative once expired) for RTF_EXPIRES.
  const ci = new Uint8Array(32);
  // Counted in jiffies (HZ 250: 4 ms) as rt->expires - jiffies, then jiffies_to_clock_t().
  if (rt.expires !== undefined) new DataView(ci.buffer).setInt32(8, Math.trunc(((Math.floor(rt.expires / 4) - Math.floor(nowMs / 4)) * 4) / 10), HOST_LE);
  w.bytes(RTA.RTA_CACHEINFO, ci);
  w.u8(RTA.RTA_PREF, rt.pref);
}

/**
 * rt6NhFlags mirrors fib_nexthop_info() for a fib6_nh: DEAD (with LINKDOWN) after its device
 * went down under a multipath route, LINKDOWN while the device has no carrier
 * (rt6_sync_down_dev() leaves local and reject routes alone), the configured ONLINK.
 */
function rt6NhFlags(rt: Rt6): number {
  let flags = rt.nhFlags;
  if (rt.dead) flags |= RTNH_F.RTNH_F_DEAD | RTNH_F.RTNH_F_LINKDOWN;
  else if (rt.dev.nhLinkdown && !(rt.flags & (RTF.RTF_REJECT | RTF.RTF_LOCAL))) flags |= RTNH_F.RTNH_F_LINKDOWN;
  return flags;
}

/** qualifiesEcmp mirrors rt6_qualify_for_ecmp(): a gateway route not made by addrconf. */
function qualifiesEcmp(rt: Rt6): boolean {
  return rt.gw !== null && !rt.nh && !(rt.flags & RTF.RTF_ADDRCONF);
}

/** unlinkSibling takes `rt` out of its ECMP group (fib6_del_route()); a lone last member has no group any more. */
function unlinkSibling(rt: Rt6): void {
  const group = rt.siblings;
  if (!group) return;
  group.splice(group.indexOf(rt), 1);
  rt.siblings = null;
  if (group.length === 1) group[0]!.siblings = null;
}

/** Rt6Config mirrors struct fib6_config (without nexthop objects and encapsulation). */
export interface Rt6Config {
  dst: Uint8Array;
  dstLen: number;
  table: number;
  protocol: number;
  type: number;
  metric: number;
  oif: number;
  gw: Uint8Array | null;
  prefsrc: Uint8Array | null;
  flags: number;
  nhFlags: number;
  pref: number;
  metrics: (readonly [number, number])[] | null;
  nlflags: number;
  /** fc_expires with RTF_EXPIRES: the route's lifetime, ms. */
  expires?: number;
  /** fc_mp: RTA_MULTIPATH's payload, or null. */
  mp?: Uint8Array | null;
  /** fc_nh_id: RTA_NH_ID (0: none). */
  nhId?: number;
}

/**
 * validMultipath mirrors rtm_to_fib6_multipath_config(): at least one valid rtnexthop, whole
 * IPv6 gateways, and (for a new route) a gateway for every hop (or beside RTA_MULTIPATH).
 */
function validMultipath(cfg: Rt6Config, newroute: boolean): void {
  const { entries } = walkRtnh(cfg.mp!);
  if (!entries.length) throw new KernelError('EINVAL', 'Invalid nexthop configuration - no valid nexthops');
  for (const rtnh of entries) {
    let hasGateway = (cfg.flags & RTF.RTF_GATEWAY) !== 0;
    const gw = rtnh.attrs.length ? nlaFind(rtnh.attrs, RTA.RTA_GATEWAY) : undefined;
    if (gw) {
      if (gw.length < 16) throw new KernelError('EINVAL', 'Invalid IPv6 address in RTA_GATEWAY');
      hasGateway = true;
    }
    if (newroute && !hasGateway) throw new KernelError('EINVAL', 'Device only routes can not be added for IPv6 using the multipath API.');
  }
}

/** Inet6 is one namespace's IPv6 state. */
export class Inet6 {
  readonly fib = new Fib6();
  /** The namespace's nexthop objects (Inet4's, set by nexthop.ts). */
  nexthops: NexthopTable | null = null;
  readonly #devices: () => readonly NetDevice[];
  readonly #options: NetworkStateOptions;
  ks: KernelSocket | null = null;
  /** ndIfdown flushes the device's ND entries (core/neighbour.ts; inet6Pernet() wires it). */
  ndIfdown: ((dev: NetDevice) => void) | null = null;
  /** ndMcastOutput records a packet sent to an IPv6 multicast group (core/neighbour.ts; inet6Pernet() wires it). */
  ndMcastOutput: ((dev: NetDevice, group: Uint8Array) => void) | null = null;
  /** Each tentative address's pending DAD work (ifp->dad_work). */
  readonly #dadWork = new WeakMap<Inet6Ifaddr, KernelTimer>();
  /** Each device's router-solicitation timer (idev->rs_timer) and current interval. */
  readonly #rsTimer = new WeakMap<NetDevice, { timer: KernelTimer; interval: number; probes: number }>();

  constructor(devices: () => readonly NetDevice[], options: NetworkStateOptions) {
    this.#devices = devices;
    this.#options = options;
  }

  /** nowMs is kernel time in ms. */
  get nowMs(): number {
    return this.#options.now();
  }

  /** nowCs is jiffies in centiseconds. */
  get nowCs(): number {
    return Math.floor(this.#options.now() / 10);
  }

  #lo(): NetDevice {
    return this.#devices().find((d) => d.flags & IFF.IFF_LOOPBACK)!;
  }

  /** ifaNotify mirrors inet6_ifa_notify(). */
  ifaNotify(event: number, ifa: Inet6Ifaddr): void {
    notify({ ks: this.ks! }, event, 0, RTNLGRP.RTNLGRP_IPV6_IFADDR, (w) => fillInet6Addr(w, ifa, this.nowCs), INET6_NLMSG_SIZE);
  }

  /** rtNotify mirrors inet6_rt_notify(). */
  rtNotify(n: Notifier, event: number, rt: Rt6, nlflags: number): void {
    const more = rt.siblings ? rt.siblings.length - 1 : 0;
    notify(n, event, nlflags, RTNLGRP.RTNLGRP_IPV6_ROUTE, (w) => fillRt6(w, rt, this.#options.now()), RT6_NLMSG_SIZE + more * RT6_NH_SIZE);
  }

  // ---- routes ----

  /** addRoute mirrors ip6_route_add() → ip6_route_info_create() + fib6_add(). */
  addRoute(n: Notifier, cfg: Rt6Config): Rt6 {
    const rt = this.#createRt(cfg);
    this.#insertRt(n, rt, cfg.nlflags, true);
    return rt;
  }

  /**
   * nhInit mirrors fib6_nh_init()'s checks: the device of `oif`, a gateway that is not ours
   * and is reachable (ip6_validate_gw()), an up device with IPv6; reject routes use lo.
   */
  nhInit(oif: number, gw0: Uint8Array | null, reject: boolean): NetDevice {
    let dev: NetDevice | undefined;
    if (oif) {
      dev = this.#devices().find((d) => d.ifindex === oif);
      if (!dev) throw new KernelError('ENODEV');
    }
    if (reject) dev = this.#lo();
    else {
      if (gw0) {
        // ip6_validate_gw(): never one of our own addresses (checked first when the device is
        // given, tentative ones included); a link-local unicast gateway needs the device;
        // others must be unicast and reachable on a link (ip6_route_check_nh()).
        const gw = gw0;
        const ll = addrScope(gw) === RT_SCOPE.RT_SCOPE_LINK;
        const local = (d: NetDevice) => this.#chkAddr(gw, ll ? d : null);
        if (dev && local(dev)) throw new KernelError('EINVAL', 'Gateway can not be a local address');
        const needAddrCheck = !dev;
        if (gw[0] === 0xff || gw.every((b) => b === 0)) throw new KernelError('EINVAL', 'Invalid gateway address');
        if (!ll) {
          const via = this.#lookupGw(gw, dev);
          if (!via) throw new KernelError('EHOSTUNREACH');
          dev ??= via;
        }
        if (!dev) throw new KernelError('EINVAL', 'Egress device not specified');
        if (dev.flags & IFF.IFF_LOOPBACK) throw new KernelError('EINVAL', 'Egress device can not be loopback device for this route');
        if (needAddrCheck && local(dev)) throw new KernelError('EINVAL', 'Gateway can not be a local address');
      }
      if (!dev) throw new KernelError('ENODEV');
      if (!dev.inet6) throw new KernelError('ENODEV');
      if (!(dev.flags & IFF.IFF_UP)) throw new KernelError('ENETDOWN', 'Nexthop device is not up');
    }
    return dev!;
  }

  /** #createRt mirrors ip6_route_info_create(): the checks and the route, not yet in a table. */
  #createRt(cfg: Rt6Config): Rt6 {
    // RTF_CACHE (an RTM_F_CLONED request) is the kernel's own flag.
    if (cfg.flags & RTF.RTF_CACHE) throw new KernelError('EINVAL', 'Userspace can not set RTF_CACHE');
    if (cfg.type > RTN.RTN_XRESOLVE) throw new KernelError('EINVAL', 'Invalid route type');
    if (cfg.dstLen > 128) throw new KernelError('EINVAL', 'Invalid prefix length');
    let nh: Nexthop | undefined;
    if (cfg.nhId) {
      nh = this.nexthops?.get(cfg.nhId);
      if (!nh) throw new KernelError('EINVAL', 'Nexthop id does not exist');
      if (hasV4(nh)) throw new KernelError('EINVAL', 'IPv6 routes can not use an IPv4 nexthop');
    }
    const dev = nh ? paths(nh)[0]!.info.dev : this.nhInit(cfg.oif, cfg.gw, (cfg.flags & RTF.RTF_REJECT) !== 0);
    if (cfg.prefsrc && !this.#devices().some((d) => d.ifa6.some((a) => eq(a.addr, cfg.prefsrc!)))) {
      throw new KernelError('EINVAL', 'Invalid source address');
    }
    const dst = ipv6Prefix(cfg.dst, cfg.dstLen);
    const rt: Rt6 = {
      dst,
      plen: cfg.dstLen,
      table: cfg.table || RT_TABLE.RT_TABLE_MAIN,
      type: cfg.type,
      protocol: cfg.protocol,
      metric: cfg.metric || IP6_RT_PRIO_USER,
      dev: dev!,
      // fib6_nh_init(): a reject route skips the gateway (it is promoted before the gateway is read).
      gw: cfg.flags & RTF.RTF_REJECT ? null : cfg.gw,
      prefsrc: cfg.prefsrc,
      flags: cfg.flags,
      nhFlags: cfg.nhFlags,
      pref: cfg.pref,
      metrics: cfg.metrics,
      order: 0,
    };
    // fib6_set_expires(rt, jiffies + …): from the current jiffy (HZ 250: 4 ms), so that a fill
    // within the same jiffy reports the whole lifetime, as Linux's does.
    if (cfg.expires !== undefined) rt.expires = Math.floor(this.#options.now() / 4) * 4 + cfg.expires;
    if (nh) rt.nh = nh;
    return rt;
  }

  /**
   * #insertRt mirrors fib6_add_rt2node() with `reqFlags` as the request's flags: same-metric
   * routes make NLM_F_EXCL fail, a replace takes the first one of the same ECMP-ability (or
   * the first), a duplicate nexthop is EEXIST, and a gateway route next to gateway routes of
   * its metric becomes their sibling (ECMP), inserted after them.
   */
  #insertRt(n: Notifier, rt: Rt6, reqFlags: number, notifyIt: boolean): void {
    const tb = this.fib.create(rt.table);
    const replace = (reqFlags & NLM_F_REPLACE) !== 0;
    const canEcmp = qualifiesEcmp(rt);
    let nlflags = NLM_F_EXCL | (reqFlags & NLM_F_APPEND);
    let found: Rt6 | undefined;
    let fallback: Rt6 | undefined;
    let nsiblings = 0;
    const leaf = tb.prefix(rt.dst, rt.plen);
    for (const iter of leaf) {
      if (iter.metric !== rt.metric) continue;
      if (reqFlags & NLM_F_EXCL) throw new KernelError('EEXIST');
      nlflags &= ~NLM_F_EXCL;
      if (replace) {
        if (canEcmp === qualifiesEcmp(iter)) {
          found = iter;
          break;
        }
        fallback ??= iter;
        continue;
      }
      // rt6_duplicate_nexthop(): nexthop objects compare by object.
      if (iter.nh || rt.nh ? iter.nh === rt.nh : iter.dev === rt.dev && (iter.gw ? rt.gw && eq(iter.gw, rt.gw) : !rt.gw)) {
        // fib6_add_rt2node(): an expiring duplicate takes the new route's lifetime, or none.
        if (iter.expires !== undefined) {
          iter.expires = rt.expires;
          this.#startGc(iter);
        }
        throw new KernelError('EEXIST');
      }
      if (canEcmp && qualifiesEcmp(iter)) nsiblings++;
    }
    found ??= fallback;
    if (!replace || !found) {
      if (replace && !(reqFlags & NLM_F_CREATE)) throw new KernelError('ENOENT', 'Can not replace route - no match found');
      if (nsiblings) {
        // Join the group of the first ECMP route of this metric, at the end of its ring.
        const first = leaf.find((s) => s.metric === rt.metric && qualifiesEcmp(s))!;
        const group = first.siblings ?? (first.siblings = [first]);
        const at = group.indexOf(first);
        if (at === 0) group.push(rt);
        else group.splice(at, 0, rt);
        rt.siblings = group;
      }
      tb.insert(rt);
      if (rt.nh) rt.nhSeq = ++this.#nhSeq;
      if (notifyIt) this.rtNotify(n, RTM.RTM_NEWROUTE, rt, nlflags | NLM_F_CREATE);
      this.#startGc(rt);
      return;
    }
    tb.remove(found);
    tb.insert(rt);
    if (rt.nh) rt.nhSeq = ++this.#nhSeq;
    rt.order = found.order;
    if (notifyIt) this.rtNotify(n, RTM.RTM_NEWROUTE, rt, NLM_F_REPLACE);
    // Replacing an ECMP route purges its siblings (silently).
    const group = found.siblings;
    if (group) {
      for (const s of [...group]) {
        unlinkSibling(s);
        if (s !== found) tb.remove(s);
      }
    }
    this.#startGc(rt);
  }

  /**
   * multipathAdd mirrors ip6_route_multipath_add(): every rtnexthop becomes a gateway route
   * (ip6_route_info_create()), then they are inserted one by one (the first with the
   * request's flags, the others as CREATE), joining as siblings, and one RTM_NEWROUTE
   * reports the group; a failed insertion reports what was added, then deletes it again.
   * `setRequestFlags` rewrites the request header's flags, as Linux does after the first
   * insertion (the ACK shows them).
   */
  multipathAdd(n: Notifier, cfg: Rt6Config, setRequestFlags?: (flags: number) => void): void {
    validMultipath(cfg, true);
    const hops: { rt: Rt6; cfg: Rt6Config }[] = [];
    for (const rtnh of walkRtnh(cfg.mp!).entries) {
      const r: Rt6Config = { ...cfg, mp: null };
      if (rtnh.ifindex) r.oif = rtnh.ifindex;
      const gw = rtnh.attrs.length ? nlaFind(rtnh.attrs, RTA.RTA_GATEWAY) : undefined;
      if (gw) {
        r.gw = gw.slice(0, 16);
        r.flags |= RTF.RTF_GATEWAY;
      }
      if (rtnh.attrs.length && (nlaFind(rtnh.attrs, RTA.RTA_ENCAP) || nlaFind(rtnh.attrs, RTA.RTA_ENCAP_TYPE))) throw new KernelError('EOPNOTSUPP', 'nlsim: encapsulation is not modelled yet');
      r.nhFlags |= rtnh.flags & RTNH_F.RTNH_F_ONLINK;
      // (Since 6.15 a hop without a gateway is refused before, in validMultipath(); reject
      // routes keep none, so their hops on one device are the same nexthop twice.)
      const rt = this.#createRt(r);
      rt.weight = rtnh.hops + 1;
      // ip6_route_info_append(): the same nexthop twice.
      if (hops.some((h) => h.rt.dev === rt.dev && (h.rt.gw === null || rt.gw === null ? h.rt.gw === rt.gw : eq(h.rt.gw, rt.gw)))) throw new KernelError('EEXIST');
      hops.push({ rt, cfg: r });
    }
    const replace = (cfg.nlflags & NLM_F_REPLACE) !== 0;
    const nlflags = (replace ? NLM_F_REPLACE : NLM_F_CREATE) | (cfg.nlflags & NLM_F_APPEND);
    let flags = cfg.nlflags;
    let first: Rt6 | undefined;
    let last: Rt6 | undefined;
    for (const [i, h] of hops.entries()) {
      try {
        this.#insertRt(n, h.rt, flags, false);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        const err = replace && i > 0 ? new KernelError(e.code, 'ipv6: multipath route replace failed (check consistency of installed routes)') : e;
        if (first) this.#mpathNotify(n, first, last!, nlflags);
        for (const added of hops.slice(0, i)) {
          try {
            this.delRoute(n, added.cfg);
          } catch (e2) {
            if (!(e2 instanceof KernelError)) throw e2;
          }
        }
        throw err;
      }
      last = h.rt;
      first ??= h.rt;
      // Linux changes the request's own header here, so its ACK echoes the new flags.
      flags = (flags & ~(NLM_F_EXCL | NLM_F_REPLACE)) | NLM_F_CREATE;
      setRequestFlags?.(flags);
    }
    if (first) this.#mpathNotify(n, first, last!, nlflags);
  }

  /** #mpathNotify mirrors ip6_rt_mpath_notify(): an append reports the group from its first sibling. */
  #mpathNotify(n: Notifier, first: Rt6, last: Rt6, nlflags: number): void {
    let rt = first;
    if (nlflags & NLM_F_APPEND && last.siblings) {
      const g = last.siblings;
      rt = g[(g.indexOf(last) + 1) % g.length]!;
    }
    this.rtNotify(n, RTM.RTM_NEWROUTE, rt, nlflags);
  }

  /** multipathDel mirrors ip6_route_multipath_del(): one ip6_route_del() per rtnexthop (its gateway), the last error returned. */
  multipathDel(n: Notifier, cfg: Rt6Config): void {
    validMultipath(cfg, false);
    let last: KernelError | undefined;
    for (const rtnh of walkRtnh(cfg.mp!).entries) {
      const r: Rt6Config = { ...cfg, mp: null };
      const gw = rtnh.attrs.length ? nlaFind(rtnh.attrs, RTA.RTA_GATEWAY) : undefined;
      if (gw) {
        r.gw = gw.slice(0, 16);
        r.flags |= RTF.RTF_GATEWAY;
      }
      try {
        this.delRoute(n, r);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        last = e;
      }
    }
    if (last) throw last;
  }

  /** The FIB's garbage collector (net->ipv6.ip6_fib_timer), pending or not. */
  #gcTimer: KernelTimer | null = null;

  /** #startGc mirrors fib6_start_gc(): an expiring route arms the collector ip6_rt_gc_interval from now. */
  #startGc(rt: Rt6): void {
    if (rt.expires === undefined || this.#gcTimer) return;
    this.#gcTimer = this.#options.setTimer(IP6_RT_GC_INTERVAL_MS, () => this.#runGc());
  }

  /**
   * #runGc mirrors fib6_run_gc() → fib6_age(): expired routes are deleted (RTM_DELROUTE, in
   * walk order); while expiring routes remain, it runs again a (rounded) interval later.
   */
  #runGc(): void {
    this.#gcTimer = null;
    const now = this.#options.now();
    // The RTM_DELROUTE of a collected route reports no expiry any more.
    const expired = new Set<Rt6>();
    for (const tb of this.fib.tables()) for (const r of tb.routes()) if (r.expires !== undefined && r.expires <= now) expired.add(r);
    for (const r of expired) r.expires = undefined;
    this.#dropRoutes((r) => expired.has(r));
    const more = this.fib.tables().some((tb) => tb.routes().some((r) => r.expires !== undefined));
    if (more) {
      // round_jiffies(): to a whole second.
      const at = Math.round((now + IP6_RT_GC_INTERVAL_MS) / 1000) * 1000;
      this.#gcTimer = this.#options.setTimer(Math.max(0, at - now), () => this.#runGc());
    }
  }

  /**
   * lookup mirrors ip6_pol_route() behind the default rules (fib6_rule_lookup(): local, then
   * main): the longest prefix, lowest metric first; reject routes give their error, throw
   * routes move on to the next table. Dead siblings are skipped; a route using a nexthop
   * object answers through its first path (through `oif`, if given).
   * @note Among several live siblings (or nexthop group members) Linux picks by a flow hash
   * whose seed is random per namespace (fib6_select_path()); nlsim takes the first, so only
   * lookups with one candidate (or an output device) agree with Linux.
   */
  lookup(addr: Uint8Array, oif: number): Rt6 | string | undefined {
    for (const id of [RT_TABLE.RT_TABLE_LOCAL, RT_TABLE.RT_TABLE_MAIN]) {
      const tb = this.fib.get(id);
      if (!tb) continue;
      let path: { dev: NetDevice; gw: Uint8Array | null } | undefined;
      const rt = tb.lookup(addr, (r) => {
        if (r.nh) {
          // A nexthop object: a blackhole rejects, else the first path (through `oif`).
          if (isBlackhole(r.nh)) return true;
          path = paths(r.nh).map((p) => p.info).find((i) => !oif || i.dev.ifindex === oif);
          return path !== undefined;
        }
        return (r.flags & RTF.RTF_REJECT) !== 0 || (!r.dead && (!oif || r.dev.ifindex === oif));
      });
      if (!rt) continue;
      if (rt.nh) return isBlackhole(rt.nh) ? 'EINVAL' : { ...rt, dev: path!.dev, gw: path!.gw };
      if (rt.type === RTN.RTN_THROW) continue;
      if (rt.flags & RTF.RTF_REJECT) return rt.type === RTN.RTN_BLACKHOLE ? 'EINVAL' : rt.type === RTN.RTN_PROHIBIT ? 'EACCES' : 'EHOSTUNREACH';
      return rt;
    }
    return undefined;
  }

  /**
   * selectSaddr stands for ipv6_dev_get_saddr() (RFC 6724 source selection), reduced to the
   * rules that decide on nlsim's hosts: the destination itself, then on the output device
   * (else any) a usable scope, not deprecated, the longest common prefix, the first in list
   * order on a tie.
   */
  selectSaddr(dst: Uint8Array, out: NetDevice): Uint8Array | null {
    for (const d of this.#devices()) for (const a of d.ifa6) if (eq(a.addr, dst) && !(a.flags & IFA_F.IFA_F_TENTATIVE)) return a.addr;
    const dscope = rfcScope(dst);
    const pick = (cands: Inet6Ifaddr[]) => {
      let best: Inet6Ifaddr | undefined;
      for (const a of cands) {
        if (a.flags & IFA_F.IFA_F_TENTATIVE) continue;
        if (!best) {
          best = a;
          continue;
        }
        const sa = rfcScope(a.addr);
        const sb = rfcScope(best.addr);
        if (sa !== sb) {
          // Rule 2: the smallest scope that still reaches the destination.
          if (sb < sa ? sb < dscope : sa >= dscope) best = a;
          continue;
        }
        const da = (a.flags & IFA_F.IFA_F_DEPRECATED) !== 0;
        const db = (best.flags & IFA_F.IFA_F_DEPRECATED) !== 0;
        if (da !== db) {
          if (db) best = a;
          continue;
        }
        if (commonPrefix(a.addr, dst) > commonPrefix(best.addr, dst)) best = a;
      }
      return best?.addr ?? null;
    };
    return pick(out.ifa6) ?? pick(this.#devices().flatMap((d) => (d === out ? [] : d.ifa6)));
  }

  /**
   * #chkAddr mirrors ipv6_chk_addr_and_flags(net, addr, dev, skip_dev_check = !dev, 0, 0):
   * `addr` is one of the namespace's addresses (on `dev`, unless it has global scope).
   */
  #chkAddr(addr: Uint8Array, dev: NetDevice | null): boolean {
    return this.#devices().some((d) =>
      d.ifa6.some((a) => eq(a.addr, addr) && (!dev || d === dev || (a.scope !== RT_SCOPE.RT_SCOPE_LINK && a.scope !== RT_SCOPE.RT_SCOPE_HOST))),
    );
  }

  /** #lookupGw finds the device a non-link-local gateway is reached through (ip6_route_check_nh()). */
  #lookupGw(gw: Uint8Array, dev: NetDevice | undefined): NetDevice | undefined {
    const tb = this.fib.get(RT_TABLE.RT_TABLE_MAIN);
    const rt = tb?.lookup(gw, (r) => !(r.flags & RTF.RTF_REJECT) && !r.gw && (!dev || r.dev === dev));
    return rt?.dev;
  }

  /** delRoute mirrors ip6_route_del(). */
  delRoute(n: Notifier, cfg: Rt6Config): void {
    const tb = this.fib.get(cfg.table || RT_TABLE.RT_TABLE_MAIN);
    if (!tb) throw new KernelError('ESRCH', 'FIB table does not exist');
    // RTM_F_CLONED deletes from the routes' exception caches, which nlsim has none of.
    if (cfg.flags & RTF.RTF_CACHE) throw new KernelError('ESRCH');
    const rt = tb.prefix(ipv6Prefix(cfg.dst, cfg.dstLen), cfg.dstLen).find(
      (r) =>
        !(r.nh && cfg.nhId && r.nh.id !== cfg.nhId) &&
        (!cfg.metric || r.metric === cfg.metric) &&
        (!cfg.protocol || r.protocol === cfg.protocol) &&
        (r.nh !== undefined || (!cfg.nhId &&
        (!cfg.oif || r.dev.ifindex === cfg.oif) &&
        (!cfg.gw || (r.gw !== null && eq(r.gw, cfg.gw))))),
    );
    if (!rt) throw new KernelError('ESRCH');
    // __ip6_del_rt_siblings(): without a gateway the whole group goes, reported once as it was.
    if (!cfg.gw && rt.siblings && !rt.nh) {
      const group = [...rt.siblings];
      this.rtNotify(n, RTM.RTM_DELROUTE, rt, 0);
      for (const s of group) {
        unlinkSibling(s);
        tb.remove(s);
      }
      return;
    }
    tb.remove(rt);
    unlinkSibling(rt);
    this.rtNotify(n, RTM.RTM_DELROUTE, rt, 0);
  }


  /** #kernelRoute adds an addrconf route (no request: seq 0); a duplicate is silently kept. */
  #kernelRoute(dev: NetDevice, dst: Uint8Array, plen: number, table: number, type: number, metric: number, expires?: number): void {
    try {
      this.addRoute({ ks: this.ks! }, {
        dst, dstLen: plen, table, protocol: RTPROT.RTPROT_KERNEL, type, metric, oif: dev.ifindex, gw: null, prefsrc: null,
        flags: RTF.RTF_UP, nhFlags: 0, pref: 0, metrics: null, nlflags: NLM_F_CREATE, ...(expires === undefined ? {} : { expires }),
      });
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
  }

  /** #localRoute adds the local route of an address (addrconf_f6i_alloc() + ip6_ins_rt()); metric 0. */
  #localRoute(ifa: Inet6Ifaddr): void {
    const tb = this.fib.create(RT_TABLE.RT_TABLE_LOCAL);
    const rt: Rt6 = {
      dst: ifa.addr, plen: 128, table: RT_TABLE.RT_TABLE_LOCAL, type: RTN.RTN_LOCAL, protocol: RTPROT.RTPROT_KERNEL, metric: 0, dev: ifa.dev,
      gw: null, prefsrc: null, flags: RTF.RTF_UP | RTF.RTF_NONEXTHOP | RTF.RTF_LOCAL, nhFlags: 0, pref: 0, metrics: null, order: 0,
    };
    if (tb.prefix(ifa.addr, 128).some((r) => r.dev === ifa.dev && r.type === RTN.RTN_LOCAL)) return;
    tb.insert(rt);
    this.rtNotify({ ks: this.ks! }, RTM.RTM_NEWROUTE, rt, NLM_F_EXCL | NLM_F_CREATE);
  }

  /** #removePrefsrc mirrors rt6_remove_prefsrc(): routes preferring a vanished address forget it (silently). */
  #removePrefsrc(addr: Uint8Array): void {
    for (const tb of this.fib.tables()) for (const rt of tb.routes()) if (rt.prefsrc && eq(rt.prefsrc, addr)) rt.prefsrc = null;
  }

  /** #dropRoutes deletes matching routes with RTM_DELROUTE, tables in dump order. */
  #dropRoutes(pred: (rt: Rt6) => boolean): void {
    for (const tb of this.fib.tables()) {
      for (const rt of tb.removeWhere(pred)) {
        // fib6_del_route() takes a sibling out of its group before reporting it alone.
        unlinkSibling(rt);
        this.rtNotify({ ks: this.ks! }, RTM.RTM_DELROUTE, rt, 0);
      }
    }
  }

  /** deleteNexthopRoutes is __remove_nexthop_fib() for IPv6: each route using `nh` is deleted (ip6_del_rt(), notified). */
  deleteNexthopRoutes(nh: Nexthop): void {
    // The nexthop's f6i_list, newest route first.
    for (const rt of this.nexthopRoutes(nh)) {
      const tb = this.fib.get(rt.table);
      if (!tb || !tb.routes().includes(rt)) continue;
      tb.remove(rt);
      this.rtNotify({ ks: this.ks! }, RTM.RTM_DELROUTE, rt, 0);
    }
  }

  /** notifyNexthopRoutes mirrors fib6_rt_update() over the nexthop's f6i_list: RTM_NEWROUTE with NLM_F_REPLACE. */
  notifyNexthopRoutes(nh: Nexthop, n: Notifier): void {
    for (const rt of this.nexthopRoutes(nh)) this.rtNotify(n, RTM.RTM_NEWROUTE, rt, NLM_F_REPLACE);
  }

  /** nexthopRoutes lists the routes using `nh` as its f6i_list holds them: newest first. */
  nexthopRoutes(nh: Nexthop): Rt6[] {
    const out: Rt6[] = [];
    for (const tb of this.fib.tables()) for (const r of tb.routes()) if (r.nh === nh) out.push(r);
    return out.sort((a, b) => (b.nhSeq ?? 0) - (a.nhSeq ?? 0));
  }

  /** #nhSeq numbers routes as they start using a nexthop object. */
  #nhSeq = 0;

  /**
   * #ifdown mirrors rt6_sync_down_dev() → fib6_ifdown() for NETDEV_DOWN and
   * NETDEV_UNREGISTER: routes through `dev` go (notified one by one); of a multipath group
   * only the siblings through it are marked DEAD unless all would be dead, which flushes the
   * group; at unregistration the siblings through it go, the others stay.
   */
  #ifdown(dev: NetDevice): void {
    const doomed = new Set<Rt6>();
    for (const tb of this.fib.tables()) {
      for (const r of tb.routes()) {
        if (r.flags & RTF.RTF_REJECT || r.nh) continue;
        const group = r.siblings;
        if (!group || dev.unregistered) {
          if (r.dev === dev) doomed.add(r);
          continue;
        }
        if (!group.some((x) => x.dev === dev)) continue;
        if (group.every((x) => x.dead || x.dev === dev)) for (const x of group) doomed.add(x);
        else for (const x of group) if (x.dev === dev) x.dead = true;
      }
    }
    this.#dropRoutes((r) => doomed.has(r));
  }

  // ---- addresses ----

  /** #link mirrors ipv6_link_dev_addr(): sorted by scope, newest first among equals. */
  #link(ifa: Inet6Ifaddr): void {
    const list = ifa.dev.ifa6;
    const rank = (s: number) => (s === RT_SCOPE.RT_SCOPE_UNIVERSE ? 0 : s === RT_SCOPE.RT_SCOPE_HOST ? 0x10 : s === RT_SCOPE.RT_SCOPE_LINK ? 0x20 : 0x40);
    let i = list.findIndex((x) => rank(x.scope) >= rank(ifa.scope));
    if (i < 0) i = list.length;
    list.splice(i, 0, ifa);
  }

  /**
   * #dadComplete mirrors addrconf_dad_completed(): the final RTM_NEWADDR, then the local route
   * and, for an address with a peer, the peer's /128 route at the address's metric
   * (__ipv6_ifa_notify(RTM_NEWADDR));
   * the first usable link-local address then sends the MLD reports DAD held back and starts
   * router solicitation (IF_RS_SENT).
   */
  #dadComplete(ifa: Inet6Ifaddr): void {
    ifa.flags &= ~(IFA_F.IFA_F_TENTATIVE | IFA_F.IFA_F_OPTIMISTIC | IFA_F.IFA_F_DADFAILED);
    this.ifaNotify(RTM.RTM_NEWADDR, ifa);
    this.#localRoute(ifa);
    if (ifa.peer) this.#kernelRoute(ifa.dev, ifa.peer, 128, RT_TABLE.RT_TABLE_MAIN, RTN.RTN_UNICAST, ifa.rtPriority || IP6_RT_PRIO_ADDRCONF);
    const dev = ifa.dev;
    const idev = dev.inet6;
    if (!idev || ifa.scope !== RT_SCOPE.RT_SCOPE_LINK || !this.#lonelyLladdr(ifa)) return;
    this.#mldReport(dev, this.#mldDadWork); // ipv6_mc_dad_complete()
    const conf = idev.conf;
    // ipv6_accept_ra(): accept_ra 1 on a host, or 2.
    const acceptRa = conf[DEVCONF_ACCEPT_RA] === 2 || (conf[DEVCONF_ACCEPT_RA] === 1 && conf[DEVCONF_FORWARDING] === 0);
    if (!acceptRa || conf[DEVCONF_RTR_SOLICITS] === 0 || dev.flags & IFF.IFF_LOOPBACK) return;
    this.#sendRs(dev);
    idev.flags = (idev.flags | IF_RS_SENT) >>> 0;
    this.#armRs(dev, backoffInit(conf[DEVCONF_RTR_SOLICIT_INTERVAL]!, this.#options.random), 1);
  }

  /** #lonelyLladdr mirrors ipv6_lonely_lladdr(): no other usable permanent link-local address. */
  #lonelyLladdr(ifa: Inet6Ifaddr): boolean {
    const busy = IFA_F.IFA_F_PERMANENT | IFA_F.IFA_F_TENTATIVE | IFA_F.IFA_F_OPTIMISTIC | IFA_F.IFA_F_DADFAILED;
    return !ifa.dev.ifa6.some((a) => a !== ifa && a.scope === RT_SCOPE.RT_SCOPE_LINK && (a.flags & busy) === IFA_F.IFA_F_PERMANENT);
  }

  /** #sendRs stands for ndisc_send_rs() to ff02::2 from a usable link-local address. */
  #sendRs(dev: NetDevice): boolean {
    if (!dev.ifa6.some((a) => a.scope === RT_SCOPE.RT_SCOPE_LINK && !(a.flags & IFA_F.IFA_F_TENTATIVE))) return false;
    this.ndMcastOutput?.(dev, ALL_ROUTERS);
    return true;
  }

  /**
   * #armRs mirrors addrconf_mod_rs_timer() and addrconf_rs_timer(): solicitations repeat
   * (rtr_solicits −1: for ever) with RFC 3315 backoff up to rtr_solicit_max_interval, while
   * the device stays ready.
   */
  #armRs(dev: NetDevice, interval: number, probes: number): void {
    this.#rsTimer.get(dev)?.timer.cancel();
    const timer = this.#options.setTimer(interval, () => {
      this.#rsTimer.delete(dev);
      const idev = dev.inet6;
      if (!idev || !(idev.flags & IF_READY) || dev.unregistered) return;
      const limit = idev.conf[DEVCONF_RTR_SOLICITS]!;
      if (limit >= 0 && probes >= limit) return;
      if (!this.#sendRs(dev)) return;
      const next = backoffUpdate(interval, idev.conf[DEVCONF_RTR_SOLICIT_MAX_INTERVAL]!, this.#options.random);
      this.#armRs(dev, probes + 1 === limit ? idev.conf[DEVCONF_RTR_SOLICIT_DELAY]! : next, probes + 1);
    });
    this.#rsTimer.set(dev, { timer, interval, probes });
  }

  /**
   * #mldReport stands for MLDv2 reports (to ff02::16) about the device's groups, sent on an up
   * multicast device that has joined a reportable group (the solicited-node group of each of
   * its addresses; ff02::1 is never reported): one now, and for robustness (mc_qrv 2) one
   * more after a random delay below unsolicited_report_interval, from the device's report
   * work (`work`: mc_ifc_work, or mc_dad_work after DAD), which a new event re-arms.
   */
  #mldReport(dev: NetDevice, work = this.#mldIfcWork): void {
    if (!mldReportable(dev)) return;
    this.ndMcastOutput?.(dev, MLD2_ALL_MCR);
    work.get(dev)?.cancel();
    work.set(dev, this.#options.setTimer(this.#options.random(MLD2_UNSOLICITED_REPORT_INTERVAL_MS), () => {
      work.delete(dev);
      if (mldReportable(dev)) this.ndMcastOutput?.(dev, MLD2_ALL_MCR);
    }));
  }

  /** Each device's pending MLD report works (idev->mc_ifc_work, idev->mc_dad_work). */
  readonly #mldIfcWork = new WeakMap<NetDevice, KernelTimer>();
  readonly #mldDadWork = new WeakMap<NetDevice, KernelTimer>();

  /** proxyJoin mirrors pndisc_constructor(): a proxy ND entry joins its solicited-node group (reported when new). */
  proxyJoin(dev: NetDevice, addr: Uint8Array): void {
    if (dev.inet6 && mcJoin(dev.inet6.mc, solicitedNode(addr), this.nowCs)) this.#mldReport(dev);
  }

  /** proxyLeave mirrors pndisc_destructor(). */
  proxyLeave(dev: NetDevice, addr: Uint8Array): void {
    if (dev.inet6) mcLeave(dev.inet6.mc, solicitedNode(addr));
  }

  /**
   * mcUp mirrors ipv6_mc_up() on a device that was already configured when its carrier came
   * back (addrconf_notify(NETDEV_CHANGE) with IF_READY): MLD reports go out again.
   */
  mcUp(dev: NetDevice): void {
    this.#mldReport(dev);
  }

  /** newAddr mirrors ipv6_add_addr(): an address object (not yet linked). */
  #newAddr(dev: NetDevice, addr: Uint8Array, plen: number, flags: number, proto: number, lft: { valid: number; preferred: number }, rtPriority: number, peer: Uint8Array | null): Inet6Ifaddr {
    const now = this.nowCs;
    return { dev, addr, peer, prefixlen: plen, scope: addrScope(addr), flags, validLft: lft.valid, preferredLft: lft.preferred, cstamp: now, tstamp: now, rtPriority, proto };
  }

  /**
   * addAddr mirrors inet6_addr_add(): the prefix route, a first RTM_NEWADDR while tentative
   * (unless nodad/optimistic), then DAD. With a peer (IFA_ADDRESS besides a different
   * IFA_LOCAL) the prefix route is still the local address's prefix; the peer gets a /128
   * route once DAD completes (#dadComplete()).
   */
  addAddr(dev: NetDevice, addr: Uint8Array, plen: number, flags: number, lft: { valid: number; preferred: number }, rtPriority: number, proto: number, peer?: Uint8Array): void {
    if (!dev.inet6) throw new KernelError('EACCES', 'ipv6: IPv6 is disabled on this device');
    const scope = addrScope(addr);
    if (addr.every((b) => b === 0)) throw new KernelError('EADDRNOTAVAIL', 'ipv6: Invalid address');
    if (addr[0] === 0xff) throw new KernelError('EADDRNOTAVAIL', 'ipv6: Cannot assign multicast address without "IFA_F_MCAUTOJOIN" flag');
    if (scope === RT_SCOPE.RT_SCOPE_HOST && !(dev.flags & IFF.IFF_LOOPBACK)) throw new KernelError('EADDRNOTAVAIL', 'ipv6: Cannot assign loopback address on this device');
    if (!(dev.flags & IFF.IFF_LOOPBACK)) this.#kernelRoute(dev, MCAST_PREFIX, 8, RT_TABLE.RT_TABLE_LOCAL, RTN.RTN_MULTICAST, IP6_RT_PRIO_ADDRCONF);
    let f = flags | IFA_F.IFA_F_TENTATIVE;
    if (lft.valid === 0xffffffff) f |= IFA_F.IFA_F_PERMANENT;
    if (lft.preferred === 0) f |= IFA_F.IFA_F_DEPRECATED;
    const ifa = this.#newAddr(dev, addr, plen, f, proto, lft, rtPriority, peer && !isAny(peer) ? peer : null);
    this.#link(ifa);
    // addrconf_prefix_route(): a finite valid lifetime makes the prefix route expire with it.
    const expires = lft.valid === 0xffffffff ? undefined : lft.valid * 1000;
    if (!(flags & IFA_F.IFA_F_NOPREFIXROUTE)) this.#kernelRoute(dev, ipv6Prefix(addr, plen), plen, RT_TABLE.RT_TABLE_MAIN, RTN.RTN_UNICAST, rtPriority || IP6_RT_PRIO_ADDRCONF, expires);
    if (!(ifa.flags & (IFA_F.IFA_F_OPTIMISTIC | IFA_F.IFA_F_NODAD))) this.ifaNotify(RTM.RTM_NEWADDR, ifa);
    this.#dadStart(ifa);
    this.#runDad();
    this.checkLifetimes();
  }

  #lifetimeWork: KernelTimer | null = null;

  /**
   * checkLifetimes mirrors addrconf_verify_rtnl(): addresses past their preferred lifetime
   * become DEPRECATED (RTM_NEWADDR), past their valid lifetime they are deleted
   * (ipv6_del_addr()); then the work waits for the next such moment.
   * @note Linux rounds the wake-up to a whole second when close enough; nlsim wakes at the
   * moment itself (the whole-second lifetimes reported are the same). Addresses due at the
   * same moment go in device and list order, Linux's in the order of a per-namespace hash.
   */
  checkLifetimes(): void {
    this.#lifetimeWork?.cancel();
    this.#lifetimeWork = null;
    const now = this.nowCs;
    const next = ageAddresses(this.#devices().map((dev) => dev.ifa6), now, {
      remove: (ifa) => this.delAddr(ifa),
      announce: (ifa) => this.ifaNotify(RTM.RTM_NEWADDR, ifa),
    }, true);
    if (next !== Infinity) this.#lifetimeWork = this.#options.setTimer(Math.max(0, (next - now) * 10), () => this.checkLifetimes());
  }

  /** Addresses whose DAD work Linux starts after the current request (addrconf_dad_start()). */
  readonly #pendingDad: Inet6Ifaddr[] = [];

  /** #dadStart mirrors addrconf_dad_start(): DAD begins from the work queue, after the current event. */
  #dadStart(ifa: Inet6Ifaddr): void {
    if (!ifa.dev.inet6 || !(ifa.flags & IFA_F.IFA_F_TENTATIVE)) return;
    this.#pendingDad.push(ifa);
  }

  /** #runDad runs the DAD work queued by #dadStart(). */
  #runDad(): void {
    for (const ifa of this.#pendingDad.splice(0)) if (ifa.dev.ifa6.includes(ifa) && ifa.flags & IFA_F.IFA_F_TENTATIVE) this.#dadBegin(ifa);
  }

  /**
   * #dadBegin mirrors addrconf_dad_begin(): joining the address's solicited-node group (an MLD
   * report); a device without DAD (NOARP, loopback, accept_dad < 1) or a nodad address
   * completes at once; on a device that is not ready a permanent address stays tentative
   * (addrconf_dad_stop()) until it is; otherwise addrconf_dad_kick() sends the first probe
   * after a random delay below rtr_solicit_delay.
   */
  #dadBegin(ifa: Inet6Ifaddr): void {
    const dev = ifa.dev;
    const idev = dev.inet6!;
    // addrconf_join_solict(): not on NOARP or loopback devices; a group the device already
    // has (another address with the same last 24 bits) gets a user, not a report.
    if (!(dev.flags & (IFF.IFF_NOARP | IFF.IFF_LOOPBACK)) && !this.#solicited.has(ifa)) {
      this.#solicited.add(ifa);
      if (mcJoin(idev.mc, solicitedNode(ifa.addr), this.nowCs)) this.#mldReport(dev);
    }
    const noDad = dev.flags & (IFF.IFF_NOARP | IFF.IFF_LOOPBACK) || idev.conf[DEVCONF_ACCEPT_DAD]! < 1 || ifa.flags & IFA_F.IFA_F_NODAD;
    if (noDad) {
      this.#dadComplete(ifa);
      return;
    }
    if (!(idev.flags & IF_READY)) return;
    const delay = ifa.flags & IFA_F.IFA_F_OPTIMISTIC ? 0 : this.#options.random(Math.max(1, idev.conf[DEVCONF_RTR_SOLICIT_DELAY]!));
    this.#armDad(ifa, delay, idev.conf[DEVCONF_DAD_TRANSMITS]!);
  }

  /**
   * #armDad mirrors addrconf_mod_dad_work() and addrconf_dad_work(): with probes left, one
   * more neighbour solicitation to the solicited-node group and a wait of retrans_time;
   * with none left, DAD succeeded (nobody answers in nlsim).
   */
  #armDad(ifa: Inet6Ifaddr, delay: number, probes: number): void {
    this.#dadWork.get(ifa)?.cancel();
    this.#dadWork.set(ifa, this.#options.setTimer(delay, () => {
      this.#dadWork.delete(ifa);
      if (!ifa.dev.ifa6.includes(ifa) || !(ifa.flags & IFA_F.IFA_F_TENTATIVE)) return;
      if (probes <= 0) {
        this.#dadComplete(ifa);
        return;
      }
      this.#armDad(ifa, RETRANS_TIME_MS, probes - 1);
      this.ndMcastOutput?.(ifa.dev, solicitedNode(ifa.addr));
    }));
  }

  /** Addresses whose solicited-node group the device joined for them (addrconf_join_solict()). */
  readonly #solicited = new WeakSet<Inet6Ifaddr>();

  /** #leaveSolicited mirrors addrconf_leave_solict() for an address that goes. */
  #leaveSolicited(ifa: Inet6Ifaddr): void {
    if (!this.#solicited.delete(ifa) || !ifa.dev.inet6) return;
    mcLeave(ifa.dev.inet6.mc, solicitedNode(ifa.addr));
  }

  /** #dadStop cancels an address's DAD work (addrconf_del_dad_work()). */
  #dadStop(ifa: Inet6Ifaddr): void {
    this.#dadWork.get(ifa)?.cancel();
    this.#dadWork.delete(ifa);
  }

  /**
   * delAddr mirrors ipv6_del_addr(): RTM_DELADDR, the peer's /128 route (the first in main
   * through the device, whoever added it), the local route, then the prefix route.
   */
  delAddr(ifa: Inet6Ifaddr): void {
    const list = ifa.dev.ifa6;
    list.splice(list.indexOf(ifa), 1);
    this.#dadStop(ifa);
    this.#leaveSolicited(ifa);
    this.ifaNotify(RTM.RTM_DELADDR, ifa);
    this.#removePrefsrc(ifa.addr);
    if (ifa.peer) {
      const peer = ifa.peer;
      const rt = this.fib.get(RT_TABLE.RT_TABLE_MAIN)?.prefix(peer, 128).find((r) => !r.nh && r.dev === ifa.dev);
      if (rt) this.#delRoute(rt);
    }
    this.#dropRoutes((r) => r.type === RTN.RTN_LOCAL && r.dev === ifa.dev && eq(r.dst, ifa.addr));
    // check_cleanup_prefix_route(), for permanent addresses only (a dynamic address's prefix
    // route expires on its own).
    if (ifa.flags & IFA_F.IFA_F_PERMANENT && !(ifa.flags & IFA_F.IFA_F_NOPREFIXROUTE)) this.#cleanupPrefixRoute(ifa);
  }

  /**
   * #cleanupPrefixRoute mirrors check_cleanup_prefix_route() and cleanup_prefix_route() for an
   * address that no longer keeps its prefix route: another permanent (or noprefixroute) address
   * of the prefix keeps the route; dynamic ones make it expire with the last of them; none
   * deletes it (RTM_DELROUTE).
   */
  #cleanupPrefixRoute(ifa: Inet6Ifaddr): void {
    const prefix = ipv6Prefix(ifa.addr, ifa.prefixlen);
    const others = ifa.dev.ifa6.filter((x) => x !== ifa && x.prefixlen === ifa.prefixlen && eq(ipv6Prefix(x.addr, x.prefixlen), prefix));
    if (others.some((x) => x.flags & (IFA_F.IFA_F_PERMANENT | IFA_F.IFA_F_NOPREFIXROUTE))) return;
    const tb = this.fib.get(RT_TABLE.RT_TABLE_MAIN);
    const rt = this.#prefixRoute(ifa);
    if (rt && !others.length) {
      tb!.remove(rt);
      this.rtNotify({ ks: this.ks! }, RTM.RTM_DELROUTE, rt, 0);
    } else if (rt && rt.expires === undefined) {
      rt.expires = Math.max(...others.map((x) => (x.tstamp + x.validLft * 100) * 10));
      this.#startGc(rt);
    }
  }

  /** #delRoute deletes a main-table route (ip6_del_rt()), notified. */
  #delRoute(rt: Rt6): void {
    this.fib.get(rt.table)!.remove(rt);
    unlinkSibling(rt);
    this.rtNotify({ ks: this.ks! }, RTM.RTM_DELROUTE, rt, 0);
  }

  /** #prefixRoute mirrors addrconf_get_prefix_route() for an address's prefix (or its peer's): the first on its device without a gateway. */
  #prefixRoute(ifa: Inet6Ifaddr, addr = ifa.addr): Rt6 | undefined {
    const tb = this.fib.get(RT_TABLE.RT_TABLE_MAIN);
    return tb?.prefix(ipv6Prefix(addr, ifa.prefixlen), ifa.prefixlen).find((r) => r.dev === ifa.dev && r.protocol === RTPROT.RTPROT_KERNEL && !r.gw);
  }

  /**
   * modifyAddr mirrors inet6_addr_modify() (RTM_NEWADDR with NLM_F_REPLACE for an address the
   * device has, matched by address alone: the request's prefix length is ignored). The flags
   * nodad, noprefixroute, permanent and deprecated are replaced, the others (tentative) kept;
   * the lifetimes start again now; IFA_PROTO is replaced (0 when absent), IFA_RT_PRIORITY only
   * when given and non-zero. RTM_NEWADDR unless tentative, then the prefix route: an address
   * that had one (permanent, without noprefixroute) and keeps it has it moved to its metric
   * (RTM_DELROUTE then RTM_NEWROUTE) or its expiry changed in place (silently); one that had
   * none gets it added (silently when it exists: a duplicate takes the new expiry, as
   * addrconf_prefix_route() does on add); one that gives it up cleans it up as on deletion.
   * A peer (IFA_ADDRESS besides a different IFA_LOCAL; all zeroes: none) different from the
   * address's deletes the old peer's prefix route (peer/prefixlen) before RTM_NEWADDR; an
   * address with a peer then has its peer's prefix route modified or added like its own
   * (the /128 peer route of #dadComplete() is neither added nor removed here).
   * @note For a permanent address given a finite valid lifetime, with its prefix route at
   * the same metric, Linux (modify_prefix_route()) stores the lifetime in clock ticks as the
   * route's absolute expiry in jiffies: a moment long past (before boot, with jiffies starting
   * at INITIAL_JIFFIES, 300 s before wrapping 32 bits), reported as a large negative
   * rta_expires, and the route goes at the next FIB garbage collection, which this does not
   * start. nlsim stores the same moment, with its clock's start as jiffies' start.
   */
  modifyAddr(ifa: Inet6Ifaddr, flags: number, lft: { valid: number; preferred: number }, rtPriority: number, proto: number, peer?: Uint8Array): void {
    const infinite = lft.valid === 0xffffffff;
    // A different peer asked for: the old peer's prefix route goes first (cleanup_prefix_route()).
    const newPeer = peer !== undefined && !(ifa.peer ? eq(ifa.peer, peer) : isAny(peer));
    if (newPeer && ifa.peer) {
      const rt = this.#prefixRoute(ifa, ifa.peer);
      if (rt) this.#delRoute(rt);
    }
    let cfgFlags = flags;
    if (infinite) cfgFlags |= IFA_F.IFA_F_PERMANENT;
    if (lft.preferred === 0) cfgFlags |= IFA_F.IFA_F_DEPRECATED;
    const hadPrefixRoute = (ifa.flags & IFA_F.IFA_F_PERMANENT) !== 0 && !(ifa.flags & IFA_F.IFA_F_NOPREFIXROUTE);
    ifa.flags &= ~(IFA_F.IFA_F_DEPRECATED | IFA_F.IFA_F_PERMANENT | IFA_F.IFA_F_NODAD | IFA_F.IFA_F_HOMEADDRESS | IFA_F.IFA_F_MANAGETEMPADDR | IFA_F.IFA_F_NOPREFIXROUTE);
    ifa.flags |= cfgFlags;
    ifa.tstamp = this.nowCs;
    ifa.validLft = lft.valid;
    ifa.preferredLft = lft.preferred;
    ifa.proto = proto;
    if (rtPriority) ifa.rtPriority = rtPriority;
    if (newPeer) ifa.peer = isAny(peer!) ? null : peer!;
    if (!(ifa.flags & IFA_F.IFA_F_TENTATIVE)) this.ifaNotify(RTM.RTM_NEWADDR, ifa);
    const expires = infinite ? undefined : lft.valid * 1000;
    // modify_prefix_route() of the address's prefix, then of its peer's prefix (an address
    // with a peer), or addrconf_prefix_route() when the address had no prefix route.
    const modifyPrefixRoute = (addr: Uint8Array, had: boolean) => {
      const addPrefixRoute = () =>
        this.#kernelRoute(ifa.dev, ipv6Prefix(addr, ifa.prefixlen), ifa.prefixlen, RT_TABLE.RT_TABLE_MAIN, RTN.RTN_UNICAST, ifa.rtPriority || IP6_RT_PRIO_ADDRCONF, expires);
      const rt = had ? this.#prefixRoute(ifa, addr) : undefined;
      if (!rt) addPrefixRoute();
      else if (rt.metric !== (ifa.rtPriority || IP6_RT_PRIO_ADDRCONF)) {
        this.#delRoute(rt);
        addPrefixRoute();
      } else if (infinite) rt.expires = undefined;
      // The clock ticks of the lifetime taken for jiffies (HZ 250: 4 ms), counted from
      // INITIAL_JIFFIES, which nlsim puts at its clock's start.
      else rt.expires = (lft.valid * 100 - INITIAL_JIFFIES) * 4;
    };
    if (!(flags & IFA_F.IFA_F_NOPREFIXROUTE)) {
      modifyPrefixRoute(ifa.addr, hadPrefixRoute);
      if (ifa.peer) modifyPrefixRoute(ifa.peer, hadPrefixRoute);
    } else if (hadPrefixRoute) this.#cleanupPrefixRoute(ifa);
    this.checkLifetimes();
  }

  // ---- device events ----

  /**
   * devReady mirrors addrconf_notify() making a device IF_READY: lo gets ::1
   * (init_loopback()), others ff00::/8 and their link-local address (addrconf_dev_config()).
   */
  devReady(ks: KernelSocket, dev: NetDevice): void {
    this.ks = ks;
    const idev = dev.inet6;
    if (!idev) return;
    this.#config(dev);
    // The end of addrconf_notify(NETDEV_UP/CHANGE): a new tstamp and RTM_NEWLINK to RTNLGRP_IPV6_IFINFO.
    idev.tstamp = this.nowCs;
    inet6IfinfoNotify(ks, dev);
    this.#runDad();
    // rt6_sync_up(dev, RTNH_F_DEAD): its dead siblings come back (silently).
    for (const tb of this.fib.tables()) for (const r of tb.routes()) if (r.dead && r.dev === dev) r.dead = false;
  }

  /** #config mirrors init_loopback() for lo and addrconf_dev_config() for other devices. */
  #config(dev: NetDevice): void {
    const idev = dev.inet6!;
    if (dev.flags & IFF.IFF_LOOPBACK) {
      if (dev.ifa6.some((a) => eq(a.addr, LOOPBACK6))) return;
      const ifa = this.#newAddr(dev, LOOPBACK6, 128, IFA_F.IFA_F_PERMANENT, IFAPROT.IFAPROT_KERNEL_LO, { valid: 0xffffffff, preferred: 0xffffffff }, 0, null);
      this.#link(ifa);
      this.#dadComplete(ifa);
      return;
    }
    // addrconf_add_dev() → ipv6_find_idev() → ipv6_mc_up(): the groups joined so far (proxy
    // entries', addresses added while down) are reported.
    this.#mldReport(dev);
    // addrconf_permanent_addr(): addresses added while the device was down get their prefix
    // route, and those still tentative their DAD.
    for (const ifa of [...dev.ifa6]) {
      if (!(ifa.flags & IFA_F.IFA_F_PERMANENT)) continue;
      if (!(ifa.flags & IFA_F.IFA_F_NOPREFIXROUTE)) {
        this.#kernelRoute(dev, ipv6Prefix(ifa.addr, ifa.prefixlen), ifa.prefixlen, RT_TABLE.RT_TABLE_MAIN, RTN.RTN_UNICAST, ifa.rtPriority || IP6_RT_PRIO_ADDRCONF);
      }
      this.#dadStart(ifa);
    }
    // addrconf_dev_config(): the multicast route, then the link-local address.
    this.#kernelRoute(dev, MCAST_PREFIX, 8, RT_TABLE.RT_TABLE_LOCAL, RTN.RTN_MULTICAST, IP6_RT_PRIO_ADDRCONF);
    const mode = idev.addrGenMode;
    if (mode === 1) return; // IN6_ADDR_GEN_MODE_NONE
    const ll = linkLocal(dev, mode, this.#options.random);
    if (!ll) {
      this.#kernelRoute(dev, LL_PREFIX, 64, RT_TABLE.RT_TABLE_MAIN, RTN.RTN_UNICAST, IP6_RT_PRIO_ADDRCONF);
      return;
    }
    const ifa = this.#newAddr(dev, ll, 64, IFA_F.IFA_F_PERMANENT | IFA_F.IFA_F_TENTATIVE, IFAPROT.IFAPROT_KERNEL_LL, { valid: 0xffffffff, preferred: 0xffffffff }, 0, null);
    if (mode === 2 || mode === 3) ifa.flags |= IFA_F.IFA_F_STABLE_PRIVACY;
    this.#link(ifa);
    this.#kernelRoute(dev, LL_PREFIX, 64, RT_TABLE.RT_TABLE_MAIN, RTN.RTN_UNICAST, IP6_RT_PRIO_ADDRCONF);
    this.#dadStart(ifa);
  }

  /** devDown mirrors addrconf_ifdown(): routes through the device (notified), then every address. */
  devDown(ks: KernelSocket, dev: NetDevice): void {
    this.ks = ks;
    // rt6_disable_ip(): the routes, then the ND entries (neigh_ifdown(&nd_tbl)).
    this.#ifdown(dev);
    this.ndIfdown?.(dev);
    this.#rsTimer.get(dev)?.timer.cancel();
    this.#rsTimer.delete(dev);
    // ipv6_mc_down(): the report works stop.
    for (const work of [this.#mldIfcWork, this.#mldDadWork]) {
      work.get(dev)?.cancel();
      work.delete(dev);
    }
    for (const ifa of dev.ifa6.splice(0)) {
      this.#dadStop(ifa);
      this.#leaveSolicited(ifa);
      this.ifaNotify(RTM.RTM_DELADDR, ifa);
      this.#removePrefsrc(ifa.addr);
    }
  }
}

/**
 * linkLocal builds the link-local address addrconf_addr_gen() gives a device: EUI-64 from
 * the MAC (ipv6_generate_eui64()), or null when the device type has none.
 * @note Stable-privacy and random modes hash a secret; nlsim draws the interface id from its
 * seeded generator (the same structure, not the same value).
 */
export function linkLocal(dev: NetDevice, mode: number, random: (n: number) => number): Uint8Array | null {
  const a = new Uint8Array(16);
  a[0] = 0xfe;
  a[1] = 0x80;
  if (mode === 0) {
    if (dev.address.length !== 6 || dev.address.every((b) => b === 0)) return null;
    a.set(dev.address.subarray(0, 3), 8);
    a[8]! ^= 2;
    a[11] = 0xff;
    a[12] = 0xfe;
    a.set(dev.address.subarray(3, 6), 13);
    return a;
  }
  for (let i = 8; i < 16; i++) a[i] = random(256);
  return a;
}

/** rfcScope is an address's RFC 4007 scope (1 interface-local … 14 global). */
function rfcScope(a: Uint8Array): number {
  if (a[0] === 0xff) return a[1]! & 0x0f;
  const s = addrScope(a);
  return s === RT_SCOPE.RT_SCOPE_HOST ? 1 : s === RT_SCOPE.RT_SCOPE_LINK ? 2 : s === RT_SCOPE.RT_SCOPE_SITE ? 5 : 14;
}

/** commonPrefix counts the leading bits `a` and `b` share. */
function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 16; i++) {
    const x = a[i]! ^ b[i]!;
    if (x) return i * 8 + Math.clz32(x) - 24;
  }
  return 128;
}

/** fillRt6Answer mirrors rt6_fill_node() for a route lookup's dst (inet6_rtm_getroute()). */
export function fillRt6Answer(w: AttrWriter, rt: Rt6, dst: Uint8Array, src: Uint8Array, prefsrc: Uint8Array | null, dev: NetDevice): void {
  rtmsgHeader(w, { family: AF_INET6, dstLen: 128, srcLen: 128, tos: 0, table: rt.table, protocol: rt.protocol, scope: 0, type: rt.type, flags: rt.nhFlags });
  w.u32(RTA.RTA_TABLE, rt.table);
  w.bytes(RTA.RTA_DST, dst);
  w.bytes(RTA.RTA_SRC, src);
  if (prefsrc) w.bytes(RTA.RTA_PREFSRC, prefsrc);
  putMetrics(w, rt.metrics);
  w.u32(RTA.RTA_PRIORITY, rt.metric);
  if (rt.gw) w.bytes(RTA.RTA_GATEWAY, rt.gw);
  w.u32(RTA.RTA_OIF, dev.ifindex);
  w.bytes(RTA.RTA_CACHEINFO, new Uint8Array(32));
  w.u8(RTA.RTA_PREF, rt.pref);
}
