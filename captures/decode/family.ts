/**
 * What a protocol decoder tells the message walker: the name of a message type, which of the
 * GET/NEW/DEL modifier sets its flags use, and the family header and attribute set of its body.
 */
import type { Bytes } from './bytes.js';
import type { MessageNode } from './model.js';
import type { AttrSet, StructDef } from './schema.js';

/** DecodeContext is what decoding learns along a capture (generic family names from nlctrl replies). */
export interface DecodeContext {
  /** Generic netlink family id → name, learned from CTRL_ATTR_FAMILY_ID/NAME pairs seen so far. */
  readonly genlFamilies: Map<number, string>;
}

/** newContext returns an empty context; nlctrl's own id is fixed (GENL_ID_CTRL) so it is known. */
export function newContext(): DecodeContext {
  return { genlFamilies: new Map([[0x10, 'nlctrl']]) };
}

/** MessageKind selects the meaning of nlmsg_flags bits 8–11 (NLM_F_ROOT vs NLM_F_REPLACE…). */
export type MessageKind = 'get' | 'new' | 'del' | undefined;

/** FamilyHeader is a fixed header after nlmsghdr, with symbolic names for some of its fields. */
export interface FamilyHeader {
  readonly struct: StructDef;
  readonly texts?: Readonly<Record<string, (v: number) => string | undefined>>;
}

/** BodySchema is how to read one message's payload. */
export interface BodySchema {
  header?: FamilyHeader;
  /** Header used when the payload is shorter than `header` (rtgenmsg for old-style dump requests). */
  shortHeader?: FamilyHeader;
  attrs?: AttrSet;
}

/** ProtocolDecoder decodes the messages of one netlink protocol. */
export interface ProtocolDecoder {
  /** typeName names a message type at or above NLMSG_MIN_TYPE, or returns undefined. */
  typeName(type: number, ctx: DecodeContext): string | undefined;
  /** kind tells which modifier flags apply. */
  kind(type: number, ctx: DecodeContext, b: Bytes, payload: number, end: number): MessageKind;
  /** body returns the schema of a message's payload `[payload, end)`. */
  body(type: number, flags: number, ctx: DecodeContext, b: Bytes, payload: number, end: number): BodySchema;
  /** learn lets a decoder remember what a decoded message teaches (nlctrl family ids). */
  learn?(msg: MessageNode, ctx: DecodeContext): void;
}

/** kindFromName guesses GET/NEW/DEL from a command name, as the kernel's names follow that pattern. */
export function kindFromName(name: string | undefined): MessageKind {
  if (!name) return undefined;
  if (/GET|DUMP/.test(name)) return 'get';
  if (/NEW|SET/.test(name)) return 'new';
  if (/DEL|DESTROY/.test(name)) return 'del';
  return undefined;
}

/** invert turns a uapi constant object into number → name. */
export function invert(o: Readonly<Record<string, number>>): Record<number, string> {
  const out: Record<number, string> = {};
  for (const [k, v] of Object.entries(o)) if (out[v] === undefined) out[v] = k;
  return out;
}
