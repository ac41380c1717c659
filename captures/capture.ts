/**
 * One model for netlink captures, whichever file format they came in: classic pcap with
 * microsecond or nanosecond timestamps, or pcapng; link type LINKTYPE_NETLINK, LINUX_SLL or
 * LINUX_SLL2. Readers fill it, writers turn it back into bytes.
 *
 * Besides the records, a Capture keeps the container details a reader saw (pcap header fields,
 * pcapng sections, interfaces and options) so that a file read and written again in its own
 * format comes out byte for byte the same. Writers only use a kept detail while it still agrees
 * with the record fields next to it, so editing a record never writes stale bytes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { HOST_LE } from '../sim/wire/header.js';
import { DecodeError } from '../sim/errors.js';
import type { LinkExtras } from './nlmon.js';
import { LINKTYPE_NETLINK, PACKET_OUTGOING } from './nlmon.js';
import { decodePcap, PCAP_MAGIC, PCAP_NS_MAGIC } from './pcap-reader.js';
import { decodePcapng, PCAPNG_SHB_TYPE } from './pcapng-reader.js';
import { encodePcap } from './pcap-writer.js';
import { encodePcapng } from './pcapng-writer.js';

/** CaptureFormat is a file format: pcap (µs timestamps), pcap with ns timestamps, or pcapng. */
export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng';

/** ByteOrder names a byte order. */
export type ByteOrder = 'LE' | 'BE';

/** CaptureTimestamp is a capture time: seconds since the Unix epoch plus nanoseconds. */
export interface CaptureTimestamp {
  seconds: number;
  /**
   * Nanoseconds. Normally below 1e9; a pcap record whose microsecond field is out of range
   * keeps its value (×1000) so that it is re-written as it was.
   */
  nanoseconds: number;
}

/** CaptureRecord is one captured netlink datagram: one socket buffer seen by nlmon. */
export interface CaptureRecord {
  /** Position among the file's records, from 0. */
  index: number;
  timestamp: CaptureTimestamp;
  /**
   * The datagram's length before the capture's snaplen cut it: `payload.length`, or more when
   * the record is truncated. Excludes the link-layer header, unlike the file's own field.
   */
  originalLength: number;
  /** The netlink family (NETLINK_ROUTE = 0, NETLINK_GENERIC = 16…), from the cooked header. */
  protocol: number;
  /** sll_pkttype. nlmon writes PACKET_OUTGOING (4) in both directions. */
  packetType: number;
  /** Interface index, recorded by LINKTYPE_LINUX_SLL2 only. */
  ifindex?: number;
  /** The netlink datagram as captured (possibly truncated), in the capturing host's byte order. */
  payload: Uint8Array;
  /** Byte offset of the record (pcap record header or pcapng block) in its file; 0 if built in memory. */
  fileOffset: number;
  /** Cooked-header fields that differ from nlmon's constants; absent in nlmon captures. */
  link?: LinkExtras;
  /** Where the record sat in a pcapng file, and the bytes needed to write it back unchanged. */
  pcapng?: PcapngRecordInfo;
}

/** PcapHeaderInfo keeps the pcap file header fields the model has no other place for. */
export interface PcapHeaderInfo {
  versionMajor: number;
  versionMinor: number;
  /** thiszone: GMT offset in seconds; always 0 in practice, not applied to timestamps. */
  thiszone: number;
  sigfigs: number;
  /** The whole 32-bit link type field: upper bits carry FCS information. */
  linkTypeField: number;
}

/** PcapngTsResolution is if_tsresol: units of 10^-exponent or 2^-exponent seconds. */
export interface PcapngTsResolution {
  base: 10 | 2;
  exponent: number;
}

/** PcapngInterface is one Interface Description Block. */
export interface PcapngInterface {
  linkType: number;
  snaplen: number;
  /** The raw options area (section byte order), written back unchanged. */
  options: Uint8Array;
  /** if_tsresol. Defaults to microseconds ({ base: 10, exponent: 6 }). */
  tsresol: PcapngTsResolution;
  /** if_tsoffset in seconds, added to every timestamp. Defaults to 0. */
  tsoffset: bigint;
  /** The reserved u16 after the link type (0 in every writer). */
  reserved: number;
  fileOffset: number;
}

/** PcapngSection is one Section Header Block with the interfaces it defines. */
export interface PcapngSection {
  byteOrder: ByteOrder;
  versionMajor: number;
  versionMinor: number;
  /** Section length from the SHB: -1n when the writer left it unspecified. */
  sectionLength: bigint;
  /** The raw options area, written back unchanged. */
  options: Uint8Array;
  interfaces: PcapngInterface[];
  fileOffset: number;
}

/** PcapngSkippedBlock is a block the reader does not interpret (name resolution, statistics…). */
export interface PcapngSkippedBlock {
  type: number;
  section: number;
  fileOffset: number;
  length: number;
}

/** PcapngLayout is the structure of a pcapng file around its packets. */
export interface PcapngLayout {
  sections: PcapngSection[];
  /** Blocks skipped while reading; writers do not reproduce them. */
  skippedBlocks: PcapngSkippedBlock[];
}

/** PcapngRecordInfo says where a record came from in a pcapng file. */
export interface PcapngRecordInfo {
  section: number;
  interfaceId: number;
  /** Enhanced, Simple, or the obsolete Packet Block. Writers write EPB (or SPB when lossless). */
  block: 'epb' | 'spb' | 'pb';
  /** The raw timestamp in interface units; SPB has none. */
  timestampUnits?: bigint;
  /** The block's raw options area, when non-empty. */
  options?: Uint8Array;
  /** PB's drops count. */
  dropsCount?: number;
}

/** Capture is a whole capture file in memory. */
export interface Capture {
  format: CaptureFormat;
  /** The file's link type (pcapng: the first netlink interface's). */
  linkType: number;
  /** The snapshot length (pcapng: the first netlink interface's). */
  snaplen: number;
  /** The file header's byte order (pcapng: the first section's). Says nothing about payloads. */
  fileByteOrder: ByteOrder;
  records: CaptureRecord[];
  /** The path the capture was read from, for messages. */
  file?: string;
  /** pcap and pcap-ns: header fields kept for re-writing. */
  pcap?: PcapHeaderInfo;
  /** pcapng: sections, interfaces and skipped blocks. */
  pcapng?: PcapngLayout;
}

/** DEFAULT_SNAPLEN is the snaplen tcpdump uses on an nlmon device (MAXIMUM_SNAPLEN, 262144). */
export const DEFAULT_SNAPLEN = 262144;

/** HOST_BYTE_ORDER is the byte order of this machine, the default for new files. */
export const HOST_BYTE_ORDER: ByteOrder = HOST_LE ? 'LE' : 'BE';

/**
 * sniffFormat tells a capture format from a file's first bytes, or returns undefined.
 * A pcapng file starts with the palindromic SHB type; pcap with its magic in either order.
 */
export function sniffFormat(bytes: Uint8Array): CaptureFormat | undefined {
  if (bytes.length < 4) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, 4);
  const be = v.getUint32(0, false);
  const le = v.getUint32(0, true);
  if (be === PCAPNG_SHB_TYPE) return 'pcapng';
  if (be === PCAP_MAGIC || le === PCAP_MAGIC) return 'pcap';
  if (be === PCAP_NS_MAGIC || le === PCAP_NS_MAGIC) return 'pcap-ns';
  return undefined;
}

/**
 * decodeCapture parses a capture held in memory; `file` names it in error messages.
 * Rejects with DecodeError (naming offset, record and file) for anything malformed.
 * Record payloads are views into `bytes`.
 */
export async function decodeCapture(bytes: Uint8Array, file?: string): Promise<Capture> {
  const format = sniffFormat(bytes);
  if (format === 'pcapng') return decodePcapng(bytes, file);
  if (format === 'pcap' || format === 'pcap-ns') return decodePcap(bytes, file);
  if (bytes.length < 4) {
    throw new DecodeError(`not a capture file: only ${bytes.length} bytes, no magic number`, 0, file);
  }
  const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
  throw new DecodeError(`not a pcap or pcapng file: unknown magic number 0x${hex}`, 0, file);
}

/** readCapture reads and parses a pcap, nanosecond pcap or pcapng file, sniffing the format. */
export async function readCapture(path: string): Promise<Capture> {
  const buf = await readFile(path);
  return decodeCapture(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
}

/** EncodeOptions tune encodeCapture. */
export interface EncodeOptions {
  /**
   * Byte order of the file headers. Defaults to the capture's fileByteOrder. For pcapng it
   * applies to sections nlsim creates; sections kept from a read file keep their own order,
   * because their options are raw bytes in that order.
   */
  byteOrder?: ByteOrder;
}

/**
 * encodeCapture writes `capture` as a file image in `format`, which defaults to the
 * capture's own format, one record per datagram. Throws NlsimError for records the format
 * cannot hold (timestamps out of range, payload beyond the snaplen…).
 */
export function encodeCapture(capture: Capture, format: CaptureFormat = capture.format, options: EncodeOptions = {}): Uint8Array {
  const byteOrder = options.byteOrder ?? capture.fileByteOrder;
  if (format === 'pcapng') return encodePcapng(capture, { byteOrder });
  return encodePcap(capture, { byteOrder, nanoseconds: format === 'pcap-ns' });
}

/** WriteCaptureOptions tune writeCapture. */
export interface WriteCaptureOptions extends EncodeOptions {
  /** The file format. Defaults to the capture's own format ('pcap' for createCapture). */
  format?: CaptureFormat;
}

/** writeCapture writes `capture` to `path` (see encodeCapture). */
export async function writeCapture(path: string, capture: Capture, options: WriteCaptureOptions = {}): Promise<void> {
  await writeFile(path, encodeCapture(capture, options.format ?? capture.format, options));
}

/** NewRecord is what createCapture needs per datagram; the rest gets nlmon's values. */
export interface NewRecord {
  payload: Uint8Array;
  /** The netlink family. */
  protocol: number;
  /** Defaults to { seconds: 0, nanoseconds: 0 }. */
  timestamp?: CaptureTimestamp;
  /** Defaults to PACKET_OUTGOING, as nlmon writes. */
  packetType?: number;
  /** Defaults to payload.length. */
  originalLength?: number;
  ifindex?: number;
}

/** CreateCaptureOptions tune createCapture. */
export interface CreateCaptureOptions {
  /** Defaults to 'pcap'. */
  format?: CaptureFormat;
  /** Defaults to LINKTYPE_NETLINK (253). */
  linkType?: number;
  /** Defaults to DEFAULT_SNAPLEN (262144). */
  snaplen?: number;
  /** Defaults to the host's byte order. */
  fileByteOrder?: ByteOrder;
}

/**
 * createCapture builds a capture from datagrams, as tcpdump on an nlmon device would record
 * them: pcap, LINKTYPE_NETLINK, snaplen 262144, host byte order, packet type PACKET_OUTGOING.
 */
export function createCapture(records: readonly NewRecord[], options: CreateCaptureOptions = {}): Capture {
  return {
    format: options.format ?? 'pcap',
    linkType: options.linkType ?? LINKTYPE_NETLINK,
    snaplen: options.snaplen ?? DEFAULT_SNAPLEN,
    fileByteOrder: options.fileByteOrder ?? HOST_BYTE_ORDER,
    records: records.map((r, index) => {
      const rec: CaptureRecord = {
        index,
        timestamp: r.timestamp ?? { seconds: 0, nanoseconds: 0 },
        originalLength: r.originalLength ?? r.payload.length,
        protocol: r.protocol,
        packetType: r.packetType ?? PACKET_OUTGOING,
        payload: r.payload,
        fileOffset: 0,
      };
      if (r.ifindex !== undefined) rec.ifindex = r.ifindex;
      return rec;
    }),
  };
}
