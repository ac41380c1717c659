/**
 * A device's hardware address lists (net/core/dev_addr_lists.c): dev->uc, the secondary
 * unicast addresses, and dev->mc, the multicast addresses the device listens to, each in the
 * order the addresses were first added, counted by their users (__hw_addr_add()). They are
 * what `bridge fdb show` lists as a device's "self permanent" entries (ndo_dflt_fdb_dump()).
 *
 * The multicast list follows the groups IPv4 and IPv6 joined (dev.mc4, dev.inet6.mc): a group
 * is "loaded" into the list when joined (igmp_group_added() / igmp6_group_added(): ip_eth_mc_map()
 * and ndisc_mc_map(); groups below link-local scope never are), and unloaded when left. On
 * NETDEV_DOWN ip_mc_down() unloads every IPv4 group and addrconf_ifdown() does ipv6_mc_down()
 * when the device was IF_READY; the IPv6 groups stay joined, unloaded, until ipv6_mc_up()
 * loads them again in list order (newest first) once the device is ready again.
 * @note nlsim follows the groups at the points where they change in bulk (device up and down,
 * the bridge's snooping groups) and at each read; groups joined between two of those points
 * enter the list in the order they were joined.
 */
import type { NetDevice } from './device.js';

/** HwAddr is one struct netdev_hw_addr. */
interface HwAddr {
  readonly addr: Uint8Array;
  refcount: number;
}

/** AddrLists is a device's uc and mc lists plus which IPv6 groups ipv6_mc_down() unloaded. */
interface AddrLists {
  uc: HwAddr[];
  mc: HwAddr[];
  /** The hardware addresses the kernel's own groups hold in mc, by group key. */
  loaded: Map<string, Uint8Array>;
  /** IPv6 groups left joined but unloaded by ipv6_mc_down(). */
  unloaded6: Set<string>;
}

const lists = new WeakMap<NetDevice, AddrLists>();
const ARPHRD_ETHER = 1;
const hex = (a: Uint8Array) => Buffer.from(a).toString('hex');

function listsOf(dev: NetDevice): AddrLists {
  let l = lists.get(dev);
  if (!l) {
    l = { uc: [], mc: [], loaded: new Map(), unloaded6: new Set() };
    lists.set(dev, l);
    // ipv6_add_dev() at NETDEV_REGISTER joined ff02::1 before anything else could join.
    const allNodes = dev.inet6?.mc.find((g) => g.addr[0] === 0xff && g.addr[1] === 2 && g.addr[15] === 1 && g.addr.subarray(2, 15).every((b) => b === 0));
    if (allNodes && dev.type === ARPHRD_ETHER) {
      const addr = ipv6EthMcMap(allNodes.addr);
      hwAdd(l.mc, addr);
      l.loaded.set(`6/${hex(allNodes.addr)}`, addr);
    }
  }
  return l;
}

/** hwAdd mirrors __hw_addr_add(): one more user of an address, or a new one at the tail. */
function hwAdd(list: HwAddr[], addr: Uint8Array): void {
  const a = list.find((x) => eq(x.addr, addr));
  if (a) a.refcount++;
  else list.push({ addr: addr.slice(), refcount: 1 });
}

/** hwDel mirrors __hw_addr_del(): one user fewer; false when the address is not listed. */
function hwDel(list: HwAddr[], addr: Uint8Array): boolean {
  const i = list.findIndex((x) => eq(x.addr, addr));
  if (i < 0) return false;
  if (--list[i]!.refcount === 0) list.splice(i, 1);
  return true;
}

/** ipEthMcMap mirrors ip_eth_mc_map(): 01:00:5e and the group's low 23 bits. */
export function ipEthMcMap(group: Uint8Array): Uint8Array {
  return Uint8Array.of(0x01, 0x00, 0x5e, group[1]! & 0x7f, group[2]!, group[3]!);
}

/** ipv6EthMcMap mirrors ipv6_eth_mc_map(): 33:33 and the group's last 32 bits. */
export function ipv6EthMcMap(group: Uint8Array): Uint8Array {
  return Uint8Array.of(0x33, 0x33, group[12]!, group[13]!, group[14]!, group[15]!);
}

/**
 * syncMc brings dev->mc in line with the groups IPv4 and IPv6 have loaded: addresses of
 * groups gone are deleted, those of new groups added (IPv4 before IPv6, each in the order
 * the groups were joined).
 */
export function syncMc(dev: NetDevice): void {
  const l = listsOf(dev);
  const want = new Map<string, Uint8Array>();
  if (dev.type === ARPHRD_ETHER) {
    if (dev.inet) for (const g of [...dev.mc4].reverse()) want.set(`4/${hex(g.addr)}`, ipEthMcMap(g.addr));
    for (const g of [...(dev.inet6?.mc ?? [])].reverse()) {
      const key = `6/${hex(g.addr)}`;
      if ((g.addr[1]! & 0x0f) < 2 || l.unloaded6.has(key)) continue; // scope below link-local: never loaded
      want.set(key, ipv6EthMcMap(g.addr));
    }
  }
  for (const [key, addr] of [...l.loaded]) {
    if (want.has(key)) continue;
    hwDel(l.mc, addr);
    l.loaded.delete(key);
  }
  for (const [key, addr] of want) {
    if (l.loaded.has(key)) continue;
    hwAdd(l.mc, addr);
    l.loaded.set(key, addr);
  }
  // Groups no longer joined are no longer unloaded either.
  for (const key of [...l.unloaded6]) if (!(dev.inet6?.mc ?? []).some((g) => `6/${hex(g.addr)}` === key)) l.unloaded6.delete(key);
}

/** ipv6McDown mirrors ipv6_mc_down() (addrconf_ifdown() of a device that was IF_READY): every IPv6 group unloaded. */
export function ipv6McDown(dev: NetDevice): void {
  syncMc(dev);
  const l = listsOf(dev);
  for (const g of dev.inet6?.mc ?? []) l.unloaded6.add(`6/${hex(g.addr)}`);
  syncMc(dev);
}

/** ipv6McUp mirrors ipv6_mc_up(): the unloaded IPv6 groups loaded again, newest first. */
export function ipv6McUp(dev: NetDevice): void {
  syncMc(dev);
  const l = listsOf(dev);
  for (const g of dev.inet6?.mc ?? []) {
    const key = `6/${hex(g.addr)}`;
    if (!l.unloaded6.delete(key) || (g.addr[1]! & 0x0f) < 2) continue;
    const addr = ipv6EthMcMap(g.addr);
    hwAdd(l.mc, addr);
    l.loaded.set(key, addr);
  }
}

/** devUcList / devMcList return dev->uc and dev->mc (after bringing mc up to date). */
export function devUcList(dev: NetDevice): Uint8Array[] {
  return listsOf(dev).uc.map((a) => a.addr);
}
export function devMcList(dev: NetDevice): Uint8Array[] {
  syncMc(dev);
  return listsOf(dev).mc.map((a) => a.addr);
}

/**
 * devUcAddExcl / devMcAddExcl mirror dev_uc_add_excl() / dev_mc_add_excl(): EEXIST when the
 * address is listed already (a user-added entry, global to the list).
 */
export function devUcAddExcl(dev: NetDevice, addr: Uint8Array): 'EEXIST' | undefined {
  const err = addExcl(listsOf(dev).uc, addr);
  if (!err) devSetRxMode(dev);
  return err;
}
export function devMcAddExcl(dev: NetDevice, addr: Uint8Array): 'EEXIST' | undefined {
  syncMc(dev);
  return addExcl(listsOf(dev).mc, addr);
}

function addExcl(list: HwAddr[], addr: Uint8Array): 'EEXIST' | undefined {
  if (list.some((x) => eq(x.addr, addr))) return 'EEXIST';
  list.push({ addr: addr.slice(), refcount: 1 });
  return undefined;
}

/** The devices in promiscuous mode for their unicast list (dev->uc_promisc). */
const ucPromisc = new WeakSet<NetDevice>();
const IFF_UP = 0x1;
const IFF_PROMISC = 0x100;

/**
 * devSetRxMode mirrors __dev_set_rx_mode() on an up device without IFF_UNICAST_FLT (every
 * kind nlsim models but vlan): secondary unicast addresses make it promiscuous, silently
 * (__dev_set_promiscuity() without a notification), and the last one going ends that.
 */
export function devSetRxMode(dev: NetDevice): void {
  if (!(dev.flags & IFF_UP) || dev.kind?.kind === 'vlan') return;
  const empty = listsOf(dev).uc.length === 0;
  if (!empty && !ucPromisc.has(dev)) {
    ucPromisc.add(dev);
    dev.promiscuity++;
  } else if (empty && ucPromisc.has(dev)) {
    ucPromisc.delete(dev);
    dev.promiscuity--;
  } else return;
  if (dev.promiscuity > 0) dev.flags |= IFF_PROMISC;
  else dev.flags &= ~IFF_PROMISC;
  dev.flags >>>= 0;
}

/** devUcDel / devMcDel mirror dev_uc_del() / dev_mc_del(): ENOENT when the address is not listed. */
export function devUcDel(dev: NetDevice, addr: Uint8Array): 'ENOENT' | undefined {
  if (!hwDel(listsOf(dev).uc, addr)) return 'ENOENT';
  devSetRxMode(dev);
  return undefined;
}
export function devMcDel(dev: NetDevice, addr: Uint8Array): 'ENOENT' | undefined {
  syncMc(dev);
  return hwDel(listsOf(dev).mc, addr) ? undefined : 'ENOENT';
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
