/**
 * The IPv6 FIB (net/ipv6/ip6_fib.c): per-namespace tables of fib6_info routes, in the order
 * fib6_walk() visits them. The walk is post-order over a radix tree, so a route comes after
 * every more specific route inside its prefix; disjoint prefixes go by their first differing
 * bit; routes of one prefix by metric, then insertion (fib6_add_rt2node()).
 *
 * @note Kept as a flat array sorted lazily, like the IPv4 FIB (fib4.ts).
 */
import type { NetDevice } from '../core/index.js';
import type { Nexthop } from '../ipv4/index.js';
import { RT_TABLE } from '../core/uapi.js';

/** Rt6 is one IPv6 route: a fib6_info with its single fib6_nh (multipath routes are sibling fib6_infos). */
export interface Rt6 {
  readonly dst: Uint8Array;
  readonly plen: number;
  readonly table: number;
  readonly type: number;
  readonly protocol: number;
  readonly metric: number;
  /** fib6_nh dev (lo for reject routes). */
  readonly dev: NetDevice;
  readonly gw: Uint8Array | null;
  /** fib6_prefsrc (cleared when the address goes: rt6_remove_prefsrc()). */
  prefsrc: Uint8Array | null;
  /** RTF_* flags. */
  readonly flags: number;
  /** RTNH_F_ONLINK etc. */
  readonly nhFlags: number;
  /** RTA_PREF (ICMPV6_ROUTER_PREF_*). */
  readonly pref: number;
  readonly metrics: readonly (readonly [number, number])[] | null;
  order: number;
  /** RTF_EXPIRES: when the route expires, kernel ms (fib6_set_expires()); unset: never. */
  expires?: number;
  /** fib_nh_weight (rtnh_hops + 1 of a multipath request; 1 otherwise). */
  weight?: number;
  /** The fib6_nh is RTNH_F_DEAD: its device went down while a sibling's stayed up. */
  dead?: boolean;
  /**
   * The ECMP group this route belongs to (fib6_siblings), itself included, in the ring order
   * the kernel keeps (the first sibling in the leaf first, appended ones at the end); null
   * for a route without siblings.
   */
  siblings?: Rt6[] | null;
  /** The nexthop object the route uses (RTA_NH_ID); `dev` is then its first path's device. */
  nh?: Nexthop;
  /** When it joined its nexthop's f6i_list (larger: newer). */
  nhSeq?: number;
}

/** comparePrefix orders two prefixes as fib6_walk() reaches them. */
export function comparePrefix(a: Uint8Array, alen: number, b: Uint8Array, blen: number): number {
  const m = Math.min(alen, blen);
  for (let i = 0; i * 8 < m; i++) {
    const bits = Math.min(8, m - i * 8);
    const mask = (0xff << (8 - bits)) & 0xff;
    const x = (a[i]! ^ b[i]!) & mask;
    if (x) {
      // The first differing bit decides: 0 (left) first.
      const bit = 0x80 >> Math.clz32(x) - 24;
      return a[i]! & bit ? 1 : -1;
    }
  }
  return blen - alen;
}

/** compareRt6 is the walk order of routes. */
export function compareRt6(a: Rt6, b: Rt6): number {
  return comparePrefix(a.dst, a.plen, b.dst, b.plen) || a.metric - b.metric || a.order - b.order;
}

/** Fib6Table is one IPv6 routing table (struct fib6_table). */
export class Fib6Table {
  readonly id: number;
  readonly rank: number;
  #list: Rt6[] = [];
  #sorted = true;
  #order = 0;
  version = 0;

  constructor(id: number, rank: number) {
    this.id = id;
    this.rank = rank;
  }

  /** routes lists the routes in walk order. */
  routes(): readonly Rt6[] {
    if (!this.#sorted) {
      this.#list.sort(compareRt6);
      this.#sorted = true;
    }
    return this.#list;
  }

  /** prefix lists the routes of one prefix (a fib6_node's leaf list). */
  prefix(dst: Uint8Array, plen: number): Rt6[] {
    return this.routes().filter((r) => r.plen === plen && comparePrefix(r.dst, plen, dst, plen) === 0);
  }

  /** insert appends `rt` after its equal-metric peers (fib6_add_rt2node()). */
  insert(rt: Rt6): void {
    rt.order = ++this.#order;
    const list = this.#list;
    if (this.#sorted && list.length && compareRt6(list[list.length - 1]!, rt) > 0) this.#sorted = false;
    list.push(rt);
    this.version++;
  }

  /** remove deletes `rt`. */
  remove(rt: Rt6): void {
    const i = this.#list.indexOf(rt);
    if (i >= 0) this.#list.splice(i, 1);
    this.version++;
  }

  /** removeWhere deletes matching routes and returns them in walk order. */
  removeWhere(pred: (rt: Rt6) => boolean): Rt6[] {
    const gone = this.routes().filter(pred);
    if (gone.length) {
      const set = new Set(gone);
      this.#list = this.#list.filter((r) => !set.has(r));
      this.version++;
    }
    return gone;
  }

  /** lookup finds the longest prefix containing `addr` whose route `accept` takes. */
  lookup(addr: Uint8Array, accept: (rt: Rt6) => boolean): Rt6 | undefined {
    let best: Rt6 | undefined;
    for (const r of this.routes()) {
      if (best && r.plen <= best.plen) continue;
      if (comparePrefix(r.dst, r.plen, addr, r.plen) === 0 && accept(r)) best = r;
    }
    return best;
  }
}

/** Fib6 is one namespace's IPv6 tables. */
export class Fib6 {
  readonly #tables = new Map<number, Fib6Table>();
  #rank = 0;

  constructor() {
    // fib6_net_init(): main and local exist from the start (unlike IPv4's, made on first use).
    this.create(RT_TABLE.RT_TABLE_MAIN);
    this.create(RT_TABLE.RT_TABLE_LOCAL);
  }

  /** get mirrors fib6_get_table(). */
  get(id: number): Fib6Table | undefined {
    return this.#tables.get(id === 0 ? RT_TABLE.RT_TABLE_MAIN : id);
  }

  /** create mirrors fib6_new_table(). */
  create(id: number): Fib6Table {
    const tid = id === 0 ? RT_TABLE.RT_TABLE_MAIN : id;
    let t = this.#tables.get(tid);
    if (!t) {
      t = new Fib6Table(tid, this.#rank++);
      this.#tables.set(tid, t);
    }
    return t;
  }

  /** tables lists the tables in dump order (hash bucket, newest first within one). */
  tables(): Fib6Table[] {
    return [...this.#tables.values()].sort((a, b) => (a.id & 255) - (b.id & 255) || b.rank - a.rank);
  }
}
