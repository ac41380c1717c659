/**
 * NETLINK_ROUTE (rtnetlink): createKernel() boots with it (protocols/index.ts), as every Linux
 * kernel has it built in; `createKernel({ protocols: { route: false } })` leaves it out.
 * Mirrors rtnetlink_net_init() (the kernel socket: RTNLGRP_MAX groups, NL_CFG_F_NONROOT_RECV,
 * rtnetlink_bind()) and rtnetlink_init().
 */
import type { ProtocolHandle, VirtualKernel } from '../../sim/kernel.js';
import type { NetNamespace } from '../../sim/netns.js';
import { capable } from '../../sim/credentials.js';
import { createRandom } from '../../sim/random.js';
import { requestLoop } from '../../sim/request-loop.js';
import { NETLINK_ROUTE, NL_CFG_F_NONROOT_RECV } from '../../sim/uapi/netlink.js';
import { AddrOps } from './ipv4/index.js';
import { Addr6Ops } from './ipv6/index.js';
import { registerInet6Ifinfo } from './ipv6/index.js';
import { registerBridgeLink } from './bridge/index.js';
import { LinkOps } from './core/index.js';
import { RouteOps } from './ipv4/index.js';
import { Route6Ops } from './ipv6/index.js';
import { RuleOps } from './core/index.js';
import { NeighOps } from './core/index.js';
import { registerBridgeFdb } from './bridge/index.js';
import { registerNetconf } from './core/index.js';
import { registerIpmr } from './ipv4/index.js';
import { registerAddrlabel } from './ipv6/index.js';
import { registerNeighTable } from './core/index.js';
import { registerLinkStats } from './core/index.js';
import { registerLinkProp } from './core/index.js';
import { registerMdb } from './bridge/index.js';
import { registerNexthop } from './ipv4/index.js';
import { registerNsid } from './core/index.js';
import { RTNL_FLAG, Rtnetlink } from './core/index.js';
import { registerTc } from './sched/index.js';
import { NetworkState } from './core/index.js';
import { devIoctl as coreDevIoctl, type DevIoctlCall, type DevIoctlResult, listDevices as coreListDevices, type Net } from './core/index.js';
import { NetOps } from './core/index.js';
import { devinetIoctl } from './ipv4/index.js';
import { linkOps } from './link-kinds/index.js';
import { inet4Pernet } from './ipv4/index.js';
import { inet6Pernet } from './ipv6/index.js';
import { AF_INET, AF_INET6, RTM, RTNLGRP_IPV4_MROUTE_R, RTNLGRP_IPV6_MROUTE_R, RTNLGRP_MAX } from './core/uapi.js';

/** RouteOptions configure registerRoute(). */
export interface RouteOptions {
  /** Seed for per-device randomness (IPv6 reachable_time). Defaults to a random seed (the kernel's generator is left alone so port ids stay repeatable). */
  seed?: number;
  /** Clock for timestamps, ms since "boot". Defaults to the kernel's clock (kernel.clock.now()). */
  now?: () => number;
}

/** RouteHandle is the registered protocol with its handler table and network state. */
export interface RouteHandle extends ProtocolHandle {
  /** The rtnl_msg_handlers table: later slices add addresses, routes, neighbours, rules. */
  readonly rtnl: Rtnetlink;
  /** Every namespace's devices. */
  readonly state: NetworkState;
}

const handles = new WeakMap<VirtualKernel, RouteHandle>();

/**
 * registerRoute registers NETLINK_ROUTE in `kernel` with its handlers and returns the handle;
 * on a kernel that has it already (createKernel() loads it at boot) it returns that handle
 * and ignores `options`.
 */
export function registerRoute(kernel: VirtualKernel, options: RouteOptions = {}): RouteHandle {
  const existing = handles.get(kernel);
  if (existing) return existing;
  const clock = kernel.clock;
  const state = new NetworkState({
    random: createRandom(options.seed),
    now: options.now ?? (() => clock.now()),
    setTimer: (delayMs, callback) => clock.setTimer(delayMs, callback),
    config: kernel.profile.config,
    linkOps: linkOps(kernel.profile.config),
    // IPv4 before IPv6, as inet_init() runs before inet6_init().
    pernet: [inet4Pernet, inet6Pernet],
  });
  const rtnl = new Rtnetlink();
  new LinkOps(state).register(rtnl);
  registerInet6Ifinfo(rtnl, state);
  registerBridgeLink(rtnl, state);
  new AddrOps(state).register(rtnl);
  new Addr6Ops(state).register(rtnl);
  rtnl.registerDumpAll(RTM.RTM_GETADDR, [AF_INET, AF_INET6], RTNL_FLAG.RTNL_FLAG_DUMP_SPLIT_NLM_DONE);
  new RouteOps(state).register(rtnl);
  new Route6Ops(state).register(rtnl);
  rtnl.registerDumpAll(RTM.RTM_GETROUTE, [AF_INET, AF_INET6], RTNL_FLAG.RTNL_FLAG_DUMP_SPLIT_NLM_DONE);
  new RuleOps(state).register(rtnl);
  new NeighOps(state).register(rtnl);
  registerBridgeFdb(rtnl, state);
  registerNetconf(rtnl, state, kernel.profile.config);
  registerNexthop(rtnl);
  registerNsid(rtnl);
  registerIpmr(rtnl, state, kernel.profile.config);
  registerMdb(rtnl, state);
  registerLinkProp(rtnl, state);
  registerAddrlabel(rtnl, state);
  registerNeighTable(rtnl, state);
  registerLinkStats(rtnl, state);
  // sch_api.c, cls_api.c and act_api.c exist only with CONFIG_NET_SCHED; the default qdiscs
  // (sch_generic.c) devices report in IFLA_QDISC do not depend on it.
  if (kernel.profile.config.NET_SCHED) registerTc(rtnl, state);
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
  const route: RouteHandle = { ...handle, rtnl, state };
  handles.set(kernel, route);
  return route;
}

/** netOf returns `netns`'s devices for an ioctl, or undefined on a kernel without NETLINK_ROUTE (no devices). */
function netOf(kernel: VirtualKernel, netns: NetNamespace): Net | undefined {
  if (!kernel.table(NETLINK_ROUTE)) return undefined;
  const route = registerRoute(kernel);
  const links = route.state.links(netns);
  return { links, ops: () => new NetOps(links, route.kernelSocket(netns), route.state.options) };
}

/**
 * devIoctl performs one device ioctl on a socket (sock_ioctl()) against the virtual kernel's
 * devices, the AF_INET requests through IPv4's devinet_ioctl(); see core/dev-ioctl.ts.
 */
export function devIoctl(kernel: VirtualKernel, call: DevIoctlCall): DevIoctlResult {
  return coreDevIoctl(netOf(kernel, call.netns), call, devinetIoctl);
}

/** listDevices answers if_nameindex() in `netns`: every device by index. */
export function listDevices(kernel: VirtualKernel, netns: NetNamespace): Uint8Array {
  return coreListDevices(netOf(kernel, netns));
}

export { SIOC } from './core/index.js';
export type { DevIoctlCall, DevIoctlResult } from './core/index.js';
export { RTNL_FLAG, Rtnetlink } from './core/index.js';
export type { RtnlDoit, RtnlDumpit, RtnlHandler } from './core/index.js';
export { LinkTable, NetworkState } from './core/index.js';
export type { NetDevice } from './core/index.js';
export * from './core/uapi.js';
