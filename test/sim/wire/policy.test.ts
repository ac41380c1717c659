import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KernelError } from '../../../sim/errors.js';
import { NL_VALIDATE, NLA, nlmsgParse, parseAttrs, policyAttrBytes, type Policy } from '../../../sim/wire/policy.js';
import { hex, toHex } from './hex.js';

const { NL_VALIDATE_LIBERAL: LIBERAL, NL_VALIDATE_STRICT: STRICT, NL_VALIDATE_DEPRECATED_STRICT: DEPRECATED } = NL_VALIDATE;

/** attr encodes one attribute with padding. */
function attr(type: number, payload: number[] | Uint8Array): Uint8Array {
  const p = Uint8Array.from(payload);
  const out = new Uint8Array((4 + p.length + 3) & ~3);
  new DataView(out.buffer).setUint16(0, 4 + p.length, true);
  new DataView(out.buffer).setUint16(2, type, true);
  out.set(p, 4);
  return out;
}

/** msg puts attributes after a 16-byte header (nlmsg_len set) and a 4-byte family header. */
function msg(...parts: (Uint8Array | number[])[]): Uint8Array {
  const body = Buffer.concat(parts.map((p) => Uint8Array.from(p)));
  const out = new Uint8Array(20 + body.length);
  new DataView(out.buffer).setUint32(0, out.length, true);
  out.set(body, 20);
  return out;
}

function failure(fn: () => unknown): KernelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KernelError) return e;
    throw e;
  }
  throw new Error('expected a KernelError');
}

const P: Policy = [
  undefined,
  { type: NLA.NLA_U8 },
  { type: NLA.NLA_U16 },
  { type: NLA.NLA_U32 },
  { type: NLA.NLA_U64 },
  { type: NLA.NLA_STRING, len: 4 },
  { type: NLA.NLA_FLAG },
  { type: NLA.NLA_NUL_STRING, len: 4 },
  { type: NLA.NLA_BINARY, len: 3 },
  { type: NLA.NLA_NESTED, nested: [undefined, { type: NLA.NLA_U8 }] },
  { type: NLA.NLA_BITFIELD32, bitfield32Valid: 0x3 },
  { type: NLA.NLA_REJECT },
  { type: NLA.NLA_UINT },
  { type: NLA.NLA_U8, mask: 0x0f },
  { type: NLA.NLA_S8, min: -5, max: 5 },
  { type: NLA.NLA_NESTED_ARRAY, nested: [undefined, { type: NLA.NLA_U8 }] },
  { type: NLA.NLA_BINARY, min: 2, max: 4 },
  { type: NLA.NLA_REJECT, rejectMessage: 'no thanks' },
  { type: NLA.NLA_BE16, max: 0x100 },
];
const MAX = P.length;

describe('parseAttrs (lib/nlattr.c validation)', () => {
  it.each([
    // [name, attribute, level, errno, message]
    ['U16 of 1 byte (liberal)', attr(2, [1]), LIBERAL, 'ERANGE', 'Attribute failed policy validation'],
    ['U16 of 4 bytes (strict)', attr(2, [1, 0, 0, 0]), STRICT, 'EINVAL', 'invalid attribute length'],
    ['STRING of 5 chars', attr(5, [...Buffer.from('abcde')]), LIBERAL, 'ERANGE', 'Attribute failed policy validation'],
    ['empty STRING', attr(5, []), LIBERAL, 'ERANGE', 'Attribute failed policy validation'],
    ['FLAG with payload', attr(6, [1]), LIBERAL, 'ERANGE', 'Attribute failed policy validation'],
    ['NUL_STRING without NUL', attr(7, [...Buffer.from('ab')]), LIBERAL, 'EINVAL', 'Attribute failed policy validation'],
    ['NUL_STRING too long after the NUL', attr(7, [0x61, 0, 1, 2, 3, 4]), LIBERAL, 'ERANGE', 'Attribute failed policy validation'],
    ['BINARY too long', attr(8, [1, 2, 3, 4]), LIBERAL, 'ERANGE', 'Attribute failed policy validation'],
    ['NESTED of 2 bytes', attr(9, [1, 2]), LIBERAL, 'ERANGE', 'Attribute failed policy validation'],
    ['NESTED without NLA_F_NESTED (strict)', attr(9, []), STRICT, 'EINVAL', 'NLA_F_NESTED is missing'],
    ['U8 with NLA_F_NESTED (strict)', attr(1 | 0x8000, [1]), STRICT, 'EINVAL', 'NLA_F_NESTED not expected'],
    ['BITFIELD32 of 4 bytes', attr(10, [1, 0, 0, 0]), LIBERAL, 'ERANGE', 'Attribute failed policy validation'],
    ['BITFIELD32 value outside the selector', attr(10, [1, 0, 0, 0, 2, 0, 0, 0]), LIBERAL, 'EINVAL', 'Attribute failed policy validation'],
    ['REJECT', attr(11, []), LIBERAL, 'EINVAL', 'Attribute failed policy validation'],
    ['REJECT with its own message', attr(17, []), LIBERAL, 'EINVAL', 'no thanks'],
    ['UINT of 2 bytes', attr(12, [1, 2]), LIBERAL, 'EINVAL', 'invalid attribute length'],
    ['U8 with a reserved bit', attr(13, [0x10]), LIBERAL, 'EINVAL', 'reserved bit set'],
    ['S8 out of range', attr(14, [0xf0]), LIBERAL, 'ERANGE', 'integer out of range'],
    ['NESTED_ARRAY element of 2 bytes', attr(15 | 0x8000, attr(1, [1, 2])), STRICT, 'ERANGE', 'Array element too short'],
    ['BINARY shorter than its range', attr(16, [1]), LIBERAL, 'ERANGE', 'binary attribute size out of range'],
    ['BE16 above max', attr(18, [0x01, 0x01]), LIBERAL, 'ERANGE', 'integer out of range'],
    ['unknown type (strict)', attr(40, []), STRICT, 'EINVAL', 'Unknown attribute type'],
    ['type 0 (deprecated strict)', attr(0, []), DEPRECATED, 'EINVAL', 'Unknown attribute type'],
  ])('refuses %s', (_n, a, level, code, message) => {
    const m = msg(attr(1, [7]), a);
    const e = failure(() => parseAttrs(m, 20, P, MAX, level));
    expect(e.code).toBe(code);
    expect(e.extack?.message).toBe(message);
    const offset = code === 'ERANGE' && message === 'Array element too short' ? 32 : 28;
    expect(e.extack?.offset).toBe(offset);
  });

  it.each([
    ['U16 of 4 bytes (liberal)', attr(2, [1, 0, 0, 0])],
    ['unknown type (liberal)', attr(40, [])],
    ['empty NESTED', attr(9, [])],
    ['a NUL_STRING with data after the NUL', attr(7, [0x61, 0, 0x62])],
    ['a STRING of 4 chars plus NUL', attr(5, [...Buffer.from('abcd'), 0])],
    ['UINT of 8 bytes', attr(12, [1, 0, 0, 0, 0, 0, 0, 0])],
    ['BITFIELD32 within mask and selector', attr(10, [1, 0, 0, 0, 3, 0, 0, 0])],
  ])('accepts %s', (_n, a) => {
    const res = parseAttrs(msg(a), 20, P, MAX, LIBERAL);
    expect(res.warning).toBeUndefined();
  });

  it('returns the last attribute of each type with its offset, and warns about leftover bytes', () => {
    const m = msg(attr(1, [1]), attr(3, [1, 0, 0, 0]), attr(1, [2]), [9, 9]);
    const res = parseAttrs(m, 20, P, MAX, LIBERAL);
    expect(res.attrs[1]!.u8()).toBe(2);
    expect(res.attrs[1]!.offset).toBe(36);
    expect(res.attrs[3]!.u32()).toBe(1);
    expect(res.warning).toBe('bytes leftover after parsing attributes');
    const e = failure(() => parseAttrs(m, 20, P, MAX, DEPRECATED));
    expect(e.extack).toEqual({ message: 'bytes leftover after parsing attributes' });
  });

  it('keeps the inner offset of an error inside a nest', () => {
    const m = msg(attr(9 | 0x8000, attr(1, [1, 2])));
    expect(failure(() => parseAttrs(m, 20, P, MAX, STRICT)).extack).toMatchObject({ offset: 24, message: 'invalid attribute length' });
  });

  it('stops recursing at depth 10', () => {
    const rec: NonNullable<Policy[number]>[] = [{ type: NLA.NLA_UNSPEC }];
    rec.push({ type: NLA.NLA_NESTED, nested: rec, len: 1 });
    let a = attr(1, []);
    for (let i = 0; i < 11; i++) a = attr(1, a);
    const e = failure(() => parseAttrs(msg(a), 20, rec, 1, LIBERAL));
    expect(e.extack).toEqual({ message: 'allowed policy recursion depth exceeded' });
  });

  it('validates types from strict_start_type on strictly in a liberal parse', () => {
    const pol: Policy = [{ type: NLA.NLA_UNSPEC, strictStartType: 2 }, { type: NLA.NLA_U16 }, { type: NLA.NLA_U16 }];
    parseAttrs(msg(attr(1, [1, 0, 0, 0])), 20, pol, 2, LIBERAL);
    expect(failure(() => parseAttrs(msg(attr(2, [1, 0, 0, 0])), 20, pol, 2, LIBERAL)).extack?.message).toBe('invalid attribute length');
  });

  it('refuses an unset slot only under NL_VALIDATE_UNSPEC', () => {
    const pol: Policy = [undefined, undefined, { type: NLA.NLA_U8 }];
    parseAttrs(msg(attr(1, [1])), 20, pol, 2, DEPRECATED);
    expect(failure(() => parseAttrs(msg(attr(1, [1])), 20, pol, 2, STRICT)).extack).toEqual({ message: 'Unsupported attribute', offset: 20 });
  });

  it('refuses a message shorter than its family header', () => {
    const m = new Uint8Array(18);
    m[0] = 18;
    expect(failure(() => nlmsgParse(m, 4, P, MAX, STRICT)).extack).toEqual({ message: 'Invalid header length' });
  });

  it.each([
    ['U16', { type: NLA.NLA_U16 }, '0c000400 0000000000000000 0c000500 ffff000000000000 08000100 03000000'],
    ['S8 -5..5', { type: NLA.NLA_S8, min: -5, max: 5 }, '0c000200 fbffffffffffffff 0c000300 0500000000000000 08000100 06000000'],
    ['U32 mask', { type: NLA.NLA_U32, mask: 0xf0 }, '0c000c00 f000000000000000 08000100 04000000'],
    ['STRING len 15', { type: NLA.NLA_STRING, len: 15 }, '08000700 0f000000 08000100 0b000000'],
    ['BINARY 2..4', { type: NLA.NLA_BINARY, min: 2, max: 4 }, '08000600 02000000 08000700 04000000 08000100 0a000000'],
    ['FLAG', { type: NLA.NLA_FLAG }, '08000100 01000000'],
    ['NESTED', { type: NLA.NLA_NESTED, nested: [] }, '08000100 0d000000'],
    ['BITFIELD32', { type: NLA.NLA_BITFIELD32, bitfield32Valid: 3 }, '08000a00 03000000 08000100 0f000000'],
  ] as const)('describes a %s entry as __netlink_policy_dump_write_attr() does', (_n, pt, want) => {
    expect(toHex(policyAttrBytes(pt)!)).toBe(toHex(hex(want)));
  });

  it('describes NLA_UNSPEC and NLA_REJECT entries with nothing', () => {
    expect(policyAttrBytes({ type: NLA.NLA_UNSPEC })).toBeUndefined();
    expect(policyAttrBytes({ type: NLA.NLA_REJECT })).toBeUndefined();
  });

  it('returns a result or throws a KernelError for any bytes, at any level', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 31 }), (bytes, level) => {
        const m = msg(bytes);
        try {
          const res = parseAttrs(m, 20, P, MAX, level);
          for (const a of res.attrs) if (a) expect(a.offset).toBeGreaterThanOrEqual(20);
        } catch (e) {
          expect(e).toBeInstanceOf(KernelError);
          const off = (e as KernelError).extack?.offset;
          if (off !== undefined) expect(off).toBeLessThan(m.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts well-formed attributes of unknown types in liberal mode, at their offsets', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 30, max: 0x3fff }), fc.uint8Array({ maxLength: 12 })), { maxLength: 8 }), (list) => {
        const parts = list.map(([t, p]) => attr(t, p));
        const res = parseAttrs(msg(...parts), 20, P, MAX, LIBERAL);
        expect(res.warning).toBeUndefined();
      }),
    );
  });
});
