/**
 * Booting a kernel: the protocols a virtual kernel starts with, as a stock Linux kernel has
 * them. sim/ is af_netlink and knows no protocol but NETLINK_USERSOCK (which af_netlink.c
 * registers itself); this is the initcall list that brings up the rest: NETLINK_ROUTE
 * (rtnetlink with lo in every namespace), NETLINK_GENERIC with nlctrl, and
 * NETLINK_KOBJECT_UEVENT.
 */
import { VirtualKernel, type VirtualKernelOptions } from '../sim/kernel.js';
import { registerGeneric } from './generic/index.js';
import { registerRoute } from './route/index.js';
import { registerUevent } from './uevent/index.js';

/** BuiltinProtocols selects the protocols loaded at boot; each defaults to true. */
export interface BuiltinProtocols {
  /** NETLINK_ROUTE (rtnetlink). */
  route?: boolean;
  /** NETLINK_GENERIC and its controller nlctrl. */
  generic?: boolean;
  /** NETLINK_KOBJECT_UEVENT. */
  uevent?: boolean;
}

/** KernelOptions configure createKernel(): the virtual kernel's options and its protocols. */
export interface KernelOptions extends VirtualKernelOptions {
  /**
   * Protocols createKernel() loads at boot, as a stock kernel has them. Defaults to all of
   * them; `{ generic: false }` leaves NETLINK_GENERIC out. (`new VirtualKernel()` loads only
   * NETLINK_USERSOCK, like netlink_proto_init().)
   */
  protocols?: BuiltinProtocols;
}

/** loadBuiltinProtocols registers the selected built-in protocols in `kernel`. */
export function loadBuiltinProtocols(kernel: VirtualKernel, protocols: BuiltinProtocols = {}): void {
  // rtnetlink_init() runs before genl_init() (core_initcall vs subsys_initcall).
  if (protocols.route !== false) registerRoute(kernel);
  if (protocols.generic !== false) registerGeneric(kernel);
  if (protocols.uevent !== false) registerUevent(kernel);
}

/**
 * createKernel returns a booted VirtualKernel: NETLINK_USERSOCK plus the built-in protocols
 * selected by `options.protocols` (all by default).
 */
export function createKernel(options: KernelOptions = {}): VirtualKernel {
  const kernel = new VirtualKernel(options);
  loadBuiltinProtocols(kernel, options.protocols);
  return kernel;
}
