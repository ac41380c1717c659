/**
 * A module whose only job is to multicast: the seeds' "two listeners receive one kernel
 * multicast greeting" example. It registers a protocol with groups and broadcasts a
 * greeting from the kernel socket (netlink_broadcast()) when asked.
 */
import type { ProtocolHandle, VirtualKernel } from '../../sim/kernel.js';
import { NL_CFG_F_NONROOT_RECV } from '../../sim/uapi/netlink.js';
import { encodeMessage } from '../../sim/wire/header.js';

/** GREETER_GROUP is the multicast group the greeting goes to. */
export const GREETER_GROUP = 1;
/** GREETING_TYPE is the message type of the greeting. */
export const GREETING_TYPE = 0x11;

/** GreeterModule is the loaded module. */
export interface GreeterModule extends ProtocolHandle {
  /**
   * greet multicasts `text` (NUL-terminated) to GREETER_GROUP. Returns netlink_broadcast()'s
   * result: 0 when delivered, -ESRCH (-3) when nobody listens.
   */
  greet(text: string): number;
}

/** loadGreeter registers the greeter on `protocol` (default 26); anyone may listen. */
export function loadGreeter(kernel: VirtualKernel, protocol = 26): GreeterModule {
  const handle = kernel.registerProtocol({ protocol, name: 'NETLINK_GREETER', groups: 32, flags: NL_CFG_F_NONROOT_RECV });
  return {
    ...handle,
    greet(text: string): number {
      const msg = encodeMessage({ type: GREETING_TYPE, flags: 0, seq: 0, pid: 0 }, new TextEncoder().encode(`${text}\0`));
      return handle.kernelSocket().broadcast(msg, GREETER_GROUP);
    },
  };
}
