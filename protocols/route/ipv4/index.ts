/**
 * net/ipv4: addresses (devinet.c, with devinet_ioctl), the FIB (fib_frontend.c,
 * fib_semantics.c, fib_trie.c), nexthop objects (nexthop.c, which IPv6 routes use too and
 * which reach IPv6 through the ipv6 stub), multicast routing over rtnetlink (ipmr.c and
 * ip6mr.c), IPv4's netdevice notifier and its request handlers.
 */
export { AddrOps, addrFamilyDump, lifetimes, parseIfaddrMsg } from './addr-ops.js';
export { devinetIoctl } from './devinet-ioctl.js';
export { nhInfoFlags, putMetrics, rtmsgHeader } from './fib4-fill.js';
export { registerIpmr } from './ipmr.js';
export { inet4Pernet } from './netdev-events.js';
export { hasV4, isBlackhole, paths } from './nexthop-table.js';
export type { Nexthop, NexthopTable } from './nexthop-table.js';
export { registerNexthop } from './nexthop.js';
export { RouteOps, fibFamilyDump, metricsOf, parseRtMsg, routeLinks } from './route-ops.js';
export { RTM_IPV6_POLICY } from './route-policy.js';
export { nlaFind, putMultipath, walkRtnh } from './rtnh.js';
