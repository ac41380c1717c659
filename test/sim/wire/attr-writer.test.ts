import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE } from '../../../sim/wire/header.js';
import { NlsimError } from '../../../sim/errors.js';
import { hex, toHex } from './hex.js';

// Expected bytes below are little-endian: the host order of every machine nlsim targets.
describe.runIf(HOST_LE)('AttrWriter bytes', () => {
  const cases: Array<{ name: string; write: (w: AttrWriter) => void; want: string }> = [
    {
      name: 'u8, padded with 3 zero bytes',
      write: (w) => w.u8(1, 0xab),
      want: '0500 0100 | ab 000000', // nla_len 5, type 1 | value | padding
    },
    {
      name: 'u16, padded with 2 zero bytes',
      write: (w) => w.u16(2, 0x1234),
      want: '0600 0200 | 3412 0000',
    },
    {
      name: 'u32',
      write: (w) => w.u32(3, 0xdeadbeef),
      want: '0800 0300 | efbeadde',
    },
    {
      name: 'u32 from the int32 that bitwise operators give for a top bit set (0x80000000 | 0x80)',
      write: (w) => w.u32(3, 0x80000000 | 0x80),
      want: '0800 0300 | 80000080',
    },
    {
      name: 'be32 from an int32 with the top bit set',
      write: (w) => w.be32(10, 0xff000000 | 1),
      want: '0800 0a40 | ff000001',
    },
    {
      name: 'u64 from a bigint',
      write: (w) => w.u64(4, 0x0102030405060708n),
      want: '0c00 0400 | 0807060504030201',
    },
    {
      name: 'u64 from a number',
      write: (w) => w.u64(4, 258),
      want: '0c00 0400 | 0201000000000000',
    },
    {
      name: 'u32Array: host-order u32s, negative values wrapped (ipv6_store_devconf)',
      write: (w) => w.u32Array(7, [1, -1, 0x01020304]),
      want: '1000 0700 | 01000000 ffffffff 04030201',
    },
    {
      name: 'u32Array of nothing: a bare header',
      write: (w) => w.u32Array(7, []),
      want: '0400 0700',
    },
    {
      name: 's8 -1',
      write: (w) => w.s8(5, -1),
      want: '0500 0500 | ff 000000',
    },
    {
      name: 's16 -2',
      write: (w) => w.s16(6, -2),
      want: '0600 0600 | feff 0000',
    },
    {
      name: 's32 -34 (an errno)',
      write: (w) => w.s32(7, -34),
      want: '0800 0700 | deffffff',
    },
    {
      name: 's64 min',
      write: (w) => w.s64(8, -(1n << 63n)),
      want: '0c00 0800 | 0000000000000080',
    },
    {
      name: 'be16 sets NLA_F_NET_BYTEORDER',
      write: (w) => w.be16(9, 0x1234),
      want: '0600 0940 | 1234 0000', // type 0x4009
    },
    {
      name: 'be32 sets NLA_F_NET_BYTEORDER',
      write: (w) => w.be32(10, 0xc0a80001),
      want: '0800 0a40 | c0a80001',
    },
    {
      name: 'string with NUL, padded',
      write: (w) => w.string(2, 'nlctrl'),
      want: '0b00 0200 | 6e6c6374726c 00 | 00', // "nlctrl" | NUL | padding
    },
    {
      name: 'empty string is just a NUL',
      write: (w) => w.string(1, ''),
      want: '0500 0100 | 00 | 000000',
    },
    {
      name: 'string without NUL',
      write: (w) => w.stringNoNul(3, 'eth0'),
      want: '0800 0300 | 65746830',
    },
    {
      name: 'UTF-8 string',
      write: (w) => w.string(1, 'é€'),
      want: '0a00 0100 | c3a9 e282ac 00 | 0000', // é (2 bytes) € (3 bytes) NUL | padding
    },
    {
      name: 'bytes, odd length',
      write: (w) => w.bytes(7, hex('010203')),
      want: '0700 0700 | 010203 | 00',
    },
    {
      name: 'flag has no payload',
      write: (w) => w.flag(12),
      want: '0400 0c00',
    },
    {
      name: 'nested sets NLA_F_NESTED and covers padded children',
      write: (w) =>
        w.nested(1, (n) => {
          n.u8(1, 7);
          n.u16(2, 8);
        }),
      want: '1400 0180 | 0500 0100 07 000000 | 0600 0200 0800 0000', // nest len 20, type 0x8001 | children
    },
    {
      name: 'nested without NLA_F_NESTED',
      write: (w) => w.nested(6, (n) => n.u32(1, 3), { nestedFlag: false }),
      want: '0c00 0600 | 0800 0100 03000000',
    },
    {
      name: 'empty nest',
      write: (w) => w.nested(2, () => {}),
      want: '0400 0280',
    },
    {
      name: 'beginNest / endNest, two levels',
      write: (w) => {
        const outer = w.beginNest(1);
        const inner = w.beginNest(2, false);
        w.flag(3);
        w.endNest(inner);
        w.endNest(outer);
      },
      want: '0c00 0180 | 0800 0200 | 0400 0300',
    },
    {
      name: 'raw fixed header then an attribute',
      write: (w) => {
        w.raw(hex('01020000')); // genlmsghdr {cmd 1, version 2}
        w.raw(hex('ff')); // odd-sized struct, padded
        w.u32(1, 1);
      },
      want: '01020000 | ff000000 | 0800 0100 01000000',
    },
  ];

  it.each(cases)('$name', ({ write, want }) => {
    const w = new AttrWriter();
    write(w);
    const got = w.finish();
    expect(toHex(got)).toBe(toHex(hex(want)));
    expect(w.length).toBe(got.length);
  });
});

describe('AttrWriter behaviour', () => {
  it('grows from a zero-sized buffer and keeps earlier bytes', () => {
    const small = new AttrWriter({ initialSize: 0 });
    const big = new AttrWriter({ initialSize: 1 << 16 });
    for (const w of [small, big]) {
      for (let i = 0; i < 500; i++) {
        w.u32(1, i);
        w.string(2, 'x'.repeat(i % 37));
      }
    }
    expect(small.finish()).toEqual(big.finish());
    expect(small.length).toBe(big.length);
  });

  it('a long string grows the buffer at once', () => {
    const w = new AttrWriter({ initialSize: 8 });
    w.string(1, 'a'.repeat(1000));
    const b = w.finish();
    expect(b.length).toBe(4 + 1004);
    expect(b[4 + 999]).toBe(0x61);
    expect(b[4 + 1000]).toBe(0);
  });

  it('finish copies, finishShared aliases until the next write', () => {
    const w = new AttrWriter();
    w.u32(1, 1);
    const copy = w.finish();
    const shared = w.finishShared();
    expect(shared).toEqual(copy);
    w.reset();
    w.u32(2, 2);
    expect(shared).not.toEqual(copy); // same memory, overwritten
    expect(copy).toEqual(hex(HOST_LE ? '0800 0100 01000000' : '0008 0001 00000001'));
  });

  it('reset reuses the buffer and zeroes padding over old bytes', () => {
    const w = new AttrWriter();
    w.bytes(1, new Uint8Array(12).fill(0xff));
    w.reset();
    w.u8(2, 1);
    const b = w.finish();
    expect(Array.from(b.subarray(5))).toEqual([0, 0, 0]);
    expect(w.length).toBe(8);
  });

  it('a throwing nested callback leaves no partial nest', () => {
    const w = new AttrWriter();
    w.u8(1, 1);
    expect(() =>
      w.nested(2, (n) => {
        n.u32(3, 3);
        n.beginNest(4);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(w.length).toBe(8);
    expect(() => w.finish()).not.toThrow();
  });

  it('cancelNest removes a nest', () => {
    const w = new AttrWriter();
    const t = w.beginNest(1);
    w.u32(2, 2);
    w.cancelNest(t);
    expect(w.length).toBe(0);
  });

  const misuse: Array<[string, (w: AttrWriter) => void]> = [
    ['u8 out of range', (w) => w.u8(1, 256)],
    ['u16 negative', (w) => w.u16(1, -1)],
    ['u32 fractional', (w) => w.u32(1, 1.5)],
    ['u32 beyond 32 bits', (w) => w.u32(1, 2 ** 32)],
    ['u32 below int32', (w) => w.u32(1, -(2 ** 31) - 1)],
    ['s32 too large', (w) => w.s32(1, 0x80000000)],
    ['u64 unsafe number', (w) => w.u64(1, 2 ** 60)],
    ['u64 negative bigint', (w) => w.u64(1, -1n)],
    ['s64 too large', (w) => w.s64(1, 1n << 63n)],
    ['type beyond u16', (w) => w.u8(0x10000, 1)],
    ['payload beyond nla_len', (w) => w.bytes(1, new Uint8Array(65532))],
    ['string beyond nla_len', (w) => w.string(1, 'a'.repeat(65531))],
    ['endNest out of order', (w) => {
      const a = w.beginNest(1);
      w.beginNest(2);
      w.endNest(a);
    }],
    ['finish with an open nest', (w) => {
      w.beginNest(1);
      w.finish();
    }],
    ['nest beyond nla_len', (w) => w.nested(1, (n) => {
      for (let i = 0; i < 20; i++) n.bytes(2, new Uint8Array(4000));
    })],
  ];

  it.each(misuse)('%s throws ERR_NLSIM_INVALID_ARGUMENT', (_name, fn) => {
    const w = new AttrWriter();
    let caught: unknown;
    try {
      fn(w);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(NlsimError);
    expect((caught as NlsimError).code).toBe('ERR_NLSIM_INVALID_ARGUMENT');
  });

  it('the largest attribute fits exactly', () => {
    const w = new AttrWriter();
    w.bytes(1, new Uint8Array(65531));
    expect(w.length).toBe(65536); // nla_len 65535, padded to 65536
  });

  it('length equals the bytes finish returns, for any sequence of writes (property)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('u8' as const), v: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ k: fc.constant('str' as const), v: fc.string({ maxLength: 40 }) }),
      fc.record({ k: fc.constant('bytes' as const), v: fc.uint8Array({ maxLength: 40 }) }),
      fc.record({ k: fc.constant('u64' as const), v: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), fc.integer({ min: 0, max: 64 }), (ops, initialSize) => {
        const w = new AttrWriter({ initialSize });
        let expected = 0;
        for (const o of ops) {
          if (o.k === 'u8') w.u8(1, o.v);
          else if (o.k === 'u64') w.u64(1, o.v);
          else if (o.k === 'bytes') w.bytes(1, o.v);
          else w.string(1, o.v);
          const payload = o.k === 'u8' ? 1 : o.k === 'u64' ? 8 : o.k === 'bytes' ? o.v.length : new TextEncoder().encode(o.v).length + 1;
          expected += (4 + payload + 3) & ~3;
          expect(w.length).toBe(expected);
        }
        expect(w.finish().length).toBe(expected);
      }),
    );
  });
});
