/**
 * Decoding of NLMSG_ERROR and NLMSG_DONE payloads, extended-ACK TLVs included: what a
 * client needs to turn a kernel reply into a NetlinkError. The kernel-side encoder is
 * sim/ack.ts; the layout decoded here is the one `netlink_ack()` and `netlink_dump_done()`
 * produce.
 */
import { HOST_LE, type NlMsgHdr, readHeader, viewOf } from './header.js';
import { NLMSG_ALIGN, NLMSG_HDRLEN } from './align.js';
import { AttrReader } from './attr-reader.js';
import { NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSGERR_ATTR } from '../uapi/netlink.js';
import { DecodeError, type ExtAck } from '../errors.js';

/** NLMSGERR_LEN is sizeof(struct nlmsgerr): s32 error + the request's nlmsghdr. */
const NLMSGERR_LEN = 4 + NLMSG_HDRLEN;

/** DecodedError is an NLMSG_ERROR payload (struct nlmsgerr and what follows it). */
export interface DecodedError {
  /** 0 for an ACK, else the negative errno. */
  error: number;
  /** The request's header, copied verbatim by the kernel (original nlmsg_len included). */
  request: NlMsgHdr;
  /**
   * The request's payload as echoed back (a view, not a copy). Absent when NLM_F_CAPPED is
   * set, and for the uncapped success ACKs of pre-4.12 kernels, which echoed no payload.
   */
  requestPayload?: Uint8Array;
  /** Extended-ACK data; empty unless NLM_F_ACK_TLVS is set. */
  extack: ExtAck;
}

/** DecodedDone is an NLMSG_DONE payload. */
export interface DecodedDone {
  /** 0, or the negative errno the dump ended with. */
  error: number;
  /** Extended-ACK data; empty unless NLM_F_ACK_TLVS is set. */
  extack: ExtAck;
}

/**
 * decodeError decodes the payload of an NLMSG_ERROR message whose header flags are
 * `flags`. `baseOffset` is where the payload sits in its message (16), so DecodeError
 * offsets count from the reply's nlmsghdr.
 *
 * Layout (`netlink_ack()`): s32 error, the request's 16-byte header, then unless
 * NLM_F_CAPPED the request payload (nlmsg_len − 16 bytes, zero-padded to 4), then if
 * NLM_F_ACK_TLVS the NLMSGERR_ATTR_* attributes. Throws DecodeError if the payload is
 * shorter than struct nlmsgerr, the echoed request runs past the end, or the TLVs are
 * malformed. Unknown TLV types are skipped, as newer kernels may add some.
 */
export function decodeError(payload: Uint8Array, flags: number, baseOffset = NLMSG_HDRLEN): DecodedError {
  if (payload.length < NLMSGERR_LEN) {
    throw new DecodeError(`NLMSG_ERROR payload of ${payload.length} bytes is shorter than struct nlmsgerr (20)`, baseOffset);
  }
  const error = viewOf(payload).getInt32(0, HOST_LE);
  const request = readHeader(payload, 4);
  const result: DecodedError = { error, request, extack: {} };
  let tlvStart = NLMSGERR_LEN;
  if ((flags & NLM_F_CAPPED) === 0) {
    const echoed = Math.max(0, request.len - NLMSG_HDRLEN);
    const end = NLMSGERR_LEN + echoed;
    if (end <= payload.length) {
      result.requestPayload = payload.subarray(NLMSGERR_LEN, end);
      tlvStart = Math.min(NLMSGERR_LEN + NLMSG_ALIGN(echoed), payload.length);
    } else if (error !== 0 || (flags & NLM_F_ACK_TLVS) !== 0) {
      // Only a pre-4.12 success ACK may legitimately lack the payload its header announces.
      throw new DecodeError(
        `NLMSG_ERROR echoes a ${request.len}-byte request but only ${payload.length - NLMSGERR_LEN} payload bytes follow`,
        baseOffset + NLMSGERR_LEN,
      );
    }
  }
  if ((flags & NLM_F_ACK_TLVS) !== 0) result.extack = decodeExtAck(payload, tlvStart, payload.length, baseOffset);
  return result;
}

/**
 * decodeDone decodes the payload of an NLMSG_DONE message: an s32 (0 or −errno) and, with
 * NLM_F_ACK_TLVS, extended-ACK attributes right after it (`netlink_dump_done()`).
 *
 * @note An empty payload decodes as error 0: the kernel always sends the s32, but peers on
 * NETLINK_USERSOCK and older libraries end dumps with a bare header, and clients such as
 * libnl accept that. 1–3 bytes throw DecodeError.
 */
export function decodeDone(payload: Uint8Array, flags: number, baseOffset = NLMSG_HDRLEN): DecodedDone {
  if (payload.length === 0) return { error: 0, extack: {} };
  if (payload.length < 4) {
    throw new DecodeError(`NLMSG_DONE payload of ${payload.length} bytes is shorter than its s32 error`, baseOffset);
  }
  const error = viewOf(payload).getInt32(0, HOST_LE);
  const extack = (flags & NLM_F_ACK_TLVS) !== 0 ? decodeExtAck(payload, 4, payload.length, baseOffset) : {};
  return { error, extack };
}

/**
 * decodeExtAck decodes NLMSGERR_ATTR_* attributes in `buf[offset, end)` into an ExtAck.
 * POLICY keeps its nest payload (the NL_POLICY_TYPE_ATTR_* attributes) undecoded, and
 * COOKIE and POLICY are copies. Throws DecodeError on malformed or left-over bytes.
 */
export function decodeExtAck(buf: Uint8Array, offset: number, end: number, baseOffset = 0): ExtAck {
  const extack: ExtAck = {};
  const r = new AttrReader(buf, offset, end, baseOffset);
  while (r.next()) {
    switch (r.type) {
      case NLMSGERR_ATTR.NLMSGERR_ATTR_MSG:
        extack.message = r.string();
        break;
      case NLMSGERR_ATTR.NLMSGERR_ATTR_OFFS:
        extack.offset = r.u32();
        break;
      case NLMSGERR_ATTR.NLMSGERR_ATTR_COOKIE:
        extack.cookie = r.bytes();
        break;
      case NLMSGERR_ATTR.NLMSGERR_ATTR_POLICY:
        extack.policy = r.bytes();
        break;
      case NLMSGERR_ATTR.NLMSGERR_ATTR_MISS_TYPE:
        extack.missingType = r.u32();
        break;
      case NLMSGERR_ATTR.NLMSGERR_ATTR_MISS_NEST:
        extack.missingNest = r.u32();
        break;
      default:
        break;
    }
  }
  const err = r.errOrLeftover();
  if (err !== undefined) throw err;
  return extack;
}
