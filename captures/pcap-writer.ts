/**
 * Classic pcap writing, microsecond or nanosecond, one record per datagram, as tcpdump writes
 * an nlmon capture. The image is sized first and written into one buffer.
 */
import { NlsimError } from '../sim/errors.js';
import type { ByteOrder, Capture, CaptureRecord } from './capture.js';
import { encodeLinkHeader, isNetlinkLinkType, linkHeaderLength, linkTypeName } from './nlmon.js';
import { PCAP_FILE_HEADER_LEN, PCAP_MAGIC, PCAP_MAX_PLAUSIBLE_CAPLEN, PCAP_NS_MAGIC, PCAP_RECORD_HEADER_LEN } from './pcap-reader.js';

/** PcapWriteOptions tune encodePcap. */
export interface PcapWriteOptions {
  /** Nanosecond timestamps (magic a1b23c4d). Defaults to false: microseconds. */
  nanoseconds?: boolean;
  /** Byte order of the headers. Defaults to the capture's fileByteOrder. */
  byteOrder?: ByteOrder;
}

function invalid(message: string): NlsimError {
  return new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', message);
}

/** pcapEncodingLength is the size of the pcap image of `capture`. */
export function pcapEncodingLength(capture: Capture): number {
  const hl = linkHeaderLength(capture.linkType);
  let n = PCAP_FILE_HEADER_LEN;
  for (const r of capture.records) n += PCAP_RECORD_HEADER_LEN + hl + r.payload.length;
  return n;
}

/**
 * encodePcap writes `capture` as a pcap file image with the capture's link type and snaplen.
 * Header fields kept from a read pcap file (version, thiszone, sigfigs, FCS bits) are reused,
 * so a file read and re-written in its own format is unchanged. Throws NlsimError for a
 * non-netlink link type or a record the format cannot hold; sub-microsecond digits are
 * dropped (rounded down) when writing microseconds.
 */
export function encodePcap(capture: Capture, options: PcapWriteOptions = {}): Uint8Array {
  const { linkType } = capture;
  if (!isNetlinkLinkType(linkType)) throw invalid(`cannot write link type ${linkTypeName(linkType)}: not netlink`);
  const ns = options.nanoseconds ?? false;
  const le = (options.byteOrder ?? capture.fileByteOrder) === 'LE';
  const out = new Uint8Array(pcapEncodingLength(capture));
  const v = new DataView(out.buffer);
  const info = capture.pcap;
  // The kept field is reused only while its link type still matches the capture's.
  const linkTypeField = info && (info.linkTypeField & 0xffff) === linkType ? info.linkTypeField : linkType;
  v.setUint32(0, ns ? PCAP_NS_MAGIC : PCAP_MAGIC, le);
  v.setUint16(4, info?.versionMajor ?? 2, le);
  v.setUint16(6, info?.versionMinor ?? 4, le);
  v.setInt32(8, info?.thiszone ?? 0, le);
  v.setUint32(12, info?.sigfigs ?? 0, le);
  v.setUint32(16, capture.snaplen >>> 0, le);
  v.setUint32(20, linkTypeField >>> 0, le);
  const hl = linkHeaderLength(linkType);
  const maxCaplen = Math.max(capture.snaplen, PCAP_MAX_PLAUSIBLE_CAPLEN);
  let off = PCAP_FILE_HEADER_LEN;
  for (const r of capture.records) {
    const caplen = hl + r.payload.length;
    checkRecord(r, caplen, maxCaplen);
    const fraction = ns ? r.timestamp.nanoseconds : Math.floor(r.timestamp.nanoseconds / 1000);
    if (!Number.isInteger(fraction) || fraction < 0 || fraction > 0xffffffff) {
      throw invalid(`record ${r.index}: nanoseconds ${r.timestamp.nanoseconds} do not fit a pcap record`);
    }
    v.setUint32(off, r.timestamp.seconds, le);
    v.setUint32(off + 4, fraction, le);
    v.setUint32(off + 8, caplen, le);
    v.setUint32(off + 12, hl + r.originalLength, le);
    off += PCAP_RECORD_HEADER_LEN;
    off += encodeLinkHeader(linkType, r, out, off);
    out.set(r.payload, off);
    off += r.payload.length;
  }
  return out;
}

/** checkRecord refuses what a pcap record cannot hold or our reader would refuse. */
function checkRecord(r: CaptureRecord, caplen: number, maxCaplen: number): void {
  const s = r.timestamp.seconds;
  if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) throw invalid(`record ${r.index}: seconds ${s} do not fit a pcap record (u32)`);
  if (caplen > maxCaplen) throw invalid(`record ${r.index}: ${caplen} captured bytes exceed the limit ${maxCaplen}`);
  if (!Number.isInteger(r.originalLength) || r.originalLength < r.payload.length || caplen - r.payload.length + r.originalLength > 0xffffffff) {
    throw invalid(`record ${r.index}: originalLength ${r.originalLength} must be an integer ≥ payload length ${r.payload.length}`);
  }
}
