/**
 * IPv4 on one namespace: the in_device address lists (net/ipv4/devinet.c), the FIB
 * (fib_frontend.c: fib_add_ifaddr(), fib_del_ifaddr(), fib_magic(), fib_disable_ip();
 * fib_semantics.c: fib_create_info() checks) and the RTM_NEWADDR / RTM_NEWROUTE
 * notifications each change sends, in Linux's order.
 */
import { KernelError } from '../../../sim/errors.js';
import type { KernelTimer } from '../../../sim/clock.js';
import type { KernelSocket } from '../../../sim/kernel-socket.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import { mcJoin, mcLeave, type NetDevice } from '../core/index.js';

/** 224.0.0.1, the all-hosts group (IGMP_ALL_HOSTS). */
const IGMP_ALL_HOSTS = Uint8Array.of(224, 0, 0, 1);
import { Fib4, type FibAlias, type FibNh, type FibTable, syncCarrier } from './fib4.js';
import { FIB_NH_SIZE, FIB_NLMSG_SIZE, fillFibAlias } from './fib4-fill.js';
import { nlaFind, walkRtnh } from './rtnh.js';
import { fibCheckNexthop, isBlackhole, type Nexthop, NexthopTable, paths } from './nexthop-table.js';
import { fillInAddr, INET_NLMSG_SIZE } from './inet4-addr.js';
import { type InAddr } from '../core/index.js';
import { inetMask, INADDR_LOOPBACK, ipv4Read, isLbcast, isMulticast, isZeronet } from '../core/index.js';
import type { FibRule } from '../core/index.js';
import { notify, type Notifier } from '../core/index.js';
import type { Ipv6Stub } from './ipv6-stub.js';
import { ageAddresses } from '../core/index.js';
import { IFA_F, IFF, RT_SCOPE, RT_TABLE, RTA, RTM, RTN, RTNH_F, RTNLGRP, RTPROT } from '../core/uapi.js';

/** FIB_PROPS_SCOPE / FIB_PROPS_ERROR mirror fib_props[]: each type's widest scope and lookup error. */
export const FIB_PROPS_SCOPE = [255, 0, 254, 253, 253, 0, 0, 0, 0, 0, 255, 255];
export const FIB_PROPS_ERROR: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, 'EINVAL', 'EHOSTUNREACH', 'EACCES', 'EAGAIN', 'EINVAL', 'EINVAL'];

/** FibConfig mirrors struct fib_config (without nexthop objects and encapsulation). */
export interface FibConfig {
  dst: number;
  dstLen: number;
  tos: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
  nlflags: number;
  oif: number;
  gw: number;
  priority: number;
  prefsrc: number;
  metrics: (readonly [number, number])[] | null;
  flow: number;
  /** fc_mp: RTA_MULTIPATH's payload (rtnexthop entries), or null. */
  mp?: Uint8Array | null;
  /** fc_nh_id: RTA_NH_ID, the nexthop object to use (0: none). */
  nhId?: number;
  /** fc_gw6: an IPv6 gateway given in RTA_VIA (fc_gw_family AF_INET6), or null. */
  gw6?: Uint8Array | null;
}

/** NhConfig is the part of a fib_config one nexthop is made from (fib_nh_init()). */
interface NhConfig {
  gw: number;
  /** An IPv6 gateway (RTA_VIA), if any. */
  gw6?: Uint8Array | null;
  oif: number;
  flags: number;
  flow: number;
  weight: number;
}

/** Inet4 is one namespace's IPv4 state. */
export class Inet4 {
  readonly fib = new Fib4();
  /** The namespace's nexthop objects (net->nexthop; nexthop.ts wires them to the routes). */
  readonly nexthops = new NexthopTable();
  readonly #devices: () => readonly NetDevice[];
  readonly #now: () => number;

  constructor(devices: () => readonly NetDevice[], now: () => number) {
    this.#devices = devices;
    this.#now = now;
  }

  /** now is jiffies in centiseconds (cstamp/tstamp). */
  get nowCs(): number {
    return Math.floor(this.#now() / 10);
  }

  // ---- notifications ----

  /** rtmsgIfa mirrors rtmsg_ifa(). */
  rtmsgIfa(n: Notifier, event: number, ifa: InAddr): void {
    notify(n, event, 0, RTNLGRP.RTNLGRP_IPV4_IFADDR, (w) => fillInAddr(w, ifa, this.nowCs), INET_NLMSG_SIZE);
  }

  /** rtmsgFib mirrors rtmsg_fib(). */
  rtmsgFib(n: Notifier, event: number, fa: FibAlias, nlflags: number): void {
    notify(n, event, nlflags, RTNLGRP.RTNLGRP_IPV4_ROUTE, (w) => fillFibAlias(w, fa), FIB_NLMSG_SIZE + (fa.nhs ? fa.nhs.length - 1 : 0) * FIB_NH_SIZE);
  }

  // ---- addresses (devinet.c) ----

  /** insertIfa mirrors __inet_insert_ifa(): secondaries, list position, notification, routes. */
  insertIfa(n: Notifier, ifa: InAddr): void {
    const list = ifa.dev.ifa4;
    ifa.flags &= ~IFA_F.IFA_F_SECONDARY;
    let lastPrimary = 0;
    for (const [i, ifa1] of list.entries()) {
      if (!(ifa1.flags & IFA_F.IFA_F_SECONDARY) && ifa.scope <= ifa1.scope) lastPrimary = i + 1;
      if (ifa1.mask === ifa.mask && sameSubnet(ifa1.address, ifa)) {
        if (ifa1.local === ifa.local) throw new KernelError('EEXIST', 'ipv4: Address already assigned');
        if (ifa1.scope !== ifa.scope) throw new KernelError('EINVAL', 'ipv4: Invalid scope value');
        ifa.flags |= IFA_F.IFA_F_SECONDARY;
      }
    }
    if (ifa.flags & IFA_F.IFA_F_SECONDARY) list.push(ifa);
    else list.splice(lastPrimary, 0, ifa);
    this.rtmsgIfa(n, RTM.RTM_NEWADDR, ifa);
    // inetaddr_chain NETDEV_UP: fib_inetaddr_event() → fib_add_ifaddr(), fib_sync_up().
    this.fibAddIfaddr(ifa);
    this.syncUp(ifa.dev);
  }

  /**
   * deleteIfa mirrors __inet_del_ifa() with promote_secondaries off: deleting a primary
   * deletes its secondaries first; each goes with its RTM_DELADDR and then its routes.
   */
  deleteIfa(n: Notifier, ifa: InAddr, dead = false): void {
    const list = ifa.dev.ifa4;
    if (!(ifa.flags & IFA_F.IFA_F_SECONDARY)) {
      for (const ifa1 of [...list]) {
        if (!(ifa1.flags & IFA_F.IFA_F_SECONDARY) || ifa1.mask !== ifa.mask || !sameSubnet(ifa1.address, ifa)) continue;
        list.splice(list.indexOf(ifa1), 1);
        this.rtmsgIfa(n, RTM.RTM_DELADDR, ifa1);
        this.fibDelIfaddr(ifa1, undefined, dead);
      }
    }
    list.splice(list.indexOf(ifa), 1);
    this.rtmsgIfa(n, RTM.RTM_DELADDR, ifa);
    this.fibDelIfaddr(ifa, undefined, dead);
    // fib_inetaddr_event(NETDEV_DOWN): the last address gone disables IP on the device.
    if (!list.length) this.disableIp(ifa.dev, true);
  }

  /** byPrefix mirrors inet_ifa_byprefix(): the primary address of a subnet. */
  #byPrefix(dev: NetDevice, prefix: number, mask: number): InAddr | undefined {
    return dev.ifa4.find((i) => !(i.flags & IFA_F.IFA_F_SECONDARY) && i.mask === mask && sameSubnet(prefix, i));
  }

  /** fibMagic mirrors fib_magic(): a kernel route change (protocol kernel, no request). */
  fibMagic(cmd: number, type: number, dst: number, plen: number, prim: InAddr, priority: number): void {
    const cfg: FibConfig = {
      dst,
      dstLen: plen,
      tos: 0,
      table: type === RTN.RTN_UNICAST ? RT_TABLE.RT_TABLE_MAIN : RT_TABLE.RT_TABLE_LOCAL,
      protocol: RTPROT.RTPROT_KERNEL,
      scope: type !== RTN.RTN_LOCAL ? RT_SCOPE.RT_SCOPE_LINK : RT_SCOPE.RT_SCOPE_HOST,
      type,
      flags: 0,
      nlflags: NLM_F_CREATE | NLM_F_APPEND,
      oif: prim.dev.ifindex,
      gw: 0,
      priority,
      prefsrc: prim.local,
      metrics: null,
      flow: 0,
    };
    const n: Notifier = { ks: this.ks! };
    try {
      if (cmd === RTM.RTM_NEWROUTE) this.insertRoute(n, this.fib.create(cfg.table), cfg);
      else {
        const tb = this.fib.get(cfg.table);
        if (tb) this.deleteRoute(n, tb, cfg);
      }
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
  }

  /** ks is the namespace's kernel socket (set by whoever drives this state). */
  ks: KernelSocket | null = null;

  /** fibAddIfaddr mirrors fib_add_ifaddr(). */
  fibAddIfaddr(ifa: InAddr): void {
    const dev = ifa.dev;
    let prim = ifa;
    const mask = ifa.mask;
    const addr = ifa.local;
    const prefix = (ifa.address & mask) >>> 0;
    if (ifa.flags & IFA_F.IFA_F_SECONDARY) {
      const p = this.#byPrefix(dev, prefix, mask);
      if (!p) return;
      prim = p;
    }
    this.fibMagic(RTM.RTM_NEWROUTE, RTN.RTN_LOCAL, addr, 32, prim, 0);
    if (!(dev.flags & IFF.IFF_UP)) return;
    if (ifa.broadcast && ifa.broadcast !== 0xffffffff) this.fibMagic(RTM.RTM_NEWROUTE, RTN.RTN_BROADCAST, ifa.broadcast, 32, prim, 0);
    if (!isZeronet(prefix) && !(ifa.flags & IFA_F.IFA_F_SECONDARY) && (prefix !== addr || ifa.prefixlen < 32)) {
      if (!(ifa.flags & IFA_F.IFA_F_NOPREFIXROUTE)) {
        this.fibMagic(RTM.RTM_NEWROUTE, dev.flags & IFF.IFF_LOOPBACK ? RTN.RTN_LOCAL : RTN.RTN_UNICAST, prefix, ifa.prefixlen, prim, ifa.rtPriority);
      }
      if (ifa.prefixlen < 31) this.fibMagic(RTM.RTM_NEWROUTE, RTN.RTN_BROADCAST, (prefix | ~mask) >>> 0, 32, prim, 0);
    }
  }

  /** fibDelIfaddr mirrors fib_del_ifaddr(ifa, iprim): removes only what no other address still needs. */
  fibDelIfaddr(ifa: InAddr, iprim: InAddr | undefined, dead: boolean): void {
    const dev = ifa.dev;
    const LOCAL_OK = 1;
    const BRD_OK = 2;
    const BRD0_OK = 4;
    const BRD1_OK = 8;
    let ok = 0;
    let subnet = false;
    let prim = ifa;
    const brd = (ifa.address | ~ifa.mask) >>> 0;
    const any = (ifa.address & ifa.mask) >>> 0;
    if (ifa.flags & IFA_F.IFA_F_SECONDARY) {
      const p = this.#byPrefix(dev, any, ifa.mask);
      if (!p) return;
      if (iprim && iprim !== p) return;
      prim = p;
    } else if (!isZeronet(any) && (any !== ifa.local || ifa.prefixlen < 32)) {
      if (!(ifa.flags & IFA_F.IFA_F_NOPREFIXROUTE)) {
        this.fibMagic(RTM.RTM_DELROUTE, dev.flags & IFF.IFF_LOOPBACK ? RTN.RTN_LOCAL : RTN.RTN_UNICAST, any, ifa.prefixlen, prim, 0);
      }
      subnet = true;
    }
    if (!dead) {
      let prim1: InAddr | undefined;
      let samePrefsrc = false;
      for (const ifa1 of dev.ifa4) {
        if (ifa1 === ifa) continue;
        if (iprim && ifa1.mask === iprim.mask && sameSubnet(ifa1.address, iprim)) continue;
        if (ifa1.flags & IFA_F.IFA_F_SECONDARY) {
          if (ifa1.mask === prim.mask && sameSubnet(ifa1.address, prim)) prim1 = prim;
          else {
            if (!samePrefsrc) continue;
            if (!prim1 || ifa1.mask !== prim1.mask || !sameSubnet(ifa1.address, prim1)) prim1 = this.#byPrefix(dev, ifa1.address, ifa1.mask);
            if (!prim1) continue;
            if (prim1.local !== prim.local) continue;
          }
        } else {
          if (prim.local !== ifa1.local) continue;
          prim1 = ifa1;
          if (prim !== prim1) samePrefsrc = true;
        }
        if (ifa.local === ifa1.local) ok |= LOCAL_OK;
        if (ifa.broadcast === ifa1.broadcast) ok |= BRD_OK;
        if (brd === ifa1.broadcast) ok |= BRD1_OK;
        if (any === ifa1.broadcast) ok |= BRD0_OK;
        if (prim1 === ifa1 && ifa1.prefixlen < 31) {
          const brd1 = (ifa1.address | ~ifa1.mask) >>> 0;
          const any1 = (ifa1.address & ifa1.mask) >>> 0;
          if (!isZeronet(any1)) {
            if (ifa.broadcast === brd1 || ifa.broadcast === any1) ok |= BRD_OK;
            if (brd === brd1 || brd === any1) ok |= BRD1_OK;
            if (any === brd1 || any === any1) ok |= BRD0_OK;
          }
        }
      }
    }
    if (!(ok & BRD_OK)) this.fibMagic(RTM.RTM_DELROUTE, RTN.RTN_BROADCAST, ifa.broadcast, 32, prim, 0);
    if (subnet && ifa.prefixlen < 31) {
      if (!(ok & BRD1_OK)) this.fibMagic(RTM.RTM_DELROUTE, RTN.RTN_BROADCAST, brd, 32, prim, 0);
      if (!(ok & BRD0_OK)) this.fibMagic(RTM.RTM_DELROUTE, RTN.RTN_BROADCAST, any, 32, prim, 0);
    }
    if (!(ok & LOCAL_OK)) {
      this.fibMagic(RTM.RTM_DELROUTE, RTN.RTN_LOCAL, ifa.local, 32, prim, 0);
      // The address is gone for good: fib_sync_down_addr() marks the main table's routes that
      // preferred it (DEAD | UNRESOLVED), and fib_flush() deletes them with RTM_DELROUTE,
      // walking the trie backwards (fib_table_flush() counts child indexes down).
      if (this.addrTypeTable(ifa.local, RT_TABLE.RT_TABLE_LOCAL, dev) !== RTN.RTN_LOCAL) {
        const main = this.fib.get(RT_TABLE.RT_TABLE_MAIN);
        const gone = main ? main.removeWhere((fa) => fa.prefsrc === ifa.local) : [];
        const n: Notifier = { ks: this.ks! };
        // Leaves (keys) backwards, each leaf's aliases in list order (a stable sort).
        for (const fa of gone.sort((a, b) => b.key - a.key)) this.rtmsgFib(n, RTM.RTM_DELROUTE, fa, 0);
      }
    }
  }

  /**
   * disableIp mirrors fib_disable_ip() → fib_sync_down_dev() + fib_flush(): routes through
   * `dev` die silently; host-scope (local) ones only when `force`. Then arp_ifdown(): the
   * device's ARP entries go, permanent ones too, each notified.
   */
  disableIp(dev: NetDevice, force: boolean): void {
    // NETDEV_UNREGISTER (the device is unlisted already) kills every multipath route with a
    // nexthop through it; NETDEV_DOWN only those nexthops, and the route once all are dead.
    const unregister = force && dev.unregistered;
    for (const tb of this.fib.tables()) {
      tb.removeWhere((fa) => {
        if (!fa.nhs) return fa.dev === dev && (force || fa.scope !== RT_SCOPE.RT_SCOPE_HOST);
        if (!fa.nhs.some((nh) => nh.dev === dev)) return false;
        if (unregister) return true;
        syncCarrier(fa);
        for (const nh of fa.nhs) if (nh.dev === dev) nh.flags |= RTNH_F.RTNH_F_DEAD;
        return fa.nhs.every((nh) => nh.flags & RTNH_F.RTNH_F_DEAD);
      });
    }
    this.arpIfdown?.(dev);
  }

  /** syncUp mirrors fib_sync_up(dev, RTNH_F_DEAD): an up device with IPv4 revives its dead nexthops (silently). */
  syncUp(dev: NetDevice): void {
    if (!(dev.flags & IFF.IFF_UP) || !dev.inet) return;
    for (const tb of this.fib.tables()) {
      for (const fa of tb.aliases()) {
        if (!fa.nhs?.some((nh) => nh.dev === dev)) continue;
        syncCarrier(fa);
        for (const nh of fa.nhs) if (nh.dev === dev) nh.flags &= ~RTNH_F.RTNH_F_DEAD;
        // With the device running, LINKDOWN goes too once a nexthop is wholly alive.
        if (!dev.nhLinkdown && fa.nhs.some((nh) => !(nh.flags & RTNH_F.RTNH_F_DEAD) && !nh.dev.nhLinkdown)) fa.fiLinkdown = false;
      }
    }
  }

  /** arpIfdown flushes the device's ARP entries (core/neighbour.ts; inet4Pernet() wires it). */
  arpIfdown: ((dev: NetDevice) => void) | null = null;
  /** setTimer runs work on the kernel's clock (inet4Pernet() wires it). */
  setTimer: ((delayMs: number, callback: () => void) => KernelTimer) | null = null;
  #lifetimeWork: KernelTimer | null = null;

  /**
   * checkLifetimes mirrors check_lifetime() (devinet.c), the work that ages addresses with
   * finite lifetimes: past its preferred lifetime an address becomes DEPRECATED (RTM_NEWADDR),
   * past its valid lifetime it is deleted (inet_del_ifa(): RTM_DELADDR and its routes); then
   * the work waits for the next such moment.
   * @note Linux rounds the wake-up to a whole second when that is within 250 ms and never
   * sleeps less than a second; nlsim wakes at the moment itself. The lifetimes reported
   * (whole seconds counted from tstamp) are the same. Addresses due at the same moment go in
   * device and list order, Linux's in the order of a hash it seeds per namespace.
   */
  checkLifetimes(): void {
    this.#lifetimeWork?.cancel();
    this.#lifetimeWork = null;
    const now = this.nowCs;
    const next = ageAddresses(this.#devices().map((dev) => dev.ifa4), now, {
      remove: (ifa) => this.deleteIfa({ ks: this.ks! }, ifa),
      announce: (ifa) => this.rtmsgIfa({ ks: this.ks! }, RTM.RTM_NEWADDR, ifa),
    });
    if (next !== Infinity && this.setTimer) this.#lifetimeWork = this.setTimer(Math.max(0, (next - now) * 10), () => this.checkLifetimes());
  }

  // ---- device events (inetdev_event, fib_netdev_event) ----

  /** devUp mirrors NETDEV_UP: lo gets 127.0.0.1/8 (inetdev_event), every address its routes (fib_netdev_event). */
  devUp(ks: KernelSocket, dev: NetDevice): void {
    this.ks = ks;
    if (!dev.inet) return;
    // inetdev_event(NETDEV_UP) inserts 127.0.0.1/8 on loopback every time and ignores what
    // inet_insert_ifa() answers: beside a host-scope 127.x/8 set while lo was down it becomes
    // a secondary; it is already there (EEXIST), or a 127.x/8 of another scope refuses it (EINVAL).
    if (dev.flags & IFF.IFF_LOOPBACK) {
      try {
        this.insertIfa({ ks }, newInAddr(dev, INADDR_LOOPBACK, 8, RT_SCOPE.RT_SCOPE_HOST, this.nowCs));
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
      }
    }
    this.mcUp(dev);
    for (const ifa of [...dev.ifa4]) this.fibAddIfaddr(ifa);
    this.syncUp(dev);
  }

  /** devDown mirrors NETDEV_DOWN: ip_mc_down() (inetdev_event), then the routes through the device go, silently. */
  devDown(ks: KernelSocket, dev: NetDevice): void {
    this.ks = ks;
    // nh_netdev_event() runs first in the chain: the device's nexthops go (nexthop_flush_dev()).
    this.nexthops.flushDev(dev, false);
    if (dev.inet) mcLeave(dev.mc4, IGMP_ALL_HOSTS);
    this.disableIp(dev, false);
  }

  /** mcUp mirrors ip_mc_up(): an up device with IPv4 joins 224.0.0.1 (never reported by IGMP). */
  mcUp(dev: NetDevice): void {
    if (dev.inet) mcJoin(dev.mc4, IGMP_ALL_HOSTS, this.nowCs);
  }

  /**
   * devUnregister mirrors the start of inetdev_destroy(): every address deleted (notified;
   * the last one disables IP). The caller sends RTM_DELNETCONF, flushes ARP and calls
   * disableIp() for fib_netdev_event(NETDEV_UNREGISTER).
   */
  devUnregister(ks: KernelSocket, dev: NetDevice): void {
    this.ks = ks;
    if (dev.unregistered) this.nexthops.flushDev(dev, true);
    while (dev.ifa4.length) this.deleteIfa({ ks }, dev.ifa4[0]!, true);
    dev.mc4.length = 0; // ip_mc_destroy_dev()
  }

  // ---- routes (fib_table_insert / fib_table_delete) ----

  /** createInfo mirrors fib_create_info()'s checks; returns the route without list position. */
  createInfo(cfg: FibConfig, tbId: number): FibAlias {
    if (cfg.type > RTN.RTN_XRESOLVE) throw new KernelError('EINVAL', 'Invalid route type');
    if (FIB_PROPS_SCOPE[cfg.type]! > cfg.scope) throw new KernelError('EINVAL', 'Invalid scope');
    if (cfg.flags & (RTNH_F.RTNH_F_DEAD | RTNH_F.RTNH_F_LINKDOWN)) throw new KernelError('EINVAL', 'Invalid rtm_flags - can not contain DEAD or LINKDOWN');
    if (cfg.nhId) return this.#createInfoNh(cfg, tbId);
    const nhcs: NhConfig[] = cfg.mp ? getNhs(cfg) : [{ gw: cfg.gw, gw6: cfg.gw6 ?? null, oif: cfg.oif, flags: cfg.flags, flow: cfg.flow, weight: 1 }];
    const resolved: { dev: NetDevice | null; nhScope: number }[] = [];
    const error = FIB_PROPS_ERROR[cfg.type];
    if (error && cfg.type !== RTN.RTN_UNICAST) {
      if (cfg.gw || cfg.gw6 || cfg.oif || cfg.mp) throw new KernelError('EINVAL', 'Gateway, device and multipath can not be specified for this route type');
      resolved.push({ dev: null, nhScope: RT_SCOPE.RT_SCOPE_NOWHERE });
    } else {
      // Unicast, local, broadcast, anycast and multicast only: not RTN_UNSPEC either.
      if (cfg.type > RTN.RTN_MULTICAST || cfg.type === RTN.RTN_UNSPEC) throw new KernelError('EINVAL', 'Invalid route type');
      if (cfg.scope > RT_SCOPE.RT_SCOPE_HOST) throw new KernelError('EINVAL', 'Invalid scope');
      if (cfg.scope === RT_SCOPE.RT_SCOPE_HOST) {
        if (nhcs.length !== 1) throw new KernelError('EINVAL', 'Route with host scope can not have multiple nexthops');
        if (nhcs[0]!.gw || nhcs[0]!.gw6) throw new KernelError('EINVAL', 'Route with host scope can not have a gateway');
        const dev = this.#devices().find((d) => d.ifindex === nhcs[0]!.oif) ?? null;
        if (!dev) throw new KernelError('ENODEV');
        resolved.push({ dev, nhScope: RT_SCOPE.RT_SCOPE_NOWHERE });
      } else {
        for (const nhc of nhcs) resolved.push(this.#checkNh(nhc, cfg));
      }
    }
    if (cfg.prefsrc && !this.#validPrefsrc(cfg)) throw new KernelError('EINVAL', 'Invalid prefsrc address');
    const first = nhcs[0]!;
    const base = {
      key: cfg.dst,
      plen: cfg.dstLen,
      tos: cfg.tos,
      tbId,
      type: cfg.type,
      scope: cfg.scope,
      protocol: cfg.protocol,
      priority: cfg.priority,
      prefsrc: cfg.prefsrc,
      gw: first.gw,
      ...(first.gw || first.gw6 ? { nhScope: resolved[0]!.nhScope } : {}),
      ...(first.gw6 ? { gw6: first.gw6 } : {}),
      dev: resolved[0]!.dev,
      nhFlags: first.flags & RTNH_F.RTNH_F_ONLINK,
      metrics: cfg.metrics,
      flow: first.flow,
      order: 0,
    };
    if (nhcs.length === 1) return base;
    const nhs: FibNh[] = nhcs.map((c, i) => ({
      gw: c.gw, nhScope: resolved[i]!.nhScope, dev: resolved[i]!.dev!, flags: c.flags & 0xff, weight: c.weight, flow: c.flow, seenLinkdown: resolved[i]!.dev!.nhLinkdown,
      ...(c.gw6 ? { gw6: c.gw6 } : {}),
    }));
    const fa: FibAlias = { ...base, nhs, fibFlags: cfg.flags >>> 0, fiLinkdown: nhs.every((nh) => nh.seenLinkdown) };
    // fib_find_info(): a route with the same attributes and nexthops shares its fib_info, flags included.
    for (const tb of this.fib.tables()) {
      for (const other of tb.aliases()) {
        if (!other.nhs || other.type !== fa.type || other.tbId !== tbId || !sameInfo(other, fa)) continue;
        syncCarrier(other);
        fa.fiLinkdown = other.fiLinkdown ?? false;
        return fa;
      }
    }
    return fa;
  }

  /**
   * #createInfoNh is fib_create_info() for a route using a nexthop object: it must exist, and
   * fib_check_nexthop() must accept it for the route's scope (error route types skip that).
   */
  #createInfoNh(cfg: FibConfig, tbId: number): FibAlias {
    const nh = this.nexthops.get(cfg.nhId!);
    if (!nh) throw new KernelError('EINVAL', 'Nexthop id does not exist');
    if (!FIB_PROPS_ERROR[cfg.type] || cfg.type === RTN.RTN_UNICAST) {
      if (cfg.type > RTN.RTN_MULTICAST || cfg.type === RTN.RTN_UNSPEC) throw new KernelError('EINVAL', 'Invalid route type');
      if (cfg.scope > RT_SCOPE.RT_SCOPE_HOST) throw new KernelError('EINVAL', 'Invalid scope');
      fibCheckNexthop(nh, cfg.scope);
    }
    if (cfg.prefsrc && !this.#validPrefsrc(cfg)) throw new KernelError('EINVAL', 'Invalid prefsrc address');
    const fa: FibAlias = {
      key: cfg.dst, plen: cfg.dstLen, tos: cfg.tos, tbId, type: cfg.type, scope: cfg.scope, protocol: cfg.protocol, priority: cfg.priority,
      prefsrc: cfg.prefsrc, gw: 0, dev: null, nhFlags: 0, metrics: cfg.metrics, flow: 0, order: 0, nh, fibFlags: cfg.flags >>> 0,
    };
    return fa;
  }

  /** nhInit6 is IPv6's fib6_nh_init() for an IPv6 gateway under an IPv4 route (IPv6's pernet init sets it). */
  nhInit6: ((oif: number, gw: Uint8Array) => NetDevice) | null = null;
  /** ipv6Stub is what IPv4's nexthop code reaches IPv6 through (IPv6's pernet init sets it). */
  ipv6Stub: Ipv6Stub | null = null;

  /** checkNexthop is nh_create_ipv4()'s fib_check_nh() (main table, scope 0) for a nexthop object. */
  checkNexthop(gw: number, oif: number, flags: number): { dev: NetDevice; nhScope: number } {
    const r = this.#checkNh({ gw, oif, flags, flow: 0, weight: 1 }, { scope: 0, table: RT_TABLE.RT_TABLE_MAIN } as FibConfig);
    return { dev: r.dev, nhScope: gw ? r.nhScope : RT_SCOPE.RT_SCOPE_HOST };
  }

  /** nexthopScopes lists the scopes of the routes using `nh` (for fib_check_nh_list()). */
  nexthopScopes(nh: Nexthop): number[] {
    return this.fib.tables().flatMap((tb) => tb.aliases().filter((fa) => fa.nh === nh).map((fa) => fa.scope));
  }

  /** notifyNexthopRoutes mirrors fib_info_notify_update(): RTM_NEWROUTE with NLM_F_REPLACE for each route using `nh`, tables in hash order. */
  notifyNexthopRoutes(nh: Nexthop, n: Notifier): void {
    for (const tb of this.fib.tables()) for (const fa of tb.aliases()) if (fa.nh === nh) this.rtmsgFib(n, RTM.RTM_NEWROUTE, fa, NLM_F_REPLACE);
  }

  /** flushNexthopRoutes is __remove_nexthop_fib() for IPv4: the routes using `nh` die and are flushed, silently. */
  flushNexthopRoutes(nh: Nexthop): void {
    for (const tb of this.fib.tables()) tb.removeWhere((fa) => fa.nh === nh);
  }

  /** #checkNh mirrors fib_check_nh(): a gateway resolves to its device, a device must be up with IPv4. */
  #checkNh(nh: NhConfig, cfg: FibConfig): { dev: NetDevice; nhScope: number } {
    if (nh.gw6) {
      // fib_check_nh_v6_gw(): fib6_nh_init() finds the device; the nexthop is on the link.
      if (!this.nhInit6) throw new KernelError('EAFNOSUPPORT');
      return { dev: this.nhInit6(nh.oif, nh.gw6), nhScope: RT_SCOPE.RT_SCOPE_LINK };
    }
    if (nh.gw) {
      const r = this.#checkGateway(nh, cfg.scope, cfg.table);
      return { dev: r.dev, nhScope: r.scope };
    }
    // fib_check_nh_nongw()
    if (nh.flags & (RTNH_F.RTNH_F_PERVASIVE | RTNH_F.RTNH_F_ONLINK)) throw new KernelError('EINVAL', 'Invalid flags for nexthop - PERVASIVE and ONLINK can not be set');
    const dev = this.#devices().find((d) => d.ifindex === nh.oif);
    if (!dev || !dev.inet) throw new KernelError('ENODEV');
    if (!(dev.flags & IFF.IFF_UP)) throw new KernelError('ENETDOWN', 'Device for nexthop is not up');
    return { dev, nhScope: RT_SCOPE.RT_SCOPE_LINK };
  }

  /** #checkGateway mirrors fib_check_nh_v4_gw(): the gateway must be on a link or local route. */
  #checkGateway(nh: NhConfig, cfgScope: number, table: number): { dev: NetDevice; scope: number } {
    if (nh.flags & RTNH_F.RTNH_F_ONLINK) {
      // RTNH_F_ONLINK: trust the device.
      if (cfgScope >= RT_SCOPE.RT_SCOPE_LINK) throw new KernelError('EINVAL', 'Nexthop has invalid scope');
      const dev = this.#devices().find((d) => d.ifindex === nh.oif);
      if (!dev) throw new KernelError('ENODEV', 'Nexthop device required for onlink');
      if (!(dev.flags & IFF.IFF_UP)) throw new KernelError('ENETDOWN', 'Nexthop device is not up');
      if (this.addrTypeTable(nh.gw, RT_TABLE.RT_TABLE_MAIN, dev) !== RTN.RTN_UNICAST) throw new KernelError('EINVAL', 'Nexthop has invalid gateway');
      return { dev, scope: RT_SCOPE.RT_SCOPE_LINK };
    }
    const scope = Math.max(cfgScope + 1, RT_SCOPE.RT_SCOPE_LINK);
    let res: LookupResult | string | undefined;
    if (table && table !== RT_TABLE.RT_TABLE_MAIN) {
      const tb = this.fib.get(table);
      if (tb) res = this.#tableLookup(tb, nh.gw, scope, nh.oif);
    }
    if (typeof res !== 'object') res = this.lookup(nh.gw, scope, nh.oif);
    if (typeof res !== 'object') throw new KernelError('ENETUNREACH', 'Nexthop has invalid gateway');
    if (res.fa.type !== RTN.RTN_UNICAST && res.fa.type !== RTN.RTN_LOCAL) throw new KernelError('EINVAL', 'Nexthop has invalid gateway');
    const dev = res.nh?.dev ?? res.fa.dev;
    if (!dev) throw new KernelError('EINVAL', 'No egress device for nexthop gateway');
    if (!(dev.flags & IFF.IFF_UP)) throw new KernelError('ENETDOWN');
    return { dev, scope: res.fa.scope };
  }

  /** #validPrefsrc mirrors fib_valid_prefsrc(). */
  #validPrefsrc(cfg: FibConfig): boolean {
    if (cfg.type === RTN.RTN_LOCAL && cfg.dst && cfg.prefsrc === cfg.dst) return true;
    let tbId = cfg.table || RT_TABLE.RT_TABLE_MAIN;
    if (tbId === RT_TABLE.RT_TABLE_MAIN) tbId = RT_TABLE.RT_TABLE_LOCAL;
    let rc = this.addrTypeTable(cfg.prefsrc, tbId);
    if (rc !== RTN.RTN_LOCAL && tbId !== RT_TABLE.RT_TABLE_LOCAL) rc = this.addrTypeTable(cfg.prefsrc, RT_TABLE.RT_TABLE_LOCAL);
    return rc === RTN.RTN_LOCAL;
  }

  /**
   * addrTypeTable mirrors __inet_dev_addr_type() (inet_addr_type_table(), and
   * inet_addr_type_dev_table() with `dev`): BROADCAST while the table does not exist yet,
   * else the type of the route the table's trie (main's, shared by local until a custom rule
   * exists) finds, UNICAST for error routes or routes through another device.
   */
  addrTypeTable(addr: number, tbId: number, dev?: NetDevice): number {
    if (isZeronet(addr) || isLbcast(addr)) return RTN.RTN_BROADCAST;
    if (isMulticast(addr)) return RTN.RTN_MULTICAST;
    const tb = this.fib.get(tbId);
    if (!tb) return RTN.RTN_BROADCAST;
    const shared = !this.fib.hasCustomRules && (tbId === RT_TABLE.RT_TABLE_LOCAL || tbId === RT_TABLE.RT_TABLE_MAIN);
    const tables = shared ? [this.fib.get(RT_TABLE.RT_TABLE_LOCAL), this.fib.get(RT_TABLE.RT_TABLE_MAIN)] : [tb];
    let best: FibAlias | undefined;
    for (const t of tables) {
      const fa = t?.lookup(addr, () => true);
      if (fa && (!best || fa.plen > best.plen)) best = fa;
    }
    if (!best || FIB_PROPS_ERROR[best.type]) return RTN.RTN_UNICAST;
    return !dev || dev === best.dev ? best.type : RTN.RTN_UNICAST;
  }

  /** #tableLookup mirrors fib_table_lookup() with a scope and an optional output device. */
  #tableLookup(tb: FibTable, addr: number, scope: number, oif: number): LookupResult | string | undefined {
    let err: string | undefined;
    let sel: FibNh | undefined;
    const fa = tb.lookup(addr, (fa) => {
      if (fa.scope < scope) return false;
      const e = FIB_PROPS_ERROR[fa.type];
      if (e) {
        err = e;
        return true;
      }
      if (fa.nh) {
        // nexthop_get_nhc_lookup(): a blackhole is an error, else the first path (through `oif`).
        if (isBlackhole(fa.nh)) {
          err = 'EINVAL';
          return true;
        }
        const p = paths(fa.nh).find((x) => !oif || x.info.dev.ifindex === oif);
        if (!p) return false;
        const gw = p.info.gw && p.info.family === 2 ? ipv4Read(p.info.gw) : 0;
        sel = { gw, nhScope: p.info.nhScope, dev: p.info.dev, flags: 0, weight: p.weight, flow: 0, seenLinkdown: false };
        if (p.info.gw?.length === 16) sel = { ...sel, gw6: p.info.gw };
        return true;
      }
      if (fa.nhs) {
        // The first nexthop alive (through `oif`, if given): res->nh_sel.
        sel = fa.nhs.find((nh) => !(nh.flags & RTNH_F.RTNH_F_DEAD) && (!oif || nh.dev.ifindex === oif));
        return sel !== undefined;
      }
      if (!fa.dev) return false;
      if (oif && fa.dev.ifindex !== oif) return false;
      return true;
    });
    if (err && err !== 'EAGAIN') return err;
    if (err === 'EAGAIN' && fa && fa.type === RTN.RTN_THROW) return undefined;
    if (!fa) return undefined;
    return fa.nhs || fa.nh ? { fa, table: tb.id, nh: sel! } : { fa, table: tb.id };
  }

  /**
   * lookup mirrors fib_lookup(): without custom rules one walk over main (which holds the
   * local routes too, local ones first among equals); with them local, main, default.
   */
  lookup(addr: number, scope: number, oif: number, saddr = 0): LookupResult | string | undefined {
    const ids = [RT_TABLE.RT_TABLE_LOCAL, RT_TABLE.RT_TABLE_MAIN, RT_TABLE.RT_TABLE_DEFAULT];
    if (this.fib.hasCustomRules && this.rules) return this.#ruleLookup(this.rules(), addr, scope, oif, saddr);
    if (!this.fib.hasCustomRules) {
      // The merged trie: the longest prefix over local and main, local first for equal prefixes.
      let best: LookupResult | string | undefined;
      let bestLen = -1;
      for (const id of ids.slice(0, 2)) {
        const tb = this.fib.get(id);
        if (!tb) continue;
        const r = this.#tableLookup(tb, addr, scope, oif);
        if (r === undefined) continue;
        const len = typeof r === 'object' ? r.fa.plen : this.#errorLen(tb, addr, scope);
        if (len > bestLen) {
          best = r;
          bestLen = len;
        }
      }
      if (typeof best === 'object') best = { ...best, table: RT_TABLE.RT_TABLE_MAIN };
      return best;
    }
    for (const id of ids) {
      const tb = this.fib.get(id);
      if (!tb) continue;
      const r = this.#tableLookup(tb, addr, scope, oif);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** rules is the AF_INET rules list (inet4Pernet() wires it to the namespace's fib rules). */
  rules: (() => readonly FibRule[]) | null = null;

  /**
   * #ruleLookup mirrors fib_rules_lookup() over the IPv4 rules for an output lookup (iif lo,
   * no mark, the source `saddr` or none): selectors, then the action; a table without an
   * answer goes on.
   */
  #ruleLookup(rules: readonly FibRule[], addr: number, scope: number, oif: number, saddr: number): LookupResult | string | undefined {
    const oifName = oif ? this.#devices().find((d) => d.ifindex === oif)?.name : undefined;
    for (const r of rules) {
      if (r.iifname && r.iifname !== 'lo') continue;
      if (r.oifname && r.oifname !== oifName) continue;
      if (r.mark & r.markMask) continue;
      if (r.srcLen && r.src && ((saddr ^ ipv4Read(r.src)) & inetMask(r.srcLen)) !== 0) continue;
      if (r.dstLen && r.dst && ((addr ^ ipv4Read(r.dst)) & inetMask(r.dstLen)) !== 0) continue;
      if (r.tos) continue;
      if (r.action === 6) return 'EINVAL';
      if (r.action === 7) return 'ENETUNREACH';
      if (r.action === 8) return 'EACCES';
      if (r.action !== 1) continue;
      const tb = this.fib.get(r.table);
      if (!tb) continue;
      const res = this.#tableLookup(tb, addr, scope, oif);
      if (res === undefined) continue;
      if (typeof res === 'object' && r.suppressPrefixlen !== -1 && res.fa.plen <= r.suppressPrefixlen) continue;
      return res;
    }
    return undefined;
  }

  /** #errorLen finds the prefix length of the error route a lookup stopped at. */
  #errorLen(tb: FibTable, addr: number, scope: number): number {
    const fa = tb.lookup(addr, (f) => f.scope >= scope && (FIB_PROPS_ERROR[f.type] !== undefined || (f.nh !== undefined && isBlackhole(f.nh))));
    return fa ? fa.plen : -1;
  }

  /** insertRoute mirrors fib_table_insert(). */
  insertRoute(n: Notifier, tb: FibTable, cfg: FibConfig): void {
    fibValidKeyLen(cfg.dst, cfg.dstLen);
    const fa = this.createInfo(cfg, tb.id);
    let nlflags = NLM_F_EXCL;
    const group = tb.prefix(cfg.dst, cfg.dstLen).filter((x) => x.tos === fa.tos && x.priority === fa.priority);
    let append = false;
    if (group.length) {
      if (cfg.nlflags & NLM_F_EXCL) throw new KernelError('EEXIST');
      nlflags &= ~NLM_F_EXCL;
      const match = group.find((x) => x.type === fa.type && sameInfo(x, fa));
      if (cfg.nlflags & NLM_F_REPLACE) {
        if (match) {
          if (match === group[0]) return;
          throw new KernelError('EEXIST');
        }
        tb.insert(fa, { replaces: group[0]! });
        this.rtmsgFib(n, RTM.RTM_NEWROUTE, fa, nlflags | NLM_F_REPLACE);
        return;
      }
      if (match) throw new KernelError('EEXIST');
      if (cfg.nlflags & NLM_F_APPEND) {
        nlflags |= NLM_F_APPEND;
        append = true;
      }
    }
    if (!(cfg.nlflags & NLM_F_CREATE)) throw new KernelError('ENOENT');
    nlflags |= NLM_F_CREATE;
    tb.insert(fa, { append });
    this.rtmsgFib(n, RTM.RTM_NEWROUTE, fa, nlflags);
  }

  /** deleteRoute mirrors fib_table_delete(). */
  deleteRoute(n: Notifier, tb: FibTable, cfg: FibConfig): void {
    fibValidKeyLen(cfg.dst, cfg.dstLen);
    const fa = tb.prefix(cfg.dst, cfg.dstLen).find(
      (x) =>
        x.tos === cfg.tos &&
        (!cfg.type || x.type === cfg.type) &&
        (cfg.scope === RT_SCOPE.RT_SCOPE_NOWHERE || x.scope === cfg.scope) &&
        (!cfg.prefsrc || x.prefsrc === cfg.prefsrc) &&
        (!cfg.protocol || x.protocol === cfg.protocol) &&
        (!cfg.priority || x.priority === cfg.priority) &&
        nhMatch(cfg, x) &&
        metricsMatch(cfg, x),
    );
    if (!fa) throw new KernelError('ESRCH');
    tb.remove(fa);
    this.rtmsgFib(n, RTM.RTM_DELROUTE, fa, 0);
  }
}

/** LookupResult is a struct fib_result: the route and the table reported for it. */
export interface LookupResult {
  fa: FibAlias;
  table: number;
  /** The nexthop chosen of a multipath route (res->nh_sel); absent for others. */
  nh?: FibNh;
}

/**
 * getNhs mirrors fib_count_nexthops() and fib_get_nhs(): every rtnexthop of RTA_MULTIPATH
 * becomes a nexthop configuration, then the first must agree with RTA_OIF, RTA_GATEWAY and
 * RTA_FLOW given beside it.
 */
function getNhs(cfg: FibConfig): NhConfig[] {
  const { entries, remaining } = walkRtnh(cfg.mp!);
  if (remaining > 0) throw new KernelError('EINVAL', 'Invalid nexthop configuration - extra data after nexthops');
  if (!entries.length) throw new KernelError('EINVAL');
  const out: NhConfig[] = [];
  for (const rtnh of entries) {
    if (rtnh.flags & (RTNH_F.RTNH_F_DEAD | RTNH_F.RTNH_F_LINKDOWN)) throw new KernelError('EINVAL', 'Invalid flags for nexthop - can not contain DEAD or LINKDOWN');
    const nh: NhConfig = { gw: 0, oif: rtnh.ifindex, flags: ((cfg.flags & ~0xff) | rtnh.flags) >>> 0, flow: 0, weight: rtnh.hops + 1 };
    if (rtnh.attrs.length > 0) {
      const gw = nlaFind(rtnh.attrs, RTA.RTA_GATEWAY);
      const via = nlaFind(rtnh.attrs, RTA.RTA_VIA);
      if (gw && via) throw new KernelError('EINVAL', 'Nexthop configuration can not contain both GATEWAY and VIA');
      if (gw) {
        if (gw.length < 4) throw new KernelError('EINVAL', 'Invalid IPv4 address in RTA_GATEWAY');
        nh.gw = ipv4Read(gw);
      } else if (via) Object.assign(nh, gwFromVia(via));
      const flow = nlaFind(rtnh.attrs, RTA.RTA_FLOW);
      if (flow) {
        if (flow.length < 4) throw new KernelError('EINVAL', 'Invalid RTA_FLOW');
        nh.flow = new DataView(flow.buffer, flow.byteOffset, 4).getUint32(0, true);
      }
      if (nlaFind(rtnh.attrs, RTA.RTA_ENCAP) || nlaFind(rtnh.attrs, RTA.RTA_ENCAP_TYPE)) throw new KernelError('EOPNOTSUPP', 'nlsim: encapsulation is not modelled yet');
    }
    out.push(nh);
  }
  const nh0 = out[0]!;
  if (cfg.oif && nh0.oif !== cfg.oif) throw new KernelError('EINVAL', 'Nexthop device index does not match RTA_OIF');
  if ((cfg.gw || cfg.gw6) && (nh0.gw !== cfg.gw || !sameBytes(nh0.gw6, cfg.gw6))) throw new KernelError('EINVAL', 'Nexthop gateway does not match RTA_GATEWAY or RTA_VIA');
  if (cfg.flow && nh0.flow !== cfg.flow) throw new KernelError('EINVAL', 'Nexthop class id does not match RTA_FLOW');
  return out;
}

/**
 * nhMatch mirrors fib_nh_match() after the priority: RTA_OIF, RTA_GATEWAY and RTA_FLOW look
 * at the first nexthop only; otherwise RTA_MULTIPATH's entries at the route's nexthops in
 * order (a shorter list does not match).
 */
function nhMatch(cfg: FibConfig, fa: FibAlias): boolean {
  if (cfg.nhId) return fa.nh?.id === cfg.nhId;
  if (fa.nh) return !cfg.oif && !cfg.gw && !cfg.gw6 && !cfg.mp;
  if (cfg.oif || cfg.gw || cfg.gw6) {
    if (cfg.flow && cfg.flow !== fa.flow) return false;
    if (cfg.gw6) return (!cfg.oif || fa.dev?.ifindex === cfg.oif) && sameBytes(fa.gw6, cfg.gw6);
    return (!cfg.oif || fa.dev?.ifindex === cfg.oif) && (!cfg.gw || (fa.gw === cfg.gw && !fa.gw6));
  }
  if (!cfg.mp) return true;
  const { entries } = walkRtnh(cfg.mp);
  const nhs = fa.nhs ?? [{ gw: fa.gw, dev: fa.dev, flow: fa.flow }];
  for (const [i, nh] of nhs.entries()) {
    const rtnh = entries[i];
    if (!rtnh) return false;
    if (rtnh.ifindex && rtnh.ifindex !== nh.dev?.ifindex) return false;
    const gw = nlaFind(rtnh.attrs, RTA.RTA_GATEWAY);
    const via = gw ? undefined : nlaFind(rtnh.attrs, RTA.RTA_VIA);
    if (gw && (gw.length < 4 || ipv4Read(gw) !== nh.gw || (nh as { gw6?: Uint8Array }).gw6)) return false;
    if (via) {
      const v = gwFromVia(via);
      if (v.gw6 ? !sameBytes(v.gw6, (nh as { gw6?: Uint8Array }).gw6) : v.gw !== nh.gw || (nh as { gw6?: Uint8Array }).gw6) return false;
    }
    const flow = nlaFind(rtnh.attrs, RTA.RTA_FLOW);
    if (flow && (flow.length < 4 || new DataView(flow.buffer, flow.byteOffset, 4).getUint32(0, true) !== nh.flow)) return false;
  }
  return true;
}

/**
 * fibValidKeyLen mirrors fib_valid_key_len(): rtm_to_fib_config() calls it for requests, and
 * insertRoute()/deleteRoute() for the kernel's own routes and the route ioctls.
 */
export function fibValidKeyLen(key: number, plen: number): void {
  if (plen > 32) throw new KernelError('EINVAL', 'Invalid prefix length');
  if (plen < 32 && (key & ~inetMask(plen)) >>> 0) throw new KernelError('EINVAL', 'Invalid prefix for given prefix length');
}

/** sameBytes compares two optional addresses. */
function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** gwFromVia mirrors fib_gw_from_via(): struct rtvia, an IPv4 or IPv6 gateway. */
export function gwFromVia(via: Uint8Array): { gw: number; gw6: Uint8Array | null } {
  if (via.length < 2) throw new KernelError('EINVAL', 'Invalid attribute length for RTA_VIA');
  const family = via[0]! | (via[1]! << 8);
  const alen = via.length - 2;
  if (family === 2) {
    if (alen !== 4) throw new KernelError('EINVAL', 'Invalid IPv4 address in RTA_VIA');
    return { gw: ipv4Read(via.subarray(2)), gw6: null };
  }
  if (family === 10) {
    if (alen !== 16) throw new KernelError('EINVAL', 'Invalid IPv6 address in RTA_VIA');
    return { gw: 0, gw6: via.slice(2, 18) };
  }
  throw new KernelError('EINVAL', 'Unsupported address family in RTA_VIA');
}

/** sameInfo stands for fib_info identity (fib_find_info()): same attributes and nexthops. */
function sameInfo(a: FibAlias, b: FibAlias): boolean {
  const an = a.nhs ?? [];
  const bn = b.nhs ?? [];
  return (
    a.scope === b.scope && a.protocol === b.protocol && a.prefsrc === b.prefsrc && a.gw === b.gw && sameBytes(a.gw6, b.gw6) && a.dev === b.dev && a.nhFlags === b.nhFlags &&
    a.flow === b.flow && JSON.stringify(a.metrics ?? []) === JSON.stringify(b.metrics ?? []) && (a.fibFlags ?? 0) === (b.fibFlags ?? 0) && a.nh === b.nh &&
    an.length === bn.length &&
    an.every((x, i) => x.gw === bn[i]!.gw && sameBytes(x.gw6, bn[i]!.gw6) && x.dev === bn[i]!.dev && x.weight === bn[i]!.weight && x.flow === bn[i]!.flow && ((x.flags ^ bn[i]!.flags) & ~RTNH_F.RTNH_F_DEAD) === 0)
  );
}

/** metricsMatch mirrors fib_metrics_match(): every metric the request names must agree. */
function metricsMatch(cfg: FibConfig, fa: FibAlias): boolean {
  if (!cfg.metrics) return true;
  for (const [t, v] of cfg.metrics) {
    const have = fa.metrics?.find(([x]) => x === t);
    if (!have || have[1] !== v) return false;
  }
  return true;
}

/** sameSubnet mirrors inet_ifa_match(): `addr` is in `ifa`'s subnet. */
function sameSubnet(addr: number, ifa: { address: number; mask: number }): boolean {
  return ((addr ^ ifa.address) & ifa.mask) === 0;
}

/** newInAddr makes a permanent address (inet_alloc_ifa() with set_ifa_lifetime(INFINITY)). */
export function newInAddr(dev: NetDevice, local: number, prefixlen: number, scope: number, nowCs: number): InAddr {
  return {
    dev,
    local,
    address: local,
    prefixlen,
    mask: inetMask(prefixlen),
    broadcast: 0,
    scope,
    flags: IFA_F.IFA_F_PERMANENT,
    label: dev.name,
    validLft: 0xffffffff,
    preferredLft: 0xffffffff,
    cstamp: nowCs,
    tstamp: nowCs,
    rtPriority: 0,
    proto: 0,
  };
}
