/**
 * The values and the attribute encoders of the route fuzzer's grammar: small pools of
 * devices, names and addresses (so one request meets what another created), the boundaries
 * of each wire type (0, 1, INT_MAX, 0x80000000, 0xffffffff, -1 as s32), and attributes with
 * rare framing mutations (short and over-long nla_len, truncated payloads, nesting flags).
 */
import fc from 'fast-check';
import { concat } from '../../sim/wire/concat.js';

// ---- values ----

export const le16 = (v: number) => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff);
export const le32 = (v: number) => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
export const be16 = (v: number) => Uint8Array.of((v >>> 8) & 0xff, v & 0xff);
/** cat is sim/wire's concat(), under the short name the grammar uses everywhere. */
export const cat = concat;
export const text = (s: string, nul = true) => cat(new TextEncoder().encode(s), nul ? Uint8Array.of(0) : new Uint8Array(0));

export const U32_EDGES = [0, 1, 2, 3, 4, 5, 100, 1500, 65535, 65536, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff];
export const u8 = fc.oneof(fc.constantFrom(0, 1, 2, 3, 0x7f, 0x80, 0xfe, 0xff), fc.integer({ min: 0, max: 0xff }));
export const u16 = fc.oneof(fc.constantFrom(0, 1, 2, 5, 0x7fff, 0x8000, 0xfffe, 0xffff), fc.integer({ min: 0, max: 0xffff }));
export const u32 = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...U32_EDGES) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) });
export const u64 = fc.oneof(fc.constantFrom(0n, 1n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0xffffffffffffffffn), fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }));
export const u64bytes = u64.map((v) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
});
/** Device indexes: the ones a sequence creates (1 is lo), none, and the ones that overflow an int. */
export const ifindex = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(1, 2, 3, 4, 5, 6) }, { weight: 2, arbitrary: fc.constantFrom(0, 7, 0x7fffffff, 0x80000001, 0xffffffff) });
/** Names: the devices of the pool, and the edges of IFNAMSIZ and dev_valid_name(). */
export const NAMES = ['lo', 'v0', 'v0p', 'v1', 'v1p', 'b0', 'd0', 'i0', 'vl0'];
export const ifname = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...NAMES).map((s) => text(s)) },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..', 'a/b', 'a b', 'x%d', 'a'.repeat(15), 'a'.repeat(16), 'lo\u00e9').map((s) => text(s)) },
  { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((s) => text(s, false)) },
);
export const IP4 = [[10, 0, 0, 1], [10, 0, 0, 2], [10, 0, 0, 0], [10, 0, 0, 255], [10, 1, 3, 4], [127, 0, 0, 1], [0, 0, 0, 0], [255, 255, 255, 255], [224, 0, 0, 1], [224, 0, 0, 251], [169, 254, 1, 1], [192, 168, 1, 1]];
export const ip4 = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...IP4).map((a) => Uint8Array.from(a)) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 4, maxLength: 4 }) });
export const v6 = (head: number[], tail: number[] = []) => Uint8Array.from([...head, ...new Array<number>(16 - head.length - tail.length).fill(0), ...tail]);
export const IP6 = [
  v6([]), v6([], [1]), v6([0xfe, 0x80], [1]), v6([0x20, 0x01, 0x0d, 0xb8], [1]), v6([0x20, 0x01, 0x0d, 0xb8], [2]), v6([0x20, 0x01, 0x0d, 0xb8, 0, 1]),
  v6([0xff, 0x02], [1]), v6([0xff, 0x02], [1, 0xff, 0, 0, 1]), v6([], [0xff, 0xff, 10, 0, 0, 1]),
];
export const ip6 = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...IP6) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 16, maxLength: 16 }) });
/** An address for `family`: its own size mostly, the other family's or a wrong size sometimes. */
export const addr = (family: number) =>
  fc.oneof(
    { weight: 8, arbitrary: family === 10 ? ip6 : ip4 },
    { weight: 1, arbitrary: family === 10 ? ip4 : ip6 },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 20 }) },
  );
export const mac = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(1, 2, 3, 7).map((n) => Uint8Array.of(2, 0, 0, 0, 0, n)) },
  { weight: 2, arbitrary: fc.constantFrom(Uint8Array.of(0, 0, 0, 0, 0, 0), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff), Uint8Array.of(1, 0, 0x5e, 0, 0, 1), Uint8Array.of(0x33, 0x33, 0, 0, 0, 1)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 10 }) },
);

// ---- attributes ----

/** Value is an attribute payload, or a nest of attributes (encoded with NLA_F_NESTED sometimes). */
export type AttrArb = fc.Arbitrary<Uint8Array>;

/** attr encodes one nlattr; `len` overrides nla_len (for over-long and short attributes). */
export function nla(type: number, payload: Uint8Array, len = 4 + payload.length): Uint8Array {
  const out = new Uint8Array(4 + payload.length + ((4 - (payload.length % 4)) % 4));
  out.set(le16(len), 0);
  out.set(le16(type), 2);
  out.set(payload, 4);
  return out;
}

/** Mutation of an attribute's framing: mostly none. */
export const framing = fc.oneof(
  { weight: 30, arbitrary: fc.constant('ok' as const) },
  { weight: 1, arbitrary: fc.constantFrom('short' as const, 'long' as const, 'truncate' as const, 'nestedFlag' as const, 'byteorder' as const) },
);

/** a builds an attribute of `type` from a payload arbitrary, with a rare framing mutation. */
export function a(type: number, payload: fc.Arbitrary<Uint8Array>): AttrArb {
  return fc.tuple(payload, framing, fc.nat(8)).map(([p, f, n]) => {
    switch (f) {
      case 'short':
        return nla(type, p, Math.min(3, n));
      case 'long':
        return nla(type, p, 4 + p.length + 1 + n);
      case 'truncate':
        return nla(type, p.subarray(0, Math.max(0, p.length - 1 - (n % 4))));
      case 'nestedFlag':
        return nla(type | 0x8000, p);
      case 'byteorder':
        return nla(type | 0x4000, p);
      default:
        return nla(type, p);
    }
  });
}
export const aU8 = (t: number) => a(t, u8.map((v) => Uint8Array.of(v)));
export const aU16 = (t: number) => a(t, u16.map(le16));
export const aBe16 = (t: number, ...likely: number[]) => a(t, fc.oneof(fc.constantFrom(...(likely.length ? likely : [0])), u16).map(be16));
export const aU32 = (t: number, ...likely: number[]) => a(t, (likely.length ? fc.oneof(fc.constantFrom(...likely), u32) : u32).map(le32));
export const aIdx = (t: number) => a(t, ifindex.map(le32));
export const aU64 = (t: number) => a(t, u64bytes);
export const aFlag = (t: number) => a(t, fc.oneof({ weight: 5, arbitrary: fc.constant(new Uint8Array(0)) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }) }));
export const aBin = (t: number, maxLength = 24) => a(t, fc.uint8Array({ maxLength }));
export const aStr = (t: number, ...words: string[]) => a(t, fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...words).map((s) => text(s)) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => text(s)) }));
export const aName = (t: number) => a(t, ifname);
export const aAddr = (t: number, family: number) => a(t, addr(family));
/** nest: an attribute holding some of `children` (in any order, repeats allowed). */
export const nest = (t: number, children: AttrArb[], maxLength = 4): AttrArb => a(t, attrs(children, maxLength));
/** A garbage attribute: any type, any bytes. */
export const junk: AttrArb = fc.tuple(fc.integer({ min: 0, max: 80 }), fc.uint8Array({ maxLength: 16 })).map(([t, p]) => nla(t, p));

/** attrs picks up to `maxLength` attributes from `choices`, with a garbage one now and then. */
export function attrs(choices: AttrArb[], maxLength = 5): fc.Arbitrary<Uint8Array> {
  return fc.array(fc.oneof({ weight: 12, arbitrary: fc.oneof(...choices) }, { weight: 1, arbitrary: junk }), { maxLength }).map((list) => cat(...list));
}

/** Generic attributes of types 1..max, each of a random scalar width: for kind data and options. */
export const scalars = (max: number): AttrArb[] => [
  fc.integer({ min: 1, max }).chain((t) => fc.oneof(aU8(t), aU16(t), aU32(t), aU64(t), aFlag(t))),
];

// ---- family headers ----

export const FAMILIES = [0, 2, 10, 7, 128, 129];
export const family = fc.oneof({ weight: 10, arbitrary: fc.constantFrom(2, 10, 0) }, { weight: 2, arbitrary: fc.constantFrom(...FAMILIES) }, { weight: 1, arbitrary: u8 });
export const IFF_UP = 0x1;
export const ifinfomsg = (fam: fc.Arbitrary<number> = fc.constantFrom(0, 0, 0, 2, 10, 7)) =>
  fc.tuple(fam, u16, ifindex, fc.oneof(fc.constantFrom(0, IFF_UP, IFF_UP | 0x100, 0x1000), u32), fc.oneof(fc.constantFrom(0, IFF_UP, 0xffffffff), u32)).map(([f, type, index, flags, change]) =>
    cat(Uint8Array.of(f, 0), le16(type), le32(index), le32(flags), le32(change)),
  );

