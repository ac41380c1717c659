/**
 * The kinds that are only a setup(): ifb (drivers/net/ifb.c) and dummy (drivers/net/dummy.c).
 */
import type { LinkKind } from '../core/index.js';
import { ethMacAddr } from '../core/index.js';
import { IFF } from '../core/uapi.js';

/** ifb is ifb_link_ops: ifb_setup() makes a NOARP, non-multicast device with a 32-packet queue. */
export const ifb: LinkKind = {
  kind: 'ifb',
  setup(dev) {
    dev.txqlen = 32; // TX_Q_LIMIT
    dev.flags = (dev.flags | IFF.IFF_NOARP) & ~IFF.IFF_MULTICAST;
    dev.minMtu = 0;
    dev.maxMtu = 0;
  },
};

/**
 * dummy is dummy_link_ops: dummy_setup() makes a NOARP, non-multicast device without a queue
 * (IFF_NO_QUEUE) and any MTU.
 * @note Modelled from drivers/net/dummy.c; the test machine lacks the module, so no
 * differential test covers it.
 */
export const dummy: LinkKind = {
  kind: 'dummy',
  setup(dev) {
    dev.flags = (dev.flags | IFF.IFF_NOARP) & ~IFF.IFF_MULTICAST;
    dev.defaultQdisc = 'noqueue';
    dev.minMtu = 0;
    dev.maxMtu = 0;
  },
  setMacAddress: ethMacAddr, // dummy_netdev_ops: eth_mac_addr
};
