/**
 * snapshotTopology: reads links, addresses, routes, permanent neighbours and policy rules
 * from a kernel with dump requests only (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE,
 * RTM_GETNEIGH, RTM_GETRULE) and turns them into a topology that applyTopology() recreates.
 *
 * Left out, because the kernel makes them again when the topology is applied: lo itself
 * (only its up flag and MTU are kept), addresses the kernel added (IFA_PROTO kernel_lo,
 * kernel_ll, kernel_ra; without IFA_PROTO: lo's 127.0.0.1/8 and ::1, EUI-64 link-locals),
 * routes of protocol kernel or ra and cloned ones, the default rules (protocol kernel). Left out with a warning, because the
 * topology format or the virtual kernel cannot hold them: links of other kinds (and what
 * refers to them), multipath, nexthop-object, encap and source-specific routes, neighbours
 * that are not permanent are skipped silently (the kernel learnt them).
 */
import type { NetlinkSocket } from '../../../sim/socket-api.js';
import { parseAttrs } from '../../../sim/wire/attr-reader.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import type { NlMessage } from '../../../sim/wire/messages.js';
import { decodeIfAddrMsg, encodeIfAddrMsg } from '../core/index.js';
import { decodeIfInfoMsg, encodeIfInfoMsg } from '../core/index.js';
import { decodeRtMsg, encodeRtMsg } from '../core/index.js';
import {
  AF_INET,
  AF_INET6,
  ARPHRD,
  FIB_RULE_HDR_LEN,
  IFA,
  IFADDRMSG_LEN,
  IFF,
  IFINFOMSG_LEN,
  IFLA,
  IFLA_INFO,
  IFLA_VLAN,
  NDMSG_LEN,
  RT_SCOPE,
  RTA,
  RTM,
  RTM_F,
  RTMSG_LEN,
  RTN,
  RTNH_F,
  RTPROT,
} from '../core/uapi.js';
import { defaultRouteScope } from './apply.js';
import type { AddressSpec, LinkKind, LinkSpec, NeighbourSpec, NexthopSpec, RouteSpec, RuleSpec, TopologyFile } from './format.js';
import { TOPOLOGY_FORMAT } from './format.js';
import { ADDRESS_FLAGS, formatIp, formatMac, nameOf, PROTOCOLS, ROUTE_TYPES, RULE_ACTIONS, SCOPES, TABLES } from './names.js';
import { RtnlConnection } from './rtnl-conn.js';

/** Snapshot is a topology read from a kernel, with what could not be carried over. */
export interface Snapshot {
  topology: TopologyFile;
  /** One line per object left out or changed ('eth0: a device without a kind, written as kind dummy'). */
  warnings: string[];
}

const KINDS: readonly string[] = ['veth', 'bridge', 'ifb', 'dummy', 'vlan'] satisfies LinkKind[];
const NDA_DST = 1;
const NDA_LLADDR = 2;
const NUD_PERMANENT = 0x80;
const ETH_P_8021AD = 0x88a8;
// IFA_PROTO values the kernel sets on addresses it adds itself (linux/if_addr.h IFAPROT_*).
const IFAPROT_KERNEL = new Set([1, 2, 3]);
const IFA_F_PERMANENT = 0x80;

/** Link is what the snapshot keeps of one RTM_NEWLINK. */
interface Link {
  index: number;
  name: string;
  flags: number;
  type: number;
  kind: string | undefined;
  mtu: number | undefined;
  txqlen: number | undefined;
  address: Uint8Array | undefined;
  master: number | undefined;
  link: number | undefined;
  /** IFLA_LINK_NETNSID: the peer or lower device lives in another namespace. */
  elsewhere: boolean;
  vlanId: number | undefined;
  vlanProtocol: number | undefined;
}

const u32 = (b: Uint8Array) => viewOf(b).getUint32(0, HOST_LE);
const cstring = (b: Uint8Array) => new TextDecoder().decode(b).replace(/\0.*$/s, '');

/**
 * snapshotTopology dumps the namespace of `sock` (a NETLINK_ROUTE socket) and returns its
 * topology. Sends only GET requests: it never changes the kernel it reads.
 */
export function snapshotTopology(sock: NetlinkSocket): Snapshot {
  const conn = new RtnlConnection(sock);
  const warnings: string[] = [];
  const links = conn.dump(RTM.RTM_GETLINK, encodeIfInfoMsg({}), 'RTM_GETLINK').map(decodeLink);
  const byIndex = new Map(links.map((l) => [l.index, l]));
  const kept = new Map<number, LinkSpec>();
  const specs: LinkSpec[] = [];
  const vlans: LinkSpec[] = [];

  for (const l of links) {
    if (l.flags & IFF.IFF_LOOPBACK) {
      // lo is the kernel's: keep only what a user changes on it.
      const spec: LinkSpec = { name: l.name };
      if (l.mtu !== undefined && l.mtu !== 65536) spec.mtu = l.mtu;
      if (l.flags & IFF.IFF_UP) spec.up = true;
      kept.set(l.index, spec);
      if (Object.keys(spec).length > 1) specs.push(spec);
      continue;
    }
    let kind = l.kind;
    if (kind === 'veth' && (l.elsewhere || l.link === undefined || !byIndex.has(l.link))) {
      warnings.push(`${l.name}: a veth whose peer is in another namespace, written as kind dummy`);
      kind = 'dummy';
    } else if (kind === 'vlan' && (l.elsewhere || l.link === undefined || !byIndex.has(l.link))) {
      warnings.push(`${l.name}: a vlan on a device of another namespace, left out`);
      continue;
    } else if (kind === undefined && l.type === ARPHRD.ARPHRD_ETHER) {
      warnings.push(`${l.name}: an Ethernet device without a kind (hardware), written as kind dummy`);
      kind = 'dummy';
    } else if (kind === undefined || !KINDS.includes(kind)) {
      warnings.push(`${l.name}: links of kind ${kind ?? `none (ARPHRD ${l.type})`} are not modelled, left out with their addresses, routes and neighbours`);
      continue;
    }
    const spec: LinkSpec = { name: l.name, index: l.index };
    if (kind === 'veth') {
      // The pair is created from the entry listed first; the other one only names its settings.
      const peer = byIndex.get(l.link!)!;
      if (peer.index > l.index) Object.assign(spec, { kind, peer: peer.name });
    } else spec.kind = kind as LinkKind;
    if (kind === 'vlan') {
      spec.link = byIndex.get(l.link!)!.name;
      spec.vlanId = l.vlanId ?? 0;
      if (l.vlanProtocol === ETH_P_8021AD) spec.vlanProtocol = '802.1ad';
    }
    if (l.address && l.address.length > 0) spec.address = formatMac(l.address);
    if (l.mtu !== undefined) spec.mtu = l.mtu;
    if (l.txqlen !== undefined) spec.txqlen = l.txqlen;
    if (l.flags & IFF.IFF_UP) spec.up = true;
    kept.set(l.index, spec);
    (kind === 'vlan' ? vlans : specs).push(spec);
  }
  // Masters once every link is known; a master left out takes the port's membership with it.
  for (const l of links) {
    const spec = kept.get(l.index);
    if (!spec || l.master === undefined) continue;
    const master = kept.get(l.master);
    if (master && master.kind === 'bridge') spec.master = master.name;
    else warnings.push(`${l.name}: its master ${byIndex.get(l.master)?.name ?? l.master} is not a bridge the topology holds, left out of it`);
  }
  const devName = (index: number) => kept.get(index)?.name;

  const addresses: AddressSpec[] = [];
  for (const m of conn.dump(RTM.RTM_GETADDR, encodeIfAddrMsg({}), 'RTM_GETADDR')) {
    const a = addressSpec(m, byIndex, devName);
    if (a) addresses.push(a);
  }

  const routes: RouteSpec[] = [];
  for (const family of [AF_INET, AF_INET6]) {
    for (const m of conn.dump(RTM.RTM_GETROUTE, encodeRtMsg({ family }), 'RTM_GETROUTE')) {
      const r = routeSpec(m, devName, warnings);
      if (r) routes.push(r);
    }
  }

  // Nexthop objects are not held by topology/1: say so (kernels without them refuse the dump).
  let nexthops = 0;
  try {
    nexthops = conn.dump(RTM.RTM_GETNEXTHOP, new Uint8Array(8), 'RTM_GETNEXTHOP').length;
  } catch {
    nexthops = 0;
  }
  if (nexthops) warnings.push(`${nexthops} nexthop object${nexthops === 1 ? '' : 's'} (ip nexthop): the topology format does not hold them, left out`);

  const neighbours: NeighbourSpec[] = [];
  for (const family of [AF_INET, AF_INET6]) {
    const ndmsg = new Uint8Array(NDMSG_LEN);
    ndmsg[0] = family;
    for (const m of conn.dump(RTM.RTM_GETNEIGH, ndmsg, 'RTM_GETNEIGH')) {
      const n = neighbourSpec(m, devName);
      if (n) neighbours.push(n);
    }
  }

  const rules: RuleSpec[] = [];
  for (const family of [AF_INET, AF_INET6]) {
    const hdr = new Uint8Array(FIB_RULE_HDR_LEN);
    hdr[0] = family;
    for (const m of conn.dump(RTM.RTM_GETRULE, hdr, 'RTM_GETRULE')) {
      const r = ruleSpec(m, warnings);
      if (r) rules.push(r);
    }
  }

  const topology: TopologyFile = { nlsim: TOPOLOGY_FORMAT, links: [...specs, ...vlans].map(ordered) };
  if (addresses.length) topology.addresses = addresses;
  if (routes.length) topology.routes = routes;
  if (neighbours.length) topology.neighbours = neighbours;
  if (rules.length) topology.rules = rules;
  return { topology, warnings };
}

const LINK_FIELDS: (keyof LinkSpec)[] = ['name', 'kind', 'peer', 'link', 'vlanId', 'vlanProtocol', 'index', 'address', 'mtu', 'txqlen', 'master', 'up'];

/** ordered lists a link's fields in one order, so that files diff well. */
function ordered(l: LinkSpec): LinkSpec {
  const out: Record<string, unknown> = {};
  for (const key of LINK_FIELDS) if (l[key] !== undefined) out[key] = l[key];
  return out as unknown as LinkSpec;
}

function decodeLink(m: NlMessage): Link {
  const ifi = decodeIfInfoMsg(m.payload);
  const tb = parseAttrs(m.payload, IFINFOMSG_LEN);
  const info = tb.get(IFLA.IFLA_LINKINFO);
  const ti = info ? parseAttrs(info) : new Map<number, Uint8Array>();
  const kind = ti.get(IFLA_INFO.IFLA_INFO_KIND);
  const data = ti.get(IFLA_INFO.IFLA_INFO_DATA);
  const vlan = data && kind && cstring(kind) === 'vlan' ? parseAttrs(data) : undefined;
  const get32 = (t: number) => {
    const b = tb.get(t);
    return b ? u32(b) : undefined;
  };
  const vlanProto = vlan?.get(IFLA_VLAN.IFLA_VLAN_PROTOCOL);
  return {
    index: ifi.index,
    name: cstring(tb.get(IFLA.IFLA_IFNAME) ?? new Uint8Array()),
    flags: ifi.flags,
    type: ifi.type,
    kind: kind ? cstring(kind) : undefined,
    mtu: get32(IFLA.IFLA_MTU),
    txqlen: get32(IFLA.IFLA_TXQLEN),
    address: tb.get(IFLA.IFLA_ADDRESS),
    master: get32(IFLA.IFLA_MASTER),
    // IFLA_LINK equal to the device's own index says "no lower device" (ipip, lo…).
    link: get32(IFLA.IFLA_LINK) === ifi.index ? undefined : get32(IFLA.IFLA_LINK),
    elsewhere: tb.has(IFLA.IFLA_LINK_NETNSID),
    vlanId: vlan?.get(IFLA_VLAN.IFLA_VLAN_ID) ? viewOf(vlan.get(IFLA_VLAN.IFLA_VLAN_ID)!).getUint16(0, HOST_LE) : undefined,
    vlanProtocol: vlanProto ? viewOf(vlanProto).getUint16(0, false) : undefined,
  };
}

/** eui64 is the IPv6 interface identifier the kernel derives from an Ethernet address (addrconf_ifid_eui48()). */
function isEui64LinkLocal(addr: Uint8Array, prefixlen: number, mac: Uint8Array | undefined): boolean {
  if (prefixlen !== 64 || addr[0] !== 0xfe || addr[1] !== 0x80 || !mac || mac.length !== 6) return false;
  const id = [mac[0]! ^ 0x02, mac[1]!, mac[2]!, 0xff, 0xfe, mac[3]!, mac[4]!, mac[5]!];
  return id.every((b, i) => addr[8 + i] === b) && addr.subarray(2, 8).every((b) => b === 0);
}

function addressSpec(m: NlMessage, byIndex: Map<number, Link>, devName: (i: number) => string | undefined): AddressSpec | undefined {
  const ifa = decodeIfAddrMsg(m.payload);
  const dev = devName(ifa.index);
  if (dev === undefined) return undefined;
  const tb = parseAttrs(m.payload, IFADDRMSG_LEN);
  const address = tb.get(IFA.IFA_ADDRESS);
  const local = tb.get(IFA.IFA_LOCAL) ?? address;
  if (!local) return undefined;
  const proto = tb.get(IFA.IFA_PROTO)?.[0] ?? 0;
  const flags = tb.has(IFA.IFA_FLAGS) ? u32(tb.get(IFA.IFA_FLAGS)!) : ifa.flags;
  const link = byIndex.get(ifa.index)!;
  if (IFAPROT_KERNEL.has(proto)) return undefined;
  if (link.flags & IFF.IFF_LOOPBACK) {
    const text = `${formatIp(local)}/${ifa.prefixlen}`;
    if (text === '127.0.0.1/8' || text === '::1/128') return undefined;
  }
  if (ifa.family === AF_INET6) {
    if (isEui64LinkLocal(local, ifa.prefixlen, link.address)) return undefined;
    // Without IFA_F_PERMANENT an IPv6 address has lifetimes: autoconfigured, not the user's.
    if (!(flags & IFA_F_PERMANENT)) return undefined;
  }
  const spec: AddressSpec = { dev, address: `${formatIp(local)}/${ifa.prefixlen}` };
  if (address && tb.has(IFA.IFA_LOCAL) && !equal(address, local)) spec.peer = formatIp(address);
  const brd = tb.get(IFA.IFA_BROADCAST);
  if (brd) spec.broadcast = formatIp(brd);
  const label = tb.get(IFA.IFA_LABEL);
  if (label && cstring(label) !== dev) spec.label = cstring(label);
  // IPv6 derives the scope from the address; only IPv4 keeps the one asked for.
  if (ifa.family === AF_INET && ifa.scope !== RT_SCOPE.RT_SCOPE_UNIVERSE) spec.scope = nameOf(SCOPES, ifa.scope) ?? ifa.scope;
  const names = (Object.keys(ADDRESS_FLAGS) as (keyof typeof ADDRESS_FLAGS)[]).filter((n) => flags & ADDRESS_FLAGS[n]);
  if (names.length) spec.flags = names;
  const metric = tb.get(IFA.IFA_RT_PRIORITY);
  if (metric && u32(metric)) spec.metric = u32(metric);
  return spec;
}

function routeSpec(m: NlMessage, devName: (i: number) => string | undefined, warnings: string[]): RouteSpec | undefined {
  const rt = decodeRtMsg(m.payload);
  if (rt.protocol === RTPROT.RTPROT_KERNEL || rt.protocol === RTPROT.RTPROT_RA || rt.flags & RTM_F.RTM_F_CLONED) return undefined;
  const tb = parseAttrs(m.payload, RTMSG_LEN);
  const dstBytes = tb.get(RTA.RTA_DST);
  const dst = rt.dstLen === 0 ? 'default' : `${formatIp(dstBytes!)}/${rt.dstLen}`;
  const what = `route ${dst}`;
  const unsupported = [
    [tb.has(RTA.RTA_NH_ID), 'a nexthop object'],
    [tb.has(RTA.RTA_VIA), 'a gateway of the other family (RTA_VIA)'],
    [tb.has(RTA.RTA_ENCAP), 'an encapsulation'],
    [rt.srcLen > 0, 'a source prefix'],
    [rt.tos !== 0, 'a TOS'],
    [tb.has(RTA.RTA_EXPIRES), 'an expiry time'],
  ].filter(([has]) => has);
  if (unsupported.length) {
    warnings.push(`${what}: has ${unsupported.map(([, w]) => w).join(' and ')}, which the topology format does not hold, left out`);
    return undefined;
  }
  const oif = tb.get(RTA.RTA_OIF);
  const dev = oif ? devName(u32(oif)) : undefined;
  if (oif && dev === undefined) return undefined; // on a link left out
  const spec: RouteSpec = { dst };
  const mp = tb.get(RTA.RTA_MULTIPATH);
  if (mp) {
    const hops = nexthopSpecs(mp, devName);
    if (hops === 'via') {
      warnings.push(`${what}: has a gateway of the other family (RTA_VIA), which the topology format does not hold, left out`);
      return undefined;
    }
    if (!hops) return undefined; // a path on a link left out
    spec.nexthops = hops;
  }
  const gw = tb.get(RTA.RTA_GATEWAY);
  const prefsrc = tb.get(RTA.RTA_PREFSRC);
  if (rt.family === AF_INET6 && dst === 'default' && !gw && !prefsrc) spec.family = 'inet6';
  if (gw) spec.via = formatIp(gw);
  if (dev !== undefined) spec.dev = dev;
  const table = tb.has(RTA.RTA_TABLE) ? u32(tb.get(RTA.RTA_TABLE)!) : rt.table;
  if (table !== 254) spec.table = nameOf(TABLES, table) ?? table;
  if (rt.type !== RTN.RTN_UNICAST) spec.type = nameOf(ROUTE_TYPES, rt.type);
  const metric = tb.has(RTA.RTA_PRIORITY) ? u32(tb.get(RTA.RTA_PRIORITY)!) : 0;
  if (metric !== (rt.family === AF_INET6 ? 1024 : 0)) spec.metric = metric;
  if (rt.protocol !== RTPROT.RTPROT_BOOT) spec.protocol = nameOf(PROTOCOLS, rt.protocol) ?? rt.protocol;
  // IPv6 ignores rtm_scope; IPv4 keeps it, written when `ip route add` would choose another.
  if (rt.family === AF_INET && rt.scope !== defaultRouteScope(rt.type, gw !== undefined || spec.nexthops !== undefined)) spec.scope = nameOf(SCOPES, rt.scope) ?? rt.scope;
  if (prefsrc) spec.src = formatIp(prefsrc);
  if (rt.flags & RTNH_F.RTNH_F_ONLINK) spec.onlink = true;
  if (tb.has(RTA.RTA_METRICS) && tb.get(RTA.RTA_METRICS)!.length > 0) warnings.push(`${what}: its metrics (mtu, window…) are not carried over`);
  return spec;
}

/**
 * nexthopSpecs reads RTA_MULTIPATH's rtnexthop entries as paths (device, gateway, weight,
 * onlink; the DEAD and LINKDOWN state is the kernel's); undefined when a path's device is left
 * out, 'via' for a gateway of the other family.
 */
function nexthopSpecs(mp: Uint8Array, devName: (i: number) => string | undefined): NexthopSpec[] | undefined | 'via' {
  const out: NexthopSpec[] = [];
  const v = viewOf(mp);
  for (let off = 0; mp.length - off >= 8; ) {
    const len = v.getUint16(off, HOST_LE);
    if (len < 8 || len > mp.length - off) break;
    const attrs = parseAttrs(mp.subarray(off, off + len), 8);
    if (attrs.has(RTA.RTA_VIA)) return 'via';
    const hop: NexthopSpec = {};
    const gw = attrs.get(RTA.RTA_GATEWAY);
    if (gw) hop.via = formatIp(gw);
    const ifindex = v.getInt32(off + 4, HOST_LE);
    if (ifindex) {
      const name = devName(ifindex);
      if (name === undefined) return undefined;
      hop.dev = name;
    }
    if (mp[off + 3]) hop.weight = mp[off + 3]! + 1;
    if (mp[off + 2]! & RTNH_F.RTNH_F_ONLINK) hop.onlink = true;
    out.push(hop);
    off += (len + 3) & ~3;
  }
  return out;
}

function neighbourSpec(m: NlMessage, devName: (i: number) => string | undefined): NeighbourSpec | undefined {
  const p = m.payload;
  const v = viewOf(p);
  const state = v.getUint16(8, HOST_LE);
  const flags = p[10]!;
  const dev = devName(v.getInt32(4, HOST_LE));
  // Only entries a user made: permanent, without proxy/router/extern flags.
  if (!(state & NUD_PERMANENT) || flags !== 0 || dev === undefined) return undefined;
  const tb = parseAttrs(p, NDMSG_LEN);
  const dst = tb.get(NDA_DST);
  if (!dst) return undefined;
  const spec: NeighbourSpec = { dev, dst: formatIp(dst) };
  const lladdr = tb.get(NDA_LLADDR);
  if (lladdr) spec.lladdr = formatMac(lladdr);
  return spec;
}

// linux/fib_rules.h
const FRA = { DST: 1, SRC: 2, IIFNAME: 3, GOTO: 4, PRIORITY: 6, FWMARK: 10, FLOW: 11, TUN_ID: 12, SUPPRESS_IFGROUP: 13, SUPPRESS_PREFIXLEN: 14, TABLE: 15, FWMASK: 16, OIFNAME: 17, L3MDEV: 19, UID_RANGE: 20, PROTOCOL: 21, IP_PROTO: 22, SPORT_RANGE: 23, DPORT_RANGE: 24, DSCP: 25, FLOWLABEL: 26 } as const;
const FIB_RULE_INVERT = 0x2;

function ruleSpec(m: NlMessage, warnings: string[]): RuleSpec | undefined {
  const p = m.payload;
  const [family, dstLen, srcLen, tos, hdrTable, , , action] = p;
  const flags = viewOf(p).getUint32(8, HOST_LE);
  const tb = parseAttrs(p, FIB_RULE_HDR_LEN);
  const protocol = tb.get(FRA.PROTOCOL)?.[0] ?? 0;
  const priority = tb.has(FRA.PRIORITY) ? u32(tb.get(FRA.PRIORITY)!) : 0;
  const table = tb.has(FRA.TABLE) ? u32(tb.get(FRA.TABLE)!) : hdrTable!;
  if (protocol === RTPROT.RTPROT_KERNEL) return undefined;
  const unsupported = [
    [tos !== 0, 'a TOS'],
    [tb.has(FRA.UID_RANGE), 'a uid range'],
    [tb.has(FRA.L3MDEV) && tb.get(FRA.L3MDEV)![0] !== 0, 'l3mdev'],
    [tb.has(FRA.IP_PROTO), 'an IP protocol'],
    [tb.has(FRA.SPORT_RANGE) || tb.has(FRA.DPORT_RANGE), 'a port range'],
    [tb.has(FRA.DSCP) || tb.has(FRA.FLOWLABEL), 'a DSCP or flow label'],
    [tb.has(FRA.TUN_ID) || tb.has(FRA.FLOW), 'a tunnel id or realm'],
    [tb.has(FRA.SUPPRESS_IFGROUP) && u32(tb.get(FRA.SUPPRESS_IFGROUP)!) !== 0xffffffff, 'suppress_ifgroup'],
  ].filter(([has]) => has);
  if (unsupported.length) {
    warnings.push(`rule ${priority}: has ${unsupported.map(([, w]) => w).join(' and ')}, which the topology format does not hold, left out`);
    return undefined;
  }
  const spec: RuleSpec = {};
  const src = tb.get(FRA.SRC);
  const dst = tb.get(FRA.DST);
  if (!src && !dst && family === AF_INET6) spec.family = 'inet6';
  spec.priority = priority;
  if (flags & FIB_RULE_INVERT) spec.not = true;
  if (src) spec.from = `${formatIp(src)}/${srcLen}`;
  if (dst) spec.to = `${formatIp(dst)}/${dstLen}`;
  if (tb.has(FRA.IIFNAME)) spec.iif = cstring(tb.get(FRA.IIFNAME)!);
  if (tb.has(FRA.OIFNAME)) spec.oif = cstring(tb.get(FRA.OIFNAME)!);
  if (tb.has(FRA.FWMARK) && u32(tb.get(FRA.FWMARK)!) !== 0) spec.fwmark = u32(tb.get(FRA.FWMARK)!);
  const mask = tb.has(FRA.FWMASK) ? u32(tb.get(FRA.FWMASK)!) : undefined;
  if (mask !== undefined && !(spec.fwmark !== undefined && mask === 0xffffffff) && !(spec.fwmark === undefined && mask === 0)) spec.fwmask = mask;
  const name = nameOf(RULE_ACTIONS, action!);
  if (name === undefined) {
    warnings.push(`rule ${priority}: action ${action} is not one the topology format holds, left out`);
    return undefined;
  }
  if (name !== 'lookup') spec.action = name;
  else spec.table = nameOf(TABLES, table) ?? table;
  if (name === 'goto') spec.goto = tb.has(FRA.GOTO) ? u32(tb.get(FRA.GOTO)!) : 0;
  const suppress = tb.get(FRA.SUPPRESS_PREFIXLEN);
  if (suppress && u32(suppress) !== 0xffffffff) spec.suppressPrefixlen = u32(suppress);
  if (protocol !== 0) spec.protocol = nameOf(PROTOCOLS, protocol) ?? protocol;
  return spec;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * formatTopology renders a topology file as JSON with one entry per line, so that two
 * snapshots diff line by line.
 */
export function formatTopology(t: TopologyFile): string {
  const lines = [`{`, `  "nlsim": ${JSON.stringify(t.nlsim)}`];
  for (const section of ['links', 'addresses', 'routes', 'neighbours', 'rules'] as const) {
    const list = t[section];
    if (!list) continue;
    lines[lines.length - 1] += ',';
    if (list.length === 0) {
      lines.push(`  "${section}": []`);
      continue;
    }
    lines.push(`  "${section}": [`, ...list.map((e, i) => `    ${JSON.stringify(e)}${i < list.length - 1 ? ',' : ''}`), '  ]');
  }
  return `${lines.join('\n')}\n}\n`;
}
