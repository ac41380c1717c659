/**
 * The peer of a paired kind (veth's VETH_INFO_PEER): an ifinfomsg and link attributes nested
 * in IFLA_INFO_DATA, read by rtnl_nla_parse_ifinfomsg() (net/core/rtnetlink.c). Since Linux
 * 6.14 rtnl_newlink() parses and validates the peer (rtnl_add_peer_net()) before it looks up
 * or creates anything, so a bad peer is refused with nothing changed.
 */
import { KernelError } from '../../../sim/errors.js';
import { type AttrView, NL_VALIDATE, parseAttrs } from '../../../sim/wire/policy.js';
import { decodeIfInfoMsg, type IfInfoMsg } from './ifinfomsg.js';
import { IFLA_POLICY } from './ifla-policy.js';
import { IFINFOMSG_LEN, IFLA, IFLA_MAX } from './uapi.js';

/** LinkPeer is the peer's ifinfomsg and its attributes (tbp). */
export interface LinkPeer {
  ifm: IfInfoMsg;
  tb: (AttrView | undefined)[];
}

/** Namespace attributes of the peer: where it would be created, which nlsim does not model yet. */
const PEER_NETNS = [IFLA.IFLA_NET_NS_PID, IFLA.IFLA_NET_NS_FD, IFLA.IFLA_TARGET_NETNSID] as const;
const NETNS_NAMES: Record<number, string> = { [IFLA.IFLA_NET_NS_PID]: 'IFLA_NET_NS_PID', [IFLA.IFLA_NET_NS_FD]: 'IFLA_NET_NS_FD', [IFLA.IFLA_TARGET_NETNSID]: 'IFLA_TARGET_NETNSID' };

/**
 * parseLinkPeer mirrors rtnl_nla_parse_ifinfomsg(): the peer's ifi_index must not be negative
 * (an index above INT_MAX is negative as the kernel's int; EINVAL with the peer attribute in
 * the extack), and its attributes follow its ifinfomsg, parsed liberally with ifla_policy.
 * The caller's policy already made `nla` at least an ifinfomsg long.
 */
export function parseLinkPeer(message: Uint8Array, nla: AttrView): LinkPeer {
  const ifm = decodeIfInfoMsg(nla.payload);
  if (ifm.index < 0) throw new KernelError('EINVAL', { message: "ifindex can't be negative", offset: nla.offset });
  const end = nla.offset + 4 + nla.length;
  const tb = parseAttrs(message.subarray(0, end), nla.offset + 4 + IFINFOMSG_LEN, IFLA_POLICY, IFLA_MAX, NL_VALIDATE.NL_VALIDATE_LIBERAL).attrs;
  // rtnl_link_get_net_ifla(): the peer's namespace. Refused, never ignored.
  for (const t of PEER_NETNS) {
    if (tb[t]) throw new KernelError('EOPNOTSUPP', { message: `nlsim: ${NETNS_NAMES[t]} for the peer is not modelled yet`, offset: tb[t]!.offset });
  }
  return { ifm, tb };
}
