/**
 * The real nlmon captures of /work/shared/captures (see SOURCES.md): read with the right
 * counts and byte orders, refused when not netlink, re-written byte for byte, and never
 * crashing or losing records silently when cut short.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeError } from '../../sim/errors.js';
import { decodeCapture, encodeCapture, readCapture, writeCapture } from '../../captures/capture.js';
import type { Capture, CaptureFormat } from '../../captures/capture.js';
import { PACKET_OUTGOING } from '../../captures/nlmon.js';
import { capturePayloadByteOrder, direction, payloadByteOrder, walkMessages } from '../../captures/payload-order.js';
import { coreFields, NOT_NETLINK, REAL_CAPTURES, sharedBytes, sharedPath } from './helpers.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'nlsim-captures-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** countMessages walks a datagram's nlmsghdr chain in `le` order. */
function countMessages(payload: Uint8Array, le: boolean): number {
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let n = 0;
  for (let off = 0; off < payload.length; off += (v.getUint32(off, le) + 3) & ~3) n++;
  return n;
}

describe('real nlmon captures', () => {
  it.each(REAL_CAPTURES)('$path: $records records, file header $fileByteOrder, payloads $payloadOrder', async (exp) => {
    const c = await readCapture(sharedPath(exp.path));
    expect(c.format).toBe('pcap');
    expect(c.linkType).toBe(253);
    expect(c.fileByteOrder).toBe(exp.fileByteOrder);
    expect(c.snaplen).toBe(exp.snaplen);
    expect(c.file).toBe(sharedPath(exp.path));
    expect(c.records).toHaveLength(exp.records);
    expect(c.records.map((r) => r.index)).toEqual(c.records.map((_, i) => i));
    expect(new Set(c.records.map((r) => r.protocol))).toEqual(new Set(exp.protocols));
    let messages = 0;
    for (const r of c.records) {
      // SOURCES.md: packet type always 4, address length 0, address zero, ARPHRD 824.
      expect(r.packetType).toBe(PACKET_OUTGOING);
      expect(r.link).toBeUndefined();
      expect(r.ifindex).toBeUndefined();
      expect(r.originalLength).toBe(r.payload.length);
      expect(payloadByteOrder(r)).toBe(exp.payloadOrder);
      expect(walkMessages(r.payload, r.originalLength, exp.payloadOrder)).toBe('exact');
      messages += countMessages(r.payload, exp.payloadOrder === 'LE');
    }
    expect(messages).toBe(exp.messages);
    expect(capturePayloadByteOrder(c)).toBe(exp.payloadOrder);
  });

  it('record offsets chain: header 24 bytes, then 16 + 16 + payload per record', async () => {
    const c = await readCapture(sharedPath('pyroute2/nl0.pcap'));
    let off = 24;
    for (const r of c.records) {
      expect(r.fileOffset).toBe(off);
      off += 16 + 16 + r.payload.length;
    }
    expect(off).toBe(sharedBytes('pyroute2/nl0.pcap').length);
  });

  it.each([
    ['tcpdump-pr878/netlink-le.pcap', ['14:30:33.804693', '14:30:33.804864', '14:30:33.804893', '14:30:33.805444', '14:30:47.751408', '14:30:47.751417', '14:30:47.751429']],
    ['tcpdump-pr878/netlink-be.pcap', ['21:03:44.864984', '21:03:44.869935']],
  ])('%s: timestamps as tcpdump printed them (UTC) in its .out file', async (path, times) => {
    const c = await readCapture(sharedPath(path));
    const printed = c.records.map((r) => {
      const d = new Date(r.timestamp.seconds * 1000).toISOString().slice(11, 19);
      return `${d}.${String(r.timestamp.nanoseconds / 1000).padStart(6, '0')}`;
    });
    expect(printed).toEqual(times);
  });

  it('two_packets_le and two_packets_be differ only in the file header', async () => {
    const le = await readCapture(sharedPath('nldecap/two_packets_le.pcap'));
    const be = await readCapture(sharedPath('nldecap/two_packets_be.pcap'));
    expect(be.records.map(coreFields)).toEqual(le.records.map(coreFields));
  });

  it('directions follow NLM_F_REQUEST (netlink-le-v.out flags)', async () => {
    const c = await readCapture(sharedPath('tcpdump-pr878/netlink-le.pcap'));
    // flags 0x0000, 0x0001, 0x0600, 0x0001, 0x0305, 0x0002, 0x0002
    expect(c.records.map((r) => direction(r))).toEqual([
      'from-kernel',
      'to-kernel',
      'from-kernel',
      'to-kernel',
      'to-kernel',
      'from-kernel',
      'from-kernel',
    ]);
    const be = await readCapture(sharedPath('tcpdump-pr878/netlink-be.pcap'));
    expect(be.records.map((r) => direction(r))).toEqual(['from-kernel', 'from-kernel']);
  });

  it('nl0.pcap alternates requests and kernel answers', async () => {
    const c = await readCapture(sharedPath('pyroute2/nl0.pcap'));
    const toKernel = c.records.filter((r) => direction(r) === 'to-kernel').map((r) => r.index);
    expect(toKernel).toEqual([0, 3, 8, 12, 14, 17]);
  });
});

describe('non-netlink captures are refused', () => {
  it.each(NOT_NETLINK)('%s: DecodeError naming the file, record 0 and offset 24', async (rel) => {
    const path = sharedPath(rel);
    const err = await readCapture(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    const d = err as DecodeError;
    expect(d.code).toBe('ERR_NLSIM_DECODE');
    expect(d.file).toBe(path);
    expect(d.offset).toBe(24);
    expect(d.message).toBe(`${path}: record 0: link type 1 (ETHERNET) is not netlink at byte offset 24`);
  });

  it('an Ethernet file without records is refused at the link type field', async () => {
    const head = sharedBytes(NOT_NETLINK[0]!).subarray(0, 24);
    await expect(decodeCapture(head, 'empty-eth.pcap')).rejects.toThrow(
      'empty-eth.pcap: link type 1 (ETHERNET) is not netlink at byte offset 20',
    );
  });
});

describe('re-writing', () => {
  it.each(REAL_CAPTURES)('$path: read → write is byte-identical', async ({ path }) => {
    const original = sharedBytes(path);
    const c = await readCapture(sharedPath(path));
    expect(encodeCapture(c)).toEqual(original);
    const out = join(tmp, 'rewrite.pcap');
    await writeCapture(out, c);
    expect((await readCapture(out)).records.map(coreFields)).toEqual(c.records.map(coreFields));
  });

  const formats: CaptureFormat[] = ['pcap', 'pcap-ns', 'pcapng'];
  it.each(REAL_CAPTURES.flatMap((r) => formats.map((format) => ({ path: r.path, format }))))(
    '$path → $format → read: same records, and re-encoding that is byte-identical',
    async ({ path, format }) => {
      const c = await readCapture(sharedPath(path));
      const file = join(tmp, `converted.${format}`);
      await writeCapture(file, c, { format });
      const back = await readCapture(file);
      expect(back.format).toBe(format);
      expect(back.fileByteOrder).toBe(c.fileByteOrder);
      expect(back.records.map(coreFields)).toEqual(c.records.map(coreFields));
      expect(encodeCapture(back)).toEqual(encodeCapture(c, format));
    },
  );

  it('writes another header byte order on request, payloads untouched', async () => {
    const c = await readCapture(sharedPath('nldecap/two_packets_le.pcap'));
    expect(encodeCapture(c, 'pcap', { byteOrder: 'BE' })).toEqual(sharedBytes('nldecap/two_packets_be.pcap'));
  });
});

/** expectCut checks what reading the first `cut` bytes of a capture gives. */
async function expectCut(full: Capture, bytes: Uint8Array, cut: number, name: string): Promise<void> {
  const result = await decodeCapture(bytes.subarray(0, cut), name).then(
    (c) => c,
    (e: unknown) => e,
  );
  const boundary = full.records.findIndex((r) => r.fileOffset === cut);
  if (cut >= 24 && (boundary >= 0 || cut === bytes.length)) {
    // A cut between records leaves a valid, shorter capture.
    expect(result, `cut at ${cut}`).not.toBeInstanceOf(Error);
    const n = boundary >= 0 ? boundary : full.records.length;
    expect((result as Capture).records.map(coreFields)).toEqual(full.records.slice(0, n).map(coreFields));
    return;
  }
  expect(result, `cut at ${cut}`).toBeInstanceOf(DecodeError);
  const err = result as DecodeError;
  // The error points at the start of the structure the cut fell into.
  const inside = full.records.filter((r) => r.fileOffset < cut).at(-1);
  expect(err.offset, `cut at ${cut}: ${err.message}`).toBe(cut < 24 ? 0 : inside!.fileOffset);
  expect(err.message).toContain(name);
  if (cut >= 24) expect(err.message).toContain(`record ${inside!.index}`);
}

describe('truncated and damaged files', () => {
  it.each(REAL_CAPTURES.filter((r) => r.records < 19))('$path cut at every offset: DecodeError at the cut record, or a valid prefix', async ({ path }) => {
    const bytes = sharedBytes(path);
    const full = await decodeCapture(bytes, path);
    for (let cut = 0; cut <= bytes.length; cut++) await expectCut(full, bytes, cut, path);
  });

  it('nl0.pcap cut around every record boundary and inside every record', async () => {
    const bytes = sharedBytes('pyroute2/nl0.pcap');
    const full = await decodeCapture(bytes, 'nl0.pcap');
    const cuts = new Set<number>([0, 1, 3, 4, 23, 24, 25, bytes.length - 1]);
    for (const r of full.records) {
      for (const d of [-1, 0, 1, 8, 15, 16, 17, 31, 32, 33]) cuts.add(r.fileOffset + d);
      cuts.add(r.fileOffset + 32 + Math.floor(r.payload.length / 2));
    }
    for (const cut of [...cuts].filter((c) => c >= 0 && c <= bytes.length)) await expectCut(full, bytes, cut, 'nl0.pcap');
  });

  it('a truncated temp copy on disk names the file, record and offset', async () => {
    const bytes = sharedBytes('tcpdump-pr878/netlink-le.pcap');
    const full = await decodeCapture(bytes);
    const cases = [
      { cut: 10, offset: 0, text: 'pcap file header truncated: file ends after 10 of 24 bytes' },
      { cut: 30, offset: 24, text: 'record 0 header truncated: file ends after 6 of 16 bytes' },
      { cut: full.records[3]!.fileOffset + 20, offset: full.records[3]!.fileOffset, text: 'record 3 truncated: captured length 48 but the file ends after 4 data bytes' },
      { cut: bytes.length - 1, offset: full.records[6]!.fileOffset, text: 'record 6 truncated: captured length 36 but the file ends after 35 data bytes' },
    ];
    for (const { cut, offset, text } of cases) {
      const file = join(tmp, `cut-${cut}.pcap`);
      await writeFile(file, bytes.subarray(0, cut));
      await expect(readCapture(file)).rejects.toThrow(`${file}: ${text} at byte offset ${offset}`);
    }
  });

  it('an implausible captured length is reported as damage, not waited for', async () => {
    const bytes = sharedBytes('nldecap/two_packets_le.pcap').slice();
    new DataView(bytes.buffer).setUint32(24 + 8, 0x41414141, true);
    await expect(decodeCapture(bytes, 'x.pcap')).rejects.toThrow(
      'x.pcap: record 0: captured length 1094795585 exceeds 262144 (snaplen 262144): damaged file at byte offset 24',
    );
  });

  it('an original length below the captured length is refused', async () => {
    const bytes = sharedBytes('nldecap/two_packets_le.pcap').slice();
    new DataView(bytes.buffer).setUint32(24 + 12, 10, true);
    await expect(decodeCapture(bytes, 'x.pcap')).rejects.toThrow('record 0: original length 10 is less than captured length 36 at byte offset 24');
  });

  it('a record shorter than the cooked header is refused', async () => {
    const bytes = sharedBytes('nldecap/two_packets_le.pcap').slice(0, 24 + 16 + 8);
    const v = new DataView(bytes.buffer);
    v.setUint32(24 + 8, 8, true);
    v.setUint32(24 + 12, 8, true);
    await expect(decodeCapture(bytes, 'x.pcap')).rejects.toThrow('record 0: captured length 8 is shorter than the 16-byte LINKTYPE 253 (NETLINK) header');
  });

  it.each([
    ['empty file', [], 'not a capture file: only 0 bytes, no magic number at byte offset 0'],
    ['three bytes', [0xd4, 0xc3, 0xb2], 'not a capture file: only 3 bytes, no magic number at byte offset 0'],
    ['text', Array.from(Buffer.from('hello, world\n')), 'not a pcap or pcapng file: unknown magic number 0x68656c6c at byte offset 0'],
    ['gzip', [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0], 'not a pcap or pcapng file: unknown magic number 0x1f8b0800 at byte offset 0'],
    ['pcap 1.0', [0xd4, 0xc3, 0xb2, 0xa1, 1, 0, 0, 0, ...new Array<number>(16).fill(0)], 'unsupported pcap version 1.0 (only 2.x) at byte offset 4'],
  ])('garbage: %s', async (_name, bytes, message) => {
    await expect(decodeCapture(Uint8Array.from(bytes), 'g.bin')).rejects.toThrow(`g.bin: ${message}`);
  });

  it('reads a capture that sits at an odd offset inside a larger buffer', async () => {
    const bytes = sharedBytes('tcpdump-pr878/netlink-be.pcap');
    const big = new Uint8Array(bytes.length + 7);
    big.set(bytes, 3);
    const c = await decodeCapture(big.subarray(3, 3 + bytes.length));
    const ref = await decodeCapture(bytes);
    expect(c.records.map(coreFields)).toEqual(ref.records.map(coreFields));
  });
});
