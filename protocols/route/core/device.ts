/**
 * NetDevice: the struct net_device fields rtnetlink reports and changes, and the loopback
 * device every namespace is born with (drivers/net/loopback.c, loopback_setup()), with the
 * values a fresh `unshare -n` namespace shows on Linux 6.18.
 */
import type { Inet6Ifaddr } from './ifaddr.js';
import type { InAddr } from './ifaddr.js';
import type { LinkKind } from './link-kind.js';
import type { NetworkStateOptions } from './state.js';
import { ARPHRD, IF_OPER, IFF } from './uapi.js';

/**
 * Inet6Dev is the part of struct inet6_dev that IFLA_AF_SPEC's AF_INET6 nest reports
 * (inet6_fill_ifla6_attrs()).
 */
export interface Inet6Dev {
  /** idev->if_flags (IF_READY once addrconf saw NETDEV_UP). */
  flags: number;
  /** idev->cnf as ipv6_store_devconf() lays it out: DEVCONF_MAX s32 values. */
  conf: number[];
  /** idev->tstamp in centiseconds since boot (IFLA_INET6_CACHEINFO). */
  tstamp: number;
  /** idev->nd_parms reachable_time, ms (random within [base/2, 3·base/2)). */
  reachableTime: number;
  /** IFLA_INET6_TOKEN: 16 bytes. */
  token: Uint8Array;
  /** IFLA_INET6_ADDR_GEN_MODE (0: EUI64). */
  addrGenMode: number;
  /** idev->mc_list: the multicast groups the device joined, newest first. */
  mc: McGroup[];
}

/** McGroup is one joined multicast group (struct ifmcaddr6 / ip_mc_list), counted by its users. */
export interface McGroup {
  /** The group: 16 bytes (IPv6) or 4 (IPv4). */
  readonly addr: Uint8Array;
  users: number;
  /** When it was joined and last changed, centiseconds since boot (IFA_CACHEINFO). */
  cstamp: number;
  tstamp: number;
}

/** NetDevice is one network device of a namespace. */
export interface NetDevice {
  ifindex: number;
  name: string;
  altNames: string[];
  /** dev->type: ARPHRD_*. */
  type: number;
  /** dev->flags as stored; dev_get_flags() derives RUNNING/LOWER_UP/DORMANT for reports. */
  flags: number;
  /** dev->gflags: PROMISC/ALLMULTI asked for by user space (counted once in promiscuity). */
  gflags: number;
  mtu: number;
  minMtu: number;
  /** 0 means "no maximum" to dev_validate_mtu(). */
  maxMtu: number;
  txqlen: number;
  /** dev->operstate while running (IFLA_OPERSTATE reports DOWN when not running). */
  operstate: number;
  linkmode: number;
  group: number;
  promiscuity: number;
  allmulti: number;
  numTxQueues: number;
  numRxQueues: number;
  gsoMaxSegs: number;
  gsoMaxSize: number;
  groMaxSize: number;
  gsoIpv4MaxSize: number;
  groIpv4MaxSize: number;
  tsoMaxSize: number;
  tsoMaxSegs: number;
  maxPacingOffloadHorizon: number;
  carrier: boolean;
  /**
   * RTNH_F_LINKDOWN on the nexthops through the device: the carrier as the routing code last
   * saw it (at open, then at each linkwatch NETDEV_CHANGE), which lags netif_carrier_ok()
   * until linkwatch runs (a veth deleted while up leaves with its routes not linkdown).
   */
  nhLinkdown: boolean;
  carrierUpCount: number;
  carrierDownCount: number;
  headroom: number;
  tailroom: number;
  protoDown: boolean;
  netnsImmutable: boolean;
  address: Uint8Array;
  broadcast: Uint8Array;
  /** struct rtnl_link_stats64: 25 u64 counters. */
  stats64: bigint[];
  /** The root qdisc's id: "noop" until the device first goes up. */
  qdisc: string;
  /** The qdisc attach_default_qdiscs() gives it when it first goes up. */
  defaultQdisc: string;
  /** in_device's devconf (IPV4_DEVCONF_MAX u32), or null when IPv4 is gone (mtu < 68). */
  inet: number[] | null;
  /** The IPv4 devconf a re-created in_device gets. */
  inetDefault: readonly number[];
  inet6: Inet6Dev | null;
  /** in_device->mc_list: IPv4 multicast groups (224.0.0.1 while up), newest first. */
  mc4: McGroup[];
  /** in_device->ifa_list: IPv4 addresses, primaries (by scope) before secondaries. */
  ifa4: InAddr[];
  /** inet6_dev->addr_list: IPv6 addresses. */
  ifa6: Inet6Ifaddr[];
  /** dev->rtnl_link_ops: the kind a device was created with (null for lo). */
  kind: LinkKind | null;
  /** The kind's private state (netdev_priv()). */
  priv: unknown;
  /** netdev_master_upper_dev_get(): the bridge (or other master) this device is enslaved to. */
  master: NetDevice | null;
  /** dev->reg_state reached NETREG_UNREGISTERING: the device is gone. */
  unregistered: boolean;
  /** dev->rtnl_link_state is RTNL_LINK_INITIALIZED: its first RTM_NEWLINK went out (lo: always). */
  initialized: boolean;
}

/** RTNL_LINK_STATS64_LEN is the number of u64 counters in struct rtnl_link_stats64 (6.18). */
export const RTNL_LINK_STATS64_LEN = 25;
/** IPV4_DEVCONF_MAX on 6.18. */
export const IPV4_DEVCONF_MAX = 33;
/** DEVCONF_MAX (IPv6) on 6.18. */
export const DEVCONF_MAX = 60;
/** DEVCONF_MTU6: the index of mtu6 in the IPv6 devconf array. */
export const DEVCONF_MTU6 = 2;
/** IPV6_MIN_MTU: below it addrconf stops using the device and mtu6 stops following mtu. */
export const IPV6_MIN_MTU = 1280;
/** IPv4 (inetdev) needs mtu ≥ 68; below, the in_device is destroyed. */
export const IPV4_MIN_MTU = 68;

/** LO_INET_CONF is lo's IPv4 devconf in a fresh namespace (6.18, measured: NOXFRM/NOPOLICY set). */
export const LO_INET_CONF: readonly number[] = Object.freeze([
  0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, 1000, 0, 0, 0, 0, 1,
]);

/** LO_INET6_CONF is lo's IPv6 devconf in a fresh namespace (6.18, measured). */
export const LO_INET6_CONF: readonly number[] = Object.freeze([
  0, 64, 65536, 1, 1, 1, 1, -1, 4000, 1000, -1, 604800, 86400, 3, 600, 16, 0, 1, 1, 1, 60000, 0, 0, 0, 0, 0, 0, -1, 0, 0,
  10000, 1000, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 3600000, 0, 0, 1, 0, 0, 0, 0, 0, 1024, 0, 65535, -1, 1, 0, 0, 0,
]);

/** ETHER_INET_CONF is a new device's IPv4 devconf in a fresh namespace (devconf_dflt, 6.18, measured). */
export const ETHER_INET_CONF: readonly number[] = Object.freeze(LO_INET_CONF.map((v, i) => (i === 14 || i === 15 ? 0 : v)));

/** DEVCONF_ACCEPT_DAD: the index of accept_dad in the IPv6 devconf array. */
export const DEVCONF_ACCEPT_DAD = 27;
/** DEVCONF_USE_TEMPADDR: the index of use_tempaddr (lo has −1). */
const DEVCONF_USE_TEMPADDR = 10;

/** etherInet6Conf is a new device's IPv6 devconf (6.18, measured): mtu6, use_tempaddr 0, accept_dad −1 with NOARP. */
export function etherInet6Conf(mtu: number, noarp: boolean): number[] {
  const conf = [...LO_INET6_CONF];
  conf[DEVCONF_MTU6] = mtu;
  conf[DEVCONF_USE_TEMPADDR] = 0;
  conf[DEVCONF_ACCEPT_DAD] = noarp ? -1 : 1;
  return conf;
}

/** REACHABLE_TIME is the neighbour tables' base_reachable_time, ms. */
const REACHABLE_TIME = 30000;

/** newInet6Dev mirrors ipv6_add_dev(): a fresh inet6_dev with `conf`. */
export function newInet6Dev(conf: readonly number[], options: NetworkStateOptions): Inet6Dev {
  const now = Math.floor(options.now() / 10);
  const idev: Inet6Dev = {
    flags: 0,
    conf: [...conf],
    tstamp: now,
    // neigh_rand_reach_time(): base/2 + random below base.
    reachableTime: (REACHABLE_TIME >> 1) + options.random(REACHABLE_TIME),
    token: new Uint8Array(16),
    addrGenMode: 0,
    mc: [],
  };
  // The interface-local and link-local all-nodes groups (neither is ever reported by MLD).
  mcJoin(idev.mc, IN6ADDR_INTERFACELOCAL_ALLNODES, now);
  mcJoin(idev.mc, IN6ADDR_LINKLOCAL_ALLNODES, now);
  return idev;
}

/** ff01::1 and ff02::1: every IPv6 device joins them (ipv6_add_dev()). */
export const IN6ADDR_INTERFACELOCAL_ALLNODES = Uint8Array.of(0xff, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
export const IN6ADDR_LINKLOCAL_ALLNODES = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * mcJoin mirrors __ipv6_dev_mc_inc() / ____ip_mc_inc_group(): one more user of a group the
 * device has, or a new group at the head of the list; true when the group is new (only
 * then does MLD or IGMP report it).
 */
export function mcJoin(list: McGroup[], addr: Uint8Array, nowCs: number): boolean {
  const g = list.find((x) => sameBytes(x.addr, addr));
  if (g) {
    g.users++;
    return false;
  }
  list.unshift({ addr: addr.slice(), users: 1, cstamp: nowCs, tstamp: nowCs });
  return true;
}

/** mcLeave mirrors __ipv6_dev_mc_dec() / __ip_mc_dec_group(): the group goes with its last user. */
export function mcLeave(list: McGroup[], addr: Uint8Array): void {
  const i = list.findIndex((x) => sameBytes(x.addr, addr));
  if (i < 0) return;
  if (--list[i]!.users === 0) list.splice(i, 1);
}

/**
 * allocNetdevDefaults is what alloc_netdev() gives every device before its setup function
 * runs: queues, GSO/TSO limits, carrier on, no counters, noop qdisc until the first up.
 */
function allocNetdevDefaults() {
  return {
    altNames: [] as string[],
    gflags: 0,
    txqlen: 1000,
    operstate: IF_OPER.IF_OPER_UNKNOWN,
    linkmode: 0,
    group: 0,
    promiscuity: 0,
    allmulti: 0,
    numTxQueues: 1,
    numRxQueues: 1,
    gsoMaxSegs: 65535,
    gsoMaxSize: 65536,
    groMaxSize: 65536,
    gsoIpv4MaxSize: 65536,
    groIpv4MaxSize: 65536,
    tsoMaxSize: 524280,
    tsoMaxSegs: 65535,
    maxPacingOffloadHorizon: 0,
    carrier: true,
    nhLinkdown: false,
    carrierUpCount: 0,
    carrierDownCount: 0,
    headroom: 0,
    tailroom: 0,
    protoDown: false,
    stats64: new Array<bigint>(RTNL_LINK_STATS64_LEN).fill(0n),
    qdisc: 'noop',
  };
}

/** createLoopback mirrors loopback_net_init() + loopback_setup(). */
export function createLoopback(ifindex: number, options: NetworkStateOptions): NetDevice {
  return {
    ifindex,
    name: 'lo',
    ...allocNetdevDefaults(),
    type: ARPHRD.ARPHRD_LOOPBACK,
    flags: IFF.IFF_LOOPBACK,
    mtu: 65536,
    minMtu: 0,
    maxMtu: 0,
    netnsImmutable: true,
    address: new Uint8Array(6),
    broadcast: new Uint8Array(6),
    defaultQdisc: 'noqueue',
    inet: [...LO_INET_CONF],
    inetDefault: LO_INET_CONF,
    inet6: newInet6Dev(LO_INET6_CONF, options),
    ifa4: [],
    ifa6: [],
    mc4: [],
    kind: null,
    priv: undefined,
    master: null,
    unregistered: false,
    initialized: true,
  };
}

/** randomEtherAddr mirrors eth_random_addr(): random bytes, unicast, locally administered. */
export function randomEtherAddr(options: NetworkStateOptions): Uint8Array {
  const a = new Uint8Array(6);
  for (let i = 0; i < 6; i++) a[i] = options.random(256);
  a[0] = (a[0]! & 0xfe) | 0x02;
  return a;
}

/**
 * createEtherDevice mirrors alloc_netdev() + ether_setup() for a driver-created device: the
 * values a veth, bridge, ifb or dummy starts with before its kind's setup() adjusts them.
 * IPv4/IPv6 state is attached at registration (inetdev_event / addrconf_notify NETDEV_REGISTER).
 */
export function createEtherDevice(name: string, kind: LinkKind, options: NetworkStateOptions): NetDevice {
  return {
    ifindex: 0,
    name,
    ...allocNetdevDefaults(),
    type: ARPHRD.ARPHRD_ETHER,
    flags: IFF.IFF_BROADCAST | IFF.IFF_MULTICAST,
    mtu: 1500,
    minMtu: 68,
    maxMtu: 1500,
    netnsImmutable: false,
    address: randomEtherAddr(options),
    broadcast: new Uint8Array(6).fill(0xff),
    defaultQdisc: 'pfifo_fast',
    inet: null,
    inetDefault: ETHER_INET_CONF,
    inet6: null,
    ifa4: [],
    ifa6: [],
    mc4: [],
    kind,
    priv: undefined,
    master: null,
    unregistered: false,
    initialized: false,
  };
}

/** devGetIflink mirrors dev_get_iflink(): the kind's ndo_get_iflink, else the device itself. */
export function devGetIflink(dev: NetDevice): number {
  return dev.kind?.iflink ? dev.kind.iflink(dev) : dev.ifindex;
}

/** netifOperUp mirrors netif_oper_up(): operstate UP or UNKNOWN. */
export function netifOperUp(dev: NetDevice): boolean {
  return dev.operstate === IF_OPER.IF_OPER_UP || dev.operstate === IF_OPER.IF_OPER_UNKNOWN;
}

/** running mirrors netif_running(): the device is administratively up. */
export function running(dev: NetDevice): boolean {
  return (dev.flags & IFF.IFF_UP) !== 0;
}

/**
 * devGetFlags mirrors dev_get_flags(): stored flags without the volatile link bits, which
 * are reported only while running: RUNNING when the operstate is UP or UNKNOWN (so it lags
 * a carrier change until linkwatch ran), LOWER_UP with carrier.
 */
export function devGetFlags(dev: NetDevice): number {
  let flags = (dev.flags & ~(IFF.IFF_PROMISC | IFF.IFF_ALLMULTI | IFF.IFF_RUNNING | IFF.IFF_LOWER_UP | IFF.IFF_DORMANT)) | (dev.gflags & (IFF.IFF_PROMISC | IFF.IFF_ALLMULTI));
  if (running(dev)) {
    if (netifOperUp(dev)) flags |= IFF.IFF_RUNNING;
    if (dev.carrier) flags |= IFF.IFF_LOWER_UP;
  }
  return flags >>> 0;
}
