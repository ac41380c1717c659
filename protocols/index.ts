/**
 * The protocols a virtual kernel boots with, as a stock Linux kernel has them:
 * NETLINK_USERSOCK (always, from sim/), NETLINK_GENERIC with nlctrl, and (when enabled)
 * the protocols of later modules.
 */
import type { VirtualKernel } from '../sim/kernel.js';
import { registerGeneric } from './generic/index.js';

/** BuiltinProtocols selects the protocols loaded at boot; each defaults to true. */
export interface BuiltinProtocols {
  /** NETLINK_GENERIC and its controller nlctrl. */
  generic?: boolean;
}

/** loadBuiltinProtocols registers the selected built-in protocols in `kernel`. */
export function loadBuiltinProtocols(kernel: VirtualKernel, protocols: BuiltinProtocols = {}): void {
  if (protocols.generic !== false) registerGeneric(kernel);
}
