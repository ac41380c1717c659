/**
 * pcapng reading (draft-ietf-opsawg-pcapng). A file is a run of sections, each opened by a
 * Section Header Block that sets the byte order of everything up to the next one, and whose
 * interfaces are numbered from 0 afresh. Packets come in Enhanced, Simple or the obsolete
 * Packet Blocks; every other block type is skipped and listed, so nothing goes unnoticed.
 *
 * Every block is checked before it is used: length a multiple of 4, at least 12, inside the
 * file, and repeated at the block's end. Any failure is a DecodeError naming the offset.
 */
import { DecodeError } from '../sim/errors.js';
import type {
  ByteOrder,
  Capture,
  CaptureRecord,
  CaptureTimestamp,
  PcapngInterface,
  PcapngLayout,
  PcapngSection,
  PcapngTsResolution,
} from './capture.js';
import { frameToRecord, isNetlinkLinkType, linkTypeName, LINKTYPE_NETLINK } from './nlmon.js';

/** PCAPNG_SHB_TYPE is the Section Header Block type; a palindrome, so it reads the same in both orders. */
export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;
/** PCAPNG_BYTE_ORDER_MAGIC is the SHB field that reveals the section's byte order. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** PCAPNG_BLOCK lists the block types this module reads or writes. */
export const PCAPNG_BLOCK = {
  IDB: 0x00000001,
  PB: 0x00000002,
  SPB: 0x00000003,
  EPB: 0x00000006,
  SHB: PCAPNG_SHB_TYPE,
} as const;
/** PCAPNG_OPTION lists the option codes this module interprets. */
export const PCAPNG_OPTION = {
  opt_endofopt: 0,
  if_tsresol: 9,
  if_tsoffset: 14,
} as const;
/** PCAPNG_DEFAULT_TSRESOL is the resolution of an interface without if_tsresol: microseconds. */
export const PCAPNG_DEFAULT_TSRESOL: PcapngTsResolution = { base: 10, exponent: 6 };

/** pad4 rounds up to the 32-bit boundary every pcapng field ends on. */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** unitsPerSecond is the number of timestamp units in one second at a resolution. */
export function unitsPerSecond(r: PcapngTsResolution): bigint {
  return BigInt(r.base) ** BigInt(r.exponent);
}

/** tsresolFromByte decodes the if_tsresol byte: MSB clear → 10^-n, MSB set → 2^-n. */
export function tsresolFromByte(b: number): PcapngTsResolution {
  return b & 0x80 ? { base: 2, exponent: b & 0x7f } : { base: 10, exponent: b };
}

/** tsresolToByte encodes a resolution as the if_tsresol byte. */
export function tsresolToByte(r: PcapngTsResolution): number {
  return r.base === 2 ? 0x80 | r.exponent : r.exponent;
}

const NS_PER_SECOND = 1_000_000_000n;

/**
 * unitsToTimestamp converts a raw timestamp to seconds and nanoseconds, rounding down below
 * a nanosecond. `tsoffset` (if_tsoffset) is added to the seconds.
 */
export function unitsToTimestamp(units: bigint, r: PcapngTsResolution, tsoffset = 0n): CaptureTimestamp {
  const per = unitsPerSecond(r);
  return {
    seconds: Number(units / per + tsoffset),
    nanoseconds: Number(((units % per) * NS_PER_SECOND) / per),
  };
}

/** PcapngOption is one option as found in an options area. */
export interface PcapngOption {
  code: number;
  value: Uint8Array;
}

/**
 * parseOptions splits an options area. It stops at opt_endofopt; an option running past the
 * area is a DecodeError at its offset. `base` is the area's offset in the file, for messages.
 */
export function parseOptions(area: Uint8Array, le: boolean, base: number, file?: string): PcapngOption[] {
  const v = new DataView(area.buffer, area.byteOffset, area.byteLength);
  const out: PcapngOption[] = [];
  let off = 0;
  while (off + 4 <= area.length) {
    const code = v.getUint16(off, le);
    const len = v.getUint16(off + 2, le);
    if (code === PCAPNG_OPTION.opt_endofopt) return out;
    if (off + 4 + len > area.length) {
      throw new DecodeError(`pcapng option ${code} (length ${len}) runs past the end of its block`, base + off, file);
    }
    out.push({ code, value: area.subarray(off + 4, off + 4 + len) });
    off += 4 + pad4(len);
  }
  if (off !== area.length) {
    throw new DecodeError(`pcapng options area has ${area.length - off} stray bytes`, base + off, file);
  }
  return out;
}

/** Reader state for one file. */
interface Cursor {
  bytes: Uint8Array;
  view: DataView;
  file: string | undefined;
}

/**
 * decodePcapng parses a pcapng file image. Record payloads are views into `bytes`.
 * Throws DecodeError for anything malformed or for a packet on a non-netlink interface.
 */
export function decodePcapng(bytes: Uint8Array, file?: string): Capture {
  const c: Cursor = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), file };
  const layout: PcapngLayout = { sections: [], skippedBlocks: [] };
  const records: CaptureRecord[] = [];
  let section: PcapngSection | undefined;
  let off = 0;
  while (off < bytes.length) {
    if (bytes.length - off < 12) {
      throw new DecodeError(`pcapng block truncated: file ends after ${bytes.length - off} of at least 12 bytes`, off, file);
    }
    const type0 = c.view.getUint32(off, true);
    if (type0 === PCAPNG_SHB_TYPE) {
      section = readSectionHeader(c, off);
      layout.sections.push(section);
      off += blockLength(c, off, section.byteOrder === 'LE');
      continue;
    }
    if (!section) {
      throw new DecodeError(`pcapng file does not start with a Section Header Block (type 0x${hex32(type0)})`, off, file);
    }
    const le = section.byteOrder === 'LE';
    const type = c.view.getUint32(off, le);
    const len = blockLength(c, off, le);
    const sectionIndex = layout.sections.length - 1;
    switch (type) {
      case PCAPNG_BLOCK.IDB:
        section.interfaces.push(readInterface(c, off, len, le));
        break;
      case PCAPNG_BLOCK.EPB:
      case PCAPNG_BLOCK.PB:
      case PCAPNG_BLOCK.SPB:
        records.push(readPacket(c, off, len, le, type, section, sectionIndex, records.length));
        break;
      default:
        layout.skippedBlocks.push({ type, section: sectionIndex, fileOffset: off, length: len });
    }
    off += len;
  }
  if (!section) throw new DecodeError('empty pcapng file: no Section Header Block', 0, file);

  const interfaces = layout.sections.flatMap((s) => s.interfaces);
  const main = interfaces.find((i) => isNetlinkLinkType(i.linkType)) ?? interfaces[0];
  // As for pcap: a file with only foreign interfaces is refused even without packets to fail on.
  if (main && !isNetlinkLinkType(main.linkType)) {
    throw new DecodeError(`link type ${linkTypeName(main.linkType)} is not netlink`, main.fileOffset, file);
  }
  const first = layout.sections[0]!;
  const capture: Capture = {
    format: 'pcapng',
    linkType: main?.linkType ?? LINKTYPE_NETLINK,
    snaplen: main?.snaplen ?? 0,
    fileByteOrder: first.byteOrder,
    records,
    pcapng: layout,
  };
  if (file !== undefined) capture.file = file;
  return capture;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * blockLength reads and checks a block's total length at `off`: a multiple of 4, at least 12,
 * within the file, and equal to the copy in the block's last four bytes.
 */
function blockLength(c: Cursor, off: number, le: boolean): number {
  const len = c.view.getUint32(off + 4, le);
  const type = c.view.getUint32(off, le);
  const what = `pcapng block type 0x${hex32(type)}`;
  if (len < 12 || len % 4 !== 0) {
    throw new DecodeError(`${what} has invalid total length ${len} (must be a multiple of 4, at least 12)`, off, c.file);
  }
  if (len > c.bytes.length - off) {
    throw new DecodeError(`${what} truncated: total length ${len} but the file ends after ${c.bytes.length - off} bytes`, off, c.file);
  }
  const trailing = c.view.getUint32(off + len - 4, le);
  if (trailing !== len) {
    throw new DecodeError(`${what}: trailing total length ${trailing} differs from leading ${len}`, off + len - 4, c.file);
  }
  return len;
}

/** readSectionHeader reads an SHB; its byte-order magic decides the order of the section. */
function readSectionHeader(c: Cursor, off: number): PcapngSection {
  const magicLE = c.view.getUint32(off + 8, true);
  let byteOrder: ByteOrder;
  if (magicLE === PCAPNG_BYTE_ORDER_MAGIC) byteOrder = 'LE';
  else if (c.view.getUint32(off + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) byteOrder = 'BE';
  else throw new DecodeError(`pcapng Section Header Block has a bad byte-order magic 0x${hex32(magicLE)}`, off + 8, c.file);
  const le = byteOrder === 'LE';
  const len = blockLength(c, off, le);
  if (len < 28) throw new DecodeError(`pcapng Section Header Block too short (${len} bytes, at least 28)`, off, c.file);
  const versionMajor = c.view.getUint16(off + 12, le);
  const versionMinor = c.view.getUint16(off + 14, le);
  // A new major version means a layout this reader cannot know, so it must stop here.
  if (versionMajor !== 1) {
    throw new DecodeError(`unsupported pcapng version ${versionMajor}.${versionMinor} (only 1.x)`, off + 12, c.file);
  }
  const options = c.bytes.subarray(off + 24, off + len - 4);
  parseOptions(options, le, off + 24, c.file);
  return {
    byteOrder,
    versionMajor,
    versionMinor,
    sectionLength: c.view.getBigInt64(off + 16, le),
    options,
    interfaces: [],
    fileOffset: off,
  };
}

/** readInterface reads an IDB and its if_tsresol and if_tsoffset options. */
function readInterface(c: Cursor, off: number, len: number, le: boolean): PcapngInterface {
  if (len < 20) throw new DecodeError(`pcapng Interface Description Block too short (${len} bytes, at least 20)`, off, c.file);
  const options = c.bytes.subarray(off + 16, off + len - 4);
  const iface: PcapngInterface = {
    linkType: c.view.getUint16(off + 8, le),
    reserved: c.view.getUint16(off + 10, le),
    snaplen: c.view.getUint32(off + 12, le),
    options,
    tsresol: PCAPNG_DEFAULT_TSRESOL,
    tsoffset: 0n,
    fileOffset: off,
  };
  for (const o of parseOptions(options, le, off + 16, c.file)) {
    if (o.code === PCAPNG_OPTION.if_tsresol) {
      if (o.value.length !== 1) throw new DecodeError(`pcapng if_tsresol has length ${o.value.length}, not 1`, off, c.file);
      iface.tsresol = tsresolFromByte(o.value[0]!);
    } else if (o.code === PCAPNG_OPTION.if_tsoffset) {
      if (o.value.length !== 8) throw new DecodeError(`pcapng if_tsoffset has length ${o.value.length}, not 8`, off, c.file);
      iface.tsoffset = new DataView(o.value.buffer, o.value.byteOffset, 8).getBigInt64(0, le);
    }
  }
  return iface;
}

/** readPacket reads an EPB, SPB or PB into a record. */
function readPacket(
  c: Cursor,
  off: number,
  len: number,
  le: boolean,
  type: number,
  section: PcapngSection,
  sectionIndex: number,
  index: number,
): CaptureRecord {
  const v = c.view;
  const end = off + len - 4; // start of the trailing length
  const prefix = `record ${index}: `;
  let interfaceId: number, caplen: number, origlen: number, dataAt: number;
  let units: bigint | undefined;
  let dropsCount: number | undefined;
  let block: 'epb' | 'spb' | 'pb';
  if (type === PCAPNG_BLOCK.SPB) {
    block = 'spb';
    if (len < 16) throw new DecodeError(`${prefix}pcapng Simple Packet Block too short (${len} bytes)`, off, c.file);
    interfaceId = 0;
    origlen = v.getUint32(off + 8, le);
    dataAt = off + 12;
    // SPB stores no captured length: it is the original length cut by the snaplen, within
    // the room the block has.
    const snaplen = section.interfaces[0]?.snaplen ?? 0;
    caplen = Math.min(origlen, snaplen === 0 ? Infinity : snaplen, end - dataAt);
  } else {
    block = type === PCAPNG_BLOCK.EPB ? 'epb' : 'pb';
    if (len < 32) throw new DecodeError(`${prefix}pcapng ${block.toUpperCase()} too short (${len} bytes)`, off, c.file);
    if (block === 'epb') {
      interfaceId = v.getUint32(off + 8, le);
    } else {
      interfaceId = v.getUint16(off + 8, le);
      dropsCount = v.getUint16(off + 10, le);
    }
    units = (BigInt(v.getUint32(off + 12, le)) << 32n) | BigInt(v.getUint32(off + 16, le));
    caplen = v.getUint32(off + 20, le);
    origlen = v.getUint32(off + 24, le);
    dataAt = off + 28;
    if (pad4(caplen) > end - dataAt) {
      throw new DecodeError(`${prefix}captured length ${caplen} runs past the end of its ${len}-byte block`, off, c.file);
    }
  }
  const iface = section.interfaces[interfaceId];
  if (!iface) {
    throw new DecodeError(`${prefix}interface ${interfaceId} is not defined in section ${sectionIndex}`, off, c.file);
  }
  const record = frameToRecord(iface.linkType, c.bytes.subarray(dataAt, dataAt + caplen), {
    index,
    fileOffset: off,
    timestamp: units === undefined ? { seconds: 0, nanoseconds: 0 } : unitsToTimestamp(units, iface.tsresol, iface.tsoffset),
    originalFrameLength: origlen,
    file: c.file,
  });
  record.pcapng = { section: sectionIndex, interfaceId, block };
  if (units !== undefined) record.pcapng.timestampUnits = units;
  if (dropsCount !== undefined) record.pcapng.dropsCount = dropsCount;
  if (block !== 'spb') {
    const options = c.bytes.subarray(dataAt + pad4(caplen), end);
    parseOptions(options, le, dataAt + pad4(caplen), c.file);
    if (options.length > 0) record.pcapng.options = options;
  }
  return record;
}
