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

/** readHeader decodes the nlmsghdr at `offset`. The caller checks that 16 bytes are there. */
export function readHeader(buf: Uint8Array, offset = 0): NlMsgHdr {
  const v = viewOf(buf);
  return {
    len: v.getUint32(offset, HOST_LE),
    type: v.getUint16(offset + 4, HOST_LE),
    flags: v.getUint16(offset + 6, HOST_LE),
    seq: v.getUint32(offset + 8, HOST_LE),
    pid: v.getUint32(offset + 12, HOST_LE),
  };
}

/** writeHeader encodes `h` as an nlmsghdr at `offset`. */
export function writeHeader(buf: Uint8Array, offset: number, h: NlMsgHdr): void {
  const v = viewOf(buf);
  v.setUint32(offset, h.len >>> 0, HOST_LE);
  v.setUint16(offset + 4, h.type & 0xffff, HOST_LE);
  v.setUint16(offset + 6, h.flags & 0xffff, HOST_LE);
  v.setUint32(offset + 8, h.seq >>> 0, HOST_LE);
  v.setUint32(offset + 12, h.pid >>> 0, HOST_LE);
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
