/**
 * Topologies: links, addresses and routes described as data and created through rtnetlink
 * requests (RTM_NEWLINK, RTM_SETLINK, RTM_NEWADDR, RTM_NEWROUTE), in the order `ip` would
 * need them. A request the kernel refuses throws its NetlinkError (extack included), so a
 * test never starts from a state the kernel would not have reached.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { NlsimError } from '../sim/errors.js';
import { AttrWriter } from '../sim/wire/attr-writer.js';
import { HOST_LE } from '../sim/wire/header.js';
import { IFF, IFLA, IFLA_INFO, RTM } from '../protocols/route/uapi.js';
import { concat, ifinfomsg, type RtnlClient } from './rtnl-client.js';

/** LinkSpec describes one link. Without `kind` it names an existing link (lo, a veth peer). */
export interface LinkSpec {
  name: string;
  /** IFLA_INFO_KIND of a link to create: 'veth', 'bridge', 'dummy', 'vlan'… */
  kind?: string;
  /** veth: the peer's name (VETH_INFO_PEER). Defaults to the kernel's choice. */
  peer?: string;
  /** The bridge (or other master) to enslave the link to (IFLA_MASTER). */
  master?: string;
  mtu?: number;
  /** Bring the link up (IFF_UP). Defaults to false: links are created down, as on Linux. */
  up?: boolean;
}

/** AddressSpec is an address on a link, in CIDR notation: '10.0.0.1/24', 'fd00::1/64'. */
export interface AddressSpec {
  dev: string;
  address: string;
}

/** RouteSpec is a route: a destination in CIDR notation (or 'default'), a gateway and/or a device. */
export interface RouteSpec {
  dst: string;
  via?: string;
  dev?: string;
  /** Routing table. Defaults to main (254). */
  table?: number;
}

/** Topology is what applyTopology() creates, links first, then addresses, then routes. */
export interface Topology {
  links?: LinkSpec[];
  addresses?: AddressSpec[];
  routes?: RouteSpec[];
}

const NLM_F_CREATE = 0x400;
const NLM_F_EXCL = 0x200;
const AF_INET = 2;
const AF_INET6 = 10;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_TABLE = 15;
const RT_TABLE_MAIN = 254;
const RTPROT_BOOT = 3;
const RT_SCOPE_UNIVERSE = 0;
const RT_SCOPE_LINK = 253;
const RTN_UNICAST = 1;
const VETH_INFO_PEER = 1;

/** applyTopology creates `topology` through `client`. */
export function applyTopology(client: RtnlClient, topology: Topology): void {
  const links = topology.links ?? [];
  for (const link of links) if (link.kind) newLink(client, link);
  for (const link of links) setLink(client, link);
  for (const a of topology.addresses ?? []) newAddress(client, a);
  for (const r of topology.routes ?? []) newRoute(client, r);
}

function newLink(client: RtnlClient, link: LinkSpec): void {
  const w = new AttrWriter();
  w.string(IFLA.IFLA_IFNAME, link.name);
  w.nested(IFLA.IFLA_LINKINFO, (info) => {
    info.string(IFLA_INFO.IFLA_INFO_KIND, link.kind!);
    if (link.kind === 'veth' && link.peer) {
      info.nested(IFLA_INFO.IFLA_INFO_DATA, (data) => {
        data.nested(VETH_INFO_PEER, (peer) => {
          peer.raw(ifinfomsg({}));
          peer.string(IFLA.IFLA_IFNAME, link.peer!);
        });
      });
    }
  });
  client.request(RTM.RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, concat(ifinfomsg({}), w.finish()), `RTM_NEWLINK ${link.name}`);
}

function setLink(client: RtnlClient, link: LinkSpec): void {
  if (link.master === undefined && link.mtu === undefined && !link.up) return;
  const index = client.ifindex(link.name);
  const w = new AttrWriter();
  if (link.master !== undefined) w.u32(IFLA.IFLA_MASTER, client.ifindex(link.master));
  if (link.mtu !== undefined) w.u32(IFLA.IFLA_MTU, link.mtu);
  const flags = link.up ? { flags: IFF.IFF_UP, change: IFF.IFF_UP } : {};
  client.request(RTM.RTM_SETLINK, 0, concat(ifinfomsg({ index, ...flags }), w.finish()), `RTM_SETLINK ${link.name}`);
}

/** parseAddress parses an IPv4 or IPv6 address into its family and bytes. */
export function parseAddress(text: string): { family: number; bytes: Uint8Array } {
  if (isIPv4(text)) return { family: AF_INET, bytes: Uint8Array.from(text.split('.').map(Number)) };
  if (!isIPv6(text)) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `not an IP address: ${text}`);
  const [head = '', tail] = text.split('::');
  const groups = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => new DataView(bytes.buffer).setUint16(i * 2, g, false));
  return { family: AF_INET6, bytes };
}

/** parseCidr parses 'addr/len' (len defaults to the full length). */
function parseCidr(text: string): { family: number; bytes: Uint8Array; prefixlen: number } {
  const [addr = '', len] = text.split('/');
  const a = parseAddress(addr);
  return { ...a, prefixlen: len === undefined ? a.bytes.length * 8 : Number(len) };
}

function newAddress(client: RtnlClient, spec: AddressSpec): void {
  const { family, bytes, prefixlen } = parseCidr(spec.address);
  const index = client.ifindex(spec.dev);
  const hdr = new Uint8Array(8);
  hdr.set([family, prefixlen, 0, RT_SCOPE_UNIVERSE]); // ifa_family, ifa_prefixlen, ifa_flags, ifa_scope
  new DataView(hdr.buffer).setUint32(4, index, HOST_LE); // ifa_index
  const w = new AttrWriter();
  w.bytes(IFA_LOCAL, bytes);
  w.bytes(IFA_ADDRESS, bytes);
  client.request(RTM.RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, concat(hdr, w.finish()), `RTM_NEWADDR ${spec.address} dev ${spec.dev}`);
}

function newRoute(client: RtnlClient, spec: RouteSpec): void {
  const dst = spec.dst === 'default' ? undefined : parseCidr(spec.dst);
  const via = spec.via === undefined ? undefined : parseAddress(spec.via);
  const family = dst?.family ?? via?.family ?? AF_INET;
  const table = spec.table ?? RT_TABLE_MAIN;
  const hdr = new Uint8Array(12);
  // rtm_family, rtm_dst_len, rtm_src_len, rtm_tos, rtm_table, rtm_protocol, rtm_scope, rtm_type
  hdr.set([family, dst?.prefixlen ?? 0, 0, 0, table < 256 ? table : 0, RTPROT_BOOT, via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK, RTN_UNICAST]);
  const w = new AttrWriter();
  if (dst) w.bytes(RTA_DST, dst.bytes);
  if (via) w.bytes(RTA_GATEWAY, via.bytes);
  if (spec.dev !== undefined) w.u32(RTA_OIF, client.ifindex(spec.dev));
  if (table >= 256) w.u32(RTA_TABLE, table);
  client.request(RTM.RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, concat(hdr, w.finish()), `RTM_NEWROUTE ${spec.dst}`);
}
