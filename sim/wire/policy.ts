/**
 * Attribute policies and their validation, as lib/nlattr.c does it (`__nla_validate_parse`,
 * `validate_nla`), plus the NLMSGERR_ATTR_POLICY nest that describes a failed policy entry
 * (`__netlink_policy_dump_write_attr` in net/netlink/policy.c).
 *
 * A policy is an array indexed by attribute type, like `struct nla_policy[]`: a missing slot
 * is NLA_UNSPEC. Offsets in errors count from the start of the message (its nlmsghdr), which
 * is what NLMSGERR_ATTR_OFFS carries.
 */
import { KernelError } from '../errors.js';
import type { ErrnoName } from '../uapi/errno.js';
import { NLA_F_NESTED, NLA_TYPE_MASK } from '../uapi/netlink.js';
import { AttrWriter } from './attr-writer.js';
import { HOST_LE, readU16, readU32, viewOf } from './header.js';

/** NLA holds the policy types of include/net/netlink.h, with the kernel's enum values. */
export const NLA = {
  NLA_UNSPEC: 0,
  NLA_U8: 1,
  NLA_U16: 2,
  NLA_U32: 3,
  NLA_U64: 4,
  NLA_STRING: 5,
  NLA_FLAG: 6,
  NLA_MSECS: 7,
  NLA_NESTED: 8,
  NLA_NESTED_ARRAY: 9,
  NLA_NUL_STRING: 10,
  NLA_BINARY: 11,
  NLA_S8: 12,
  NLA_S16: 13,
  NLA_S32: 14,
  NLA_S64: 15,
  NLA_BITFIELD32: 16,
  NLA_REJECT: 17,
  NLA_BE16: 18,
  NLA_BE32: 19,
  NLA_SINT: 20,
  NLA_UINT: 21,
} as const;

/** NlaType is one of the NLA values. */
export type NlaType = (typeof NLA)[keyof typeof NLA];

/** NL_VALIDATE holds the validation bits of `enum netlink_validation`. */
export const NL_VALIDATE = {
  NL_VALIDATE_LIBERAL: 0,
  NL_VALIDATE_TRAILING: 1 << 0,
  NL_VALIDATE_MAXTYPE: 1 << 1,
  NL_VALIDATE_UNSPEC: 1 << 2,
  NL_VALIDATE_STRICT_ATTRS: 1 << 3,
  NL_VALIDATE_NESTED: 1 << 4,
  /** DEPRECATED_STRICT: the `*_deprecated_strict()` parsers. */
  NL_VALIDATE_DEPRECATED_STRICT: (1 << 0) | (1 << 1),
  /** STRICT: `nlmsg_parse()` and `nla_parse_nested()`. */
  NL_VALIDATE_STRICT: (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4),
} as const;

/** NL_ATTR_TYPE is `enum netlink_attribute_type` (uapi), reported in policy dumps. */
export const NL_ATTR_TYPE = {
  NL_ATTR_TYPE_INVALID: 0,
  NL_ATTR_TYPE_FLAG: 1,
  NL_ATTR_TYPE_U8: 2,
  NL_ATTR_TYPE_U16: 3,
  NL_ATTR_TYPE_U32: 4,
  NL_ATTR_TYPE_U64: 5,
  NL_ATTR_TYPE_S8: 6,
  NL_ATTR_TYPE_S16: 7,
  NL_ATTR_TYPE_S32: 8,
  NL_ATTR_TYPE_S64: 9,
  NL_ATTR_TYPE_BINARY: 10,
  NL_ATTR_TYPE_STRING: 11,
  NL_ATTR_TYPE_NUL_STRING: 12,
  NL_ATTR_TYPE_NESTED: 13,
  NL_ATTR_TYPE_NESTED_ARRAY: 14,
  NL_ATTR_TYPE_BITFIELD32: 15,
  NL_ATTR_TYPE_SINT: 16,
  NL_ATTR_TYPE_UINT: 17,
} as const;

/** NL_POLICY_TYPE_ATTR is `enum netlink_policy_type_attr` (uapi): the keys of a policy description. */
export const NL_POLICY_TYPE_ATTR = {
  NL_POLICY_TYPE_ATTR_UNSPEC: 0,
  NL_POLICY_TYPE_ATTR_TYPE: 1,
  NL_POLICY_TYPE_ATTR_MIN_VALUE_S: 2,
  NL_POLICY_TYPE_ATTR_MAX_VALUE_S: 3,
  NL_POLICY_TYPE_ATTR_MIN_VALUE_U: 4,
  NL_POLICY_TYPE_ATTR_MAX_VALUE_U: 5,
  NL_POLICY_TYPE_ATTR_MIN_LENGTH: 6,
  NL_POLICY_TYPE_ATTR_MAX_LENGTH: 7,
  NL_POLICY_TYPE_ATTR_POLICY_IDX: 8,
  NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE: 9,
  NL_POLICY_TYPE_ATTR_BITFIELD32_MASK: 10,
  NL_POLICY_TYPE_ATTR_PAD: 11,
  NL_POLICY_TYPE_ATTR_MASK: 12,
} as const;

/** MAX_POLICY_RECURSION_DEPTH bounds nesting so a policy that refers to itself cannot recurse forever. */
const MAX_POLICY_RECURSION_DEPTH = 10;

/**
 * NlaPolicy is one `struct nla_policy` entry. Which validation runs follows from the fields
 * set, as the NLA_POLICY_* macros choose `validation_type`: `min` and/or `max` give
 * NLA_VALIDATE_RANGE/MIN/MAX, `mask` NLA_VALIDATE_MASK, `validate` NLA_VALIDATE_FUNCTION.
 */
export interface NlaPolicy {
  type: NlaType;
  /**
   * pt->len: the longest string or binary payload (0: unlimited); the minimum payload for
   * integer and NLA_UNSPEC entries; the nested policy's maxtype for nests (defaults to
   * `nested.length - 1`).
   */
  len?: number;
  /** Range bounds (payload length for NLA_BINARY). */
  min?: number | bigint;
  max?: number | bigint;
  /** NLA_VALIDATE_RANGE_WARN_TOO_LONG: a too-long binary is only refused under STRICT_ATTRS. */
  warnTooLong?: boolean;
  /** NLA_POLICY_MASK: bits outside it are refused ("reserved bit set"). */
  mask?: number | bigint;
  /** The nested policy of NLA_NESTED / NLA_NESTED_ARRAY entries. */
  nested?: Policy;
  /** NLA_BITFIELD32's valid-bits mask. */
  bitfield32Valid?: number;
  /** NLA_REJECT's own extack message (NLA_POLICY_REJECT with a message). */
  rejectMessage?: string;
  /** NLA_VALIDATE_FUNCTION: throw a KernelError to refuse the attribute. */
  validate?: (attr: AttrView) => void;
  /** Only on entry 0: attribute types from this one on are validated strictly whatever the level. */
  strictStartType?: number;
}

/** Policy is a `struct nla_policy[]`: entry t validates attribute type t. */
export type Policy = readonly (NlaPolicy | undefined)[];

const UNSPEC_ENTRY: NlaPolicy = { type: NLA.NLA_UNSPEC };

/** AttrView is one attribute of a parsed message: where it is and its payload (a view, not a copy). */
export class AttrView {
  /** The type without NLA_F_NESTED / NLA_F_NET_BYTEORDER. */
  readonly type: number;
  /** The raw nla_type, flag bits included. */
  readonly rawType: number;
  /** Offset of the attribute header from the message's nlmsghdr. */
  readonly offset: number;
  /** The payload (nla_len − 4 bytes). */
  readonly payload: Uint8Array;

  constructor(rawType: number, offset: number, payload: Uint8Array) {
    this.rawType = rawType;
    this.type = rawType & NLA_TYPE_MASK;
    this.offset = offset;
    this.payload = payload;
  }

  /** length is nla_len() of the attribute. */
  get length(): number {
    return this.payload.length;
  }

  /** u8 mirrors nla_get_u8(): the first byte (validation guarantees there is one). */
  u8(): number {
    return this.payload[0] ?? 0;
  }

  /** u16 mirrors nla_get_u16(): host order, reading what is there as the kernel does. */
  u16(): number {
    return readUnsigned(this.payload, 2, HOST_LE);
  }

  /** u32 mirrors nla_get_u32(). */
  u32(): number {
    return readUnsigned(this.payload, 4, HOST_LE);
  }

  /** u64 mirrors nla_get_u64(). */
  u64(): bigint {
    const p = this.payload;
    if (p.length < 8) return BigInt(readUnsigned(p, Math.min(p.length, 4), HOST_LE));
    return viewOf(p).getBigUint64(0, HOST_LE);
  }

  /** uint mirrors nla_get_uint(): a u32 or a u64 payload. */
  uint(): bigint {
    return this.payload.length === 4 ? BigInt(this.u32()) : this.u64();
  }

  /** string returns the payload up to its first NUL, as nla_strscpy() keeps it (no 16-byte cap). */
  string(): string {
    const nul = this.payload.indexOf(0);
    return new TextDecoder().decode(nul < 0 ? this.payload : this.payload.subarray(0, nul));
  }
}

/** readUnsigned reads a `size`-byte integer, zero-extending a shorter payload. */
function readUnsigned(p: Uint8Array, size: number, le: boolean): number {
  let v = 0;
  for (let i = 0; i < size; i++) {
    const b = p[le ? size - 1 - i : i] ?? 0;
    v = v * 256 + b;
  }
  return v;
}

/** ParseResult is what a successful parse returns. */
export interface ParseResult {
  /** attrs[t] is the last attribute of type t (1 ≤ t ≤ maxtype), as `tb[]` after nla_parse(). */
  attrs: (AttrView | undefined)[];
  /** A warning the kernel leaves in the extack on success (liberal parse with leftover bytes). */
  warning?: string;
}

interface Walk {
  msg: Uint8Array;
  warning?: string;
}

/** fail builds the KernelError of NL_SET_ERR_MSG_ATTR_POL(): message, offset and policy. */
function fail(code: ErrnoName, message: string, attr?: AttrView, pt?: NlaPolicy): KernelError {
  const policy = pt ? policyAttrBytes(pt) : undefined;
  return new KernelError(code, {
    message,
    ...(attr ? { offset: attr.offset } : {}),
    ...(policy ? { policy } : {}),
  });
}

/**
 * parseAttrs mirrors __nla_validate_parse() with a tb[]: validates the attributes found in
 * `message` from `attrOffset` to the end against `policy` at validation `level` (NL_VALIDATE
 * bits) and returns them by type. Throws a KernelError carrying the extack Linux reports.
 */
export function parseAttrs(message: Uint8Array, attrOffset: number, policy: Policy | null, maxtype: number, level: number): ParseResult {
  const walk: Walk = { msg: message };
  const attrs: (AttrView | undefined)[] = new Array(maxtype + 1);
  try {
    validateParse(walk, attrOffset, message.length, maxtype, policy, level, attrs, 0);
  } catch (e) {
    // A bare errno leaves the extack as it was: a nested leftover warning stays visible.
    if (e instanceof KernelError && walk.warning && !e.extack?.message) throw new KernelError(e.code, { ...e.extack, message: walk.warning });
    throw e;
  }
  return walk.warning ? { attrs, warning: walk.warning } : { attrs };
}

/**
 * nlmsgParse mirrors __nlmsg_parse(): refuses a message shorter than its family header
 * ("Invalid header length"), then parses the attributes after NLMSG_ALIGN(hdrlen).
 */
export function nlmsgParse(message: Uint8Array, hdrlen: number, policy: Policy | null, maxtype: number, level: number): ParseResult {
  const len = readU32(message, 0);
  if (len < 16 + hdrlen || message.length < 16 + hdrlen) throw new KernelError('EINVAL', 'Invalid header length');
  const start = 16 + ((hdrlen + 3) & ~3);
  return parseAttrs(message, Math.min(start, message.length), policy, maxtype, level);
}

/** validateParse is __nla_validate_parse() over msg[start, end). */
function validateParse(
  walk: Walk,
  start: number,
  end: number,
  maxtype: number,
  policy: Policy | null,
  level: number,
  tb: (AttrView | undefined)[] | null,
  depth: number,
): void {
  if (depth >= MAX_POLICY_RECURSION_DEPTH) throw new KernelError('EINVAL', 'allowed policy recursion depth exceeded');
  const msg = walk.msg;
  let pos = start;
  // nla_for_each_attr(): while nla_ok(), i.e. rem ≥ 4, nla_len ≥ 4 and nla_len ≤ rem.
  while (end - pos >= 4) {
    const nlaLen = readU16(msg, pos);
    if (nlaLen < 4 || nlaLen > end - pos) break;
    const attr = new AttrView(readU16(msg, pos + 2), pos, msg.subarray(pos + 4, pos + nlaLen));
    pos += Math.min((nlaLen + 3) & ~3, end - pos);
    const type = attr.type;
    if (type === 0 || type > maxtype) {
      if (level & NL_VALIDATE.NL_VALIDATE_MAXTYPE) throw fail('EINVAL', 'Unknown attribute type', attr);
      continue;
    }
    if (policy) validateNla(walk, attr, maxtype, policy, level, depth);
    if (tb) tb[type] = attr;
  }
  if (end - pos > 0) {
    // NL_SET_ERR_MSG(): the message only, always; an error only with TRAILING.
    walk.warning = 'bytes leftover after parsing attributes';
    if (level & NL_VALIDATE.NL_VALIDATE_TRAILING) throw new KernelError('EINVAL', walk.warning);
  }
}

/** NLA_ATTR_LEN is nla_attr_len[]: the exact size of the fixed-size types. */
const NLA_ATTR_LEN: Partial<Record<NlaType, number>> = {
  [NLA.NLA_U8]: 1,
  [NLA.NLA_U16]: 2,
  [NLA.NLA_U32]: 4,
  [NLA.NLA_U64]: 8,
  [NLA.NLA_S8]: 1,
  [NLA.NLA_S16]: 2,
  [NLA.NLA_S32]: 4,
  [NLA.NLA_S64]: 8,
  [NLA.NLA_BE16]: 2,
  [NLA.NLA_BE32]: 4,
};

/** NLA_ATTR_MINLEN is nla_attr_minlen[]: the least payload of the other types. */
const NLA_ATTR_MINLEN: Partial<Record<NlaType, number>> = {
  ...NLA_ATTR_LEN,
  [NLA.NLA_MSECS]: 8,
  [NLA.NLA_NESTED]: 4,
};

const isNest = (t: NlaType) => t === NLA.NLA_NESTED || t === NLA.NLA_NESTED_ARRAY;

/** validateNla mirrors validate_nla(): one attribute against its policy entry. */
function validateNla(walk: Walk, attr: AttrView, maxtype: number, policy: Policy, level: number, depth: number): void {
  const strictStart = policy[0]?.strictStartType ?? 0;
  if (strictStart && attr.type >= strictStart) level |= NL_VALIDATE.NL_VALIDATE_STRICT;
  const pt = policy[attr.type] ?? UNSPEC_ENTRY;
  const attrlen = attr.length;
  const exact = NLA_ATTR_LEN[pt.type];
  if (exact !== undefined && attrlen !== exact && level & NL_VALIDATE.NL_VALIDATE_STRICT_ATTRS) {
    throw fail('EINVAL', 'invalid attribute length', attr, pt);
  }
  if (level & NL_VALIDATE.NL_VALIDATE_NESTED) {
    const flagged = (attr.rawType & NLA_F_NESTED) !== 0;
    if (isNest(pt.type) && !flagged) throw fail('EINVAL', 'NLA_F_NESTED is missing', attr, pt);
    if (!isNest(pt.type) && pt.type !== NLA.NLA_UNSPEC && flagged) throw fail('EINVAL', 'NLA_F_NESTED not expected', attr, pt);
  }
  const policyFail = (code: ErrnoName = 'ERANGE') => fail(code, 'Attribute failed policy validation', attr, pt);
  const p = attr.payload;
  switch (pt.type) {
    case NLA.NLA_REJECT:
      if (pt.rejectMessage) throw new KernelError('EINVAL', { message: pt.rejectMessage, offset: attr.offset });
      throw policyFail('EINVAL');
    case NLA.NLA_FLAG:
      if (attrlen > 0) throw policyFail();
      break;
    case NLA.NLA_SINT:
    case NLA.NLA_UINT:
      if (attrlen !== 4 && attrlen !== 8) throw fail('EINVAL', 'invalid attribute length', attr, pt);
      break;
    case NLA.NLA_BITFIELD32: {
      if (attrlen !== 8) throw policyFail();
      const v = viewOf(p);
      const value = v.getUint32(0, HOST_LE);
      const selector = v.getUint32(4, HOST_LE);
      const valid = pt.bitfield32Valid ?? 0;
      // validate_nla_bitfield32(): its EINVAL goes through out_err, so the generic message.
      if (!valid || (selector & ~valid) >>> 0 || (value & ~valid) >>> 0 || (value & ~selector) >>> 0) throw policyFail('EINVAL');
      break;
    }
    case NLA.NLA_NUL_STRING:
    case NLA.NLA_STRING: {
      if (pt.type === NLA.NLA_NUL_STRING) {
        const minlen = pt.len ? Math.min(attrlen, pt.len + 1) : attrlen;
        if (!minlen || p.subarray(0, minlen).indexOf(0) < 0) throw policyFail('EINVAL');
      }
      if (attrlen < 1) throw policyFail();
      if (pt.len) {
        const len = p[attrlen - 1] === 0 ? attrlen - 1 : attrlen;
        if (len > pt.len) throw policyFail();
      }
      break;
    }
    case NLA.NLA_BINARY:
      if (pt.len && attrlen > pt.len) throw policyFail();
      break;
    case NLA.NLA_NESTED:
    case NLA.NLA_NESTED_ARRAY:
      if (attrlen === 0) break;
      if (attrlen < 4) throw policyFail();
      if (pt.nested) {
        const nestedMax = pt.len ?? pt.nested.length - 1;
        const start = attr.offset + 4;
        // Errors inside keep their own message and offset (returned directly, not via out_err).
        if (pt.type === NLA.NLA_NESTED) validateParse(walk, start, start + attrlen, nestedMax, pt.nested, level, null, depth + 1);
        else validateArray(walk, start, start + attrlen, nestedMax, pt.nested, level, depth);
      }
      break;
    case NLA.NLA_UNSPEC:
      if (level & NL_VALIDATE.NL_VALIDATE_UNSPEC) throw new KernelError('EINVAL', { message: 'Unsupported attribute', offset: attr.offset });
      if (attrlen < (pt.len ?? 0)) throw policyFail();
      break;
    default: {
      const minlen = pt.len || (NLA_ATTR_MINLEN[pt.type] ?? 0);
      if (attrlen < minlen) throw policyFail();
    }
  }
  if (pt.min !== undefined || pt.max !== undefined) validateRange(attr, pt, level);
  else if (pt.mask !== undefined) validateMask(attr, pt);
  else if (pt.validate) pt.validate(attr);
}

/** validateArray mirrors nla_validate_array(): each element of a NESTED_ARRAY is a nest of its own. */
function validateArray(walk: Walk, start: number, end: number, maxtype: number, policy: Policy, level: number, depth: number): void {
  let pos = start;
  while (end - pos >= 4) {
    const nlaLen = readU16(walk.msg, pos);
    if (nlaLen < 4 || nlaLen > end - pos) break;
    const entry = new AttrView(readU16(walk.msg, pos + 2), pos, walk.msg.subarray(pos + 4, pos + nlaLen));
    pos += Math.min((nlaLen + 3) & ~3, end - pos);
    if (entry.length === 0) continue;
    if (entry.length < 4) {
      // NL_SET_ERR_MSG_ATTR_POL() with the array's policy *array*, i.e. its entry 0.
      throw fail('ERANGE', 'Array element too short', entry, policy[0] ?? UNSPEC_ENTRY);
    }
    validateParse(walk, entry.offset + 4, entry.offset + 4 + entry.length, maxtype, policy, level, null, depth + 1);
  }
}

interface Range {
  min: bigint;
  max: bigint;
}

const U_MAX: Partial<Record<NlaType, bigint>> = {
  [NLA.NLA_U8]: 0xffn,
  [NLA.NLA_U16]: 0xffffn,
  [NLA.NLA_BE16]: 0xffffn,
  [NLA.NLA_BINARY]: 0xffffn,
  [NLA.NLA_U32]: 0xffffffffn,
  [NLA.NLA_BE32]: 0xffffffffn,
  [NLA.NLA_U64]: (1n << 64n) - 1n,
  [NLA.NLA_UINT]: (1n << 64n) - 1n,
  [NLA.NLA_MSECS]: (1n << 64n) - 1n,
};

const S_BITS: Partial<Record<NlaType, bigint>> = {
  [NLA.NLA_S8]: 8n,
  [NLA.NLA_S16]: 16n,
  [NLA.NLA_S32]: 32n,
  [NLA.NLA_S64]: 64n,
  [NLA.NLA_SINT]: 64n,
};

/** rangeOf mirrors nla_get_range_unsigned() / nla_get_range_signed(). */
export function rangeOf(pt: NlaPolicy): Range | undefined {
  let r: Range;
  const umax = U_MAX[pt.type];
  const sbits = S_BITS[pt.type];
  if (umax !== undefined) r = { min: 0n, max: umax };
  else if (sbits !== undefined) r = { min: -(1n << (sbits - 1n)), max: (1n << (sbits - 1n)) - 1n };
  else return undefined;
  if (pt.min !== undefined) r.min = BigInt(pt.min);
  if (pt.max !== undefined) r.max = BigInt(pt.max);
  return r;
}

/** intValue reads an integer attribute as nla_validate_range_*() does (BINARY: its length). */
function intValue(attr: AttrView, type: NlaType): bigint | undefined {
  const p = attr.payload;
  const v = viewOf(p);
  switch (type) {
    case NLA.NLA_U8:
      return BigInt(p[0]!);
    case NLA.NLA_U16:
      return BigInt(v.getUint16(0, HOST_LE));
    case NLA.NLA_U32:
      return BigInt(v.getUint32(0, HOST_LE));
    case NLA.NLA_U64:
    case NLA.NLA_MSECS:
      return v.getBigUint64(0, HOST_LE);
    case NLA.NLA_UINT:
      return p.length === 4 ? BigInt(v.getUint32(0, HOST_LE)) : v.getBigUint64(0, HOST_LE);
    case NLA.NLA_BE16:
      return BigInt(v.getUint16(0, false));
    case NLA.NLA_BE32:
      return BigInt(v.getUint32(0, false));
    case NLA.NLA_BINARY:
      return BigInt(p.length);
    case NLA.NLA_S8:
      return BigInt(v.getInt8(0));
    case NLA.NLA_S16:
      return BigInt(v.getInt16(0, HOST_LE));
    case NLA.NLA_S32:
      return BigInt(v.getInt32(0, HOST_LE));
    case NLA.NLA_S64:
      return v.getBigInt64(0, HOST_LE);
    case NLA.NLA_SINT:
      return p.length === 4 ? BigInt(v.getInt32(0, HOST_LE)) : v.getBigInt64(0, HOST_LE);
    default:
      return undefined;
  }
}

/** validateRange mirrors nla_validate_int_range(). */
function validateRange(attr: AttrView, pt: NlaPolicy, level: number): void {
  const range = rangeOf(pt);
  const value = range && attr.length >= (NLA_ATTR_LEN[pt.type] ?? 0) ? intValue(attr, pt.type) : undefined;
  if (!range || value === undefined) throw new KernelError('EINVAL');
  if (pt.warnTooLong && pt.type === NLA.NLA_BINARY && value > range.max) {
    if (level & NL_VALIDATE.NL_VALIDATE_STRICT_ATTRS) throw fail('EINVAL', 'invalid attribute length', attr, pt);
    return;
  }
  if (value < range.min || value > range.max) {
    const what = pt.type === NLA.NLA_BINARY ? 'binary attribute size out of range' : 'integer out of range';
    throw fail('ERANGE', what, attr, pt);
  }
}

/** validateMask mirrors nla_validate_mask(): NL_SET_ERR_MSG_ATTR, so no policy nest. */
function validateMask(attr: AttrView, pt: NlaPolicy): void {
  const masked = pt.type !== NLA.NLA_BINARY && U_MAX[pt.type] !== undefined;
  const value = masked ? intValue(attr, pt.type) : undefined;
  if (value === undefined) throw new KernelError('EINVAL');
  if (value & ~BigInt(pt.mask!) & ((1n << 64n) - 1n)) throw new KernelError('EINVAL', { message: 'reserved bit set', offset: attr.offset });
}

const NL_ATTR_TYPE_OF: Partial<Record<NlaType, number>> = {
  [NLA.NLA_FLAG]: NL_ATTR_TYPE.NL_ATTR_TYPE_FLAG,
  [NLA.NLA_U8]: NL_ATTR_TYPE.NL_ATTR_TYPE_U8,
  [NLA.NLA_U16]: NL_ATTR_TYPE.NL_ATTR_TYPE_U16,
  [NLA.NLA_U32]: NL_ATTR_TYPE.NL_ATTR_TYPE_U32,
  [NLA.NLA_U64]: NL_ATTR_TYPE.NL_ATTR_TYPE_U64,
  [NLA.NLA_MSECS]: NL_ATTR_TYPE.NL_ATTR_TYPE_U64,
  [NLA.NLA_UINT]: NL_ATTR_TYPE.NL_ATTR_TYPE_UINT,
  // Unverified: big-endian types are reported as their host-order width.
  [NLA.NLA_BE16]: NL_ATTR_TYPE.NL_ATTR_TYPE_U16,
  [NLA.NLA_BE32]: NL_ATTR_TYPE.NL_ATTR_TYPE_U32,
  [NLA.NLA_S8]: NL_ATTR_TYPE.NL_ATTR_TYPE_S8,
  [NLA.NLA_S16]: NL_ATTR_TYPE.NL_ATTR_TYPE_S16,
  [NLA.NLA_S32]: NL_ATTR_TYPE.NL_ATTR_TYPE_S32,
  [NLA.NLA_S64]: NL_ATTR_TYPE.NL_ATTR_TYPE_S64,
  [NLA.NLA_SINT]: NL_ATTR_TYPE.NL_ATTR_TYPE_SINT,
  [NLA.NLA_BITFIELD32]: NL_ATTR_TYPE.NL_ATTR_TYPE_BITFIELD32,
  [NLA.NLA_STRING]: NL_ATTR_TYPE.NL_ATTR_TYPE_STRING,
  [NLA.NLA_NUL_STRING]: NL_ATTR_TYPE.NL_ATTR_TYPE_NUL_STRING,
  [NLA.NLA_BINARY]: NL_ATTR_TYPE.NL_ATTR_TYPE_BINARY,
  [NLA.NLA_NESTED]: NL_ATTR_TYPE.NL_ATTR_TYPE_NESTED,
  [NLA.NLA_NESTED_ARRAY]: NL_ATTR_TYPE.NL_ATTR_TYPE_NESTED_ARRAY,
};

/** PolicyIndex resolves a nested policy to its index in a policy dump (netlink_policy_dump_get_policy_idx). */
export type PolicyIndex = (policy: Policy, maxtype: number) => number;

/**
 * writePolicyAttr mirrors __netlink_policy_dump_write_attr() without the nest header: the
 * NL_POLICY_TYPE_ATTR_* describing `pt`, TYPE last. Returns false (nothing written) for
 * entries Linux does not describe (NLA_UNSPEC, NLA_REJECT). `index` is given in policy
 * dumps, where nests also name their policy.
 */
export function writePolicyAttr(w: AttrWriter, pt: NlaPolicy, index?: PolicyIndex): boolean {
  const type = NL_ATTR_TYPE_OF[pt.type];
  if (type === undefined) return false;
  const A = NL_POLICY_TYPE_ATTR;
  if (isNest(pt.type)) {
    const maxtype = pt.nested ? (pt.len ?? pt.nested.length - 1) : 0;
    if (index && pt.nested && maxtype) {
      w.u32(A.NL_POLICY_TYPE_ATTR_POLICY_IDX, index(pt.nested, maxtype));
      w.u32(A.NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE, maxtype);
    }
  } else if (U_MAX[pt.type] !== undefined && pt.type !== NLA.NLA_BINARY) {
    if (pt.mask !== undefined && pt.min === undefined && pt.max === undefined) w.u64(A.NL_POLICY_TYPE_ATTR_MASK, BigInt(pt.mask));
    else if (!pt.validate || pt.min !== undefined || pt.max !== undefined) {
      const r = rangeOf(pt)!;
      w.u64(A.NL_POLICY_TYPE_ATTR_MIN_VALUE_U, r.min);
      w.u64(A.NL_POLICY_TYPE_ATTR_MAX_VALUE_U, r.max);
    }
  } else if (S_BITS[pt.type] !== undefined) {
    if (!pt.validate || pt.min !== undefined || pt.max !== undefined) {
      const r = rangeOf(pt)!;
      w.s64(A.NL_POLICY_TYPE_ATTR_MIN_VALUE_S, r.min);
      w.s64(A.NL_POLICY_TYPE_ATTR_MAX_VALUE_S, r.max);
    }
  } else if (pt.type === NLA.NLA_BITFIELD32) {
    w.u32(A.NL_POLICY_TYPE_ATTR_BITFIELD32_MASK, pt.bitfield32Valid ?? 0);
  } else if (pt.type === NLA.NLA_STRING || pt.type === NLA.NLA_NUL_STRING || pt.type === NLA.NLA_BINARY) {
    if (pt.type === NLA.NLA_BINARY && pt.min !== undefined && pt.max !== undefined) {
      // NLA_VALIDATE_RANGE on a binary: its length bounds.
      const r = rangeOf(pt)!;
      if (r.min) w.u32(A.NL_POLICY_TYPE_ATTR_MIN_LENGTH, Number(r.min));
      if (r.max < 0xffffn) w.u32(A.NL_POLICY_TYPE_ATTR_MAX_LENGTH, Number(r.max));
    } else if (pt.len) w.u32(A.NL_POLICY_TYPE_ATTR_MAX_LENGTH, pt.len);
  }
  w.u32(A.NL_POLICY_TYPE_ATTR_TYPE, type);
  return true;
}

/**
 * policyAttrBytes is the payload of an NLMSGERR_ATTR_POLICY nest for `pt`
 * (netlink_policy_dump_write_attr() without a dump state), or undefined when Linux would
 * cancel the nest (NLA_UNSPEC, NLA_REJECT).
 */
export function policyAttrBytes(pt: NlaPolicy): Uint8Array | undefined {
  const w = new AttrWriter({ initialSize: 64 });
  return writePolicyAttr(w, pt) ? w.finish() : undefined;
}
