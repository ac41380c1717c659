/**
 * The qdiscs a device has. By default sch_generic.c attaches them: noop_qdisc until the
 * device first goes up, then dev_activate() → attach_default_qdiscs(): noqueue on
 * IFF_NO_QUEUE devices (loopback, veth, bridge, vlan), the default qdisc (pfifo_fast) on a
 * single-queue device, and mq with one pfifo_fast per transmit queue on a multi-queue one.
 * The qdisc stays when the device goes down; dev_shutdown() puts noop_qdisc back when it is
 * unregistered. `tc qdisc add` grafts others at the root (qdisc_graft()) and on the ingress
 * queue (ingress, clsact).
 *
 * The root's kind lives on the device (NetDevice.qdisc, which IFLA_QDISC reports); a root
 * grafted by a request is kept here beside it, and default qdiscs are derived from the kind
 * (handle 0, no options of their own, no traffic).
 *
 * @note The default qdisc is the sysctl net.core.default_qdisc, pfifo_fast on a kernel built
 * without CONFIG_NET_SCH_DEFAULT; a host that set it to fq_codel shows fq_codel instead.
 */
import type { NetDevice } from '../core/index.js';
import { defaultRootKind } from '../core/index.js';
import { TC_H_INGRESS, TC_H_ROOT, tcHMake } from './uapi.js';

/** Qdisc is the part of struct Qdisc that tc_fill_qdisc() reports. */
export interface Qdisc {
  /** q->ops->id. */
  readonly kind: string;
  readonly handle: number;
  /** q->parent: TC_H_ROOT for a root qdisc, TC_H_INGRESS on the ingress queue, the mq class for its children. */
  readonly parent: number;
  /** refcount_read(&q->refcnt): what tcm_info carries. */
  readonly refcnt: number;
  /** TCQ_F_BUILTIN (noop_qdisc): never dumped. */
  readonly builtin: boolean;
  /** ops->cl_ops: the qdisc has classes (mq, ingress, clsact). */
  readonly classful: boolean;
  /** TCQ_F_INGRESS: ingress and clsact. */
  readonly ingress: boolean;
  /** sch->limit of the fifos: packets (pfifo, pfifo_head_drop) or bytes (bfifo). */
  readonly limit?: number;
  readonly dev: NetDevice;
}

/** What a request grafted: the qdisc, without the reference count (derived where it is). */
export type GraftedQdisc = Omit<Qdisc, 'refcnt'>;

/** grafted holds the root qdiscs requests grafted (dev->qdisc when it is not a default one). */
const grafted = new WeakMap<NetDevice, GraftedQdisc>();
/** ingressQueues holds the devices with an ingress queue (dev->ingress_queue) and its qdisc (null: noop_qdisc). */
const ingressQueues = new WeakMap<NetDevice, GraftedQdisc | null>();

/** noop is noop_qdisc as seen from `dev` (TCQ_F_BUILTIN, no device of its own). */
function noop(dev: NetDevice): Qdisc {
  return { kind: 'noop', handle: 0, parent: 0, refcnt: 1, builtin: true, classful: false, ingress: false, dev };
}

/**
 * rootRefcnt is the reference count of a root qdisc: mq holds one (its children hang on the
 * queues); any other grafted root one per transmit queue plus dev->qdisc's; a default one
 * attached per queue two (qdisc_create_dflt() then qdisc_refcount_inc() for dev->qdisc).
 */
function rootRefcnt(q: GraftedQdisc, isDefault: boolean): number {
  if (q.kind === 'mq') return 1;
  return isDefault ? 2 : q.dev.numTxQueues + 1;
}

/** rootQdisc mirrors rtnl_dereference(dev->qdisc). */
export function rootQdisc(dev: NetDevice): Qdisc {
  const kind = dev.qdisc;
  if (kind === 'noop') return noop(dev);
  const g = grafted.get(dev);
  if (g && g.kind === kind) return { ...g, refcnt: rootRefcnt(g, false) };
  const q: GraftedQdisc = { kind, handle: 0, parent: TC_H_ROOT, builtin: false, classful: kind === 'mq', ingress: false, dev };
  return { ...q, refcnt: rootRefcnt(q, true) };
}

/**
 * graftRoot mirrors the root half of qdisc_graft(): `q` becomes dev->qdisc (null: noop_qdisc,
 * after which dev_activate() attaches the default qdiscs again on a device that is up).
 */
export function graftRoot(dev: NetDevice, q: GraftedQdisc | null, up: boolean): void {
  if (q) {
    grafted.set(dev, q);
    dev.qdisc = q.kind;
    return;
  }
  grafted.delete(dev);
  dev.qdisc = up ? defaultRootKind(dev) : 'noop';
}

/**
 * MqLeaf is what a grafted mq keeps on one transmit queue: its default pfifo_fast
 * (undefined), a qdisc grafted below the class, or noop_qdisc after that one was deleted (null).
 */
type MqLeaf = (GraftedQdisc & { readonly seq: number }) | null | undefined;

/** leaves holds the queues' qdiscs of grafted mq roots that requests changed. */
const leaves = new WeakMap<GraftedQdisc, MqLeaf[]>();
/** hashSeq orders qdiscs added to a device's qdisc hash: each goes to the head of its bucket. */
let hashSeq = 0;

/** hashBucket mirrors hash_min(handle, 4) = hash_32(): the qdisc_hash bucket of a handle. */
function hashBucket(handle: number): number {
  return Math.imul(handle, 0x61c88647) >>> 28;
}

/**
 * qdiscHash mirrors dev->qdisc_hash walked by hash_for_each(): the qdiscs below the root, by
 * bucket, newest first within one. mq_attach() adds its default children in queue order to
 * the bucket of handle 0, so a walk meets them last queue first; qdiscs grafted below its
 * classes were added when they were created.
 */
export function qdiscHash(dev: NetDevice): Qdisc[] {
  const root = rootQdisc(dev);
  if (root.kind !== 'mq') return [];
  const out: { q: Qdisc; seq: number }[] = [];
  for (let ntx = 0; ntx < dev.numTxQueues; ntx++) {
    const leaf = leafOf(root, ntx);
    if (leaf === undefined) out.push({ q: mqChild(root, ntx), seq: ntx - 2 ** 40 });
    else if (leaf) out.push({ q: { ...leaf, refcnt: 1 }, seq: leaf.seq });
  }
  out.sort((a, b) => hashBucket(a.q.handle) - hashBucket(b.q.handle) || b.seq - a.seq);
  return out.map((x) => x.q);
}

/** leafOf is the MqLeaf of queue `ntx` of the mq `root`. */
function leafOf(root: Qdisc, ntx: number): MqLeaf {
  const g = grafted.get(root.dev);
  return g && g.handle === root.handle && g.kind === 'mq' ? leaves.get(g)?.[ntx] : undefined;
}

/** mqLeaf mirrors mq_leaf(): the qdisc on transmit queue `ntx` (noop_qdisc after a delete). */
export function mqLeaf(mq: Qdisc, ntx: number): Qdisc {
  const leaf = leafOf(mq, ntx);
  if (leaf === undefined) return mqChild(mq, ntx);
  return leaf ? { ...leaf, refcnt: 1 } : noop(mq.dev);
}

/**
 * graftMqLeaf mirrors mq_graft(): `q` (null: none, noop_qdisc takes the queue) replaces what
 * transmit queue `ntx` of the grafted mq root had.
 */
export function graftMqLeaf(mq: Qdisc, ntx: number, q: GraftedQdisc | null): void {
  const g = grafted.get(mq.dev)!;
  const list = leaves.get(g) ?? [];
  list[ntx] = q ? { ...q, seq: ++hashSeq } : null;
  leaves.set(g, list);
}

/**
 * setLimit mirrors fifo_init() as a fifo's change operation: the new limit, the qdisc staying
 * where it is (at the root or below an mq class, in its hash position).
 */
export function setLimit(q: Qdisc, limit: number): void {
  const g = grafted.get(q.dev);
  if (g && g.handle === q.handle) {
    grafted.set(q.dev, { ...g, limit });
    return;
  }
  const list = g ? leaves.get(g) : undefined;
  const i = list?.findIndex((l) => l && l.handle === q.handle) ?? -1;
  if (list && i >= 0) list[i] = { ...list[i]!, limit };
}

/** mqChild is the default qdisc mq_init_common() made for transmit queue `ntx` (parent mq:ntx+1). */
export function mqChild(mq: Qdisc, ntx: number): Qdisc {
  return { kind: 'pfifo_fast', handle: 0, parent: tcHMake(mq.handle, ntx + 1), refcnt: 1, builtin: false, classful: false, ingress: false, dev: mq.dev };
}

/**
 * createIngressQueue mirrors dev_ingress_queue_create(): RTM_NEWQDISC with parent
 * TC_H_INGRESS gives the device an ingress queue (holding noop_qdisc) before anything can
 * fail, and it stays.
 */
export function createIngressQueue(dev: NetDevice): void {
  if (!ingressQueues.has(dev)) ingressQueues.set(dev, null);
}

/** ingressQdisc mirrors dev_ingress_queue(dev)->qdisc_sleeping: undefined without an ingress queue. */
export function ingressQdisc(dev: NetDevice): Qdisc | undefined {
  if (!ingressQueues.has(dev)) return undefined;
  const g = ingressQueues.get(dev);
  return g ? { ...g, refcnt: 1 } : noop(dev);
}

/** graftIngress puts `q` (null: noop_qdisc) on the device's ingress queue. */
export function graftIngress(dev: NetDevice, q: GraftedQdisc | null): void {
  ingressQueues.set(dev, q);
}

/** newIngress builds an ingress or clsact qdisc (handle ffff:0, parent TC_H_INGRESS). */
export function newIngress(dev: NetDevice, kind: string): GraftedQdisc {
  return { kind, handle: tcHMake(TC_H_INGRESS, 0), parent: TC_H_INGRESS, builtin: false, classful: true, ingress: true, dev };
}

/**
 * qdiscLookup mirrors qdisc_lookup(): the qdisc with `handle` among the root, the hash and
 * the ingress queue's. Handle 0 finds nothing.
 */
export function qdiscLookup(dev: NetDevice, handle: number): Qdisc | undefined {
  if (!handle) return undefined;
  const root = rootQdisc(dev);
  if (!root.builtin && root.handle === handle) return root;
  const q = qdiscHash(dev).find((x) => x.handle === handle);
  if (q) return q;
  const ingress = ingressQdisc(dev);
  return ingress && !ingress.builtin && ingress.handle === handle ? ingress : undefined;
}

/** dumpIgnored mirrors tc_qdisc_dump_ignore(): builtin qdiscs are never dumped (nlsim has no invisible ones). */
export function dumpIgnored(q: Qdisc): boolean {
  return q.builtin;
}
