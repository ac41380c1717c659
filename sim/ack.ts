/**
 * NLMSG_ERROR replies (ACKs) and extended-ACK TLVs. Mirrors netlink_ack(),
 * netlink_ack_tlv_len() and netlink_ack_tlv_fill().
 */
import type { ExtAck } from './errors.js';
import type { NetlinkSock } from './sock.js';
import { NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSG_ERROR, NLMSGERR_ATTR } from './uapi/netlink.js';
import { AttrWriter } from './wire/attr-writer.js';
import { type NlMsgHdr, writeHeader, writeU32 } from './wire/header.js';

const NLA_ALIGN = (n: number) => (n + 3) & ~3;
const NLMSG_ALIGN = NLA_ALIGN;
const nlaTotal = (payload: number) => NLA_ALIGN(4 + payload);
const utf8 = new TextEncoder();

/**
 * ackTlvLength mirrors netlink_ack_tlv_len(): the room the extended-ACK TLVs need, 0 when
 * the socket did not ask for them or there are none. OFFS, POLICY and MISS_* only count
 * for errors: a warning on success carries MSG and COOKIE alone.
 */
export function ackTlvLength(sk: NetlinkSock, err: number, extack: ExtAck | undefined): number {
  if (!extack || !sk.extAck) return 0;
  let len = 0;
  if (extack.message) len += nlaTotal(utf8.encode(extack.message).length + 1);
  if (extack.cookie?.length) len += nlaTotal(extack.cookie.length);
  if (!err) return len;
  if (extack.offset !== undefined) len += nlaTotal(4);
  if (extack.policy) len += nlaTotal(extack.policy.length);
  if (extack.missingType) len += nlaTotal(4);
  if (extack.missingNest !== undefined) len += nlaTotal(4);
  return len;
}

/** writeAckTlvs mirrors netlink_ack_tlv_fill(): MSG, COOKIE, then for errors OFFS, POLICY, MISS_TYPE, MISS_NEST. */
export function writeAckTlvs(w: AttrWriter, err: number, extack: ExtAck): void {
  if (extack.message) w.string(NLMSGERR_ATTR.NLMSGERR_ATTR_MSG, extack.message);
  if (extack.cookie?.length) w.bytes(NLMSGERR_ATTR.NLMSGERR_ATTR_COOKIE, extack.cookie);
  if (!err) return;
  if (extack.offset !== undefined) w.u32(NLMSGERR_ATTR.NLMSGERR_ATTR_OFFS, extack.offset);
  if (extack.policy) {
    const nest = w.beginNest(NLMSGERR_ATTR.NLMSGERR_ATTR_POLICY);
    w.raw(extack.policy);
    w.endNest(nest);
  }
  if (extack.missingType) w.u32(NLMSGERR_ATTR.NLMSGERR_ATTR_MISS_TYPE, extack.missingType);
  if (extack.missingNest !== undefined) w.u32(NLMSGERR_ATTR.NLMSGERR_ATTR_MISS_NEST, extack.missingNest);
}

/** Ack is an encoded NLMSG_ERROR and the size the kernel allocated for it. */
export interface Ack {
  data: Uint8Array;
  allocSize: number;
}

/**
 * buildAck mirrors netlink_ack(): an NLMSG_ERROR for the request `message` (whose header is
 * `request`) with `err` (0 or a negative errno). Success ACKs are always capped; errors echo
 * the request payload unless the socket set NETLINK_CAP_ACK.
 */
export function buildAck(sk: NetlinkSock, portid: number, request: NlMsgHdr, message: Uint8Array, err: number, extack?: ExtAck): Ack {
  let flags = 0;
  let echoed = 0;
  if (err && !sk.capAck) echoed = request.len - 16;
  else flags |= NLM_F_CAPPED;
  const tlvLen = ackTlvLength(sk, err, extack);
  if (tlvLen) flags |= NLM_F_ACK_TLVS;
  let tlvs: Uint8Array | null = null;
  if (tlvLen) {
    const w = new AttrWriter({ initialSize: tlvLen });
    writeAckTlvs(w, err, extack!);
    tlvs = w.finishShared();
  }
  const len = 16 + 20 + NLMSG_ALIGN(echoed) + (tlvs?.length ?? 0);
  const out = new Uint8Array(len);
  writeHeader(out, 0, { len, type: NLMSG_ERROR, flags, seq: request.seq, pid: portid });
  writeU32(out, 16, err);
  out.set(message.subarray(0, 16), 20);
  if (echoed) out.set(message.subarray(16, 16 + echoed), 36);
  if (tlvs) out.set(tlvs, 36 + NLMSG_ALIGN(echoed));
  // nlmsg_new(payload + tlvlen): the size netlink_trim() later compares against.
  return { data: out, allocSize: NLMSG_ALIGN(16 + 20 + echoed + tlvLen) };
}
