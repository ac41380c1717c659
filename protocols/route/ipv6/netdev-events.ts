/**
 * IPv6 on the netdevice notifier chain and in each namespace: addrconf_notify() (the
 * inet6_dev gets ready, goes down with addrconf_ifdown(), comes and goes with the MTU),
 * ndisc_netdev_event(), and the pernet init that gives a namespace its IPv6 state.
 */
import { DEVCONF_MTU6, etherInet6Conf, IPV6_MIN_MTU, type NetDevice, netifOperUp, newInet6Dev, running } from '../core/index.js';
import { ipv6McDown, ipv6McUp } from '../core/index.js';
import type { LinkTable, NetworkStateOptions } from '../core/index.js';
import { neighIfdown, neighMcastOutput } from '../core/index.js';
import { type NetOps, netifTxActive } from '../core/index.js';
import type { NetdevNotifier } from '../core/index.js';
import { FR_ACT_TO_TBL, netconfNotifyRegister, netconfNotifyUnregister } from '../core/index.js';
import { KernelError } from '../../../sim/errors.js';
import { AF_INET6, IF_READY, IF_RS_SENT, IFF } from '../core/uapi.js';
import { Inet6 } from './inet6.js';

declare module '../core/state.js' {
  interface LinkTable {
    /** net->ipv6: the namespace's IPv6 addresses and FIB (set by inet6Pernet()). */
    inet6: Inet6;
  }
}

/**
 * addrconfReady mirrors addrconf_notify() making an inet6_dev IF_READY (its link-local
 * address, DAD, then router solicitations run from inet6.ts). A device that was ready
 * already (its carrier came back) only sends its MLD reports again.
 */
function addrconfReady(net: NetOps, dev: NetDevice): void {
  ipv6McUp(dev);
  const idev = dev.inet6!;
  if (idev.flags & IF_READY) {
    net.links.inet6.mcUp(dev);
    return;
  }
  idev.flags = (idev.flags | IF_READY) >>> 0;
  net.links.inet6.devReady(net.ks, dev);
}

/** addrconfDown is addrconf_ifdown() short of unregistration: routes and addresses go, the flags clear. */
function addrconfDown(net: NetOps, dev: NetDevice): void {
  const idev = dev.inet6!;
  net.links.inet6.devDown(net.ks, dev);
  if (idev.flags & IF_READY) ipv6McDown(dev);
  idev.flags = (idev.flags & ~(IF_READY | IF_RS_SENT)) >>> 0;
}

/** inet6Netdev is IPv6's notifier block, after IPv4's. */
const inet6Netdev: NetdevNotifier = {
  up(net, dev) {
    // addrconf_link_ready(): the operstate must be up too (a veth whose carrier just came
    // on waits for linkwatch).
    if (dev.inet6 && netifTxActive(dev) && netifOperUp(dev)) addrconfReady(net, dev);
  },
  down(net, dev) {
    if (dev.inet6) addrconfDown(net, dev);
  },
  change(net, dev) {
    // ndisc drops what is not permanent once the carrier is gone; addrconf gets ready or
    // resends its MLD reports when it is back.
    if (!dev.carrier) neighIfdown(net.links, net.ks, dev, AF_INET6, true);
    if (dev.carrier && dev.inet6) addrconfReady(net, dev);
  },
  changeMtu(net, dev) {
    // Below 1280 bytes IPv6 stops (addrconf_ifdown(); lo keeps its inet6_dev, others lose it
    // with RTM_DELNETCONF); above, mtu6 follows, or a new inet6_dev (ipv6_add_dev())
    // configures itself at once on a device that is ready.
    if (dev.mtu < IPV6_MIN_MTU) {
      if (dev.inet6) {
        addrconfDown(net, dev);
        if (!(dev.flags & IFF.IFF_LOOPBACK)) {
          netconfNotifyUnregister(net.ks, dev, AF_INET6);
          dev.inet6 = null;
        }
      }
    } else if (dev.inet6) dev.inet6.conf[DEVCONF_MTU6] = dev.mtu;
    else {
      dev.inet6 = newInet6Dev(etherInet6Conf(dev.mtu, (dev.flags & IFF.IFF_NOARP) !== 0), net.options);
      netconfNotifyRegister(net.ks, dev, AF_INET6);
      if (running(dev) && netifTxActive(dev) && netifOperUp(dev)) addrconfReady(net, dev);
    }
  },
  unregister(net, dev) {
    net.links.inet6.devDown(net.ks, dev);
    netconfNotifyUnregister(net.ks, dev, AF_INET6);
  },
};

/**
 * mldReport sends MLD reports of `dev`'s groups as a device coming up does (Inet6.mcUp()):
 * for the bridge, which joins a group on an open device (ipv6_dev_mc_inc()).
 */
export function mldReport(links: LinkTable, dev: NetDevice): void {
  links.inet6.mcUp(dev);
}

/** inet6Pernet gives a new namespace its IPv6 state (inet6_net_init and friends) and notifier. */
export function inet6Pernet(links: LinkTable, options: NetworkStateOptions): void {
  const inet6 = new Inet6(() => links.list(), options);
  inet6.ks = links.ks;
  inet6.ndIfdown = (dev) => neighIfdown(links, inet6.ks!, dev, AF_INET6);
  inet6.ndMcastOutput = (dev, group) => neighMcastOutput(links, dev, group);
  links.inet6 = inet6;
  links.netdevChain.register(inet6Netdev);
  // The nexthop objects are IPv4's (nexthop.c); IPv6 routes use them and they reach IPv6
  // through the stub.
  inet6.nexthops = links.inet4.nexthops;
  links.inet4.ipv6Stub = inet6;
  links.inet4.nhInit6 = (oif, gw) => inet6.nhInit(oif, gw, false);
  links.fibRulesOps.set(AF_INET6, {
    configure(rule) {
      // fib6_rule_configure(): a DSCP without ECN bits; a table to look up, made if new.
      if (rule.tos & 3) throw new KernelError('EINVAL', 'Invalid dsfield (tos): ECN bits must be 0');
      if (rule.action === FR_ACT_TO_TBL) {
        if (!rule.table) throw new KernelError('EINVAL', 'Invalid table');
        inet6.fib.create(rule.table);
      }
    },
    delete() {},
  });
  // nd_tbl's proxy entries join and leave their solicited-node groups.
  links.neighOps.set(AF_INET6, { pconstructor: (dev, key) => inet6.proxyJoin(dev, key), pdestructor: (dev, key) => inet6.proxyLeave(dev, key) });
}
