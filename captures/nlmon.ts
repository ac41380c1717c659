/**
 * The link-layer header in front of every netlink datagram in a capture.
 *
 * An nlmon device hands each socket buffer to libpcap with a Linux "cooked" header. Three link
 * types carry it, and nlsim reads all three into one model:
 *
 * - 253 LINKTYPE_NETLINK and 113 LINKTYPE_LINUX_SLL, 16 bytes, all fields big-endian:
 *   packet type u16, ARPHRD u16 (824 = ARPHRD_NETLINK), address length u16, 8 address bytes,
 *   protocol u16 (for netlink: the netlink family, not an EtherType).
 * - 276 LINKTYPE_LINUX_SLL2, 20 bytes: protocol u16, reserved u16, ifindex u32, ARPHRD u16,
 *   packet type u8, address length u8, 8 address bytes. Only this one records the ifindex.
 *
 * These header fields are big-endian whatever the host, unlike the netlink payload behind them.
 */
import { DecodeError, NlsimError } from '../sim/errors.js';
import type { CaptureRecord, CaptureTimestamp } from './capture.js';

/** LINKTYPE lists the pcap link types this module names, spelled as tcpdump.org spells them. */
export const LINKTYPE = {
  LINKTYPE_NULL: 0,
  LINKTYPE_ETHERNET: 1,
  LINKTYPE_RAW: 101,
  LINKTYPE_IEEE802_11: 105,
  LINKTYPE_LINUX_SLL: 113,
  LINKTYPE_IEEE802_11_RADIOTAP: 127,
  LINKTYPE_IPV4: 228,
  LINKTYPE_IPV6: 229,
  LINKTYPE_NETLINK: 253,
  LINKTYPE_LINUX_SLL2: 276,
} as const;
/** LINKTYPE_LINUX_SLL, LINKTYPE_NETLINK and LINKTYPE_LINUX_SLL2 are the three link types nlsim reads. */
export const { LINKTYPE_LINUX_SLL, LINKTYPE_NETLINK, LINKTYPE_LINUX_SLL2 } = LINKTYPE;

/** ARPHRD_NETLINK is the hardware type of an nlmon device (include/uapi/linux/if_arp.h). */
export const ARPHRD_NETLINK = 824;

/** PACKET lists the sll_pkttype values (include/uapi/linux/if_packet.h). */
export const PACKET = {
  PACKET_HOST: 0,
  PACKET_BROADCAST: 1,
  PACKET_MULTICAST: 2,
  PACKET_OTHERHOST: 3,
  PACKET_OUTGOING: 4,
} as const;
/**
 * PACKET_OUTGOING is the packet type nlmon gives every datagram, in both directions (it
 * taps netlink_deliver_tap() on the sending side), so it says nothing about the direction.
 */
export const PACKET_OUTGOING = PACKET.PACKET_OUTGOING;

/** SLL_HEADER_LEN is the length of the LINKTYPE_NETLINK and LINKTYPE_LINUX_SLL header. */
export const SLL_HEADER_LEN = 16;
/** SLL2_HEADER_LEN is the length of the LINKTYPE_LINUX_SLL2 header. */
export const SLL2_HEADER_LEN = 20;
/** SLL_ADDR_LEN is the size of the address slot in both headers (sll_addr). */
export const SLL_ADDR_LEN = 8;

/**
 * LinkExtras are the header fields that are constant in every nlmon capture. A record keeps
 * them only when a file has other values, so that re-writing it gives the same bytes.
 */
export interface LinkExtras {
  /** ARPHRD type. Defaults to ARPHRD_NETLINK (824). */
  hatype: number;
  /** Link-layer address length. Defaults to 0. */
  addressLength: number;
  /** The 8-byte address slot. Defaults to zeros. */
  address: Uint8Array;
  /** SLL2's reserved u16. Defaults to 0. */
  reserved: number;
}

/** LinkHeader is one decoded cooked header, whichever of the three link types carried it. */
export interface LinkHeader {
  /** sll_pkttype (PACKET_*). nlmon always writes PACKET_OUTGOING. */
  packetType: number;
  /** The netlink family (NETLINK_ROUTE = 0…). */
  protocol: number;
  /** The capturing interface's index: LINKTYPE_LINUX_SLL2 only. */
  ifindex?: number;
  /** Non-default constant fields, absent when they have the nlmon values (as on CaptureRecord). */
  link?: LinkExtras;
}

/** RecordLocation says where a record is, for error messages. */
export interface RecordLocation {
  /** The file name, when reading a file. */
  file?: string | undefined;
  /** The record's index in the file, from 0. */
  record: number;
  /** Byte offset of the record (its pcap record header or pcapng block) in the file. */
  offset: number;
}

/** linkTypeName names a link type for messages: `1 (ETHERNET)`, or just the number if unknown. */
export function linkTypeName(linkType: number): string {
  for (const [name, value] of Object.entries(LINKTYPE)) {
    if (value === linkType) return `${linkType} (${name.slice('LINKTYPE_'.length)})`;
  }
  return String(linkType);
}

/** isNetlinkLinkType is true for the three link types whose records nlsim can read. */
export function isNetlinkLinkType(linkType: number): boolean {
  return linkType === LINKTYPE_NETLINK || linkType === LINKTYPE_LINUX_SLL || linkType === LINKTYPE_LINUX_SLL2;
}

/** linkHeaderLength returns the cooked header's length for a netlink link type. */
export function linkHeaderLength(linkType: number): number {
  return linkType === LINKTYPE_LINUX_SLL2 ? SLL2_HEADER_LEN : SLL_HEADER_LEN;
}

/** recordPrefix formats "record 3: " for DecodeError messages. */
export function recordPrefix(where: RecordLocation): string {
  return `record ${where.record}: `;
}

/** notNetlinkError is the DecodeError for a record whose link type is not one of the three. */
export function notNetlinkError(linkType: number, where: RecordLocation): DecodeError {
  return new DecodeError(`${recordPrefix(where)}link type ${linkTypeName(linkType)} is not netlink`, where.offset, where.file);
}

/**
 * decodeLinkHeader reads the cooked header at the start of `frame` (a record's captured bytes).
 * Throws DecodeError for another link type, a frame shorter than the header, or an SLL/SLL2
 * header whose ARPHRD is not ARPHRD_NETLINK.
 *
 * @note LINKTYPE_NETLINK accepts any ARPHRD (the link type itself says netlink; the value is
 * kept in `link`), while the generic SLL types carry every kind of interface in `-i any`
 * captures, so there ARPHRD is what tells a netlink record apart.
 */
export function decodeLinkHeader(linkType: number, frame: Uint8Array, where: RecordLocation): LinkHeader {
  if (!isNetlinkLinkType(linkType)) throw notNetlinkError(linkType, where);
  const need = linkHeaderLength(linkType);
  if (frame.length < need) {
    throw new DecodeError(
      `${recordPrefix(where)}captured length ${frame.length} is shorter than the ${need}-byte LINKTYPE ${linkTypeName(linkType)} header`,
      where.offset,
      where.file,
    );
  }
  const v = new DataView(frame.buffer, frame.byteOffset, need);
  let packetType: number, hatype: number, addressLength: number, protocol: number, reserved = 0;
  let ifindex: number | undefined;
  let addrAt: number;
  if (linkType === LINKTYPE_LINUX_SLL2) {
    protocol = v.getUint16(0);
    reserved = v.getUint16(2);
    ifindex = v.getUint32(4);
    hatype = v.getUint16(8);
    packetType = v.getUint8(10);
    addressLength = v.getUint8(11);
    addrAt = 12;
  } else {
    packetType = v.getUint16(0);
    hatype = v.getUint16(2);
    addressLength = v.getUint16(4);
    addrAt = 6;
    protocol = v.getUint16(14);
  }
  if (hatype !== ARPHRD_NETLINK && linkType !== LINKTYPE_NETLINK) {
    throw new DecodeError(
      `${recordPrefix(where)}link type ${linkTypeName(linkType)} header has ARPHRD ${hatype}, not ARPHRD_NETLINK (${ARPHRD_NETLINK}): not a netlink packet`,
      where.offset,
      where.file,
    );
  }
  const address = frame.subarray(addrAt, addrAt + SLL_ADDR_LEN);
  const header: LinkHeader = { packetType, protocol };
  if (ifindex !== undefined) header.ifindex = ifindex;
  if (hatype !== ARPHRD_NETLINK || addressLength !== 0 || reserved !== 0 || address.some((b) => b !== 0)) {
    header.link = { hatype, addressLength, address: address.slice(), reserved };
  }
  return header;
}

/**
 * encodeLinkHeader writes the cooked header for `linkType` into `out` at `offset` and returns
 * its length. Fields absent from `header` get the values nlmon writes. Throws NlsimError for a
 * link type that is not one of the three netlink ones.
 */
export function encodeLinkHeader(linkType: number, header: LinkHeader, out: Uint8Array, offset = 0): number {
  const len = linkHeaderLength(linkType);
  const v = new DataView(out.buffer, out.byteOffset + offset, len);
  const x = header.link;
  const hatype = x?.hatype ?? ARPHRD_NETLINK;
  const addressLength = x?.addressLength ?? 0;
  if (linkType === LINKTYPE_LINUX_SLL2) {
    v.setUint16(0, header.protocol & 0xffff);
    v.setUint16(2, (x?.reserved ?? 0) & 0xffff);
    v.setUint32(4, (header.ifindex ?? 0) >>> 0);
    v.setUint16(8, hatype & 0xffff);
    v.setUint8(10, header.packetType & 0xff);
    v.setUint8(11, addressLength & 0xff);
    out.fill(0, offset + 12, offset + 20);
    if (x) out.set(x.address.subarray(0, SLL_ADDR_LEN), offset + 12);
  } else if (linkType === LINKTYPE_NETLINK || linkType === LINKTYPE_LINUX_SLL) {
    v.setUint16(0, header.packetType & 0xffff);
    v.setUint16(2, hatype & 0xffff);
    v.setUint16(4, addressLength & 0xffff);
    out.fill(0, offset + 6, offset + 14);
    if (x) out.set(x.address.subarray(0, SLL_ADDR_LEN), offset + 6);
    v.setUint16(14, header.protocol & 0xffff);
  } else {
    throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `link type ${linkTypeName(linkType)} is not netlink`);
  }
  return len;
}

/** FrameFields are the per-record values a container format supplies around a frame. */
export interface FrameFields {
  index: number;
  fileOffset: number;
  timestamp: CaptureTimestamp;
  /** The record header's original length: cooked header plus the datagram before truncation. */
  originalFrameLength: number;
  file?: string | undefined;
}

/**
 * frameToRecord turns one captured frame (cooked header + datagram) into a CaptureRecord.
 * The payload is a view into `frame`, not a copy. Throws DecodeError for a non-netlink link
 * type, a short frame, or an original length below the captured length (which no capturing
 * tool writes, so it marks a damaged file).
 */
export function frameToRecord(linkType: number, frame: Uint8Array, f: FrameFields): CaptureRecord {
  const where: RecordLocation = { file: f.file, record: f.index, offset: f.fileOffset };
  const header = decodeLinkHeader(linkType, frame, where);
  if (f.originalFrameLength < frame.length) {
    throw new DecodeError(
      `${recordPrefix(where)}original length ${f.originalFrameLength} is less than captured length ${frame.length}`,
      where.offset,
      where.file,
    );
  }
  const hl = linkHeaderLength(linkType);
  // A plain Uint8Array view, even when a reader hands us a Buffer, so records compare equal
  // whichever reader produced them.
  const payload = new Uint8Array(frame.buffer, frame.byteOffset + hl, frame.length - hl);
  const record: CaptureRecord = {
    index: f.index,
    timestamp: f.timestamp,
    originalLength: f.originalFrameLength - hl,
    protocol: header.protocol,
    packetType: header.packetType,
    payload,
    fileOffset: f.fileOffset,
  };
  if (header.ifindex !== undefined) record.ifindex = header.ifindex;
  if (header.link) record.link = header.link;
  return record;
}
