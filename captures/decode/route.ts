/**
 * NETLINK_ROUTE: every RTM_* type with its family header, and the attribute sets of links,
 * addresses, routes, neighbours, rules, traffic control, netconf, nsid, nexthops and stats
 * (numbers from include/uapi/linux/rtnetlink.h, if_link.h, if_addr.h, neighbour.h,
 * fib_rules.h, netconf.h, net_namespace.h, nexthop.h, pkt_sched.h).
 */
import { IF_OPER, IFF, IFLA, IFLA_INET6, RTM, rtmName, ARPHRD } from '../../protocols/route/core/uapi.js';
import type { Bytes } from './bytes.js';
import { type BodySchema, type FamilyHeader, invert, type MessageKind, type ProtocolDecoder } from './family.js';
import { type AttrSet, attrSet, bitsText, FAMILY_NAMES, indexed, type StructDef, type StructField } from './schema.js';

const IFA = { IFA_UNSPEC: 0, IFA_ADDRESS: 1, IFA_LOCAL: 2, IFA_LABEL: 3, IFA_BROADCAST: 4, IFA_ANYCAST: 5, IFA_CACHEINFO: 6, IFA_MULTICAST: 7, IFA_FLAGS: 8, IFA_RT_PRIORITY: 9, IFA_TARGET_NETNSID: 10, IFA_PROTO: 11 };
const IFA_F: Record<number, string> = { 0x01: 'IFA_F_SECONDARY', 0x02: 'IFA_F_NODAD', 0x04: 'IFA_F_OPTIMISTIC', 0x08: 'IFA_F_DADFAILED', 0x10: 'IFA_F_HOMEADDRESS', 0x20: 'IFA_F_DEPRECATED', 0x40: 'IFA_F_TENTATIVE', 0x80: 'IFA_F_PERMANENT', 0x100: 'IFA_F_MANAGETEMPADDR', 0x200: 'IFA_F_NOPREFIXROUTE', 0x400: 'IFA_F_MCAUTOJOIN', 0x800: 'IFA_F_STABLE_PRIVACY' };
const RTA = { RTA_UNSPEC: 0, RTA_DST: 1, RTA_SRC: 2, RTA_IIF: 3, RTA_OIF: 4, RTA_GATEWAY: 5, RTA_PRIORITY: 6, RTA_PREFSRC: 7, RTA_METRICS: 8, RTA_MULTIPATH: 9, RTA_PROTOINFO: 10, RTA_FLOW: 11, RTA_CACHEINFO: 12, RTA_SESSION: 13, RTA_MP_ALGO: 14, RTA_TABLE: 15, RTA_MARK: 16, RTA_MFC_STATS: 17, RTA_VIA: 18, RTA_NEWDST: 19, RTA_PREF: 20, RTA_ENCAP_TYPE: 21, RTA_ENCAP: 22, RTA_EXPIRES: 23, RTA_PAD: 24, RTA_UID: 25, RTA_TTL_PROPAGATE: 26, RTA_IP_PROTO: 27, RTA_SPORT: 28, RTA_DPORT: 29, RTA_NH_ID: 30, RTA_FLOWLABEL: 31 };
const RTAX = { RTAX_UNSPEC: 0, RTAX_LOCK: 1, RTAX_MTU: 2, RTAX_WINDOW: 3, RTAX_RTT: 4, RTAX_RTTVAR: 5, RTAX_SSTHRESH: 6, RTAX_CWND: 7, RTAX_ADVMSS: 8, RTAX_REORDERING: 9, RTAX_HOPLIMIT: 10, RTAX_INITCWND: 11, RTAX_FEATURES: 12, RTAX_RTO_MIN: 13, RTAX_INITRWND: 14, RTAX_QUICKACK: 15, RTAX_CC_ALGO: 16, RTAX_FASTOPEN_NO_COOKIE: 17 };
const NDA = { NDA_UNSPEC: 0, NDA_DST: 1, NDA_LLADDR: 2, NDA_CACHEINFO: 3, NDA_PROBES: 4, NDA_VLAN: 5, NDA_PORT: 6, NDA_VNI: 7, NDA_IFINDEX: 8, NDA_MASTER: 9, NDA_LINK_NETNSID: 10, NDA_SRC_VNI: 11, NDA_PROTOCOL: 12, NDA_NH_ID: 13, NDA_FDB_EXT_ATTRS: 14, NDA_FLAGS_EXT: 15, NDA_NDM_STATE_MASK: 16, NDA_NDM_FLAGS_MASK: 17 };
const NUD: Record<number, string> = { 0x01: 'NUD_INCOMPLETE', 0x02: 'NUD_REACHABLE', 0x04: 'NUD_STALE', 0x08: 'NUD_DELAY', 0x10: 'NUD_PROBE', 0x20: 'NUD_FAILED', 0x40: 'NUD_NOARP', 0x80: 'NUD_PERMANENT' };
const FRA = { FRA_UNSPEC: 0, FRA_DST: 1, FRA_SRC: 2, FRA_IIFNAME: 3, FRA_GOTO: 4, FRA_UNUSED2: 5, FRA_PRIORITY: 6, FRA_UNUSED3: 7, FRA_UNUSED4: 8, FRA_UNUSED5: 9, FRA_FWMARK: 10, FRA_FLOW: 11, FRA_TUN_ID: 12, FRA_SUPPRESS_IFGROUP: 13, FRA_SUPPRESS_PREFIXLEN: 14, FRA_TABLE: 15, FRA_FWMASK: 16, FRA_OIFNAME: 17, FRA_PAD: 18, FRA_L3MDEV: 19, FRA_UID_RANGE: 20, FRA_PROTOCOL: 21, FRA_IP_PROTO: 22, FRA_SPORT_RANGE: 23, FRA_DPORT_RANGE: 24, FRA_DSCP: 25, FRA_FLOWLABEL: 26, FRA_FLOWLABEL_MASK: 27 };
const TCA = { TCA_UNSPEC: 0, TCA_KIND: 1, TCA_OPTIONS: 2, TCA_STATS: 3, TCA_XSTATS: 4, TCA_RATE: 5, TCA_FCNT: 6, TCA_STATS2: 7, TCA_STAB: 8, TCA_PAD: 9, TCA_DUMP_INVISIBLE: 10, TCA_CHAIN: 11, TCA_HW_OFFLOAD: 12, TCA_INGRESS_BLOCK: 13, TCA_EGRESS_BLOCK: 14, TCA_DUMP_FLAGS: 15, TCA_EXT_WARN_MSG: 16 };
const TCA_ROOT = { TCA_ROOT_UNSPEC: 0, TCA_ROOT_TAB: 1, TCA_ROOT_FLAGS: 2, TCA_ROOT_COUNT: 3, TCA_ROOT_TIME_DELTA: 4, TCA_ROOT_EXT_WARN_MSG: 5 };
const NETCONFA = { NETCONFA_UNSPEC: 0, NETCONFA_IFINDEX: 1, NETCONFA_FORWARDING: 2, NETCONFA_RP_FILTER: 3, NETCONFA_MC_FORWARDING: 4, NETCONFA_PROXY_NEIGH: 5, NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN: 6, NETCONFA_INPUT: 7, NETCONFA_BC_FORWARDING: 8 };
const NETNSA = { NETNSA_NONE: 0, NETNSA_NSID: 1, NETNSA_PID: 2, NETNSA_FD: 3, NETNSA_TARGET_NSID: 4, NETNSA_CURRENT_NSID: 5 };
const NHA = { NHA_UNSPEC: 0, NHA_ID: 1, NHA_GROUP: 2, NHA_GROUP_TYPE: 3, NHA_BLACKHOLE: 4, NHA_OIF: 5, NHA_GATEWAY: 6, NHA_ENCAP_TYPE: 7, NHA_ENCAP: 8, NHA_GROUPS: 9, NHA_MASTER: 10, NHA_FDB: 11, NHA_RES_GROUP: 12, NHA_RES_BUCKET: 13, NHA_OP_FLAGS: 14, NHA_GROUP_STATS: 15, NHA_HW_STATS_ENABLE: 16, NHA_HW_STATS_USED: 17 };
const IFLA_STATS_ = { IFLA_STATS_UNSPEC: 0, IFLA_STATS_LINK_64: 1, IFLA_STATS_LINK_XSTATS: 2, IFLA_STATS_LINK_XSTATS_SLAVE: 3, IFLA_STATS_LINK_OFFLOAD_XSTATS: 4, IFLA_STATS_AF_SPEC: 5 };
const IFAL = { IFAL_UNSPEC: 0, IFAL_ADDRESS: 1, IFAL_LABEL: 2 };
const PREFIX = { PREFIX_UNSPEC: 0, PREFIX_ADDRESS: 1, PREFIX_CACHEINFO: 2 };
const IFLA_INFO = { IFLA_INFO_UNSPEC: 0, IFLA_INFO_KIND: 1, IFLA_INFO_DATA: 2, IFLA_INFO_XSTATS: 3, IFLA_INFO_SLAVE_KIND: 4, IFLA_INFO_SLAVE_DATA: 5 };
const IFLA_XDP_ = { IFLA_XDP_UNSPEC: 0, IFLA_XDP_FD: 1, IFLA_XDP_ATTACHED: 2, IFLA_XDP_FLAGS: 3, IFLA_XDP_PROG_ID: 4, IFLA_XDP_DRV_PROG_ID: 5, IFLA_XDP_SKB_PROG_ID: 6, IFLA_XDP_HW_PROG_ID: 7, IFLA_XDP_EXPECTED_FD: 8 };
const IFLA_MCTP = { IFLA_MCTP_UNSPEC: 0, IFLA_MCTP_NET: 1, IFLA_MCTP_PHYS_BINDING: 2 };

const STAT_NAMES = ['rx_packets', 'tx_packets', 'rx_bytes', 'tx_bytes', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped', 'multicast', 'collisions', 'rx_length_errors', 'rx_over_errors', 'rx_crc_errors', 'rx_frame_errors', 'rx_fifo_errors', 'rx_missed_errors', 'tx_aborted_errors', 'tx_carrier_errors', 'tx_fifo_errors', 'tx_heartbeat_errors', 'tx_window_errors', 'rx_compressed', 'tx_compressed', 'rx_nohandler'];
/** struct rtnl_link_stats (u32 counters). */
const LINK_STATS: StructDef = { name: 'rtnl_link_stats', fields: STAT_NAMES.map((n): StructField => [n, 'u32', 'counter']) };
/** struct rtnl_link_stats64 (u64 counters, rx_otherhost_dropped since 6.0). */
const LINK_STATS64: StructDef = { name: 'rtnl_link_stats64', fields: [...STAT_NAMES, 'rx_otherhost_dropped'].map((n): StructField => [n, 'u64', 'counter']) };
const LINK_IFMAP: StructDef = {
  name: 'rtnl_link_ifmap',
  fields: [['mem_start', 'u64'], ['mem_end', 'u64'], ['base_addr', 'u64'], ['irq', 'u16'], ['dma', 'u8'], ['port', 'u8'], ['', 'pad2'], ['', 'pad2']],
};
const IFA_CACHEINFO: StructDef = { name: 'ifa_cacheinfo', fields: [['ifa_prefered', 'u32'], ['ifa_valid', 'u32'], ['cstamp', 'u32', 'timestamp'], ['tstamp', 'u32', 'timestamp']] };
const RTA_CACHEINFO: StructDef = {
  name: 'rta_cacheinfo',
  fields: [['rta_clntref', 'u32'], ['rta_lastuse', 'u32', 'timestamp'], ['rta_expires', 's32', 'timestamp'], ['rta_error', 'u32'], ['rta_used', 'u32', 'counter'], ['rta_id', 'u32'], ['rta_ts', 'u32', 'timestamp'], ['rta_tsage', 'u32', 'timestamp']],
};
const NDA_CACHEINFO: StructDef = { name: 'nda_cacheinfo', fields: [['ndm_confirmed', 'u32', 'timestamp'], ['ndm_used', 'u32', 'timestamp'], ['ndm_updated', 'u32', 'timestamp'], ['ndm_refcnt', 'u32', 'counter']] };
const INET6_CACHEINFO: StructDef = { name: 'ifla_cacheinfo', fields: [['max_reasm_len', 'u32'], ['tstamp', 'u32', 'timestamp'], ['reachable_time', 'u32', 'random'], ['retrans_time', 'u32']] };
const PREFIX_CACHEINFO: StructDef = { name: 'prefix_cacheinfo', fields: [['preferred_time', 'u32'], ['valid_time', 'u32']] };

const IFLA_BR = {
  IFLA_BR_UNSPEC: 0, IFLA_BR_FORWARD_DELAY: 1, IFLA_BR_HELLO_TIME: 2, IFLA_BR_MAX_AGE: 3, IFLA_BR_AGEING_TIME: 4, IFLA_BR_STP_STATE: 5, IFLA_BR_PRIORITY: 6, IFLA_BR_VLAN_FILTERING: 7,
  IFLA_BR_VLAN_PROTOCOL: 8, IFLA_BR_GROUP_FWD_MASK: 9, IFLA_BR_ROOT_ID: 10, IFLA_BR_BRIDGE_ID: 11, IFLA_BR_ROOT_PORT: 12, IFLA_BR_ROOT_PATH_COST: 13, IFLA_BR_TOPOLOGY_CHANGE: 14,
  IFLA_BR_TOPOLOGY_CHANGE_DETECTED: 15, IFLA_BR_HELLO_TIMER: 16, IFLA_BR_TCN_TIMER: 17, IFLA_BR_TOPOLOGY_CHANGE_TIMER: 18, IFLA_BR_GC_TIMER: 19, IFLA_BR_GROUP_ADDR: 20, IFLA_BR_FDB_FLUSH: 21,
  IFLA_BR_MCAST_ROUTER: 22, IFLA_BR_MCAST_SNOOPING: 23, IFLA_BR_MCAST_QUERY_USE_IFADDR: 24, IFLA_BR_MCAST_QUERIER: 25, IFLA_BR_MCAST_HASH_ELASTICITY: 26, IFLA_BR_MCAST_HASH_MAX: 27,
  IFLA_BR_MCAST_LAST_MEMBER_CNT: 28, IFLA_BR_MCAST_STARTUP_QUERY_CNT: 29, IFLA_BR_MCAST_LAST_MEMBER_INTVL: 30, IFLA_BR_MCAST_MEMBERSHIP_INTVL: 31, IFLA_BR_MCAST_QUERIER_INTVL: 32,
  IFLA_BR_MCAST_QUERY_INTVL: 33, IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: 34, IFLA_BR_MCAST_STARTUP_QUERY_INTVL: 35, IFLA_BR_NF_CALL_IPTABLES: 36, IFLA_BR_NF_CALL_IP6TABLES: 37,
  IFLA_BR_NF_CALL_ARPTABLES: 38, IFLA_BR_VLAN_DEFAULT_PVID: 39, IFLA_BR_PAD: 40, IFLA_BR_VLAN_STATS_ENABLED: 41, IFLA_BR_MCAST_STATS_ENABLED: 42, IFLA_BR_MCAST_IGMP_VERSION: 43,
  IFLA_BR_MCAST_MLD_VERSION: 44, IFLA_BR_VLAN_STATS_PER_PORT: 45, IFLA_BR_MULTI_BOOLOPT: 46, IFLA_BR_MCAST_QUERIER_STATE: 47, IFLA_BR_FDB_N_LEARNED: 48, IFLA_BR_FDB_MAX_LEARNED: 49,
};
/** struct ifla_bridge_id: the priority is two bytes, most significant first. */
const BRIDGE_ID: StructDef = { name: 'ifla_bridge_id', fields: [['prio', 'be16'], ['addr', 'mac6', 'mac']] };
const BR_KINDS: Record<string, 'u8' | 'u16' | 'u32' | 'u64'> = {
  IFLA_BR_FORWARD_DELAY: 'u32', IFLA_BR_HELLO_TIME: 'u32', IFLA_BR_MAX_AGE: 'u32', IFLA_BR_AGEING_TIME: 'u32', IFLA_BR_STP_STATE: 'u32', IFLA_BR_PRIORITY: 'u16', IFLA_BR_VLAN_FILTERING: 'u8',
  IFLA_BR_GROUP_FWD_MASK: 'u16', IFLA_BR_ROOT_PORT: 'u16', IFLA_BR_ROOT_PATH_COST: 'u32', IFLA_BR_TOPOLOGY_CHANGE: 'u8', IFLA_BR_TOPOLOGY_CHANGE_DETECTED: 'u8', IFLA_BR_MCAST_ROUTER: 'u8',
  IFLA_BR_MCAST_SNOOPING: 'u8', IFLA_BR_MCAST_QUERY_USE_IFADDR: 'u8', IFLA_BR_MCAST_QUERIER: 'u8', IFLA_BR_MCAST_HASH_ELASTICITY: 'u32', IFLA_BR_MCAST_HASH_MAX: 'u32',
  IFLA_BR_MCAST_LAST_MEMBER_CNT: 'u32', IFLA_BR_MCAST_STARTUP_QUERY_CNT: 'u32', IFLA_BR_MCAST_LAST_MEMBER_INTVL: 'u64', IFLA_BR_MCAST_MEMBERSHIP_INTVL: 'u64', IFLA_BR_MCAST_QUERIER_INTVL: 'u64',
  IFLA_BR_MCAST_QUERY_INTVL: 'u64', IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: 'u64', IFLA_BR_MCAST_STARTUP_QUERY_INTVL: 'u64', IFLA_BR_NF_CALL_IPTABLES: 'u8', IFLA_BR_NF_CALL_IP6TABLES: 'u8',
  IFLA_BR_NF_CALL_ARPTABLES: 'u8', IFLA_BR_VLAN_DEFAULT_PVID: 'u16', IFLA_BR_VLAN_STATS_ENABLED: 'u8', IFLA_BR_MCAST_STATS_ENABLED: 'u8', IFLA_BR_MCAST_IGMP_VERSION: 'u8',
  IFLA_BR_MCAST_MLD_VERSION: 'u8', IFLA_BR_VLAN_STATS_PER_PORT: 'u8', IFLA_BR_FDB_N_LEARNED: 'u32', IFLA_BR_FDB_MAX_LEARNED: 'u32',
};
/** IFLA_BR_ATTRS is IFLA_INFO_DATA of a bridge (linux/if_link.h). */
const IFLA_BR_ATTRS: AttrSet = attrSet('ifla_br', IFLA_BR, {
  ...BR_KINDS,
  IFLA_BR_VLAN_PROTOCOL: 'be16',
  IFLA_BR_ROOT_ID: { kind: { struct: BRIDGE_ID } },
  IFLA_BR_BRIDGE_ID: { kind: { struct: BRIDGE_ID } },
  IFLA_BR_HELLO_TIMER: { kind: 'u64', volatile: 'timestamp' },
  IFLA_BR_TCN_TIMER: { kind: 'u64', volatile: 'timestamp' },
  IFLA_BR_TOPOLOGY_CHANGE_TIMER: { kind: 'u64', volatile: 'timestamp' },
  IFLA_BR_GC_TIMER: { kind: 'u64', volatile: 'timestamp' },
  IFLA_BR_GROUP_ADDR: 'mac',
  IFLA_BR_FDB_FLUSH: 'flag',
  IFLA_BR_MULTI_BOOLOPT: { kind: { struct: { name: 'br_boolopt_multi', fields: [['optval', 'u32'], ['optmask', 'u32']] } } },
});
const IFLA_GRE = {
  IFLA_GRE_UNSPEC: 0, IFLA_GRE_LINK: 1, IFLA_GRE_IFLAGS: 2, IFLA_GRE_OFLAGS: 3, IFLA_GRE_IKEY: 4, IFLA_GRE_OKEY: 5, IFLA_GRE_LOCAL: 6, IFLA_GRE_REMOTE: 7, IFLA_GRE_TTL: 8, IFLA_GRE_TOS: 9,
  IFLA_GRE_PMTUDISC: 10, IFLA_GRE_ENCAP_LIMIT: 11, IFLA_GRE_FLOWINFO: 12, IFLA_GRE_FLAGS: 13, IFLA_GRE_ENCAP_TYPE: 14, IFLA_GRE_ENCAP_FLAGS: 15, IFLA_GRE_ENCAP_SPORT: 16,
  IFLA_GRE_ENCAP_DPORT: 17, IFLA_GRE_COLLECT_METADATA: 18, IFLA_GRE_IGNORE_DF: 19, IFLA_GRE_FWMARK: 20, IFLA_GRE_ERSPAN_INDEX: 21, IFLA_GRE_ERSPAN_VER: 22, IFLA_GRE_ERSPAN_DIR: 23, IFLA_GRE_ERSPAN_HWID: 24,
};
/** IFLA_GRE_ATTRS is IFLA_INFO_DATA of GRE devices (gre, gretap, ip6gre…, erspan). */
const IFLA_GRE_ATTRS: AttrSet = attrSet('ifla_gre', IFLA_GRE, {
  IFLA_GRE_LINK: 'u32', IFLA_GRE_IFLAGS: 'be16', IFLA_GRE_OFLAGS: 'be16', IFLA_GRE_IKEY: 'be32', IFLA_GRE_OKEY: 'be32', IFLA_GRE_LOCAL: 'address', IFLA_GRE_REMOTE: 'address',
  IFLA_GRE_TTL: 'u8', IFLA_GRE_TOS: 'u8', IFLA_GRE_PMTUDISC: 'u8', IFLA_GRE_ENCAP_LIMIT: 'u8', IFLA_GRE_FLOWINFO: 'be32', IFLA_GRE_FLAGS: 'u32', IFLA_GRE_ENCAP_TYPE: 'u16',
  IFLA_GRE_ENCAP_FLAGS: 'u16', IFLA_GRE_ENCAP_SPORT: 'be16', IFLA_GRE_ENCAP_DPORT: 'be16', IFLA_GRE_COLLECT_METADATA: 'flag', IFLA_GRE_IGNORE_DF: 'u8', IFLA_GRE_FWMARK: 'u32',
  IFLA_GRE_ERSPAN_INDEX: 'u32', IFLA_GRE_ERSPAN_VER: 'u8', IFLA_GRE_ERSPAN_DIR: 'u8', IFLA_GRE_ERSPAN_HWID: 'u16',
});

const OPER_NAMES = invert(IF_OPER);
const IFF_NAMES = invert(IFF);

/** IFLA_INET6_ATTRS is the AF_INET6 member of IFLA_AF_SPEC. */
const IFLA_INET6_ATTRS = attrSet('ifla_inet6', IFLA_INET6, {
  IFLA_INET6_FLAGS: { kind: 'u32', bitNames: { 0x80000000: 'IF_READY', 0x40000000: 'IF_RS_SENT', 0x20000000: 'IF_RA_RCVD', 0x10000000: 'IF_RA_OTHERCONF', 0x08000000: 'IF_RA_MANAGED' } },
  IFLA_INET6_CONF: 's32-array',
  IFLA_INET6_STATS: { kind: 'u64-array', volatile: 'counter' },
  IFLA_INET6_CACHEINFO: { kind: { struct: INET6_CACHEINFO } },
  IFLA_INET6_ICMP6STATS: { kind: 'u64-array', volatile: 'counter' },
  IFLA_INET6_TOKEN: 'ipv6',
  IFLA_INET6_ADDR_GEN_MODE: 'u8',
  IFLA_INET6_RA_MTU: 'u32',
});

/** IFLA_ATTRS is the top-level link attribute set. */
export const IFLA_ATTRS: AttrSet = attrSet('ifla', IFLA, {
  IFLA_ADDRESS: { kind: 'mac', volatile: 'mac' },
  IFLA_BROADCAST: { kind: 'mac', volatile: 'mac' },
  IFLA_PERM_ADDRESS: { kind: 'mac', volatile: 'mac' },
  IFLA_IFNAME: 'string',
  IFLA_MTU: 'u32',
  IFLA_LINK: 'u32',
  IFLA_QDISC: 'string',
  IFLA_STATS: { kind: { struct: LINK_STATS } },
  IFLA_COST: 'u32',
  IFLA_PRIORITY: 'u32',
  IFLA_MASTER: 'u32',
  IFLA_TXQLEN: 'u32',
  IFLA_MAP: { kind: { struct: LINK_IFMAP } },
  IFLA_WEIGHT: 'u32',
  IFLA_OPERSTATE: { kind: 'u8', enumNames: OPER_NAMES },
  IFLA_LINKMODE: { kind: 'u8', enumNames: { 0: 'IF_LINK_MODE_DEFAULT', 1: 'IF_LINK_MODE_DORMANT', 2: 'IF_LINK_MODE_TESTING' } },
  IFLA_LINKINFO: {
    kind: {
      nestByKind: {
        base: attrSet('ifla_info', IFLA_INFO, { IFLA_INFO_KIND: 'string', IFLA_INFO_SLAVE_KIND: 'string' }),
        kindType: IFLA_INFO.IFLA_INFO_KIND,
        dataType: IFLA_INFO.IFLA_INFO_DATA,
        sets: { bridge: () => IFLA_BR_ATTRS, gre: () => IFLA_GRE_ATTRS, gretap: () => IFLA_GRE_ATTRS, ip6gre: () => IFLA_GRE_ATTRS, ip6gretap: () => IFLA_GRE_ATTRS, erspan: () => IFLA_GRE_ATTRS },
      },
    },
  },
  IFLA_NET_NS_PID: 'u32',
  IFLA_IFALIAS: 'string',
  IFLA_NUM_VF: 'u32',
  IFLA_STATS64: { kind: { struct: LINK_STATS64 } },
  IFLA_AF_SPEC: {
    kind: {
      byFamily: {
        2: attrSet('ifla_inet', { IFLA_INET_UNSPEC: 0, IFLA_INET_CONF: 1 }, { IFLA_INET_CONF: 'u32-array' }),
        10: IFLA_INET6_ATTRS,
        45: attrSet('ifla_mctp', IFLA_MCTP, { IFLA_MCTP_NET: 'u32', IFLA_MCTP_PHYS_BINDING: 'u8' }),
      },
    },
  },
  IFLA_GROUP: 'u32',
  IFLA_NET_NS_FD: 'u32',
  IFLA_EXT_MASK: 'u32',
  IFLA_PROMISCUITY: 'u32',
  IFLA_NUM_TX_QUEUES: 'u32',
  IFLA_NUM_RX_QUEUES: 'u32',
  IFLA_CARRIER: 'u8',
  IFLA_CARRIER_CHANGES: { kind: 'u32', volatile: 'counter' },
  IFLA_LINK_NETNSID: 's32',
  IFLA_PHYS_PORT_NAME: 'string',
  IFLA_PROTO_DOWN: 'u8',
  IFLA_GSO_MAX_SEGS: 'u32',
  IFLA_GSO_MAX_SIZE: 'u32',
  IFLA_XDP: { kind: { nest: attrSet('ifla_xdp', IFLA_XDP_, { IFLA_XDP_FD: 's32', IFLA_XDP_ATTACHED: 'u8', IFLA_XDP_FLAGS: 'u32', IFLA_XDP_PROG_ID: 'u32', IFLA_XDP_DRV_PROG_ID: 'u32', IFLA_XDP_SKB_PROG_ID: 'u32', IFLA_XDP_HW_PROG_ID: 'u32', IFLA_XDP_EXPECTED_FD: 's32' }) } },
  IFLA_EVENT: 'u32',
  IFLA_NEW_NETNSID: 's32',
  IFLA_TARGET_NETNSID: 's32',
  IFLA_CARRIER_UP_COUNT: { kind: 'u32', volatile: 'counter' },
  IFLA_CARRIER_DOWN_COUNT: { kind: 'u32', volatile: 'counter' },
  IFLA_NEW_IFINDEX: 's32',
  IFLA_MIN_MTU: 'u32',
  IFLA_MAX_MTU: 'u32',
  IFLA_PROP_LIST: { kind: { nest: attrSet('ifla_prop', { IFLA_ALT_IFNAME: 53 }, { IFLA_ALT_IFNAME: 'string' }) } },
  IFLA_ALT_IFNAME: 'string',
  IFLA_PARENT_DEV_NAME: 'string',
  IFLA_PARENT_DEV_BUS_NAME: 'string',
  IFLA_GRO_MAX_SIZE: 'u32',
  IFLA_TSO_MAX_SIZE: 'u32',
  IFLA_TSO_MAX_SEGS: 'u32',
  IFLA_ALLMULTI: 'u32',
  IFLA_GSO_IPV4_MAX_SIZE: 'u32',
  IFLA_GRO_IPV4_MAX_SIZE: 'u32',
  IFLA_MAX_PACING_OFFLOAD_HORIZON: 'uint',
  IFLA_NETNS_IMMUTABLE: 'u8',
  IFLA_HEADROOM: 'u16',
  IFLA_TAILROOM: 'u16',
});

const IFA_ATTRS = attrSet('ifa', IFA, {
  IFA_ADDRESS: 'address',
  IFA_LOCAL: 'address',
  IFA_LABEL: 'string',
  IFA_BROADCAST: 'address',
  IFA_ANYCAST: 'address',
  IFA_CACHEINFO: { kind: { struct: IFA_CACHEINFO } },
  IFA_MULTICAST: 'address',
  IFA_FLAGS: { kind: 'u32', bitNames: IFA_F },
  IFA_RT_PRIORITY: 'u32',
  IFA_TARGET_NETNSID: 's32',
  IFA_PROTO: 'u8',
});

const RTA_ATTRS = attrSet('rta', RTA, {
  RTA_DST: 'address',
  RTA_SRC: 'address',
  RTA_IIF: 'u32',
  RTA_OIF: 'u32',
  RTA_GATEWAY: 'address',
  RTA_PRIORITY: 'u32',
  RTA_PREFSRC: 'address',
  RTA_METRICS: { kind: { nest: attrSet('rtax', RTAX, Object.fromEntries(Object.keys(RTAX).map((k) => [k, k === 'RTAX_CC_ALGO' ? 'string' : 'u32']))) } },
  RTA_FLOW: 'u32',
  RTA_CACHEINFO: { kind: { struct: RTA_CACHEINFO } },
  RTA_TABLE: 'u32',
  RTA_MARK: 'u32',
  RTA_PREF: 'u8',
  RTA_ENCAP_TYPE: 'u16',
  RTA_EXPIRES: { kind: 'u64', volatile: 'timestamp' },
  RTA_UID: 'u32',
  RTA_TTL_PROPAGATE: 'u8',
  RTA_IP_PROTO: 'u8',
  RTA_SPORT: 'be16',
  RTA_DPORT: 'be16',
  RTA_NH_ID: 'u32',
  RTA_FLOWLABEL: 'be32',
});

const NDA_ATTRS = attrSet('nda', NDA, {
  NDA_DST: 'address',
  NDA_LLADDR: { kind: 'mac', volatile: 'mac' },
  NDA_CACHEINFO: { kind: { struct: NDA_CACHEINFO } },
  NDA_PROBES: { kind: 'u32', volatile: 'counter' },
  NDA_VLAN: 'u16',
  NDA_PORT: 'be16',
  NDA_VNI: 'u32',
  NDA_IFINDEX: 'u32',
  NDA_MASTER: 'u32',
  NDA_LINK_NETNSID: 's32',
  NDA_SRC_VNI: 'u32',
  NDA_PROTOCOL: 'u8',
  NDA_NH_ID: 'u32',
  NDA_FLAGS_EXT: 'u32',
  NDA_NDM_STATE_MASK: 'u16',
  NDA_NDM_FLAGS_MASK: 'u8',
});

const FRA_ATTRS = attrSet('fra', FRA, {
  FRA_DST: 'address',
  FRA_SRC: 'address',
  FRA_IIFNAME: 'string',
  FRA_GOTO: 'u32',
  FRA_PRIORITY: 'u32',
  FRA_FWMARK: 'u32',
  FRA_FLOW: 'u32',
  FRA_TUN_ID: 'be64',
  FRA_SUPPRESS_IFGROUP: 'u32',
  FRA_SUPPRESS_PREFIXLEN: 'u32',
  FRA_TABLE: 'u32',
  FRA_FWMASK: 'u32',
  FRA_OIFNAME: 'string',
  FRA_L3MDEV: 'u8',
  FRA_PROTOCOL: 'u8',
  FRA_IP_PROTO: 'u8',
  FRA_DSCP: 'u8',
});

const TCA_ATTRS = attrSet('tca', TCA, { TCA_KIND: 'string', TCA_CHAIN: 'u32', TCA_HW_OFFLOAD: 'u8', TCA_INGRESS_BLOCK: 'u32', TCA_EGRESS_BLOCK: 'u32', TCA_EXT_WARN_MSG: 'string', TCA_STATS: { kind: 'binary', volatile: 'counter' }, TCA_STATS2: { kind: 'binary', volatile: 'counter' } });
const TCA_ROOT_ATTRS = attrSet('tca_root', TCA_ROOT, { TCA_ROOT_TAB: { kind: { nest: indexed('tca_act', 'binary') } }, TCA_ROOT_COUNT: 'u32', TCA_ROOT_TIME_DELTA: 'u32', TCA_ROOT_EXT_WARN_MSG: 'string' });
const NETCONFA_ATTRS = attrSet('netconfa', NETCONFA, Object.fromEntries(Object.keys(NETCONFA).map((k) => [k, 's32'])));
const NETNSA_ATTRS = attrSet('netnsa', NETNSA, { NETNSA_NSID: 's32', NETNSA_PID: 'u32', NETNSA_FD: 'u32', NETNSA_TARGET_NSID: 's32', NETNSA_CURRENT_NSID: 's32' });
const NHA_ATTRS = attrSet('nha', NHA, { NHA_ID: 'u32', NHA_GROUP_TYPE: 'u16', NHA_BLACKHOLE: 'flag', NHA_OIF: 'u32', NHA_GATEWAY: 'address', NHA_ENCAP_TYPE: 'u16', NHA_GROUPS: 'flag', NHA_MASTER: 'u32', NHA_FDB: 'flag', NHA_OP_FLAGS: 'u32' });
const STATS_ATTRS = attrSet('ifla_stats', IFLA_STATS_, { IFLA_STATS_LINK_64: { kind: { struct: LINK_STATS64 } } });
const IFAL_ATTRS = attrSet('ifal', IFAL, { IFAL_ADDRESS: 'address', IFAL_LABEL: 'u32' });
const PREFIX_ATTRS = attrSet('prefix', PREFIX, { PREFIX_ADDRESS: 'address', PREFIX_CACHEINFO: { kind: { struct: PREFIX_CACHEINFO } } });

const familyText = (v: number): string | undefined => FAMILY_NAMES[v];
const ARPHRD_NAMES = invert(ARPHRD);
const RT_SCOPE: Record<number, string> = { 0: 'RT_SCOPE_UNIVERSE', 200: 'RT_SCOPE_SITE', 253: 'RT_SCOPE_LINK', 254: 'RT_SCOPE_HOST', 255: 'RT_SCOPE_NOWHERE' };
const RT_TABLE: Record<number, string> = { 0: 'RT_TABLE_UNSPEC', 252: 'RT_TABLE_COMPAT', 253: 'RT_TABLE_DEFAULT', 254: 'RT_TABLE_MAIN', 255: 'RT_TABLE_LOCAL' };
const RTN: Record<number, string> = { 0: 'RTN_UNSPEC', 1: 'RTN_UNICAST', 2: 'RTN_LOCAL', 3: 'RTN_BROADCAST', 4: 'RTN_ANYCAST', 5: 'RTN_MULTICAST', 6: 'RTN_BLACKHOLE', 7: 'RTN_UNREACHABLE', 8: 'RTN_PROHIBIT', 9: 'RTN_THROW', 10: 'RTN_NAT', 11: 'RTN_XRESOLVE' };
const RTPROT: Record<number, string> = { 0: 'RTPROT_UNSPEC', 1: 'RTPROT_REDIRECT', 2: 'RTPROT_KERNEL', 3: 'RTPROT_BOOT', 4: 'RTPROT_STATIC', 16: 'RTPROT_DHCP' };

/** hdr builds a family header from a struct name and fields. */
function hdr(name: string, fields: StructField[], texts?: FamilyHeader['texts']): FamilyHeader {
  return texts ? { struct: { name, fields }, texts } : { struct: { name, fields } };
}

const RTGENMSG = hdr('rtgenmsg', [['rtgen_family', 'u8']], { rtgen_family: familyText });
const RTGENMSG4 = hdr('rtgenmsg', [['rtgen_family', 'u8'], ['', 'pad1'], ['', 'pad2']], { rtgen_family: familyText });
const IFINFOMSG = hdr(
  'ifinfomsg',
  [['ifi_family', 'u8'], ['', 'pad1'], ['ifi_type', 'u16'], ['ifi_index', 's32'], ['ifi_flags', 'u32'], ['ifi_change', 'u32']],
  { ifi_family: familyText, ifi_type: (v) => ARPHRD_NAMES[v], ifi_flags: (v) => bitsText(IFF_NAMES, v), ifi_change: (v) => bitsText(IFF_NAMES, v) },
);
const IFADDRMSG = hdr(
  'ifaddrmsg',
  [['ifa_family', 'u8'], ['ifa_prefixlen', 'u8'], ['ifa_flags', 'u8'], ['ifa_scope', 'u8'], ['ifa_index', 'u32']],
  { ifa_family: familyText, ifa_flags: (v) => bitsText(IFA_F, v), ifa_scope: (v) => RT_SCOPE[v] },
);
const RTMSG = hdr(
  'rtmsg',
  [['rtm_family', 'u8'], ['rtm_dst_len', 'u8'], ['rtm_src_len', 'u8'], ['rtm_tos', 'u8'], ['rtm_table', 'u8'], ['rtm_protocol', 'u8'], ['rtm_scope', 'u8'], ['rtm_type', 'u8'], ['rtm_flags', 'u32']],
  { rtm_family: familyText, rtm_table: (v) => RT_TABLE[v], rtm_protocol: (v) => RTPROT[v], rtm_scope: (v) => RT_SCOPE[v], rtm_type: (v) => RTN[v] },
);
const NDMSG = hdr(
  'ndmsg',
  [['ndm_family', 'u8'], ['', 'pad1'], ['', 'pad2'], ['ndm_ifindex', 's32'], ['ndm_state', 'u16'], ['ndm_flags', 'u8'], ['ndm_type', 'u8']],
  { ndm_family: familyText, ndm_state: (v) => bitsText(NUD, v), ndm_type: (v) => RTN[v] },
);
const FIB_RULE_HDR = hdr(
  'fib_rule_hdr',
  [['family', 'u8'], ['dst_len', 'u8'], ['src_len', 'u8'], ['tos', 'u8'], ['table', 'u8'], ['', 'pad1'], ['', 'pad1'], ['action', 'u8'], ['flags', 'u32']],
  { family: familyText, table: (v) => RT_TABLE[v] },
);
const TCMSG = hdr('tcmsg', [['tcm_family', 'u8'], ['', 'pad1'], ['', 'pad2'], ['tcm_ifindex', 's32'], ['tcm_handle', 'u32'], ['tcm_parent', 'u32'], ['tcm_info', 'u32']], { tcm_family: familyText });
const TCAMSG = hdr('tcamsg', [['tca_family', 'u8'], ['', 'pad1'], ['', 'pad2']], { tca_family: familyText });
const PREFIXMSG = hdr('prefixmsg', [['prefix_family', 'u8'], ['', 'pad1'], ['', 'pad2'], ['prefix_ifindex', 's32'], ['prefix_type', 'u8'], ['prefix_len', 'u8'], ['prefix_flags', 'u8'], ['', 'pad1']], { prefix_family: familyText });
const NDTMSG = hdr('ndtmsg', [['ndtm_family', 'u8'], ['', 'pad1'], ['', 'pad2']], { ndtm_family: familyText });
const NDUSEROPTMSG = hdr('nduseroptmsg', [['nduseropt_family', 'u8'], ['', 'pad1'], ['nduseropt_opts_len', 'u16'], ['nduseropt_ifindex', 's32'], ['nduseropt_icmp_type', 'u8'], ['nduseropt_icmp_code', 'u8'], ['', 'pad2'], ['', 'pad2'], ['', 'pad2']]);
const IFADDRLBLMSG = hdr('ifaddrlblmsg', [['ifal_family', 'u8'], ['', 'pad1'], ['ifal_prefixlen', 'u8'], ['ifal_flags', 'u8'], ['ifal_index', 'u32'], ['ifal_seq', 'u32']], { ifal_family: familyText });
const DCBMSG = hdr('dcbmsg', [['dcb_family', 'u8'], ['cmd', 'u8'], ['', 'pad2']], { dcb_family: familyText });
const NETCONFMSG = hdr('netconfmsg', [['ncm_family', 'u8'], ['', 'pad1'], ['', 'pad2']], { ncm_family: familyText });
const BR_PORT_MSG = hdr('br_port_msg', [['family', 'u8'], ['', 'pad1'], ['', 'pad2'], ['ifindex', 'u32']], { family: familyText });
const IF_STATS_MSG = hdr('if_stats_msg', [['family', 'u8'], ['', 'pad1'], ['', 'pad2'], ['ifindex', 'u32'], ['filter_mask', 'u32']], { family: familyText });
const NHMSG = hdr('nhmsg', [['nh_family', 'u8'], ['nh_scope', 'u8'], ['nh_protocol', 'u8'], ['', 'pad1'], ['nh_flags', 'u32']], { nh_family: familyText, nh_scope: (v) => RT_SCOPE[v], nh_protocol: (v) => RTPROT[v] });
const BR_VLAN_MSG = hdr('br_vlan_msg', [['family', 'u8'], ['', 'pad1'], ['', 'pad2'], ['ifindex', 'u32']], { family: familyText });
const TUNNEL_MSG = hdr('tunnel_msg', [['family', 'u8'], ['flags', 'u8'], ['', 'pad2'], ['ifindex', 'u32']], { family: familyText });

/** GROUPS maps the first type of each group of four to its body schema. */
const GROUPS = new Map<number, BodySchema>([
  [16, { header: IFINFOMSG, shortHeader: RTGENMSG, attrs: IFLA_ATTRS }],
  [20, { header: IFADDRMSG, shortHeader: RTGENMSG, attrs: IFA_ATTRS }],
  [24, { header: RTMSG, shortHeader: RTGENMSG, attrs: RTA_ATTRS }],
  [28, { header: NDMSG, shortHeader: RTGENMSG, attrs: NDA_ATTRS }],
  [32, { header: FIB_RULE_HDR, shortHeader: RTGENMSG, attrs: FRA_ATTRS }],
  [36, { header: TCMSG, shortHeader: RTGENMSG, attrs: TCA_ATTRS }],
  [40, { header: TCMSG, shortHeader: RTGENMSG, attrs: TCA_ATTRS }],
  [44, { header: TCMSG, shortHeader: RTGENMSG, attrs: TCA_ATTRS }],
  [48, { header: TCAMSG, attrs: TCA_ROOT_ATTRS }],
  [52, { header: PREFIXMSG, attrs: PREFIX_ATTRS }],
  [56, { header: IFADDRMSG, shortHeader: RTGENMSG, attrs: IFA_ATTRS }],
  [60, { header: IFADDRMSG, shortHeader: RTGENMSG, attrs: IFA_ATTRS }],
  [64, { header: NDTMSG }],
  [68, { header: NDUSEROPTMSG }],
  [72, { header: IFADDRLBLMSG, shortHeader: RTGENMSG, attrs: IFAL_ATTRS }],
  [76, { header: DCBMSG }],
  [80, { header: NETCONFMSG, attrs: NETCONFA_ATTRS }],
  [84, { header: BR_PORT_MSG }],
  [88, { header: RTGENMSG4, attrs: NETNSA_ATTRS }],
  [92, { header: IF_STATS_MSG, attrs: STATS_ATTRS }],
  [96, { header: RTGENMSG4 }],
  [100, { header: TCMSG, attrs: TCA_ATTRS }],
  [104, { header: NHMSG, shortHeader: RTGENMSG, attrs: NHA_ATTRS }],
  [108, { header: IFINFOMSG, attrs: IFLA_ATTRS }],
  [112, { header: BR_VLAN_MSG }],
  [116, { header: NHMSG, attrs: NHA_ATTRS }],
  [120, { header: TUNNEL_MSG }],
]);

const KINDS: MessageKind[] = ['new', 'del', 'get', 'new'];

/** routeDecoder decodes NETLINK_ROUTE messages. */
export const routeDecoder: ProtocolDecoder = {
  typeName(type) {
    return Object.values(RTM).includes(type as never) ? rtmName(type) : undefined;
  },
  kind(type) {
    return type >= 16 ? KINDS[(type - 16) & 3] : undefined;
  },
  body(type: number, _flags: number, _ctx, _b: Bytes) {
    return GROUPS.get(16 + ((type - 16) & ~3)) ?? {};
  },
};
