/** struct in_ifaddr and inet_fill_ifaddr(): one IPv4 address and its RTM_NEWADDR body. */
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { addrCacheinfo } from '../core/index.js';
import type { InAddr } from '../core/index.js';
import { encodeIfAddrMsg } from '../core/index.js';
import { ipv4Bytes } from '../core/index.js';
import { AF_INET, IFA } from '../core/uapi.js';

/** INET_NLMSG_SIZE stands for nlmsg_new(inet_nlmsg_size()). */
export const INET_NLMSG_SIZE = 16 + 96;

/** fillInAddr mirrors inet_fill_ifaddr() (the body after nlmsghdr). */
export function fillInAddr(w: AttrWriter, ifa: InAddr, nowCs: number): void {
  w.raw(encodeIfAddrMsg({ family: AF_INET, prefixlen: ifa.prefixlen, flags: ifa.flags & 0xff, scope: ifa.scope, index: ifa.dev.ifindex }));
  if (ifa.address) w.bytes(IFA.IFA_ADDRESS, ipv4Bytes(ifa.address));
  if (ifa.local) w.bytes(IFA.IFA_LOCAL, ipv4Bytes(ifa.local));
  if (ifa.broadcast) w.bytes(IFA.IFA_BROADCAST, ipv4Bytes(ifa.broadcast));
  if (ifa.label) w.string(IFA.IFA_LABEL, ifa.label);
  if (ifa.proto) w.u8(IFA.IFA_PROTO, ifa.proto);
  w.u32(IFA.IFA_FLAGS, ifa.flags);
  if (ifa.rtPriority) w.u32(IFA.IFA_RT_PRIORITY, ifa.rtPriority);
  w.bytes(IFA.IFA_CACHEINFO, addrCacheinfo(ifa, nowCs));
}
