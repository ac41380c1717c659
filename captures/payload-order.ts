/**
 * Which byte order a captured netlink payload is in, and which way it went.
 *
 * nlmon copies socket buffers as the capturing host holds them, so nlmsghdr fields are in
 * that host's order, and the file records it nowhere: its header's byte order is the order of
 * the machine that wrote the file, which may be another one (tcpdump-pr878/netlink-be.pcap is
 * a big-endian capture in a little-endian file, nldecap/two_packets_be.pcap the reverse).
 * So the order is inferred from the payload: read each nlmsg_len both ways, and the order
 * whose lengths walk the datagram exactly to its end is the one.
 */
import { NLMSG_ALIGN, NLMSG_HDRLEN } from '../sim/wire/align.js';
import { NLM_F_REQUEST } from '../sim/uapi/netlink.js';
import type { ByteOrder, Capture, CaptureRecord } from './capture.js';

/** Direction is which way a datagram went through the socket. */
export type Direction = 'to-kernel' | 'from-kernel';

/** WalkResult grades how well one byte order explains a datagram. */
export type WalkResult = 'exact' | 'plausible' | 'invalid';

/**
 * walkMessages reads the datagram's nlmsghdr chain in one byte order. 'exact': the lengths
 * lead exactly to the end of the datagram (the last message may lack its padding). 'plausible':
 * the chain is consistent as far as the captured bytes go, but the snaplen cut the datagram
 * before its end. 'invalid': a length is below a header or runs past the datagram.
 * `total` is the datagram's original length, since a truncated capture still tells it.
 */
export function walkMessages(payload: Uint8Array, total: number, order: ByteOrder): WalkResult {
  const le = order === 'LE';
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (total < NLMSG_HDRLEN) return 'invalid';
  let off = 0;
  for (;;) {
    if (off === total) return 'exact';
    if (total - off < NLMSG_HDRLEN) return 'invalid';
    if (off + NLMSG_HDRLEN > payload.length) return 'plausible';
    const len = v.getUint32(off, le);
    if (len < NLMSG_HDRLEN || len > total - off) return 'invalid';
    if (len === total - off) return 'exact';
    off += NLMSG_ALIGN(len);
    if (off > total) return 'invalid';
  }
}

const RANK: Record<WalkResult, number> = { exact: 2, plausible: 1, invalid: 0 };

/**
 * payloadByteOrder infers the byte order of one record's netlink payload, or returns
 * undefined when neither order (or both) explains it: not netlink messages at all (a uevent),
 * or too short to tell.
 *
 * @note Both orders can only walk the same datagram when it is at least 64 KiB long: below
 * that, a length read in the wrong order has its significant bytes at the top and exceeds
 * the datagram.
 */
export function payloadByteOrder(record: Pick<CaptureRecord, 'payload' | 'originalLength'>): ByteOrder | undefined {
  const total = Math.max(record.originalLength, record.payload.length);
  const le = RANK[walkMessages(record.payload, total, 'LE')];
  const be = RANK[walkMessages(record.payload, total, 'BE')];
  if (le > be) return 'LE';
  if (be > le) return 'BE';
  return undefined;
}

/**
 * capturePayloadByteOrder is the byte order most of a capture's records agree on, or
 * undefined when none can be told or the count is tied. A capture is normally one host's,
 * so this is the order to assume for records payloadByteOrder cannot decide.
 */
export function capturePayloadByteOrder(capture: Pick<Capture, 'records'>): ByteOrder | undefined {
  let le = 0;
  let be = 0;
  for (const r of capture.records) {
    const o = payloadByteOrder(r);
    if (o === 'LE') le++;
    else if (o === 'BE') be++;
  }
  if (le > be) return 'LE';
  if (be > le) return 'BE';
  return undefined;
}

/**
 * payloadByteOrders gives each record's payload byte order: its own when it can be told,
 * else the capture's (capturePayloadByteOrder), else undefined.
 */
export function payloadByteOrders(capture: Pick<Capture, 'records'>): (ByteOrder | undefined)[] {
  const fallback = capturePayloadByteOrder(capture);
  return capture.records.map((r) => payloadByteOrder(r) ?? fallback);
}

/**
 * direction tells which way a datagram went: a first message with NLM_F_REQUEST went to the
 * kernel, anything else came from it. `order` defaults to payloadByteOrder(record). Returns
 * undefined when there is no nlmsghdr to read (no order known, or fewer than 16 bytes).
 *
 * @note The cooked header cannot tell: nlmon marks every datagram PACKET_OUTGOING. A message
 * one user process multicasts to others (NETLINK_USERSOCK, udevd's uevents) reads as
 * 'from-kernel' too, as it does in the kernel's own sense of "not a request".
 */
export function direction(record: Pick<CaptureRecord, 'payload' | 'originalLength'>, order?: ByteOrder): Direction | undefined {
  const o = order ?? payloadByteOrder(record);
  if (o === undefined || record.payload.length < NLMSG_HDRLEN) return undefined;
  const v = new DataView(record.payload.buffer, record.payload.byteOffset, NLMSG_HDRLEN);
  const flags = v.getUint16(6, o === 'LE');
  return flags & NLM_F_REQUEST ? 'to-kernel' : 'from-kernel';
}
