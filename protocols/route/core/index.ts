/**
 * net/core and the headers every subsystem includes: rtnetlink dispatch (rtnetlink.c, with
 * rtnl_dump_all and rtnl_notify), devices and their life (dev.c: dev_open, dev_close, MTU,
 * carrier, linkwatch, unregistration; dev_addr_lists.c; dev_ioctl.c), link requests
 * (rtnetlink.c's do_setlink, rtnl_newlink, rtnl_fill_ifinfo), neighbour tables (neighbour.c),
 * fib rules (fib_rules.c), netconf, net namespace ids (net_namespace.c), the default qdisc
 * (sch_generic.c) and the structures a device holds (inetdevice.h, if_inet6.h). It names no
 * address family: IPv4 and IPv6 attach through the netdevice notifier chain, their pernet
 * inits, and the neighbour and fib rules hooks (docs/architecture.md).
 */
export { addrCacheinfo, ageAddresses } from './addr-lifetime.js';
export { IFA_IPV4_POLICY, IFA_IPV6_POLICY } from './addr-policy.js';
export { devMcAddExcl, devMcDel, devMcList, devUcAddExcl, devUcDel, devUcList, ipv6McDown, ipv6McUp, syncMc } from './dev-addr-lists.js';
export { SIOC, U, devIoctl, failure, ifreqName, listDevices, needAdmin, needDev, putSockaddrIn, view } from './dev-ioctl.js';
export type { DevIoctlCall, DevIoctlResult, IfreqName, Net } from './dev-ioctl.js';
export { DEVCONF_ACCEPT_DAD, DEVCONF_MTU6, IN6ADDR_LINKLOCAL_ALLNODES, IPV4_MIN_MTU, IPV6_MIN_MTU, devGetFlags, devGetIflink, etherInet6Conf, mcJoin, mcLeave, netifOperUp, newInet6Dev, running } from './device.js';
export type { McGroup, NetDevice } from './device.js';
export type { FamilyDump } from './dump-all.js';
export { FR_ACT_TO_TBL, RuleOps, rulesFor } from './fib-rules.js';
export type { FibRule } from './fib-rules.js';
export type { InAddr, Inet6Ifaddr } from './ifaddr.js';
export { decodeIfAddrMsg, encodeIfAddrMsg } from './ifaddrmsg.js';
export { decodeIfInfoMsg, encodeIfInfoMsg } from './ifinfomsg.js';
export type { IfInfoMsg } from './ifinfomsg.js';
export { IFLA_POLICY } from './ifla-policy.js';
export { INADDR_LOOPBACK, inetMask, inetMaskLen, ipv4Bytes, ipv4Read, isLbcast, isLoopback, isMulticast, isZeronet } from './ipv4-addr.js';
export { createLink } from './link-create.js';
export { fillInet6 } from './link-fill.js';
export type { LinkKind, LowerEvent, NewLinkRequest, PortEvent } from './link-kind.js';
export { parseLinkPeer } from './link-peer.js';
export { registerLinkProp } from './link-prop.js';
export { registerLinkStats } from './link-stats.js';
export { LinkOps } from './links.js';
export { fillMcAddr } from './mcaddr.js';
export { registerNeighTable } from './neigh-table.js';
export { NeighOps, arpMcastOutput, neighForget, neighIfdown, neighMcastOutput } from './neighbour.js';
export { netconfNotifyRegister, netconfNotifyUnregister, registerNetconf } from './netconf.js';
export type { NetdevNotifier } from './netdev-notifier.js';
export { NetOps, ethMacAddr, netifTxActive, validEtherAddr } from './netdev.js';
export { registerNsid } from './nsid.js';
export { decodeRtMsg, encodeRtMsg } from './rtmsg.js';
export type { RtMsg } from './rtmsg.js';
export { RTNL_FLAG, Rtnetlink } from './rtnetlink.js';
export type { RtnlDoit, RtnlDumpit, RtnlHandler } from './rtnetlink.js';
export { notify } from './rtnl-notify.js';
export type { Notifier } from './rtnl-notify.js';
export { defaultRootKind } from './sch-generic.js';
export { LinkTable, NetworkState } from './state.js';
export type { NetworkStateOptions } from './state.js';
