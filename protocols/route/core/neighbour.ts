/**
 * Neighbour tables (net/core/neighbour.c with the ARP and ND tables): entries added,
 * changed, replaced, read and deleted over rtnetlink (neigh_add() → __neigh_update(),
 * neigh_delete(), neigh_get(), neigh_dump_info()) in every state user space may give, with
 * their RTNLGRP_NEIGH notifications; the entry timer (neigh_timer_handler()) on the kernel
 * clock; the flush when their device goes down, loses carrier or its last IPv4 address, or
 * goes away (neigh_ifdown(), neigh_carrier_down()).
 *
 * @note nlsim sends no packets and receives none, so no entry is ever learned or confirmed:
 * REACHABLE decays to STALE after the device's reachable_time; DELAY, PROBE and NTF_USE
 * (INCOMPLETE) entries probe, and are accepted only where Linux's probes would go unanswered
 * (no carrier, NOARP, lo, a veth peer that drops them), where they end FAILED after three
 * (six for INCOMPLETE) retransmissions as measured on 6.18; elsewhere EOPNOTSUPP. STALE and
 * FAILED entries stay until deleted: the garbage collector (neigh_periodic_work(),
 * neigh_forced_gc()) runs only past gc_thresh1 (128) entries, counted over all namespaces of
 * the host on Linux, and is not modelled; nor are reachable_time's 300 s re-draws,
 * NDA_FLAGS_EXT (managed, externally validated) and locktime. NOARP multicast entries appear
 * where addrconf and MLD "send" (neighMcastOutput()). Linux dumps its tables in hash order,
 * which a random per-boot key decides; nlsim dumps in insertion order. Flushes walk a
 * device's own list, newest first, on both.
 */
import type { KernelTimer } from '../../../sim/clock.js';
import type { DumpControl } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { KernelSocket } from '../../../sim/kernel-socket.js';
import type { Random } from '../../../sim/random.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_CREATE, NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { AttrView, NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import type { NetDevice } from './device.js';
import { notify } from './rtnl-notify.js';
import { fillPneigh, pneighCreate, pneighDelete, pneighEntries, pneighIfdown, pneighLookup } from './neigh-proxy.js';
import type { Rtnetlink } from './rtnetlink.js';
import type { LinkTable, NetworkState, NetworkStateOptions } from './state.js';
import { AF_INET, IFA_F, IFF, NDMSG_LEN, RTM, RTN, RTNLGRP } from './uapi.js';

/** NDA holds the neighbour attributes (linux/neighbour.h). */
export const NDA = {
  NDA_DST: 1, NDA_LLADDR: 2, NDA_CACHEINFO: 3, NDA_PROBES: 4, NDA_VLAN: 5, NDA_PORT: 6, NDA_VNI: 7, NDA_IFINDEX: 8, NDA_MASTER: 9,
  NDA_LINK_NETNSID: 10, NDA_SRC_VNI: 11, NDA_PROTOCOL: 12, NDA_NH_ID: 13, NDA_FDB_EXT_ATTRS: 14, NDA_FLAGS_EXT: 15, NDA_NDM_STATE_MASK: 16,
  NDA_NDM_FLAGS_MASK: 17,
} as const;
/** NDA_MAX on 6.18. */
export const NDA_MAX = 17;
/** NUD holds the neighbour states. */
export const NUD = { NUD_NONE: 0, NUD_INCOMPLETE: 0x01, NUD_REACHABLE: 0x02, NUD_STALE: 0x04, NUD_DELAY: 0x08, NUD_PROBE: 0x10, NUD_FAILED: 0x20, NUD_NOARP: 0x40, NUD_PERMANENT: 0x80 } as const;
/** NTF_PROXY / NTF_USE: ndm_flags bits with their own paths. */
const NTF_USE = 0x01;
const NTF_PROXY = 0x08;
/** NEIGH_NLMSG_SIZE stands for nlmsg_new(neigh_nlmsg_size()). */
const NEIGH_NLMSG_SIZE = 16 + 12 + 36 + 36 + 36 + 8 + 8 + 8;

/** NDA_POLICY is nda_policy. */
const NDA_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[0] = { type: NLA.NLA_UNSPEC, strictStartType: NDA.NDA_NH_ID };
  p[NDA.NDA_DST] = { type: NLA.NLA_BINARY, len: 32 };
  p[NDA.NDA_LLADDR] = { type: NLA.NLA_BINARY, len: 32 };
  p[NDA.NDA_CACHEINFO] = { type: NLA.NLA_UNSPEC, len: 16 };
  p[NDA.NDA_PROBES] = { type: NLA.NLA_U32 };
  p[NDA.NDA_VLAN] = { type: NLA.NLA_U16 };
  p[NDA.NDA_PORT] = { type: NLA.NLA_U16 };
  p[NDA.NDA_VNI] = { type: NLA.NLA_U32 };
  p[NDA.NDA_IFINDEX] = { type: NLA.NLA_U32 };
  p[NDA.NDA_MASTER] = { type: NLA.NLA_U32 };
  p[NDA.NDA_PROTOCOL] = { type: NLA.NLA_U8 };
  p[NDA.NDA_NH_ID] = { type: NLA.NLA_U32 };
  p[NDA.NDA_FLAGS_EXT] = { type: NLA.NLA_U32 };
  p[NDA.NDA_FDB_EXT_ATTRS] = { type: NLA.NLA_NESTED };
  return p;
})();

/** NUD_VALID, NUD_CONNECTED and NUD_IN_TIMER (net/neighbour.h). */
const NUD_VALID = 0xde;
const NUD_CONNECTED = 0xc2;
const NUD_IN_TIMER = 0x1b;
/** ndm_flags: NTF_USE, NTF_PROXY, NTF_EXT_LEARNED, NTF_ROUTER; the rest (SELF, MASTER, OFFLOADED, STICKY) mean nothing to neigh_add(). */
const NTF_EXT_LEARNED = 0x10;
const NTF_ROUTER = 0x80;
/** __neigh_update() flags. */
const F_OVERRIDE = 0x1;
const F_ADMIN = 0x80000000;
const F_OVERRIDE_ISROUTER = 0x20;
const F_ISROUTER = 0x40;
const F_EXT_LEARNED = 0x10;
const F_USE = 0x8;
/** The tables' default parameters (arp_tbl and nd_tbl agree on these; ms and counts). */
const BASE_REACHABLE_TIME = 30000;
const DELAY_PROBE_TIME = 5000;
const RETRANS_TIME = 1000;
const UCAST_PROBES = 3;
const MCAST_PROBES = 3;
/** HZ/100: the shortest step neigh_timer_handler() re-arms with. */
const MIN_TIMER_STEP = 10;
const IFA_F_TENTATIVE = IFA_F.IFA_F_TENTATIVE;
const IFA_F_OPTIMISTIC = IFA_F.IFA_F_OPTIMISTIC;

/** Neighbour is one entry (struct neighbour); times are kernel ms. */
export interface Neighbour {
  readonly family: number;
  readonly dev: NetDevice;
  readonly dst: Uint8Array;
  /** neigh->ha: the device's address length, zero until an address is set; reported while NUD_VALID. */
  ha: Uint8Array;
  state: number;
  flags: number;
  protocol: number;
  readonly type: number;
  probes: number;
  confirmed: number;
  used: number;
  updated: number;
  /** The pending neigh->timer (it holds a reference: ndm_refcnt counts it). */
  timer: KernelTimer | null;
  dead: boolean;
}

/** NeighTable is one family's table (arp_tbl or nd_tbl) in one namespace. */
class NeighTable {
  readonly family: number;
  readonly keyLen: number;
  readonly entries = new Map<string, Neighbour>();

  constructor(family: number, keyLen: number) {
    this.family = family;
    this.keyLen = keyLen;
  }

  static key(dev: NetDevice, dst: Uint8Array): string {
    return `${dev.ifindex}/${Buffer.from(dst).toString('hex')}`;
  }
}

const tablesOf = new WeakMap<LinkTable, NeighTable[]>();

/** neighTables returns a namespace's ARP and ND tables (in neigh_tables[] order). */
export function neighTables(links: LinkTable): NeighTable[] {
  let t = tablesOf.get(links);
  if (!t) {
    t = [new NeighTable(2, 4), new NeighTable(10, 16)];
    tablesOf.set(links, t);
  }
  return t;
}

/** neigh_rand_reach_time() of each device's ARP parameters (in_dev->arp_parms), drawn when first needed. */
const arpReach = new WeakMap<NetDevice, number>();

/** arpReachableTime is the device's ARP reachable_time: between 15 and 45 s, drawn once. */
export function arpReachableTime(dev: NetDevice, random: Random): number {
  let r = arpReach.get(dev);
  if (r === undefined) arpReach.set(dev, (r = (BASE_REACHABLE_TIME >> 1) + random(BASE_REACHABLE_TIME)));
  return r;
}

/** clockT mirrors jiffies_to_clock_t() of an age in ms (USER_HZ 100), as a u32. */
const clockT = (ms: number) => Math.floor(ms / 10) >>> 0;

/**
 * fillNeigh mirrors __neigh_fill_info(); `held` is the references the caller holds besides
 * the table's (a request's lookup, a running timer handler), the pending timer adds one.
 */
function fillNeigh(w: AttrWriter, n: Neighbour, held: number, now: number): void {
  const h = new Uint8Array(NDMSG_LEN);
  const v = viewOf(h);
  h[0] = n.family;
  v.setInt32(4, n.dev.ifindex, HOST_LE);
  v.setUint16(8, n.state, HOST_LE);
  h[10] = n.flags & 0xff;
  h[11] = n.type;
  w.raw(h);
  w.bytes(NDA.NDA_DST, n.dst);
  if (n.state & NUD_VALID) w.bytes(NDA.NDA_LLADDR, n.ha);
  w.u32(NDA.NDA_PROBES, n.probes);
  // struct nda_cacheinfo: confirmed, used, updated (ages in clock ticks), refcnt.
  const ci = new Uint8Array(16);
  const cv = viewOf(ci);
  cv.setUint32(0, clockT(now - n.confirmed), HOST_LE);
  cv.setUint32(4, clockT(now - n.used), HOST_LE);
  cv.setUint32(8, clockT(now - n.updated), HOST_LE);
  cv.setUint32(12, held + (n.timer ? 1 : 0), HOST_LE);
  w.bytes(NDA.NDA_CACHEINFO, ci);
  if (n.protocol) w.u8(NDA.NDA_PROTOCOL, n.protocol);
}

/** neighNotify mirrors __neigh_notify(): RTNLGRP_NEIGH, seq 0, the requester's port id. */
function neighNotify(ks: KernelSocket, type: number, n: Neighbour, held: number, pid: number, now: number): void {
  notify({ ks, req: pid ? { portid: pid, header: { len: 0, type: 0, flags: 0, seq: 0, pid: 0 } } : undefined }, type, 0, RTNLGRP.RTNLGRP_NEIGH, (w) => fillNeigh(w, n, held, now), NEIGH_NLMSG_SIZE);
}

/** delTimer mirrors neigh_del_timer(). */
function delTimer(n: Neighbour): void {
  if (n.state & NUD_IN_TIMER && n.timer) n.timer.cancel();
  n.timer = null;
}

/**
 * neighIfdown mirrors neigh_ifdown() on one family's table (arp_ifdown() from fib_disable_ip(),
 * ndisc_netdev_event()): the device's entries go, each with RTM_DELNEIGH. With `skipPermanent`
 * it is neigh_carrier_down() instead (NETDEV_CHANGE without carrier): PERMANENT entries stay.
 * neigh_flush_dev() walks the device's own list, where each new entry went to the head, so
 * the newest entry goes first.
 */
export function neighIfdown(links: LinkTable, ks: KernelSocket, dev: NetDevice, family: number, skipPermanent = false): void {
  // pneigh_ifdown_and_unlock(): the device's proxy entries go too, permanent ones stay on carrier loss.
  pneighIfdown(links, dev, family, skipPermanent);
  const tables = tablesOf.get(links);
  if (!tables) return;
  for (const t of tables) {
    if (t.family !== family) continue;
    const doomed = [...t.entries].filter(([, n]) => n.dev === dev && !(skipPermanent && n.state & NUD.NUD_PERMANENT)).reverse();
    for (const [k, n] of doomed) {
      // neigh_flush_one(): the timer stops, the entry dies, neigh_cleanup_and_release() notifies.
      delTimer(n);
      n.dead = true;
      t.entries.delete(k);
      neighNotify(ks, RTM.RTM_DELNEIGH, n, 0, 0, links.now());
    }
  }
}

/** newEntry mirrors neigh_alloc() and the start of ___neigh_create(): NUD_NONE, a zero address, confirmed long ago. */
function newEntry(family: number, dev: NetDevice, dst: Uint8Array, type: number, now: number): Neighbour {
  return {
    family, dev, dst, ha: new Uint8Array(dev.address.length), state: NUD.NUD_NONE, flags: 0, protocol: 0, type, probes: 0,
    confirmed: now - (BASE_REACHABLE_TIME << 1), used: now, updated: now, timer: null, dead: false,
  };
}

/**
 * neighMcastOutput stands for the neighbour lookup of a packet sent to an IPv6 multicast
 * group on an Ethernet-like device (ip6_finish_output2() → __neigh_create()): the first one
 * creates, without a notification, a NOARP entry with the group's multicast MAC
 * (ndisc_mc_map()); it goes with RTM_DELNEIGH when the device goes down or loses carrier.
 * nlsim sends no packets, but addrconf and MLD "send" router solicitations (ff02::2), DAD
 * probes (solicited-node groups) and MLDv2 reports (ff02::16), and these entries are what
 * user space can see of them.
 */
export function neighMcastOutput(links: LinkTable, dev: NetDevice, group: Uint8Array): void {
  addMcastEntry(links, 10, dev, group, Uint8Array.of(0x33, 0x33, group[12]!, group[13]!, group[14]!, group[15]!));
}

/**
 * arpMcastOutput is neighMcastOutput()'s IPv4 counterpart (ip_finish_output2() →
 * arp_constructor()): a packet to an IPv4 multicast group leaves a NOARP entry with the
 * group's multicast MAC (ip_eth_mc_map()), silently; IGMPv3 reports to 224.0.0.22 are the
 * ones nlsim "sends" (bridge/snoopers.ts).
 */
export function arpMcastOutput(links: LinkTable, dev: NetDevice, group: Uint8Array): void {
  addMcastEntry(links, 2, dev, group, Uint8Array.of(0x01, 0x00, 0x5e, group[1]! & 0x7f, group[2]!, group[3]!));
}

/** addMcastEntry adds, silently, the NOARP entry of an Ethernet device for a multicast group with its mapped MAC `ha`, unless it has one. */
function addMcastEntry(links: LinkTable, family: 2 | 10, dev: NetDevice, group: Uint8Array, ha: Uint8Array): void {
  if (dev.address.length !== 6) return;
  const t = neighTables(links).find((x) => x.family === family)!;
  const key = NeighTable.key(dev, group);
  if (t.entries.has(key)) return;
  const n = newEntry(family, dev, group.slice(), RTN.RTN_MULTICAST, links.now());
  n.state = NUD.NUD_NOARP;
  n.ha = ha;
  t.entries.set(key, n);
}

/** neighForget deletes one entry of `dev` (`family` 2 or 10, key `dst`) with its RTM_DELNEIGH, if there is one. */
export function neighForget(links: LinkTable, ks: KernelSocket, dev: NetDevice, family: number, dst: Uint8Array): void {
  const t = neighTables(links).find((x) => x.family === family)!;
  const key = NeighTable.key(dev, dst);
  const n = t.entries.get(key);
  if (!n) return;
  delTimer(n);
  n.dead = true;
  t.entries.delete(key);
  neighNotify(ks, RTM.RTM_DELNEIGH, n, 0, 0, links.now());
}

/** Env is what a neighbour timer needs: the namespace, its kernel socket and the kernel's clock and randomness. */
interface Env {
  readonly links: LinkTable;
  readonly ks: KernelSocket;
  readonly options: NetworkStateOptions;
}

/** reachableTime is neigh->parms->reachable_time: the device's ARP or ND parameters. */
function reachableTime(env: Env, n: Neighbour): number {
  if (n.family === 10) return n.dev.inet6?.reachableTime ?? BASE_REACHABLE_TIME;
  return arpReachableTime(n.dev, env.options.random);
}

/** addTimer mirrors neigh_add_timer(): the timer takes a reference; `used` is at least `confirmed`. */
function addTimer(env: Env, n: Neighbour, delay: number): void {
  if (n.used < n.confirmed) n.used = n.confirmed;
  n.timer = env.options.setTimer(Math.max(0, delay), () => timerHandler(env, n));
}

/** maxProbes mirrors neigh_max_probes(): ucast + app (0) + mcast_reprobes (0) in PROBE, + mcast_probes otherwise. */
const maxProbes = (n: Neighbour) => UCAST_PROBES + (n.state & NUD.NUD_PROBE ? 0 : MCAST_PROBES);

/**
 * timerHandler mirrors neigh_timer_handler(): REACHABLE decays to STALE once reachable_time
 * has passed since the last confirmation (DELAY instead if the entry was used in the last
 * delay_probe_time, which nothing does in nlsim); DELAY becomes REACHABLE if confirmed
 * recently, else PROBE; PROBE sends a probe a retrans_time (1 s) until ucast_probes (3)
 * went unanswered, then FAILED. Notifications for the changes except REACHABLE → DELAY.
 * nlsim sends no probes: add() only lets entries into DELAY or PROBE where nothing could
 * answer them.
 */
function timerHandler(env: Env, n: Neighbour): void {
  n.timer = null;
  if (n.dead || !(n.state & NUD_IN_TIMER)) return;
  const now = env.options.now();
  let next = now + 1000;
  let notifyIt = false;
  if (n.state & NUD.NUD_REACHABLE) {
    const reach = reachableTime(env, n);
    if (now <= n.confirmed + reach) next = n.confirmed + reach;
    else if (now <= n.used + DELAY_PROBE_TIME) {
      n.state = NUD.NUD_DELAY;
      n.updated = now;
      next = now + DELAY_PROBE_TIME;
    } else {
      n.state = NUD.NUD_STALE;
      n.updated = now;
      notifyIt = true;
    }
  } else if (n.state & NUD.NUD_DELAY) {
    if (now <= n.confirmed + DELAY_PROBE_TIME) {
      n.state = NUD.NUD_REACHABLE;
      n.updated = now;
      notifyIt = true;
      next = n.confirmed + reachableTime(env, n);
    } else {
      n.state = NUD.NUD_PROBE;
      n.updated = now;
      n.probes = 0;
      notifyIt = true;
      next = now + Math.max(RETRANS_TIME, MIN_TIMER_STEP);
    }
  } else {
    next = now + Math.max(RETRANS_TIME, MIN_TIMER_STEP);
  }
  let skipProbe = false;
  if (n.state & (NUD.NUD_INCOMPLETE | NUD.NUD_PROBE) && n.probes >= maxProbes(n)) {
    // neigh_invalidate(): nothing queued to report.
    n.state = NUD.NUD_FAILED;
    n.updated = now;
    notifyIt = true;
    skipProbe = true;
  }
  if (!skipProbe) {
    if (n.state & NUD_IN_TIMER) {
      if (next < now + MIN_TIMER_STEP) next = now + MIN_TIMER_STEP;
      n.timer = env.options.setTimer(next - now, () => timerHandler(env, n));
    }
    if (n.state & (NUD.NUD_INCOMPLETE | NUD.NUD_PROBE)) neighProbe(env, n);
  }
  // 6.18 notifies last, after the probe and the re-armed timer (measured: PROBE reports
  // probes 1 and ndm_refcnt 2), on the reference of the timer that is running.
  if (notifyIt) neighNotify(env.ks, RTM.RTM_NEWNEIGH, n, 1, 0, now);
}

/**
 * neighUpdate mirrors __neigh_update() for administrative updates (NEIGH_UPDATE_F_ADMIN):
 * `lladdr` null when none was given. Returns the error (EINVAL with its extack when an entry
 * that has no address is given a valid state without one), after notifying what changed.
 */
function neighUpdate(env: Env, n: Neighbour, lladdr: Uint8Array | null, requested: number, flags: number, pid: number): KernelError | null {
  const old = n.state;
  let nw = requested & 0xff; // __neigh_update()'s u8 new
  const now = env.options.now();
  let notifyIt = false;
  let err: KernelError | null = null;
  let updateIsRouter = 0;
  // neigh_update_flags(): an administrative update sets or clears NTF_EXT_LEARNED.
  const ext = flags & F_EXT_LEARNED ? NTF_EXT_LEARNED : 0;
  if ((n.flags ^ ext) & NTF_EXT_LEARNED) {
    n.flags = (n.flags & ~NTF_EXT_LEARNED) | ext;
    notifyIt = true;
  }
  out: {
    if (flags & F_USE) {
      // NTF_USE: the state given is ignored, PERMANENT is dropped (silently), neighEventSend() follows.
      n.state = nw = old & ~NUD.NUD_PERMANENT;
      break out;
    }
    if (!(nw & NUD_VALID)) {
      delTimer(n);
      n.state = nw;
      notifyIt ||= (old & NUD_VALID) !== 0;
      if (old & (NUD.NUD_INCOMPLETE | NUD.NUD_PROBE) && nw & NUD.NUD_FAILED) {
        n.updated = now; // neigh_invalidate()
        notifyIt = true;
      }
      break out;
    }
    let ll: Uint8Array;
    let same = false;
    if (!n.dev.address.length) {
      ll = n.ha;
      same = true;
    } else if (lladdr) {
      ll = lladdr;
      same = (old & NUD_VALID) !== 0 && eq(lladdr, n.ha);
    } else {
      if (!(old & NUD_VALID)) {
        err = new KernelError('EINVAL', 'No link layer address given');
        break out;
      }
      ll = n.ha;
      same = true;
    }
    if (nw & NUD_CONNECTED) n.confirmed = now;
    updateIsRouter = flags & F_OVERRIDE_ISROUTER;
    if (old & NUD_VALID) {
      if (!same && !(flags & F_OVERRIDE)) {
        updateIsRouter = 0;
        break out;
      }
      // (same address, STALE, not administrative: keep the state; nlsim's updates are administrative)
    }
    if (nw !== old || !same) n.updated = now;
    if (nw !== old) {
      delTimer(n);
      if (nw & NUD.NUD_PROBE) n.probes = 0;
      n.state = nw;
      if (nw & NUD_IN_TIMER) addTimer(env, n, nw & NUD.NUD_REACHABLE ? reachableTime(env, n) : 0);
      notifyIt = true;
    }
    if (!same) {
      n.ha = ll.slice(0, n.dev.address.length);
      if (!(nw & NUD_CONNECTED)) n.confirmed = now - (BASE_REACHABLE_TIME << 1);
      notifyIt = true;
    }
  }
  if (updateIsRouter) {
    // neigh_update_is_router()
    const r = flags & F_ISROUTER ? NTF_ROUTER : 0;
    if ((n.flags ^ r) & NTF_ROUTER) {
      n.flags = (n.flags & ~NTF_ROUTER) | r;
      notifyIt = true;
    }
  }
  // The request holds a reference.
  if (notifyIt) neighNotify(env.ks, RTM.RTM_NEWNEIGH, n, 1, pid, now);
  return err;
}

/**
 * neighProbe mirrors neigh_probe(): arp_solicit() or ndisc_solicit() sends a probe nobody
 * answers, and the count goes up. Once the unicast probes are spent, ND solicits the target's
 * solicited-node group, which (like any IPv6 multicast output) leaves its NOARP entry; it
 * sends nothing without a link-local address that finished DAD (ndisc_send_ns()).
 */
function neighProbe(env: Env, n: Neighbour): void {
  const dev = n.dev;
  if (n.family === 10 && n.probes >= UCAST_PROBES && dev.flags & IFF.IFF_UP && !n.dead) {
    const ll = dev.ifa6.some((a) => a.addr[0] === 0xfe && (a.addr[1]! & 0xc0) === 0x80 && !(a.flags & (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC)));
    if (ll) neighMcastOutput(env.links, dev, Uint8Array.of(0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, n.dst[13]!, n.dst[14]!, n.dst[15]!));
  }
  n.probes++;
}

/**
 * neighEventSend mirrors neigh_event_send() as NTF_USE calls it (no packet, an immediate
 * probe): `used` is now; an entry that is NONE or FAILED becomes INCOMPLETE with the unicast
 * probes counted as spent, probes at once and then every retrans_time until the multicast
 * ones are spent too (FAILED three seconds later); STALE becomes DELAY (PROBE five seconds
 * later). Neither change is notified. Connected, DELAY, PROBE and INCOMPLETE entries stay.
 */
function neighEventSend(env: Env, n: Neighbour): void {
  const now = env.options.now();
  n.used = now;
  if (n.state & (NUD_CONNECTED | NUD.NUD_DELAY | NUD.NUD_PROBE) || n.dead) return;
  if (!(n.state & (NUD.NUD_STALE | NUD.NUD_INCOMPLETE))) {
    n.probes = UCAST_PROBES;
    delTimer(n);
    n.state = NUD.NUD_INCOMPLETE;
    n.updated = now;
    addTimer(env, n, Math.max(RETRANS_TIME, MIN_TIMER_STEP));
    neighProbe(env, n);
  } else if (n.state & NUD.NUD_STALE) {
    delTimer(n);
    n.state = NUD.NUD_DELAY;
    n.updated = now;
    addTimer(env, n, DELAY_PROBE_TIME);
  }
}

/**
 * broadcastUnanswered is probesUnanswered() for an INCOMPLETE entry's broadcast ARP request
 * or multicast neighbour solicitation: a veth peer up in the same namespace answers one for
 * an address that is local there (IPv4, arp_ignore 0) or its own (IPv6), and a broadcast ARP
 * request refreshes an entry the peer already has for the sender; nlsim does not model that
 * exchange, nor a peer in another namespace.
 */
function broadcastUnanswered(links: LinkTable, dev: NetDevice, family: number, dst: Uint8Array): boolean {
  if (!(dev.flags & IFF.IFF_UP) || !dev.carrier) return true;
  if (dev.flags & IFF.IFF_LOOPBACK) return false;
  if (family === 2 && dev.flags & IFF.IFF_NOARP) return true;
  const kind = dev.kind?.kind;
  if (kind === 'ifb' || kind === 'dummy') return true;
  if (kind !== 'veth') return false;
  const peer = (dev.priv as { peer?: NetDevice | null }).peer;
  if (!peer || !(peer.flags & IFF.IFF_UP)) return true;
  if (peer.master || peer.promiscuity || links.byIndex(peer.ifindex) !== peer) return false;
  if (family === 10) return !peer.inet6 || !peer.ifa6.some((a) => eq(a.addr, dst));
  if (!peer.inet || peer.flags & IFF.IFF_NOARP) return true;
  if ([...neighTables(links)[0]!.entries.values()].some((e) => e.dev === peer)) return false;
  return localAddrType(links, peer, dst) !== RTN.RTN_LOCAL;
}

/**
 * NeighTableOps are what a family's neighbour table brings to the core (struct neigh_table):
 * ipv4/ registers arp_tbl's, ipv6/ nd_tbl's, in their pernet init.
 */
export interface NeighTableOps {
  /** The type of `addr` in the local table as `dev` sees it (arp_constructor()'s inet_addr_type_dev_table()). */
  localAddrType?(dev: NetDevice, addr: Uint8Array): number;
  /** pconstructor: a proxy entry for `key` on `dev` was made (pndisc_constructor()). */
  pconstructor?(dev: NetDevice, key: Uint8Array): void;
  /** pdestructor: a proxy entry for `key` on `dev` went (pndisc_destructor()). */
  pdestructor?(dev: NetDevice, key: Uint8Array): void;
}

/** localAddrType asks arp_tbl's owner (IPv4) for the type of an IPv4 address on `dev`. */
function localAddrType(links: LinkTable, dev: NetDevice, addr: Uint8Array): number {
  return links.neighOps.get(AF_INET)!.localAddrType!(dev, addr);
}

/**
 * construct mirrors the tables' constructors (arp_constructor(), ndisc_constructor()) for
 * Ethernet-like devices: the key (0.0.0.0 for any IPv4 address on a loopback device), the
 * type, and the entries born NOARP with an address: multicast groups (their multicast MAC),
 * NOARP and loopback devices (the device's address), IPv4 broadcast (the broadcast address).
 */
function construct(links: LinkTable, family: number, dev: NetDevice, dst: Uint8Array, now: number): Neighbour | KernelError {
  const ether = dev.type === 1;
  if (family === 2) {
    const key = dev.flags & (IFF.IFF_LOOPBACK | IFF.IFF_POINTOPOINT) ? new Uint8Array(4) : dst.slice();
    if (!dev.inet) return new KernelError('EINVAL');
    const type = localAddrType(links, dev, key);
    const n = newEntry(2, dev, key, type, now);
    if (type === RTN.RTN_MULTICAST) {
      n.state = NUD.NUD_NOARP;
      n.ha = ether ? Uint8Array.of(0x01, 0x00, 0x5e, key[1]! & 0x7f, key[2]!, key[3]!) : dev.broadcast.slice();
    } else if (dev.flags & (IFF.IFF_NOARP | IFF.IFF_LOOPBACK)) {
      n.state = NUD.NUD_NOARP;
      n.ha = dev.address.slice();
    } else if (type === RTN.RTN_BROADCAST || dev.flags & IFF.IFF_POINTOPOINT) {
      n.state = NUD.NUD_NOARP;
      n.ha = dev.broadcast.slice();
    }
    return n;
  }
  const mc = dst[0] === 0xff;
  const loop = (dev.flags & IFF.IFF_LOOPBACK) !== 0;
  const n = newEntry(10, dev, dst.slice(), mc ? RTN.RTN_MULTICAST : loop ? RTN.RTN_LOCAL : RTN.RTN_UNICAST, now);
  if (mc) {
    n.state = NUD.NUD_NOARP;
    n.ha = ether ? Uint8Array.of(0x33, 0x33, dst[12]!, dst[13]!, dst[14]!, dst[15]!) : dev.broadcast.slice();
  } else if (dev.flags & (IFF.IFF_NOARP | IFF.IFF_LOOPBACK)) {
    n.state = NUD.NUD_NOARP;
    n.ha = dev.address.slice();
  } else if (dev.flags & IFF.IFF_POINTOPOINT) {
    n.state = NUD.NUD_NOARP;
    n.ha = dev.broadcast.slice();
  }
  return n;
}

/**
 * probesUnanswered tells whether the probes of a DELAY or PROBE entry reach nothing that
 * could answer them, so that the entry's fate (FAILED after three probes) needs no packets:
 * a device that is down or without carrier drops them, ARP sends nothing on a NOARP device,
 * lo and ifb swallow them (measured on 6.18 for lo), and a veth's peer drops a unicast probe
 * to an address not its own as PACKET_OTHERHOST unless it is promiscuous or a bridge port.
 */
function probesUnanswered(dev: NetDevice, family: number, lladdr: Uint8Array): boolean {
  if (!(dev.flags & IFF.IFF_UP) || !dev.carrier) return true;
  if (dev.flags & IFF.IFF_LOOPBACK) return true;
  if (family === 2 && dev.flags & IFF.IFF_NOARP) return true;
  const kind = dev.kind?.kind;
  if (kind === 'ifb' || kind === 'dummy') return true;
  if (kind !== 'veth') return false;
  const peer = (dev.priv as { peer?: NetDevice | null }).peer;
  if (!peer) return true;
  if (!(peer.flags & IFF.IFF_UP)) return true;
  if (peer.master || peer.promiscuity || lladdr[0]! & 1) return false;
  return !eq(lladdr.subarray(0, peer.address.length), peer.address);
}

type Tb = (AttrView | undefined)[];

/** NeighOps binds the neighbour handlers to one kernel's network state. */
export class NeighOps {
  readonly #state: NetworkState;

  constructor(state: NetworkState) {
    this.#state = state;
  }

  /** register installs neigh_init()'s PF_UNSPEC handlers. */
  register(rtnl: Rtnetlink): void {
    // PF_BRIDGE has its own handlers (rtnl_fdb_add/del/get/dump): bridge/fdb.ts.
    rtnl.register(0, RTM.RTM_NEWNEIGH, { doit: (ctx) => this.add(ctx) });
    rtnl.register(0, RTM.RTM_DELNEIGH, { doit: (ctx) => this.del(ctx) });
    rtnl.register(0, RTM.RTM_GETNEIGH, { doit: (ctx) => this.get(ctx), dumpit: (ctx) => this.dump(ctx) });
  }

  #parse(message: Uint8Array, extack: object, level: number = NL_VALIDATE.NL_VALIDATE_LIBERAL): Tb {
    const r = nlmsgParse(message, NDMSG_LEN, NDA_POLICY, NDA_MAX, level);
    if (r.warning) Object.assign(extack, { message: r.warning });
    return r.attrs;
  }

  #table(links: LinkTable, family: number): NeighTable | undefined {
    return neighTables(links).find((t) => t.family === family);
  }

  /** #env is what the namespace's neighbour timers need. */
  #env(links: LinkTable, ks: KernelSocket): Env {
    return { links, ks, options: this.#state.options };
  }

  /**
   * add mirrors neigh_add() → __neigh_update(): every state user space may give, created
   * (NLM_F_CREATE), refused when present (NLM_F_EXCL), or changed (an existing entry keeps a
   * different address unless NLM_F_REPLACE). REACHABLE, DELAY and PROBE start the entry's
   * timer (timerHandler()).
   */
  add(ctx: RequestContext): void {
    const tb = this.#parse(ctx.message, ctx.extack);
    const p = ctx.payload;
    const ifindex = viewOf(p).getInt32(4, HOST_LE);
    const state = viewOf(p).getUint16(8, HOST_LE);
    const flags = p[10]!;
    const links = this.#state.links(ctx.skb.sock.netns);
    if (!tb[NDA.NDA_DST]) throw new KernelError('EINVAL', 'Network address not specified');
    let dev: NetDevice | undefined;
    if (ifindex) {
      dev = links.byIndex(ifindex);
      if (!dev) throw new KernelError('ENODEV');
      if (tb[NDA.NDA_LLADDR] && tb[NDA.NDA_LLADDR]!.length < dev.address.length) throw new KernelError('EINVAL', 'Invalid link address');
    }
    const tbl = this.#table(links, p[0]!);
    if (!tbl) throw new KernelError('EAFNOSUPPORT');
    if (tb[NDA.NDA_DST]!.length < tbl.keyLen) throw new KernelError('EINVAL', 'Invalid network address');
    if (flags & NTF_PROXY) {
      // pneigh_create(): pndisc_constructor() refuses an IPv6 entry without an inet6_dev (-ENOBUFS).
      if (tbl.family === 10 && !dev?.inet6) throw new KernelError('ENOBUFS');
      const protocol = tb[NDA.NDA_PROTOCOL]?.u8() ?? 0;
      pneighCreate(links, tbl.family, tb[NDA.NDA_DST]!.payload.slice(0, tbl.keyLen), dev ?? null, flags, protocol, (state & NUD.NUD_PERMANENT) !== 0);
      return;
    }
    if (tb[NDA.NDA_FLAGS_EXT]?.u32()) {
      throw new KernelError('EOPNOTSUPP', 'nlsim: NDA_FLAGS_EXT (managed, externally validated) neighbour updates are not modelled yet');
    }
    if (!dev) throw new KernelError('EINVAL', 'Device not specified');
    if (tbl.family === 10 && !dev.inet6) throw new KernelError('EINVAL', 'IPv6 is disabled on this device');
    const dst = tb[NDA.NDA_DST]!.payload.slice(0, tbl.keyLen);
    const lladdr = tb[NDA.NDA_LLADDR] && dev.address.length ? tb[NDA.NDA_LLADDR]!.payload.slice(0, dev.address.length) : null;
    const env = this.#env(links, ctx.kernelSocket);
    const now = this.#state.options.now();
    let uflags = F_ADMIN | F_OVERRIDE | F_OVERRIDE_ISROUTER;
    let n = tbl.entries.get(NeighTable.key(dev, dst));
    if (n && ctx.header.flags & NLM_F_EXCL) throw new KernelError('EEXIST');
    let created: Neighbour | undefined;
    if (!n) {
      if (!(ctx.header.flags & NLM_F_CREATE)) throw new KernelError('ENOENT');
      const c = construct(links, tbl.family, dev, dst, now);
      if (c instanceof KernelError) throw c;
      // ___neigh_create() finds an entry under the constructor's key (0.0.0.0 on lo) and uses it.
      n = tbl.entries.get(NeighTable.key(dev, c.dst));
      // The new entry is born with NTF_EXT_LEARNED (and would be with MANAGED, EXT_VALIDATED).
      c.flags = flags & NTF_EXT_LEARNED;
      if (!n) created = n = c;
    } else if (!(ctx.header.flags & NLM_F_REPLACE)) uflags &= ~(F_OVERRIDE | F_OVERRIDE_ISROUTER);
    if (flags & NTF_USE) {
      // neigh_event_send() after the update: INCOMPLETE broadcasts, STALE (DELAY, then PROBE) and REACHABLE (used now) unicast.
      const s1 = n.state & ~NUD.NUD_PERMANENT;
      const answered = s1 & (NUD.NUD_DELAY | NUD.NUD_PROBE | NUD.NUD_NOARP | NUD.NUD_INCOMPLETE) ? false
        : s1 & (NUD.NUD_STALE | NUD.NUD_REACHABLE) ? !probesUnanswered(dev, tbl.family, n.ha)
        : !broadcastUnanswered(links, dev, tbl.family, n.dst);
      if (answered) {
        throw new KernelError('EOPNOTSUPP', 'nlsim: NTF_USE is modelled only where the probes it leads to cannot be answered (device down or without carrier, NOARP, a veth peer that does not own the address); here they could be, which is not modelled yet');
      }
    } else if (state & 0xff & (NUD.NUD_DELAY | NUD.NUD_PROBE)) {
      // The address the probes would go to (none: __neigh_update() refuses the request itself).
      const ll = lladdr ?? (n.state & NUD_VALID ? n.ha : null);
      if (ll && !probesUnanswered(dev, tbl.family, ll)) {
        throw new KernelError('EOPNOTSUPP', 'nlsim: DELAY and PROBE neighbour entries are modelled only where their probes cannot be answered (device down or without carrier, lo, NOARP, a veth peer that drops them); here they could be, which is not modelled yet');
      }
    }
    if (created) tbl.entries.set(NeighTable.key(dev, created.dst), created);
    if (tb[NDA.NDA_PROTOCOL]?.u8()) n.protocol = tb[NDA.NDA_PROTOCOL]!.u8();
    if (flags & NTF_EXT_LEARNED) uflags |= F_EXT_LEARNED;
    if (flags & NTF_ROUTER) uflags |= F_ISROUTER;
    if (flags & NTF_USE) uflags |= F_USE;
    const err = neighUpdate(env, n, lladdr, state, uflags, ctx.portid);
    if (err) throw err;
    if (flags & NTF_USE) neighEventSend(env, n);
  }

  /** del mirrors neigh_delete(): __neigh_update() to NUD_FAILED (notified if it was valid, INCOMPLETE or PROBE), then the entry goes (RTM_DELNEIGH). */
  del(ctx: RequestContext): void {
    if (ctx.payload.length < NDMSG_LEN) throw new KernelError('EINVAL');
    // neigh_delete() only looks for NDA_DST (nlmsg_find_attr()): no policy, other attributes
    // ignored whatever their length (probed on 6.18).
    const dst = findAttr(ctx.message, 16 + NDMSG_LEN, NDA.NDA_DST);
    if (!dst) throw new KernelError('EINVAL', 'Network address not specified');
    const p = ctx.payload;
    const ifindex = viewOf(p).getInt32(4, HOST_LE);
    const links = this.#state.links(ctx.skb.sock.netns);
    let dev: NetDevice | undefined;
    if (ifindex) {
      dev = links.byIndex(ifindex);
      if (!dev) throw new KernelError('ENODEV');
    }
    const tbl = this.#table(links, p[0]!);
    if (!tbl) throw new KernelError('EAFNOSUPPORT');
    if (dst.length < tbl.keyLen) throw new KernelError('EINVAL', 'Invalid network address');
    if (p[10]! & NTF_PROXY) {
      if (!pneighDelete(links, tbl.family, dst.payload.subarray(0, tbl.keyLen), dev ?? null)) throw new KernelError('ENOENT');
      return;
    }
    if (!dev) throw new KernelError('EINVAL');
    const key = NeighTable.key(dev, dst.payload.subarray(0, tbl.keyLen));
    const n = tbl.entries.get(key);
    if (!n) throw new KernelError('ENOENT');
    neighUpdate(this.#env(links, ctx.kernelSocket), n, null, NUD.NUD_FAILED, F_OVERRIDE | F_ADMIN, ctx.portid);
    n.dead = true;
    tbl.entries.delete(key);
    neighNotify(ctx.kernelSocket, RTM.RTM_DELNEIGH, n, 0, 0, this.#state.options.now());
  }

  /** get mirrors neigh_get() with neigh_valid_get_req(). */
  get(ctx: RequestContext): number {
    if (ctx.payload.length < NDMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for neighbor get request');
    const p = ctx.payload;
    const v = viewOf(p);
    if (p[1] || v.getUint16(2, HOST_LE) || v.getUint16(8, HOST_LE) || p[11]) throw new KernelError('EINVAL', 'Invalid values in header for neighbor get request');
    if (p[10]! & ~NTF_PROXY) throw new KernelError('EINVAL', 'Invalid flags in header for neighbor get request');
    // 6.18 checks the device and the address before RCU (neigh_valid_get_req()): a device
    // unless NTF_PROXY, then the strict parse, then NDA_DST present, as long as a key.
    const ifindex = v.getInt32(4, HOST_LE);
    if (!(p[10]! & NTF_PROXY) && !ifindex) throw new KernelError('EINVAL', 'No device specified');
    const tb = this.#parse(ctx.message, ctx.extack, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
    const links = this.#state.links(ctx.skb.sock.netns);
    const tbl = this.#table(links, p[0]!);
    if (!tbl) throw new KernelError('EAFNOSUPPORT', 'Unsupported family in header for neighbor get request');
    for (let i = 0; i <= NDA_MAX; i++) {
      if (i === NDA.NDA_DST) {
        if (!tb[i]) throw new KernelError('EINVAL', { missingType: NDA.NDA_DST });
        if (tb[i]!.length !== tbl.keyLen) throw new KernelError('EINVAL', 'Invalid network address in neighbor get request');
      } else if (tb[i]) throw new KernelError('EINVAL', 'Unsupported attribute in neighbor get request');
    }
    let dev: NetDevice | undefined;
    if (ifindex) {
      dev = links.byIndex(ifindex);
      if (!dev) throw new KernelError('ENODEV', 'Unknown device ifindex');
    }
    if (p[10]! & NTF_PROXY) {
      const pn = pneighLookup(links, tbl.family, tb[NDA.NDA_DST]!.payload, dev ?? null);
      if (!pn) throw new KernelError('ENOENT', 'Proxy neighbour entry not found');
      return ctx.reply(ctx.encode(RTM.RTM_NEWNEIGH, (w) => fillPneigh(w, pn)), { allocSize: NEIGH_NLMSG_SIZE });
    }
    const n = tbl.entries.get(NeighTable.key(dev!, tb[NDA.NDA_DST]!.payload)); // a device, as checked first
    if (!n) throw new KernelError('ENOENT', 'Neighbour entry not found');
    return ctx.reply(ctx.encode(RTM.RTM_NEWNEIGH, (w) => fillNeigh(w, n, 1, this.#state.options.now())), { allocSize: NEIGH_NLMSG_SIZE });
  }

  /** dump mirrors neigh_dump_info() with neigh_valid_dump_req(). */
  dump(ctx: RequestContext): DumpControl {
    const links = this.#state.links(ctx.skb.sock.netns);
    const family = ctx.payload[0]!;
    // neigh_dump_info(): ndm_flags == NTF_PROXY dumps the proxy tables instead (pneigh_dump_table()).
    const proxy = ctx.payload.length >= NDMSG_LEN && ctx.payload[10] === NTF_PROXY;
    let filter: { dev: number; master: number; flags: number } | undefined;
    return {
      dump: (chunk, d) => {
        if (!filter) {
          try {
            filter = this.#validDump(d.requestMessage, d.strictCheck, d.extack);
          } catch (e) {
            if (!(e instanceof KernelError)) throw e;
            filter = { dev: 0, master: 0, flags: 0 };
            Object.assign(d.extack, e.extack);
            return e.errno;
          }
        }
        const f = filter;
        const tables = neighTables(links).filter((t) => !family || t.family === family);
        if (proxy) {
          for (let ti = (d.args[0] as number | undefined) ?? 0; ti < tables.length; ti++) {
            const list = pneighEntries(links, tables[ti]!.family);
            for (let i = (d.args[1] as number | undefined) ?? 0; i < list.length; i++) {
              const n = list[i]!;
              const keep = (!f.dev || n.dev?.ifindex === f.dev) && (!f.master || n.dev?.master?.ifindex === f.master);
              if (keep && !chunk.put(RTM.RTM_NEWNEIGH, (w) => fillPneigh(w, n), f.flags)) return chunk.length ? chunk.length : -90;
              d.args[1] = i + 1;
            }
            d.args[0] = ti + 1;
            d.args[1] = 0;
          }
          return 0;
        }
        const now = this.#state.options.now();
        for (let ti = (d.args[0] as number | undefined) ?? 0; ti < tables.length; ti++) {
          const list = [...tables[ti]!.entries.values()];
          for (let i = (d.args[1] as number | undefined) ?? 0; i < list.length; i++) {
            const n = list[i]!;
            const keep = (!f.dev || n.dev.ifindex === f.dev) && (!f.master || n.dev.master?.ifindex === f.master);
            if (keep && !chunk.put(RTM.RTM_NEWNEIGH, (w) => fillNeigh(w, n, 0, now), f.flags)) return chunk.length ? chunk.length : -90;
            d.args[1] = i + 1;
          }
          d.args[0] = ti + 1;
          d.args[1] = 0;
        }
        return 0;
      },
    };
  }

  #validDump(message: Uint8Array, strict: boolean, extack: object): { dev: number; master: number; flags: number } {
    let tb: Tb;
    if (strict) {
      if (message.length - 16 < NDMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for neighbor dump request');
      const p = message.subarray(16);
      const v = viewOf(p);
      if (p[1] || v.getUint16(2, HOST_LE) || v.getInt32(4, HOST_LE) || v.getUint16(8, HOST_LE) || p[11]) {
        throw new KernelError('EINVAL', 'Invalid values in header for neighbor dump request');
      }
      if (p[10]! & ~NTF_PROXY) throw new KernelError('EINVAL', 'Invalid flags in header for neighbor dump request');
      tb = this.#parse(message, extack, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
    } else {
      // neigh_dump_info() goes on unfiltered after a failed parse; its message stays for NLMSG_DONE.
      try {
        tb = this.#parse(message, extack);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        if (e.extack?.message) Object.assign(extack, { message: e.extack.message });
        tb = [];
      }
    }
    const f = { dev: 0, master: 0, flags: 0 };
    for (let i = 0; i <= NDA_MAX; i++) {
      if (!tb[i]) continue;
      if (i === NDA.NDA_IFINDEX) f.dev = tb[i]!.u32();
      else if (i === NDA.NDA_MASTER) f.master = tb[i]!.u32();
      else if (strict) throw new KernelError('EINVAL', 'Unsupported attribute in neighbor dump request');
    }
    if (f.dev || f.master) f.flags = NLM_F_DUMP_FILTERED;
    return f;
  }
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** findAttr mirrors nla_find(): the first attribute of `type` from `offset` on, walking while nla_ok(). */
function findAttr(message: Uint8Array, offset: number, type: number): AttrView | undefined {
  const v = viewOf(message);
  for (let o = offset; message.length - o >= 4; ) {
    const len = v.getUint16(o, HOST_LE);
    if (len < 4 || len > message.length - o) return undefined;
    const raw = v.getUint16(o + 2, HOST_LE);
    if ((raw & 0x3fff) === type) return new AttrView(raw, o, message.subarray(o + 4, o + len));
    o += (len + 3) & ~3;
  }
  return undefined;
}
