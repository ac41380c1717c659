/**
 * net/bridge: the bridge device and its ports (br_device.c, br_if.c, br_stp*.c), bridge and
 * port options over rtnetlink (br_netlink.c), the FDB (br_fdb.c), the MDB (br_mdb.c) and the
 * multicast snooping groups the bridge joins (br_multicast.c).
 */
export { bridge } from './bridge.js';
export { registerBridgeFdb } from './fdb.js';
export { registerBridgeLink } from './link.js';
export { registerMdb } from './mdb.js';
