/**
 * LinkKind is nlsim's struct rtnl_link_ops: what a device kind (veth, bridge, ifb, dummy,
 * vlan) adds to the generic device model, and the registry rtnl_link_ops_get() searches.
 */
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import type { AttrView, Policy } from '../../../sim/wire/policy.js';
import type { NetDevice } from './device.js';
import type { NetOps } from './netdev.js';

/** NewLinkRequest is what rtnl_newlink_create() hands a kind's newlink(). */
export interface NewLinkRequest {
  /** The device rtnl_create_link() allocated, not yet registered. */
  readonly dev: NetDevice;
  /** The request's IFLA attributes. */
  readonly tb: readonly (AttrView | undefined)[];
  /** IFLA_INFO_DATA parsed with the kind's policy (empty without one). */
  readonly data: readonly (AttrView | undefined)[];
  /** The whole request message (offsets in errors count from it). */
  readonly message: Uint8Array;
}

/** LinkKind mirrors the parts of struct rtnl_link_ops nlsim uses. */
export interface LinkKind {
  /** IFLA_INFO_KIND. */
  readonly kind: string;
  /** .policy and .maxtype for IFLA_INFO_DATA. */
  readonly policy?: Policy;
  readonly maxtype?: number;
  /**
   * peerType mirrors ops->peer_type: the IFLA_INFO_DATA attribute that holds the peer of a
   * paired kind (veth's VETH_INFO_PEER), parsed and validated before anything is created.
   */
  readonly peerType?: number;
  /** setup mirrors ops->setup(): the kind's defaults on a freshly allocated device. */
  setup(dev: NetDevice, net: NetOps): void;
  /** validate mirrors ops->validate(): refuse bad attributes before anything is allocated. */
  validate?(tb: readonly (AttrView | undefined)[], data: readonly (AttrView | undefined)[], net: NetOps): void;
  /** newlink mirrors ops->newlink(); defaults to register_netdevice(). */
  newlink?(req: NewLinkRequest, net: NetOps): void;
  /**
   * changelink mirrors ops->changelink(): IFLA_INFO_DATA (parsed with the kind's policy) on
   * an existing device. A kind without it refuses the data (EOPNOTSUPP).
   */
  changelink?(dev: NetDevice, data: readonly (AttrView | undefined)[], net: NetOps): void;
  /** slave_policy / slave_maxtype: how a master kind parses its ports' IFLA_INFO_SLAVE_DATA. */
  readonly slavePolicy?: Policy;
  readonly slaveMaxtype?: number;
  /** slaveChangelink mirrors ops->slave_changelink() of a master kind: a port's IFLA_INFO_SLAVE_DATA. */
  slaveChangelink?(master: NetDevice, port: NetDevice, data: readonly (AttrView | undefined)[], net: NetOps): void;
  /** dellink mirrors ops->dellink(): the devices to unregister with `dev`, in order. Defaults to [dev]. */
  dellink?(dev: NetDevice, net: NetOps): NetDevice[];
  /** fillInfo mirrors ops->fill_info(): the IFLA_INFO_DATA attributes (nothing written: no nest). */
  fillInfo?(w: AttrWriter, dev: NetDevice): void;
  /** fillSlaveInfo mirrors ops->fill_slave_info() of a master kind: IFLA_INFO_SLAVE_DATA of a port. */
  fillSlaveInfo?(w: AttrWriter, port: NetDevice): void;
  /** addSlave / delSlave mirror ndo_add_slave / ndo_del_slave (IFLA_MASTER). */
  addSlave?(master: NetDevice, port: NetDevice, net: NetOps): void;
  delSlave?(master: NetDevice, port: NetDevice, net: NetOps): void;
  /** changeMtu mirrors ndo_change_mtu(), called once dev.mtu holds the new value. */
  changeMtu?(dev: NetDevice): void;
  /** iflink mirrors ndo_get_iflink(). */
  iflink?(dev: NetDevice): number;
  /** open / stop mirror ndo_open / ndo_stop (veth's carrier follows its peer). */
  open?(dev: NetDevice, net: NetOps): void;
  stop?(dev: NetDevice, net: NetOps): void;
  /**
   * portEvent mirrors a master's netdevice notifier for one of its ports (br_device_event()):
   * NETDEV_UP, NETDEV_DOWN, NETDEV_CHANGE (linkwatch's netdev_state_change()) or
   * NETDEV_CHANGEMTU.
   */
  portEvent?(master: NetDevice, port: NetDevice, event: PortEvent, net: NetOps): void;
  /**
   * setMacAddress mirrors ndo_set_mac_address(): `addr` (dev->addr_len bytes) differs from the
   * device's address. A kind without it refuses IFLA_ADDRESS on an existing device (EOPNOTSUPP).
   */
  setMacAddress?(dev: NetDevice, addr: Uint8Array, net: NetOps): void;
  /**
   * addrSet mirrors netif_set_mac_address() making dev->addr_assign_type NET_ADDR_SET after a
   * successful IFLA_ADDRESS, also when the address did not change (a bridge stops following
   * its ports, a vlan its real device).
   */
  addrSet?(dev: NetDevice): void;
  /** changeRxFlags mirrors ndo_change_rx_flags(): IFF_PROMISC or IFF_ALLMULTI flipped in dev->flags. */
  changeRxFlags?(dev: NetDevice, change: number, net: NetOps): void;
  /**
   * lowerEvent mirrors the netdevice notifier an upper kind registers for the devices it is
   * stacked on (vlan_device_event() for a vlan's real device): called once per kind with that
   * kind's upper devices whose iflink is `lower`, in ifindex order, after the inet, addrconf
   * and master notifiers.
   */
  lowerEvent?(lower: NetDevice, uppers: NetDevice[], event: LowerEvent, net: NetOps): void;
}

/** PortEvent names the netdevice events a master hears about its ports. */
export type PortEvent = 'up' | 'down' | 'change' | 'changemtu' | 'changeaddr';

/** LowerEvent names the netdevice events an upper device hears about its lower device. */
export type LowerEvent = 'up' | 'down' | 'change' | 'changemtu' | 'changeaddr' | 'unregister';
