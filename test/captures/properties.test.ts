/**
 * fast-check properties: any records survive encode → read in every format and netlink link
 * type, and no input bytes make a reader fail with anything but a DecodeError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../sim/errors.js';
import { createCapture, decodeCapture, encodeCapture } from '../../captures/capture.js';
import type { ByteOrder, CaptureFormat, CaptureRecord } from '../../captures/capture.js';
import { coreFields, sharedBytes } from './helpers.js';

const formats: CaptureFormat[] = ['pcap', 'pcap-ns', 'pcapng'];
const linkTypes = [253, 113, 276];

/** recordArb generates a record that `format` and `linkType` can hold exactly. */
function recordArb(format: CaptureFormat, linkType: number): fc.Arbitrary<Omit<CaptureRecord, 'index' | 'fileOffset'>> {
  const ns = format === 'pcap' ? fc.integer({ min: 0, max: 999_999 }).map((us) => us * 1000) : fc.integer({ min: 0, max: 999_999_999 });
  const address = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((a) => {
    a[0]! |= 1; // non-zero, so that the reader keeps it
    return a;
  });
  const link = fc.record({
    hatype: linkType === 253 ? fc.integer({ min: 0, max: 0xffff }) : fc.constant(824),
    addressLength: fc.integer({ min: 0, max: linkType === 276 ? 0xff : 0xffff }),
    address,
    reserved: linkType === 276 ? fc.integer({ min: 0, max: 0xffff }) : fc.constant(0),
  });
  return fc
    .record({
      timestamp: fc.record({ seconds: fc.integer({ min: 0, max: 0xffffffff }), nanoseconds: ns }),
      payload: fc.uint8Array({ maxLength: 200 }),
      truncatedBy: fc.nat({ max: 100_000 }),
      protocol: fc.integer({ min: 0, max: 0xffff }),
      packetType: fc.integer({ min: 0, max: 0xff }),
      ifindex: fc.integer({ min: 0, max: 0xffffffff }),
      link: fc.option(link, { nil: undefined }),
    })
    .map(({ truncatedBy, ifindex, link, ...r }) => {
      const out: Omit<CaptureRecord, 'index' | 'fileOffset'> = { ...r, originalLength: r.payload.length + truncatedBy };
      if (linkType === 276) out.ifindex = ifindex;
      if (link) out.link = link;
      return out;
    });
}

describe('encode → read gives the same records', () => {
  for (const format of formats) {
    for (const linkType of linkTypes) {
      it(`${format}, link type ${linkType}`, async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(recordArb(format, linkType), { maxLength: 8 }),
            fc.constantFrom<ByteOrder>('LE', 'BE'),
            async (records, fileByteOrder) => {
              const c = createCapture([], { format, linkType, fileByteOrder });
              c.records = records.map((r, index) => ({ ...r, index, fileOffset: 0 }));
              const bytes = encodeCapture(c);
              const back = await decodeCapture(bytes);
              expect(back.format).toBe(format);
              expect(back.linkType).toBe(linkType);
              expect(back.fileByteOrder).toBe(fileByteOrder);
              expect(back.records.map(coreFields)).toEqual(c.records.map(coreFields));
              // And what was read re-encodes to the same bytes.
              expect(encodeCapture(back)).toEqual(bytes);
            },
          ),
          { numRuns: 60 },
        );
      });
    }
  }
});

/** decodeOnlyDecodeErrors decodes and fails the property on anything but success or DecodeError. */
async function decodeOnlyDecodeErrors(bytes: Uint8Array): Promise<void> {
  try {
    await decodeCapture(bytes, 'fuzz');
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    expect(err.message).toMatch(/^fuzz: .* at byte offset \d+$/);
    expect(err.offset).toBeGreaterThanOrEqual(0);
    expect(err.offset).toBeLessThanOrEqual(bytes.length);
  }
}

describe('arbitrary bytes only ever give DecodeError', () => {
  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), decodeOnlyDecodeErrors), { numRuns: 300 });
  });

  const headers: [string, number[]][] = [
    ['pcap µs LE', [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0xfd, 0, 0, 0]],
    ['pcap ns BE', [0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 1, 0x14]],
    ['pcapng LE', [0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 28, 0, 0, 0]],
  ];
  it.each(headers)('a valid %s header followed by random bytes', async (_name, header) => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), (tail) => decodeOnlyDecodeErrors(Uint8Array.from([...header, ...tail]))),
      { numRuns: 300 },
    );
  });

  it('real captures with random bytes overwritten', async () => {
    const files = ['tcpdump-pr878/netlink-le.pcap', 'nldecap/two_packets_be.pcap'].map(sharedBytes);
    const pcapng = encodeCapture(await decodeCapture(files[0]!), 'pcapng');
    const images = [...files, pcapng];
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: images.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        async (which, edits) => {
          const bytes = images[which]!.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          await decodeOnlyDecodeErrors(bytes);
        },
      ),
      { numRuns: 400 },
    );
  });
});
