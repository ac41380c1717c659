/**
 * pcapng: sections with their own byte order, interfaces with if_tsresol/if_tsoffset, EPB,
 * SPB and the obsolete PB, skipped unknown blocks, and every check on block lengths.
 * Files are built by hand here, field by field, so they do not depend on our writer.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../sim/errors.js';
import { createCapture, decodeCapture, encodeCapture } from '../../captures/capture.js';
import type { Capture } from '../../captures/capture.js';
import { decodePcapng, tsresolFromByte, unitsToTimestamp } from '../../captures/pcapng-reader.js';
import { encodePcapng, timestampToUnits } from '../../captures/pcapng-writer.js';
import { payloadByteOrder } from '../../captures/payload-order.js';
import { Bytes, concat, coreFields, hex, nlmsg, toHex } from './helpers.js';

/** ts writes an EPB/PB timestamp: upper 32 bits first, each half in the section's order. */
function ts(b: Bytes, units: bigint): Bytes {
  return b.u32(Number(units >> 32n)).u32(Number(units & 0xffffffffn));
}

/** A pcapng block: type, total length, body padded to 32 bits, total length again. */
function block(le: boolean, type: number, body: Uint8Array): Uint8Array {
  const padded = (body.length + 3) & ~3;
  return new Bytes(le)
    .u32(type)
    .u32(12 + padded)
    .bytes(body)
    .pad4()
    .u32(12 + padded)
    .done();
}
function option(le: boolean, code: number, value: ArrayLike<number>): Uint8Array {
  return new Bytes(le).u16(code).u16(value.length).bytes(value).pad4().done();
}
function endOfOptions(le: boolean): Uint8Array {
  return new Bytes(le).u16(0).u16(0).done();
}
function shb(le: boolean, options: Uint8Array = new Uint8Array(0), sectionLength = -1n): Uint8Array {
  return block(le, 0x0a0d0d0a, new Bytes(le).u32(0x1a2b3c4d).u16(1).u16(0).u64(sectionLength & 0xffffffffffffffffn).bytes(options).done());
}
function idb(le: boolean, linkType: number, snaplen: number, options: Uint8Array = new Uint8Array(0)): Uint8Array {
  return block(le, 1, new Bytes(le).u16(linkType).u16(0).u32(snaplen).bytes(options).done());
}
function epb(le: boolean, ifid: number, units: bigint, frame: Uint8Array, options: Uint8Array = new Uint8Array(0), origlen = frame.length): Uint8Array {
  return block(le, 6, ts(new Bytes(le).u32(ifid), units).u32(frame.length).u32(origlen).bytes(frame).pad4().bytes(options).done());
}
function spb(le: boolean, frame: Uint8Array, origlen = frame.length): Uint8Array {
  return block(le, 3, new Bytes(le).u32(origlen).bytes(frame).done());
}
function pb(le: boolean, ifid: number, drops: number, units: bigint, frame: Uint8Array): Uint8Array {
  return block(le, 2, ts(new Bytes(le).u16(ifid).u16(drops), units).u32(frame.length).u32(frame.length).bytes(frame).done());
}

/** nlmon frame: the 16-byte LINKTYPE_NETLINK header (big-endian fields) + payload. */
function nlmonFrame(protocol: number, payload: Uint8Array): Uint8Array {
  return concat(hex(`0004 0338 0000 0000000000000000`), new Bytes(false).u16(protocol).done(), payload);
}
/** SLL2 frame: the 20-byte LINKTYPE_LINUX_SLL2 header + payload. */
function sll2Frame(protocol: number, ifindex: number, payload: Uint8Array): Uint8Array {
  return concat(new Bytes(false).u16(protocol).u16(0).u32(ifindex).u16(824).u8(4).u8(0).done(), new Uint8Array(8), payload);
}

const reqLE = nlmsg('LE', 18, 0x301, [0, 0, 0, 0]);
const ackLE = nlmsg('LE', 2, 0x100, [0, 0, 0, 0, ...reqLE]);
const newlinkBE = nlmsg('BE', 16, 0, new Array<number>(16).fill(0), 0, 0);
const donеBE = nlmsg('BE', 3, 2, [0, 0, 0, 0], 9, 1234);

/**
 * twoSections: a little-endian section (nlmon, µs) and a big-endian one (SLL2, 2^-20 s units,
 * if_tsoffset 10 s), with an unknown block, an NRB and an ISB to skip, and SPB and PB packets.
 */
function twoSections(): Uint8Array {
  return concat(
    shb(true, concat(option(true, 4, Array.from(Buffer.from('nlsim test'))), endOfOptions(true))),
    idb(true, 253, 262144),
    block(true, 0x12345678, hex('deadbeef cafe')),
    epb(true, 0, 1_600_000_000_123_456n, nlmonFrame(0, reqLE)),
    block(true, 4, hex('0000 0000')), // Name Resolution Block: skipped
    epb(true, 0, 1_600_000_000_123_457n, nlmonFrame(0, ackLE), concat(option(true, 2, [1, 0, 0, 0]), endOfOptions(true))),
    shb(false),
    idb(false, 276, 0, concat(option(false, 9, [0x94]), option(false, 14, Array.from(new Bytes(false).u64(10n).done())), endOfOptions(false))),
    epb(false, 0, (5n << 20n) + (1n << 19n), sll2Frame(0, 3, newlinkBE)),
    spb(false, sll2Frame(0, 3, donеBE)),
    block(false, 5, hex('00000000 00000000 00000000')), // Interface Statistics Block: skipped
    pb(false, 0, 3, 1n << 20n, sll2Frame(16, 4, donеBE)),
  );
}

describe('pcapng reader', () => {
  it('reads two sections of different byte orders, skipping unknown blocks', () => {
    const c = decodePcapng(twoSections(), 'two.pcapng');
    expect(c.format).toBe('pcapng');
    expect(c.fileByteOrder).toBe('LE');
    expect(c.linkType).toBe(253);
    expect(c.snaplen).toBe(262144);
    expect(c.pcapng!.sections.map((s) => s.byteOrder)).toEqual(['LE', 'BE']);
    expect(c.pcapng!.sections.map((s) => s.interfaces.map((i) => i.linkType))).toEqual([[253], [276]]);
    expect(c.pcapng!.sections[1]!.interfaces[0]!.tsresol).toEqual({ base: 2, exponent: 20 });
    expect(c.pcapng!.sections[1]!.interfaces[0]!.tsoffset).toBe(10n);
    expect(c.pcapng!.skippedBlocks.map((b) => [b.type, b.section])).toEqual([
      [0x12345678, 0],
      [4, 0],
      [5, 1],
    ]);
    expect(c.records.map((r) => [r.index, r.pcapng!.section, r.pcapng!.interfaceId, r.pcapng!.block])).toEqual([
      [0, 0, 0, 'epb'],
      [1, 0, 0, 'epb'],
      [2, 1, 0, 'epb'],
      [3, 1, 0, 'spb'],
      [4, 1, 0, 'pb'],
    ]);
    expect(c.records.map((r) => r.timestamp)).toEqual([
      { seconds: 1_600_000_000, nanoseconds: 123_456_000 },
      { seconds: 1_600_000_000, nanoseconds: 123_457_000 },
      { seconds: 15, nanoseconds: 500_000_000 }, // 5.5 s in 2^-20 units + if_tsoffset 10 s
      { seconds: 0, nanoseconds: 0 }, // SPB has no timestamp
      { seconds: 11, nanoseconds: 0 },
    ]);
    expect(c.records.map((r) => r.payload)).toEqual([reqLE, ackLE, newlinkBE, donеBE, donеBE]);
    expect(c.records.map((r) => r.ifindex)).toEqual([undefined, undefined, 3, 3, 4]);
    expect(c.records.map((r) => r.protocol)).toEqual([0, 0, 0, 0, 16]);
    expect(c.records.map((r) => payloadByteOrder(r))).toEqual(['LE', 'LE', 'BE', 'BE', 'BE']);
    expect(c.records[1]!.pcapng!.options).toEqual(concat(option(true, 2, [1, 0, 0, 0]), endOfOptions(true)));
    expect(c.records[4]!.pcapng!.dropsCount).toBe(3);
    expect(toHex(c.pcapng!.sections[0]!.options)).toBe(toHex(concat(option(true, 4, Array.from(Buffer.from('nlsim test'))), endOfOptions(true))));
  });

  it('re-writes it as SHB, IDB, packets per section: same records, and stable from then on', async () => {
    const c = decodePcapng(twoSections());
    const once = encodeCapture(c);
    const back = await decodeCapture(once);
    expect(back.records.map(coreFields)).toEqual(c.records.map(coreFields));
    expect(back.pcapng!.sections.map((s) => s.byteOrder)).toEqual(['LE', 'BE']);
    expect(back.pcapng!.skippedBlocks).toEqual([]);
    // The obsolete PB comes back as an EPB; the SPB stays one, since nothing is lost.
    expect(back.records.map((r) => r.pcapng!.block)).toEqual(['epb', 'epb', 'epb', 'spb', 'epb']);
    expect(encodeCapture(back)).toEqual(once);
  });

  it('a file in our writer shape is re-written byte for byte, sub-ns timestamps and explicit section length included', () => {
    // 10^-12 s units: finer than the model's nanoseconds, so the raw units must be kept.
    const sectionBody = concat(
      idb(false, 253, 65535, concat(option(false, 9, [12]), option(false, 2, Array.from(Buffer.from('nlmon0'))), endOfOptions(false))),
      epb(false, 0, 1_234_567_890_123_456_789n, nlmonFrame(0, newlinkBE), concat(option(false, 1, Array.from(Buffer.from('hi'))), endOfOptions(false))),
      spb(false, nlmonFrame(0, donеBE)),
    );
    const bytes = concat(shb(false, new Uint8Array(0), BigInt(sectionBody.length)), sectionBody, shb(true), idb(true, 113, 262144), epb(true, 0, 5n, nlmonFrame(16, reqLE)));
    const c = decodePcapng(bytes);
    expect(c.records[0]!.timestamp).toEqual({ seconds: 1_234_567, nanoseconds: 890_123_456 });
    expect(c.pcapng!.sections[0]!.sectionLength).toBe(BigInt(sectionBody.length));
    expect(encodeCapture(c)).toEqual(bytes);
    // Once the timestamp is edited, the kept raw units no longer apply.
    c.records[0]!.timestamp = { seconds: 1, nanoseconds: 2 };
    const edited = decodePcapng(encodeCapture(c));
    expect(edited.records[0]!.timestamp).toEqual({ seconds: 1, nanoseconds: 2 });
    expect(edited.records[0]!.pcapng!.timestampUnits).toBe(1_000_000_002_000n);
  });

  it('an SPB payload is cut to the interface snaplen', () => {
    const frame = nlmonFrame(0, newlinkBE); // 16 + 32 bytes
    const c = decodePcapng(concat(shb(true), idb(true, 253, 40), spb(true, frame.subarray(0, 40), frame.length)));
    expect(c.records[0]!.payload).toEqual(newlinkBE.subarray(0, 24));
    expect(c.records[0]!.originalLength).toBe(32);
    expect(payloadByteOrder(c.records[0]!)).toBe('BE');
  });

  it('a section without packets and a capture with no interface at all still read', () => {
    const c = decodePcapng(concat(shb(true), shb(false), idb(false, 253, 100)));
    expect(c.records).toEqual([]);
    expect(c.pcapng!.sections).toHaveLength(2);
    expect(c.linkType).toBe(253);
    expect(c.snaplen).toBe(100);
    expect(encodeCapture(c)).toEqual(concat(shb(true), shb(false), idb(false, 253, 100)));
  });

  /** Offsets in twoSections(): SHB at 0. */
  const damaged: [string, () => Uint8Array, string, number][] = [
    [
      'a block before any SHB',
      () => idb(true, 253, 0),
      'pcapng file does not start with a Section Header Block (type 0x00000001)',
      0,
    ],
    [
      'a bad byte-order magic',
      () => {
        const b = shb(true);
        b[8] = 0x4e;
        return b;
      },
      'pcapng Section Header Block has a bad byte-order magic 0x1a2b3c4e',
      8,
    ],
    [
      'a trailing length that differs',
      () => {
        const b = concat(shb(true), idb(true, 253, 0));
        b[b.length - 4] = 24;
        return b;
      },
      'pcapng block type 0x00000001: trailing total length 24 differs from leading 20',
      44,
    ],
    ['a total length not a multiple of 4', () => concat(shb(true), hex('01000000 15000000 00000000')), 'pcapng block type 0x00000001 has invalid total length 21', 28],
    ['a total length below 12', () => concat(shb(true), hex('01000000 08000000 08000000')), 'pcapng block type 0x00000001 has invalid total length 8', 28],
    [
      'a total length beyond the file',
      () => concat(shb(true), hex('01000000 00010000 00000000')),
      'pcapng block type 0x00000001 truncated: total length 256 but the file ends after 12 bytes',
      28,
    ],
    ['pcapng 2.0', () => block(true, 0x0a0d0d0a, hex('4d3c2b1a 0200 0000 ffffffffffffffff')), 'unsupported pcapng version 2.0 (only 1.x)', 12],
    [
      'an EPB on an undefined interface',
      () => concat(shb(true), idb(true, 253, 0), epb(true, 1, 0n, nlmonFrame(0, reqLE))),
      'record 0: interface 1 is not defined in section 0',
      48,
    ],
    [
      'an EPB whose captured length runs past its block',
      () => {
        const b = concat(shb(true), idb(true, 253, 0), epb(true, 0, 0n, nlmonFrame(0, reqLE)));
        new DataView(b.buffer).setUint32(48 + 20, 100, true);
        new DataView(b.buffer).setUint32(48 + 24, 100, true);
        return b;
      },
      'record 0: captured length 100 runs past the end of its 68-byte block',
      48,
    ],
    [
      'an option that runs past its block',
      () => concat(shb(true), idb(true, 253, 0, hex('0900 0800 06000000'))),
      'pcapng option 9 (length 8) runs past the end of its block',
      44,
    ],
    ['if_tsresol of length 2', () => concat(shb(true), idb(true, 253, 0, option(true, 9, [6, 0]))), 'pcapng if_tsresol has length 2, not 1', 28],
    [
      'a packet on an Ethernet interface',
      () => concat(shb(true), idb(true, 253, 0), idb(true, 1, 0), epb(true, 1, 0n, new Uint8Array(60))),
      'record 0: link type 1 (ETHERNET) is not netlink',
      68,
    ],
    ['only an Ethernet interface', () => concat(shb(true), idb(true, 1, 0)), 'link type 1 (ETHERNET) is not netlink', 28],
    [
      'an SLL2 header that is not ARPHRD_NETLINK',
      () => {
        const frame = sll2Frame(0, 1, reqLE);
        frame[8] = 0;
        frame[9] = 1; // ARPHRD_ETHER
        return concat(shb(true), idb(true, 276, 0), epb(true, 0, 0n, frame));
      },
      'record 0: link type 276 (LINUX_SLL2) header has ARPHRD 1, not ARPHRD_NETLINK (824): not a netlink packet',
      48,
    ],
  ];
  it.each(damaged)('refuses %s with a DecodeError at its offset', (_name, build, message, offset) => {
    let err: unknown;
    try {
      decodePcapng(build(), 'bad.pcapng');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).message).toContain(message);
    expect((err as DecodeError).message).toMatch(/^bad\.pcapng: /);
    expect((err as DecodeError).offset).toBe(offset);
  });

  it('cut at every offset: DecodeError at the start of the cut block, or a valid prefix', async () => {
    const bytes = twoSections();
    const full = decodePcapng(bytes);
    const starts = [
      ...full.pcapng!.sections.flatMap((s) => [s.fileOffset, ...s.interfaces.map((i) => i.fileOffset)]),
      ...full.pcapng!.skippedBlocks.map((b) => b.fileOffset),
      ...full.records.map((r) => r.fileOffset),
    ].sort((a, b) => a - b);
    for (let cut = 0; cut < bytes.length; cut++) {
      const result: Capture | unknown = await decodeCapture(bytes.subarray(0, cut), 'cut.pcapng').catch((e: unknown) => e);
      if (cut > 0 && starts.includes(cut)) {
        expect(result, `cut at ${cut}`).not.toBeInstanceOf(Error);
        const kept = full.records.filter((r) => r.fileOffset < cut);
        expect((result as Capture).records.map(coreFields)).toEqual(kept.map(coreFields));
      } else {
        expect(result, `cut at ${cut}`).toBeInstanceOf(DecodeError);
        expect((result as DecodeError).offset, `cut at ${cut}`).toBe(starts.filter((s) => s < cut).at(-1) ?? 0);
      }
    }
  });
});

describe('pcapng timestamps', () => {
  it.each([
    [6, 1_600_000_000_123_456n, { seconds: 1_600_000_000, nanoseconds: 123_456_000 }],
    [9, 1_600_000_000_123_456_789n, { seconds: 1_600_000_000, nanoseconds: 123_456_789 }],
    [0, 42n, { seconds: 42, nanoseconds: 0 }],
    [3, 1_500n, { seconds: 1, nanoseconds: 500_000_000 }],
    [0x80 | 10, (3n << 10n) + 256n, { seconds: 3, nanoseconds: 250_000_000 }],
    [0x80 | 30, 1n, { seconds: 0, nanoseconds: 0 }], // 0.93 ns rounds down
    [0x80 | 30, 3n, { seconds: 0, nanoseconds: 2 }], // 2.79 ns
  ])('if_tsresol byte %d: %s units', (byte, units, ts) => {
    const r = tsresolFromByte(byte);
    expect(unitsToTimestamp(units, r)).toEqual(ts);
    // Writing the decoded timestamp gives the units back wherever the resolution allows.
    const iface = { linkType: 253, snaplen: 0, options: new Uint8Array(0), tsresol: r, tsoffset: 0n, reserved: 0, fileOffset: 0 };
    const record = createCapture([{ payload: new Uint8Array(0), protocol: 0, timestamp: ts }]).records[0]!;
    const back = timestampToUnits(record, iface);
    expect(unitsToTimestamp(back, r)).toEqual(ts);
    if (r.base === 10 ? r.exponent <= 9 : r.exponent < 30) expect(back).toBe(units);
  });

  it('new interfaces use nanoseconds (if_tsresol 9)', () => {
    const c = createCapture([{ payload: reqLE, protocol: 0, timestamp: { seconds: 1, nanoseconds: 2 } }], { fileByteOrder: 'BE' });
    const bytes = encodePcapng(c);
    expect(toHex(bytes.subarray(0, 60))).toBe(
      toHex(
        hex(`
          0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffff ffffffff 0000001c  # SHB, BE, version 1.0, length unspecified
          00000001 00000020 00fd 0000 00040000                             # IDB: LINKTYPE_NETLINK, snaplen 262144
          0009 0001 09000000 0000 0000                                     # if_tsresol 9, opt_endofopt
          00000020                                                         # IDB trailing length
        `),
      ),
    );
    // EPB: 12 + 20 fixed bytes + 36 frame bytes; 1 s 2 ns = 1000000002 units.
    expect(toHex(bytes.subarray(60, 80))).toBe(toHex(hex('00000006 00000044 00000000 00000000 3b9aca02')));
  });
});
