/**
 * Generic netlink families: their definition (struct genl_family with legacy and split ops),
 * the id and multicast-group allocation of genl_register_family(), and the op lookup of
 * genl_get_cmd() / genl_op_iter, which the dispatcher and nlctrl share.
 */
import type { DumpChunk, DumpState } from '../../sim/dump.js';
import type { ExtAck } from '../../sim/errors.js';
import type { RequestContext } from '../../sim/request-loop.js';
import type { ErrnoName } from '../../sim/uapi/errno.js';
import type { AttrWriter } from '../../sim/wire/attr-writer.js';
import { NLA, type AttrView, type Policy } from '../../sim/wire/policy.js';
import { GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP, GENL_DONT_VALIDATE_DUMP } from './uapi.js';

/** GenlMessageBody writes a message's attributes (after the genlmsghdr and family header). */
export type GenlMessageBody = (w: AttrWriter) => void;

/** GenlInfo mirrors struct genl_info: one doit request as its handler sees it. */
export interface GenlInfo {
  readonly family: GenlFamily;
  /** The request (header, message, requester, extack). */
  readonly ctx: RequestContext;
  readonly cmd: number;
  readonly version: number;
  /** The family header (hdrsize bytes after the genlmsghdr). */
  readonly userhdr: Uint8Array;
  /** attrs[t]: the parsed attribute of type t, validated by the op's policy. */
  readonly attrs: (AttrView | undefined)[];
  readonly extack: ExtAck;
  /** reply mirrors genlmsg_reply(): one message (flags 0) to the requester; returns 0 or -errno. */
  reply(cmd: number, body: GenlMessageBody, options?: { userhdr?: Uint8Array; allocSize?: number }): number;
  /** notify mirrors genl_notify(): to the family's group `group` (an index), echoed with NLM_F_ECHO. */
  notify(group: number, cmd: number, body: GenlMessageBody, options?: { userhdr?: Uint8Array }): number;
}

/** GenlDumpInfo mirrors struct genl_dumpit_info plus the callback's cursor. */
export interface GenlDumpInfo {
  readonly family: GenlFamily;
  readonly op: SplitOp;
  readonly attrs: (AttrView | undefined)[];
  readonly dump: DumpState;
  /** Free for the dump callback to keep its position (cb->ctx). */
  cursor: Record<string, unknown>;
  /** put mirrors genlmsg_put() + genlmsg_end() in a dump: false when the message does not fit. */
  put(chunk: DumpChunk, cmd: number, body: GenlMessageBody, options?: { flags?: number; userhdr?: Uint8Array }): boolean;
}

/** GenlDoit handles a doit request; return or throw as a RequestHandler does. */
export type GenlDoit = (info: GenlInfo) => number | ErrnoName | void;
/** GenlDumpit fills one chunk; returns like a DumpCallback (0 when finished). */
export type GenlDumpit = (chunk: DumpChunk, info: GenlDumpInfo) => number;

/** GenlOpDef is a legacy `struct genl_ops` entry: one command, doit and/or dumpit. */
export interface GenlOpDef {
  cmd: number;
  /** GENL_ADMIN_PERM, GENL_UNS_ADMIN_PERM. Defaults to 0. */
  flags?: number;
  /** GENL_DONT_VALIDATE_* bits; only allowed below resvStartOp. Defaults to 0. */
  validate?: number;
  /** The op's policy. Defaults to the family's. */
  policy?: Policy;
  /** The op's maxattr. Defaults to the family's. */
  maxattr?: number;
  doit?: GenlDoit;
  dumpit?: GenlDumpit;
  start?: (info: GenlDumpInfo) => number | void;
  done?: (info: GenlDumpInfo) => void;
}

/** GenlSplitOpDef is a `struct genl_split_ops` entry: exactly one of GENL_CMD_CAP_DO / DUMP in flags. */
export interface GenlSplitOpDef extends GenlOpDef {
  flags: number;
}

/** GenlMcastGroupDef is a `struct genl_multicast_group`. */
export interface GenlMcastGroupDef {
  name: string;
  /** GENL_MCAST_CAP_NET_ADMIN / GENL_MCAST_CAP_SYS_ADMIN. Defaults to 0. */
  flags?: number;
}

/** GenlFamilyDef is what defineGenlFamily() takes: a `struct genl_family`. */
export interface GenlFamilyDef {
  name: string;
  /** Defaults to 1. */
  version?: number;
  /** The family header's size. Defaults to 0. */
  hdrsize?: number;
  /** Defaults to 0 (no attributes parsed). */
  maxattr?: number;
  policy?: Policy;
  ops?: GenlOpDef[];
  splitOps?: GenlSplitOpDef[];
  mcgrps?: GenlMcastGroupDef[];
  /** Commands from this one on get header and flag checks. Defaults to 0 (all commands). */
  resvStartOp?: number;
  /** Visible in every network namespace. Defaults to true. */
  netnsok?: boolean;
}

/** SplitOp is one resolved do or dump op (genl_split_ops after genl_get_cmd()). */
export interface SplitOp {
  cmd: number;
  flags: number;
  validate: number;
  policy: Policy | null;
  maxattr: number;
  doit?: GenlDoit;
  dumpit?: GenlDumpit;
  start?: (info: GenlDumpInfo) => number | void;
  done?: (info: GenlDumpInfo) => void;
}

/** GenlFamily is a registered family. */
export interface GenlFamily {
  readonly id: number;
  readonly name: string;
  readonly version: number;
  readonly hdrsize: number;
  readonly maxattr: number;
  readonly policy: Policy | null;
  readonly ops: readonly GenlOpDef[];
  readonly splitOps: readonly GenlSplitOpDef[];
  readonly mcgrps: readonly GenlMcastGroupDef[];
  /** mcgrp_offset: the global id of group index 0. */
  readonly mcgrpOffset: number;
  readonly resvStartOp: number;
  readonly netnsok: boolean;
}

/** genl_policy_reject_all: what commands at or above resv_start_op without a policy get. */
const REJECT_ALL: Policy = [{ type: NLA.NLA_REJECT }, { type: NLA.NLA_REJECT }];

/** fromFull mirrors genl_op_from_full(): fills the family's policy and the reject-all policy in. */
function fromFull(family: GenlFamily, op: GenlOpDef): GenlOpDef {
  const out = { ...op, maxattr: op.maxattr || family.maxattr, policy: op.policy ?? family.policy ?? undefined };
  if (!out.policy && op.cmd >= family.resvStartOp) {
    out.policy = REJECT_ALL;
    out.maxattr = 1;
  }
  return out;
}

const ZERO_OP: SplitOp = { cmd: 0, flags: 0, validate: 0, policy: null, maxattr: 0 };

/** fullToSplit mirrors genl_cmd_full_to_split(): the do or dump half of a legacy op, or null. */
function fullToSplit(full: GenlOpDef, cap: number): SplitOp | null {
  const dump = cap === GENL_CMD_CAP_DUMP;
  if (dump ? !full.dumpit : !full.doit) return null;
  const noPolicy = dump && (full.validate ?? 0) & GENL_DONT_VALIDATE_DUMP;
  return {
    cmd: full.cmd,
    flags: (full.flags ?? 0) | cap,
    validate: full.validate ?? 0,
    policy: noPolicy ? null : (full.policy ?? null),
    maxattr: noPolicy ? 0 : (full.maxattr ?? 0),
    ...(dump ? { dumpit: full.dumpit, start: full.start, done: full.done } : { doit: full.doit }),
  };
}

/** splitOf copies a split op definition. */
function splitOf(def: GenlSplitOpDef): SplitOp {
  return { ...def, validate: def.validate ?? 0, policy: def.policy ?? null, maxattr: def.maxattr ?? 0 };
}

/**
 * Resolved ops per family, keyed by cmd and cap: a registered family never changes, and
 * resolving copies the op (profiled at a quarter of a GETFAMILY round trip).
 */
const resolved = new WeakMap<GenlFamily, Map<number, SplitOp | null>>();

/** getCmd mirrors genl_get_cmd(): the legacy op first, then the split ops. */
export function getCmd(family: GenlFamily, cmd: number, cap: number): SplitOp | null {
  let cache = resolved.get(family);
  if (!cache) resolved.set(family, (cache = new Map()));
  const key = cmd * 256 + cap;
  let op = cache.get(key);
  if (op === undefined) {
    const full = family.ops.find((o) => o.cmd === cmd);
    const split = full ? null : family.splitOps.find((o) => o.cmd === cmd && o.flags & cap);
    op = full ? fullToSplit(fromFull(family, full), cap) : split ? splitOf(split) : null;
    cache.set(key, op);
  }
  return op;
}

/** OpIterEntry is one step of genl_op_iter: a command's do and dump halves. */
export interface OpIterEntry {
  cmd: number;
  flags: number;
  doit: SplitOp;
  dumpit: SplitOp;
}

/**
 * opIter mirrors genl_op_iter_next(): legacy ops one by one, then split ops, where a CAP_DO
 * entry is paired with the *next* entry if that has CAP_DUMP (whatever its cmd, as Linux
 * does), and split ops without a policy are shown with the reject-all one.
 */
export function* opIter(family: GenlFamily): Generator<OpIterEntry> {
  for (const op of family.ops) {
    const full = fromFull(family, op);
    yield entry(fullToSplit(full, GENL_CMD_CAP_DO) ?? ZERO_OP, fullToSplit(full, GENL_CMD_CAP_DUMP) ?? ZERO_OP);
  }
  const split = family.splitOps;
  for (let i = 0; i < split.length; ) {
    let doit = ZERO_OP;
    let dumpit = ZERO_OP;
    if (split[i]!.flags & GENL_CMD_CAP_DO) doit = rejectFilled(split[i++]!);
    if (i < split.length && split[i]!.flags & GENL_CMD_CAP_DUMP) dumpit = rejectFilled(split[i++]!);
    if (doit === ZERO_OP && dumpit === ZERO_OP) i++;
    yield entry(doit, dumpit);
  }
}

/** rejectFilled mirrors genl_op_fill_in_reject_policy_split(). */
function rejectFilled(def: GenlSplitOpDef): SplitOp {
  const op = splitOf(def);
  return op.policy ? op : { ...op, policy: REJECT_ALL, maxattr: 1 };
}

function entry(doit: SplitOp, dumpit: SplitOp): OpIterEntry {
  return { cmd: doit.cmd | dumpit.cmd, flags: doit.flags | dumpit.flags, doit, dumpit };
}

/**
 * validateOps mirrors genl_validate_ops(): every command needs a handler, appears once, and
 * commands at or above resv_start_op may not relax validation. Returns an errno name or undefined.
 */
export function validateOps(family: GenlFamily): ErrnoName | undefined {
  const seen = new Set<number>();
  for (const e of opIter(family)) {
    if (!(e.flags & (GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP))) return 'EINVAL';
    if (e.cmd >= family.resvStartOp && (e.doit.validate || e.dumpit.validate)) return 'EINVAL';
    if (seen.has(e.cmd)) return 'EINVAL';
    seen.add(e.cmd);
  }
  for (const s of family.splitOps) {
    const caps = s.flags & (GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP);
    if (caps !== GENL_CMD_CAP_DO && caps !== GENL_CMD_CAP_DUMP) return 'EINVAL';
    if (caps === GENL_CMD_CAP_DO ? !s.doit : !s.dumpit) return 'EINVAL';
  }
  return undefined;
}
