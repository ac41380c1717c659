/**
 * Renderings of address, route, neighbour and rule messages for differential tests: the
 * fixed header as named fields, then every attribute by name. Only values that differ
 * between two runs of Linux itself are masked: IFA_CACHEINFO's timestamps (and lifetimes
 * that count down), RTA_CACHEINFO's usage counters and times, NDA_CACHEINFO's times, and
 * link-layer addresses of random MACs (IPv6 EUI-64 interface identifiers included) and the
 * random interface ids of addr_gen_mode random link-local addresses.
 */
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import type { NlMessage } from '../../../sim/wire/messages.js';

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const u32 = (b: Uint8Array, o: number) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).readUInt32LE(o);

const IFA = ['UNSPEC', 'ADDRESS', 'LOCAL', 'LABEL', 'BROADCAST', 'ANYCAST', 'CACHEINFO', 'MULTICAST', 'FLAGS', 'RT_PRIORITY', 'TARGET_NETNSID', 'PROTO'];
const RTA = [
  'UNSPEC', 'DST', 'SRC', 'IIF', 'OIF', 'GATEWAY', 'PRIORITY', 'PREFSRC', 'METRICS', 'MULTIPATH', 'PROTOINFO', 'FLOW', 'CACHEINFO', 'SESSION',
  'MP_ALGO', 'TABLE', 'MARK', 'MFC_STATS', 'VIA', 'NEWDST', 'PREF', 'ENCAP_TYPE', 'ENCAP', 'EXPIRES', 'PAD', 'UID', 'TTL_PROPAGATE', 'IP_PROTO',
  'SPORT', 'DPORT', 'NH_ID', 'FLOWLABEL',
];
const NDA = ['UNSPEC', 'DST', 'LLADDR', 'CACHEINFO', 'PROBES', 'VLAN', 'PORT', 'VNI', 'IFINDEX', 'MASTER', 'LINK_NETNSID', 'SRC_VNI', 'PROTOCOL', 'NH_ID', 'FDB_EXT_ATTRS', 'FLAGS_EXT'];
const FRA = [
  'UNSPEC', 'DST', 'SRC', 'IIFNAME', 'GOTO', 'UNUSED2', 'PRIORITY', 'UNUSED3', 'UNUSED4', 'UNUSED5', 'FWMARK', 'FLOW', 'TUN_ID', 'SUPPRESS_IFGROUP',
  'SUPPRESS_PREFIXLEN', 'TABLE', 'FWMASK', 'OIFNAME', 'PAD', 'L3MDEV', 'UID_RANGE', 'PROTOCOL', 'IP_PROTO', 'SPORT_RANGE', 'DPORT_RANGE', 'DSCP',
];

/** ipString renders a 4- or 16-byte address; IPv6 link-local interface ids from a random MAC are masked. */
export function ipString(p: Uint8Array): string {
  if (p.length === 4) return p.join('.');
  if (p.length !== 16) return hex(p);
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((p[i]! << 8) | p[i + 1]!).toString(16));
  // EUI-64 from a random MAC: ff:fe in the middle of the interface id.
  if (p[11] === 0xff && p[12] === 0xfe) return `${groups.slice(0, 4).join(':')}:<eui64>`;
  // A random or stable-privacy link-local interface id (addr_gen_mode 2 and 3).
  if (p[0] === 0xfe && p[1] === 0x80 && p.subarray(8, 14).some((b) => b !== 0)) return `${groups.slice(0, 4).join(':')}:<random>`;
  // The solicited-node group of such an address (its last 24 bits; the small ones of
  // addresses like 2001:db8::1 are kept).
  if (isSolicitedNode(p) && p.subarray(13).some((b) => b > 1)) return 'ff02::1:ff<solicited>';
  return groups.join(':');
}

/** isSolicitedNode: ff02::1:ffXX:XXXX. */
const isSolicitedNode = (p: Uint8Array) =>
  p[0] === 0xff && p[1] === 2 && p.subarray(2, 11).every((b) => b === 0) && p[11] === 1 && p[12] === 0xff;

/** lifetime renders an IFA_CACHEINFO lifetime: forever, or "<n" for a counting one (seconds elapse). */
const lifetime = (v: number) => (v === 0xffffffff ? 'forever' : v === 0 ? '0' : 'counting');

function renderAttrs(names: string[], payload: Uint8Array, offset: number, value: (type: number, p: Uint8Array) => string | undefined): string[] {
  return attrsToArray(payload, offset).map((a) => `${names[a.type] ?? a.type}${a.flags ? `(f${a.flags})` : ''} ${value(a.type, a.payload) ?? hex(a.payload)}`);
}

/** renderAddr renders RTM_NEWADDR/DELADDR. */
export function renderAddr(m: NlMessage): string[] {
  const p = m.payload;
  const head = `ifaddrmsg fam=${p[0]} plen=${p[1]} flags=${p[2]!.toString(16)} scope=${p[3]} index=${u32(p, 4)}`;
  return [head, ...renderAttrs(IFA, p, 8, (t, a) => {
    if (t === 1 || t === 2 || t === 4 || t === 5 || t === 7) return ipString(a);
    if (t === 3) return JSON.stringify(new TextDecoder().decode(a));
    if (t === 6) return `pref=${lifetime(u32(a, 0))} valid=${lifetime(u32(a, 4))}`;
    if (t === 8 || t === 9) return `0x${u32(a, 0).toString(16)}`;
    return undefined;
  })];
}

/** renderRoute renders RTM_NEWROUTE/DELROUTE. */
export function renderRoute(m: NlMessage): string[] {
  const p = m.payload;
  const head = `rtmsg fam=${p[0]} dst_len=${p[1]} src_len=${p[2]} tos=${p[3]} table=${p[4]} proto=${p[5]} scope=${p[6]} type=${p[7]} flags=0x${u32(p, 8).toString(16)}`;
  return [head, ...renderAttrs(RTA, p, 12, (t, a) => {
    if (t === 1 || t === 2 || t === 5 || t === 7) return ipString(a);
    if (t === 3 || t === 4 || t === 6 || t === 15) return String(u32(a, 0));
    if (t === 8) return attrsToArray(a).map((x) => `${x.type}=${u32(x.payload, 0)}`).join(',');
    if (t === 12) {
      // struct rta_cacheinfo: clntref, lastuse, expires, error, used, id, ts, tsage.
      return `expires=${u32(a, 8) ? 'set' : 0} error=${u32(a, 12) | 0} id=${u32(a, 20)}`;
    }
    if (t === 23) return 'set';
    if (t === 9) return renderMultipath(a);
    return undefined;
  })];
}

/** renderMultipath renders RTA_MULTIPATH: each rtnexthop's header fields and attributes. */
export function renderMultipath(a: Uint8Array): string {
  const out: string[] = [];
  const b = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  let off = 0;
  while (a.length - off >= 8) {
    const len = b.readUInt16LE(off);
    if (len < 8 || len > a.length - off) break;
    const attrs = renderAttrs(RTA, a.subarray(off, off + len), 8, (t, p) => (t === 5 ? ipString(p) : t === 11 ? String(u32(p, 0)) : undefined));
    out.push(`[len=${len} flags=0x${a[off + 2]!.toString(16)} hops=${a[off + 3]} ifindex=${b.readInt32LE(off + 4)}${attrs.length ? ` ${attrs.join(' ')}` : ''}]`);
    off += (len + 3) & ~3;
  }
  if (off < a.length) out.push(`+${hex(a.subarray(off))}`);
  return out.join(' ');
}

/** renderNeigh renders RTM_NEWNEIGH/DELNEIGH. */
export function renderNeigh(m: NlMessage): string[] {
  const p = m.payload;
  const head = `ndmsg fam=${p[0]} index=${u32(p, 4)} state=0x${(p[8]! | (p[9]! << 8)).toString(16)} flags=0x${p[10]!.toString(16)} type=${p[11]}`;
  return [head, ...renderAttrs(NDA, p, 12, (t, a) => {
    if (t === 1) return ipString(a);
    if (t === 3) return `(times) refcnt=${u32(a, 12)}`;
    // The multicast MAC of a solicited-node group (33:33 and the group's last 32 bits).
    if (t === 2 && p[0] === 10 && a.length === 6 && a[0] === 0x33 && a[2] === 0xff && a.subarray(3).some((b) => b > 1)) return '3333ff<solicited>';
    return undefined;
  })];
}

/** renderRule renders RTM_NEWRULE/DELRULE. */
export function renderRule(m: NlMessage): string[] {
  const p = m.payload;
  const head = `fib_rule_hdr fam=${p[0]} dst_len=${p[1]} src_len=${p[2]} tos=${p[3]} table=${p[4]} action=${p[7]} flags=0x${u32(p, 8).toString(16)}`;
  return [head, ...renderAttrs(FRA, p, 12, (t, a) => {
    if (t === 1 || t === 2) return ipString(a);
    if (t === 6 || t === 15) return String(u32(a, 0));
    if (t === 3 || t === 17) return JSON.stringify(new TextDecoder().decode(a));
    return undefined;
  })];
}

const NHA = [
  'UNSPEC', 'ID', 'GROUP', 'GROUP_TYPE', 'BLACKHOLE', 'OIF', 'GATEWAY', 'ENCAP_TYPE', 'ENCAP', 'GROUPS', 'MASTER', 'FDB', 'RES_GROUP', 'RES_BUCKET',
  'OP_FLAGS', 'GROUP_STATS', 'HW_STATS_ENABLE', 'HW_STATS_USED',
];

/** renderNexthop renders RTM_NEWNEXTHOP/DELNEXTHOP: struct nhmsg, then the attributes (NHA_GROUP as id/weight pairs). */
export function renderNexthop(m: NlMessage): string[] {
  const p = m.payload;
  if (p.length < 8) return [`nhmsg ${hex(p)}`];
  const head = `nhmsg fam=${p[0]} scope=${p[1]} proto=${p[2]} resvd=${p[3]} flags=0x${u32(p, 4).toString(16)}`;
  return [head, ...renderAttrs(NHA, p, 8, (t, a) => {
    if (t === 1 || t === 5 || t === 10 || t === 14 || t === 16) return String(u32(a, 0));
    if (t === 6) return ipString(a);
    if (t === 2) {
      const out: string[] = [];
      for (let i = 0; i + 8 <= a.length; i += 8) out.push(`${u32(a, i)}/w${(a[i + 4]! | (a[i + 5]! << 8)) + 1}${a[i + 6] || a[i + 7] ? '/resvd' : ''}`);
      return out.join(',');
    }
    return undefined;
  })];
}

/** renderRt renders address, route, neighbour and rule messages (undefined for other types). */
export function renderRt(m: NlMessage): string[] | undefined {
  const type = m.header.type;
  const head = `nlmsg type=${type} len=${m.header.len} flags=0x${m.header.flags.toString(16)} seq=${m.header.seq}`;
  let body: string[] | undefined;
  // Addresses, and the groups of RTM_GETMULTICAST / RTM_GETANYCAST dumps (same layout).
  if (type === 20 || type === 21 || type === 58 || type === 62) body = renderAddr(m);
  else if (type === 24 || type === 25) body = renderRoute(m);
  else if (type === 28 || type === 29) body = renderNeigh(m);
  else if (type === 32 || type === 33) body = renderRule(m);
  else if (type === 104 || type === 105) body = renderNexthop(m);
  return body && [head, ...body.map((l) => `  ${l}`)];
}
