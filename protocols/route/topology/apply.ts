/**
 * applyTopology: creates a topology through rtnetlink requests (RTM_NEWLINK, RTM_SETLINK,
 * RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWNEIGH), in the order `ip` would need them, so that the
 * kernel's own validation and side effects apply: prefix and local routes, link-local
 * addresses, bridge MTU and carrier. Works on any NetlinkSocket, virtual or real.
 *
 * What the kernel made itself is skipped rather than added twice: an address the link
 * already has once the links are up (127.0.0.1/8 and ::1 on lo, an EUI-64 link-local) and
 * routes of protocol kernel.
 */
import { NetlinkError } from '../../../sim/errors.js';
import type { NetlinkSocket } from '../../../sim/socket-api.js';
import { errnoMessage } from '../../../sim/uapi/errno.js';
import { NETLINK_EXT_ACK, NLM_F_CREATE, NLM_F_EXCL, SOL_NETLINK } from '../../../sim/uapi/netlink.js';
import { parseAttrs } from '../../../sim/wire/attr-reader.js';
import { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { concat } from '../../../sim/wire/concat.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { encodeIfAddrMsg } from '../core/index.js';
import { encodeIfInfoMsg } from '../core/index.js';
import { encodeRtMsg } from '../core/index.js';
import { AF_INET, AF_INET6, IFA, IFADDRMSG_LEN, IFF, IFLA, IFLA_INFO, IFLA_VLAN, RT_SCOPE, RTA, RTM, RTN, RTNH_F, RTPROT, VETH_INFO_PEER } from '../core/uapi.js';
import type { AddressSpec, LinkSpec, NeighbourSpec, RouteSpec, RuleSpec, Scope, Topology } from './format.js';
import { ADDRESS_FLAGS, type IpAddress, parseCidr, parseIp, parseMac, PROTOCOLS, ROUTE_TYPES, RULE_ACTIONS, SCOPES, TABLES } from './names.js';
import { TopologyError, validateTopology } from './parse.js';
import { RtnlConnection } from './rtnl-conn.js';

/** ApplyOptions name where a topology came from, for error messages. */
export interface ApplyOptions {
  /** The file name (or other label) errors start with. Defaults to 'topology'. */
  source?: string;
}

const NDA_DST = 1;
const NDA_LLADDR = 2;
const NUD_NOARP = 0x40;
const NUD_PERMANENT = 0x80;
const ETH_P_8021Q = 0x8100;
const ETH_P_8021AD = 0x88a8;
const RT_TABLE_MAIN = 254;

/**
 * applyTopology checks `topology` (validateTopology) and creates it with requests on
 * `sock`, a NETLINK_ROUTE socket of the target namespace (NETLINK_EXT_ACK is turned on). The first refused request throws
 * a TopologyError naming the source and the entry (`links[2] (veth1): RTM_NEWLINK failed:
 * EEXIST (File exists)`), whose `cause` is the NetlinkError.
 */
export function applyTopology(sock: NetlinkSocket, topology: Topology, options: ApplyOptions = {}): void {
  const source = options.source ?? 'topology';
  const t = validateTopology(topology, source);
  // The extended ACK says why, which the error message passes on.
  sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
  const conn = new RtnlConnection(sock);
  const run = (entry: string, label: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof NetlinkError)) throw e;
      const request = e.syscall.split(' ')[0];
      const extack = e.extack?.message ? `: ${e.extack.message}` : '';
      throw new TopologyError(source, `${entry} (${label})`, `${request} failed: ${e.code} (${errnoMessage(e.code)})${extack}`, { cause: e });
    }
  };
  const links = t.links ?? [];
  const byName = new Map(links.map((l) => [l.name, l]));
  // veth peers get their settings at creation, inside VETH_INFO_PEER.
  const peers = new Set(links.filter((l) => l.kind === 'veth' && l.peer !== undefined).map((l) => l.peer!));

  links.forEach((l, i) => l.kind && run(`links[${i}]`, l.name, () => newLink(conn, l, byName)));
  links.forEach((l, i) => run(`links[${i}]`, l.name, () => setLink(conn, l, !l.kind && !peers.has(l.name))));
  // A bridge's MTU follows its ports until set: set it once they are enslaved.
  links.forEach((l, i) => l.kind === 'bridge' && l.mtu !== undefined && run(`links[${i}]`, l.name, () => setLinkAttrs(conn, l.name, { mtu: l.mtu })));
  links.forEach((l, i) => l.up && run(`links[${i}]`, l.name, () => setLinkAttrs(conn, l.name, { up: true })));

  const existing = t.addresses?.length ? existingAddresses(conn) : new Set<string>();
  (t.addresses ?? []).forEach((a, i) =>
    run(`addresses[${i}]`, `${a.address} dev ${a.dev}`, () => {
      const local = parseCidr(a.address)!;
      if (!existing.has(addressKey(conn.ifindex(a.dev), local.bytes, local.prefixlen))) newAddress(conn, a);
    }),
  );
  (t.routes ?? []).forEach((r, i) => {
    if (r.protocol === 'kernel' || r.protocol === RTPROT.RTPROT_KERNEL) return;
    run(`routes[${i}]`, routeLabel(r), () => newRoute(conn, r, source, `routes[${i}]`));
  });
  (t.neighbours ?? []).forEach((n, i) => run(`neighbours[${i}]`, `${n.dst} dev ${n.dev}`, () => newNeighbour(conn, n)));
  (t.rules ?? []).forEach((r, i) => {
    // The default rules (local, main, default) are the kernel's.
    if (r.protocol === 'kernel' || r.protocol === RTPROT.RTPROT_KERNEL) return;
    run(`rules[${i}]`, ruleLabel(r), () => newRule(conn, r, source, `rules[${i}]`));
  });
}

function linkAttrs(w: AttrWriter, l: LinkSpec | undefined): void {
  if (!l) return;
  if (l.address !== undefined) w.bytes(IFLA.IFLA_ADDRESS, parseMac(l.address)!);
  if (l.mtu !== undefined && l.kind !== 'bridge') w.u32(IFLA.IFLA_MTU, l.mtu);
  if (l.txqlen !== undefined) w.u32(IFLA.IFLA_TXQLEN, l.txqlen);
}

function newLink(conn: RtnlConnection, l: LinkSpec, byName: Map<string, LinkSpec>): void {
  const w = new AttrWriter();
  w.string(IFLA.IFLA_IFNAME, l.name);
  linkAttrs(w, l);
  if (l.kind === 'vlan') w.u32(IFLA.IFLA_LINK, conn.ifindex(l.link!));
  w.nested(IFLA.IFLA_LINKINFO, (info) => {
    info.string(IFLA_INFO.IFLA_INFO_KIND, l.kind!);
    if (l.kind === 'veth' && l.peer !== undefined) {
      const peer = byName.get(l.peer);
      info.nested(IFLA_INFO.IFLA_INFO_DATA, (data) =>
        data.nested(VETH_INFO_PEER, (p) => {
          p.raw(encodeIfInfoMsg({ index: peer?.kind ? 0 : peer?.index ?? 0 }));
          p.string(IFLA.IFLA_IFNAME, l.peer!);
          if (!peer?.kind) linkAttrs(p, peer);
        }),
      );
    }
    if (l.kind === 'vlan') {
      info.nested(IFLA_INFO.IFLA_INFO_DATA, (data) => {
        data.u16(IFLA_VLAN.IFLA_VLAN_ID, l.vlanId!);
        data.be16(IFLA_VLAN.IFLA_VLAN_PROTOCOL, l.vlanProtocol === '802.1ad' ? ETH_P_8021AD : ETH_P_8021Q);
      });
    }
  });
  conn.request(RTM.RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, concat(encodeIfInfoMsg({ index: l.index ?? 0 }), w.finish()), `RTM_NEWLINK ${l.name}`);
}

/** setLink enslaves `l`, and gives a link that already existed (lo) its settings. */
function setLink(conn: RtnlConnection, l: LinkSpec, existed: boolean): void {
  const w = new AttrWriter();
  if (existed) linkAttrs(w, l);
  if (l.master !== undefined) w.u32(IFLA.IFLA_MASTER, conn.ifindex(l.master));
  const attrs = w.finish();
  if (attrs.length === 0) return;
  conn.request(RTM.RTM_SETLINK, 0, concat(encodeIfInfoMsg({ index: conn.ifindex(l.name) }), attrs), `RTM_SETLINK ${l.name}`);
}

function setLinkAttrs(conn: RtnlConnection, name: string, s: { mtu?: number; up?: boolean }): void {
  const w = new AttrWriter();
  if (s.mtu !== undefined) w.u32(IFLA.IFLA_MTU, s.mtu);
  const flags = s.up ? { flags: IFF.IFF_UP, change: IFF.IFF_UP } : {};
  conn.request(RTM.RTM_SETLINK, 0, concat(encodeIfInfoMsg({ index: conn.ifindex(name), ...flags }), w.finish()), `RTM_SETLINK ${name}`);
}

const addressKey = (index: number, bytes: Uint8Array, prefixlen: number) => `${index} ${Buffer.from(bytes).toString('hex')}/${prefixlen}`;

/** existingAddresses lists the addresses the kernel has made by now (after the links came up). */
function existingAddresses(conn: RtnlConnection): Set<string> {
  const out = new Set<string>();
  for (const m of conn.dump(RTM.RTM_GETADDR, encodeIfAddrMsg({}), 'RTM_GETADDR')) {
    const p = m.payload;
    const attrs = parseAttrs(p, IFADDRMSG_LEN);
    const local = attrs.get(IFA.IFA_LOCAL) ?? attrs.get(IFA.IFA_ADDRESS);
    if (local) out.add(addressKey(viewOf(p).getUint32(4, HOST_LE), local, p[1]!));
  }
  return out;
}

const scopeNumber = (s: Scope) => (typeof s === 'number' ? s : SCOPES[s]!);

function newAddress(conn: RtnlConnection, a: AddressSpec): void {
  const local = parseCidr(a.address)!;
  const peer = a.peer === undefined ? undefined : parseIp(a.peer)!;
  const flags = (a.flags ?? []).reduce((f, name) => f | ADDRESS_FLAGS[name], 0);
  const w = new AttrWriter();
  w.bytes(IFA.IFA_LOCAL, local.bytes);
  w.bytes(IFA.IFA_ADDRESS, (peer ?? local).bytes);
  if (a.broadcast !== undefined) w.bytes(IFA.IFA_BROADCAST, parseIp(a.broadcast)!.bytes);
  if (a.label !== undefined) w.string(IFA.IFA_LABEL, a.label);
  // iproute2 sends IFA_FLAGS whenever a flag does not fit the 8-bit ifa_flags.
  if (flags > 0xff) w.u32(IFA.IFA_FLAGS, flags);
  if (a.metric !== undefined) w.u32(IFA.IFA_RT_PRIORITY, a.metric);
  const hdr = encodeIfAddrMsg({ family: local.family, prefixlen: local.prefixlen, flags: flags & 0xff, scope: scopeNumber(a.scope ?? 0), index: conn.ifindex(a.dev) });
  conn.request(RTM.RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, concat(hdr, w.finish()), `RTM_NEWADDR ${a.address} dev ${a.dev}`);
}

function routeLabel(r: RouteSpec): string {
  return [r.type && r.type !== 'unicast' ? r.type : '', r.dst, r.via ? `via ${r.via}` : '', r.dev ? `dev ${r.dev}` : '', r.table !== undefined ? `table ${r.table}` : ''].filter(Boolean).join(' ');
}

/** defaultScope is the scope `ip route add` chooses (iproute2's iproute_modify()). */
export function defaultRouteScope(type: number, hasGateway: boolean): number {
  if (type === RTN.RTN_LOCAL || type === RTN.RTN_NAT) return RT_SCOPE.RT_SCOPE_HOST;
  if (type === RTN.RTN_BROADCAST || type === RTN.RTN_MULTICAST || type === RTN.RTN_ANYCAST) return RT_SCOPE.RT_SCOPE_LINK;
  if (type === RTN.RTN_UNICAST && !hasGateway) return RT_SCOPE.RT_SCOPE_LINK;
  return RT_SCOPE.RT_SCOPE_UNIVERSE;
}

function newRoute(conn: RtnlConnection, r: RouteSpec, source: string, entry: string): void {
  const dst = r.dst === 'default' ? undefined : parseCidr(r.dst)!;
  const via = r.via === undefined ? undefined : parseIp(r.via)!;
  const src = r.src === undefined ? undefined : parseIp(r.src)!;
  const named = r.family === undefined ? undefined : r.family === 'inet6' ? AF_INET6 : AF_INET;
  const hops = (r.nexthops ?? []).map((h) => ({ ...h, gw: h.via === undefined ? undefined : parseIp(h.via)! }));
  if (r.nexthops && (r.via !== undefined || r.dev !== undefined)) throw new TopologyError(source, entry, 'has nexthops and via or dev: give the paths in nexthops only');
  const families = [dst, via, src, ...hops.map((h) => h.gw)].filter((x): x is IpAddress => x !== undefined).map((x) => x.family);
  if (named !== undefined) families.push(named);
  if (families.some((f) => f !== families[0])) throw new TopologyError(source, entry, 'mixes IPv4 and IPv6 (dst, via, src and family must agree)');
  const family = families[0] ?? AF_INET;
  const table = r.table === undefined ? RT_TABLE_MAIN : typeof r.table === 'number' ? r.table : TABLES[r.table]!;
  const type = ROUTE_TYPES[r.type ?? 'unicast'];
  const protocol = r.protocol === undefined ? RTPROT.RTPROT_BOOT : typeof r.protocol === 'number' ? r.protocol : PROTOCOLS[r.protocol]!;
  const scope = r.scope === undefined ? defaultRouteScope(type, via !== undefined || hops.length > 0) : scopeNumber(r.scope);
  const hdr = encodeRtMsg({
    family,
    dstLen: dst?.prefixlen ?? 0,
    table: table < 256 ? table : 0,
    protocol,
    scope,
    type,
    flags: r.onlink ? RTNH_F.RTNH_F_ONLINK : 0,
  });
  const w = new AttrWriter();
  if (dst) w.bytes(RTA.RTA_DST, dst.bytes);
  if (via) w.bytes(RTA.RTA_GATEWAY, via.bytes);
  if (r.dev !== undefined) w.u32(RTA.RTA_OIF, conn.ifindex(r.dev));
  if (r.metric !== undefined) w.u32(RTA.RTA_PRIORITY, r.metric);
  if (src) w.bytes(RTA.RTA_PREFSRC, src.bytes);
  if (table >= 256) w.u32(RTA.RTA_TABLE, table);
  if (hops.length) {
    // RTA_MULTIPATH: one struct rtnexthop (len, flags, hops, ifindex) per path, its gateway inside.
    const mp = w.beginNest(RTA.RTA_MULTIPATH, false);
    for (const h of hops) {
      const head = new Uint8Array(8);
      const v = viewOf(head);
      v.setUint16(0, 8 + (h.gw ? 4 + h.gw.bytes.length : 0), HOST_LE);
      head[2] = h.onlink ? RTNH_F.RTNH_F_ONLINK : 0;
      head[3] = (h.weight ?? 1) - 1;
      v.setInt32(4, h.dev === undefined ? 0 : conn.ifindex(h.dev), HOST_LE);
      w.raw(head);
      if (h.gw) w.bytes(RTA.RTA_GATEWAY, h.gw.bytes);
    }
    w.endNest(mp);
  }
  conn.request(RTM.RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, concat(hdr, w.finish()), `RTM_NEWROUTE ${r.dst}`);
}

function newNeighbour(conn: RtnlConnection, n: NeighbourSpec): void {
  const dst = parseIp(n.dst)!;
  const hdr = new Uint8Array(12);
  const v = viewOf(hdr);
  hdr[0] = dst.family; // ndm_family
  v.setInt32(4, conn.ifindex(n.dev), HOST_LE); // ndm_ifindex
  v.setUint16(8, n.state === 'noarp' ? NUD_NOARP : NUD_PERMANENT, HOST_LE); // ndm_state
  const w = new AttrWriter();
  w.bytes(NDA_DST, dst.bytes);
  if (n.lladdr !== undefined) w.bytes(NDA_LLADDR, parseMac(n.lladdr)!);
  conn.request(RTM.RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, concat(hdr, w.finish()), `RTM_NEWNEIGH ${n.dst} dev ${n.dev}`);
}

// linux/fib_rules.h
const FRA_DST = 1;
const FRA_SRC = 2;
const FRA_IIFNAME = 3;
const FRA_GOTO = 4;
const FRA_PRIORITY = 6;
const FRA_FWMARK = 10;
const FRA_SUPPRESS_PREFIXLEN = 14;
const FRA_TABLE = 15;
const FRA_FWMASK = 16;
const FRA_OIFNAME = 17;
const FRA_PROTOCOL = 21;
const FIB_RULE_INVERT = 0x2;

function ruleLabel(r: RuleSpec): string {
  const action = r.action ?? 'lookup';
  const target = action === 'lookup' ? `lookup ${r.table ?? 'main'}` : action === 'goto' ? `goto ${r.goto}` : action;
  return [r.priority !== undefined ? `pref ${r.priority}` : '', r.not ? 'not' : '', `from ${r.from ?? 'all'}`, r.to ? `to ${r.to}` : '', target].filter(Boolean).join(' ');
}

function newRule(conn: RtnlConnection, r: RuleSpec, source: string, entry: string): void {
  const from = r.from === undefined ? undefined : parseCidr(r.from)!;
  const to = r.to === undefined ? undefined : parseCidr(r.to)!;
  const families = [from, to].filter((x): x is NonNullable<typeof from> => x !== undefined).map((x) => x.family);
  if (r.family !== undefined) families.push(r.family === 'inet6' ? AF_INET6 : AF_INET);
  if (families.some((f) => f !== families[0])) throw new TopologyError(source, entry, 'mixes IPv4 and IPv6 (from, to and family must agree)');
  const action = RULE_ACTIONS[r.action ?? 'lookup'];
  // `ip rule add` looks up main when no table is named.
  const table = action !== RULE_ACTIONS.lookup ? 0 : r.table === undefined ? RT_TABLE_MAIN : typeof r.table === 'number' ? r.table : TABLES[r.table];
  const hdr = new Uint8Array(12);
  // family, dst_len, src_len, tos, table, res1, res2, action, flags
  hdr.set([families[0] ?? AF_INET, to?.prefixlen ?? 0, from?.prefixlen ?? 0, 0, table < 256 ? table : 0, 0, 0, action]);
  viewOf(hdr).setUint32(8, r.not ? FIB_RULE_INVERT : 0, HOST_LE);
  const w = new AttrWriter();
  if (to) w.bytes(FRA_DST, to.bytes);
  if (from) w.bytes(FRA_SRC, from.bytes);
  if (r.iif !== undefined) w.string(FRA_IIFNAME, r.iif);
  if (r.oif !== undefined) w.string(FRA_OIFNAME, r.oif);
  if (r.priority !== undefined) w.u32(FRA_PRIORITY, r.priority);
  if (r.fwmark !== undefined) w.u32(FRA_FWMARK, r.fwmark);
  if (r.fwmask !== undefined) w.u32(FRA_FWMASK, r.fwmask);
  if (table >= 256) w.u32(FRA_TABLE, table);
  if (r.goto !== undefined) w.u32(FRA_GOTO, r.goto);
  if (r.suppressPrefixlen !== undefined) w.u32(FRA_SUPPRESS_PREFIXLEN, r.suppressPrefixlen);
  if (r.protocol !== undefined) w.u8(FRA_PROTOCOL, typeof r.protocol === 'number' ? r.protocol : PROTOCOLS[r.protocol]!);
  conn.request(RTM.RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, concat(hdr, w.finish()), `RTM_NEWRULE ${ruleLabel(r)}`);
}
