import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeDone, decodeError, decodeExtAck } from '../../../sim/wire/nlmsgerr.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { HOST_LE } from '../../../sim/wire/header.js';
import { DecodeError } from '../../../sim/errors.js';
import { hex } from './hex.js';

/** ascii renders a string as hex, to splice into a hex literal. */
const ascii = (s: string): string => Array.from(s, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');

/** one decodes a datagram holding a single message and returns its header and payload. */
function one(bytes: string) {
  const datagram = hex(bytes);
  const msgs = decodeMessages(datagram);
  expect(msgs.length).toBe(1);
  expect(msgs[0]!.header.len).toBe(datagram.length);
  return msgs[0]!;
}

// The replies below are the KERNEL-SEMANTICS.md examples, little-endian; seq 0x2a, portid 0x1234.
describe.runIf(HOST_LE)('decodeError on kernel replies', () => {
  it('success ACK, always capped (item 68)', () => {
    const m = one(`
      24000000 0200 0001 2a000000 34120000 # nlmsg_len 36, NLMSG_ERROR, NLM_F_CAPPED
      00000000                             # error 0
      10000000 1200 0500 2a000000 00000000 # the request's header, verbatim
    `);
    const d = decodeError(m.payload, m.header.flags);
    expect(d).toEqual({
      error: 0,
      request: { len: 16, type: 0x12, flags: 5, seq: 0x2a, pid: 0 },
      extack: {},
    });
    expect('requestPayload' in d).toBe(false);
  });

  it('error echoes the request payload (item 69)', () => {
    const m = one(`
      28000000 0200 0000 2a000000 34120000
      a1ffffff                              # -EOPNOTSUPP
      14000000 c800 0100 2a000000 34120000
      78797a31                              # "xyz1"
    `);
    const d = decodeError(m.payload, m.header.flags);
    expect(d.error).toBe(-95);
    expect(d.request).toEqual({ len: 20, type: 200, flags: 1, seq: 0x2a, pid: 0x1234 });
    expect(d.requestPayload).toEqual(hex('78797a31'));
  });

  it('an unaligned echoed payload is padded to 4 (item 69)', () => {
    const m = one(`
      28000000 0200 0000 2a000000 34120000
      a1ffffff
      11000000 c800 0100 2a000000 34120000
      78 000000
    `);
    expect(decodeError(m.payload, m.header.flags).requestPayload).toEqual(hex('78'));
  });

  it('error with MSG, OFFS and POLICY TLVs (item 73)', () => {
    const name = ascii('a'.repeat(20));
    const m = one(`
      94000000 0200 0002 2a000000 34120000     # nlmsg_len 148, flags ACK_TLVS
      deffffff                                 # -ERANGE
      3c000000 1200 0500 2a000000 00000000     # request header, nlmsg_len 60
      00000000 00000000 00000000 00000000      # request: ifinfomsg
      1900 0300 ${name} 00 000000              # request: IFLA_IFNAME, 20 chars
      2700 0100 ${ascii('Attribute failed policy validation')} 00 | 00
      0800 0200 20000000                       # OFFS 32
      1400 0480 | 0800 0700 0f000000 | 0800 0100 0b000000
    `);
    const d = decodeError(m.payload, m.header.flags);
    expect(d.error).toBe(-34);
    expect(d.requestPayload?.length).toBe(44);
    expect(d.extack).toEqual({
      message: 'Attribute failed policy validation',
      offset: 32,
      policy: hex('0800 0700 0f000000 | 0800 0100 0b000000'),
    });
  });

  it('warning on a success ACK, flags CAPPED|ACK_TLVS (item 72)', () => {
    const m = one(`
      50000000 0200 0003 2a000000 34120000
      00000000
      24000000 1200 0500 2a000000 00000000
      2c00 0100 ${ascii('bytes leftover after parsing attributes')} 00
    `);
    const d = decodeError(m.payload, m.header.flags);
    expect(d.error).toBe(0);
    expect(d.requestPayload).toBeUndefined();
    expect(d.extack).toEqual({ message: 'bytes leftover after parsing attributes' });
  });

  it('MISS_TYPE after an echoed genetlink header (item 75)', () => {
    const m = one(`
      30000000 0200 0002 2a000000 34120000
      eaffffff                             # -EINVAL
      14000000 1a00 0500 2a000000 00000000
      01010000                             # genlmsghdr
      0800 0500 01000000                   # MISS_TYPE 1
    `);
    const d = decodeError(m.payload, m.header.flags);
    expect(d.error).toBe(-22);
    expect(d.requestPayload).toEqual(hex('01010000'));
    expect(d.extack).toEqual({ missingType: 1 });
  });

  it('capped error with COOKIE, MISS_NEST and an unknown TLV (item 70)', () => {
    const m = one(`
      3c000000 0200 0003 2a000000 34120000
      eaffffff
      18000000 1a00 0500 2a000000 00000000
      0700 0300 010203 | 00                # COOKIE
      0800 6300 00000000                   # type 99: unknown, skipped
      0800 0600 14000000                   # MISS_NEST 20
    `);
    const d = decodeError(m.payload, m.header.flags);
    expect(d.requestPayload).toBeUndefined();
    expect(d.extack).toEqual({ cookie: hex('010203'), missingNest: 20 });
  });

  it('an uncapped success ACK without payload (pre-4.12 kernels) has no requestPayload', () => {
    const d = decodeError(hex('00000000 | 1c000000 1200 0500 01000000 00000000'), 0);
    expect(d.error).toBe(0);
    expect(d.requestPayload).toBeUndefined();
  });
});

describe.runIf(HOST_LE)('decodeDone', () => {
  it('plain DONE (item 112)', () => {
    const m = one('14000000 0300 0200 2a000000 34120000 | 00000000');
    expect(decodeDone(m.payload, m.header.flags)).toEqual({ error: 0, extack: {} });
  });

  it('DONE with an error and MSG (item 113)', () => {
    const m = one(`
      4c000000 0300 0202 2a000000 34120000  # nlmsg_len 76, flags MULTI|ACK_TLVS
      eaffffff
      3800 0100 ${ascii('Filter by device index not supported for link dumps')} 00
    `);
    expect(decodeDone(m.payload, m.header.flags)).toEqual({
      error: -22,
      extack: { message: 'Filter by device index not supported for link dumps' },
    });
  });

  it('an empty payload is error 0', () => {
    expect(decodeDone(new Uint8Array(0), 2)).toEqual({ error: 0, extack: {} });
  });
});

describe.runIf(HOST_LE)('malformed payloads throw DecodeError', () => {
  it.each<[string, () => unknown, number]>([
    ['NLMSG_ERROR shorter than nlmsgerr', () => decodeError(hex('00000000 10000000'), 0), 16],
    ['echoed request runs past the end', () => decodeError(hex('eaffffff | 20000000 1200 0500 01000000 00000000 | 0000'), 0), 36],
    ['TLV with a wrong-length OFFS', () => decodeError(hex('eaffffff | 10000000 1200 0500 01000000 00000000 | 0600 0200 0100 0000'), 0x300), 36],
    ['truncated TLV', () => decodeError(hex('eaffffff | 10000000 1200 0500 01000000 00000000 | 0800 0200 01'), 0x300), 36],
    ['DONE of 2 bytes', () => decodeDone(hex('0000'), 2), 16],
    ['ext ack at a base offset', () => decodeExtAck(hex('0000 0000 0500 0200 01'), 4, 9, 100), 104],
  ])('%s', (_name, fn, offset) => {
    let caught: unknown;
    try {
      fn();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DecodeError);
    expect((caught as DecodeError).offset).toBe(offset);
  });

  it('arbitrary payloads and flags throw nothing but DecodeError (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), fc.integer({ min: 0, max: 0xffff }), (payload, flags) => {
        for (const f of [() => decodeError(payload, flags), () => decodeDone(payload, flags)]) {
          try {
            f();
          } catch (err) {
            expect(err).toBeInstanceOf(DecodeError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
