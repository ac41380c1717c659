/**
 * NETLINK_ROUTE (rtnetlink): registered by registerRoute(), not at boot, so a kernel without
 * it behaves like one whose rtnetlink is absent. Mirrors rtnetlink_net_init() (the kernel
 * socket: RTNLGRP_MAX groups, NL_CFG_F_NONROOT_RECV, rtnetlink_bind()) and rtnetlink_init().
 */
import type { ProtocolHandle, VirtualKernel } from '../../sim/kernel.js';
import { capable } from '../../sim/credentials.js';
import { createRandom } from '../../sim/random.js';
import { requestLoop } from '../../sim/request-loop.js';
import { NETLINK_ROUTE, NL_CFG_F_NONROOT_RECV } from '../../sim/uapi/netlink.js';
import { LinkOps } from './links.js';
import { Rtnetlink } from './rtnetlink.js';
import { NetworkState } from './state.js';
import { RTNLGRP_IPV4_MROUTE_R, RTNLGRP_IPV6_MROUTE_R, RTNLGRP_MAX } from './uapi.js';

/** RouteOptions configure registerRoute(). */
export interface RouteOptions {
  /** Seed for per-device randomness (IPv6 reachable_time). Defaults to a random seed. */
  seed?: number;
  /** Clock for timestamps, ms since "boot". Defaults to time since registerRoute(). */
  now?: () => number;
}

/** RouteHandle is the registered protocol with its handler table and network state. */
export interface RouteHandle extends ProtocolHandle {
  /** The rtnl_msg_handlers table: later slices add addresses, routes, neighbours, rules. */
  readonly rtnl: Rtnetlink;
  /** Every namespace's devices. */
  readonly state: NetworkState;
}

/** registerRoute registers NETLINK_ROUTE in `kernel` with the link handlers. */
export function registerRoute(kernel: VirtualKernel, options: RouteOptions = {}): RouteHandle {
  const start = performance.now();
  const state = new NetworkState({
    random: createRandom(options.seed),
    now: options.now ?? (() => performance.now() - start),
  });
  const rtnl = new Rtnetlink();
  new LinkOps(state).register(rtnl);
  const handle = kernel.registerProtocol({
    protocol: NETLINK_ROUTE,
    name: 'NETLINK_ROUTE',
    groups: RTNLGRP_MAX,
    flags: NL_CFG_F_NONROOT_RECV,
    input: requestLoop((ctx) => rtnl.dispatch(ctx)),
    // rtnetlink_bind(): the multicast-routing report groups need CAP_NET_ADMIN.
    bind: (group, context) => {
      if ((group === RTNLGRP_IPV4_MROUTE_R || group === RTNLGRP_IPV6_MROUTE_R) && !capable(context.credentials, 'CAP_NET_ADMIN')) return 'EPERM';
      return undefined;
    },
  });
  return { ...handle, rtnl, state };
}

export { RTNL_FLAG, Rtnetlink } from './rtnetlink.js';
export type { RtnlDoit, RtnlDumpit, RtnlHandler } from './rtnetlink.js';
export { LinkTable, NetworkState } from './state.js';
export type { NetDevice } from './device.js';
export * from './uapi.js';
