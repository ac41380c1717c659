/**
 * The network state rtnetlink reports: per namespace, the device list (struct net's
 * dev_base_head, ifindex allocator and dev_base_seq). Namespaces get their loopback device
 * on first use, as loopback_net_init() gives every new struct net one.
 */
import type { KernelSocket } from '../../../sim/kernel-socket.js';
import type { NetNamespace } from '../../../sim/netns.js';
import { NETLINK_ROUTE } from '../../../sim/uapi/netlink.js';
import type { KernelTimer } from '../../../sim/clock.js';
import type { KernelConfig } from '../../../sim/profile.js';
import type { Random } from '../../../sim/random.js';
import { createLoopback, type NetDevice } from './device.js';
import type { LinkKind } from './link-kind.js';
import { NetdevChain } from './netdev-notifier.js';
import type { NeighTableOps } from './neighbour.js';
import type { FibRulesFamilyOps } from './fib-rules.js';

/** LinkTable is one namespace's devices, in ifindex order. */
export class LinkTable {
  readonly #devices = new Map<number, NetDevice>();
  /** net->ifindex: the last index handed out (dev_index_reserve()). */
  #lastIndex = 0;
  /**
   * net->dev_base_seq: bumped whenever the list or a name changes; dumps sample it for
   * NLM_F_DUMP_INTR.
   */
  devBaseSeq = 1;
  /** Devices with a pending linkwatch event (lweventlist). */
  readonly linkwatch: NetDevice[] = [];
  /**
   * The netdevice notifier chain the address families registered on (netdev-notifier.ts).
   * Their per-namespace state (net->ipv4, net->ipv6) hangs off this table too: ipv4/ and
   * ipv6/ declare it by declaration merging (`links.inet4`, `links.inet6`) and set it in
   * their pernet init, so that core code never names it.
   */
  readonly netdevChain = new NetdevChain();
  /**
   * The families' neighbour table hooks (struct neigh_table's constructor and proxy
   * constructor/destructor), by family: arp_tbl from ipv4/, nd_tbl from ipv6/.
   */
  readonly neighOps = new Map<number, NeighTableOps>();
  /** The families' fib rules hooks (fib_rules_register()'s ops: configure, delete), by family. */
  readonly fibRulesOps = new Map<number, FibRulesFamilyOps>();
  /** The build options of the kernel (its profile's). */
  readonly config: KernelConfig;
  /** The registered link kinds (link_ops). */
  readonly linkOps: ReadonlyMap<string, LinkKind>;
  /** The namespace's rtnetlink kernel socket, which the families notify through (null: none yet). */
  readonly ks: KernelSocket | null;
  /** Kernel time in ms. */
  readonly now: () => number;

  constructor(options: NetworkStateOptions, ks: KernelSocket | null = null) {
    this.config = options.config;
    this.linkOps = options.linkOps;
    this.ks = ks;
    this.now = options.now;
    for (const init of options.pernet) init(this, options);
  }

  /**
   * list is the namespace's devices in ifindex order (for_each_netdev_dump()). The array is
   * kept until a device comes or goes: a link dump asks for it once per chunk.
   */
  list(): readonly NetDevice[] {
    return (this.#sorted ??= [...this.#devices.values()].sort((a, b) => a.ifindex - b.ifindex));
  }

  #sorted: NetDevice[] | null = null;

  /** inListOrder lists the devices as dev_base_head links them (for_each_netdev()): in registration order. */
  inListOrder(): NetDevice[] {
    return [...this.#devices.values()];
  }

  /** byIndex mirrors __dev_get_by_index(). */
  byIndex(ifindex: number): NetDevice | undefined {
    return this.#devices.get(ifindex);
  }

  /** byName mirrors __dev_get_by_name() (primary names only). */
  byName(name: string): NetDevice | undefined {
    for (const d of this.#devices.values()) if (d.name === name) return d;
    return undefined;
  }

  /** byAnyName mirrors netdev_name_node_lookup(): primary or alternative name. */
  byAnyName(name: string): NetDevice | undefined {
    for (const d of this.#devices.values()) if (d.name === name || d.altNames.includes(name)) return d;
    return undefined;
  }

  /**
   * nextIndex mirrors dev_index_reserve(net, 0): xa_alloc_cyclic() from the last index it
   * handed out, skipping used ones. Explicitly requested indexes do not move it.
   */
  nextIndex(): number {
    let i = this.#lastIndex + 1;
    while (this.#devices.has(i)) i++;
    this.#lastIndex = i;
    return i;
  }

  /** add mirrors list_netdevice(). */
  add(dev: NetDevice): void {
    this.#devices.set(dev.ifindex, dev);
    this.#sorted = null;
    this.devBaseSeq++;
  }

  /** remove mirrors unlist_netdevice(). */
  remove(dev: NetDevice): void {
    this.#devices.delete(dev.ifindex);
    this.#sorted = null;
    this.devBaseSeq++;
  }
}

/** NetworkStateOptions tune the simulated hosts' clocks and randomness. */
export interface NetworkStateOptions {
  /** Seed for per-device randomness (IPv6 reachable_time). Defaults to a random seed. */
  random: Random;
  /** Milliseconds since "boot", for IFLA_INET6_CACHEINFO's tstamp. Defaults to time since registration. */
  now: () => number;
  /** Runs `callback` after `delayMs` of kernel time (the kernel's clock; DAD, router solicitations). */
  setTimer: (delayMs: number, callback: () => void) => KernelTimer;
  /** The build options of the kernel (kernel.profile.config). */
  config: KernelConfig;
  /**
   * link_ops: the link kinds rtnl_link_register() added, by IFLA_INFO_KIND (the drivers the
   * build has). Filled from outside core, which knows no driver.
   */
  linkOps: ReadonlyMap<string, LinkKind>;
  /**
   * The subsystems' pernet_operations .init, in registration order: each adds its state to a
   * namespace's table when the table is made (IPv4, then IPv6).
   */
  pernet: readonly PernetInit[];
}

/** PernetInit sets up one subsystem's state in a new namespace's table. */
export type PernetInit = (links: LinkTable, options: NetworkStateOptions) => void;

/** NetworkState is the route protocol's view of every namespace of one kernel. */
export class NetworkState {
  readonly #tables = new WeakMap<NetNamespace, LinkTable>();
  readonly options: NetworkStateOptions;

  constructor(options: NetworkStateOptions) {
    this.options = options;
  }

  /** links returns `ns`'s device table, creating `lo` the first time (loopback_net_init()). */
  links(ns: NetNamespace): LinkTable {
    let t = this.#tables.get(ns);
    if (!t) {
      t = new LinkTable(this.options, ns.protocols[NETLINK_ROUTE]?.kernelSocket ?? null);
      this.#tables.set(ns, t);
      const lo = createLoopback(t.nextIndex(), this.options);
      t.add(lo);
    }
    return t;
  }
}
