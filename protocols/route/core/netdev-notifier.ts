/**
 * The netdevice notifier chain (register_netdevice_notifier(), call_netdevice_notifiers()):
 * how the address families hear what happens to a device without the core knowing them.
 * ipv4/ and ipv6/ each register one block per namespace when its state is made (their
 * pernet init), IPv4 first, as inet_init() runs before inet6_init(); core/netdev.ts calls
 * the chain at the points Linux does, so every reaction runs in the chain's order.
 *
 * The events are the ones the models react to. The bridge and the upper devices (vlan) hear
 * theirs through the device's LinkKind (portEvent, lowerEvent), after the address families,
 * as br_device_event() and vlan_device_event() register later.
 */
import type { NetDevice } from './device.js';
import type { NetOps } from './netdev.js';

/** NetdevNotifier is one notifier_block: each member is optional, as a block ignores events. */
export interface NetdevNotifier {
  /** NETDEV_UP: the device was opened (__dev_notify_flags()). */
  up?(net: NetOps, dev: NetDevice): void;
  /** NETDEV_DOWN: the device was closed (__dev_notify_flags(), dev_close_many()). */
  down?(net: NetOps, dev: NetDevice): void;
  /** NETDEV_CHANGE: the carrier of a running device came or went (linkwatch_do_dev()). */
  change?(net: NetOps, dev: NetDevice): void;
  /** NETDEV_CHANGEMTU: `dev.mtu` is the new MTU, after rtnetlink_event()'s RTM_NEWLINK. */
  changeMtu?(net: NetOps, dev: NetDevice): void;
  /** NETDEV_UNREGISTER: the device left the list; its families drop their state. */
  unregister?(net: NetOps, dev: NetDevice): void;
}

/** NetdevEvent names a NetdevNotifier member. */
export type NetdevEvent = keyof NetdevNotifier;

/** NetdevChain is one namespace's chain, in registration order. */
export class NetdevChain {
  readonly #blocks: NetdevNotifier[] = [];

  /** register mirrors register_netdevice_notifier(): the block runs after those before it. */
  register(block: NetdevNotifier): void {
    this.#blocks.push(block);
  }

  /** call mirrors call_netdevice_notifiers(): every block that handles `event`, in order. */
  call(event: NetdevEvent, net: NetOps, dev: NetDevice): void {
    for (const block of this.#blocks) block[event]?.(net, dev);
  }
}
