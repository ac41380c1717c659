/**
 * net/ipv6: addrconf (addresses, DAD, router solicitations, MLD reports, the AF_INET6 link
 * dump), the FIB (route.c, ip6_fib.c), address labels (addrlabel.c), IPv6's netdevice
 * notifier and its request handlers.
 */
export { Addr6Ops } from './addr-ops.js';
export { registerAddrlabel } from './addrlabel.js';
export { registerInet6Ifinfo } from './ifinfo.js';
export { inet6Pernet, mldReport } from './netdev-events.js';
export { Route6Ops } from './route-ops.js';
