/**
 * NetOps: one namespace's device operations as net/core/dev.c performs them under RTNL, with
 * the RTM_NEWLINK / RTM_DELLINK notifications they send: register_netdevice(),
 * rtnl_configure_link(), dev_change_flags(), netif_carrier_on/off() with linkwatch, and
 * unregister_netdevice_many().
 *
 * @note Linkwatch runs from a workqueue on Linux; nlsim queues the events and runs them when
 * the request that caused them is done (flushLinkwatch()), which is the order Linux shows
 * when the work is urgent (a device whose iflink differs from its ifindex, like veth).
 */
import { KernelError } from '../../../sim/errors.js';
import type { KernelSocket } from '../../../sim/kernel-socket.js';
import { NLM_F_ECHO } from '../../../sim/uapi/netlink.js';
import { writeHeader } from '../../../sim/wire/header.js';
import type { Requester } from './rtnl-notify.js';
import { devGetFlags, devGetIflink, etherInet6Conf, IPV4_MIN_MTU, IPV6_MIN_MTU, type NetDevice, newInet6Dev, running } from './device.js';
import { fillIfInfo, ifNlmsgSize } from './link-fill.js';
import { defaultRootKind } from './sch-generic.js';
import { neighIfdown } from './neighbour.js';
import { netconfNotifyRegister, sysctlDevNameAllowed } from './netconf.js';
import type { LinkKind, LowerEvent } from './link-kind.js';
import type { LinkTable, NetworkStateOptions } from './state.js';
import { AF_INET, AF_INET6, IF_OPER, IFF, IFF_VOLATILE, IFNAMSIZ, RTM_DELLINK, RTM_NEWLINK, RTNLGRP_LINK } from './uapi.js';


/** validName mirrors dev_valid_name(): 1–15 bytes, not "." or "..", no '/', ':' or whitespace. */
export function validName(name: string): boolean {
  if (!name || new TextEncoder().encode(name).length >= IFNAMSIZ) return false;
  if (name === '.' || name === '..') return false;
  return !/[/:\s]/.test(name);
}

/** NetOps performs device operations in one namespace, notifying through its rtnetlink socket. */
export class NetOps {
  readonly links: LinkTable;
  readonly ks: KernelSocket;
  readonly options: NetworkStateOptions;

  constructor(links: LinkTable, ks: KernelSocket, options: NetworkStateOptions) {
    this.links = links;
    this.ks = ks;
    this.options = options;
  }

  /**
   * rtmsgIfinfo mirrors rtmsg_ifinfo_event(): an RTM_NEWLINK/RTM_DELLINK to RTNLGRP_LINK,
   * carrying the request's seq and port id, and echoed to it, when `requester` asked with NLM_F_ECHO.
   */
  rtmsgIfinfo(type: number, dev: NetDevice, change: number, requester?: Requester, event?: number): void {
    // rtmsg_ifinfo_build_skb(): the request's seq and port id only when it asked for an echo.
    // rtmsg_ifinfo_event() stays silent about a device being unregistered (only its
    // RTM_DELLINK, built directly, goes out).
    if (dev.unregistered && type !== RTM_DELLINK) return;
    const req = requester && requester.header.flags & NLM_F_ECHO ? requester : undefined;
    const body = fillIfInfo(dev, event ? { change, event } : { change });
    const msg = new Uint8Array(16 + body.length);
    writeHeader(msg, 0, { len: msg.length, type, flags: 0, seq: req?.header.seq ?? 0, pid: req?.portid ?? 0 });
    msg.set(body, 16);
    const report = req !== undefined;
    this.ks.notify(msg, RTNLGRP_LINK, req?.portid ?? 0, report, { allocSize: ifNlmsgSize(dev) });
  }

  /**
   * allocName mirrors dev_prep_valid_name()/dev_alloc_name(): a name with "%d" gets the
   * lowest free number; others must be valid and unused.
   */
  allocName(name: string): string {
    if (name.includes('%')) {
      // __dev_alloc_name(): one '%', followed by 'd'.
      const at = name.indexOf('%');
      if (name[at + 1] !== 'd' || name.includes('%', at + 2)) throw new KernelError('EINVAL');
      const pre = name.slice(0, at);
      const post = name.slice(at + 2);
      for (let i = 0; i < 32768; i++) {
        const n = `${pre}${i}${post}`;
        if (!this.links.byAnyName(n)) {
          if (!validName(n)) throw new KernelError('EINVAL');
          return n;
        }
      }
      throw new KernelError('ENFILE');
    }
    if (!validName(name)) throw new KernelError('EINVAL');
    if (this.links.byAnyName(name)) throw new KernelError('EEXIST');
    return name;
  }

  /**
   * register mirrors register_netdevice() for a device rtnetlink creates: name and index,
   * listing, then the NETDEV_REGISTER notifiers (inetdev and addrconf attach their state).
   * The RTM_NEWLINK waits for rtnl_configure_link() (rtnl_link_state INITIALIZING).
   */
  register(dev: NetDevice): void {
    dev.name = this.allocName(dev.name);
    if (dev.ifindex) {
      if (this.links.byIndex(dev.ifindex)) throw new KernelError('EBUSY');
    } else dev.ifindex = this.links.nextIndex();
    // NETDEV_REGISTER: inetdev_init() fails for "all" and "default" (EINVAL, the index stays used).
    if (dev.mtu >= IPV4_MIN_MTU && !sysctlDevNameAllowed(dev.name)) throw new KernelError('EINVAL');
    this.links.add(dev);
    if (dev.mtu >= IPV4_MIN_MTU) dev.inet = [...dev.inetDefault];
    if (dev.mtu >= IPV6_MIN_MTU) dev.inet6 = newInet6Dev(etherInet6Conf(dev.mtu, (dev.flags & IFF.IFF_NOARP) !== 0), this.options);
    netconfNotifyRegister(this.ks, dev);
  }

  /**
   * configure mirrors rtnl_configure_link(): applies the request's ifi_flags, then sends the
   * device's first RTM_NEWLINK (change ~0) with the requester's seq and port id.
   */
  configure(dev: NetDevice, ifm: { flags: number; change: number } | null, req?: Requester): void {
    const oldFlags = dev.flags;
    if (ifm && (ifm.flags || ifm.change)) this.#changeFlagsRaw(dev, combineFlags(dev, ifm));
    if (dev.initialized) {
      this.#notifyFlags(dev, oldFlags, (oldFlags ^ dev.flags) >>> 0, req);
      return;
    }
    dev.initialized = true;
    this.#notifyFlags(dev, oldFlags, 0xffffffff, req);
  }

  /** changeFlags mirrors dev_change_flags(): __dev_change_flags() then __dev_notify_flags(). */
  changeFlags(dev: NetDevice, flags: number): void {
    const oldFlags = dev.flags;
    const changes = this.#changeFlagsRaw(dev, flags);
    this.#notifyFlags(dev, oldFlags, changes);
  }

  /** #changeFlagsRaw mirrors __dev_change_flags(); returns the changes to notify (flags and gflags). */
  #changeFlagsRaw(dev: NetDevice, flags: number): number {
    const oldFlags = dev.flags;
    const oldGflags = dev.gflags;
    const keep = IFF.IFF_UP | IFF_VOLATILE | IFF.IFF_PROMISC | IFF.IFF_ALLMULTI;
    const settable = IFF.IFF_DEBUG | IFF.IFF_NOTRAILERS | IFF.IFF_NOARP | IFF.IFF_DYNAMIC | IFF.IFF_MULTICAST | IFF.IFF_PORTSEL | IFF.IFF_AUTOMEDIA;
    dev.flags = ((flags & settable) | (dev.flags & keep)) >>> 0;
    if ((oldFlags ^ flags) & IFF.IFF_UP) {
      if (oldFlags & IFF.IFF_UP) this.#close(dev);
      else this.#open(dev);
    }
    if ((flags ^ dev.gflags) & IFF.IFF_PROMISC) {
      dev.gflags ^= IFF.IFF_PROMISC;
      dev.promiscuity += flags & IFF.IFF_PROMISC ? 1 : -1;
      if (dev.promiscuity > 0) dev.flags |= IFF.IFF_PROMISC;
      else dev.flags &= ~IFF.IFF_PROMISC;
      if ((dev.flags ^ oldFlags) & IFF.IFF_PROMISC) dev.kind?.changeRxFlags?.(dev, IFF.IFF_PROMISC, this); // dev_change_rx_flags()
    }
    if ((flags ^ dev.gflags) & IFF.IFF_ALLMULTI) {
      dev.gflags ^= IFF.IFF_ALLMULTI;
      dev.allmulti += flags & IFF.IFF_ALLMULTI ? 1 : -1;
      if (dev.allmulti > 0) dev.flags |= IFF.IFF_ALLMULTI;
      else dev.flags &= ~IFF.IFF_ALLMULTI;
      if ((dev.flags ^ oldFlags) & IFF.IFF_ALLMULTI) dev.kind?.changeRxFlags?.(dev, IFF.IFF_ALLMULTI, this);
    }
    dev.flags >>>= 0;
    return ((oldFlags ^ dev.flags) | (oldGflags ^ dev.gflags)) >>> 0;
  }

  /** #open mirrors __dev_open(): ndo_open, then dev_activate() (default qdisc; tx only with carrier). */
  #open(dev: NetDevice): void {
    dev.kind?.open?.(dev, this);
    dev.flags |= IFF.IFF_UP;
    // Routes made from here on check the carrier as it is (fib_check_nh(), fib6_nh_init()).
    dev.nhLinkdown = !dev.carrier;
    this.#activate(dev);
  }

  /** #close mirrors __dev_close_many() for one device: ndo_stop, dev_deactivate(). */
  #close(dev: NetDevice): void {
    dev.kind?.stop?.(dev, this);
    dev.flags &= ~IFF.IFF_UP;
    txActive.delete(dev);
  }

  /** #activate mirrors dev_activate(): attach the default qdisc, start tx only with carrier. */
  #activate(dev: NetDevice): void {
    if (dev.qdisc === 'noop') dev.qdisc = defaultRootKind(dev); // mq on a multi-queue device
    if (dev.carrier) txActive.add(dev);
  }

  /**
   * #notifyFlags mirrors __dev_notify_flags(): the RTM_NEWLINK, then NETDEV_UP/NETDEV_DOWN
   * (addrconf marks the inet6_dev IF_READY once the device can send).
   */
  #notifyFlags(dev: NetDevice, oldFlags: number, gchanges: number, req?: Requester): void {
    if (gchanges) this.rtmsgIfinfo(RTM_NEWLINK, dev, gchanges, req);
    const changes = dev.flags ^ oldFlags;
    if (!(changes & IFF.IFF_UP)) return;
    // The netdevice notifier chain in registration order: inetdev_event and
    // fib_netdev_event (IPv4), then addrconf_notify (IPv6).
    this.links.netdevChain.call(running(dev) ? 'up' : 'down', this, dev);
    // br_device_event(), registered after the inet notifiers; then the upper devices' own
    // notifiers (vlan_device_event()).
    dev.master?.kind?.portEvent?.(dev.master, dev, running(dev) ? 'up' : 'down', this);
    this.lowerEvent(dev, running(dev) ? 'up' : 'down');
  }

  /** carrierOn mirrors netif_carrier_on(): counts the change and fires a linkwatch event. */
  carrierOn(dev: NetDevice): void {
    if (dev.carrier) return;
    dev.carrier = true;
    dev.carrierUpCount++;
    this.links.linkwatch.push(dev);
  }

  /** carrierOff mirrors netif_carrier_off(). */
  carrierOff(dev: NetDevice): void {
    if (!dev.carrier) return;
    dev.carrier = false;
    dev.carrierDownCount++;
    this.links.linkwatch.push(dev);
  }

  /**
   * flushLinkwatch mirrors __linkwatch_run_queue() → linkwatch_do_dev(): the RFC 2863
   * operstate, then for a running device (de)activation, NETDEV_CHANGE (addrconf gets ready)
   * and an RTM_NEWLINK with change 0 (netdev_state_change()).
   */
  flushLinkwatch(): void {
    const queue = this.links.linkwatch.splice(0);
    const seen = new Set<NetDevice>();
    for (const dev of queue) {
      if (seen.has(dev) || dev.unregistered) continue;
      seen.add(dev);
      dev.operstate = this.#defaultOperstate(dev);
      if (!running(dev)) continue;
      if (dev.carrier) txActive.add(dev);
      else txActive.delete(dev);
      // NETDEV_CHANGE, in notifier order: the nexthops flagged or flushed and the ARP
      // entries dropped (IPv4), the ND entries dropped and addrconf ready (IPv6).
      this.links.netdevChain.call('change', this, dev);
      dev.master?.kind?.portEvent?.(dev.master, dev, 'change', this); // NETDEV_CHANGE
      this.lowerEvent(dev, 'change');
      this.rtmsgIfinfo(RTM_NEWLINK, dev, 0);
    }
  }

  /** #defaultOperstate mirrors default_operstate() (6.18: a lower device without carrier makes LOWERLAYERDOWN). */
  #defaultOperstate(dev: NetDevice): number {
    if (!dev.carrier) {
      const iflink = devGetIflink(dev);
      if (iflink === dev.ifindex) return IF_OPER.IF_OPER_DOWN;
      const peer = this.links.byIndex(iflink);
      if (!peer) return IF_OPER.IF_OPER_DOWN;
      return peer.carrier ? IF_OPER.IF_OPER_DOWN : IF_OPER.IF_OPER_LOWERLAYERDOWN;
    }
    return IF_OPER.IF_OPER_UP;
  }

  /**
   * unregisterMany mirrors unregister_netdevice_many_notify(): closes the running devices
   * (ndo_stop for all, then per device an RTM_NEWLINK with change IFF_UP|IFF_RUNNING and
   * NETDEV_DOWN), unlists them, and sends each one's RTM_DELLINK (change ~0) with the
   * requester's seq and port id, after inetdev and addrconf dropped their state.
   */
  unregisterMany(devs: NetDevice[], req?: Requester): void {
    this.closeMany(devs.filter((d) => running(d)));
    for (const d of devs) {
      this.links.remove(d);
      d.unregistered = true;
    }
    this.#unregisterNotify(devs, req);
  }

  /**
   * closeMany mirrors dev_close_many() on running devices: ndo_stop for all, then per device
   * an RTM_NEWLINK with change IFF_UP|IFF_RUNNING and the NETDEV_DOWN notifiers.
   */
  closeMany(closing: NetDevice[]): void {
    for (const d of closing) d.kind?.stop?.(d, this);
    for (const d of closing) {
      d.flags &= ~IFF.IFF_UP;
      txActive.delete(d);
      this.rtmsgIfinfo(RTM_NEWLINK, d, IFF.IFF_UP | IFF.IFF_RUNNING);
      this.links.netdevChain.call('down', this, d);
      d.master?.kind?.portEvent?.(d.master, d, 'down', this);
      this.lowerEvent(d, 'down');
    }
  }

  /** #unregisterNotify is unregister_netdevice_many_notify()'s NETDEV_UNREGISTER loop over unlisted devices. */
  #unregisterNotify(devs: NetDevice[], req?: Requester): void {
    for (const d of devs) {
      // dev_shutdown() puts back noop_qdisc; NETDEV_UNREGISTER: a bridge lets its port go
      // (br_del_if()), inetdev and addrconf drop their state.
      d.qdisc = 'noop';
      if (d.master?.kind?.delSlave) d.master.kind.delSlave(d.master, d, this);
      this.links.netdevChain.call('unregister', this, d);
      d.inet = null;
      d.inet6 = null;
      // The upper devices' notifiers (vlan_device_event() unregisters the vlans, nested).
      this.lowerEvent(d, 'unregister');
      // A device whose first RTM_NEWLINK never went out leaves without an RTM_DELLINK.
      if (d.initialized) this.rtmsgIfinfo(RTM_DELLINK, d, 0xffffffff, req);
    }
  }

  /**
   * setPromiscuity mirrors dev_set_promiscuity(): a counted IFF_PROMISC, notified with
   * change IFF_PROMISC when the flag flips (reports show only user-requested promiscuity).
   */
  setPromiscuity(dev: NetDevice, inc: number): void {
    const old = dev.flags;
    dev.promiscuity += inc;
    if (dev.promiscuity > 0) dev.flags |= IFF.IFF_PROMISC;
    else dev.flags &= ~IFF.IFF_PROMISC;
    dev.flags >>>= 0;
    if (dev.flags === old) return;
    dev.kind?.changeRxFlags?.(dev, IFF.IFF_PROMISC, this); // dev_change_rx_flags()
    this.#notifyFlags(dev, old, IFF.IFF_PROMISC);
  }

  /**
   * setMtu mirrors dev_set_mtu_ext() with dev_validate_mtu(), then the NETDEV_CHANGEMTU
   * notifiers in their order: rtnetlink_event() (the RTM_NEWLINK), inetdev_event(), addrconf_notify().
   */
  setMtu(dev: NetDevice, value: number): void {
    const mtu = value | 0; // the kernel holds it in an int
    if (mtu === dev.mtu) return;
    if (mtu < 0 || mtu < dev.minMtu) throw new KernelError('EINVAL', 'mtu less than device minimum');
    if (dev.maxMtu > 0 && mtu > dev.maxMtu) throw new KernelError('EINVAL', 'mtu greater than device maximum');
    const old = dev.mtu;
    dev.mtu = mtu;
    try {
      dev.kind?.changeMtu?.(dev); // ndo_change_mtu (a vlan's may refuse: ERANGE)
    } catch (e) {
      dev.mtu = old;
      throw e;
    }
    this.rtmsgIfinfo(RTM_NEWLINK, dev, 0);
    // inetdev_event(), then addrconf_notify(): each family leaves or comes back.
    this.links.netdevChain.call('changeMtu', this, dev);
    // br_device_event(), after the inet notifiers: the bridge MTU follows its ports.
    dev.master?.kind?.portEvent?.(dev.master, dev, 'changemtu', this);
    this.lowerEvent(dev, 'changemtu');
  }

  /**
   * setMacAddress mirrors netif_set_mac_address() as do_setlink() calls it (sa_family is
   * dev->type): no ndo_set_mac_address is EOPNOTSUPP; the driver is asked only when the
   * address differs, but NETDEV_CHANGEADDR runs either way (setting the same address again
   * is reported and flushes the neighbours again, as on 6.18).
   */
  setMacAddress(dev: NetDevice, addr: Uint8Array): void {
    const ndo: LinkKind['setMacAddress'] = dev.kind ? dev.kind.setMacAddress : dev.flags & IFF.IFF_LOOPBACK ? ethMacAddr : undefined;
    if (!ndo) throw new KernelError('EOPNOTSUPP');
    if (!sameAddr(dev.address, addr)) ndo(dev, addr, this);
    dev.kind?.addrSet?.(dev); // NET_ADDR_SET
    this.notifyChangeAddr(dev);
  }

  /**
   * notifyChangeAddr mirrors call_netdevice_notifiers(NETDEV_CHANGEADDR) in the chain's order
   * measured on 6.18: rtnetlink_event() (the RTM_NEWLINK), arp_netdev_event()
   * (neigh_changeaddr(): every ARP entry of the device goes, PERMANENT ones too),
   * br_device_event() for a bridge port, the upper devices' notifiers, then
   * ndisc_netdev_event() (the same for ND). addrconf keeps the EUI-64 link-local address.
   * @note neigh_changeaddr() leaves proxy entries alone; nlsim's neighIfdown() drops them too.
   */
  notifyChangeAddr(dev: NetDevice): void {
    this.rtmsgIfinfo(RTM_NEWLINK, dev, 0);
    neighIfdown(this.links, this.ks, dev, AF_INET);
    dev.master?.kind?.portEvent?.(dev.master, dev, 'changeaddr', this);
    this.lowerEvent(dev, 'changeaddr');
    neighIfdown(this.links, this.ks, dev, AF_INET6);
  }

  /**
   * lowerEvent runs the notifiers upper kinds registered for `lower` (LinkKind.lowerEvent): the
   * devices whose iflink is `lower`, grouped by kind, in ifindex order.
   */
  lowerEvent(lower: NetDevice, event: LowerEvent): void {
    const byKind = new Map<LinkKind, NetDevice[]>();
    for (const up of this.links.list()) {
      const kind = up.kind;
      if (up === lower || !kind?.lowerEvent || up.unregistered || devGetIflink(up) !== lower.ifindex) continue;
      byKind.set(kind, [...(byKind.get(kind) ?? []), up]);
    }
    for (const [kind, uppers] of byKind) kind.lowerEvent!(lower, uppers, event, this);
  }
}

/** sameAddr compares two hardware addresses. */
function sameAddr(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** validEtherAddr mirrors is_valid_ether_addr(): not multicast, not all zeros. */
export function validEtherAddr(addr: Uint8Array): boolean {
  return !(addr[0]! & 1) && addr.some((b) => b !== 0);
}

/**
 * ethMacAddr mirrors eth_mac_addr() (eth_prepare_mac_addr_change() and the commit):
 * EADDRNOTAVAIL for a multicast or zero address. lo, veth and dummy use it.
 * @note The EBUSY of a running device without IFF_LIVE_ADDR_CHANGE never applies: every
 * kind nlsim models with eth_mac_addr() sets that flag.
 */
export function ethMacAddr(dev: NetDevice, addr: Uint8Array): void {
  if (!validEtherAddr(addr)) throw new KernelError('EADDRNOTAVAIL');
  dev.address = addr.slice();
}


/** txActive holds the devices whose tx queues have a real qdisc (!qdisc_tx_is_noop(): addrconf_link_ready()). */
const txActive = new WeakSet<NetDevice>();

/** netifTxActive says whether dev_activate() gave `dev`'s queues a real qdisc (!qdisc_tx_is_noop()). */
export function netifTxActive(dev: NetDevice): boolean {
  return txActive.has(dev);
}

/** combineFlags mirrors rtnl_dev_combine_flags(): "ifi_change == 0 is treated as ~0". */
export function combineFlags(dev: NetDevice, ifm: { flags: number; change: number }): number {
  // rtnl_dev_combine_flags(): unchanged bits come from dev_get_flags(), where PROMISC and
  // ALLMULTI are what user space asked for (gflags), not a bridge port's counted promiscuity.
  return (ifm.change ? (ifm.flags & ifm.change) | (devGetFlags(dev) & ~ifm.change) : ifm.flags) >>> 0;
}
