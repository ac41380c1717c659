/**
 * Request dispatch of NETLINK_GENERIC: genl_rcv_msg(), genl_family_rcv_msg() with
 * genl_header_check(), and the doit and dump paths with their attribute parsing
 * (genl_family_rcv_msg_attrs_parse(), genl_start()).
 */
import type { DumpState } from '../../sim/dump.js';
import { KernelError } from '../../sim/errors.js';
import type { RequestContext, RequestHandler } from '../../sim/request-loop.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_REQUEST } from '../../sim/uapi/netlink.js';
import { readU16 } from '../../sim/wire/header.js';
import { NL_VALIDATE, nlmsgParse, type AttrView } from '../../sim/wire/policy.js';
import { getCmd, type GenlDumpInfo, type GenlFamily, type GenlInfo, type SplitOp } from './family.js';
import { genlBody } from './message.js';
import type { GenlRegistry } from './registry.js';
import {
  GENL_ADMIN_PERM,
  GENL_CMD_CAP_DO,
  GENL_CMD_CAP_DUMP,
  GENL_DONT_VALIDATE_DUMP_STRICT,
  GENL_DONT_VALIDATE_STRICT,
  GENL_HDRLEN,
  GENL_UNS_ADMIN_PERM,
} from './uapi.js';

/** genlRcvMsg returns the per-message handler of NETLINK_GENERIC (genl_rcv_msg()). */
export function genlRcvMsg(registry: GenlRegistry): RequestHandler {
  return (ctx) => {
    const family = registry.byId(ctx.header.type);
    if (!family) return 'ENOENT';
    return familyRcvMsg(registry, family, ctx);
  };
}

/** headerCheck mirrors genl_header_check(): only for commands at or above resv_start_op. */
function headerCheck(family: GenlFamily, ctx: RequestContext): void {
  const cmd = ctx.message[16]!;
  if (cmd < family.resvStartOp) return;
  if (readU16(ctx.message, 18)) throw new KernelError('EINVAL', 'genlmsghdr.reserved field is not 0');
  let flags = ctx.header.flags;
  // NLM_F_DUMP is two bits: only the complete pair is removed.
  if ((flags & NLM_F_DUMP) === NLM_F_DUMP) flags &= ~NLM_F_DUMP;
  if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) throw new KernelError('EINVAL', 'ambiguous or reserved bits set in nlmsg_flags');
}

/** familyRcvMsg mirrors genl_family_rcv_msg(). */
function familyRcvMsg(registry: GenlRegistry, family: GenlFamily, ctx: RequestContext): number | void {
  if (!registry.visible(family, ctx.kernelSocket.netns)) throw new KernelError('ENOENT');
  const hdrlen = GENL_HDRLEN + family.hdrsize;
  if (ctx.header.len < 16 + hdrlen) throw new KernelError('EINVAL');
  headerCheck(family, ctx);
  const dump = (ctx.header.flags & NLM_F_DUMP) === NLM_F_DUMP;
  const op = getCmd(family, ctx.message[16]!, dump ? GENL_CMD_CAP_DUMP : GENL_CMD_CAP_DO);
  if (!op) throw new KernelError('EOPNOTSUPP');
  // GENL_ADMIN_PERM wants CAP_NET_ADMIN in the initial user namespace; the simulator's
  // credentials name one set of capabilities, so both checks ask the same question.
  if (op.flags & GENL_ADMIN_PERM && !ctx.capable('CAP_NET_ADMIN')) throw new KernelError('EPERM');
  if (op.flags & GENL_UNS_ADMIN_PERM && !ctx.capable('CAP_NET_ADMIN')) throw new KernelError('EPERM');
  if (dump) return startDump(family, op, ctx, hdrlen);
  return doit(family, op, ctx, hdrlen);
}

/** parseOpAttrs mirrors genl_family_rcv_msg_attrs_parse(): strict unless the op opts out. */
function parseOpAttrs(op: SplitOp, ctx: RequestContext, hdrlen: number, noStrictFlag: number): (AttrView | undefined)[] {
  if (!op.maxattr) return [];
  const level = op.validate & noStrictFlag ? NL_VALIDATE.NL_VALIDATE_LIBERAL : NL_VALIDATE.NL_VALIDATE_STRICT;
  const res = nlmsgParse(ctx.message, hdrlen, op.policy, op.maxattr, level);
  if (res.warning) ctx.extack.message = res.warning;
  return res.attrs;
}

/** doit mirrors genl_family_rcv_msg_doit(). */
function doit(family: GenlFamily, op: SplitOp, ctx: RequestContext, hdrlen: number): number | void {
  const attrs = parseOpAttrs(op, ctx, hdrlen, GENL_DONT_VALIDATE_STRICT);
  const msg = ctx.message;
  const info: GenlInfo = {
    family,
    ctx,
    cmd: msg[16]!,
    version: msg[17]!,
    userhdr: msg.subarray(16 + GENL_HDRLEN, 16 + hdrlen),
    attrs,
    extack: ctx.extack,
    reply(cmd, body, options) {
      const reply = ctx.encode(family.id, genlBody(family, cmd, body, options?.userhdr));
      return ctx.reply(reply, options?.allocSize ? { allocSize: options.allocSize } : undefined);
    },
    notify(group, cmd, body, options) {
      // genl_notify() warns and sends nothing for a group the family does not have.
      if (!Number.isInteger(group) || group < 0 || group >= family.mcgrps.length) return 0;
      return ctx.notify(ctx.encode(family.id, genlBody(family, cmd, body, options?.userhdr)), family.mcgrpOffset + group);
    },
  };
  const ret = op.doit!(info);
  if (typeof ret === 'string') throw new KernelError(ret);
  return ret;
}

/** startDump mirrors genl_family_rcv_msg_dumpit() and genl_start(). */
function startDump(family: GenlFamily, op: SplitOp, ctx: RequestContext, hdrlen: number): void {
  let info: GenlDumpInfo | null = null;
  ctx.dump({
    start: (state: DumpState) => {
      const attrs = parseOpAttrs(op, ctx, hdrlen, GENL_DONT_VALIDATE_DUMP_STRICT);
      info = {
        family,
        op,
        attrs,
        dump: state,
        cursor: {},
        put(chunk, cmd, body, options) {
          return chunk.put(family.id, genlBody(family, cmd, body, options?.userhdr), options?.flags ?? 0);
        },
      };
      return op.start?.(info);
    },
    dump: (chunk) => op.dumpit!(chunk, info!),
    done: () => {
      if (info) op.done?.(info);
    },
  });
}
