/**
 * The qdiscs a device has, as sch_generic.c attaches them: noop_qdisc until the device first
 * goes up, then dev_activate() → attach_default_qdiscs(): noqueue on IFF_NO_QUEUE devices
 * (loopback, veth, bridge, vlan), the default qdisc (pfifo_fast) on a single-queue device,
 * and mq with one pfifo_fast per transmit queue on a multi-queue one. The qdisc stays when
 * the device goes down; dev_shutdown() puts noop_qdisc back when it is unregistered.
 *
 * nlsim keeps only the root's kind on the device (NetDevice.qdisc, which IFLA_QDISC
 * reports); the qdiscs themselves are derived from it, since every one of them is a default
 * qdisc (handle 0, no options of its own, no traffic).
 *
 * @note The default qdisc is the sysctl net.core.default_qdisc, pfifo_fast on a kernel built
 * without CONFIG_NET_SCH_DEFAULT; a host that set it to fq_codel shows fq_codel instead.
 */
import type { NetDevice } from '../device.js';
import { TC_H_ROOT, tcHMake } from './uapi.js';

/** QdiscKind is a Qdisc_ops id nlsim models. */
export type QdiscKind = 'noop' | 'noqueue' | 'pfifo_fast' | 'mq';

/** Qdisc is the part of struct Qdisc that tc_fill_qdisc() reports. */
export interface Qdisc {
  /** q->ops->id. */
  readonly kind: string;
  readonly handle: number;
  /** q->parent: TC_H_ROOT for a root qdisc, the mq class for its children. */
  readonly parent: number;
  /** refcount_read(&q->refcnt): what tcm_info carries. */
  readonly refcnt: number;
  /** TCQ_F_BUILTIN (noop_qdisc): never dumped. */
  readonly builtin: boolean;
  /** ops->cl_ops: the qdisc has classes (mq). */
  readonly classful: boolean;
  readonly dev: NetDevice;
}

/**
 * defaultRootKind mirrors attach_default_qdiscs(): what a device gets at its first
 * dev_activate(): its per-queue qdisc when it has one transmit queue or IFF_NO_QUEUE,
 * mq otherwise (netif_is_multiqueue(): real_num_tx_queues > 1, which nlsim keeps equal to
 * num_tx_queues).
 */
export function defaultRootKind(dev: NetDevice): string {
  if (dev.defaultQdisc === 'noqueue' || dev.numTxQueues <= 1) return dev.defaultQdisc;
  return 'mq';
}

/**
 * rootQdisc mirrors rtnl_dereference(dev->qdisc). A qdisc attached to every transmit queue
 * and to dev->qdisc holds two references (qdisc_create_dflt() then qdisc_refcount_inc());
 * mq holds one, as does each child (its queue's qdisc_sleeping).
 */
export function rootQdisc(dev: NetDevice): Qdisc {
  const kind = dev.qdisc;
  if (kind === 'noop') return noop(dev);
  const mq = kind === 'mq';
  return { kind, handle: 0, parent: TC_H_ROOT, refcnt: mq ? 1 : 2, builtin: false, classful: mq, dev };
}

/**
 * qdiscHash mirrors dev->qdisc_hash walked by hash_for_each(): the qdiscs below the root.
 * mq_attach() adds its children in queue order, each to the head of the one bucket their
 * handle (0) selects, so a walk meets them last queue first.
 */
export function qdiscHash(dev: NetDevice): Qdisc[] {
  if (dev.qdisc !== 'mq') return [];
  const out: Qdisc[] = [];
  for (let ntx = dev.numTxQueues - 1; ntx >= 0; ntx--) out.push(mqChild(dev, ntx));
  return out;
}

/** mqChild is the default qdisc mq_init_common() made for transmit queue `ntx` (parent 0:ntx+1). */
export function mqChild(dev: NetDevice, ntx: number): Qdisc {
  return { kind: 'pfifo_fast', handle: 0, parent: tcHMake(0, ntx + 1), refcnt: 1, builtin: false, classful: false, dev };
}

/**
 * qdiscLookup mirrors qdisc_lookup(): the qdisc with `handle` among the root, the hash and
 * the ingress queue's. Handle 0 finds nothing, and every qdisc nlsim has is a default one
 * with handle 0, so nothing is ever found.
 */
export function qdiscLookup(dev: NetDevice, handle: number): Qdisc | undefined {
  if (!handle) return undefined;
  const root = rootQdisc(dev);
  if (!root.builtin && root.handle === handle) return root;
  return qdiscHash(dev).find((q) => q.handle === handle);
}

/** ingressQueues holds the devices whose ingress queue exists (dev->ingress_queue). */
const ingressQueues = new WeakSet<NetDevice>();

/**
 * createIngressQueue mirrors dev_ingress_queue_create(): RTM_NEWQDISC with parent
 * TC_H_INGRESS gives the device an ingress queue (holding noop_qdisc) before anything can
 * fail, and it stays.
 */
export function createIngressQueue(dev: NetDevice): void {
  ingressQueues.add(dev);
}

/** ingressQdisc mirrors dev_ingress_queue(dev)->qdisc_sleeping: noop_qdisc, or nothing without an ingress queue. */
export function ingressQdisc(dev: NetDevice): Qdisc | undefined {
  return ingressQueues.has(dev) ? noop(dev) : undefined;
}

/** noop is noop_qdisc as seen from `dev` (TCQ_F_BUILTIN, no device of its own). */
function noop(dev: NetDevice): Qdisc {
  return { kind: 'noop', handle: 0, parent: 0, refcnt: 1, builtin: true, classful: false, dev };
}

/** dumpIgnored mirrors tc_qdisc_dump_ignore(): builtin qdiscs are never dumped (nlsim has no invisible ones). */
export function dumpIgnored(q: Qdisc): boolean {
  return q.builtin;
}
