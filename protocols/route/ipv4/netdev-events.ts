/**
 * IPv4 on the netdevice notifier chain and in each namespace: inetdev_event() (the in_device
 * comes and goes with the MTU, ip_mc_up()/ip_mc_down()), fib_netdev_event() (fib_disable_ip()
 * and the carrier flags on nexthops), nh_netdev_event() and arp_netdev_event(), and the
 * pernet init that gives a namespace its IPv4 state and registers arp_tbl's and the IPv4
 * rules' hooks.
 */
import { KernelError } from '../../../sim/errors.js';
import { IPV4_MIN_MTU } from '../core/index.js';
import { FR_ACT_TO_TBL, rulesFor } from '../core/index.js';
import { ipv4Read } from '../core/index.js';
import { syncMc } from '../core/index.js';
import type { LinkTable, NetworkStateOptions } from '../core/index.js';
import { neighIfdown } from '../core/index.js';
import type { NetdevNotifier } from '../core/index.js';
import { netconfNotifyRegister, netconfNotifyUnregister } from '../core/index.js';
import { AF_INET, IFF, RT_TABLE } from '../core/uapi.js';
import { Inet4 } from './inet4.js';

declare module '../core/state.js' {
  interface LinkTable {
    /** net->ipv4: the namespace's IPv4 addresses, FIB and nexthops (set by inet4Pernet()). */
    inet4: Inet4;
  }
}

/** inet4Netdev is IPv4's notifier block, first on the chain (inet_init() runs before inet6_init()). */
const inet4Netdev: NetdevNotifier = {
  up(net, dev) {
    net.links.inet4.devUp(net.ks, dev);
    syncMc(dev); // ip_mc_up(): 224.0.0.1 in dev->mc
  },
  down(net, dev) {
    net.links.inet4.devDown(net.ks, dev); // fib_disable_ip(), arp_ifdown() included
    syncMc(dev); // ip_mc_down()
  },
  change(net, dev) {
    // nh_netdev_event() first: a device without carrier loses its nexthop objects,
    // blackholes excepted (nexthop_flush_dev()); fib_sync_down_dev()/fib_sync_up() and
    // rt6_sync_down_dev()/rt6_sync_up() flag the nexthops (silently); then arp drops what is
    // not permanent (neigh_carrier_down()).
    if (!dev.carrier) net.links.inet4.nexthops.flushDev(dev, false);
    dev.nhLinkdown = !dev.carrier;
    if (!dev.carrier) neighIfdown(net.links, net.ks, dev, AF_INET, true);
  },
  changeMtu(net, dev) {
    // Below 68 bytes IPv4 leaves the device as at unregistration (inetdev_destroy(): its
    // addresses, RTM_DELNETCONF, arp_ifdown()); above, it comes back without addresses
    // (inetdev_init()).
    if (dev.mtu < IPV4_MIN_MTU) {
      if (dev.inet) {
        net.links.inet4.devUnregister(net.ks, dev);
        netconfNotifyUnregister(net.ks, dev, AF_INET);
        neighIfdown(net.links, net.ks, dev, AF_INET);
        dev.inet = null;
      }
    } else if (!dev.inet) {
      dev.inet = [...dev.inetDefault];
      netconfNotifyRegister(net.ks, dev, AF_INET);
      if (dev.flags & IFF.IFF_UP) net.links.inet4.mcUp(dev); // inetdev_init() → ip_mc_up()
    }
  },
  unregister(net, dev) {
    // inetdev_destroy(): the addresses go (the last one disables IP: fib_disable_ip(), ARP
    // flushed), RTM_DELNETCONF, arp_ifdown() for what is left; then fib_netdev_event().
    net.links.inet4.devUnregister(net.ks, dev);
    netconfNotifyUnregister(net.ks, dev, AF_INET);
    neighIfdown(net.links, net.ks, dev, AF_INET);
    net.links.inet4.disableIp(dev, true);
  },
};

/** inet4Pernet gives a new namespace its IPv4 state (ipv4_net_init and friends) and notifier. */
export function inet4Pernet(links: LinkTable, options: NetworkStateOptions): void {
  const inet4 = new Inet4(() => links.list(), options.now);
  inet4.ks = links.ks;
  inet4.arpIfdown = (dev) => neighIfdown(links, inet4.ks!, dev, AF_INET);
  inet4.setTimer = options.setTimer;
  inet4.rules = () => rulesFor(links).lookup(AF_INET)!.rules;
  links.inet4 = inet4;
  links.netdevChain.register(inet4Netdev);
  // arp_tbl's constructor classifies the address in the local table.
  links.neighOps.set(AF_INET, { localAddrType: (dev, addr) => inet4.addrTypeTable(ipv4Read(addr), RT_TABLE.RT_TABLE_LOCAL, dev) });
  links.fibRulesOps.set(AF_INET, {
    configure(rule) {
      // fib4_rule_configure()
      if (rule.tos & 3) throw new KernelError('EINVAL', 'Invalid dsfield (tos): ECN bits must be 0');
      if (rule.tos & ~0x1e) throw new KernelError('EINVAL', 'Invalid tos');
      if (!rule.table && rule.action === FR_ACT_TO_TBL) throw new KernelError('EOPNOTSUPP', 'nlsim: allocating an empty table for a rule is not modelled yet');
      inet4.fib.hasCustomRules = true;
    },
    delete() {
      inet4.fib.hasCustomRules = true; // fib4_rule_delete()
    },
  });
}
