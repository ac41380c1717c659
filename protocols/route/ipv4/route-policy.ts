/** rtm_ipv4_policy (fib_frontend.c) and rtm_ipv6_policy (ipv6/route.c). */
import { NLA, type Policy } from '../../../sim/wire/policy.js';
import { RTA } from '../core/uapi.js';

/** RTM_IPV4_POLICY is rtm_ipv4_policy. */
export const RTM_IPV4_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[0] = { type: NLA.NLA_UNSPEC, strictStartType: RTA.RTA_DPORT + 1 };
  for (const t of [RTA.RTA_DST, RTA.RTA_SRC, RTA.RTA_IIF, RTA.RTA_OIF, RTA.RTA_GATEWAY, RTA.RTA_PRIORITY, RTA.RTA_PREFSRC, RTA.RTA_FLOW, RTA.RTA_UID, RTA.RTA_MARK, RTA.RTA_TABLE, RTA.RTA_NH_ID]) {
    p[t] = { type: NLA.NLA_U32 };
  }
  p[RTA.RTA_METRICS] = { type: NLA.NLA_NESTED };
  p[RTA.RTA_MULTIPATH] = { type: NLA.NLA_UNSPEC, len: 8 };
  p[RTA.RTA_ENCAP_TYPE] = { type: NLA.NLA_U16 };
  p[RTA.RTA_ENCAP] = { type: NLA.NLA_NESTED };
  p[RTA.RTA_IP_PROTO] = { type: NLA.NLA_U8 };
  p[RTA.RTA_SPORT] = { type: NLA.NLA_U16 };
  p[RTA.RTA_DPORT] = { type: NLA.NLA_U16 };
  // No RTA_FLOWLABEL: IPv6 only, so past strictStartType it is an "Unsupported attribute" (probed).
  return p;
})();

/** RTM_IPV6_POLICY is rtm_ipv6_policy. */
export const RTM_IPV6_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[0] = { type: NLA.NLA_UNSPEC, strictStartType: RTA.RTA_DPORT + 1 };
  p[RTA.RTA_UNSPEC] = { type: NLA.NLA_UNSPEC, strictStartType: RTA.RTA_DPORT + 1 };
  p[RTA.RTA_PREFSRC] = { type: NLA.NLA_UNSPEC, len: 16 };
  p[RTA.RTA_GATEWAY] = { type: NLA.NLA_UNSPEC, len: 16 };
  for (const t of [RTA.RTA_OIF, RTA.RTA_IIF, RTA.RTA_PRIORITY, RTA.RTA_TABLE, RTA.RTA_MARK, RTA.RTA_UID, RTA.RTA_NH_ID]) p[t] = { type: NLA.NLA_U32 };
  p[RTA.RTA_METRICS] = { type: NLA.NLA_NESTED };
  p[RTA.RTA_MULTIPATH] = { type: NLA.NLA_UNSPEC, len: 8 };
  p[RTA.RTA_PREF] = { type: NLA.NLA_U8 };
  p[RTA.RTA_ENCAP_TYPE] = { type: NLA.NLA_U16 };
  p[RTA.RTA_ENCAP] = { type: NLA.NLA_NESTED };
  p[RTA.RTA_EXPIRES] = { type: NLA.NLA_U32 };
  p[RTA.RTA_IP_PROTO] = { type: NLA.NLA_U8 };
  p[RTA.RTA_SPORT] = { type: NLA.NLA_U16 };
  p[RTA.RTA_DPORT] = { type: NLA.NLA_U16 };
  p[RTA.RTA_FLOWLABEL] = { type: NLA.NLA_BE32 };
  return p;
})();
