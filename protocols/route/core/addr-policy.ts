/** ifa_ipv4_policy (devinet.c) and ifa_ipv6_policy (addrconf.c): how address requests are validated. */
import { NLA, type Policy } from '../../../sim/wire/policy.js';
import { IFA, IFNAMSIZ } from './uapi.js';

/** IFA_IPV4_POLICY is ifa_ipv4_policy. */
export const IFA_IPV4_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[IFA.IFA_LOCAL] = { type: NLA.NLA_U32 };
  p[IFA.IFA_ADDRESS] = { type: NLA.NLA_U32 };
  p[IFA.IFA_BROADCAST] = { type: NLA.NLA_U32 };
  p[IFA.IFA_LABEL] = { type: NLA.NLA_STRING, len: IFNAMSIZ - 1 };
  p[IFA.IFA_CACHEINFO] = { type: NLA.NLA_UNSPEC, len: 16 };
  p[IFA.IFA_FLAGS] = { type: NLA.NLA_U32 };
  p[IFA.IFA_RT_PRIORITY] = { type: NLA.NLA_U32 };
  p[IFA.IFA_TARGET_NETNSID] = { type: NLA.NLA_S32 };
  p[IFA.IFA_PROTO] = { type: NLA.NLA_U8 };
  return p;
})();

/** IFA_IPV6_POLICY is ifa_ipv6_policy. */
export const IFA_IPV6_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[IFA.IFA_ADDRESS] = { type: NLA.NLA_UNSPEC, len: 16 };
  p[IFA.IFA_LOCAL] = { type: NLA.NLA_UNSPEC, len: 16 };
  p[IFA.IFA_CACHEINFO] = { type: NLA.NLA_UNSPEC, len: 16 };
  p[IFA.IFA_FLAGS] = { type: NLA.NLA_U32 };
  p[IFA.IFA_RT_PRIORITY] = { type: NLA.NLA_U32 };
  p[IFA.IFA_TARGET_NETNSID] = { type: NLA.NLA_S32 };
  p[IFA.IFA_PROTO] = { type: NLA.NLA_U8 };
  return p;
})();
