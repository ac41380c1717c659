/**
 * Attribute schemas: what each attribute of a family holds, so one walker can decode any of
 * them. A schema is data (names, kinds, struct layouts), not code, which keeps each family's
 * file a table that reads against its uapi header.
 */
import { NLA_ALIGN, NLA_HDRLEN } from '../../sim/wire/align.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK } from '../../sim/uapi/netlink.js';
import { bigToScalar, type Bytes, cString, formatAddress, formatIPv4, formatIPv6, formatMac } from './bytes.js';
import type { AttrNode, Field, Scalar, VolatileKind } from './model.js';

/** ScalarKind is how a fixed-size value is stored. */
export type ScalarKind = 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'be16' | 'be32' | 'be64';

/** StructField is one member of a struct payload: name, type, and whether it changes between runs. */
export type StructField = readonly [name: string, kind: ScalarKind | 'pad1' | 'pad2' | 'ipv4' | 'ipv6' | 'mac6', volatile?: VolatileKind];

/** StructDef is a C struct carried as an attribute payload or a family header. */
export interface StructDef {
  readonly name: string;
  readonly fields: readonly StructField[];
}

/** Kind says how to decode an attribute payload. */
export type Kind =
  | ScalarKind
  /** NLA_UINT / NLA_SINT: 4 or 8 bytes, whichever the value needs (nla_put_uint()). */
  | 'uint'
  | 'string'
  | 'flag'
  | 'binary'
  | 'mac'
  | 'ipv4'
  | 'ipv6'
  /** IPv4, IPv6 or link-layer, by payload length (IFA_ADDRESS, RTA_DST, NDA_LLADDR…). */
  | 'address'
  | 'u32-array'
  | 's32-array'
  | 'u64-array'
  | { readonly nest: AttrSetRef }
  /** A nest whose member types are address families, each with its own set (IFLA_AF_SPEC). */
  | { readonly byFamily: Readonly<Record<number, AttrSetRef>> }
  /**
   * A nest where one member names the layout of another (IFLA_LINKINFO: IFLA_INFO_KIND "bridge"
   * selects the set of IFLA_INFO_DATA). `sets` maps the name to the data member's set.
   */
  | { readonly nestByKind: { readonly base: AttrSetRef; readonly kindType: number; readonly dataType: number; readonly sets: Readonly<Record<string, AttrSetRef>> } }
  | { readonly struct: StructDef };

/** AttrSetRef allows sets to refer to each other before they are defined. */
export type AttrSetRef = AttrSet | (() => AttrSet);

/** AttrDef is one attribute of a set. */
export interface AttrDef {
  readonly name: string;
  readonly kind: Kind;
  /** Names of enumerated values (IFLA_OPERSTATE). */
  readonly enumNames?: Readonly<Record<number, string>>;
  /** Names of flag bits (IFA_FLAGS). */
  readonly bitNames?: Readonly<Record<number, string>>;
  readonly volatile?: VolatileKind;
}

/** AttrSet is the attributes of one nesting level: type → definition. */
export interface AttrSet {
  readonly name: string;
  readonly attrs: ReadonlyMap<number, AttrDef>;
  /**
   * The definition of every type not in `attrs`: sets whose types are indexes (CTRL_ATTR_OPS
   * entries numbered 1..n, policy attribute numbers) rather than names. Such members are named `[n]`.
   */
  readonly fallback?: Omit<AttrDef, 'name'>;
}

/** indexed builds a set whose every member, whatever its type number, is decoded as `entry`. */
export function indexed(name: string, entry: AttrSpec): AttrSet {
  return { name, attrs: new Map(), fallback: typeof entry === 'object' && 'kind' in entry ? entry : { kind: entry as Kind } };
}

/** AttrSpec is the short form used in tables: a kind, or a full definition without its name. */
export type AttrSpec = Kind | Omit<AttrDef, 'name'>;

/**
 * attrSet builds a set from a uapi constant object (name → type number) and the kinds of the
 * attributes that are not plain binary. Names missing from `kinds` decode as binary.
 */
export function attrSet(name: string, numbers: Readonly<Record<string, number>>, kinds: Readonly<Record<string, AttrSpec>> = {}): AttrSet {
  const attrs = new Map<number, AttrDef>();
  for (const [n, type] of Object.entries(numbers)) {
    const spec = kinds[n] ?? 'binary';
    const def: AttrDef = typeof spec === 'object' && 'kind' in spec ? { name: n, ...spec } : { name: n, kind: spec as Kind };
    attrs.set(type, def);
  }
  return { name, attrs };
}

/** resolve returns a set from a reference. */
export function resolve(ref: AttrSetRef): AttrSet {
  return typeof ref === 'function' ? ref() : ref;
}

/** enumText names a value from a table, or returns undefined. */
export function enumText(names: Readonly<Record<number, string>> | undefined, v: number): string | undefined {
  return names?.[v];
}

/** bitsText names the set bits of `v` from a table of single-bit values; unknown bits stay hex. */
export function bitsText(names: Readonly<Record<number, string>>, v: number): string {
  const out: string[] = [];
  let rest = v >>> 0;
  for (let bit = 0; bit < 32; bit++) {
    const m = (1 << bit) >>> 0;
    if (rest & m && names[m] !== undefined) {
      out.push(names[m]!);
      rest = (rest & ~m) >>> 0;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out.length ? out.join('|') : '0';
}

const SCALAR_SIZE: Record<ScalarKind, number> = { u8: 1, u16: 2, u32: 4, u64: 8, s8: 1, s16: 2, s32: 4, s64: 8, be16: 2, be32: 4, be64: 8 };

/** scalarSize is the byte size of a scalar kind. */
export function scalarSize(k: StructField[1]): number {
  if (k === 'pad1') return 1;
  if (k === 'mac6') return 6;
  if (k === 'pad2') return 2;
  if (k === 'ipv4') return 4;
  if (k === 'ipv6') return 16;
  return SCALAR_SIZE[k];
}

/** readScalar reads one scalar at `at` (the caller checks it fits). */
export function readScalar(b: Bytes, at: number, k: ScalarKind): number | string {
  switch (k) {
    case 'u8':
      return b.u8(at);
    case 's8':
      return (b.u8(at) << 24) >> 24;
    case 'u16':
      return b.u16(at);
    case 's16':
      return (b.u16(at) << 16) >> 16;
    case 'u32':
      return b.u32(at);
    case 's32':
      return b.s32(at);
    case 'u64':
      return bigToScalar(b.u64(at));
    case 's64':
      return bigToScalar(b.s64(at));
    case 'be16':
      return b.be16(at);
    case 'be32':
      return b.be32(at);
    case 'be64':
      return bigToScalar(b.be64(at));
  }
}

/**
 * decodeStruct decodes the fields of `def` that fit in `[at, end)`: kernels grow structs at
 * the end (rtnl_link_stats gained rx_nohandler), so a shorter payload is an older layout and a
 * longer one a newer. Returns the fields and the offset after the last one decoded.
 */
export function decodeStruct(b: Bytes, at: number, end: number, def: StructDef): { fields: Field[]; next: number } {
  const fields: Field[] = [];
  let off = at;
  for (const [name, kind, vol] of def.fields) {
    const size = scalarSize(kind);
    if (off + size > end) break;
    let f: Field | undefined;
    if (kind === 'ipv4') f = { name, value: formatIPv4(b.buf.subarray(off, off + 4)) };
    else if (kind === 'ipv6') f = { name, value: formatIPv6(b.buf.subarray(off, off + 16)) };
    else if (kind === 'mac6') f = { name, value: formatMac(b.buf.subarray(off, off + 6)) };
    else if (kind !== 'pad1' && kind !== 'pad2') f = { name, value: readScalar(b, off, kind) };
    if (f) {
      if (vol) f.volatile = vol;
      fields.push(f);
    }
    off += size;
  }
  return { fields, next: off };
}

/** DecodeAttrsResult is the attributes found plus how many bytes could not be walked. */
export interface DecodeAttrsResult {
  attrs: AttrNode[];
  /** Offset and hex of bytes left after the last well-formed attribute, if any. */
  leftover?: { offset: number; hex: string };
}

/** MAX_DEPTH bounds nesting, so a crafted capture cannot recurse without end. */
const MAX_DEPTH = 32;

/**
 * decodeAttrs walks the attributes in `[start, end)` as `nla_for_each_attr` does and decodes
 * each with `set` (undefined: every attribute is raw). Never throws: malformed payloads become
 * hex with a `problem`.
 */
export function decodeAttrs(b: Bytes, start: number, end: number, set: AttrSet | undefined, depth = 0): DecodeAttrsResult {
  const attrs: AttrNode[] = [];
  let off = start;
  while (end - off >= NLA_HDRLEN) {
    const len = b.u16(off);
    if (len < NLA_HDRLEN || len > end - off) break;
    const rawType = b.u16(off + 2);
    const type = rawType & NLA_TYPE_MASK;
    const known = set?.attrs.get(type);
    const def: AttrDef | undefined = known ?? (set?.fallback ? { name: `[${type}]`, ...set.fallback } : undefined);
    const node: AttrNode = { name: def?.name ?? `attr ${type}`, type, offset: off, length: len };
    const tf: string[] = [];
    if (rawType & NLA_F_NESTED) tf.push('NLA_F_NESTED');
    if (rawType & NLA_F_NET_BYTEORDER) tf.push('NLA_F_NET_BYTEORDER');
    if (tf.length) node.typeFlags = tf;
    const p = off + NLA_HDRLEN;
    if (def) decodePayload(b, p, off + len, def, node, depth);
    else if (len > NLA_HDRLEN) node.hex = b.hex(p, len - NLA_HDRLEN);
    attrs.push(node);
    off += Math.min(NLA_ALIGN(len), end - off);
  }
  const result: DecodeAttrsResult = { attrs };
  if (off < end) result.leftover = { offset: off, hex: b.hex(off, end - off) };
  return result;
}

/** decodePayload fills `node` from the payload `[p, end)` according to `def`. */
function decodePayload(b: Bytes, p: number, end: number, def: AttrDef, node: AttrNode, depth: number): void {
  const len = end - p;
  const kind = def.kind;
  const payload = b.buf.subarray(p, end);
  if (def.volatile) node.volatile = def.volatile;
  const raw = (problem?: string): void => {
    if (len > 0) node.hex = b.hex(p, len);
    if (problem) node.problem = problem;
  };
  if (typeof kind === 'string') {
    switch (kind) {
      case 'string':
        node.value = cString(payload);
        return;
      case 'flag':
        if (len !== 0) return raw(`flag with ${len} payload bytes`);
        node.value = true;
        return;
      case 'binary':
        return raw();
      case 'uint':
        if (len === 4) node.value = b.u32(p);
        else if (len === 8) node.value = bigToScalar(b.u64(p));
        else raw(`uint with ${len} payload bytes`);
        return;
      case 'mac':
        node.value = formatMac(payload);
        return;
      case 'ipv4':
        if (len !== 4) return raw(`IPv4 address of ${len} bytes`);
        node.value = formatIPv4(payload);
        return;
      case 'ipv6':
        if (len !== 16) return raw(`IPv6 address of ${len} bytes`);
        node.value = formatIPv6(payload);
        return;
      case 'address':
        node.value = formatAddress(payload);
        return;
      case 'u32-array':
      case 's32-array':
      case 'u64-array': {
        const size = kind === 'u64-array' ? 8 : 4;
        if (len % size) return raw(`array of ${len} bytes is not a multiple of ${size}`);
        const values: number[] = [];
        for (let at = p; at < end; at += size) {
          values.push(kind === 'u32-array' ? b.u32(at) : kind === 's32-array' ? b.s32(at) : Number(b.u64(at)));
        }
        node.values = values;
        return;
      }
      default: {
        const size = SCALAR_SIZE[kind];
        if (len !== size) return raw(`${kind} with ${len} payload bytes`);
        const v = readScalar(b, p, kind);
        node.value = v;
        if (typeof v === 'number') {
          const t = def.enumNames ? enumText(def.enumNames, v) : def.bitNames ? bitsText(def.bitNames, v) : undefined;
          if (t !== undefined) node.text = t;
        }
        return;
      }
    }
  }
  if (depth >= MAX_DEPTH) return raw(`nesting deeper than ${MAX_DEPTH}`);
  if ('struct' in kind) {
    const s = decodeStruct(b, p, end, kind.struct);
    node.fields = s.fields;
    // Kernels append members to these structs, so a shorter payload is an older layout and
    // only bytes that make no whole member are worth a note.
    if (s.next < end) node.problem = `${end - s.next} bytes after struct ${kind.struct.name}: ${b.hex(s.next, end - s.next)}`;
    return;
  }
  if ('nestByKind' in kind) {
    const k = kind.nestByKind;
    const r = decodeAttrs(b, p, end, resolve(k.base), depth + 1);
    const name = r.attrs.find((a) => a.type === k.kindType)?.value;
    const data = r.attrs.find((a) => a.type === k.dataType);
    const set = typeof name === 'string' ? k.sets[name] : undefined;
    if (data && set) {
      delete data.hex;
      const sub = decodeAttrs(b, data.offset + NLA_HDRLEN, data.offset + data.length, resolve(set), depth + 2);
      data.attrs = sub.attrs;
      if (sub.leftover) data.problem = `leftover bytes: ${sub.leftover.hex}`;
    }
    node.attrs = r.attrs;
    if (r.leftover) node.problem = `leftover bytes at ${r.leftover.offset}: ${r.leftover.hex}`;
    return;
  }
  if ('nest' in kind || 'byFamily' in kind) {
    const inner = 'nest' in kind ? resolve(kind.nest) : undefined;
    const r = decodeAttrs(b, p, end, inner, depth + 1);
    if ('byFamily' in kind) {
      for (const a of r.attrs) {
        const famSet = kind.byFamily[a.type];
        a.name = FAMILY_NAMES[a.type] ?? `family ${a.type}`;
        if (!famSet) continue;
        delete a.hex;
        const sub = decodeAttrs(b, a.offset + NLA_HDRLEN, a.offset + a.length, resolve(famSet), depth + 2);
        a.attrs = sub.attrs;
        if (sub.leftover) a.problem = `leftover bytes: ${sub.leftover.hex}`;
      }
    }
    node.attrs = r.attrs;
    if (r.leftover) node.problem = `leftover bytes at ${r.leftover.offset}: ${r.leftover.hex}`;
  }
}

/** FAMILY_NAMES names the address families that appear as nest types and header fields. */
export const FAMILY_NAMES: Readonly<Record<number, string>> = {
  0: 'AF_UNSPEC',
  1: 'AF_UNIX',
  2: 'AF_INET',
  7: 'AF_BRIDGE',
  10: 'AF_INET6',
  16: 'AF_NETLINK',
  17: 'AF_PACKET',
  28: 'AF_MPLS',
  45: 'AF_MCTP',
  128: 'RTNL_FAMILY_IPMR',
  129: 'RTNL_FAMILY_IP6MR',
};

/** scalarField builds a Field with an optional symbolic text. */
export function field(name: string, value: Scalar, text?: string): Field {
  return text === undefined ? { name, value } : { name, value, text };
}
