/**
 * NETLINK_USERSOCK: user space to user space messaging. Linux registers it at boot
 * (netlink_add_usersock_entry()) with 32 groups and NL_CFG_F_NONROOT_SEND but no kernel
 * socket, so anyone may send anywhere, only CAP_NET_ADMIN may join groups, and a send to
 * port 0 finds nobody: ECONNREFUSED, after any multicast part was delivered.
 */
import type { ProtocolHandle, VirtualKernel } from './kernel.js';
import { NETLINK_USERSOCK, NL_CFG_F_NONROOT_SEND } from './uapi/netlink.js';

/** registerUsersock registers NETLINK_USERSOCK in `kernel` as Linux does at boot. */
export function registerUsersock(kernel: VirtualKernel): ProtocolHandle {
  return kernel.registerProtocol({
    protocol: NETLINK_USERSOCK,
    groups: 32,
    flags: NL_CFG_F_NONROOT_SEND,
    kernelSocket: false,
  });
}
