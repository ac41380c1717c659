/**
 * Nexthop objects of one namespace (net/ipv4/nexthop.c): single nexthops (a gateway and a
 * device, a device, or a blackhole; IPv4 or IPv6) and hash-threshold groups of them, kept by
 * id (the rb-tree's order), with the groups each belongs to (grp_list, newest first); the
 * routes that use one (fi_list, f6i_list) are found in the FIB through RouteHooks.
 *
 * Mirrors nexthop_create(), nexthop_create_group(), insert_nexthop(), remove_nexthop() with
 * remove_nh_grp_entry(), nexthop_flush_dev() and nh_fill_node().
 */
import { KernelError } from '../../../sim/errors.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import type { NetDevice } from '../core/index.js';
import { notify, type Notifier } from '../core/index.js';
import { AF_INET, RTM, RTNLGRP } from '../core/uapi.js';

/** NHA holds the nexthop attributes (linux/nexthop.h). */
export const NHA = {
  NHA_ID: 1, NHA_GROUP: 2, NHA_GROUP_TYPE: 3, NHA_BLACKHOLE: 4, NHA_OIF: 5, NHA_GATEWAY: 6, NHA_ENCAP_TYPE: 7, NHA_ENCAP: 8, NHA_GROUPS: 9,
  NHA_MASTER: 10, NHA_FDB: 11, NHA_RES_GROUP: 12, NHA_RES_BUCKET: 13, NHA_OP_FLAGS: 14, NHA_GROUP_STATS: 15, NHA_HW_STATS_ENABLE: 16,
  NHA_HW_STATS_USED: 17,
} as const;
/** NHA_OP_FLAG_DUMP_STATS / _DUMP_HW_STATS (requests) and NHA_OP_FLAG_RESP_GRP_RESVD_0 (replies about groups). */
export const NHA_OP_FLAG_DUMP_STATS = 1;
export const NHA_OP_FLAG_DUMP_HW_STATS = 2;
const NHA_OP_FLAG_RESP_GRP_RESVD_0 = 0x80000000;

/** NhInfo is struct nh_info: one nexthop's family, device, gateway and scope. */
export interface NhInfo {
  readonly family: number;
  /** The device (lo for a blackhole). */
  readonly dev: NetDevice;
  /** The gateway's 4 or 16 bytes, or null. */
  readonly gw: Uint8Array | null;
  /** reject_nh: a blackhole. */
  readonly reject: boolean;
  /** fib_nhc.nhc_scope (nh_scope in replies). */
  readonly scope: number;
  /** fib_nh_scope of an IPv4 gateway: the scope of the route it resolved through. */
  readonly nhScope: number;
}

/** NhGroupEntry is struct nh_grp_entry: a member and its weight (1 to 256). */
export interface NhGroupEntry {
  readonly nh: Nexthop;
  readonly weight: number;
}

/** Nexthop is struct nexthop: a single nexthop (info) or a group (entries). */
export interface Nexthop {
  readonly id: number;
  protocol: number;
  /** nh_flags (RTNH_F_ONLINK, LINKDOWN at creation). */
  flags: number;
  info: NhInfo | null;
  /** The members of a group, in request order. */
  entries: NhGroupEntry[] | null;
  /** The groups this nexthop is in, newest first (grp_list). */
  readonly groups: Nexthop[];
}

/** numPaths mirrors nexthop_num_path(). */
export function numPaths(nh: Nexthop): number {
  return nh.entries ? nh.entries.length : 1;
}

/** NhPath is one path of a nexthop as routes report it: a single nexthop and its weight. */
export interface NhPath {
  readonly info: NhInfo;
  readonly weight: number;
}

/** paths lists the paths of `nh`: itself, or its group's members. */
export function paths(nh: Nexthop): NhPath[] {
  return nh.entries ? nh.entries.map((e) => ({ info: e.nh.info!, weight: e.weight })) : [{ info: nh.info!, weight: 1 }];
}

/** isBlackhole mirrors nexthop_is_blackhole(): a blackhole, or a group of one blackhole. */
export function isBlackhole(nh: Nexthop): boolean {
  const p = nh.entries ? (nh.entries.length === 1 ? nh.entries[0]!.nh : null) : nh;
  return p?.info?.reject ?? false;
}

/** hasV4 is nh_group->has_v4 (or a single IPv4 nexthop). */
export function hasV4(nh: Nexthop): boolean {
  return nh.entries ? nh.entries.some((e) => e.nh.info!.family === AF_INET) : nh.info!.family === AF_INET;
}

/**
 * fibCheckNexthop mirrors fib_check_nexthop(): what an IPv4 route of `scope` accepts of a
 * nexthop (a group not at host scope; no gateway at host scope; ONLINK only below link scope).
 */
export function fibCheckNexthop(nh: Nexthop, scope: number): void {
  if (nh.entries && scope === 254) throw new KernelError('EINVAL', 'Route with host scope can not have multiple nexthops');
  const first = nh.entries ? nh.entries[0]!.nh : nh;
  if (scope === 254 && first.info!.gw) throw new KernelError('EINVAL', 'Route with host scope can not have a gateway');
  if (first.flags & 4 && scope >= 253) throw new KernelError('EINVAL', 'Scope mismatch with nexthop');
}

/** RouteHooks are what nexthop removal does to the routes using a nexthop (state wires inet4 and inet6). */
export interface RouteHooks {
  /** __remove_nexthop_fib() for IPv4: the routes are flushed, silently. */
  flush4(nh: Nexthop): void;
  /** __remove_nexthop_fib() for IPv6: each route is deleted (ip6_del_rt(), notified). */
  delete6(nh: Nexthop): void;
  /** The scopes of the IPv4 routes using `nh` (fi_list). */
  scopes4(nh: Nexthop): number[];
  /** Whether IPv6 routes use `nh` (f6i_list). */
  used6(nh: Nexthop): boolean;
  /** __nexthop_replace_notify(): RTM_NEWROUTE with NLM_F_REPLACE for every route using `nh`. */
  replaced(nh: Nexthop, n: Notifier): void;
}

/** NexthopTable is net->nexthop: the nexthops by id, the last id handed out. */
export class NexthopTable {
  readonly #byId = new Map<number, Nexthop>();
  #lastId = 0;
  /** Bumped at every change (nh_base_seq_inc()), for dump consistency. */
  seq = 0;
  hooks: RouteHooks | null = null;

  /** get mirrors nexthop_find_by_id(). */
  get(id: number): Nexthop | undefined {
    return this.#byId.get(id);
  }

  /** list gives the nexthops in id order (the rb-tree walk of dumps). */
  list(): Nexthop[] {
    return [...this.#byId.values()].sort((a, b) => a.id - b.id);
  }

  /** size is the number of nexthops. */
  get size(): number {
    return this.#byId.size;
  }

  /** unusedId mirrors nh_find_unused_id(): the next free id after the last one handed out (0: none). */
  unusedId(): number {
    const start = this.#lastId;
    for (;;) {
      this.#lastId = (this.#lastId + 1) >>> 0;
      if (this.#lastId === start) return 0;
      if (this.#lastId && !this.#byId.has(this.#lastId)) return this.#lastId;
    }
  }

  /** insert links `nh` in (and in its members' group lists). */
  insert(nh: Nexthop): void {
    this.#byId.set(nh.id, nh);
    for (const e of nh.entries ?? []) e.nh.groups.unshift(nh);
    this.seq++;
  }

  /**
   * remove mirrors remove_nexthop(): RTM_DELNEXTHOP (when a request asked), then the routes
   * using it, then its groups: a group left empty goes the same way, another loses the member
   * and is reported again (RTM_NEWNEXTHOP) when a request asked.
   */
  remove(nh: Nexthop, n: Notifier | null): void {
    if (!this.#byId.has(nh.id)) return;
    this.#byId.delete(nh.id);
    if (n) this.notify(n, RTM.RTM_DELNEXTHOP, nh);
    this.hooks?.flush4(nh);
    this.hooks?.delete6(nh);
    if (nh.entries) {
      for (const e of nh.entries) {
        const i = e.nh.groups.indexOf(nh);
        if (i >= 0) e.nh.groups.splice(i, 1);
      }
    } else {
      for (const g of [...nh.groups]) {
        const i = nh.groups.indexOf(g);
        if (i >= 0) nh.groups.splice(i, 1);
        if (g.entries!.length === 1) {
          this.remove(g, n);
          continue;
        }
        g.entries = g.entries!.filter((e) => e.nh !== nh);
        if (n) this.notify(n, RTM.RTM_NEWNEXTHOP, g);
      }
    }
    this.seq++;
  }

  /**
   * flushDev mirrors nexthop_flush_dev() for NETDEV_DOWN, NETDEV_CHANGE without carrier (linkwatch,
   * netdev.ts) and NETDEV_UNREGISTER: the nexthops through `dev` go without RTM_DELNEXTHOP
   * (blackholes stay while lo is only down), newest first (the device hash's order).
   */
  flushDev(dev: NetDevice, unregister: boolean): void {
    const doomed = [...this.#byId.values()].filter((nh) => nh.info && nh.info.dev === dev && (unregister || !nh.info.reject));
    for (const nh of doomed.reverse()) this.remove(nh, null);
  }

  /**
   * replace mirrors replace_nexthop() once the checks passed: a single nexthop takes the new
   * one's path, protocol and flags (replace_nexthop_single()); a group its members
   * (replace_nexthop_grp()). The object, its id and the routes and groups using it stay.
   */
  replace(old: Nexthop, nw: Nexthop): void {
    if (old.entries) {
      for (const e of old.entries) {
        const i = e.nh.groups.indexOf(old);
        if (i >= 0) e.nh.groups.splice(i, 1);
      }
      old.entries = nw.entries;
      for (const e of old.entries!) e.nh.groups.unshift(old);
    } else {
      old.info = nw.info;
      old.protocol = nw.protocol;
      old.flags = nw.flags;
    }
    this.seq++;
  }

  /** notify mirrors nexthop_notify(): RTNLGRP_NEXTHOP, with the request's own flags, seq and port id. */
  notify(n: Notifier, event: number, nh: Nexthop): void {
    notify(n, event, n.req?.header.flags ?? 0, RTNLGRP.RTNLGRP_NEXTHOP, (w) => fillNexthop(w, nh, 0), nhMsgSize(nh));
  }
}

/** nhMsgSize mirrors nh_nlmsg_size(). */
function nhMsgSize(nh: Nexthop): number {
  let sz = 8 + 8;
  if (nh.entries) sz += 4 + ((nh.entries.length * 8 + 3) & ~3) + 8 + 8;
  else sz += 8 + (nh.info!.gw ? 4 + nh.info!.gw.length : 0);
  return 16 + sz;
}

/** fillNexthop mirrors nh_fill_node(): struct nhmsg, NHA_ID, then the group or the single nexthop. */
export function fillNexthop(w: AttrWriter, nh: Nexthop, opFlags: number): void {
  const head = new Uint8Array(8);
  const info = nh.info;
  head[0] = info ? info.family : 0;
  head[1] = info && !info.reject ? info.scope : 0;
  head[2] = nh.protocol;
  viewOf(head).setUint32(4, nh.flags >>> 0, HOST_LE);
  w.raw(head);
  w.u32(NHA.NHA_ID, nh.id);
  if (nh.entries) {
    w.u16(NHA.NHA_GROUP_TYPE, 0); // NEXTHOP_GRP_TYPE_MPATH
    const g = new Uint8Array(nh.entries.length * 8);
    const v = viewOf(g);
    for (const [i, e] of nh.entries.entries()) {
      v.setUint32(i * 8, e.nh.id, HOST_LE);
      g[i * 8 + 4] = (e.weight - 1) & 0xff;
      g[i * 8 + 5] = (e.weight - 1) >> 8;
    }
    w.bytes(NHA.NHA_GROUP, g);
    if (opFlags & NHA_OP_FLAG_DUMP_STATS) {
      // nla_put_nh_group_stats(): NHA_HW_STATS_ENABLE, then each member's packet count
      // (nlsim forwards nothing: 0).
      w.u32(NHA.NHA_HW_STATS_ENABLE, 0);
      const stats = w.beginNest(NHA.NHA_GROUP_STATS);
      for (const e of nh.entries) {
        const entry = w.beginNest(1);
        w.u32(1, e.nh.id);
        w.u32(2, 0);
        if (opFlags & NHA_OP_FLAG_DUMP_HW_STATS) w.u32(3, 0);
        w.endNest(entry);
      }
      w.endNest(stats);
    }
    w.u32(NHA.NHA_OP_FLAGS, NHA_OP_FLAG_RESP_GRP_RESVD_0);
    return;
  }
  if (info!.reject) {
    w.flag(NHA.NHA_BLACKHOLE);
    return;
  }
  w.u32(NHA.NHA_OIF, info!.dev.ifindex);
  if (info!.gw) w.bytes(NHA.NHA_GATEWAY, info!.gw);
}
