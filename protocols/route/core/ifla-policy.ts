/** ifla_policy and ifla_info_policy (net/core/rtnetlink.c): how link requests are validated. */
import { NLA, type Policy } from '../../../sim/wire/policy.js';
import { ALTIFNAMSIZ, IFALIASZ, IFLA, IFLA_INFO, IFNAMSIZ } from './uapi.js';

const MAX_TCP_HEADER = 192;

/** IFLA_POLICY is the part of ifla_policy (net/core/rtnetlink.c) nlsim validates. */
export const IFLA_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[IFLA.IFLA_IFNAME] = { type: NLA.NLA_STRING, len: IFNAMSIZ - 1 };
  p[IFLA.IFLA_ADDRESS] = { type: NLA.NLA_BINARY, len: 32 };
  p[IFLA.IFLA_BROADCAST] = { type: NLA.NLA_BINARY, len: 32 };
  p[IFLA.IFLA_ALT_IFNAME] = { type: NLA.NLA_STRING, len: ALTIFNAMSIZ - 1 };
  // An empty alias passes the policy (probed on 6.18, as do the ones below), so no NLA_STRING minimum.
  p[IFLA.IFLA_IFALIAS] = { type: NLA.NLA_BINARY, len: IFALIASZ - 1 };
  p[IFLA.IFLA_MAP] = { type: NLA.NLA_UNSPEC, len: 32 }; // struct rtnl_link_ifmap
  p[IFLA.IFLA_NEW_IFINDEX] = { type: NLA.NLA_S32, min: 1 };
  p[IFLA.IFLA_PARENT_DEV_NAME] = { type: NLA.NLA_NUL_STRING };
  // NLA_POLICY_MIN(NLA_U32, MAX_TCP_HEADER + 1).
  // @note MAX_TCP_HEADER is L1_CACHE_ALIGN(128 + MAX_HEADER), 192 on this project's x86-64 builds (probed); other builds may differ.
  p[IFLA.IFLA_GSO_MAX_SIZE] = { type: NLA.NLA_U32, min: MAX_TCP_HEADER + 1 };
  p[IFLA.IFLA_GSO_IPV4_MAX_SIZE] = { type: NLA.NLA_U32, min: MAX_TCP_HEADER + 1 };
  for (const t of [
    IFLA.IFLA_MTU, IFLA.IFLA_LINK, IFLA.IFLA_MASTER, IFLA.IFLA_TXQLEN, IFLA.IFLA_WEIGHT, IFLA.IFLA_NET_NS_PID,
    IFLA.IFLA_NET_NS_FD, IFLA.IFLA_EXT_MASK, IFLA.IFLA_PROMISCUITY, IFLA.IFLA_NUM_TX_QUEUES, IFLA.IFLA_NUM_RX_QUEUES,
    IFLA.IFLA_GROUP, IFLA.IFLA_GSO_MAX_SEGS, IFLA.IFLA_CARRIER_CHANGES, IFLA.IFLA_EVENT,
    IFLA.IFLA_MIN_MTU, IFLA.IFLA_MAX_MTU, IFLA.IFLA_CARRIER_UP_COUNT, IFLA.IFLA_CARRIER_DOWN_COUNT, IFLA.IFLA_GRO_MAX_SIZE,
    IFLA.IFLA_GRO_IPV4_MAX_SIZE,
  ]) p[t] = { type: NLA.NLA_U32 };
  for (const t of [IFLA.IFLA_CARRIER, IFLA.IFLA_OPERSTATE, IFLA.IFLA_LINKMODE, IFLA.IFLA_PROTO_DOWN]) p[t] = { type: NLA.NLA_U8 };
  for (const t of [IFLA.IFLA_LINK_NETNSID, IFLA.IFLA_TARGET_NETNSID]) p[t] = { type: NLA.NLA_S32 };
  for (const t of [IFLA.IFLA_LINKINFO, IFLA.IFLA_VFINFO_LIST, IFLA.IFLA_VF_PORTS, IFLA.IFLA_PORT_SELF, IFLA.IFLA_AF_SPEC, IFLA.IFLA_XDP, IFLA.IFLA_PROP_LIST, IFLA.IFLA_PROTO_DOWN_REASON]) {
    p[t] = { type: NLA.NLA_NESTED };
  }
  // What the kernel reports and never takes.
  for (const t of [IFLA.IFLA_PERM_ADDRESS, IFLA.IFLA_TSO_MAX_SIZE, IFLA.IFLA_TSO_MAX_SEGS, IFLA.IFLA_ALLMULTI, IFLA.IFLA_NETNS_IMMUTABLE, IFLA.IFLA_HEADROOM, IFLA.IFLA_TAILROOM]) {
    p[t] = { type: NLA.NLA_REJECT };
  }
  return p;
})();

/** IFLA_INFO_POLICY is ifla_info_policy: the IFLA_LINKINFO nest. */
export const IFLA_INFO_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[IFLA_INFO.IFLA_INFO_KIND] = { type: NLA.NLA_STRING };
  p[IFLA_INFO.IFLA_INFO_DATA] = { type: NLA.NLA_NESTED };
  p[IFLA_INFO.IFLA_INFO_SLAVE_KIND] = { type: NLA.NLA_STRING };
  p[IFLA_INFO.IFLA_INFO_SLAVE_DATA] = { type: NLA.NLA_NESTED };
  return p;
})();
