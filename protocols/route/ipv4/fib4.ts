/**
 * The IPv4 FIB: per-namespace tables of routes (fib_table over fib_trie), kept in the order
 * fib_trie walks them: by key, then longer prefixes first (fa_slen), higher TOS first, lower
 * metric first, and for equal ones in list order (new routes go before their equals unless
 * NLM_F_APPEND). Mirrors fib_table_insert(), fib_table_delete(), fib_table_lookup() and
 * fib_table_dump() for what nlsim models: routes with one nexthop or several (RTA_MULTIPATH),
 * without nexthop objects.
 *
 * @note Storage is a flat array sorted lazily (at the first dump or lookup after an
 * out-of-order insert) plus a map by prefix, so 100 000 routes cost one object each and a
 * dump walks an array. Linux's local table shares main's trie until a custom rule exists
 * (fib_new_table() with an alias); nlsim keeps them apart, which gives the same dumps, and
 * reports lookups from table main in that state as Linux does.
 */
import type { NetDevice } from '../core/index.js';
import type { Nexthop } from './nexthop-table.js';
import { inetMask } from '../core/index.js';
import { RT_TABLE } from '../core/uapi.js';

/** FibNh is one nexthop of a multipath route (struct fib_nh). */
export interface FibNh {
  /** fib_nh_gw4 (0: none). */
  readonly gw: number;
  /** fib_nh_scope: the scope of the route the gateway resolved through. */
  readonly nhScope: number;
  readonly dev: NetDevice;
  /** RTNH_F_* as configured (rtnh_flags), plus RTNH_F_DEAD while its device is down. */
  flags: number;
  /** fib_nh_weight: rtnh_hops + 1. */
  readonly weight: number;
  /** nh_tclassid (RTA_FLOW inside the rtnexthop; 0: none). */
  readonly flow: number;
  /** The carrier state (LINKDOWN) of its device as the route last saw it (see syncCarrier()). */
  seenLinkdown: boolean;
  /** An IPv6 gateway (a nexthop object's path under an IPv4 route), reported as RTA_VIA. */
  readonly gw6?: Uint8Array;
}

/**
 * FibAlias is one IPv4 route: a fib_alias with its fib_info. A route with one nexthop keeps
 * it in gw/dev/nhFlags/flow; a multipath one lists its nexthops in `nhs` and mirrors the
 * first of them there (fib_nh_match() and inet_addr_type_dev_table() look at nexthop 0).
 */
export interface FibAlias {
  /** fa's leaf key: the destination prefix. */
  readonly key: number;
  readonly plen: number;
  readonly tos: number;
  readonly tbId: number;
  readonly type: number;
  /** fib_info->fib_scope. */
  readonly scope: number;
  readonly protocol: number;
  readonly priority: number;
  /** fib_info->fib_prefsrc (0: none). */
  readonly prefsrc: number;
  /** fib_nh_gw4 (0: none). */
  readonly gw: number;
  /** fib_nh_gw6: an IPv6 gateway (RTA_VIA), if any. */
  readonly gw6?: Uint8Array;
  /**
   * fib_nh_scope: the scope of the route the gateway resolved through (link, or host for a
   * local route). Absent for routes without a gateway. rt_set_nexthop() uses the gateway of
   * a lookup only when it is RT_SCOPE_LINK.
   */
  readonly nhScope?: number;
  /** fib_nh_dev (null for blackhole and friends). */
  readonly dev: NetDevice | null;
  /** RTNH_F_* next-hop flags (ONLINK) as configured. */
  readonly nhFlags: number;
  /** RTAX_* metrics as (type, value) pairs in type order, or null. */
  readonly metrics: readonly (readonly [number, number])[] | null;
  /** RTA_FLOW realms (0: none). */
  readonly flow: number;
  /** The nexthops of a multipath route (two or more), else null. */
  readonly nhs?: FibNh[] | null;
  /** fib_info->fib_flags of a multipath route: the request's rtm_flags (its rtm_flags in dumps). */
  readonly fibFlags?: number;
  /** The nexthop object the route uses (RTA_NH_ID), if any; gw and dev are then unset. */
  readonly nh?: Nexthop;
  /** RTNH_F_LINKDOWN in fi->fib_flags of a multipath route. */
  fiLinkdown?: boolean;
  /** List position among equal (key, plen, tos, priority) routes; smaller first. */
  order: number;
}

/**
 * syncCarrier applies to a multipath route the carrier changes of its devices since it last
 * looked (NETDEV_CHANGE reaches the FIB from linkwatch, which nlsim does not route here):
 * fib_sync_down_dev() makes the route LINKDOWN when every nexthop is DEAD or on the device
 * that lost its carrier; fib_sync_up() clears it when a nexthop comes back.
 * @note Several carrier changes between two looks are applied one device at a time, in
 * nexthop order; Linux applies them in the order they happened.
 */
export function syncCarrier(fa: FibAlias): void {
  const nhs = fa.nhs;
  if (!nhs) return;
  const changed: NetDevice[] = [];
  for (const nh of nhs) if (nh.dev.nhLinkdown !== nh.seenLinkdown && !changed.includes(nh.dev)) changed.push(nh.dev);
  for (const dev of changed) {
    for (const nh of nhs) if (nh.dev === dev) nh.seenLinkdown = dev.nhLinkdown;
    if (dev.nhLinkdown) {
      const dead = nhs.filter((nh) => nh.flags & 1 || nh.dev === dev).length;
      if (dead === nhs.length) fa.fiLinkdown = true;
    } else if (nhs.some((nh) => !(nh.flags & 1) && !nh.seenLinkdown)) fa.fiLinkdown = false;
  }
}

/** compareAlias is fib_trie's walk order. */
export function compareAlias(a: FibAlias, b: FibAlias): number {
  return a.key - b.key || b.plen - a.plen || b.tos - a.tos || a.priority - b.priority || a.order - b.order;
}

/** prefixKey indexes a prefix in the by-prefix map. */
const prefixKey = (key: number, plen: number) => key * 64 + plen;

/** FibTable is one routing table (struct fib_table). */
export class FibTable {
  readonly id: number;
  /** Creation rank, for the hash-bucket order of dumps (newest first within a bucket). */
  readonly rank: number;
  #list: FibAlias[] = [];
  #sorted = true;
  readonly #byPrefix = new Map<number, FibAlias[]>();
  #first = 0;
  #last = 0;
  /** version changes whenever the table does (dump cursors re-find their place). */
  version = 0;

  constructor(id: number, rank: number) {
    this.id = id;
    this.rank = rank;
  }

  /** size is the number of routes. */
  get size(): number {
    return this.#list.length;
  }

  /** aliases lists the routes in walk order. */
  aliases(): readonly FibAlias[] {
    if (!this.#sorted) {
      this.#list.sort(compareAlias);
      this.#sorted = true;
    }
    return this.#list;
  }

  /** prefix lists the routes of one prefix in list order (fib_find_alias()'s view of a leaf). */
  prefix(key: number, plen: number): readonly FibAlias[] {
    return this.#byPrefix.get(prefixKey(key, plen)) ?? [];
  }

  /**
   * insert adds `fa` before its equals, or after them with `append`, or in place of
   * `replaces`.
   */
  insert(fa: FibAlias, how: { append?: boolean; replaces?: FibAlias }): void {
    if (how.replaces) {
      fa.order = how.replaces.order;
      this.remove(how.replaces);
    } else fa.order = how.append ? ++this.#last : --this.#first;
    const k = prefixKey(fa.key, fa.plen);
    const group = this.#byPrefix.get(k);
    if (group) {
      group.push(fa);
      group.sort(compareAlias);
    } else this.#byPrefix.set(k, [fa]);
    const list = this.#list;
    if (this.#sorted && list.length && compareAlias(list[list.length - 1]!, fa) > 0) this.#sorted = false;
    list.push(fa);
    this.version++;
  }

  /** remove deletes `fa`. */
  remove(fa: FibAlias): void {
    const k = prefixKey(fa.key, fa.plen);
    const group = this.#byPrefix.get(k);
    if (group) {
      group.splice(group.indexOf(fa), 1);
      if (!group.length) this.#byPrefix.delete(k);
    }
    const list = this.aliases() as FibAlias[];
    list.splice(this.indexOf(fa), 1);
    this.version++;
  }

  /** removeWhere deletes every route matching `pred` (fib_table_flush()) and returns them in walk order. */
  removeWhere(pred: (fa: FibAlias) => boolean): FibAlias[] {
    const gone = this.aliases().filter(pred);
    if (!gone.length) return gone;
    const set = new Set(gone);
    this.#list = this.#list.filter((fa) => !set.has(fa));
    for (const k of new Set(gone.map((fa) => prefixKey(fa.key, fa.plen)))) {
      // Several of the routes can share a prefix (two addresses' broadcast routes): each prefix once.
      const group = this.#byPrefix.get(k)!.filter((x) => !set.has(x));
      if (group.length) this.#byPrefix.set(k, group);
      else this.#byPrefix.delete(k);
    }
    this.version++;
    return gone;
  }

  /** indexOf finds `fa` (or where it would be) in walk order by binary search. */
  indexOf(fa: FibAlias): number {
    const list = this.aliases();
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareAlias(list[mid]!, fa) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * lookup mirrors fib_table_lookup(): the longest prefix containing `addr` that has a
   * route `accept` takes, first in list order.
   */
  lookup(addr: number, accept: (fa: FibAlias) => boolean): FibAlias | undefined {
    for (let plen = 32; plen >= 0; plen--) {
      const group = this.#byPrefix.get(prefixKey((addr & inetMask(plen)) >>> 0, plen));
      if (!group) continue;
      for (const fa of group) if (accept(fa)) return fa;
    }
    return undefined;
  }
}

/** Fib4 is one namespace's IPv4 tables (net->ipv4.fib_table_hash). */
export class Fib4 {
  readonly #tables = new Map<number, FibTable>();
  #rank = 0;
  /** net->ipv4.fib_has_custom_rules: once set, local and main are looked up apart. */
  hasCustomRules = false;

  /** get mirrors fib_get_table(). */
  get(id: number): FibTable | undefined {
    return this.#tables.get(id === 0 ? RT_TABLE.RT_TABLE_MAIN : id);
  }

  /**
   * create mirrors fib_new_table(). The local table is made with main as its alias while no
   * custom rule exists (fib_trie_table(RT_TABLE_LOCAL, main)), so main exists from the first
   * local route on: RTM_DELROUTE in main then fails with ESRCH from the lookup, not from the
   * table's absence.
   */
  create(id: number): FibTable {
    const tid = id === 0 ? RT_TABLE.RT_TABLE_MAIN : id;
    let t = this.#tables.get(tid);
    if (!t && tid === RT_TABLE.RT_TABLE_LOCAL && !this.hasCustomRules) this.create(RT_TABLE.RT_TABLE_MAIN);
    if (!t) {
      t = new FibTable(tid, this.#rank++);
      this.#tables.set(tid, t);
    }
    return t;
  }

  /** tables lists the tables in dump order: hash bucket (id & 255), newest first in a bucket. */
  tables(): FibTable[] {
    return [...this.#tables.values()].sort((a, b) => (a.id & 255) - (b.id & 255) || b.rank - a.rank);
  }
}
