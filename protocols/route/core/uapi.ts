/**
 * NETLINK_ROUTE constants as include/uapi/linux/rtnetlink.h, if_link.h, if.h, if_arp.h and
 * netdevice.h spell them (Linux 6.18). Values are ABI: they never change once released.
 */

/** RTM holds every rtnetlink message type of linux/rtnetlink.h. */
export const RTM = {
  RTM_NEWLINK: 16,
  RTM_DELLINK: 17,
  RTM_GETLINK: 18,
  RTM_SETLINK: 19,
  RTM_NEWADDR: 20,
  RTM_DELADDR: 21,
  RTM_GETADDR: 22,
  RTM_NEWROUTE: 24,
  RTM_DELROUTE: 25,
  RTM_GETROUTE: 26,
  RTM_NEWNEIGH: 28,
  RTM_DELNEIGH: 29,
  RTM_GETNEIGH: 30,
  RTM_NEWRULE: 32,
  RTM_DELRULE: 33,
  RTM_GETRULE: 34,
  RTM_NEWQDISC: 36,
  RTM_DELQDISC: 37,
  RTM_GETQDISC: 38,
  RTM_NEWTCLASS: 40,
  RTM_DELTCLASS: 41,
  RTM_GETTCLASS: 42,
  RTM_NEWTFILTER: 44,
  RTM_DELTFILTER: 45,
  RTM_GETTFILTER: 46,
  RTM_NEWACTION: 48,
  RTM_DELACTION: 49,
  RTM_GETACTION: 50,
  RTM_NEWPREFIX: 52,
  RTM_GETMULTICAST: 58,
  RTM_GETANYCAST: 62,
  RTM_NEWNEIGHTBL: 64,
  RTM_GETNEIGHTBL: 66,
  RTM_SETNEIGHTBL: 67,
  RTM_NEWNDUSEROPT: 68,
  RTM_NEWADDRLABEL: 72,
  RTM_DELADDRLABEL: 73,
  RTM_GETADDRLABEL: 74,
  RTM_GETDCB: 78,
  RTM_SETDCB: 79,
  RTM_NEWNETCONF: 80,
  RTM_DELNETCONF: 81,
  RTM_GETNETCONF: 82,
  RTM_NEWMDB: 84,
  RTM_DELMDB: 85,
  RTM_GETMDB: 86,
  RTM_NEWNSID: 88,
  RTM_DELNSID: 89,
  RTM_GETNSID: 90,
  RTM_NEWSTATS: 92,
  RTM_GETSTATS: 94,
  RTM_SETSTATS: 95,
  RTM_NEWCACHEREPORT: 96,
  RTM_NEWCHAIN: 100,
  RTM_DELCHAIN: 101,
  RTM_GETCHAIN: 102,
  RTM_NEWNEXTHOP: 104,
  RTM_DELNEXTHOP: 105,
  RTM_GETNEXTHOP: 106,
  RTM_NEWLINKPROP: 108,
  RTM_DELLINKPROP: 109,
  RTM_GETLINKPROP: 110,
  RTM_NEWVLAN: 112,
  RTM_DELVLAN: 113,
  RTM_GETVLAN: 114,
  RTM_NEWNEXTHOPBUCKET: 116,
  RTM_DELNEXTHOPBUCKET: 117,
  RTM_GETNEXTHOPBUCKET: 118,
  RTM_NEWTUNNEL: 120,
  RTM_DELTUNNEL: 121,
  RTM_GETTUNNEL: 122,
} as const;

export const { RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK } = RTM;

/** RTM_BASE is the first rtnetlink type (NLMSG_MIN_TYPE). */
export const RTM_BASE = 16;
/** RTM_MAX is ((__RTM_MAX + 3) & ~3) − 1 = 123 on 6.1–7.2; larger types get EOPNOTSUPP. */
export const RTM_MAX = 123;

const RTM_NAMES = new Map<number, string>(Object.entries(RTM).map(([k, v]) => [v, k]));

/** rtmName returns the RTM_* name of `type`, or `RTM_<type>` for an unassigned number. */
export function rtmName(type: number): string {
  return RTM_NAMES.get(type) ?? `RTM_${type}`;
}

/** RTNL_KIND is rtnl_msgtype_kind(): (type − RTM_BASE) & 3. */
export const RTNL_KIND = { NEW: 0, DEL: 1, GET: 2, SET: 3 } as const;

/** RTNLGRP holds the rtnetlink multicast groups (enum rtnetlink_groups). */
export const RTNLGRP = {
  RTNLGRP_NONE: 0,
  RTNLGRP_LINK: 1,
  RTNLGRP_NOTIFY: 2,
  RTNLGRP_NEIGH: 3,
  RTNLGRP_TC: 4,
  RTNLGRP_IPV4_IFADDR: 5,
  RTNLGRP_IPV4_MROUTE: 6,
  RTNLGRP_IPV4_ROUTE: 7,
  RTNLGRP_IPV4_RULE: 8,
  RTNLGRP_IPV6_IFADDR: 9,
  RTNLGRP_IPV6_MROUTE: 10,
  RTNLGRP_IPV6_ROUTE: 11,
  RTNLGRP_IPV6_IFINFO: 12,
  RTNLGRP_DECnet_IFADDR: 13,
  RTNLGRP_NOP2: 14,
  RTNLGRP_DECnet_ROUTE: 15,
  RTNLGRP_DECnet_RULE: 16,
  RTNLGRP_NOP4: 17,
  RTNLGRP_IPV6_PREFIX: 18,
  RTNLGRP_IPV6_RULE: 19,
  RTNLGRP_ND_USEROPT: 20,
  RTNLGRP_PHONET_IFADDR: 21,
  RTNLGRP_PHONET_ROUTE: 22,
  RTNLGRP_DCB: 23,
  RTNLGRP_IPV4_NETCONF: 24,
  RTNLGRP_IPV6_NETCONF: 25,
  RTNLGRP_MDB: 26,
  RTNLGRP_MPLS_ROUTE: 27,
  RTNLGRP_NSID: 28,
  RTNLGRP_MPLS_NETCONF: 29,
  RTNLGRP_IPV4_MROUTE_R: 30,
  RTNLGRP_IPV6_MROUTE_R: 31,
  RTNLGRP_NEXTHOP: 32,
  RTNLGRP_BRVLAN: 33,
  RTNLGRP_MCTP_IFADDR: 34,
  RTNLGRP_TUNNEL: 35,
  RTNLGRP_STATS: 36,
  RTNLGRP_IPV4_MCADDR: 37,
  RTNLGRP_IPV6_MCADDR: 38,
  RTNLGRP_IPV6_ACADDR: 39,
} as const;

export const { RTNLGRP_LINK, RTNLGRP_IPV4_MROUTE_R, RTNLGRP_IPV6_MROUTE_R } = RTNLGRP;
/** RTNLGRP_MAX is the highest group on 6.18 (RTNLGRP_IPV6_ACADDR). */
export const RTNLGRP_MAX = 39;

/** IFLA holds the link attributes (enum in linux/if_link.h, up to IFLA_TAILROOM on 6.18). */
export const IFLA = {
  IFLA_UNSPEC: 0,
  IFLA_ADDRESS: 1,
  IFLA_BROADCAST: 2,
  IFLA_IFNAME: 3,
  IFLA_MTU: 4,
  IFLA_LINK: 5,
  IFLA_QDISC: 6,
  IFLA_STATS: 7,
  IFLA_COST: 8,
  IFLA_PRIORITY: 9,
  IFLA_MASTER: 10,
  IFLA_WIRELESS: 11,
  IFLA_PROTINFO: 12,
  IFLA_TXQLEN: 13,
  IFLA_MAP: 14,
  IFLA_WEIGHT: 15,
  IFLA_OPERSTATE: 16,
  IFLA_LINKMODE: 17,
  IFLA_LINKINFO: 18,
  IFLA_NET_NS_PID: 19,
  IFLA_IFALIAS: 20,
  IFLA_NUM_VF: 21,
  IFLA_VFINFO_LIST: 22,
  IFLA_STATS64: 23,
  IFLA_VF_PORTS: 24,
  IFLA_PORT_SELF: 25,
  IFLA_AF_SPEC: 26,
  IFLA_GROUP: 27,
  IFLA_NET_NS_FD: 28,
  IFLA_EXT_MASK: 29,
  IFLA_PROMISCUITY: 30,
  IFLA_NUM_TX_QUEUES: 31,
  IFLA_NUM_RX_QUEUES: 32,
  IFLA_CARRIER: 33,
  IFLA_PHYS_PORT_ID: 34,
  IFLA_CARRIER_CHANGES: 35,
  IFLA_PHYS_SWITCH_ID: 36,
  IFLA_LINK_NETNSID: 37,
  IFLA_PHYS_PORT_NAME: 38,
  IFLA_PROTO_DOWN: 39,
  IFLA_GSO_MAX_SEGS: 40,
  IFLA_GSO_MAX_SIZE: 41,
  IFLA_PAD: 42,
  IFLA_XDP: 43,
  IFLA_EVENT: 44,
  IFLA_NEW_NETNSID: 45,
  IFLA_TARGET_NETNSID: 46,
  IFLA_CARRIER_UP_COUNT: 47,
  IFLA_CARRIER_DOWN_COUNT: 48,
  IFLA_NEW_IFINDEX: 49,
  IFLA_MIN_MTU: 50,
  IFLA_MAX_MTU: 51,
  IFLA_PROP_LIST: 52,
  IFLA_ALT_IFNAME: 53,
  IFLA_PERM_ADDRESS: 54,
  IFLA_PROTO_DOWN_REASON: 55,
  IFLA_PARENT_DEV_NAME: 56,
  IFLA_PARENT_DEV_BUS_NAME: 57,
  IFLA_GRO_MAX_SIZE: 58,
  IFLA_TSO_MAX_SIZE: 59,
  IFLA_TSO_MAX_SEGS: 60,
  IFLA_ALLMULTI: 61,
  IFLA_DEVLINK_PORT: 62,
  IFLA_GSO_IPV4_MAX_SIZE: 63,
  IFLA_GRO_IPV4_MAX_SIZE: 64,
  IFLA_DPLL_PIN: 65,
  IFLA_MAX_PACING_OFFLOAD_HORIZON: 66,
  IFLA_NETNS_IMMUTABLE: 67,
  IFLA_HEADROOM: 68,
  IFLA_TAILROOM: 69,
} as const;

/** IFLA_MAX is the highest link attribute on 6.18. */
export const IFLA_MAX = 69;

/** IFLA_XDP nested attributes. */
export const IFLA_XDP = { IFLA_XDP_FD: 1, IFLA_XDP_ATTACHED: 2 } as const;

/** IFLA_INET (AF_INET in IFLA_AF_SPEC) and IFLA_INET6 attributes. */
export const IFLA_INET = { IFLA_INET_CONF: 1 } as const;
export const IFLA_INET6 = {
  IFLA_INET6_FLAGS: 1,
  IFLA_INET6_CONF: 2,
  IFLA_INET6_STATS: 3,
  IFLA_INET6_MCAST: 4,
  IFLA_INET6_CACHEINFO: 5,
  IFLA_INET6_ICMP6STATS: 6,
  IFLA_INET6_TOKEN: 7,
  IFLA_INET6_ADDR_GEN_MODE: 8,
  IFLA_INET6_RA_MTU: 9,
} as const;

/** RTEXT_FILTER bits of IFLA_EXT_MASK. */
export const RTEXT_FILTER = {
  RTEXT_FILTER_VF: 1 << 0,
  RTEXT_FILTER_BRVLAN: 1 << 1,
  RTEXT_FILTER_BRVLAN_COMPRESSED: 1 << 2,
  RTEXT_FILTER_SKIP_STATS: 1 << 3,
  RTEXT_FILTER_MRP: 1 << 4,
  RTEXT_FILTER_CFM_CONFIG: 1 << 5,
  RTEXT_FILTER_CFM_STATUS: 1 << 6,
  RTEXT_FILTER_MST: 1 << 7,
} as const;

/** IFF holds the device flags of linux/if.h (net_device_flags). */
export const IFF = {
  IFF_UP: 1 << 0,
  IFF_BROADCAST: 1 << 1,
  IFF_DEBUG: 1 << 2,
  IFF_LOOPBACK: 1 << 3,
  IFF_POINTOPOINT: 1 << 4,
  IFF_NOTRAILERS: 1 << 5,
  IFF_RUNNING: 1 << 6,
  IFF_NOARP: 1 << 7,
  IFF_PROMISC: 1 << 8,
  IFF_ALLMULTI: 1 << 9,
  IFF_MASTER: 1 << 10,
  IFF_SLAVE: 1 << 11,
  IFF_MULTICAST: 1 << 12,
  IFF_PORTSEL: 1 << 13,
  IFF_AUTOMEDIA: 1 << 14,
  IFF_DYNAMIC: 1 << 15,
  IFF_LOWER_UP: 1 << 16,
  IFF_DORMANT: 1 << 17,
  IFF_ECHO: 1 << 18,
} as const;

/** IFF_VOLATILE: flags the driver owns, never taken from a request (linux/if.h). */
export const IFF_VOLATILE =
  IFF.IFF_LOOPBACK | IFF.IFF_POINTOPOINT | IFF.IFF_BROADCAST | IFF.IFF_ECHO | IFF.IFF_MASTER | IFF.IFF_SLAVE | IFF.IFF_RUNNING | IFF.IFF_LOWER_UP | IFF.IFF_DORMANT;

/** ARPHRD holds the device types of linux/if_arp.h that nlsim's devices use, and a few more. */
export const ARPHRD = {
  ARPHRD_NETROM: 0,
  ARPHRD_ETHER: 1,
  ARPHRD_IEEE802: 6,
  ARPHRD_INFINIBAND: 32,
  ARPHRD_NONE: 0xfffe,
  ARPHRD_VOID: 0xffff,
  ARPHRD_TUNNEL: 768,
  ARPHRD_TUNNEL6: 769,
  ARPHRD_LOOPBACK: 772,
  ARPHRD_SIT: 776,
  ARPHRD_IPGRE: 778,
  ARPHRD_NETLINK: 824,
} as const;

/** IF_OPER holds RFC 2863 operational states (IFLA_OPERSTATE). */
export const IF_OPER = {
  IF_OPER_UNKNOWN: 0,
  IF_OPER_NOTPRESENT: 1,
  IF_OPER_DOWN: 2,
  IF_OPER_LOWERLAYERDOWN: 3,
  IF_OPER_TESTING: 4,
  IF_OPER_DORMANT: 5,
  IF_OPER_UP: 6,
} as const;

/** IF_LINK_MODE holds IFLA_LINKMODE values. */
export const IF_LINK_MODE = { IF_LINK_MODE_DEFAULT: 0, IF_LINK_MODE_DORMANT: 1, IF_LINK_MODE_TESTING: 2 } as const;

/** IFNAMSIZ: interface names hold at most 15 bytes plus the NUL. */
export const IFNAMSIZ = 16;
/** ALTIFNAMSIZ: alternative names hold at most 127 bytes plus the NUL. */
export const ALTIFNAMSIZ = 128;
/** IFALIASZ: the longest interface alias. */
export const IFALIASZ = 256;

/** IFINFOMSG_LEN is sizeof(struct ifinfomsg): u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change. */
export const IFINFOMSG_LEN = 16;
/** RTGENMSG_LEN is sizeof(struct rtgenmsg): the 1-byte legacy request header. */
export const RTGENMSG_LEN = 1;

/** IF_READY is the inet6_dev flag addrconf sets once the device is up (IFLA_INET6_FLAGS). */
export const IF_READY = 0x80000000;
/** IF_RS_SENT (idev->if_flags, IFLA_INET6_FLAGS): a router solicitation went out. */
export const IF_RS_SENT = 0x10;

/** AF_INET and AF_INET6: the IFLA_AF_SPEC nest types and rtgen_family values. */
export const AF_INET = 2;
export const AF_INET6 = 10;
/** RTNL_FAMILY_IPMR / RTNL_FAMILY_IP6MR: the rtnetlink families of multicast routing. */
export const RTNL_FAMILY_IPMR = 128;
export const RTNL_FAMILY_IP6MR = 129;

/** RTNL_FAMILY_MAX: families above it have no handler table (rtnl_get_link()). */
export const RTNL_FAMILY_MAX = 129;

/** IFLA_INFO holds the IFLA_LINKINFO nested attributes (linux/if_link.h). */
export const IFLA_INFO = {
  IFLA_INFO_KIND: 1,
  IFLA_INFO_DATA: 2,
  IFLA_INFO_XSTATS: 3,
  IFLA_INFO_SLAVE_KIND: 4,
  IFLA_INFO_SLAVE_DATA: 5,
} as const;
/** IFLA_INFO_MAX on 6.18. */
export const IFLA_INFO_MAX = 5;

/** VETH_INFO_PEER: the peer's ifinfomsg and attributes inside veth's IFLA_INFO_DATA. */
export const VETH_INFO_PEER = 1;

/** IFLA_VLAN holds the vlan IFLA_INFO_DATA attributes (linux/if_link.h). */
export const IFLA_VLAN = {
  IFLA_VLAN_ID: 1,
  IFLA_VLAN_FLAGS: 2,
  IFLA_VLAN_EGRESS_QOS: 3,
  IFLA_VLAN_INGRESS_QOS: 4,
  IFLA_VLAN_PROTOCOL: 5,
} as const;

export const { RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR, RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE } = RTM;
export const { RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE } = RTM;
export const { RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEIGH } = RTNLGRP;
export const { RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE } = RTNLGRP;

/** IFADDRMSG_LEN is sizeof(struct ifaddrmsg). */
export const IFADDRMSG_LEN = 8;
/** RTMSG_LEN is sizeof(struct rtmsg). */
export const RTMSG_LEN = 12;
/** NDMSG_LEN is sizeof(struct ndmsg). */
export const NDMSG_LEN = 12;
/** FIB_RULE_HDR_LEN is sizeof(struct fib_rule_hdr). */
export const FIB_RULE_HDR_LEN = 12;

/** IFA holds the address attributes (linux/if_addr.h). */
export const IFA = {
  IFA_UNSPEC: 0,
  IFA_ADDRESS: 1,
  IFA_LOCAL: 2,
  IFA_LABEL: 3,
  IFA_BROADCAST: 4,
  IFA_ANYCAST: 5,
  IFA_CACHEINFO: 6,
  IFA_MULTICAST: 7,
  IFA_FLAGS: 8,
  IFA_RT_PRIORITY: 9,
  IFA_TARGET_NETNSID: 10,
  IFA_PROTO: 11,
} as const;
/** IFA_MAX on 6.18. */
export const IFA_MAX = 11;

/** IFA_F holds the address flags (linux/if_addr.h). */
export const IFA_F = {
  IFA_F_SECONDARY: 0x01,
  IFA_F_NODAD: 0x02,
  IFA_F_OPTIMISTIC: 0x04,
  IFA_F_DADFAILED: 0x08,
  IFA_F_HOMEADDRESS: 0x10,
  IFA_F_DEPRECATED: 0x20,
  IFA_F_TENTATIVE: 0x40,
  IFA_F_PERMANENT: 0x80,
  IFA_F_MANAGETEMPADDR: 0x100,
  IFA_F_NOPREFIXROUTE: 0x200,
  IFA_F_MCAUTOJOIN: 0x400,
  IFA_F_STABLE_PRIVACY: 0x800,
} as const;

/** RT_SCOPE holds route and address scopes (enum rt_scope_t). */
export const RT_SCOPE = { RT_SCOPE_UNIVERSE: 0, RT_SCOPE_SITE: 200, RT_SCOPE_LINK: 253, RT_SCOPE_HOST: 254, RT_SCOPE_NOWHERE: 255 } as const;

/** RT_TABLE holds the reserved table ids (enum rt_class_t). */
export const RT_TABLE = { RT_TABLE_UNSPEC: 0, RT_TABLE_COMPAT: 252, RT_TABLE_DEFAULT: 253, RT_TABLE_MAIN: 254, RT_TABLE_LOCAL: 255 } as const;

/** RTN holds the route types. */
export const RTN = {
  RTN_UNSPEC: 0,
  RTN_UNICAST: 1,
  RTN_LOCAL: 2,
  RTN_BROADCAST: 3,
  RTN_ANYCAST: 4,
  RTN_MULTICAST: 5,
  RTN_BLACKHOLE: 6,
  RTN_UNREACHABLE: 7,
  RTN_PROHIBIT: 8,
  RTN_THROW: 9,
  RTN_NAT: 10,
  RTN_XRESOLVE: 11,
} as const;
/** RTN_MAX on 6.18. */
export const RTN_MAX = 11;

/** RTPROT holds the route origins nlsim produces or accepts. */
export const RTPROT = { RTPROT_UNSPEC: 0, RTPROT_REDIRECT: 1, RTPROT_KERNEL: 2, RTPROT_BOOT: 3, RTPROT_STATIC: 4, RTPROT_RA: 9 } as const;

/** RTA holds the route attributes (linux/rtnetlink.h). */
export const RTA = {
  RTA_UNSPEC: 0,
  RTA_DST: 1,
  RTA_SRC: 2,
  RTA_IIF: 3,
  RTA_OIF: 4,
  RTA_GATEWAY: 5,
  RTA_PRIORITY: 6,
  RTA_PREFSRC: 7,
  RTA_METRICS: 8,
  RTA_MULTIPATH: 9,
  RTA_PROTOINFO: 10,
  RTA_FLOW: 11,
  RTA_CACHEINFO: 12,
  RTA_SESSION: 13,
  RTA_MP_ALGO: 14,
  RTA_TABLE: 15,
  RTA_MARK: 16,
  RTA_MFC_STATS: 17,
  RTA_VIA: 18,
  RTA_NEWDST: 19,
  RTA_PREF: 20,
  RTA_ENCAP_TYPE: 21,
  RTA_ENCAP: 22,
  RTA_EXPIRES: 23,
  RTA_PAD: 24,
  RTA_UID: 25,
  RTA_TTL_PROPAGATE: 26,
  RTA_IP_PROTO: 27,
  RTA_SPORT: 28,
  RTA_DPORT: 29,
  RTA_NH_ID: 30,
  RTA_FLOWLABEL: 31,
} as const;
/** RTA_MAX on 6.18. */
export const RTA_MAX = 31;

/** RTM_F holds rtm_flags bits. */
export const RTM_F = {
  RTM_F_NOTIFY: 0x100,
  RTM_F_CLONED: 0x200,
  RTM_F_EQUALIZE: 0x400,
  RTM_F_PREFIX: 0x800,
  RTM_F_LOOKUP_TABLE: 0x1000,
  RTM_F_FIB_MATCH: 0x2000,
  RTM_F_OFFLOAD: 0x4000,
  RTM_F_TRAP: 0x8000,
  RTM_F_OFFLOAD_FAILED: 0x20000000,
} as const;

/** RTNH_F holds next-hop flags (rtm_flags low byte). */
export const RTNH_F = { RTNH_F_DEAD: 1, RTNH_F_PERVASIVE: 2, RTNH_F_ONLINK: 4, RTNH_F_OFFLOAD: 8, RTNH_F_LINKDOWN: 16, RTNH_F_UNRESOLVED: 32, RTNH_F_TRAP: 64 } as const;

/** RTAX holds the RTA_METRICS attributes. */
export const RTAX = {
  RTAX_LOCK: 1,
  RTAX_MTU: 2,
  RTAX_WINDOW: 3,
  RTAX_RTT: 4,
  RTAX_RTTVAR: 5,
  RTAX_SSTHRESH: 6,
  RTAX_CWND: 7,
  RTAX_ADVMSS: 8,
  RTAX_REORDERING: 9,
  RTAX_HOPLIMIT: 10,
  RTAX_INITCWND: 11,
  RTAX_FEATURES: 12,
  RTAX_RTO_MIN: 13,
  RTAX_INITRWND: 14,
  RTAX_QUICKACK: 15,
  RTAX_CC_ALGO: 16,
  RTAX_FASTOPEN_NO_COOKIE: 17,
} as const;
/** RTAX_MAX on 6.18. */
export const RTAX_MAX = 17;

/** NETCONFA holds the netconf attributes (linux/netconf.h, 6.18). */
export const NETCONFA = {
  NETCONFA_UNSPEC: 0,
  NETCONFA_IFINDEX: 1,
  NETCONFA_FORWARDING: 2,
  NETCONFA_RP_FILTER: 3,
  NETCONFA_MC_FORWARDING: 4,
  NETCONFA_PROXY_NEIGH: 5,
  NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN: 6,
  NETCONFA_INPUT: 7,
  NETCONFA_BC_FORWARDING: 8,
  NETCONFA_FORCE_FORWARDING: 9,
} as const;
/** NETCONFA_MAX on 6.18 (NETCONFA_FORCE_FORWARDING). */
export const NETCONFA_MAX = 9;
/** NETCONFA_ALL: "every attribute" as the type argument of the netconf fill functions. */
export const NETCONFA_ALL = -1;
/** NETCONFA_IFINDEX_ALL / NETCONFA_IFINDEX_DEFAULT: the ifindex of the "all" and "default" devconf. */
export const NETCONFA_IFINDEX_ALL = -1;
export const NETCONFA_IFINDEX_DEFAULT = -2;
/** NETCONFMSG_LEN is sizeof(struct netconfmsg). */
export const NETCONFMSG_LEN = 1;
