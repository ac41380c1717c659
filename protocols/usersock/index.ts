/**
 * NETLINK_USERSOCK. Linux registers it in af_netlink.c itself (netlink_add_usersock_entry(),
 * from netlink_proto_init()), so its entry lives with the core in sim/usersock.ts and every
 * VirtualKernel has it; this folder keeps the family's place among the protocols.
 */
export { registerUsersock } from '../../sim/usersock.js';
