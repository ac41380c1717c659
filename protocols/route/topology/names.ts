/**
 * Names of the topology format and their numbers on the wire: scopes, route types, route
 * protocols and tables (as iproute2's rt_* tables spell them), address flags, and the
 * text forms of IP and link-layer addresses.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { formatIPv4, formatIPv6, formatMac } from '../../../sim/wire/addr-text.js';
import { AF_INET, AF_INET6, IFA_F, RT_SCOPE, RT_TABLE, RTN, RTPROT } from '../core/uapi.js';
import type { AddressFlag, RouteType, RuleAction, Scope } from './format.js';

export { formatMac };

/** SCOPES maps scope names to rt_scope_t. */
export const SCOPES: Record<Exclude<Scope, number>, number> = {
  universe: RT_SCOPE.RT_SCOPE_UNIVERSE,
  site: RT_SCOPE.RT_SCOPE_SITE,
  link: RT_SCOPE.RT_SCOPE_LINK,
  host: RT_SCOPE.RT_SCOPE_HOST,
  nowhere: RT_SCOPE.RT_SCOPE_NOWHERE,
};

/** ROUTE_TYPES maps route type names to RTN_*. */
export const ROUTE_TYPES: Record<RouteType, number> = {
  unicast: RTN.RTN_UNICAST,
  local: RTN.RTN_LOCAL,
  broadcast: RTN.RTN_BROADCAST,
  anycast: RTN.RTN_ANYCAST,
  multicast: RTN.RTN_MULTICAST,
  blackhole: RTN.RTN_BLACKHOLE,
  unreachable: RTN.RTN_UNREACHABLE,
  prohibit: RTN.RTN_PROHIBIT,
  throw: RTN.RTN_THROW,
  nat: RTN.RTN_NAT,
};

/** PROTOCOLS maps route protocol names to RTPROT_* (the common ones of linux/rtnetlink.h). */
export const PROTOCOLS: Record<string, number> = {
  redirect: RTPROT.RTPROT_REDIRECT,
  kernel: RTPROT.RTPROT_KERNEL,
  boot: RTPROT.RTPROT_BOOT,
  static: RTPROT.RTPROT_STATIC,
  ra: RTPROT.RTPROT_RA,
  dhcp: 16,
  keepalived: 18,
  babel: 42,
  bgp: 186,
  isis: 187,
  ospf: 188,
  rip: 189,
  eigrp: 192,
};

/** TABLES maps the reserved table names to their ids. */
export const TABLES: Record<'default' | 'main' | 'local', number> = { default: RT_TABLE.RT_TABLE_DEFAULT, main: RT_TABLE.RT_TABLE_MAIN, local: RT_TABLE.RT_TABLE_LOCAL };

/** ADDRESS_FLAGS maps the IFA_F_* flags a user may ask for to their bits. */
export const ADDRESS_FLAGS: Record<AddressFlag, number> = {
  nodad: IFA_F.IFA_F_NODAD,
  noprefixroute: IFA_F.IFA_F_NOPREFIXROUTE,
  homeaddress: IFA_F.IFA_F_HOMEADDRESS,
  managetempaddr: IFA_F.IFA_F_MANAGETEMPADDR,
  mcautojoin: IFA_F.IFA_F_MCAUTOJOIN,
};

/** RULE_ACTIONS maps rule action names to FR_ACT_* (linux/fib_rules.h). */
export const RULE_ACTIONS: Record<RuleAction, number> = { lookup: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 };

/** nameOf returns the name `value` has in `table`, or undefined. */
export function nameOf<K extends string>(table: Record<K, number>, value: number): K | undefined {
  for (const [name, v] of Object.entries(table) as [K, number][]) if (v === value) return name;
  return undefined;
}

/** IpAddress is an address with its family. */
export interface IpAddress {
  family: typeof AF_INET | typeof AF_INET6;
  bytes: Uint8Array;
}

/** parseIp parses an IPv4 or IPv6 address; undefined when it is neither. */
export function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) return { family: AF_INET, bytes: Uint8Array.from(text.split('.').map(Number)) };
  if (!isIPv6(text)) return undefined;
  let s = text;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    s = `${s.slice(0, v4.index)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const groups = (g: string) => (g ? g.split(':').map((x) => parseInt(x, 16)) : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  all.forEach((g, i) => view.setUint16(i * 2, g, false));
  return { family: AF_INET6, bytes };
}

/** Cidr is an address with a prefix length. */
export interface Cidr extends IpAddress {
  prefixlen: number;
}

/** parseCidr parses 'addr/len' ('addr' alone is a host prefix); undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const a = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!a) return undefined;
  if (slash < 0) return { ...a, prefixlen: a.bytes.length * 8 };
  const len = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(len) || Number(len) > a.bytes.length * 8) return undefined;
  return { ...a, prefixlen: Number(len) };
}

/** formatIp renders 4 or 16 bytes as Linux tools do (inet_ntop(3): RFC 5952 for IPv6). */
export function formatIp(b: Uint8Array): string {
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b);
}

/** parseMac parses 'aa:bb:cc:dd:ee:ff' (any number of colon-separated octets); undefined when malformed. */
export function parseMac(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*$/.test(text)) return undefined;
  return Uint8Array.from(text.split(':').map((x) => parseInt(x, 16)));
}
