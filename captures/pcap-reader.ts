/**
 * Classic pcap reading. Microsecond files go through the `pcap-parser` package, as the project
 * asked; nanosecond files (magic a1b23c4d), which that package refuses, through our own loop.
 *
 * pcap-parser is stream based and trusts its input: it stops silently when a file ends inside a
 * record, never checks a captured length, and only reports an unknown magic. So this module
 * checks the file header itself, counts the bytes the parser consumes, and turns every way the
 * parse can fall short into a DecodeError naming the record and its offset.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { EventEmitter } from 'node:events';
import { DecodeError } from '../sim/errors.js';
import type { ByteOrder, Capture, CaptureRecord, PcapHeaderInfo } from './capture.js';
import { frameToRecord, isNetlinkLinkType, linkTypeName } from './nlmon.js';

/** PCAP_MAGIC is the magic number of microsecond pcap files. */
export const PCAP_MAGIC = 0xa1b2c3d4;
/** PCAP_NS_MAGIC is the magic number of nanosecond pcap files. */
export const PCAP_NS_MAGIC = 0xa1b23c4d;
/** PCAP_FILE_HEADER_LEN is the size of the pcap file header. */
export const PCAP_FILE_HEADER_LEN = 24;
/** PCAP_RECORD_HEADER_LEN is the size of a pcap record header. */
export const PCAP_RECORD_HEADER_LEN = 16;
/**
 * PCAP_MAX_PLAUSIBLE_CAPLEN is the largest captured length accepted whatever the snaplen
 * says: libpcap's MAXIMUM_SNAPLEN. Like libpcap, a record above max(snaplen, this) is taken
 * for a damaged file rather than an allocation to attempt.
 */
export const PCAP_MAX_PLAUSIBLE_CAPLEN = 262144;

/** PcapFileHeader is the decoded pcap file header. */
export interface PcapFileHeader {
  nanoseconds: boolean;
  byteOrder: ByteOrder;
  info: PcapHeaderInfo;
  snaplen: number;
  linkType: number;
}

/** decodePcapFileHeader reads and checks the 24-byte file header. */
export function decodePcapFileHeader(bytes: Uint8Array, file?: string): PcapFileHeader {
  if (bytes.length < 4) throw new DecodeError(`pcap magic number truncated: file has ${bytes.length} bytes`, 0, file);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const be = v.getUint32(0, false);
  const le = v.getUint32(0, true);
  let nanoseconds: boolean;
  let byteOrder: ByteOrder;
  if (be === PCAP_MAGIC || be === PCAP_NS_MAGIC) {
    byteOrder = 'BE';
    nanoseconds = be === PCAP_NS_MAGIC;
  } else if (le === PCAP_MAGIC || le === PCAP_NS_MAGIC) {
    byteOrder = 'LE';
    nanoseconds = le === PCAP_NS_MAGIC;
  } else {
    throw new DecodeError(`not a pcap file: magic 0x${be.toString(16).padStart(8, '0')}`, 0, file);
  }
  if (bytes.length < PCAP_FILE_HEADER_LEN) {
    throw new DecodeError(`pcap file header truncated: file ends after ${bytes.length} of ${PCAP_FILE_HEADER_LEN} bytes`, 0, file);
  }
  const isLE = byteOrder === 'LE';
  const info: PcapHeaderInfo = {
    versionMajor: v.getUint16(4, isLE),
    versionMinor: v.getUint16(6, isLE),
    thiszone: v.getInt32(8, isLE),
    sigfigs: v.getUint32(12, isLE),
    linkTypeField: v.getUint32(20, isLE),
  };
  // libpcap reads every 2.x file; a different major version is a different format.
  if (info.versionMajor !== 2) {
    throw new DecodeError(`unsupported pcap version ${info.versionMajor}.${info.versionMinor} (only 2.x)`, 4, file);
  }
  return {
    nanoseconds,
    byteOrder,
    info,
    snaplen: v.getUint32(16, isLE),
    // The upper bits of the field carry FCS information, not the link type.
    linkType: info.linkTypeField & 0xffff,
  };
}

/** RawPcapRecord is a pcap record before its link-layer header is decoded. */
interface RawPcapRecord {
  offset: number;
  seconds: number;
  fraction: number;
  caplen: number;
  origlen: number;
  frame: Uint8Array;
}

/**
 * decodePcap parses a pcap or nanosecond pcap file image. Microsecond files are parsed by
 * pcap-parser, nanosecond ones by readPcapRecords. Rejects with DecodeError for a truncated or
 * damaged file or a link type other than the netlink ones.
 */
export async function decodePcap(bytes: Uint8Array, file?: string): Promise<Capture> {
  const header = decodePcapFileHeader(bytes, file);
  const raw = header.nanoseconds ? readPcapRecords(bytes, header, file) : await parseWithPcapParser(bytes, header, file);
  const records: CaptureRecord[] = raw.map((r, index) =>
    frameToRecord(header.linkType, r.frame, {
      index,
      fileOffset: r.offset,
      timestamp: { seconds: r.seconds, nanoseconds: header.nanoseconds ? r.fraction : r.fraction * 1000 },
      originalFrameLength: r.origlen,
      file,
    }),
  );
  // A netlink reader must refuse a foreign file even when it holds no record to fail on.
  if (records.length === 0 && !isNetlinkLinkType(header.linkType)) {
    throw new DecodeError(`link type ${linkTypeName(header.linkType)} is not netlink`, 20, file);
  }
  const capture: Capture = {
    format: header.nanoseconds ? 'pcap-ns' : 'pcap',
    linkType: header.linkType,
    snaplen: header.snaplen,
    fileByteOrder: header.byteOrder,
    records,
    pcap: header.info,
  };
  if (file !== undefined) capture.file = file;
  return capture;
}

/** checkCaplen refuses a captured length no capturing tool would write. */
function checkCaplen(caplen: number, snaplen: number, index: number, offset: number, file: string | undefined): void {
  const max = Math.max(snaplen, PCAP_MAX_PLAUSIBLE_CAPLEN);
  if (caplen > max) {
    throw new DecodeError(`record ${index}: captured length ${caplen} exceeds ${max} (snaplen ${snaplen}): damaged file`, offset, file);
  }
}

/** truncatedBody is the DecodeError for a record whose data runs past the end of the file. */
function truncatedBody(index: number, offset: number, caplen: number, left: number, file: string | undefined): DecodeError {
  return new DecodeError(`record ${index} truncated: captured length ${caplen} but the file ends after ${left} data bytes`, offset, file);
}

/** truncatedHeader is the DecodeError for a record header cut by the end of the file. */
function truncatedHeader(index: number, offset: number, left: number, file: string | undefined): DecodeError {
  return new DecodeError(`record ${index} header truncated: file ends after ${left} of ${PCAP_RECORD_HEADER_LEN} bytes`, offset, file);
}

/** readPcapRecords walks the records after the file header with our own code. */
function readPcapRecords(bytes: Uint8Array, header: PcapFileHeader, file: string | undefined): RawPcapRecord[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = header.byteOrder === 'LE';
  const out: RawPcapRecord[] = [];
  let off = PCAP_FILE_HEADER_LEN;
  while (off < bytes.length) {
    const index = out.length;
    if (bytes.length - off < PCAP_RECORD_HEADER_LEN) throw truncatedHeader(index, off, bytes.length - off, file);
    const caplen = v.getUint32(off + 8, le);
    checkCaplen(caplen, header.snaplen, index, off, file);
    const dataAt = off + PCAP_RECORD_HEADER_LEN;
    if (bytes.length - dataAt < caplen) throw truncatedBody(index, off, caplen, bytes.length - dataAt, file);
    out.push({
      offset: off,
      seconds: v.getUint32(off, le),
      fraction: v.getUint32(off + 4, le),
      caplen,
      origlen: v.getUint32(off + 12, le),
      frame: bytes.subarray(dataAt, dataAt + caplen),
    });
    off = dataAt + caplen;
  }
  return out;
}

/** The parts of pcap-parser's API this module uses (the package ships no types). */
interface PcapParserPacketHeader {
  timestampSeconds: number;
  timestampMicroseconds: number;
  capturedLength: number;
  originalLength: number;
}
interface PcapParserGlobalHeader {
  magicNumber: number;
  snapshotLength: number;
  linkLayerType: number;
}
interface PcapParserModule {
  parse(input: Readable | string): EventEmitter;
}

let pcapParser: PcapParserModule | undefined;

/** loadPcapParser requires the CommonJS package once, on first use. */
function loadPcapParser(): PcapParserModule {
  pcapParser ??= createRequire(import.meta.url)('pcap-parser') as PcapParserModule;
  return pcapParser;
}

/**
 * parseWithPcapParser feeds the file image to pcap-parser as a one-chunk stream and collects
 * its records. Byte accounting beside the parser finds what it leaves unsaid: a cut record
 * header, a cut record body, an implausible captured length.
 */
function parseWithPcapParser(bytes: Uint8Array, header: PcapFileHeader, file: string | undefined): Promise<RawPcapRecord[]> {
  return new Promise((resolve, reject) => {
    const out: RawPcapRecord[] = [];
    let pos = 0; // bytes the parser has consumed
    let pending: { offset: number; h: PcapParserPacketHeader } | undefined;
    let sawGlobalHeader = false;
    let failure: Error | undefined;
    let settled = false;

    const stream = Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
    const parser = loadPcapParser().parse(stream);

    // Our handlers must not throw: pcap-parser calls them from inside the stream's 'data'
    // event, where an exception would escape as an uncaught error. Keep the first failure
    // and report it when the parser ends.
    const guard =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        if (failure) return;
        try {
          fn(...args);
        } catch (err) {
          failure = err as Error;
          stream.destroy();
          finish();
        }
      };

    const finish = (): void => {
      if (settled) return;
      settled = true;
      if (failure) {
        reject(failure);
        return;
      }
      if (!sawGlobalHeader) {
        reject(new DecodeError('pcap-parser did not read the file header', 0, file));
        return;
      }
      if (pending) {
        const left = bytes.length - (pending.offset + PCAP_RECORD_HEADER_LEN);
        reject(truncatedBody(out.length, pending.offset, pending.h.capturedLength, left, file));
        return;
      }
      if (pos < bytes.length) {
        reject(truncatedHeader(out.length, pos, bytes.length - pos, file));
        return;
      }
      resolve(out);
    };

    parser.on(
      'globalHeader',
      guard((g: PcapParserGlobalHeader) => {
        sawGlobalHeader = true;
        if (g.linkLayerType !== header.info.linkTypeField || g.snapshotLength !== header.snaplen) {
          throw new DecodeError('pcap-parser read a different file header than nlsim', 0, file);
        }
        pos = PCAP_FILE_HEADER_LEN;
      }),
    );
    parser.on(
      'packetHeader',
      guard((h: PcapParserPacketHeader) => {
        checkCaplen(h.capturedLength, header.snaplen, out.length, pos, file);
        pending = { offset: pos, h };
        pos += PCAP_RECORD_HEADER_LEN;
      }),
    );
    parser.on(
      'packet',
      guard((p: { header: PcapParserPacketHeader; data: Buffer }) => {
        if (!pending) throw new DecodeError('pcap-parser emitted a packet without a header', pos, file);
        const { offset, h } = pending;
        pending = undefined;
        pos += p.data.length;
        out.push({
          offset,
          seconds: h.timestampSeconds,
          fraction: h.timestampMicroseconds,
          caplen: h.capturedLength,
          origlen: h.originalLength,
          frame: new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength),
        });
      }),
    );
    parser.on('error', (err: Error) => {
      failure ??= new DecodeError(`pcap-parser: ${err.message}`, pos, file);
      finish();
    });
    // pcap-parser may emit 'end' twice (after an error, then at the stream's end); finish()
    // settles once.
    parser.on('end', finish);
  });
}
