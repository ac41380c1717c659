/**
 * bridge (net/bridge/br_netlink.c, br_device.c): a master device whose ports join with
 * IFLA_MASTER.
 */
import type { LinkKind } from '../link-kind.js';

/** bridge is br_link_ops. */
export const bridge: LinkKind = {
  kind: 'bridge',
  setup(dev) {
    // br_dev_setup(): ether_setup, IFF_EBRIDGE | IFF_NO_QUEUE, max_mtu ETH_MAX_MTU.
    dev.defaultQdisc = 'noqueue';
    dev.maxMtu = 65535;
  },
};
