/**
 * The protocols a virtual kernel boots with, as a stock Linux kernel has them:
 * NETLINK_USERSOCK (always, from sim/), NETLINK_ROUTE (rtnetlink with lo in every namespace),
 * NETLINK_GENERIC with nlctrl, and NETLINK_KOBJECT_UEVENT.
 */
import type { VirtualKernel } from '../sim/kernel.js';
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

/** loadBuiltinProtocols registers the selected built-in protocols in `kernel`. */
export function loadBuiltinProtocols(kernel: VirtualKernel, protocols: BuiltinProtocols = {}): void {
  // rtnetlink_init() runs before genl_init() (core_initcall vs subsys_initcall).
  if (protocols.route !== false) registerRoute(kernel);
  if (protocols.generic !== false) registerGeneric(kernel);
  if (protocols.uevent !== false) registerUevent(kernel);
}
