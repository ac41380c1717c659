/**
 * The alignment and walking macros of include/uapi/linux/netlink.h and the nlattr inline
 * helpers of include/net/netlink.h, as functions over (buffer, offset) instead of pointers.
 *
 * Names keep the C spelling so code reads side by side with the kernel and with C clients.
 * Arithmetic is done in u32, like the C macros on `unsigned int` lengths, so a huge
 * nlmsg_len wraps the way it does in C instead of turning into a negative JS number.
 */
import { HOST_LE, viewOf } from './header.js';
import {
  NLA_F_NESTED,
  NLA_F_NET_BYTEORDER,
  NLA_HDRLEN as NLA_HDRLEN_,
  NLA_TYPE_MASK,
  NLMSG_HDRLEN as NLMSG_HDRLEN_,
} from '../uapi/netlink.js';

/**
 * NLMSG_ALIGNTO is the alignment of every message in a datagram.
 *
 *     #define NLMSG_ALIGNTO	4U
 */
export const NLMSG_ALIGNTO = 4;

/**
 * NLMSG_ALIGN rounds `len` up to a multiple of 4.
 *
 *     #define NLMSG_ALIGN(len) ( ((len)+NLMSG_ALIGNTO-1) & ~(NLMSG_ALIGNTO-1) )
 */
export function NLMSG_ALIGN(len: number): number {
  return ((len + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1)) >>> 0;
}

/**
 * NLMSG_HDRLEN is sizeof(struct nlmsghdr), already aligned: 16.
 *
 *     #define NLMSG_HDRLEN	 ((int) NLMSG_ALIGN(sizeof(struct nlmsghdr)))
 */
export const NLMSG_HDRLEN = NLMSG_HDRLEN_;

/**
 * NLMSG_LENGTH is the nlmsg_len of a message with `len` payload bytes (no trailing padding).
 *
 *     #define NLMSG_LENGTH(len) ((len) + NLMSG_HDRLEN)
 */
export function NLMSG_LENGTH(len: number): number {
  return (len + NLMSG_HDRLEN) >>> 0;
}

/**
 * NLMSG_SPACE is the room a message with `len` payload bytes takes in a datagram.
 *
 *     #define NLMSG_SPACE(len) NLMSG_ALIGN(NLMSG_LENGTH(len))
 */
export function NLMSG_SPACE(len: number): number {
  return NLMSG_ALIGN(NLMSG_LENGTH(len));
}

/**
 * NLMSG_DATA returns the offset of the payload of the message whose header is at `offset`.
 * `buf` is unused; it is there so calls read like the C macro, which takes the header.
 *
 *     #define NLMSG_DATA(nlh)  ((void *)(((char *)nlh) + NLMSG_HDRLEN))
 */
export function NLMSG_DATA(_buf: Uint8Array, offset: number): number {
  return offset + NLMSG_HDRLEN;
}

/** nlmsgLenAt reads nlmsg_len (host order) of the header at `offset`. */
function nlmsgLenAt(buf: Uint8Array, offset: number): number {
  return viewOf(buf).getUint32(offset, HOST_LE);
}

/**
 * NLMSG_OK tells whether a whole message starts at `offset` with `remaining` bytes left.
 *
 *     #define NLMSG_OK(nlh,len) ((len) >= (int)sizeof(struct nlmsghdr) && \
 *                                (nlh)->nlmsg_len >= sizeof(struct nlmsghdr) && \
 *                                (nlh)->nlmsg_len <= (len))
 *
 * @note It also checks that `buf` really holds 16 bytes at `offset`: C would read past the
 * end of the buffer if the caller lied about `remaining`; a DataView would throw.
 */
export function NLMSG_OK(buf: Uint8Array, offset: number, remaining: number): boolean {
  if (remaining < NLMSG_HDRLEN || offset < 0 || offset + NLMSG_HDRLEN > buf.length) return false;
  const len = nlmsgLenAt(buf, offset);
  return len >= NLMSG_HDRLEN && len <= remaining;
}

/**
 * NLMSG_NEXT steps from the message at `offset` to the next one.
 *
 *     #define NLMSG_NEXT(nlh,len)	 ((len) -= NLMSG_ALIGN((nlh)->nlmsg_len), \
 *                                   (struct nlmsghdr *)(((char *)(nlh)) + NLMSG_ALIGN((nlh)->nlmsg_len)))
 *
 * @note Like the macro it does not cap at `remaining`: after an unpadded last message
 * `remaining` goes negative (C's `int len` does too) and the next NLMSG_OK fails. The
 * kernel's own loop (`netlink_rcv_skb`) caps instead; `walkMessages` in messages.ts does that.
 */
export function NLMSG_NEXT(buf: Uint8Array, offset: number, remaining: number): { offset: number; remaining: number } {
  const step = NLMSG_ALIGN(nlmsgLenAt(buf, offset));
  return { offset: offset + step, remaining: remaining - step };
}

/**
 * NLMSG_PAYLOAD is the number of payload bytes after a family header of `len` bytes.
 *
 *     #define NLMSG_PAYLOAD(nlh,len) ((nlh)->nlmsg_len - NLMSG_SPACE((len)))
 *
 * @note The C result is unsigned and wraps when nlmsg_len is short; this returns the
 * signed difference so callers can test `< 0`.
 */
export function NLMSG_PAYLOAD(buf: Uint8Array, offset: number, len: number): number {
  return nlmsgLenAt(buf, offset) - NLMSG_SPACE(len);
}

/**
 * NLA_ALIGNTO is the alignment of every attribute.
 *
 *     #define NLA_ALIGNTO		4
 */
export const NLA_ALIGNTO = 4;

/**
 * NLA_ALIGN rounds an attribute length up to a multiple of 4.
 *
 *     #define NLA_ALIGN(len)		(((len) + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1))
 */
export function NLA_ALIGN(len: number): number {
  return ((len + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1)) >>> 0;
}

/**
 * NLA_HDRLEN is sizeof(struct nlattr): 4.
 *
 *     #define NLA_HDRLEN		((int) NLA_ALIGN(sizeof(struct nlattr)))
 */
export const NLA_HDRLEN = NLA_HDRLEN_;

/** nlaLenAt reads nla_len (host order) of the attribute at `offset`. */
function nlaLenAt(buf: Uint8Array, offset: number): number {
  return viewOf(buf).getUint16(offset, HOST_LE);
}

/**
 * NLA_OK tells whether a whole attribute starts at `offset` with `remaining` bytes left.
 * Mirrors `nla_ok()` (include/net/netlink.h): remaining >= 4, nla_len >= 4 and
 * nla_len <= remaining. The last attribute therefore need not be padded.
 *
 * @note Like NLMSG_OK it also refuses to read outside `buf`.
 */
export function NLA_OK(buf: Uint8Array, offset: number, remaining: number): boolean {
  if (remaining < NLA_HDRLEN || offset < 0 || offset + NLA_HDRLEN > buf.length) return false;
  const len = nlaLenAt(buf, offset);
  return len >= NLA_HDRLEN && len <= remaining;
}

/**
 * NLA_NEXT steps to the attribute after the one at `offset`. Mirrors `nla_next()`, which
 * advances by NLA_ALIGN(nla_len) and, like NLMSG_NEXT, may drive `remaining` below zero.
 */
export function NLA_NEXT(buf: Uint8Array, offset: number, remaining: number): { offset: number; remaining: number } {
  const step = NLA_ALIGN(nlaLenAt(buf, offset));
  return { offset: offset + step, remaining: remaining - step };
}

/** NLA_DATA returns the payload offset of the attribute at `offset`. Mirrors `nla_data()`. */
export function NLA_DATA(_buf: Uint8Array, offset: number): number {
  return offset + NLA_HDRLEN;
}

/** nla_len returns the payload length (nla_len − 4) of the attribute at `offset`. Mirrors `nla_len()`. */
export function nla_len(buf: Uint8Array, offset: number): number {
  return nlaLenAt(buf, offset) - NLA_HDRLEN;
}

/**
 * nla_type returns the attribute type at `offset` without the NESTED and NET_BYTEORDER
 * bits. Mirrors `nla_type()`.
 */
export function nla_type(buf: Uint8Array, offset: number): number {
  return viewOf(buf).getUint16(offset + 2, HOST_LE) & NLA_TYPE_MASK;
}

/** nla_type_flags returns only the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits of the type at `offset`. */
export function nla_type_flags(buf: Uint8Array, offset: number): number {
  return viewOf(buf).getUint16(offset + 2, HOST_LE) & (NLA_F_NESTED | NLA_F_NET_BYTEORDER);
}
