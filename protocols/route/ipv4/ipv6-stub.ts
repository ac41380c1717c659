/**
 * ipv6_stub (include/net/ipv6_stubs.h): what IPv4 code reaches IPv6 through, since IPv6 may be
 * a module that IPv4 cannot depend on. The nexthop objects (nexthop.c, IPv4's) use it for an
 * IPv6 nexthop's device and for the IPv6 routes that use a nexthop; ipv6/ fills it in at its
 * pernet init.
 */
import type { NetDevice } from '../core/index.js';
import type { Notifier } from '../core/index.js';
import type { Nexthop } from './nexthop-table.js';

/** Ipv6Stub is the part of IPv6 that IPv4's nexthop code calls. */
export interface Ipv6Stub {
  /** nhInit mirrors fib6_nh_init()'s checks: the device an IPv6 nexthop leaves by. */
  nhInit(oif: number, gw: Uint8Array | null, reject: boolean): NetDevice;
  /** deleteNexthopRoutes drops the IPv6 routes using `nh` (silently, as __remove_nexthop_fib() does). */
  deleteNexthopRoutes(nh: Nexthop): void;
  /** nexthopRoutes lists the IPv6 routes using `nh`. */
  nexthopRoutes(nh: Nexthop): readonly unknown[];
  /** notifyNexthopRoutes reports the IPv6 routes using a replaced `nh`. */
  notifyNexthopRoutes(nh: Nexthop, n: Notifier): void;
}
