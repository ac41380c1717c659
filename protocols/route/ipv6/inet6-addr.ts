/** struct inet6_ifaddr and inet6_fill_ifaddr(): one IPv6 address and its RTM_NEWADDR body. */
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import type { Inet6Ifaddr } from '../core/index.js';
import { addrCacheinfo } from '../core/index.js';
import { encodeIfAddrMsg } from '../core/index.js';
import { AF_INET6, IFA } from '../core/uapi.js';

/** IFAPROT holds IFA_PROTO values the kernel sets (linux/if_addr.h). */
export const IFAPROT = { IFAPROT_UNSPEC: 0, IFAPROT_KERNEL_LO: 1, IFAPROT_KERNEL_RA: 2, IFAPROT_KERNEL_LL: 3 } as const;

/** INET6_NLMSG_SIZE stands for nlmsg_new(inet6_ifaddr_msgsize()). */
export const INET6_NLMSG_SIZE = 16 + 8 + 20 + 20 + 20 + 8 + 8 + 8;

/** fillInet6Addr mirrors inet6_fill_ifaddr() (the body after nlmsghdr). */
export function fillInet6Addr(w: AttrWriter, ifa: Inet6Ifaddr, nowCs: number): void {
  w.raw(encodeIfAddrMsg({ family: AF_INET6, prefixlen: ifa.prefixlen, flags: ifa.flags & 0xff, scope: ifa.scope, index: ifa.dev.ifindex }));
  if (ifa.peer) {
    w.bytes(IFA.IFA_LOCAL, ifa.addr);
    w.bytes(IFA.IFA_ADDRESS, ifa.peer);
  } else w.bytes(IFA.IFA_ADDRESS, ifa.addr);
  if (ifa.rtPriority) w.u32(IFA.IFA_RT_PRIORITY, ifa.rtPriority);
  w.bytes(IFA.IFA_CACHEINFO, addrCacheinfo(ifa, nowCs, true));
  w.u32(IFA.IFA_FLAGS, ifa.flags);
  if (ifa.proto) w.u8(IFA.IFA_PROTO, ifa.proto);
}
