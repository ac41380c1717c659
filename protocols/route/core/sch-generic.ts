/**
 * What net/sched/sch_generic.c does in every kernel, with CONFIG_NET_SCHED or without (it is
 * built in with the core, as dev_activate() is called from dev_open()): the qdisc a device
 * gets when it first comes up. The tc API over qdiscs is sched/.
 */
import type { NetDevice } from './device.js';

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
