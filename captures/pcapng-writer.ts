/**
 * pcapng writing. A capture read from pcapng is written back with its own sections,
 * interfaces and options (raw, in each section's byte order), which makes read → write
 * byte-identical for files of our writer's shape: per section an SHB, its IDBs, then its
 * packets. Other captures get one section and one interface with nanosecond timestamps
 * (if_tsresol 9), so no timestamp loses digits.
 */
import { NlsimError } from '../sim/errors.js';
import type { ByteOrder, Capture, CaptureRecord, PcapngInterface, PcapngLayout, PcapngTsResolution } from './capture.js';
import { encodeLinkHeader, isNetlinkLinkType, linkHeaderLength, linkTypeName } from './nlmon.js';
import {
  pad4,
  PCAPNG_BLOCK,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_OPTION,
  tsresolToByte,
  unitsPerSecond,
  unitsToTimestamp,
} from './pcapng-reader.js';

/** PcapngWriteOptions tune encodePcapng. */
export interface PcapngWriteOptions {
  /**
   * Byte order of the section nlsim creates for a capture that was not read from pcapng.
   * Defaults to the capture's fileByteOrder. Kept sections keep their own order.
   */
  byteOrder?: ByteOrder;
}

/** PCAPNG_WRITER_TSRESOL is the resolution of interfaces nlsim creates: nanoseconds. */
export const PCAPNG_WRITER_TSRESOL: PcapngTsResolution = { base: 10, exponent: 9 };

function invalid(message: string): NlsimError {
  return new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', message);
}

/** optionsArea encodes options followed by opt_endofopt, each value padded to 4 bytes. */
function optionsArea(options: { code: number; value: Uint8Array }[], le: boolean): Uint8Array {
  let n = 4;
  for (const o of options) n += 4 + pad4(o.value.length);
  const out = new Uint8Array(n);
  const v = new DataView(out.buffer);
  let off = 0;
  for (const o of options) {
    v.setUint16(off, o.code, le);
    v.setUint16(off + 2, o.value.length, le);
    out.set(o.value, off + 4);
    off += 4 + pad4(o.value.length);
  }
  return out; // the last four zero bytes are opt_endofopt
}

/** defaultLayout is the one-section, one-interface layout for a capture not read from pcapng. */
function defaultLayout(capture: Capture, byteOrder: ByteOrder): PcapngLayout {
  const le = byteOrder === 'LE';
  const iface: PcapngInterface = {
    linkType: capture.linkType,
    snaplen: capture.snaplen,
    reserved: 0,
    options: optionsArea([{ code: PCAPNG_OPTION.if_tsresol, value: Uint8Array.of(tsresolToByte(PCAPNG_WRITER_TSRESOL)) }], le),
    tsresol: PCAPNG_WRITER_TSRESOL,
    tsoffset: 0n,
    fileOffset: 0,
  };
  return {
    sections: [{ byteOrder, versionMajor: 1, versionMinor: 0, sectionLength: -1n, options: new Uint8Array(0), interfaces: [iface], fileOffset: 0 }],
    skippedBlocks: [],
  };
}

/**
 * timestampToUnits converts a timestamp to interface units. Where the exact inverse of the
 * reader's rounding exists it is used, so read timestamps come back unchanged; otherwise
 * digits below the resolution are dropped.
 */
export function timestampToUnits(r: CaptureRecord, iface: PcapngInterface): bigint {
  const { seconds, nanoseconds } = r.timestamp;
  if (!Number.isInteger(seconds) || !Number.isInteger(nanoseconds) || nanoseconds < 0 || nanoseconds >= 1e9) {
    throw invalid(`record ${r.index}: timestamp ${seconds}s ${nanoseconds}ns is not representable in pcapng`);
  }
  const per = unitsPerSecond(iface.tsresol);
  const whole = (BigInt(seconds) - iface.tsoffset) * per;
  const scaled = BigInt(nanoseconds) * per;
  const ceil = (scaled + 999_999_999n) / 1_000_000_000n;
  const back = unitsToTimestamp(ceil, iface.tsresol);
  const frac = back.seconds === 0 && back.nanoseconds === nanoseconds ? ceil : scaled / 1_000_000_000n;
  const units = whole + frac;
  if (units < 0n || units >= 1n << 64n) throw invalid(`record ${r.index}: timestamp ${seconds}s does not fit pcapng's 64-bit field`);
  return units;
}

/** A record placed in the layout, with what its block needs. */
interface Placed {
  record: CaptureRecord;
  iface: PcapngInterface;
  interfaceId: number;
  caplen: number;
  spb: boolean;
  units: bigint;
  options: Uint8Array;
  size: number;
}

/**
 * encodePcapng writes `capture` as a pcapng file image. Records of a capture read from pcapng
 * go to their section and interface; records from elsewhere to interface 0 of one section.
 * A record that came from a Simple Packet Block is written as one while that loses nothing;
 * everything else becomes an Enhanced Packet Block (the obsolete Packet Block is never
 * written). Skipped blocks are not reproduced. Throws NlsimError for records that reference
 * a missing section or interface, are out of section order, or cannot be represented.
 */
export function encodePcapng(capture: Capture, options: PcapngWriteOptions = {}): Uint8Array {
  const own = capture.pcapng !== undefined;
  const layout = capture.pcapng ?? defaultLayout(capture, options.byteOrder ?? capture.fileByteOrder);
  const perSection: Placed[][] = layout.sections.map(() => []);
  let lastSection = 0;
  for (const r of capture.records) {
    const s = own ? (r.pcapng?.section ?? 0) : 0;
    const interfaceId = own ? (r.pcapng?.interfaceId ?? 0) : 0;
    const section = layout.sections[s];
    if (!section) throw invalid(`record ${r.index}: section ${s} does not exist`);
    if (s < lastSection) throw invalid(`record ${r.index}: section ${s} comes after section ${lastSection}`);
    lastSection = s;
    const iface = section.interfaces[interfaceId];
    if (!iface) throw invalid(`record ${r.index}: interface ${interfaceId} does not exist in section ${s}`);
    perSection[s]!.push(place(r, iface, interfaceId, own));
  }

  let total = 0;
  const sectionSizes = layout.sections.map((section, i) => {
    let n = 28 + section.options.length;
    for (const iface of section.interfaces) n += 20 + iface.options.length;
    for (const p of perSection[i]!) n += p.size;
    total += n;
    return n;
  });
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  let off = 0;
  layout.sections.forEach((section, i) => {
    const le = section.byteOrder === 'LE';
    const begin = (type: number, len: number): void => {
      v.setUint32(off, type, le);
      v.setUint32(off + 4, len, le);
      v.setUint32(off + len - 4, len, le);
    };
    // SHB
    let len = 28 + section.options.length;
    begin(PCAPNG_BLOCK.SHB, len);
    v.setUint32(off + 8, PCAPNG_BYTE_ORDER_MAGIC, le);
    v.setUint16(off + 12, section.versionMajor, le);
    v.setUint16(off + 14, section.versionMinor, le);
    // An explicit section length must describe what we write, not what was read.
    v.setBigInt64(off + 16, section.sectionLength < 0n ? -1n : BigInt(sectionSizes[i]! - len), le);
    out.set(section.options, off + 24);
    off += len;
    // IDBs
    for (const iface of section.interfaces) {
      if (iface.options.length % 4 !== 0) throw invalid(`interface options area of ${iface.options.length} bytes is not 32-bit aligned`);
      len = 20 + iface.options.length;
      begin(PCAPNG_BLOCK.IDB, len);
      v.setUint16(off + 8, iface.linkType, le);
      v.setUint16(off + 10, iface.reserved, le);
      v.setUint32(off + 12, iface.snaplen >>> 0, le);
      out.set(iface.options, off + 16);
      off += len;
    }
    // Packets
    for (const p of perSection[i]!) {
      begin(p.spb ? PCAPNG_BLOCK.SPB : PCAPNG_BLOCK.EPB, p.size);
      const hl = linkHeaderLength(p.iface.linkType);
      let dataAt: number;
      if (p.spb) {
        v.setUint32(off + 8, hl + p.record.originalLength, le);
        dataAt = off + 12;
      } else {
        v.setUint32(off + 8, p.interfaceId, le);
        v.setUint32(off + 12, Number(p.units >> 32n), le);
        v.setUint32(off + 16, Number(p.units & 0xffffffffn), le);
        v.setUint32(off + 20, p.caplen, le);
        v.setUint32(off + 24, hl + p.record.originalLength, le);
        dataAt = off + 28;
      }
      encodeLinkHeader(p.iface.linkType, p.record, out, dataAt);
      out.set(p.record.payload, dataAt + hl);
      out.set(p.options, dataAt + pad4(p.caplen));
      off += p.size;
    }
  });
  return out;
}

/** place works out a record's block: type, timestamp units, options and size. */
function place(r: CaptureRecord, iface: PcapngInterface, interfaceId: number, own: boolean): Placed {
  if (!isNetlinkLinkType(iface.linkType)) throw invalid(`record ${r.index}: cannot write link type ${linkTypeName(iface.linkType)}: not netlink`);
  const hl = linkHeaderLength(iface.linkType);
  const caplen = hl + r.payload.length;
  if (!Number.isInteger(r.originalLength) || r.originalLength < r.payload.length || hl + r.originalLength > 0xffffffff) {
    throw invalid(`record ${r.index}: originalLength ${r.originalLength} must be an integer ≥ payload length ${r.payload.length}`);
  }
  const info = own ? r.pcapng : undefined;
  // An SPB has no timestamp, interface id, options or captured length: write one only when
  // the reader will derive the same record from it.
  const origlen = hl + r.originalLength;
  const spbCaplen = Math.min(origlen, iface.snaplen === 0 ? Infinity : iface.snaplen, pad4(caplen));
  const spb =
    info?.block === 'spb' &&
    interfaceId === 0 &&
    r.timestamp.seconds === 0 &&
    r.timestamp.nanoseconds === 0 &&
    spbCaplen === caplen;
  if (spb) return { record: r, iface, interfaceId, caplen, spb, units: 0n, options: new Uint8Array(0), size: 16 + pad4(caplen) };
  let units: bigint;
  const kept = info?.timestampUnits;
  if (kept !== undefined && sameTimestamp(kept, iface, r)) {
    // Resolutions finer than a nanosecond lose digits in the model; the kept raw value does not.
    units = kept;
  } else {
    units = timestampToUnits(r, iface);
  }
  const options = info?.options ?? new Uint8Array(0);
  if (options.length % 4 !== 0) throw invalid(`record ${r.index}: options area of ${options.length} bytes is not 32-bit aligned`);
  return { record: r, iface, interfaceId, caplen, spb: false, units, options, size: 32 + pad4(caplen) + options.length };
}

function sameTimestamp(units: bigint, iface: PcapngInterface, r: CaptureRecord): boolean {
  const t = unitsToTimestamp(units, iface.tsresol, iface.tsoffset);
  return t.seconds === r.timestamp.seconds && t.nanoseconds === r.timestamp.nanoseconds;
}
