/**
 * IPv6 address requests: RTM_NEWADDR, RTM_DELADDR and RTM_GETADDR / RTM_GETMULTICAST /
 * RTM_GETANYCAST dumps for AF_INET6 (inet6_rtm_newaddr(), inet6_rtm_deladdr(),
 * inet6_dump_ifaddr(), inet6_dump_ifmcaddr(), inet6_dump_ifacaddr()).
 */
import { KernelError } from '../../../sim/errors.js';
import { type AttrView, NL_VALIDATE } from '../../../sim/wire/policy.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_EXCL, NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import { IFA_IPV6_POLICY } from '../core/index.js';
import type { McGroup } from '../core/index.js';
import type { FamilyDump } from '../core/index.js';
import { decodeIfAddrMsg } from '../core/index.js';
import { fillMcAddr } from '../core/index.js';
import type { Rtnetlink } from '../core/index.js';
import type { LinkTable, NetworkState } from '../core/index.js';
import { AF_INET6, IFA, IFA_F, IFA_MAX, IFADDRMSG_LEN, RTM } from '../core/uapi.js';
import { addrFamilyDump, lifetimes, parseIfaddrMsg } from '../ipv4/index.js';
import { fillInet6Addr, INET6_NLMSG_SIZE } from './inet6-addr.js';

type Tb = (AttrView | undefined)[];

/** Addr6Ops binds the IPv6 address handlers to one kernel's network state. */
export class Addr6Ops {
  readonly #state: NetworkState;

  constructor(state: NetworkState) {
    this.#state = state;
  }

  /** register installs the AF_INET6 handlers (addrconf_init()). */
  register(rtnl: Rtnetlink): void {
    rtnl.register(AF_INET6, RTM.RTM_NEWADDR, { doit: (ctx) => this.newAddr6(ctx) });
    rtnl.register(AF_INET6, RTM.RTM_DELADDR, { doit: (ctx) => this.delAddr6(ctx) });
    // addrconf registers its dump without RTNL_FLAG_DUMP_SPLIT_NLM_DONE: DONE shares the last datagram.
    rtnl.register(AF_INET6, RTM.RTM_GETADDR, { doit: (ctx) => this.getAddr6(ctx), dumpit: (ctx) => ({ dump: this.#dump6(ctx) }) });
    // The groups devices joined and the anycast addresses (none: nlsim does not forward, so
    // no subnet-router anycast).
    rtnl.register(AF_INET6, RTM.RTM_GETMULTICAST, {
      dumpit: (ctx) => ({
        dump: addrFamilyDump(this.#links(ctx), ctx, IFA_IPV6_POLICY, 'ipv6: ', (dev) => dev.inet6?.mc ?? [], (chunk, g, flags, dev) =>
          chunk.put(RTM.RTM_GETMULTICAST, (w) => fillMcAddr(w, dev, g as McGroup), flags),
        ),
      }),
    });
    rtnl.register(AF_INET6, RTM.RTM_GETANYCAST, { dumpit: (ctx) => ({ dump: addrFamilyDump(this.#links(ctx), ctx, IFA_IPV6_POLICY, 'ipv6: ', () => [], () => true) }) });
  }

  #links(ctx: RequestContext): LinkTable {
    return this.#state.links(ctx.skb.sock.netns);
  }

  #dump6(ctx: RequestContext): FamilyDump {
    const inet6 = this.#links(ctx).inet6;
    return addrFamilyDump(this.#links(ctx), ctx, IFA_IPV6_POLICY, 'ipv6: ', (dev) => (dev.inet6 ? dev.ifa6 : []), (chunk, ifa, flags) =>
      chunk.put(RTM.RTM_NEWADDR, (w) => fillInet6Addr(w, ifa as never, inet6.nowCs), flags),
    );
  }

  /**
   * getAddr6 mirrors inet6_rtm_getaddr() with inet6_valid_get_addr_req(): one address by
   * IFA_ADDRESS or IFA_LOCAL, on the device the header names (on any device when it names
   * none, or one that does not exist: ipv6_get_ifaddr() with dev NULL), as an RTM_NEWADDR.
   */
  getAddr6(ctx: RequestContext): number {
    if (ctx.payload.length < IFADDRMSG_LEN) throw new KernelError('EINVAL', 'ipv6: Invalid header for get address request');
    const ifm = decodeIfAddrMsg(ctx.payload);
    let tb: Tb;
    if (!ctx.strictCheck) tb = parseIfaddrMsg(ctx, IFA_IPV6_POLICY);
    else {
      if (ifm.prefixlen || ifm.flags || ifm.scope) throw new KernelError('EINVAL', 'ipv6: Invalid values in header for get address request');
      tb = parseIfaddrMsg(ctx, IFA_IPV6_POLICY, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
      for (let i = 0; i <= IFA_MAX; i++) {
        if (tb[i] && i !== IFA.IFA_TARGET_NETNSID && i !== IFA.IFA_ADDRESS && i !== IFA.IFA_LOCAL) throw new KernelError('EINVAL', 'ipv6: Unsupported attribute in get address request');
      }
    }
    if (tb[IFA.IFA_TARGET_NETNSID]) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: IFA_TARGET_NETNSID is not modelled yet', offset: tb[IFA.IFA_TARGET_NETNSID]!.offset });
    const addr = this.#addr6(tb);
    if (!addr) throw new KernelError('EINVAL');
    const links = this.#links(ctx);
    const dev = ifm.index ? links.byIndex(ifm.index) : undefined;
    const devices = dev ? [dev] : links.list();
    const ifa = devices.flatMap((d) => (d.inet6 ? d.ifa6 : [])).find((x) => x.addr.every((b, i) => b === addr[i]));
    if (!ifa) throw new KernelError('EADDRNOTAVAIL');
    const nowCs = links.inet6.nowCs;
    return ctx.reply(ctx.encode(RTM.RTM_NEWADDR, (w) => fillInet6Addr(w, ifa, nowCs)), { allocSize: INET6_NLMSG_SIZE });
  }

  /** #addr6 mirrors extract_addr(): IFA_LOCAL wins over IFA_ADDRESS (then a peer). */
  #addr6(tb: Tb): Uint8Array | undefined {
    const a = tb[IFA.IFA_LOCAL] ?? tb[IFA.IFA_ADDRESS];
    return a?.payload.slice(0, 16);
  }

  /** newAddr6 mirrors inet6_rtm_newaddr() → inet6_addr_add(). */
  newAddr6(ctx: RequestContext): void {
    const tb = parseIfaddrMsg(ctx, IFA_IPV6_POLICY);
    const ifm = decodeIfAddrMsg(ctx.payload);
    const pfx = this.#addr6(tb);
    if (!pfx) throw new KernelError('EINVAL');
    // extract_addr(): IFA_ADDRESS differing from IFA_LOCAL is the peer (all zeroes: none).
    let peer: Uint8Array | undefined;
    if (tb[IFA.IFA_LOCAL] && tb[IFA.IFA_ADDRESS] && !tb[IFA.IFA_LOCAL]!.payload.subarray(0, 16).every((b, i) => b === tb[IFA.IFA_ADDRESS]!.payload[i])) {
      peer = tb[IFA.IFA_ADDRESS]!.payload.slice(0, 16);
    }
    // 6.18's order (probed): the address, its lifetimes, the device, then the prefix length.
    const lft = lifetimes(tb) ?? { valid: 0xffffffff, preferred: 0xffffffff };
    if (!lft.valid || lft.preferred > lft.valid) throw new KernelError('EINVAL', 'ipv6: address lifetime invalid');
    const links = this.#links(ctx);
    const dev = links.byIndex(ifm.index);
    if (!dev) throw new KernelError('ENODEV', 'ipv6: Unable to find the interface');
    let flags = tb[IFA.IFA_FLAGS] ? tb[IFA.IFA_FLAGS]!.u32() : ifm.flags;
    flags &= IFA_F.IFA_F_NODAD | IFA_F.IFA_F_HOMEADDRESS | IFA_F.IFA_F_MANAGETEMPADDR | IFA_F.IFA_F_NOPREFIXROUTE | IFA_F.IFA_F_MCAUTOJOIN | IFA_F.IFA_F_OPTIMISTIC;
    flags &= ~IFA_F.IFA_F_OPTIMISTIC; // optimistic_dad is off by default
    const unmodelled = () => {
      if (flags & (IFA_F.IFA_F_MANAGETEMPADDR | IFA_F.IFA_F_MCAUTOJOIN | IFA_F.IFA_F_HOMEADDRESS)) {
        throw new KernelError('EOPNOTSUPP', 'nlsim: mngtmpaddr, autojoin and home addresses are not modelled yet');
      }
    };
    // An address the device has is changed (inet6_addr_modify()) or refused; only a new one
    // meets inet6_addr_add()'s checks, the prefix length first.
    const existing = dev.ifa6.find((x) => x.addr.every((b, i) => b === pfx[i]));
    const proto = tb[IFA.IFA_PROTO]?.u8() ?? 0;
    if (existing) {
      if (ctx.header.flags & NLM_F_EXCL || !(ctx.header.flags & NLM_F_REPLACE)) throw new KernelError('EEXIST', 'ipv6: address already assigned');
      unmodelled();
      links.inet6.modifyAddr(existing, flags, lft, tb[IFA.IFA_RT_PRIORITY]?.u32() ?? 0, proto, peer);
      return;
    }
    if (ifm.prefixlen > 128) throw new KernelError('EINVAL', 'ipv6: Invalid prefix length');
    unmodelled();
    links.inet6.addAddr(dev, pfx, ifm.prefixlen, flags, lft, tb[IFA.IFA_RT_PRIORITY]?.u32() ?? 0, proto, peer);
  }

  /** delAddr6 mirrors inet6_rtm_deladdr() → inet6_addr_del(). */
  delAddr6(ctx: RequestContext): void {
    const tb = parseIfaddrMsg(ctx, IFA_IPV6_POLICY);
    const ifm = decodeIfAddrMsg(ctx.payload);
    const pfx = this.#addr6(tb);
    if (!pfx) throw new KernelError('EINVAL');
    if (ifm.prefixlen > 128) throw new KernelError('EINVAL', 'ipv6: Invalid prefix length');
    if (!ifm.index) throw new KernelError('ENODEV', 'ipv6: Unable to find the interface');
    const links = this.#links(ctx);
    const dev = links.byIndex(ifm.index);
    if (!dev) throw new KernelError('ENODEV', 'ipv6: Unable to find the interface');
    if (!dev.inet6) throw new KernelError('ENXIO', 'ipv6: IPv6 is disabled on this device');
    const ifa = dev.ifa6.find((x) => x.prefixlen === ifm.prefixlen && x.addr.every((b, i) => b === pfx[i]));
    if (!ifa) throw new KernelError('EADDRNOTAVAIL', 'ipv6: address not found');
    links.inet6.delAddr(ifa);
  }
}
