/**
 * sch_api.c's rtnetlink handlers over the qdiscs nlsim models (qdisc.ts): RTM_GETQDISC doit
 * (tc_get_qdisc(): the answer goes out as a notification to RTNLGRP_TC, echoed to the
 * requester only with NLM_F_ECHO) and dump (tc_dump_qdisc()), RTM_NEWQDISC and RTM_DELQDISC
 * (tc_modify_qdisc(), qdisc_create(), qdisc_change(), qdisc_graft() with qdisc_notify()), and
 * RTM_{NEW,DEL,GET}TCLASS (tc_ctl_tclass(), tc_dump_tclass(): mq's per-queue classes, the
 * single classes of ingress and clsact).
 *
 * Linux's tc dumps neither check strictly nor filter by tcm_ifindex (tc filters in user
 * space), and they set no cb->seq, so they are never marked NLM_F_DUMP_INTR. Their cursor
 * is the device's position in the namespace's list, not its ifindex.
 */
import type { ConfigOption, KernelConfig } from '../../../sim/profile.js';
import type { DumpChunk, DumpControl, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLMSG_GOODSIZE } from '../../../sim/skb.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import { concatMessages } from '../../../sim/wire/messages.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import { type NetDevice, running } from '../core/index.js';
import type { Rtnetlink } from '../core/index.js';
import type { NetworkState } from '../core/index.js';
import { RTM, RTNLGRP } from '../core/uapi.js';
import { fillClass, fillQdisc } from './qdisc-fill.js';
import { createIngressQueue, dumpIgnored, graftIngress, graftMqLeaf, graftRoot, type GraftedQdisc, ingressQdisc, mqLeaf, newIngress, type Qdisc, qdiscHash, qdiscLookup, rootQdisc, setLimit } from './qdisc.js';
import { decodeTcMsg, TC_H_INGRESS, TC_H_ROOT, TCA, TCA_MAX, TCMSG_LEN, tcHMaj, tcHMake, tcHMin } from './uapi.js';

/** rtm_tca_policy (sch_api.c), shared by qdisc, class, filter and chain requests. */
export const RTM_TCA_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[TCA.TCA_KIND] = { type: NLA.NLA_STRING };
  p[TCA.TCA_RATE] = { type: NLA.NLA_BINARY, len: 2 }; // sizeof(struct tc_estimator)
  p[TCA.TCA_STAB] = { type: NLA.NLA_NESTED };
  p[TCA.TCA_DUMP_INVISIBLE] = { type: NLA.NLA_FLAG };
  p[TCA.TCA_CHAIN] = { type: NLA.NLA_U32 };
  p[TCA.TCA_INGRESS_BLOCK] = { type: NLA.NLA_U32 };
  p[TCA.TCA_EGRESS_BLOCK] = { type: NLA.NLA_U32 };
  return p;
})();

/**
 * QDISC_KINDS are the Qdisc_ops nlsim models, each with the option that builds it (none:
 * sch_generic.c, sch_fifo.c and sch_mq.c are always there with CONFIG_NET_SCHED):
 * qdisc_lookup_ops() finds these in a kernel built with them and nothing else
 * (noop_qdisc_ops is never registered; no module can be loaded).
 */
const QDISC_KINDS = new Map<string, ConfigOption | undefined>([
  ['pfifo_fast', undefined], ['pfifo', undefined], ['bfifo', undefined], ['pfifo_head_drop', undefined], ['mq', undefined], ['noqueue', undefined],
  ['htb', 'NET_SCH_HTB'], ['tbf', 'NET_SCH_TBF'], ['ingress', 'NET_SCH_INGRESS'], ['clsact', 'NET_SCH_INGRESS'],
]);

/** qdiscKindBuilt mirrors qdisc_lookup_ops() finding `name` in a kernel built with `config`. */
function qdiscKindBuilt(name: string, config: KernelConfig): boolean {
  if (!QDISC_KINDS.has(name)) return false;
  const option = QDISC_KINDS.get(name);
  return option === undefined || config[option];
}

/**
 * parseTca mirrors nlmsg_parse_deprecated(n, sizeof(struct tcmsg), tca, TCA_MAX, policy):
 * liberal, with a leftover-bytes warning kept in `extack`.
 */
export function parseTca(message: Uint8Array, extack: { message?: string }, policy: Policy = RTM_TCA_POLICY): (AttrView | undefined)[] {
  const r = nlmsgParse(message, TCMSG_LEN, policy, TCA_MAX, NL_VALIDATE.NL_VALIDATE_LIBERAL);
  if (r.warning) extack.message = r.warning;
  return r.attrs;
}

/** nlaStrcmp mirrors nla_strcmp(): the payload (one trailing NUL ignored) against `s`. */
export function nlaStrcmp(a: AttrView, s: string): number {
  let p = a.payload;
  if (p.length > 0 && p[p.length - 1] === 0) p = p.subarray(0, -1);
  const want = new TextEncoder().encode(s);
  if (p.length !== want.length) return p.length - want.length;
  for (let i = 0; i < p.length; i++) if (p[i] !== want[i]) return p[i]! - want[i]!;
  return 0;
}

/** devOf mirrors __dev_get_by_index() in the requester's namespace. */
function devOf(ctx: RequestContext, state: NetworkState, ifindex: number): NetDevice | undefined {
  return state.links(ctx.skb.sock.netns).byIndex(ifindex);
}

/** qdiscGetNotify mirrors qdisc_get_notify(): an RTM_NEWQDISC to RTNLGRP_TC unless the qdisc is never dumped. */
function qdiscGetNotify(ctx: RequestContext, q: Qdisc, clid: number): void {
  if (dumpIgnored(q)) return; // nothing put: -EINVAL, which tc_get_qdisc() ignores
  ctx.notify(ctx.encode(RTM.RTM_NEWQDISC, (w) => fillQdisc(w, q, clid)), RTNLGRP.RTNLGRP_TC, { allocSize: NLMSG_GOODSIZE });
}

/**
 * qdiscNotify mirrors qdisc_notify(): one datagram to RTNLGRP_TC with an RTM_DELQDISC for
 * `old` and an RTM_NEWQDISC for `now` (NLM_F_REPLACE when there was an old one, even
 * noop_qdisc), leaving out qdiscs that are never dumped.
 */
function qdiscNotify(ctx: RequestContext, clid: number, old: Qdisc | undefined, now: Qdisc | undefined): void {
  const parts: Uint8Array[] = [];
  if (old && !dumpIgnored(old)) parts.push(ctx.encode(RTM.RTM_DELQDISC, (w) => fillQdisc(w, old, clid)));
  if (now && !dumpIgnored(now)) parts.push(ctx.encode(RTM.RTM_NEWQDISC, (w) => fillQdisc(w, now, clid), old ? NLM_F_REPLACE : 0));
  if (!parts.length) return;
  ctx.notify(concatMessages(...parts), RTNLGRP.RTNLGRP_TC, { allocSize: NLMSG_GOODSIZE });
}

/**
 * qdiscLeaf mirrors qdisc_leaf(): the qdisc under class `classid` of `p` (mq: the queue's
 * pfifo_fast), or the errors of a qdisc without classes or without that class.
 */
function qdiscLeaf(p: Qdisc, classid: number): Qdisc | undefined {
  if (!p.classful) throw new KernelError('EOPNOTSUPP', 'Parent qdisc is not classful');
  const cl = classFind(p, classid);
  if (!cl) throw new KernelError('ENOENT', 'Specified class not found');
  return p.kind === 'mq' ? mqLeaf(p, cl - 1) : undefined; // ingress_leaf(), clsact_leaf(): NULL
}

/** classFind mirrors cops->find(): mq_find(), ingress_find(), clsact_find(). */
export function classFind(q: Qdisc, classid: number): number {
  const min = tcHMin(classid);
  if (q.kind === 'mq') return min >= 1 && min <= q.dev.numTxQueues ? min : 0;
  if (q.kind === 'ingress') return min + 1;
  if (q.kind === 'clsact') return min === 0xfff2 || min === 0xfff3 ? min : 0;
  return 0;
}

/** tcGetQdisc mirrors tc_get_qdisc() → __tc_get_qdisc() for RTM_GETQDISC and RTM_DELQDISC. */
function tcGetQdisc(ctx: RequestContext, state: NetworkState): number {
  const tca = parseTca(ctx.message, ctx.extack);
  const tcm = decodeTcMsg(ctx.payload);
  const dev = devOf(ctx, state, tcm.ifindex);
  if (!dev) throw new KernelError('ENODEV');
  const clid = tcm.parent;
  let q: Qdisc | undefined;
  let p: Qdisc | undefined;
  if (clid) {
    if (clid !== TC_H_ROOT) {
      if (tcHMaj(clid) !== tcHMaj(TC_H_INGRESS)) {
        p = qdiscLookup(dev, tcHMaj(clid));
        if (!p) throw new KernelError('ENOENT', 'Failed to find qdisc with specified classid');
        q = qdiscLeaf(p, clid);
      } else q = ingressQdisc(dev);
    } else q = rootQdisc(dev);
    if (!q) throw new KernelError('ENOENT', 'Cannot find specified qdisc on specified device');
    if (tcm.handle && q.handle !== tcm.handle) throw new KernelError('EINVAL', 'Invalid handle');
  } else {
    q = qdiscLookup(dev, tcm.handle);
    if (!q) throw new KernelError('ENOENT', 'Failed to find qdisc with specified handle');
  }
  const kind = tca[TCA.TCA_KIND];
  if (kind && nlaStrcmp(kind, q.kind)) throw new KernelError('EINVAL', 'Invalid qdisc name: must match existing qdisc');
  if (ctx.header.type === RTM.RTM_DELQDISC) {
    if (!clid) throw new KernelError('EINVAL', 'Classid cannot be zero');
    if (q.handle === 0) throw new KernelError('ENOENT', 'Cannot delete qdisc with handle of zero');
    qdiscGraft(ctx, dev, clid, null, q, p);
    return 0;
  }
  qdiscGetNotify(ctx, q, clid);
  return 0;
}

/**
 * qdiscGraft mirrors qdisc_graft(): `now` (null: none) replaces `old` below a class of `p`,
 * on the ingress queue or at the root, with the notification. On the ingress queue the old
 * qdisc is released before it is reported (refcount 0); at the root every transmit queue
 * lets go of it first (1 left) unless the new qdisc attaches itself (mq).
 */
function qdiscGraft(ctx: RequestContext, dev: NetDevice, clid: number, now: GraftedQdisc | null, old: Qdisc | undefined, p?: Qdisc): void {
  if (p) {
    // The class half: mq's graft (mq_graft()), the only classful parent nlsim grafts below.
    if (now && now.kind === 'noqueue') throw new KernelError('EINVAL', 'Cannot assign noqueue to a class');
    const ntx = classFind(p, clid) - 1;
    const cur = mqLeaf(p, ntx);
    graftMqLeaf(p, ntx, now);
    qdiscNotify(ctx, clid, cur, now ? mqLeaf(p, ntx) : undefined);
    return;
  }
  if ((old && old.ingress) || (now && now.ingress)) {
    const cur = ingressQdisc(dev)!;
    graftIngress(dev, null);
    qdiscNotify(ctx, clid, { ...cur, refcnt: cur.builtin ? cur.refcnt : 0 }, now ? { ...now, refcnt: 1 } : undefined);
    if (now) graftIngress(dev, now);
    return;
  }
  const cur = rootQdisc(dev);
  const attaches = now?.kind === 'mq';
  graftRoot(dev, now, running(dev));
  qdiscNotify(ctx, clid, { ...cur, refcnt: attaches || cur.builtin ? cur.refcnt : 1 }, now ? rootQdisc(dev) : undefined);
}

/** FIFO_KINDS are the sch_fifo.c qdiscs: their limit counts packets, bytes for bfifo. */
const FIFO_KINDS = new Set(['pfifo', 'bfifo', 'pfifo_head_drop']);
/** MODELLED_KINDS are the kinds nlsim can create. */
const MODELLED_KINDS = new Set([...FIFO_KINDS, 'pfifo_fast', 'noqueue', 'mq', 'ingress', 'clsact']);
/** ETH_HLEN: the hard_header_len psched_mtu() adds for Ethernet devices. */
const ETH_HLEN = 14;

/**
 * qdiscCreate mirrors qdisc_create() for the kinds nlsim models: the ops lookup, the
 * reserved ingress parent, handle allocation, block indexes, then the kind's init.
 */
function qdiscCreate(tca: (AttrView | undefined)[], dev: NetDevice, parent: number, handle: number, allocHandle: () => number, config: KernelConfig): GraftedQdisc {
  const kindAttr = tca[TCA.TCA_KIND];
  const name = kindAttr ? kindAttr.string() : '';
  if (!kindAttr || !qdiscKindBuilt(name, config) || nlaStrcmp(kindAttr, name)) throw new KernelError('ENOENT', 'Specified qdisc kind is unknown');
  const ingress = name === 'ingress' || name === 'clsact';
  if (handle === TC_H_INGRESS) {
    if (!ingress) throw new KernelError('EINVAL', 'Specified parent ID is reserved for ingress and clsact Qdiscs');
  } else if (handle === 0) {
    handle = allocHandle();
    if (!handle) throw new KernelError('ENOSPC', 'Maximum number of qdisc handles was exceeded');
  }
  for (const [type, what] of [[TCA.TCA_INGRESS_BLOCK, 'Ingress'], [TCA.TCA_EGRESS_BLOCK, 'Egress']] as const) {
    const a = tca[type];
    if (!a) continue;
    if (!a.u32()) throw new KernelError('EINVAL', `${what} block index cannot be 0`);
    if (!ingress || (type === TCA.TCA_EGRESS_BLOCK && name === 'ingress')) throw new KernelError('EOPNOTSUPP', `${what} block sharing is not supported`);
    throw new KernelError('EOPNOTSUPP', 'nlsim: shared blocks are not modelled yet');
  }
  if (!MODELLED_KINDS.has(name)) throw new KernelError('EOPNOTSUPP', `nlsim: creating a ${name} qdisc is not modelled yet`);
  if (tca[TCA.TCA_STAB]) throw new KernelError('EOPNOTSUPP', 'nlsim: size tables (TCA_STAB) are not modelled yet');
  const opt = tca[TCA.TCA_OPTIONS];
  let limit: number | undefined;
  if (FIFO_KINDS.has(name)) {
    // fifo_init(): tx_queue_len packets (times psched_mtu() bytes for bfifo), or tc_fifo_qopt.
    if (!opt) limit = name === 'bfifo' ? (dev.txqlen * (dev.mtu + (dev.type === 1 ? ETH_HLEN : 0))) >>> 0 : dev.txqlen;
    else if (opt.length < 4) throw new KernelError('EINVAL');
    else limit = opt.u32();
  } else if (name === 'mq') {
    if (parent !== TC_H_ROOT || dev.numTxQueues <= 1) throw new KernelError('EOPNOTSUPP'); // mq_init_common()
  } else if (ingress) {
    if (parent !== TC_H_INGRESS) throw new KernelError('EOPNOTSUPP'); // ingress_init(), clsact_init()
  }
  if (tca[TCA.TCA_RATE]) {
    if (name === 'mq') throw new KernelError('EOPNOTSUPP', 'Cannot attach rate estimator to a multi-queue root qdisc');
    throw new KernelError('EOPNOTSUPP', 'nlsim: rate estimators are not modelled yet');
  }
  if (ingress) return newIngress(dev, name);
  return { kind: name, handle, parent, builtin: false, classful: name === 'mq', ingress: false, dev, ...(limit !== undefined ? { limit } : {}) };
}

/** reqCreateOrReplace / reqCreateExclusive / reqChange mirror sch_api.c's flag tests. */
const reqCreateOrReplace = (f: number) => (f & NLM_F_CREATE) !== 0 && (f & NLM_F_REPLACE) !== 0;
const reqCreateExclusive = (f: number) => (f & NLM_F_CREATE) !== 0 && (f & NLM_F_EXCL) !== 0;
const reqChange = (f: number) => !(f & NLM_F_CREATE) && !(f & NLM_F_REPLACE) && !(f & NLM_F_EXCL);

/**
 * tcModifyQdisc mirrors tc_modify_qdisc() → __tc_modify_qdisc(): change an existing qdisc,
 * or create one and graft it at the root, on the ingress queue or below a class of a grafted
 * mq. Re-grafting an existing qdisc elsewhere is not modelled.
 */
function tcModifyQdisc(ctx: RequestContext, state: NetworkState, allocHandle: (dev: NetDevice) => number): number {
  const tca = parseTca(ctx.message, ctx.extack);
  const tcm = decodeTcMsg(ctx.payload);
  const dev = devOf(ctx, state, tcm.ifindex);
  if (!dev) throw new KernelError('ENODEV');
  const flags = ctx.header.flags;
  const kind = tca[TCA.TCA_KIND];
  const clid = tcm.parent;
  let q: Qdisc | undefined;
  let p: Qdisc | undefined;
  let create = false;
  let mustCreate = true; // create_n_graft (NLM_F_CREATE needed) rather than create_n_graft2
  if (clid) {
    if (clid !== TC_H_ROOT) {
      if (clid !== TC_H_INGRESS) {
        p = qdiscLookup(dev, tcHMaj(clid));
        if (!p) throw new KernelError('ENOENT', 'Failed to find specified qdisc');
        if (p.ingress) throw new KernelError('EOPNOTSUPP', 'Cannot add children to ingress/clsact qdisc');
        q = qdiscLeaf(p, clid);
      } else {
        createIngressQueue(dev);
        q = ingressQdisc(dev);
      }
    } else q = rootQdisc(dev);
    if (q && q.handle === 0) q = undefined; // "It may be default qdisc, ignore it"
    if (!q || !tcm.handle || q.handle !== tcm.handle) {
      if (tcm.handle) {
        if (q && !(flags & NLM_F_REPLACE)) throw new KernelError('EEXIST', 'NLM_F_REPLACE needed to override');
        if (tcHMin(tcm.handle)) throw new KernelError('EINVAL', 'Invalid minor handle');
        const found = qdiscLookup(dev, tcm.handle);
        if (!found) create = true;
        else {
          if (found.parent !== tcm.parent) throw new KernelError('EINVAL', 'Cannot move an existing qdisc to a different parent');
          if (flags & NLM_F_EXCL) throw new KernelError('EEXIST', 'Exclusivity flag on, cannot override');
          if (kind && nlaStrcmp(kind, found.kind)) throw new KernelError('EINVAL', 'Invalid qdisc name: must match existing qdisc');
          if (found.ingress) throw new KernelError('EINVAL', 'Cannot regraft ingress or clsact Qdiscs');
          throw new KernelError('EOPNOTSUPP', 'nlsim: re-grafting an existing qdisc is not modelled yet');
        }
      } else if (!q) create = true;
      else if (kind && nlaStrcmp(kind, q.kind)) {
        if (reqCreateOrReplace(flags) || reqCreateExclusive(flags)) create = true;
        else if (reqChange(flags)) {
          create = true;
          mustCreate = false;
        }
      }
    }
  } else {
    if (!tcm.handle) throw new KernelError('EINVAL', 'Handle cannot be zero');
    q = qdiscLookup(dev, tcm.handle);
  }
  if (!create) {
    if (!q) throw new KernelError('ENOENT', 'Specified qdisc not found');
    if (flags & NLM_F_EXCL) throw new KernelError('EEXIST', 'Exclusivity flag on, cannot modify');
    if (kind && nlaStrcmp(kind, q.kind)) throw new KernelError('EINVAL', 'Invalid qdisc name: must match existing qdisc');
    qdiscChange(tca, q);
    qdiscNotify(ctx, clid, undefined, qdiscLookup(dev, q.handle));
    return 0;
  }
  if (mustCreate && !(flags & NLM_F_CREATE)) throw new KernelError('ENOENT', 'Qdisc not found. To create specify NLM_F_CREATE flag');
  const handle = clid === TC_H_INGRESS ? TC_H_INGRESS : tcm.handle;
  const now = qdiscCreate(tca, dev, tcm.parent, handle, () => allocHandle(dev), ctx.skb.sock.netns.config);
  qdiscGraft(ctx, dev, clid, now, undefined, p);
  return 0;
}

/**
 * qdiscChange mirrors qdisc_change() for a qdisc nlsim grafted: new options (the fifos'
 * limit); kinds without a change operation refuse options.
 */
function qdiscChange(tca: (AttrView | undefined)[], q: Qdisc): void {
  const opt = tca[TCA.TCA_OPTIONS];
  if (opt) {
    if (q.limit === undefined) throw new KernelError('EINVAL', 'Change operation not supported by specified qdisc');
    if (tca[TCA.TCA_INGRESS_BLOCK] || tca[TCA.TCA_EGRESS_BLOCK]) throw new KernelError('EOPNOTSUPP', 'Change of blocks is not supported');
    if (opt.length < 4) throw new KernelError('EINVAL');
  }
  if (tca[TCA.TCA_STAB]) throw new KernelError('EOPNOTSUPP', 'nlsim: size tables (TCA_STAB) are not modelled yet');
  if (tca[TCA.TCA_RATE] && q.kind !== 'mq') throw new KernelError('EOPNOTSUPP', 'nlsim: rate estimators are not modelled yet');
  if (opt) setLimit(q, opt.u32());
}

/** qdiscAllocHandle mirrors qdisc_alloc_handle(): the next free 8001:… handle of a counter shared by all devices. */
function handleAllocator(): (dev: NetDevice) => number {
  let autohandle = 0x80000000;
  return (dev) => {
    for (let i = 0; i < 0x8000; i++) {
      autohandle = (autohandle + 0x10000) >>> 0;
      if (autohandle === 0xffff0000) autohandle = 0x80000000;
      if (!qdiscLookup(dev, autohandle)) return autohandle;
    }
    return 0;
  };
}

/**
 * dumpQdiscRoot mirrors tc_dump_qdisc_root(): `root`, then (with `recur`) the device's qdisc
 * hash; `cur.q` counts the qdiscs passed, those below `skip` were sent before. Returns false
 * when a message did not fit.
 */
function dumpQdiscRoot(chunk: DumpChunk, root: Qdisc, recur: boolean, cur: { q: number }, skip: number): boolean {
  const list = recur ? [root, ...qdiscHash(root.dev)] : [root];
  for (const q of list) {
    if (cur.q < skip) {
      cur.q++;
      continue;
    }
    if (!dumpIgnored(q) && !chunk.put(RTM.RTM_NEWQDISC, (w) => fillQdisc(w, q, q.parent))) return false;
    cur.q++;
  }
  return true;
}

/** tcDumpQdisc mirrors tc_dump_qdisc(): every device's root qdisc and hash, then its ingress qdisc. */
function tcDumpQdisc(ctx: RequestContext, state: NetworkState): DumpControl {
  const links = state.links(ctx.skb.sock.netns);
  return {
    dump: (chunk: DumpChunk, d: DumpState) => {
      const sIdx = (d.args[0] as number | undefined) ?? 0;
      let sQIdx = (d.args[1] as number | undefined) ?? 0;
      try {
        parseTca(d.requestMessage, d.extack);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        Object.assign(d.extack, e.extack);
        return e.errno;
      }
      let idx = 0;
      const cur = { q: sQIdx };
      for (const dev of links.list()) {
        if (idx < sIdx) {
          idx++;
          continue;
        }
        if (idx > sIdx) sQIdx = 0;
        cur.q = 0;
        if (!dumpQdiscRoot(chunk, rootQdisc(dev), true, cur, sQIdx)) break;
        const ingress = ingressQdisc(dev);
        if (ingress && !dumpQdiscRoot(chunk, ingress, false, cur, sQIdx)) break;
        idx++;
      }
      d.args[0] = idx;
      d.args[1] = cur.q;
      return chunk.length;
    },
  };
}

/**
 * tcCtlTclass mirrors tc_ctl_tclass() → __tc_ctl_tclass(): the qdisc holding the class is
 * looked up by major (no default qdisc has one: ENOENT; EINVAL when tcm_parent and
 * tcm_handle name different majors or the qdisc has no classes), then the class. A get is
 * answered on RTNLGRP_TC; mq, ingress and clsact can neither create, change nor delete classes.
 */
function tcCtlTclass(ctx: RequestContext, state: NetworkState): number {
  const tca = parseTca(ctx.message, ctx.extack);
  const tcm = decodeTcMsg(ctx.payload);
  const dev = devOf(ctx, state, tcm.ifindex);
  if (!dev) throw new KernelError('ENODEV');
  let portid = tcm.parent;
  let qid = tcHMaj(tcm.handle);
  if (portid !== TC_H_ROOT) {
    const qid1 = tcHMaj(portid);
    if (qid && qid1) {
      if (qid !== qid1) throw new KernelError('EINVAL');
    } else if (qid1) qid = qid1;
    else if (qid === 0) qid = rootQdisc(dev).handle;
    if (portid) portid = tcHMake(qid, portid);
  } else if (qid === 0) qid = rootQdisc(dev).handle;
  const q = qdiscLookup(dev, qid);
  if (!q) throw new KernelError('ENOENT');
  if (!q.classful) throw new KernelError('EINVAL');
  let clid = tcm.handle;
  if (clid === 0) {
    if (portid === TC_H_ROOT) clid = qid;
  } else clid = tcHMake(qid, clid);
  const cl = clid ? classFind(q, clid) : 0;
  const type = ctx.header.type;
  if (cl === 0) {
    if (type !== RTM.RTM_NEWTCLASS || !(ctx.header.flags & NLM_F_CREATE)) throw new KernelError('ENOENT');
  } else if (type === RTM.RTM_NEWTCLASS) {
    if (ctx.header.flags & NLM_F_EXCL) throw new KernelError('EEXIST');
  } else if (type === RTM.RTM_DELTCLASS) {
    throw new KernelError('EOPNOTSUPP'); // tclass_del_notify(): mq, ingress and clsact have no delete
  } else {
    // tclass_get_notify(): to RTNLGRP_TC, echoed with NLM_F_ECHO.
    ctx.notify(ctx.encode(RTM.RTM_NEWTCLASS, (w) => fillClass(w, q, cl)), RTNLGRP.RTNLGRP_TC, { allocSize: NLMSG_GOODSIZE });
    return 0;
  }
  if (tca[TCA.TCA_INGRESS_BLOCK] || tca[TCA.TCA_EGRESS_BLOCK]) throw new KernelError('EOPNOTSUPP', 'Shared blocks are not supported for classes');
  if (clid === TC_H_ROOT) throw new KernelError('EINVAL', 'Cannot create traffic class with classid TC_H_ROOT');
  throw new KernelError('EOPNOTSUPP'); // no cops->change
}

/**
 * dumpTclassQdisc mirrors tc_dump_tclass_qdisc(): the classes of `q` (mq_walk(): one per
 * transmit queue), skipping what an earlier round sent (cb->args[1]). `t` counts qdiscs.
 */
function dumpTclassQdisc(chunk: DumpChunk, d: DumpState, q: Qdisc, parent: number, cur: { t: number }, sT: number): boolean {
  if (dumpIgnored(q) || cur.t < sT || !q.classful || (parent && tcHMaj(parent) !== q.handle)) {
    cur.t++;
    return true;
  }
  if (cur.t > sT) d.args.length = 1;
  const skip = (d.args[1] as number | undefined) ?? 0;
  let count = skip;
  let stop = false;
  // mq_walk(): one class per transmit queue; ingress_walk() and clsact_walk() walk nothing.
  const classes = q.kind === 'mq' ? q.dev.numTxQueues : 0;
  for (let ntx = skip; ntx < classes; ntx++) {
    if (!chunk.put(RTM.RTM_NEWTCLASS, (w) => fillClass(w, q, ntx + 1))) {
      stop = true;
      break;
    }
    count++;
  }
  d.args[1] = count;
  if (stop) return false;
  cur.t++;
  return true;
}

/** tcDumpTclass mirrors tc_dump_tclass(): the classes of one device's qdiscs; no attributes are read. */
function tcDumpTclass(ctx: RequestContext, state: NetworkState): DumpControl {
  const links = state.links(ctx.skb.sock.netns);
  return {
    dump: (chunk: DumpChunk, d: DumpState) => {
      if (d.requestMessage.length - 16 < TCMSG_LEN) return 0;
      const tcm = decodeTcMsg(d.requestMessage, 16);
      const dev = links.byIndex(tcm.ifindex);
      if (!dev) return 0;
      const sT = (d.args[0] as number | undefined) ?? 0;
      const cur = { t: 0 };
      const root = rootQdisc(dev);
      // tc_dump_tclass_root() for dev->qdisc (with its hash), then for the ingress qdisc alone.
      const rootWalk = (): boolean => {
        if (!dumpTclassQdisc(chunk, d, root, tcm.parent, cur, sT)) return false;
        if (root.builtin) return true; // noop_qdisc has no device: no hash to walk
        if (tcm.parent) {
          // qdisc_match_from_root(): the root, else the hash, for the major asked for.
          const maj = tcHMaj(tcm.parent);
          const q = maj === root.handle ? root : qdiscHash(dev).find((x) => x.handle === maj);
          return !q || q === root || dumpTclassQdisc(chunk, d, q, tcm.parent, cur, sT);
        }
        for (const q of qdiscHash(dev)) if (!dumpTclassQdisc(chunk, d, q, tcm.parent, cur, sT)) return false;
        return true;
      };
      const ingress = ingressQdisc(dev);
      if (rootWalk() && ingress) dumpTclassQdisc(chunk, d, ingress, tcm.parent, cur, sT);
      d.args[0] = cur.t;
      return chunk.length ? chunk.length : 0;
    },
  };
}

/** registerQdiscApi installs sch_api.c's handlers (pktsched_init(): PF_UNSPEC, no flags). */
export function registerQdiscApi(rtnl: Rtnetlink, state: NetworkState): void {
  const allocHandle = handleAllocator();
  rtnl.register(0, RTM.RTM_NEWQDISC, { doit: (ctx) => tcModifyQdisc(ctx, state, allocHandle) });
  rtnl.register(0, RTM.RTM_DELQDISC, { doit: (ctx) => tcGetQdisc(ctx, state) });
  rtnl.register(0, RTM.RTM_GETQDISC, { doit: (ctx) => tcGetQdisc(ctx, state), dumpit: (ctx) => tcDumpQdisc(ctx, state) });
  rtnl.register(0, RTM.RTM_NEWTCLASS, { doit: (ctx) => tcCtlTclass(ctx, state) });
  rtnl.register(0, RTM.RTM_DELTCLASS, { doit: (ctx) => tcCtlTclass(ctx, state) });
  rtnl.register(0, RTM.RTM_GETTCLASS, { doit: (ctx) => tcCtlTclass(ctx, state), dumpit: (ctx) => tcDumpTclass(ctx, state) });
}
