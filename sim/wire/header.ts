/**
 * struct nlmsghdr read and written at an offset, in host byte order.
 *
 * Netlink headers and most attributes are in the byte order of the host that produced
 * them. nlsim speaks the byte order of the machine it runs on, chosen once here, so the
 * bytes a simulated kernel produces are the bytes the local kernel would produce.
 */
import { endianness } from 'node:os';

/** HOST_LE is true on little-endian hosts: the order every DataView call in nlsim uses. */
export const HOST_LE = endianness() === 'LE';

/** NlMsgHdr is struct nlmsghdr. */
export interface NlMsgHdr {
  /** nlmsg_len: length of the message including this 16-byte header. */
  len: number;
  /** nlmsg_type. */
  type: number;
  /** nlmsg_flags (NLM_F_*). */
  flags: number;
  /** nlmsg_seq. */
  seq: number;
  /** nlmsg_pid: the sender's port id (kernel replies: the requester's). */
  pid: number;
}

/** viewOf returns a DataView over exactly the bytes of `buf`. */
export function viewOf(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * readU16, readU32, writeU16, writeU32 and writeS32 access host-order integers byte by byte.
 * They are what the per-message paths (headers, ACKs) use instead of a DataView: creating
 * a DataView costs ~80 ns on Node 20, more than the rest of a header (nlsim bench, route
 * request → EOPNOTSUPP ack: viewOf was 46% of the profile). The caller checks bounds.
 */
export function readU16(b: Uint8Array, o: number): number {
  return HOST_LE ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}

/** readU32 reads a host-order u32 at `o` (see readU16). */
export function readU32(b: Uint8Array, o: number): number {
  return HOST_LE
    ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
    : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** writeU16 writes the low 16 bits of `v` in host order at `o` (see readU16). */
export function writeU16(b: Uint8Array, o: number, v: number): void {
  if (HOST_LE) {
    b[o] = v;
    b[o + 1] = v >>> 8;
  } else {
    b[o] = v >>> 8;
    b[o + 1] = v;
  }
}

/** writeU32 writes `v` as a host-order 32-bit integer at `o`; signed values wrap (see readU16). */
export function writeU32(b: Uint8Array, o: number, v: number): void {
  if (HOST_LE) {
    b[o] = v;
    b[o + 1] = v >>> 8;
    b[o + 2] = v >>> 16;
    b[o + 3] = v >>> 24;
  } else {
    b[o] = v >>> 24;
    b[o + 1] = v >>> 16;
    b[o + 2] = v >>> 8;
    b[o + 3] = v;
  }
}

/** readHeader decodes the nlmsghdr at `offset`. The caller checks that 16 bytes are there. */
export function readHeader(buf: Uint8Array, offset = 0): NlMsgHdr {
  if (offset < 0 || offset + 16 > buf.length) viewOf(buf).getUint32(offset + 12); // the RangeError a DataView gives
  return {
    len: readU32(buf, offset),
    type: readU16(buf, offset + 4),
    flags: readU16(buf, offset + 6),
    seq: readU32(buf, offset + 8),
    pid: readU32(buf, offset + 12),
  };
}

/** writeHeader encodes `h` as an nlmsghdr at `offset`. */
export function writeHeader(buf: Uint8Array, offset: number, h: NlMsgHdr): void {
  if (offset < 0 || offset + 16 > buf.length) viewOf(buf).setUint32(offset + 12, 0); // the RangeError a DataView gives
  writeU32(buf, offset, h.len);
  writeU16(buf, offset + 4, h.type);
  writeU16(buf, offset + 6, h.flags);
  writeU32(buf, offset + 8, h.seq);
  writeU32(buf, offset + 12, h.pid);
}

/**
 * encodeMessage builds one message: a header followed by `payload`, unpadded. `len` defaults
 * to the true length; pass another value to build the malformed headers tests need.
 */
export function encodeMessage(h: Omit<NlMsgHdr, 'len'> & { len?: number }, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const len = 16 + payload.length;
  const out = new Uint8Array(len);
  writeHeader(out, 0, { ...h, len: h.len ?? len });
  out.set(payload, 16);
  return out;
}
