/**
 * vlan (net/8021q/vlan_netlink.c, vlan_dev.c): an 802.1Q/802.1ad device stacked on a lower
 * device (IFLA_LINK), with its MAC address, MTU and carrier taken from it.
 * @note Modelled from the kernel source: the test machine lacks the 8021q module, so no
 * differential test covers it.
 */
import { KernelError } from '../../../sim/errors.js';
import { NLA, type Policy } from '../../../sim/wire/policy.js';
import type { NetDevice } from '../device.js';
import type { LinkKind } from '../link-kind.js';
import { IFLA, IFLA_VLAN } from '../uapi.js';

/** ETH_P_8021Q and ETH_P_8021AD: the protocols a vlan may use. */
const ETH_P_8021Q = 0x8100;
const ETH_P_8021AD = 0x88a8;
/** VLAN_VID_MASK: ids run from 0 to 4094. */
const VLAN_VID_MASK = 0xfff;
/** VLAN_FLAG_REORDER_HDR: set on every new vlan. */
const VLAN_FLAG_REORDER_HDR = 0x1;

/** VlanPriv is the part of struct vlan_dev_priv nlsim reports. */
interface VlanPriv {
  protocol: number;
  id: number;
  flags: number;
  realDev: NetDevice | null;
}

/** VLAN_POLICY is vlan_policy. */
const VLAN_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[IFLA_VLAN.IFLA_VLAN_ID] = { type: NLA.NLA_U16 };
  p[IFLA_VLAN.IFLA_VLAN_FLAGS] = { type: NLA.NLA_BINARY, len: 8 };
  p[IFLA_VLAN.IFLA_VLAN_EGRESS_QOS] = { type: NLA.NLA_NESTED };
  p[IFLA_VLAN.IFLA_VLAN_INGRESS_QOS] = { type: NLA.NLA_NESTED };
  p[IFLA_VLAN.IFLA_VLAN_PROTOCOL] = { type: NLA.NLA_U16 };
  return p;
})();

const msg = (text: string) => `8021q: ${text}`;

/** vlan is vlan_link_ops. */
export const vlan: LinkKind = {
  kind: 'vlan',
  policy: VLAN_POLICY,
  maxtype: 5,
  setup(dev) {
    // vlan_setup(): ether_setup, IFF_NO_QUEUE, tx_queue_len 0, any MTU up to ETH_MAX_MTU.
    dev.defaultQdisc = 'noqueue';
    dev.txqlen = 0;
    dev.minMtu = 0;
    dev.maxMtu = 65535;
    dev.priv = { protocol: ETH_P_8021Q, id: 0, flags: VLAN_FLAG_REORDER_HDR, realDev: null } satisfies VlanPriv;
  },
  validate(tb, data) {
    // vlan_validate()
    const addr = tb[IFLA.IFLA_ADDRESS];
    if (addr) {
      if (addr.length !== 6) throw new KernelError('EINVAL', msg('Invalid link address'));
      const p = addr.payload;
      if (p[0]! & 1 || p.every((b) => b === 0)) throw new KernelError('EADDRNOTAVAIL', msg('Invalid link address'));
    }
    const proto = data[IFLA_VLAN.IFLA_VLAN_PROTOCOL];
    if (proto) {
      const v = new DataView(proto.payload.buffer, proto.payload.byteOffset).getUint16(0, false);
      if (v !== ETH_P_8021Q && v !== ETH_P_8021AD) throw new KernelError('EPROTONOSUPPORT', msg('Invalid VLAN protocol'));
    }
    const id = data[IFLA_VLAN.IFLA_VLAN_ID];
    if (id && id.u16() >= VLAN_VID_MASK) throw new KernelError('ERANGE', msg('Invalid VLAN id'));
  },
  newlink(req, net) {
    // vlan_newlink()
    const id = req.data[IFLA_VLAN.IFLA_VLAN_ID];
    if (!id) throw new KernelError('EINVAL', msg('VLAN id not specified'));
    const link = req.tb[IFLA.IFLA_LINK];
    if (!link) throw new KernelError('EINVAL', msg('link not specified'));
    const real = net.links.byIndex(link.u32());
    if (!real) throw new KernelError('ENODEV', msg('link does not exist'));
    const priv = req.dev.priv as VlanPriv;
    const proto = req.data[IFLA_VLAN.IFLA_VLAN_PROTOCOL];
    if (proto) priv.protocol = new DataView(proto.payload.buffer, proto.payload.byteOffset).getUint16(0, false);
    priv.id = id.u16();
    priv.realDev = real;
    for (const d of net.links.list()) {
      const p = d.kind === vlan ? (d.priv as VlanPriv) : null;
      if (p && p.realDev === real && p.id === priv.id && p.protocol === priv.protocol) throw new KernelError('EEXIST', msg('VLAN device already exists'));
    }
    if (!req.tb[IFLA.IFLA_MTU]) req.dev.mtu = real.mtu;
    else if (req.dev.mtu > real.mtu) throw new KernelError('ERANGE', msg('Invalid MTU'));
    // vlan_dev_init(): the lower device's addresses and carrier.
    if (!req.tb[IFLA.IFLA_ADDRESS]) req.dev.address = real.address.slice();
    req.dev.broadcast = real.broadcast.slice();
    net.register(req.dev);
    if (!real.carrier) net.carrierOff(req.dev);
  },
  fillInfo(w, dev) {
    const p = dev.priv as VlanPriv;
    w.be16(IFLA_VLAN.IFLA_VLAN_PROTOCOL, p.protocol);
    w.u16(IFLA_VLAN.IFLA_VLAN_ID, p.id);
    if (p.flags) {
      const f = new Uint8Array(8);
      const v = new DataView(f.buffer);
      v.setUint32(0, p.flags, true);
      v.setUint32(4, 0xffffffff, true);
      w.bytes(IFLA_VLAN.IFLA_VLAN_FLAGS, f);
    }
  },
  iflink(dev) {
    const real = (dev.priv as VlanPriv).realDev;
    return real && !real.unregistered ? real.ifindex : 0;
  },
};
