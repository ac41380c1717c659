/**
 * veth (drivers/net/veth.c): a pair of ethernet devices; the peer is created and registered
 * first, each end's carrier follows the other end being up, and deleting one end deletes both.
 */
import { availableParallelism } from 'node:os';
import { KernelError } from '../../../sim/errors.js';
import { NLA, type Policy } from '../../../sim/wire/policy.js';
import { createLink, ethMacAddr, type LinkKind, type NetDevice, type NetOps, type NewLinkRequest, parseLinkPeer, running } from '../core/index.js';
import { IFINFOMSG_LEN, IFLA, VETH_INFO_PEER } from '../core/uapi.js';

/** VethPriv is struct veth_priv: the other end. */
interface VethPriv {
  peer: NetDevice | null;
}

const peerOf = (dev: NetDevice) => (dev.priv as VethPriv).peer;

/** VETH_POLICY is veth_policy: VETH_INFO_PEER holds at least an ifinfomsg. */
const VETH_POLICY: Policy = [undefined, { type: NLA.NLA_UNSPEC, len: IFINFOMSG_LEN }];

/**
 * VETH_QUEUES is what veth_get_num_queues() gives: one queue per possible CPU.
 * @note nlsim takes this machine's CPU count, as Linux does for its own.
 */
const VETH_QUEUES = availableParallelism();

/** veth is veth_link_ops. */
export const veth: LinkKind = {
  kind: 'veth',
  policy: VETH_POLICY,
  maxtype: 1,
  peerType: VETH_INFO_PEER,
  setup(dev) {
    // veth_setup(): ether_setup, IFF_NO_QUEUE, max_mtu ETH_MAX_MTU.
    dev.defaultQdisc = 'noqueue';
    dev.maxMtu = 65535;
    dev.numTxQueues = VETH_QUEUES;
    dev.numRxQueues = VETH_QUEUES;
    dev.priv = { peer: null } satisfies VethPriv;
  },
  validate(tb) {
    // veth_validate(): a 6-byte valid unicast address, an MTU from 68 to 65535, no extack.
    const addr = tb[IFLA.IFLA_ADDRESS];
    if (addr) {
      if (addr.length !== 6) throw new KernelError('EINVAL');
      if (addr.payload[0]! & 1 || addr.payload.every((b) => b === 0)) throw new KernelError('EADDRNOTAVAIL');
    }
    const mtu = tb[IFLA.IFLA_MTU];
    if (mtu && (mtu.u32() < 68 || mtu.u32() > 65535)) throw new KernelError('EINVAL');
  },
  newlink(req: NewLinkRequest, net: NetOps) {
    // veth_newlink(): create and register the peer first.
    // rtnl_newlink() parsed and validated the peer already (peerType).
    const peerAttr = req.data[VETH_INFO_PEER];
    const parsed = peerAttr ? parseLinkPeer(req.message, peerAttr) : null;
    const tbp = parsed?.tb ?? req.tb;
    const ifmp = parsed?.ifm ?? null;
    const peerName = ifmp && tbp[IFLA.IFLA_IFNAME] ? tbp[IFLA.IFLA_IFNAME]!.string() : 'veth%d';
    const peer = createLink(net, veth, peerName, tbp);
    if (ifmp && req.dev.ifindex !== 0) peer.ifindex = ifmp.index;
    net.register(peer);
    net.carrierOff(peer);
    try {
      net.configure(peer, ifmp);
    } catch (e) {
      net.unregisterMany([peer]); // err_configure_peer
      throw e;
    }
    try {
      net.register(req.dev);
    } catch (e) {
      net.unregisterMany([peer]); // err_register_dev: the configured peer leaves with an RTM_DELLINK
      throw e;
    }
    net.carrierOff(req.dev);
    (req.dev.priv as VethPriv).peer = peer;
    (peer.priv as VethPriv).peer = req.dev;
  },
  dellink(dev) {
    // veth_dellink(): both ends forget each other before they are unregistered, so their
    // last messages carry IFLA_LINK 0.
    const peer = peerOf(dev);
    (dev.priv as VethPriv).peer = null;
    if (!peer) return [dev];
    (peer.priv as VethPriv).peer = null;
    return [dev, peer];
  },
  setMacAddress: ethMacAddr, // veth_netdev_ops: eth_mac_addr
  iflink(dev) {
    const peer = peerOf(dev);
    return peer && !peer.unregistered ? peer.ifindex : 0;
  },
  open(dev, net) {
    // veth_open(): carrier on both ends once both are up.
    const peer = peerOf(dev);
    // A peer asked to come up at creation is opened before veth_newlink() tied the pair.
    if (!peer) throw new KernelError('ENOTCONN');
    if (running(peer)) {
      net.carrierOn(dev);
      net.carrierOn(peer);
    }
  },
  stop(dev, net) {
    // veth_close(): carrier off here and on the peer.
    net.carrierOff(dev);
    const peer = peerOf(dev);
    if (peer) net.carrierOff(peer);
  },
};
