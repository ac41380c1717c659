/**
 * Decoding one datagram into messages: nlmsghdr with flag names by message kind, control
 * messages (NLMSG_ERROR with its echoed request and extended-ACK TLVs, NLMSG_DONE), and the
 * body of every other message through its protocol's decoder. Nothing here throws on bad
 * bytes: what cannot be decoded is kept as hex with a problem note.
 */
import { NLMSG_ALIGN, NLMSG_HDRLEN } from '../../sim/wire/align.js';
import { NLM_F, NLMSG, NLMSGERR_ATTR } from '../../sim/uapi/netlink.js';
import { errnoName } from '../../sim/uapi/errno.js';
import { Bytes } from './bytes.js';
import { type BodySchema, type DecodeContext, type FamilyHeader, type MessageKind, type ProtocolDecoder } from './family.js';
import { genericDecoder, POLICY_TYPE_ATTRS } from './generic.js';
import type { Field, HeaderNode, MessageNode, UeventNode } from './model.js';
import { netfilterDecoder } from './netfilter.js';
import { routeDecoder } from './route.js';
import { type AttrSet, attrSet, decodeAttrs, decodeStruct, scalarSize } from './schema.js';
import { sockDiagDecoder } from './sock-diag.js';
import { decodeUevent } from './uevent.js';

/** DECODERS maps a netlink protocol number to its decoder. */
export const DECODERS: Readonly<Partial<Record<number, ProtocolDecoder>>> = {
  0: routeDecoder,
  4: sockDiagDecoder,
  12: netfilterDecoder,
  16: genericDecoder,
};

const CONTROL_NAMES: Record<number, string> = { 1: 'NLMSG_NOOP', 2: 'NLMSG_ERROR', 3: 'NLMSG_DONE', 4: 'NLMSG_OVERRUN' };

/** NLMSGERR_ATTRS is the extended-ACK attribute set. */
export const NLMSGERR_ATTRS: AttrSet = attrSet('nlmsgerr_attr', NLMSGERR_ATTR, {
  NLMSGERR_ATTR_MSG: 'string',
  NLMSGERR_ATTR_OFFS: 'u32',
  NLMSGERR_ATTR_COOKIE: 'binary',
  NLMSGERR_ATTR_POLICY: { kind: { nest: POLICY_TYPE_ATTRS } },
  NLMSGERR_ATTR_MISS_TYPE: 'u32',
  NLMSGERR_ATTR_MISS_NEST: 'u32',
});

const COMMON_FLAGS: [number, string][] = [
  [NLM_F.NLM_F_REQUEST, 'NLM_F_REQUEST'],
  [NLM_F.NLM_F_MULTI, 'NLM_F_MULTI'],
  [NLM_F.NLM_F_ACK, 'NLM_F_ACK'],
  [NLM_F.NLM_F_ECHO, 'NLM_F_ECHO'],
  [NLM_F.NLM_F_DUMP_INTR, 'NLM_F_DUMP_INTR'],
  [NLM_F.NLM_F_DUMP_FILTERED, 'NLM_F_DUMP_FILTERED'],
];
const MODIFIERS: Record<'get' | 'new' | 'del' | 'ack', [number, string][]> = {
  get: [[NLM_F.NLM_F_ROOT, 'NLM_F_ROOT'], [NLM_F.NLM_F_MATCH, 'NLM_F_MATCH'], [NLM_F.NLM_F_ATOMIC, 'NLM_F_ATOMIC']],
  new: [[NLM_F.NLM_F_REPLACE, 'NLM_F_REPLACE'], [NLM_F.NLM_F_EXCL, 'NLM_F_EXCL'], [NLM_F.NLM_F_CREATE, 'NLM_F_CREATE'], [NLM_F.NLM_F_APPEND, 'NLM_F_APPEND']],
  del: [[NLM_F.NLM_F_NONREC, 'NLM_F_NONREC'], [NLM_F.NLM_F_BULK, 'NLM_F_BULK']],
  ack: [[NLM_F.NLM_F_CAPPED, 'NLM_F_CAPPED'], [NLM_F.NLM_F_ACK_TLVS, 'NLM_F_ACK_TLVS']],
};

/**
 * flagNames names the bits of nlmsg_flags. Bits 8–11 mean different things for GET, NEW and
 * DELETE requests and for ACKs (the uapi reuses them), so `kind` chooses; with no kind they are
 * shown as hex. NLM_F_ROOT|NLM_F_MATCH is named NLM_F_DUMP, as clients write it.
 */
export function flagNames(flags: number, kind: MessageKind | 'ack'): string[] {
  const out: string[] = [];
  let rest = flags;
  for (const [bit, name] of COMMON_FLAGS) {
    if (flags & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (kind === 'get' && (flags & NLM_F.NLM_F_DUMP) === NLM_F.NLM_F_DUMP) {
    out.push('NLM_F_DUMP');
    rest &= ~NLM_F.NLM_F_DUMP;
  }
  if (kind) {
    for (const [bit, name] of MODIFIERS[kind]) {
      if (rest & bit) {
        out.push(name);
        rest &= ~bit;
      }
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}

/** structSize is the byte size of a family header. */
function structSize(h: FamilyHeader): number {
  let n = 0;
  for (const f of h.struct.fields) n += scalarSize(f[1]);
  return n;
}

/** headerFields decodes a family header into named fields with their symbolic texts. */
function headerFields(b: Bytes, at: number, end: number, h: FamilyHeader): Field[] {
  const { fields } = decodeStruct(b, at, end, h.struct);
  for (const f of fields) {
    const t = typeof f.value === 'number' ? h.texts?.[f.name]?.(f.value) : undefined;
    if (t !== undefined) f.text = t;
  }
  return fields;
}

/** DatagramNode is a decoded datagram's messages, plus what was left after them. */
export interface DatagramNode {
  messages: MessageNode[];
  trailingHex?: string;
  uevent?: UeventNode;
}

/** decodeDatagram decodes every message of one datagram of `protocol`, read in byte order `le`. */
export function decodeDatagram(payload: Uint8Array, protocol: number, le: boolean, ctx: DecodeContext): DatagramNode {
  if (protocol === 15) {
    const uevent = decodeUevent(payload, le);
    if (uevent) return { messages: [], uevent };
  }
  const b = new Bytes(payload, le);
  const messages: MessageNode[] = [];
  let off = 0;
  while (payload.length - off >= NLMSG_HDRLEN) {
    const len = b.u32(off);
    if (len < NLMSG_HDRLEN || len > payload.length - off) break;
    messages.push(decodeMessage(b, off, off + len, protocol, ctx, 0));
    off += Math.min(NLMSG_ALIGN(len), payload.length - off);
  }
  const out: DatagramNode = { messages };
  if (off < payload.length) out.trailingHex = b.hex(off, payload.length - off);
  return out;
}

/**
 * decodeMessage decodes the message whose header is at `off`; `end` is where its bytes stop
 * (nlmsg_len, or less for a request echoed in part). `depth` is 1 inside an NLMSG_ERROR.
 */
export function decodeMessage(b: Bytes, off: number, end: number, protocol: number, ctx: DecodeContext, depth: number): MessageNode {
  const type = b.u16(off + 4);
  const flags = b.u16(off + 6);
  const decoder = DECODERS[protocol];
  const p = off + NLMSG_HDRLEN;
  let kind: MessageKind | 'ack' = undefined;
  let typeName: string | undefined;
  if (type < NLMSG.NLMSG_MIN_TYPE) {
    typeName = CONTROL_NAMES[type] ?? `NLMSG_RESERVED_${type}`;
    if (type === NLMSG.NLMSG_ERROR || type === NLMSG.NLMSG_DONE) kind = 'ack';
  } else if (decoder) {
    typeName = decoder.typeName(type, ctx);
    kind = decoder.kind(type, ctx, b, p, end);
  }
  const header: HeaderNode = {
    len: b.u32(off),
    type,
    typeName: typeName ?? `0x${type.toString(16).padStart(4, '0')}`,
    flags,
    flagNames: flagNames(flags, kind),
    seq: b.u32(off + 8),
    pid: b.u32(off + 12),
  };
  const msg: MessageNode = { offset: off, header };
  if (type === NLMSG.NLMSG_ERROR) decodeErrorBody(b, p, end, flags, protocol, ctx, depth, msg);
  else if (type === NLMSG.NLMSG_DONE) decodeDoneBody(b, p, end, flags, msg);
  else if (type < NLMSG.NLMSG_MIN_TYPE || !decoder) {
    if (end > p) msg.hex = b.hex(p, end - p);
  } else decodeBody(b, p, end, decoder.body(type, flags, ctx, b, p, end), msg);
  if (depth === 0) decoder?.learn?.(msg, ctx);
  return msg;
}

/** problem appends a note to a message. */
function problem(msg: MessageNode, text: string): void {
  (msg.problems ??= []).push(text);
}

/** decodeBody decodes a family header and attributes with `schema`. */
function decodeBody(b: Bytes, p: number, end: number, schema: BodySchema, msg: MessageNode): void {
  const avail = end - p;
  let attrStart = p;
  if (schema.header) {
    const size = structSize(schema.header);
    if (avail >= size) {
      msg.familyHeader = { name: schema.header.struct.name, fields: headerFields(b, p, end, schema.header) };
      attrStart = p + NLMSG_ALIGN(size);
    } else if (schema.shortHeader && avail >= structSize(schema.shortHeader)) {
      // An old-style request: rtgenmsg instead of the full header, then only padding.
      msg.familyHeader = { name: schema.shortHeader.struct.name, fields: headerFields(b, p, end, schema.shortHeader) };
      const rest = p + structSize(schema.shortHeader);
      if (rest < end && b.buf.subarray(rest, end).some((x) => x !== 0)) msg.hex = b.hex(rest, end - rest);
      return;
    } else {
      if (avail > 0) msg.hex = b.hex(p, avail);
      if (avail > 0 || !schema.shortHeader) problem(msg, `payload of ${avail} bytes is shorter than struct ${schema.header.struct.name} (${size})`);
      return;
    }
  }
  if (attrStart >= end) return;
  const r = decodeAttrs(b, attrStart, end, schema.attrs);
  msg.attrs = r.attrs;
  if (r.leftover) {
    msg.hex = r.leftover.hex;
    problem(msg, `${r.leftover.hex.length / 2} bytes at offset ${r.leftover.offset} are not attributes`);
  }
}

/** decodeErrorBody decodes struct nlmsgerr, the echoed request and the extended ACK. */
function decodeErrorBody(b: Bytes, p: number, end: number, flags: number, protocol: number, ctx: DecodeContext, depth: number, msg: MessageNode): void {
  if (end - p < 4 + NLMSG_HDRLEN) {
    if (end > p) msg.hex = b.hex(p, end - p);
    problem(msg, `NLMSG_ERROR payload of ${end - p} bytes is shorter than struct nlmsgerr (20)`);
    return;
  }
  const error = b.s32(p);
  const reqAt = p + 4;
  const reqLen = b.u32(reqAt);
  const capped = (flags & NLM_F.NLM_F_CAPPED) !== 0;
  const echoedEnd = capped ? reqAt + NLMSG_HDRLEN : Math.min(end, reqAt + Math.max(reqLen, NLMSG_HDRLEN));
  msg.error = { error, errno: error === 0 ? 'ACK' : (errnoName(-error) ?? `errno ${-error}`) };
  if (depth === 0) msg.error.request = decodeMessage(b, reqAt, echoedEnd, protocol, ctx, depth + 1);
  else msg.error.request = { offset: reqAt, header: { len: reqLen, type: b.u16(reqAt + 4), typeName: '', flags: b.u16(reqAt + 6), flagNames: [], seq: b.u32(reqAt + 8), pid: b.u32(reqAt + 12) } };
  if (!capped && reqAt + reqLen > end && error !== 0) problem(msg, `echoed request of ${reqLen} bytes runs past the message`);
  if (flags & NLM_F.NLM_F_ACK_TLVS) {
    const tlv = capped ? reqAt + NLMSG_HDRLEN : Math.min(end, reqAt + NLMSG_ALIGN(Math.max(reqLen, NLMSG_HDRLEN)));
    const r = decodeAttrs(b, tlv, end, NLMSGERR_ATTRS);
    msg.error.extack = r.attrs;
    if (r.leftover) problem(msg, `extended ACK leftover bytes: ${r.leftover.hex}`);
  }
}

/** decodeDoneBody decodes the s32 of NLMSG_DONE and its extended ACK. */
function decodeDoneBody(b: Bytes, p: number, end: number, flags: number, msg: MessageNode): void {
  if (end - p < 4) {
    if (end > p) {
      msg.hex = b.hex(p, end - p);
      problem(msg, `NLMSG_DONE payload of ${end - p} bytes is shorter than its s32`);
    }
    return;
  }
  const error = b.s32(p);
  msg.done = { error, errno: error === 0 ? '0' : (errnoName(-error) ?? `errno ${-error}`) };
  if (flags & NLM_F.NLM_F_ACK_TLVS) {
    const r = decodeAttrs(b, p + 4, end, NLMSGERR_ATTRS);
    msg.done.extack = r.attrs;
    if (r.leftover) problem(msg, `extended ACK leftover bytes: ${r.leftover.hex}`);
  } else if (end > p + 4) {
    msg.hex = b.hex(p + 4, end - p - 4);
  }
}
