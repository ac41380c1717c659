/**
 * RtnlClient: the fixture's own rtnetlink client. Setup goes through netlink requests on a
 * socket of the kernel under test, as `ip` would send them, so the state a test starts from
 * is exactly what a client would see, notifications included. It is the topology code's
 * RtnlConnection (request, dump, ifindex) on a bound socket of the fixture's namespace.
 */
import { encodeIfInfoMsg, type IfInfoMsg } from '../protocols/route/core/index.js';
import { RtnlConnection } from '../protocols/route/topology/index.js';
import type { VirtualKernel } from '../sim/kernel.js';
import type { NetNamespace } from '../sim/netns.js';
import type { SimSocket } from '../sim/socket.js';
import { NETLINK_ROUTE, SOCK_RAW } from '../sim/uapi/netlink.js';

/** RtnlClient sends one request at a time and reads the kernel's answer synchronously. */
export class RtnlClient extends RtnlConnection {
  declare readonly sock: SimSocket;

  constructor(kernel: VirtualKernel, netns: NetNamespace) {
    const sock = kernel.socket(SOCK_RAW, NETLINK_ROUTE, { netns });
    sock.bind({ pid: 0, groups: 0 });
    super(sock);
  }

  /** portId is the setup socket's port, so traffic recording can leave its exchanges out. */
  get portId(): number {
    return this.sock.getsockname().pid;
  }

  close(): void {
    this.sock.close();
  }
}

/** ifinfomsg encodes struct ifinfomsg (16 bytes). */
export function ifinfomsg(f: Partial<Omit<IfInfoMsg, 'pad'>>): Uint8Array {
  return encodeIfInfoMsg(f);
}
