import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AttrReader, attrsToArray, parseAttrs } from '../../../sim/wire/attr-reader.js';
import { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { NLA_NEXT, NLA_OK } from '../../../sim/wire/align.js';
import { HOST_LE } from '../../../sim/wire/header.js';
import { DecodeError } from '../../../sim/errors.js';
import { hex } from './hex.js';
import { concat } from '../../../sim/wire/concat.js';

// ---------------------------------------------------------------------------------------
// A model of attribute trees, for decode(encode(x)) == x.

type ScalarKind = 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'be16' | 'be32';
type Leaf =
  | { type: number; kind: ScalarKind; value: number | bigint }
  | { type: number; kind: 'string' | 'stringNoNul'; value: string }
  | { type: number; kind: 'bytes'; value: Uint8Array }
  | { type: number; kind: 'flag' };
type Nest = { type: number; kind: 'nest'; nestedFlag: boolean; children: Node[] };
type Node = Leaf | Nest;

const attrType = fc.integer({ min: 0, max: 0x3fff });
const text = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replaceAll('\0', ''));

const scalar: Record<ScalarKind, fc.Arbitrary<number | bigint>> = {
  u8: fc.integer({ min: 0, max: 0xff }),
  u16: fc.integer({ min: 0, max: 0xffff }),
  u32: fc.integer({ min: 0, max: 0xffffffff }),
  u64: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  s8: fc.integer({ min: -0x80, max: 0x7f }),
  s16: fc.integer({ min: -0x8000, max: 0x7fff }),
  s32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  s64: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  be16: fc.integer({ min: 0, max: 0xffff }),
  be32: fc.integer({ min: 0, max: 0xffffffff }),
};

const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  ...(Object.keys(scalar) as ScalarKind[]).map((kind) =>
    fc.record({ type: attrType, kind: fc.constant(kind), value: scalar[kind] }),
  ),
  fc.record({ type: attrType, kind: fc.constantFrom('string' as const, 'stringNoNul' as const), value: text }),
  fc.record({ type: attrType, kind: fc.constant('bytes' as const), value: fc.uint8Array({ maxLength: 24 }) }),
  fc.record({ type: attrType, kind: fc.constant('flag' as const) }),
);

/** tree(depth) generates attribute lists whose nests go at most `depth` levels deep. */
function tree(depth: number): fc.Arbitrary<Node[]> {
  if (depth === 0) return fc.array(leaf, { maxLength: 6 });
  const nest: fc.Arbitrary<Nest> = fc.record({
    type: attrType,
    kind: fc.constant('nest' as const),
    nestedFlag: fc.boolean(),
    children: tree(depth - 1),
  });
  return fc.array(fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: nest }), { maxLength: 6 });
}

function encode(w: AttrWriter, nodes: Node[]): void {
  for (const n of nodes) {
    switch (n.kind) {
      case 'nest':
        w.nested(n.type, (c) => encode(c, n.children), { nestedFlag: n.nestedFlag });
        break;
      case 'string':
      case 'stringNoNul':
        w[n.kind](n.type, n.value);
        break;
      case 'bytes':
        w.bytes(n.type, n.value);
        break;
      case 'flag':
        w.flag(n.type);
        break;
      case 'u64':
      case 's64':
        w[n.kind](n.type, n.value);
        break;
      default:
        w[n.kind](n.type, n.value as number);
    }
  }
}

/** decode reads back what `model` says is there, building a fresh tree from the reader only. */
function decode(r: AttrReader, model: Node[]): Node[] {
  const out: Node[] = [];
  for (const m of model) {
    expect(r.next()).toBe(true);
    const flags = r.typeFlags;
    switch (m.kind) {
      case 'nest':
        out.push({ type: r.type, kind: 'nest', nestedFlag: flags === 0x8000, children: decode(r.nested(), m.children) });
        break;
      case 'string':
      case 'stringNoNul':
        out.push({ type: r.type, kind: m.kind, value: r.string() });
        break;
      case 'bytes':
        out.push({ type: r.type, kind: 'bytes', value: r.bytes() });
        break;
      case 'flag':
        expect(r.flag()).toBe(true);
        out.push({ type: r.type, kind: 'flag' });
        break;
      default:
        expect(flags).toBe(m.kind === 'be16' || m.kind === 'be32' ? 0x4000 : 0);
        out.push({ type: r.type, kind: m.kind, value: r[m.kind]() });
    }
  }
  expect(r.next()).toBe(false);
  expect(r.leftover()).toBe(0);
  return out;
}

describe('AttrReader round trip (properties)', () => {
  it('decode(encode(x)) equals x for trees up to depth 3', () => {
    fc.assert(
      fc.property(tree(3), (nodes) => {
        const w = new AttrWriter({ initialSize: 0 });
        encode(w, nodes);
        const r = new AttrReader(w.finish());
        expect(decode(r, nodes)).toEqual(nodes);
        expect(r.err()).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('reads the same inside a larger buffer, offsets shifted by baseOffset', () => {
    fc.assert(
      fc.property(tree(2), fc.uint8Array({ maxLength: 9 }), fc.uint8Array({ maxLength: 9 }), fc.nat(100), (nodes, pre, post, base) => {
        const w = new AttrWriter();
        encode(w, nodes);
        const body = w.finish();
        const big = new Uint8Array(pre.length + body.length + post.length);
        big.set(pre);
        big.set(body, pre.length);
        big.set(post, pre.length + body.length);
        const r = new AttrReader(big, pre.length, pre.length + body.length, base);
        expect(decode(r, nodes)).toEqual(nodes);
        const plain = attrsToArray(body).map((a) => a.offset + pre.length + base);
        expect(attrsToArray(big, pre.length, pre.length + body.length, base).map((a) => a.offset)).toEqual(plain);
      }),
    );
  });
});

/** exercise calls every getter on every attribute, recursing into nests, and returns how many it saw. */
function exercise(r: AttrReader, depth = 0): number {
  let n = 0;
  while (r.next()) {
    n++;
    void [r.type, r.typeFlags, r.length, r.offset, r.bytes(), r.view(), r.string()];
    void [r.u8(), r.u16(), r.u32(), r.u64(), r.s8(), r.s16(), r.s32(), r.s64(), r.be16(), r.be32(), r.flag()];
    if (depth < 8) n += exercise(r.nested(), depth + 1);
  }
  return n;
}

describe('AttrReader on arbitrary bytes (properties)', () => {
  it('never throws; err() is undefined or a DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(16), (bytes, start) => {
        const offset = Math.min(start, bytes.length);
        const r = new AttrReader(bytes, offset);
        exercise(r);
        const err = r.err();
        expect(err === undefined || err instanceof DecodeError).toBe(true);
        expect(r.leftover()).toBeGreaterThanOrEqual(0);
        expect(r.leftover()).toBeLessThanOrEqual(bytes.length - offset);
      }),
      { numRuns: 500 },
    );
  });

  it('visits exactly the attributes the kernel loop (NLA_OK / NLA_NEXT) visits', () => {
    // Bias toward plausible streams: small nla_len values in the first bytes.
    const stream = fc.array(fc.tuple(fc.integer({ min: 0, max: 24 }), fc.uint8Array({ minLength: 0, maxLength: 10 })), { maxLength: 8 }).map((parts) => {
      const chunks = parts.map(([len, junk]) => {
        const c = new Uint8Array(4 + junk.length);
        c.set(junk, 4);
        new DataView(c.buffer).setUint16(0, len, HOST_LE);
        return c;
      });
      return concat(...chunks);
    });
    fc.assert(
      fc.property(stream, (buf) => {
        const kernel: number[] = [];
        let pos = { offset: 0, remaining: buf.length };
        while (NLA_OK(buf, pos.offset, pos.remaining)) {
          kernel.push(pos.offset);
          pos = NLA_NEXT(buf, pos.offset, pos.remaining);
        }
        const r = new AttrReader(buf);
        const ours: number[] = [];
        while (r.next()) ours.push(r.offset);
        expect(ours).toEqual(kernel);
        expect(r.leftover()).toBe(Math.max(0, pos.remaining));
      }),
      { numRuns: 500 },
    );
  });
});

describe.runIf(HOST_LE)('AttrReader on fixed bytes', () => {
  it('walks a stream whose last attribute is not padded', () => {
    // u16 type 1 (padded) | string type 2 "ab\0" with no padding after it
    const buf = hex('0600 0100 3412 0000 | 0700 0200 616200');
    const r = new AttrReader(buf);
    expect(r.next()).toBe(true);
    expect([r.type, r.length, r.offset, r.u16()]).toEqual([1, 2, 0, 0x1234]);
    expect(r.next()).toBe(true);
    expect([r.type, r.length, r.offset, r.string()]).toEqual([2, 3, 8, 'ab']);
    expect(r.next()).toBe(false);
    expect(r.leftover()).toBe(0);
    expect(r.errOrLeftover()).toBeUndefined();
  });

  it.each([
    ['trailing garbage shorter than a header', '0800 0100 01000000 | 0000', 2, 8],
    ['nla_len below 4', '0800 0100 01000000 | 0200 0100', 4, 8],
    ['nla_len beyond the end', '0800 0100 01000000 | 0c00 0100 00000000', 8, 8],
  ])('stops on %s and reports the leftover bytes', (_name, bytes, left, at) => {
    const r = new AttrReader(hex(bytes), 0, undefined, 16);
    let n = 0;
    while (r.next()) n++;
    expect(n).toBe(1);
    expect(r.leftover()).toBe(left);
    expect(r.err()).toBeUndefined();
    const e = r.errOrLeftover();
    expect(e).toBeInstanceOf(DecodeError);
    expect(e?.offset).toBe(16 + at);
  });

  it('a wrong-length getter sets a sticky error with the attribute offset', () => {
    const r = new AttrReader(hex('0800 0100 01000000 | 0600 0200 0100 0000 | 0800 0300 03000000'), 0, undefined, 20);
    r.next();
    expect(r.u32()).toBe(1);
    r.next();
    expect(r.u32()).toBe(0); // 2-byte payload
    expect(r.err()).toBeInstanceOf(DecodeError);
    expect(r.err()?.offset).toBe(28);
    expect(r.u16()).toBe(1); // getters still work on the current attribute …
    expect(r.next()).toBe(false); // … but iteration stops
    expect(r.err()?.offset).toBe(28); // first error wins
  });

  it('a nested reader reports offsets from the same origin and passes its error up', () => {
    // nest type 1 (no flag) { u8 type 1 = 7, u32 type 2 = 9 }
    const buf = hex('1400 0100 | 0500 0100 07 000000 | 0800 0200 09000000 | 0400 0500');
    const r = new AttrReader(buf, 0, buf.length, 16);
    expect(r.next()).toBe(true);
    expect(r.typeFlags).toBe(0);
    const n = r.nested();
    expect(n.next()).toBe(true);
    expect([n.type, n.offset, n.u8()]).toEqual([1, 20, 7]);
    expect(n.next()).toBe(true);
    expect(n.offset).toBe(28);
    n.u64(); // wrong length
    expect(n.err()?.offset).toBe(28);
    expect(r.err()).toBe(n.err());
    expect(r.next()).toBe(false);
  });

  it('string stops at the first NUL; flag refuses a payload', () => {
    // "nlctrl" NUL "garb" (nla_len 15) | 1 byte padding | u8 type 2
    const r = new AttrReader(hex('0f00 0100 6e6c6374726c 00 67617262 | 00 | 0500 0200 01 000000'));
    expect(r.next()).toBe(true);
    expect(r.string()).toBe('nlctrl');
    expect(r.next()).toBe(true);
    expect(r.err()).toBeUndefined();
    expect(r.flag()).toBe(false);
    expect(r.err()).toBeInstanceOf(DecodeError);
  });

  it('getters without a current attribute set the error instead of throwing', () => {
    const r = new AttrReader(new Uint8Array(0));
    expect(r.next()).toBe(false);
    expect(r.u32()).toBe(0);
    expect(r.bytes()).toEqual(new Uint8Array(0));
    expect(r.nested().next()).toBe(false);
    expect(r.err()).toBeInstanceOf(DecodeError);
  });

  it('bytes copies, view aliases', () => {
    const buf = hex('0600 0100 aabb 0000');
    const r = new AttrReader(buf);
    r.next();
    const copy = r.bytes();
    const view = r.view();
    buf[4] = 0xcc;
    expect(copy[0]).toBe(0xaa);
    expect(view[0]).toBe(0xcc);
  });

  it('parseAttrs keeps the last of repeated types and masks the flag bits', () => {
    const m = parseAttrs(hex('0500 0100 01 000000 | 0500 0140 02 000000 | 0400 0280'));
    expect([...m.keys()]).toEqual([1, 2]);
    expect(m.get(1)).toEqual(hex('02'));
    expect(m.get(2)).toEqual(new Uint8Array(0));
  });

  it('rejects a range outside the buffer', () => {
    expect(() => new AttrReader(new Uint8Array(4), 2, 8)).toThrow(/not within/);
  });
});
