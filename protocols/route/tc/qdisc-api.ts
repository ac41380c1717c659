/**
 * sch_api.c's rtnetlink handlers over the default qdiscs nlsim models (qdisc.ts):
 * RTM_GETQDISC doit (tc_get_qdisc(): the answer goes out as a notification to RTNLGRP_TC,
 * echoed to the requester only with NLM_F_ECHO) and dump (tc_dump_qdisc()), RTM_DELQDISC
 * (which can only fail on a default qdisc), RTM_NEWQDISC up to qdisc_create(), and
 * RTM_{NEW,DEL,GET}TCLASS (tc_ctl_tclass(), tc_dump_tclass(): mq's per-queue classes).
 *
 * Linux's tc dumps neither check strictly nor filter by tcm_ifindex (tc filters in user
 * space), and they set no cb->seq, so they are never marked NLM_F_DUMP_INTR. Their cursor
 * is the device's position in the namespace's list, not its ifindex.
 */
import type { DumpChunk, DumpControl, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLMSG_GOODSIZE } from '../../../sim/skb.js';
import { NLM_F_CREATE } from '../../../sim/uapi/netlink.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import type { NetDevice } from '../device.js';
import type { Rtnetlink } from '../rtnetlink.js';
import type { NetworkState } from '../state.js';
import { RTM, RTNLGRP } from '../uapi.js';
import { fillMqClass, fillQdisc } from './qdisc-fill.js';
import { createIngressQueue, dumpIgnored, ingressQdisc, type Qdisc, qdiscHash, qdiscLookup, rootQdisc } from './qdisc.js';
import { decodeTcMsg, TC_H_INGRESS, TC_H_ROOT, TCA, TCA_MAX, TCMSG_LEN, tcHMaj, tcHMin } from './uapi.js';

const EMSGSIZE = -90;

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
 * QDISC_KINDS are the Qdisc_ops registered on the reference kernel (6.18 with sch_htb,
 * sch_tbf and sch_ingress built in): qdisc_lookup_ops() finds these and nothing else
 * (noop_qdisc_ops is never registered; no module can be loaded).
 */
const QDISC_KINDS = new Set(['pfifo_fast', 'pfifo', 'bfifo', 'pfifo_head_drop', 'mq', 'noqueue', 'htb', 'tbf', 'ingress', 'clsact']);

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

/** qdiscNotify mirrors qdisc_get_notify(): an RTM_NEWQDISC to RTNLGRP_TC unless the qdisc is never dumped. */
function qdiscGetNotify(ctx: RequestContext, q: Qdisc, clid: number): void {
  if (dumpIgnored(q)) return; // nothing put: -EINVAL, which tc_get_qdisc() ignores
  ctx.notify(ctx.encode(RTM.RTM_NEWQDISC, (w) => fillQdisc(w, q, clid)), RTNLGRP.RTNLGRP_TC, { allocSize: NLMSG_GOODSIZE });
}

/** tcGetQdisc mirrors tc_get_qdisc() → __tc_get_qdisc() for RTM_GETQDISC and RTM_DELQDISC. */
function tcGetQdisc(ctx: RequestContext, state: NetworkState): number {
  const tca = parseTca(ctx.message, ctx.extack);
  const tcm = decodeTcMsg(ctx.payload);
  const dev = devOf(ctx, state, tcm.ifindex);
  if (!dev) throw new KernelError('ENODEV');
  const clid = tcm.parent;
  let q: Qdisc | undefined;
  if (clid) {
    if (clid !== TC_H_ROOT) {
      if (tcHMaj(clid) !== tcHMaj(TC_H_INGRESS)) {
        // qdisc_lookup() of a default qdisc's major (0) or any other finds nothing.
        if (!qdiscLookup(dev, tcHMaj(clid))) throw new KernelError('ENOENT', 'Failed to find qdisc with specified classid');
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
    throw new KernelError('EOPNOTSUPP', 'nlsim: deleting qdiscs is not modelled yet');
  }
  qdiscGetNotify(ctx, q, clid);
  return 0;
}

/**
 * tcModifyQdisc mirrors tc_modify_qdisc() → __tc_modify_qdisc() over default qdiscs (handle
 * 0, so "ignore it" and create): every path to qdisc_create() with its errors, then
 * qdisc_lookup_ops(). Creating a qdisc of a known kind is refused: nlsim does not model it.
 */
function tcModifyQdisc(ctx: RequestContext, state: NetworkState): number {
  const tca = parseTca(ctx.message, ctx.extack);
  const tcm = decodeTcMsg(ctx.payload);
  const dev = devOf(ctx, state, tcm.ifindex);
  if (!dev) throw new KernelError('ENODEV');
  const clid = tcm.parent;
  if (clid) {
    if (clid !== TC_H_ROOT) {
      if (clid !== TC_H_INGRESS) {
        if (!qdiscLookup(dev, tcHMaj(clid))) throw new KernelError('ENOENT', 'Failed to find specified qdisc');
      } else createIngressQueue(dev); // dev_ingress_queue_create(): its qdisc is noop
    }
    // The qdisc found (root, ingress noop) has handle 0: "It may be default qdisc, ignore it".
    if (tcm.handle) {
      if (tcHMin(tcm.handle)) throw new KernelError('EINVAL', 'Invalid minor handle');
      // qdisc_lookup(dev, tcm_handle) finds nothing: create_n_graft.
    }
  } else {
    if (!tcm.handle) throw new KernelError('EINVAL', 'Handle cannot be zero');
    throw new KernelError('ENOENT', 'Specified qdisc not found');
  }
  if (!(ctx.header.flags & NLM_F_CREATE)) throw new KernelError('ENOENT', 'Qdisc not found. To create specify NLM_F_CREATE flag');
  const kind = tca[TCA.TCA_KIND];
  const name = kind ? kind.string() : '';
  if (!kind || !QDISC_KINDS.has(name) || nlaStrcmp(kind, name)) throw new KernelError('ENOENT', 'Specified qdisc kind is unknown');
  throw new KernelError('EOPNOTSUPP', `nlsim: creating a ${name} qdisc is not modelled yet`);
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
 * tcCtlTclass mirrors tc_ctl_tclass() → __tc_ctl_tclass() up to qdisc_lookup(): the qdisc
 * holding the class is looked up by major, and no default qdisc has one, so the request
 * fails with ENOENT (EINVAL when tcm_parent and tcm_handle name different majors).
 */
function tcCtlTclass(ctx: RequestContext, state: NetworkState): number {
  parseTca(ctx.message, ctx.extack);
  const tcm = decodeTcMsg(ctx.payload);
  const dev = devOf(ctx, state, tcm.ifindex);
  if (!dev) throw new KernelError('ENODEV');
  let qid = tcHMaj(tcm.handle);
  if (tcm.parent !== TC_H_ROOT) {
    const qid1 = tcHMaj(tcm.parent);
    if (qid && qid1) {
      if (qid !== qid1) throw new KernelError('EINVAL');
    } else if (qid1) qid = qid1;
    else if (qid === 0) qid = rootQdisc(dev).handle;
  } else if (qid === 0) qid = rootQdisc(dev).handle;
  if (!qdiscLookup(dev, qid)) throw new KernelError('ENOENT');
  throw new KernelError('EOPNOTSUPP', 'nlsim: classes are not modelled yet');
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
  for (let ntx = skip; ntx < q.dev.numTxQueues; ntx++) {
    if (!chunk.put(RTM.RTM_NEWTCLASS, (w) => fillMqClass(w, q, ntx + 1))) {
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
      const walk = (): boolean => {
        if (!dumpTclassQdisc(chunk, d, root, tcm.parent, cur, sT)) return false;
        if (root.builtin) return true; // noop_qdisc has no device: no hash to walk
        if (tcm.parent) {
          // qdisc_match_from_root(): the root itself when its handle is the major asked for.
          const q = tcHMaj(tcm.parent) === root.handle ? root : qdiscLookup(dev, tcHMaj(tcm.parent));
          return !q || q === root || dumpTclassQdisc(chunk, d, q, tcm.parent, cur, sT);
        }
        for (const q of qdiscHash(dev)) if (!dumpTclassQdisc(chunk, d, q, tcm.parent, cur, sT)) return false;
        const ingress = ingressQdisc(dev);
        return !ingress || dumpTclassQdisc(chunk, d, ingress, tcm.parent, cur, sT);
      };
      walk();
      d.args[0] = cur.t;
      return chunk.length ? chunk.length : 0;
    },
  };
}

/** registerQdiscApi installs sch_api.c's handlers (pktsched_init(): PF_UNSPEC, no flags). */
export function registerQdiscApi(rtnl: Rtnetlink, state: NetworkState): void {
  rtnl.register(0, RTM.RTM_NEWQDISC, { doit: (ctx) => tcModifyQdisc(ctx, state) });
  rtnl.register(0, RTM.RTM_DELQDISC, { doit: (ctx) => tcGetQdisc(ctx, state) });
  rtnl.register(0, RTM.RTM_GETQDISC, { doit: (ctx) => tcGetQdisc(ctx, state), dumpit: (ctx) => tcDumpQdisc(ctx, state) });
  rtnl.register(0, RTM.RTM_NEWTCLASS, { doit: (ctx) => tcCtlTclass(ctx, state) });
  rtnl.register(0, RTM.RTM_DELTCLASS, { doit: (ctx) => tcCtlTclass(ctx, state) });
  rtnl.register(0, RTM.RTM_GETTCLASS, { doit: (ctx) => tcCtlTclass(ctx, state), dumpit: (ctx) => tcDumpTclass(ctx, state) });
}
