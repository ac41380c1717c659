/**
 * The slice of lib/nlattr.c that rtnetlink's link requests need: __nla_validate_parse() over
 * a policy table, with the three validation levels and the kernel's extack texts. A local
 * stand-in until sim/wire/policy.ts exists; it knows the policy types ifla_policy uses.
 */
import { KernelError, type ExtAck } from '../../sim/errors.js';
import { AttrWriter } from '../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../sim/wire/header.js';

/** PolicyType names the NLA_* types nlsim validates. */
export type PolicyType = 'u8' | 'u16' | 'u32' | 's32' | 'string' | 'binary' | 'nested' | 'reject';

/** PolicyEntry is one struct nla_policy slot. */
export interface PolicyEntry {
  type: PolicyType;
  /** .len: the longest string (without NUL) or binary payload. */
  len?: number;
}

/** Policy is a struct nla_policy array indexed by attribute type (holes are NLA_UNSPEC). */
export type Policy = readonly (PolicyEntry | undefined)[];

/** Validation mirrors enum netlink_validation's three levels as nlmsg_parse*() use them. */
export type Validation = 'liberal' | 'deprecated-strict' | 'strict';

/** Attr is one accepted attribute: its payload and the offset of its header in the message. */
export interface Attr {
  readonly payload: Uint8Array;
  readonly offset: number;
}

/** ParsedAttrs is the kernel's tb[] array plus a liberal parse's warning. */
export interface ParsedAttrs {
  readonly tb: (Attr | undefined)[];
  /** "bytes leftover after parsing attributes" in a liberal parse: only a warning. */
  readonly warning?: string;
}

// NL_ATTR_TYPE_* and NL_POLICY_TYPE_ATTR_* (linux/netlink.h), for the extack POLICY nest.
const NL_ATTR_TYPE = { u8: 2, u16: 3, u32: 4, s32: 8, binary: 10, string: 11, nested: 13 } as const;
const NL_POLICY_TYPE_ATTR = { TYPE: 1, MIN_VALUE_S: 2, MAX_VALUE_S: 3, MIN_VALUE_U: 4, MAX_VALUE_U: 5, MAX_LENGTH: 7 } as const;
const FIXED: Partial<Record<PolicyType, number>> = { u8: 1, u16: 2, u32: 4, s32: 4 };

/** policyNest mirrors netlink_policy_dump_write_attr() for the entry reported with an error. */
function policyNest(p: PolicyEntry): Uint8Array | undefined {
  const w = new AttrWriter();
  switch (p.type) {
    case 'u8':
    case 'u16':
    case 'u32': {
      const max = p.type === 'u8' ? 0xff : p.type === 'u16' ? 0xffff : 0xffffffff;
      w.u64(NL_POLICY_TYPE_ATTR.MIN_VALUE_U, 0);
      w.u64(NL_POLICY_TYPE_ATTR.MAX_VALUE_U, max);
      break;
    }
    case 's32':
      w.s64(NL_POLICY_TYPE_ATTR.MIN_VALUE_S, -0x80000000);
      w.s64(NL_POLICY_TYPE_ATTR.MAX_VALUE_S, 0x7fffffff);
      break;
    case 'string':
    case 'binary':
      if (p.len) w.u32(NL_POLICY_TYPE_ATTR.MAX_LENGTH, p.len);
      break;
    case 'nested':
      break;
    default:
      return undefined;
  }
  w.u32(NL_POLICY_TYPE_ATTR.TYPE, NL_ATTR_TYPE[p.type]);
  return w.finish();
}

function fail(code: 'EINVAL' | 'ERANGE', message: string, offset: number, p?: PolicyEntry): never {
  const extack: ExtAck = { message, offset };
  const policy = p && policyNest(p);
  if (policy) extack.policy = policy;
  throw new KernelError(code, extack);
}

/** validateOne mirrors validate_nla() for the policy types above. */
function validateOne(p: PolicyEntry, payload: Uint8Array, offset: number, validation: Validation): void {
  const len = payload.length;
  const fixed = FIXED[p.type];
  if (fixed !== undefined) {
    // NL_VALIDATE_STRICT_ATTRS (full strict only) wants the exact size; otherwise longer is fine.
    if (validation === 'strict' && len !== fixed) fail('EINVAL', 'invalid attribute length', offset, p);
    if (len < fixed) fail('ERANGE', 'Attribute failed policy validation', offset, p);
    return;
  }
  switch (p.type) {
    case 'reject':
      fail('EINVAL', 'Attribute failed policy validation', offset);
    // falls through (fail never returns)
    case 'string': {
      if (len < 1) fail('ERANGE', 'Attribute failed policy validation', offset, p);
      const strlen = payload[len - 1] === 0 ? len - 1 : len;
      if (p.len && strlen > p.len) fail('ERANGE', 'Attribute failed policy validation', offset, p);
      return;
    }
    case 'binary':
      if (p.len && len > p.len) fail('ERANGE', 'Attribute failed policy validation', offset, p);
      return;
    case 'nested':
      if (len > 0 && len < 4) fail('ERANGE', 'Attribute failed policy validation', offset, p);
      return;
  }
}

/**
 * parseAttrs mirrors __nla_validate_parse() over `message` (a whole netlink message) from
 * `start` (after the family header): fills tb[] with the last occurrence of each type, throws
 * KernelError with the kernel's extack for invalid input. Offsets count from the message start.
 */
export function parseAttrs(message: Uint8Array, start: number, policy: Policy, maxType: number, validation: Validation): ParsedAttrs {
  const tb: (Attr | undefined)[] = new Array(maxType + 1);
  const v = viewOf(message);
  let off = start;
  let rem = message.length - start;
  while (rem >= 4) {
    const nlaLen = v.getUint16(off, HOST_LE);
    if (nlaLen < 4 || nlaLen > rem) break;
    const type = v.getUint16(off + 2, HOST_LE) & 0x3fff;
    const payload = message.subarray(off + 4, off + nlaLen);
    if (type === 0 || type > maxType) {
      if (validation !== 'liberal') fail('EINVAL', 'Unknown attribute type', off);
    } else {
      const p = policy[type];
      if (p) validateOne(p, payload, off, validation);
      tb[type] = { payload, offset: off };
    }
    const step = (nlaLen + 3) & ~3;
    off += step;
    rem -= step;
  }
  if (rem > 0) {
    const message = 'bytes leftover after parsing attributes';
    if (validation !== 'liberal') throw new KernelError('EINVAL', { message });
    return { tb, warning: message };
  }
  return { tb };
}

/** attrU32 reads a u32 attribute (the first 4 bytes, as nla_get_u32() does). */
export function attrU32(a: Attr): number {
  return viewOf(a.payload).getUint32(0, HOST_LE);
}

/** attrU8 reads a u8 attribute. */
export function attrU8(a: Attr): number {
  return a.payload[0]!;
}

/** attrString mirrors nla_strscpy(): the bytes up to the first NUL (or the end). */
export function attrString(a: Attr): string {
  const nul = a.payload.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? a.payload : a.payload.subarray(0, nul));
}
