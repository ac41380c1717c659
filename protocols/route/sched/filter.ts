/**
 * cls_api.c's rtnetlink handlers over the default qdiscs nlsim models: RTM_{NEW,DEL,GET}TFILTER
 * (tc_new_tfilter(), tc_del_tfilter(), tc_get_tfilter()), RTM_{NEW,DEL,GET}CHAIN
 * (tc_ctl_chain()) and their dumps (tc_dump_tfilter(), tc_dump_chain()). No default qdisc
 * has a filter block (noop, noqueue and pfifo_fast have no classes; mq's classes have no
 * tcf_block), and nlsim has no shared blocks, so requests fail in __tcf_qdisc_find() or
 * __tcf_block_find() and dumps are empty. The blocks of ingress and clsact qdiscs hold no
 * chains, so their dumps are empty too; requests on them are not modelled.
 */
import type { DumpControl, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_CREATE } from '../../../sim/uapi/netlink.js';
import { type AttrView, NLA, type Policy } from '../../../sim/wire/policy.js';
import type { Rtnetlink } from '../core/index.js';
import type { NetworkState } from '../core/index.js';
import { RTM } from '../core/uapi.js';
import { classFind, parseTca } from './qdisc-api.js';
import { qdiscLookup, rootQdisc } from './qdisc.js';
import { decodeTcMsg, type TcMsg, TCA, TCA_DUMP_FLAGS_TERSE, TCM_IFINDEX_MAGIC_BLOCK, TCMSG_LEN, tcHMaj, tcHMin } from './uapi.js';

/** IFNAMSIZ: a classifier kind must fit nla_strscpy() into this many bytes. */
const IFNAMSIZ = 16;

/** tcf_tfilter_dump_policy: TCA_CHAIN and TCA_DUMP_FLAGS (terse) only. */
const TFILTER_DUMP_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[TCA.TCA_CHAIN] = { type: NLA.NLA_U32 };
  p[TCA.TCA_DUMP_FLAGS] = { type: NLA.NLA_BITFIELD32, bitfield32Valid: TCA_DUMP_FLAGS_TERSE };
  return p;
})();

/**
 * tcfQdiscFind mirrors __tcf_qdisc_find() then, for a shared block, __tcf_qdisc_cl_find() and
 * __tcf_block_find(). `checkKind` runs between the two (tcf_proto_check_kind(): filter
 * requests only).
 */
function tcfBlockFind(ctx: RequestContext, state: NetworkState, tcm: TcMsg, checkKind?: () => void): never {
  if (tcm.ifindex >>> 0 !== TCM_IFINDEX_MAGIC_BLOCK) {
    const dev = state.links(ctx.skb.sock.netns).byIndex(tcm.ifindex);
    if (!dev) throw new KernelError('ENODEV');
    const q = tcm.parent ? qdiscLookup(dev, tcHMaj(tcm.parent)) : rootQdisc(dev);
    if (!q) throw new KernelError('EINVAL', "Parent Qdisc doesn't exists");
    if (!q.classful) throw new KernelError('EINVAL', 'Qdisc not classful');
    if (!q.ingress) throw new KernelError('EOPNOTSUPP', "Class doesn't support blocks"); // mq
    checkKind?.();
    // __tcf_qdisc_cl_find(), __tcf_block_find(): ingress has one block, clsact one per direction.
    const cl = tcHMin(tcm.parent) ? classFind(q, tcm.parent) : 0;
    if (tcHMin(tcm.parent) && !cl) throw new KernelError('ENOENT', "Specified class doesn't exist");
    if (q.kind === 'clsact' && cl !== 0xfff2 && cl !== 0xfff3) throw new KernelError('EINVAL');
    throw new KernelError('EOPNOTSUPP', 'nlsim: filters and chains on ingress and clsact blocks are not modelled yet');
  }
  checkKind?.();
  throw new KernelError('EINVAL', 'Block of given index was not found');
}

/** protoKindTooLong mirrors tcf_proto_check_kind(): nla_strscpy() into IFNAMSIZ bytes fails. */
function protoKindTooLong(kind: AttrView | undefined): boolean {
  if (!kind) return false;
  let len = kind.payload.length;
  if (len > 0 && kind.payload[len - 1] === 0) len--;
  return len >= IFNAMSIZ;
}

/** tcTfilter mirrors tc_new_tfilter(), tc_del_tfilter() and tc_get_tfilter() up to the block lookup. */
function tcTfilter(ctx: RequestContext, state: NetworkState): number {
  const tca = parseTca(ctx.message, ctx.extack);
  const tcm = decodeTcMsg(ctx.payload);
  const protocol = tcHMin(tcm.info);
  const prio = tcHMaj(tcm.info);
  const type = ctx.header.type;
  if (prio === 0) {
    if (type === RTM.RTM_GETTFILTER || (type === RTM.RTM_NEWTFILTER && !(ctx.header.flags & NLM_F_CREATE))) {
      throw new KernelError('ENOENT', 'Invalid filter command with priority of zero');
    }
    if (type === RTM.RTM_DELTFILTER && (protocol || tcm.handle || tca[TCA.TCA_KIND])) {
      throw new KernelError('ENOENT', 'Cannot flush filters with protocol, handle or kind set');
    }
  }
  return tcfBlockFind(ctx, state, tcm, () => {
    if (protoKindTooLong(tca[TCA.TCA_KIND])) throw new KernelError('EINVAL', 'Specified TC filter name too long');
  });
}

/** tcCtlChain mirrors tc_ctl_chain() up to tcf_block_find(). */
function tcCtlChain(ctx: RequestContext, state: NetworkState): number {
  parseTca(ctx.message, ctx.extack);
  return tcfBlockFind(ctx, state, decodeTcMsg(ctx.payload));
}

/**
 * emptyBlockDump mirrors tc_dump_tfilter() and tc_dump_chain() finding no block: a request
 * shorter than struct tcmsg gets an empty dump, a malformed one its parse error.
 */
function emptyBlockDump(policy?: Policy): DumpControl {
  return {
    dump: (_chunk, d: DumpState) => {
      if (d.requestMessage.length - 16 < TCMSG_LEN) return 0;
      try {
        parseTca(d.requestMessage, d.extack, policy);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        Object.assign(d.extack, e.extack);
        return e.errno;
      }
      return 0;
    },
  };
}

/** registerFilterApi installs cls_api.c's handlers (tc_filter_init()). */
export function registerFilterApi(rtnl: Rtnetlink, state: NetworkState): void {
  for (const type of [RTM.RTM_NEWTFILTER, RTM.RTM_DELTFILTER]) rtnl.register(0, type, { doit: (ctx) => tcTfilter(ctx, state) });
  rtnl.register(0, RTM.RTM_GETTFILTER, { doit: (ctx) => tcTfilter(ctx, state), dumpit: () => emptyBlockDump(TFILTER_DUMP_POLICY) });
  for (const type of [RTM.RTM_NEWCHAIN, RTM.RTM_DELCHAIN]) rtnl.register(0, type, { doit: (ctx) => tcCtlChain(ctx, state) });
  rtnl.register(0, RTM.RTM_GETCHAIN, { doit: (ctx) => tcCtlChain(ctx, state), dumpit: () => emptyBlockDump() });
}
