/**
 * The multicast groups a device has joined, as RTM_GETMULTICAST dumps report them
 * (inet6_fill_ifmcaddr(), inet_fill_ifmcaddr()): an ifaddrmsg for a permanent host-length
 * "address", IFA_MULTICAST and IFA_CACHEINFO with infinite lifetimes and the join times.
 */
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import type { McGroup, NetDevice } from './device.js';
import { cacheinfo, INFINITY_LIFE_TIME } from './addr-lifetime.js';
import { encodeIfAddrMsg } from './ifaddrmsg.js';
import { AF_INET, AF_INET6, IFA, IFA_F, RT_SCOPE } from './uapi.js';

/** fillMcAddr writes one group of `dev` (either family: the group's length tells). */
export function fillMcAddr(w: AttrWriter, dev: NetDevice, g: McGroup): void {
  const v6 = g.addr.length === 16;
  // ipv6_addr_scope(): only site-scope groups (ffx5::) are reported with a scope.
  const scope = v6 && (g.addr[1]! & 0x0f) === 5 ? RT_SCOPE.RT_SCOPE_SITE : RT_SCOPE.RT_SCOPE_UNIVERSE;
  w.raw(encodeIfAddrMsg({ family: v6 ? AF_INET6 : AF_INET, prefixlen: v6 ? 128 : 32, flags: IFA_F.IFA_F_PERMANENT, scope, index: dev.ifindex }));
  w.bytes(IFA.IFA_MULTICAST, g.addr);
  w.bytes(IFA.IFA_CACHEINFO, cacheinfo(INFINITY_LIFE_TIME, INFINITY_LIFE_TIME, g.cstamp, g.tstamp));
}
