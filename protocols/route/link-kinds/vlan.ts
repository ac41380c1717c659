/**
 * vlan (net/8021q: vlan_netlink.c, vlan_dev.c, vlan.c): an 802.1Q/802.1ad device stacked on a
 * real device (IFLA_LINK). vlan_dev_init() copies the real device's flags, carrier and
 * addresses; vlan_device_event() makes the vlans follow their real device (up, down, carrier,
 * MTU, address, unregistration); IFLA_VLAN_FLAGS and the QoS maps can be changed later.
 * @note Modelled from the kernel source: the test machine lacks the 8021q module, so no
 * differential test covers it (test/protocols/route/vlan.test.ts states what each check
 * expects from which function). Not modelled: GVRP/MVRP protocol traffic, the unicast and
 * multicast address lists synced to the real device (dev_uc_add(): a real device without
 * IFF_UNICAST_FLT would turn promiscuous), NETIF_F_VLAN_CHALLENGED
 * real devices (none of nlsim's kinds is one) and the ioctl interface.
 */
import { KernelError } from '../../../sim/errors.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { type AttrView, NL_VALIDATE, NLA, parseAttrs, type Policy } from '../../../sim/wire/policy.js';
import { devGetFlags, type NetDevice, running } from '../core/index.js';
import type { LinkKind, LowerEvent } from '../core/index.js';
import { type NetOps, validEtherAddr } from '../core/index.js';
import { ARPHRD, IFF, IFLA, IFLA_INFO, IFLA_VLAN, RTM_NEWLINK } from '../core/uapi.js';

/** ETH_P_8021Q and ETH_P_8021AD: the protocols a vlan may use. */
const ETH_P_8021Q = 0x8100;
const ETH_P_8021AD = 0x88a8;
/** VLAN_VID_MASK: ids run from 0 to 4094. */
const VLAN_VID_MASK = 0xfff;
/** enum vlan_flags (linux/if_vlan.h). */
export const VLAN_FLAG = { REORDER_HDR: 0x1, GVRP: 0x2, LOOSE_BINDING: 0x4, MVRP: 0x8, BRIDGE_BINDING: 0x10 } as const;
const VLAN_FLAGS_ALL = 0x1f;
/** IFLA_VLAN_QOS_MAPPING: the only attribute of the QoS nests. */
const IFLA_VLAN_QOS_MAPPING = 1;
/** VLAN_PRIO_SHIFT / VLAN_PRIO_MASK: where a priority sits in the TCI. */
const VLAN_PRIO_SHIFT = 13;
const VLAN_PRIO_MASK = 0xe000;

/** EgressMapping is struct vlan_priority_tci_mapping. */
interface EgressMapping {
  priority: number;
  vlanQos: number;
}

/** VlanPriv is the part of struct vlan_dev_priv nlsim models. */
interface VlanPriv {
  protocol: number;
  id: number;
  flags: number;
  realDev: NetDevice | null;
  /** ingress_priority_map: skb priority per VLAN priority (0: none). */
  ingress: number[];
  nrIngress: number;
  /** egress_priority_map: 16 buckets (skb priority & 0xF), newest mapping first. */
  egress: EgressMapping[][];
  nrEgress: number;
  /** dev->addr_assign_type == NET_ADDR_STOLEN: the address was copied from the real device. */
  addrStolen: boolean;
  /** vlan->real_dev_addr: the real device's address when the vlan last opened or synced. */
  realDevAddr: Uint8Array;
}

const privOf = (dev: NetDevice) => dev.priv as VlanPriv;

/** VLAN_POLICY is vlan_policy: IFLA_VLAN_FLAGS is NLA_UNSPEC with a minimum length of 8. */
const VLAN_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[IFLA_VLAN.IFLA_VLAN_ID] = { type: NLA.NLA_U16 };
  p[IFLA_VLAN.IFLA_VLAN_FLAGS] = { type: NLA.NLA_UNSPEC, len: 8 };
  p[IFLA_VLAN.IFLA_VLAN_EGRESS_QOS] = { type: NLA.NLA_NESTED };
  p[IFLA_VLAN.IFLA_VLAN_INGRESS_QOS] = { type: NLA.NLA_NESTED };
  p[IFLA_VLAN.IFLA_VLAN_PROTOCOL] = { type: NLA.NLA_U16 };
  return p;
})();

/** VLAN_MAP_POLICY is vlan_map_policy: a mapping is at least a struct ifla_vlan_qos_mapping. */
const VLAN_MAP_POLICY: Policy = [undefined, { type: NLA.NLA_UNSPEC, len: 8 }] as unknown as Policy;

const msg = (text: string) => `8021q: ${text}`;
const be16 = (a: AttrView) => new DataView(a.payload.buffer, a.payload.byteOffset).getUint16(0, false);
const u32s = (a: AttrView) => {
  const v = new DataView(a.payload.buffer, a.payload.byteOffset, a.payload.byteLength);
  return [v.getUint32(0, true), v.getUint32(4, true)] as const;
};

/** mappings walks a QoS nest as nla_for_each_nested_type(IFLA_VLAN_QOS_MAPPING) does: {from, to} pairs. */
function* mappings(nest: AttrView): Generator<readonly [number, number]> {
  const p = nest.payload;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  for (let off = 0; off + 4 <= p.length; ) {
    const len = v.getUint16(off, true);
    if (len < 4 || off + len > p.length) return;
    if ((v.getUint16(off + 2, true) & 0x3fff) === IFLA_VLAN_QOS_MAPPING) yield [v.getUint32(off + 4, true), v.getUint32(off + 8, true)];
    off += (len + 3) & ~3;
  }
}

/** validateQosMap mirrors vlan_validate_qos_map(): nla_validate_nested_deprecated() with vlan_map_policy. */
function validateQosMap(nest: AttrView | undefined, what: string): void {
  if (!nest) return;
  try {
    parseAttrs(nest.payload, 0, VLAN_MAP_POLICY, IFLA_VLAN_QOS_MAPPING, NL_VALIDATE.NL_VALIDATE_LIBERAL);
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    throw new KernelError(e.code, msg(`Invalid ${what} QOS map`)); // validated without extack: only the module's message
  }
}

/** hasInfoData tells whether IFLA_LINKINFO carries IFLA_INFO_DATA (vlan_validate()'s `data` is NULL otherwise). */
function hasInfoData(linkinfo: AttrView | undefined): boolean {
  if (!linkinfo) return false;
  const p = linkinfo.payload;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  for (let off = 0; off + 4 <= p.length; ) {
    const len = v.getUint16(off, true);
    if (len < 4) return false;
    if ((v.getUint16(off + 2, true) & 0x3fff) === IFLA_INFO.IFLA_INFO_DATA) return true;
    off += (len + 3) & ~3;
  }
  return false;
}

/** changeFlags mirrors vlan_dev_change_flags(): a mask beyond the known flags is a plain EINVAL. */
function changeFlags(dev: NetDevice, flags: number, mask: number): void {
  if (mask & ~VLAN_FLAGS_ALL) throw new KernelError('EINVAL');
  const p = privOf(dev);
  p.flags = ((p.flags & ~mask) | (flags & mask)) >>> 0;
}

/** setIngressPriority mirrors vlan_dev_set_ingress_priority(). */
function setIngressPriority(dev: NetDevice, skbPrio: number, vlanPrio: number): void {
  const p = privOf(dev);
  const i = vlanPrio & 0x7;
  if (p.ingress[i] && !skbPrio) p.nrIngress--;
  else if (!p.ingress[i] && skbPrio) p.nrIngress++;
  p.ingress[i] = skbPrio;
}

/** setEgressPriority mirrors vlan_dev_set_egress_priority(): update in place, or a new mapping at the bucket's head. */
function setEgressPriority(dev: NetDevice, skbPrio: number, vlanPrio: number): void {
  const p = privOf(dev);
  const vlanQos = (vlanPrio << VLAN_PRIO_SHIFT) & VLAN_PRIO_MASK;
  const bucket = p.egress[skbPrio & 0xf]!;
  const mp = bucket.find((m) => m.priority === skbPrio);
  if (mp) {
    if (mp.vlanQos && !vlanQos) p.nrEgress--;
    else if (!mp.vlanQos && vlanQos) p.nrEgress++;
    mp.vlanQos = vlanQos;
    return;
  }
  bucket.unshift({ priority: skbPrio, vlanQos });
  if (vlanQos) p.nrEgress++;
}

/** changelink mirrors vlan_changelink(): flags, then the ingress and the egress map. */
function changelink(dev: NetDevice, data: readonly (AttrView | undefined)[]): void {
  const f = data[IFLA_VLAN.IFLA_VLAN_FLAGS];
  if (f) {
    const [flags, mask] = u32s(f);
    changeFlags(dev, flags, mask);
  }
  const ingress = data[IFLA_VLAN.IFLA_VLAN_INGRESS_QOS];
  if (ingress) for (const [from, to] of mappings(ingress)) setIngressPriority(dev, to, from);
  const egress = data[IFLA_VLAN.IFLA_VLAN_EGRESS_QOS];
  if (egress) for (const [from, to] of mappings(egress)) setEgressPriority(dev, from, to);
}

/** vlansOf lists the vlans on `real` as vlan_group_for_each_dev() walks them: 802.1Q then 802.1ad, by id. */
function vlansOf(real: NetDevice, net: NetOps): NetDevice[] {
  return net.links.list().filter((d) => d.kind === vlan && !d.unregistered && privOf(d).realDev === real);
}
const groupOrder = (a: NetDevice, b: NetDevice) => {
  const pa = privOf(a);
  const pb = privOf(b);
  return (pa.protocol === ETH_P_8021AD ? 1 : 0) - (pb.protocol === ETH_P_8021AD ? 1 : 0) || pa.id - pb.id;
};

/**
 * transferOperstate mirrors vlan_stacked_transfer_operstate() → netif_stacked_transfer_operstate():
 * the carrier of the real device (dormant and testing are not modelled), except with BRIDGE_BINDING.
 */
function transferOperstate(real: NetDevice, dev: NetDevice, net: NetOps): void {
  if (privOf(dev).flags & VLAN_FLAG.BRIDGE_BINDING) return;
  if (real.carrier) net.carrierOn(dev);
  else net.carrierOff(dev);
}

/** inheritAddress mirrors vlan_dev_inherit_address(): a stolen address follows the real device (NETDEV_CHANGEADDR). */
function inheritAddress(dev: NetDevice, real: NetDevice, net: NetOps): boolean {
  if (!privOf(dev).addrStolen) return false;
  dev.address = real.address.slice();
  net.notifyChangeAddr(dev);
  return true;
}

const sameAddr = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * lowerEvent mirrors vlan_device_event() for a real device: NETDEV_CHANGE transfers the
 * carrier; NETDEV_CHANGEADDR lets up vlans with a stolen address follow (vlan_sync_address());
 * NETDEV_CHANGEMTU shrinks larger vlans; NETDEV_DOWN closes the up vlans without
 * LOOSE_BINDING together (dev_close_many(), in reverse group order since the close list is
 * built with list_add()), then transfers their carrier; NETDEV_UP opens the down vlans without
 * LOOSE_BINDING (dev_change_flags(), errors ignored) and transfers the carrier of every vlan
 * that was down; NETDEV_UNREGISTER unregisters every vlan in one batch.
 */
function lowerEvent(real: NetDevice, uppers: NetDevice[], event: LowerEvent, net: NetOps): void {
  const vlans = uppers.filter((d) => d.kind === vlan && privOf(d).realDev === real).sort(groupOrder);
  switch (event) {
    case 'change':
      for (const d of vlans) transferOperstate(real, d, net);
      break;
    case 'changeaddr':
      for (const d of vlans) {
        if (!(d.flags & IFF.IFF_UP)) continue;
        const p = privOf(d);
        if (sameAddr(p.realDevAddr, real.address)) continue;
        inheritAddress(d, real, net); // otherwise only the real device's unicast list changes
        p.realDevAddr = real.address.slice();
      }
      break;
    case 'changemtu':
      for (const d of vlans) if (d.mtu > real.mtu) net.setMtu(d, real.mtu);
      break;
    case 'down': {
      const closing = vlans.filter((d) => d.flags & IFF.IFF_UP && !(privOf(d).flags & VLAN_FLAG.LOOSE_BINDING)).reverse();
      net.closeMany(closing);
      for (const d of closing) transferOperstate(real, d, net);
      break;
    }
    case 'up':
      for (const d of vlans) {
        const flags = devGetFlags(d);
        if (flags & IFF.IFF_UP) continue;
        if (!(privOf(d).flags & VLAN_FLAG.LOOSE_BINDING)) {
          try {
            net.changeFlags(d, flags | IFF.IFF_UP);
          } catch (e) {
            if (!(e instanceof KernelError)) throw e;
          }
        }
        transferOperstate(real, d, net);
      }
      break;
    case 'unregister':
      if (vlans.length) net.unregisterMany(vlans);
      break;
  }
}

/** vlan is vlan_link_ops with vlan_netdev_ops. */
export const vlan: LinkKind = {
  kind: 'vlan',
  policy: VLAN_POLICY,
  maxtype: 5,
  setup(dev) {
    // vlan_setup(): ether_setup, IFF_NO_QUEUE, any MTU up to ETH_MAX_MTU, a zero broadcast
    // address (and a zero address: alloc_netdev() gives no random one; vlan_dev_init() fills both).
    dev.defaultQdisc = 'noqueue';
    dev.minMtu = 0;
    dev.maxMtu = 65535;
    dev.address = new Uint8Array(6);
    dev.broadcast = new Uint8Array(6);
    dev.priv = {
      protocol: ETH_P_8021Q,
      id: 0,
      flags: VLAN_FLAG.REORDER_HDR,
      realDev: null,
      ingress: new Array<number>(8).fill(0),
      nrIngress: 0,
      egress: Array.from({ length: 16 }, () => []),
      nrEgress: 0,
      addrStolen: false,
      realDevAddr: new Uint8Array(6),
    } satisfies VlanPriv;
  },
  validate(tb, data) {
    // vlan_validate()
    const addr = tb[IFLA.IFLA_ADDRESS];
    if (addr) {
      if (addr.length !== 6) throw new KernelError('EINVAL', msg('Invalid link address'));
      if (!validEtherAddr(addr.payload)) throw new KernelError('EADDRNOTAVAIL', msg('Invalid link address'));
    }
    if (!hasInfoData(tb[IFLA.IFLA_LINKINFO])) throw new KernelError('EINVAL', msg('VLAN properties not specified'));
    const proto = data[IFLA_VLAN.IFLA_VLAN_PROTOCOL];
    if (proto && be16(proto) !== ETH_P_8021Q && be16(proto) !== ETH_P_8021AD) throw new KernelError('EPROTONOSUPPORT', msg('Invalid VLAN protocol'));
    const id = data[IFLA_VLAN.IFLA_VLAN_ID];
    if (id && id.u16() >= VLAN_VID_MASK) throw new KernelError('ERANGE', msg('Invalid VLAN id'));
    const f = data[IFLA_VLAN.IFLA_VLAN_FLAGS];
    if (f) {
      const [flags, mask] = u32s(f);
      if (flags & mask & ~VLAN_FLAGS_ALL) throw new KernelError('EINVAL', msg('Invalid VLAN flags'));
    }
    validateQosMap(data[IFLA_VLAN.IFLA_VLAN_INGRESS_QOS], 'ingress');
    validateQosMap(data[IFLA_VLAN.IFLA_VLAN_EGRESS_QOS], 'egress');
  },
  newlink(req, net) {
    // vlan_newlink()
    const { dev, tb, data } = req;
    const id = data[IFLA_VLAN.IFLA_VLAN_ID];
    if (!id) throw new KernelError('EINVAL', msg('VLAN id not specified'));
    const link = tb[IFLA.IFLA_LINK];
    if (!link) throw new KernelError('EINVAL', msg('link not specified'));
    const real = net.links.byIndex(link.u32());
    if (!real) throw new KernelError('ENODEV', msg('link does not exist'));
    const p = privOf(dev);
    const proto = data[IFLA_VLAN.IFLA_VLAN_PROTOCOL];
    p.protocol = proto ? be16(proto) : ETH_P_8021Q;
    p.id = id.u16();
    p.realDev = real;
    p.flags = VLAN_FLAG.REORDER_HDR;
    // vlan_check_real_dev(): Ethernet devices only (lo is not one), one vlan per protocol and id.
    if (real.type !== ARPHRD.ARPHRD_ETHER) throw new KernelError('EOPNOTSUPP', msg('VLANs not supported on device'));
    if (vlansOf(real, net).some((d) => privOf(d).protocol === p.protocol && privOf(d).id === p.id)) throw new KernelError('EEXIST', msg('VLAN device already exists'));
    // The MTU may not exceed the real device's (plain EINVAL; netif_reduces_vlan_mtu() is for macsec only).
    if (!tb[IFLA.IFLA_MTU]) dev.mtu = real.mtu;
    else if (dev.mtu > real.mtu) throw new KernelError('EINVAL');
    changelink(dev, data);
    // register_vlan_dev() → register_netdevice() → vlan_dev_init(): the real device's flags
    // (without UP, PROMISC, ALLMULTI, MASTER, SLAVE), its carrier (no carrier with
    // BRIDGE_BINDING; copied as state, so not counted), its address when none was given
    // (NET_ADDR_STOLEN) and its broadcast address.
    dev.flags = (real.flags & ~(IFF.IFF_UP | IFF.IFF_PROMISC | IFF.IFF_ALLMULTI | IFF.IFF_MASTER | IFF.IFF_SLAVE)) >>> 0;
    dev.carrier = real.carrier && !(p.flags & VLAN_FLAG.BRIDGE_BINDING);
    if (dev.address.every((b) => b === 0)) {
      dev.address = real.address.slice();
      p.addrStolen = true;
    }
    if (dev.broadcast.every((b) => b === 0)) dev.broadcast = real.broadcast.slice();
    net.register(dev);
    // netdev_upper_dev_link(): NETDEV_CHANGEUPPER reports the real device.
    net.rtmsgIfinfo(RTM_NEWLINK, real, 0);
    transferOperstate(real, dev, net);
    net.links.linkwatch.push(dev); // linkwatch_fire_event(): "_MUST_ call rfc2863_policy()"
  },
  changelink(dev, data) {
    changelink(dev, data);
  },
  dellink(dev, net) {
    // unregister_vlan_dev(): netdev_upper_dev_unlink() reports the real device first.
    const real = privOf(dev).realDev;
    if (real && !real.unregistered) net.rtmsgIfinfo(RTM_NEWLINK, real, 0);
    return [dev];
  },
  fillInfo(w: AttrWriter, dev) {
    // vlan_fill_info()
    const p = privOf(dev);
    // nla_put_be16(): network order without NLA_F_NET_BYTEORDER (that flag is nla_put_net16()'s).
    w.bytes(IFLA_VLAN.IFLA_VLAN_PROTOCOL, Uint8Array.of(p.protocol >> 8, p.protocol & 0xff));
    w.u16(IFLA_VLAN.IFLA_VLAN_ID, p.id);
    if (p.flags) w.bytes(IFLA_VLAN.IFLA_VLAN_FLAGS, pair(p.flags, 0xffffffff));
    if (p.nrIngress) {
      const n = w.beginNest(IFLA_VLAN.IFLA_VLAN_INGRESS_QOS, false);
      p.ingress.forEach((to, from) => {
        if (to) w.bytes(IFLA_VLAN_QOS_MAPPING, pair(from, to));
      });
      w.endNest(n);
    }
    if (p.nrEgress) {
      // Every mapping of every bucket, also those mapped back to priority 0 (6.x dropped the skip).
      const n = w.beginNest(IFLA_VLAN.IFLA_VLAN_EGRESS_QOS, false);
      for (const bucket of p.egress) for (const m of bucket) w.bytes(IFLA_VLAN_QOS_MAPPING, pair(m.priority, (m.vlanQos >> VLAN_PRIO_SHIFT) & 0x7));
      w.endNest(n);
    }
  },
  iflink(dev) {
    // vlan_dev_get_iflink(): the real device's index, also while both are unregistered.
    return privOf(dev).realDev?.ifindex ?? 0;
  },
  open(dev, net) {
    // vlan_dev_open()
    const p = privOf(dev);
    const real = p.realDev!;
    if (!running(real) && !(p.flags & VLAN_FLAG.LOOSE_BINDING)) throw new KernelError('ENETDOWN');
    if (!sameAddr(dev.address, real.address)) inheritAddress(dev, real, net);
    if (dev.flags & IFF.IFF_ALLMULTI) real.allmulti++; // dev_set_allmulti(): counted, not reported
    if (dev.flags & IFF.IFF_PROMISC) net.setPromiscuity(real, 1);
    p.realDevAddr = real.address.slice();
    if (real.carrier && !(p.flags & VLAN_FLAG.BRIDGE_BINDING)) net.carrierOn(dev);
  },
  stop(dev, net) {
    // vlan_dev_stop()
    const p = privOf(dev);
    if (dev.flags & IFF.IFF_ALLMULTI && p.realDev) p.realDev.allmulti--;
    if (dev.flags & IFF.IFF_PROMISC && p.realDev) net.setPromiscuity(p.realDev, -1);
    if (!(p.flags & VLAN_FLAG.BRIDGE_BINDING)) net.carrierOff(dev);
  },
  setMacAddress(dev, addr) {
    // vlan_dev_set_mac_address() (the real device's unicast list is not modelled)
    if (!validEtherAddr(addr)) throw new KernelError('EADDRNOTAVAIL');
    dev.address = addr.slice();
  },
  addrSet(dev) {
    privOf(dev).addrStolen = false; // netif_set_mac_address(): NET_ADDR_SET, also for the same address
  },
  changeRxFlags(dev, change, net) {
    // vlan_dev_change_rx_flags(): an up vlan passes PROMISC and ALLMULTI on to its real device.
    const real = privOf(dev).realDev;
    if (!real || !(dev.flags & IFF.IFF_UP)) return;
    if (change & IFF.IFF_ALLMULTI) real.allmulti += dev.flags & IFF.IFF_ALLMULTI ? 1 : -1;
    if (change & IFF.IFF_PROMISC) net.setPromiscuity(real, dev.flags & IFF.IFF_PROMISC ? 1 : -1);
  },
  changeMtu(dev) {
    // vlan_dev_change_mtu(): not above the real device's MTU.
    const real = privOf(dev).realDev;
    if (real && dev.mtu > real.mtu) throw new KernelError('ERANGE');
  },
  lowerEvent,
};

/** pair is two host-order u32 values (struct ifla_vlan_flags, struct ifla_vlan_qos_mapping). */
function pair(a: number, b: number): Uint8Array {
  return new Uint8Array(Uint32Array.of(a >>> 0, b >>> 0).buffer);
}
