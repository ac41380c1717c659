/**
 * Address requests: RTM_NEWADDR, RTM_DELADDR and RTM_GETADDR dumps for AF_INET
 * (inet_rtm_newaddr(), inet_rtm_deladdr(), inet_dump_ifaddr()) and AF_INET6
 * (inet6_rtm_newaddr(), inet6_rtm_deladdr(), inet6_dump_ifaddr()), and the AF_UNSPEC dump
 * that runs both (rtnl_dump_all()).
 */
import type { DumpChunk, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { type AttrView, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import { IFA_IPV4_POLICY, IFA_IPV6_POLICY } from '../core/addr-policy.js';
import type { McGroup, NetDevice } from '../core/device.js';
import { dumpAll, type FamilyDump } from '../core/dump-all.js';
import { decodeIfAddrMsg } from '../core/ifaddrmsg.js';
import { newInAddr } from './inet4.js';
import { type Notifier } from '../core/rtnl-notify.js';
import { fillInAddr } from './inet4-addr.js';
import { fillInet6Addr } from '../ipv6/inet6-addr.js';
import { inetMask, ipv4Read } from '../core/ipv4-addr.js';
import { fillMcAddr } from '../core/mcaddr.js';
import { RTNL_FLAG, type Rtnetlink } from '../core/rtnetlink.js';
import type { LinkTable, NetworkState } from '../core/state.js';
import { AF_INET, AF_INET6, IFA, IFA_F, IFA_MAX, IFADDRMSG_LEN, RTM } from '../core/uapi.js';

type Tb = (AttrView | undefined)[];
const EMSGSIZE = -90;

/** parse mirrors nlmsg_parse_deprecated() with an ifaddrmsg header. */
function parse(ctx: { message: Uint8Array; extack: object }, policy: Policy, level: number = NL_VALIDATE.NL_VALIDATE_LIBERAL): Tb {
  const r = nlmsgParse(ctx.message, IFADDRMSG_LEN, policy, IFA_MAX, level);
  if (r.warning) Object.assign(ctx.extack, { message: r.warning });
  return r.attrs;
}

/** lifetimes reads IFA_CACHEINFO's preferred and valid lifetimes (forever without it). */
function lifetimes(tb: Tb): { valid: number; preferred: number } | undefined {
  const ci = tb[IFA.IFA_CACHEINFO];
  if (!ci) return undefined;
  const v = viewOf(ci.payload);
  return { preferred: v.getUint32(0, HOST_LE), valid: v.getUint32(4, HOST_LE) };
}

/** AddrOps binds the address handlers to one kernel's network state. */
export class AddrOps {
  readonly #state: NetworkState;

  constructor(state: NetworkState) {
    this.#state = state;
  }

  /** register installs the handlers (devinet_init() and addrconf_init() lines, rtnl_dump_all for AF_UNSPEC). */
  register(rtnl: Rtnetlink): void {
    const split = RTNL_FLAG.RTNL_FLAG_DUMP_SPLIT_NLM_DONE;
    rtnl.register(AF_INET, RTM.RTM_NEWADDR, { doit: (ctx) => this.newAddr4(ctx) });
    rtnl.register(AF_INET, RTM.RTM_DELADDR, { doit: (ctx) => this.delAddr4(ctx) });
    rtnl.register(AF_INET, RTM.RTM_GETADDR, { dumpit: (ctx) => ({ dump: this.#dump4(ctx) }), flags: split });
    rtnl.register(AF_INET6, RTM.RTM_NEWADDR, { doit: (ctx) => this.newAddr6(ctx) });
    rtnl.register(AF_INET6, RTM.RTM_DELADDR, { doit: (ctx) => this.delAddr6(ctx) });
    // addrconf registers its dump without RTNL_FLAG_DUMP_SPLIT_NLM_DONE: DONE shares the last datagram.
    rtnl.register(AF_INET6, RTM.RTM_GETADDR, { dumpit: (ctx) => ({ dump: this.#dump6(ctx) }) });
    rtnl.register(0, RTM.RTM_GETADDR, { dumpit: (ctx) => dumpAll([this.#dump4(ctx), this.#dump6(ctx)]), flags: split });
    // The groups devices joined (inet_dump_ifmcaddr(), inet6_dump_ifmcaddr()) and IPv6
    // anycast addresses (none: nlsim does not forward, so no subnet-router anycast).
    const mc = (family: number, policy: Policy, prefix: string) => (ctx: RequestContext) => ({
      dump: this.#familyDump(ctx, policy, prefix, (dev) => (family === AF_INET ? (dev.inet ? dev.mc4 : []) : (dev.inet6?.mc ?? [])), (chunk, g, flags, dev) =>
        chunk.put(RTM.RTM_GETMULTICAST, (w) => fillMcAddr(w, dev, g as McGroup), flags),
      ),
    });
    rtnl.register(AF_INET, RTM.RTM_GETMULTICAST, { dumpit: mc(AF_INET, IFA_IPV4_POLICY, 'ipv4: ') });
    rtnl.register(AF_INET6, RTM.RTM_GETMULTICAST, { dumpit: mc(AF_INET6, IFA_IPV6_POLICY, 'ipv6: ') });
    rtnl.register(AF_INET6, RTM.RTM_GETANYCAST, { dumpit: (ctx) => ({ dump: this.#familyDump(ctx, IFA_IPV6_POLICY, 'ipv6: ', () => [], () => true) }) });
  }

  #links(ctx: RequestContext): LinkTable {
    const links = this.#state.links(ctx.skb.sock.netns);
    links.inet4.ks = ctx.kernelSocket;
    links.inet6.ks = ctx.kernelSocket;
    return links;
  }

  /** newAddr4 mirrors inet_rtm_newaddr() with rtm_to_ifa(). */
  newAddr4(ctx: RequestContext): void {
    const tb = parse(ctx, IFA_IPV4_POLICY);
    const ifm = decodeIfAddrMsg(ctx.payload);
    if (ifm.prefixlen > 32) throw new KernelError('EINVAL', 'ipv4: Invalid prefix length');
    if (!tb[IFA.IFA_LOCAL]) throw new KernelError('EINVAL', 'ipv4: Local address is not supplied');
    const links = this.#links(ctx);
    const dev = links.byIndex(ifm.index);
    if (!dev) throw new KernelError('ENODEV', 'ipv4: Device not found');
    if (!dev.inet) throw new KernelError('ENOBUFS');
    const inet4 = links.inet4;
    const local = ipv4Read(tb[IFA.IFA_LOCAL]!.payload);
    const ifa = newInAddr(dev, local, ifm.prefixlen, ifm.scope, inet4.nowCs);
    ifa.address = tb[IFA.IFA_ADDRESS] ? ipv4Read(tb[IFA.IFA_ADDRESS]!.payload) : local;
    ifa.mask = inetMask(ifm.prefixlen);
    ifa.flags = tb[IFA.IFA_FLAGS] ? tb[IFA.IFA_FLAGS]!.u32() : ifm.flags;
    if (tb[IFA.IFA_BROADCAST]) ifa.broadcast = ipv4Read(tb[IFA.IFA_BROADCAST]!.payload);
    if (tb[IFA.IFA_LABEL]) ifa.label = tb[IFA.IFA_LABEL]!.string();
    if (tb[IFA.IFA_RT_PRIORITY]) ifa.rtPriority = tb[IFA.IFA_RT_PRIORITY]!.u32();
    if (tb[IFA.IFA_PROTO]) ifa.proto = tb[IFA.IFA_PROTO]!.u8();
    const lft = lifetimes(tb);
    if (lft && (lft.valid === 0 || lft.preferred > lft.valid)) throw new KernelError('EINVAL', 'ipv4: address lifetime invalid');
    setLifetime(ifa, lft ?? { valid: 0xffffffff, preferred: 0xffffffff }, inet4.nowCs);
    const n: Notifier = { ks: ctx.kernelSocket, req: { portid: ctx.portid, header: ctx.header } };
    // find_matching_ifa(): same local address in the same subnet.
    const existing = dev.ifa4.find((x) => x.mask === ifa.mask && ((x.address ^ ifa.address) & ifa.mask) === 0 && x.local === ifa.local);
    if (!existing) {
      inet4.insertIfa(n, ifa);
      inet4.checkLifetimes(); // __inet_insert_ifa() queues check_lifetime at once
      return;
    }
    if (ctx.header.flags & NLM_F_EXCL || !(ctx.header.flags & NLM_F_REPLACE)) throw new KernelError('EEXIST', 'ipv4: Address already assigned');
    if (existing.rtPriority !== ifa.rtPriority) throw new KernelError('EOPNOTSUPP', 'nlsim: changing an address metric is not modelled yet');
    existing.proto = ifa.proto;
    setLifetime(existing, lft ?? { valid: 0xffffffff, preferred: 0xffffffff }, inet4.nowCs);
    inet4.rtmsgIfa(n, RTM.RTM_NEWADDR, existing);
    inet4.checkLifetimes();
  }

  /** delAddr4 mirrors inet_rtm_deladdr(). */
  delAddr4(ctx: RequestContext): void {
    const tb = parse(ctx, IFA_IPV4_POLICY);
    const ifm = decodeIfAddrMsg(ctx.payload);
    const links = this.#links(ctx);
    const dev = links.byIndex(ifm.index);
    if (!dev?.inet) throw new KernelError('ENODEV', 'ipv4: Device not found');
    const local = tb[IFA.IFA_LOCAL] ? ipv4Read(tb[IFA.IFA_LOCAL]!.payload) : undefined;
    const address = tb[IFA.IFA_ADDRESS] ? ipv4Read(tb[IFA.IFA_ADDRESS]!.payload) : undefined;
    const label = tb[IFA.IFA_LABEL]?.string();
    const ifa = dev.ifa4.find(
      (x) =>
        (local === undefined || x.local === local) &&
        (label === undefined || x.label === label) &&
        (address === undefined || (ifm.prefixlen === x.prefixlen && ((address ^ x.address) & x.mask) === 0)),
    );
    if (!ifa) throw new KernelError('EADDRNOTAVAIL', 'ipv4: Address not found');
    links.inet4.deleteIfa({ ks: ctx.kernelSocket, req: { portid: ctx.portid, header: ctx.header } }, ifa);
  }

  /** #validateDump mirrors inet_valid_dump_ifaddr_req() / inet6_valid_dump_ifaddr_req(). */
  #validateDump(d: DumpState, policy: Policy, prefix: string): number {
    const payloadLen = d.requestMessage.length - 16;
    if (payloadLen < IFADDRMSG_LEN) throw new KernelError('EINVAL', `${prefix}Invalid header for address dump request`);
    const ifm = decodeIfAddrMsg(d.requestMessage, 16);
    if (ifm.prefixlen || ifm.flags || ifm.scope) throw new KernelError('EINVAL', `${prefix}Invalid values in header for address dump request`);
    if (ifm.index) d.answerFlags |= NLM_F_DUMP_FILTERED;
    const tb = parse({ message: d.requestMessage, extack: d.extack }, policy, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
    for (let i = 0; i <= IFA_MAX; i++) {
      if (!tb[i]) continue;
      if (i === IFA.IFA_TARGET_NETNSID) throw new KernelError('EOPNOTSUPP', 'nlsim: IFA_TARGET_NETNSID is not modelled yet');
      throw new KernelError('EINVAL', `${prefix}Unsupported attribute in dump request`);
    }
    return ifm.index;
  }

  /** #familyDump builds one family's address dump over the devices, validated on the first round. */
  #familyDump(ctx: RequestContext, policy: Policy, prefix: string, each: (dev: NetDevice) => readonly unknown[], put: (chunk: DumpChunk, item: unknown, flags: number, dev: NetDevice) => boolean): FamilyDump {
    const links = this.#links(ctx);
    let validated = false;
    let ifindex = 0;
    return (chunk, d) => {
      if (!validated) {
        validated = true;
        if (d.strictCheck) {
          try {
            ifindex = this.#validateDump(d, policy, prefix);
          } catch (e) {
            if (!(e instanceof KernelError)) throw e;
            Object.assign(d.extack, e.extack);
            return e.errno;
          }
        }
      }
      const flags = ifindex ? NLM_F_DUMP_FILTERED : 0;
      let devs = links.list();
      if (ifindex) {
        const dev = links.byIndex(ifindex);
        if (!dev) return -19; // ENODEV
        devs = [dev];
      }
      const startDev = (d.args[0] as number | undefined) ?? 0;
      for (const dev of devs) {
        if (dev.ifindex < startDev) continue;
        if (dev.ifindex > startDev) d.args[1] = 0;
        d.args[0] = dev.ifindex;
        const items = each(dev);
        for (let i = (d.args[1] as number | undefined) ?? 0; i < items.length; i++) {
          if (!put(chunk, items[i], flags, dev)) return chunk.length ? chunk.length : EMSGSIZE;
          d.args[1] = i + 1;
        }
        d.args[0] = dev.ifindex + 1;
        d.args[1] = 0;
      }
      return 0;
    };
  }

  #dump4(ctx: RequestContext): FamilyDump {
    const inet4 = this.#links(ctx).inet4;
    return this.#familyDump(ctx, IFA_IPV4_POLICY, 'ipv4: ', (dev) => (dev.inet ? dev.ifa4 : []), (chunk, ifa, flags) =>
      chunk.put(RTM.RTM_NEWADDR, (w) => fillInAddr(w, ifa as never, inet4.nowCs), flags),
    );
  }

  #dump6(ctx: RequestContext): FamilyDump {
    const inet6 = this.#links(ctx).inet6;
    return this.#familyDump(ctx, IFA_IPV6_POLICY, 'ipv6: ', (dev) => (dev.inet6 ? dev.ifa6 : []), (chunk, ifa, flags) =>
      chunk.put(RTM.RTM_NEWADDR, (w) => fillInet6Addr(w, ifa as never, inet6.nowCs), flags),
    );
  }

  /** #addr6 mirrors extract_addr(): IFA_LOCAL wins over IFA_ADDRESS (then a peer). */
  #addr6(tb: Tb): Uint8Array | undefined {
    const a = tb[IFA.IFA_LOCAL] ?? tb[IFA.IFA_ADDRESS];
    return a?.payload.slice(0, 16);
  }

  /** newAddr6 mirrors inet6_rtm_newaddr() → inet6_addr_add(). */
  newAddr6(ctx: RequestContext): void {
    const tb = parse(ctx, IFA_IPV6_POLICY);
    const ifm = decodeIfAddrMsg(ctx.payload);
    const pfx = this.#addr6(tb);
    if (!pfx) throw new KernelError('EINVAL');
    // extract_addr(): IFA_ADDRESS differing from IFA_LOCAL is the peer (all zeroes: none).
    let peer: Uint8Array | undefined;
    if (tb[IFA.IFA_LOCAL] && tb[IFA.IFA_ADDRESS] && !tb[IFA.IFA_LOCAL]!.payload.subarray(0, 16).every((b, i) => b === tb[IFA.IFA_ADDRESS]!.payload[i])) {
      peer = tb[IFA.IFA_ADDRESS]!.payload.slice(0, 16);
    }
    if (ifm.prefixlen > 128) throw new KernelError('EINVAL', 'ipv6: Invalid prefix length');
    const links = this.#links(ctx);
    const dev = links.byIndex(ifm.index);
    if (!dev) throw new KernelError('ENODEV', 'ipv6: Unable to find the interface');
    let flags = tb[IFA.IFA_FLAGS] ? tb[IFA.IFA_FLAGS]!.u32() : ifm.flags;
    flags &= IFA_F.IFA_F_NODAD | IFA_F.IFA_F_HOMEADDRESS | IFA_F.IFA_F_MANAGETEMPADDR | IFA_F.IFA_F_NOPREFIXROUTE | IFA_F.IFA_F_MCAUTOJOIN | IFA_F.IFA_F_OPTIMISTIC;
    flags &= ~IFA_F.IFA_F_OPTIMISTIC; // optimistic_dad is off by default
    if (flags & (IFA_F.IFA_F_MANAGETEMPADDR | IFA_F.IFA_F_MCAUTOJOIN | IFA_F.IFA_F_HOMEADDRESS)) {
      throw new KernelError('EOPNOTSUPP', 'nlsim: mngtmpaddr, autojoin and home addresses are not modelled yet');
    }
    const existing = dev.ifa6.find((x) => x.addr.every((b, i) => b === pfx[i]));
    if (existing) {
      if (ctx.header.flags & NLM_F_EXCL || !(ctx.header.flags & NLM_F_REPLACE)) throw new KernelError('EEXIST', 'ipv6: address already assigned');
    }
    const lft = lifetimes(tb) ?? { valid: 0xffffffff, preferred: 0xffffffff };
    if (!lft.valid || lft.preferred > lft.valid) throw new KernelError('EINVAL', 'ipv6: address lifetime invalid');
    const proto = tb[IFA.IFA_PROTO]?.u8() ?? 0;
    if (existing) {
      links.inet6.modifyAddr(existing, flags, lft, tb[IFA.IFA_RT_PRIORITY]?.u32() ?? 0, proto, peer);
      return;
    }
    links.inet6.addAddr(dev, pfx, ifm.prefixlen, flags, lft, tb[IFA.IFA_RT_PRIORITY]?.u32() ?? 0, proto, peer);
  }

  /** delAddr6 mirrors inet6_rtm_deladdr() → inet6_addr_del(). */
  delAddr6(ctx: RequestContext): void {
    const tb = parse(ctx, IFA_IPV6_POLICY);
    const ifm = decodeIfAddrMsg(ctx.payload);
    const pfx = this.#addr6(tb);
    if (!pfx) throw new KernelError('EINVAL');
    if (ifm.prefixlen > 128) throw new KernelError('EINVAL', 'ipv6: Invalid prefix length');
    if (!ifm.index) throw new KernelError('ENODEV', 'ipv6: Invalid ifindex');
    const links = this.#links(ctx);
    const dev = links.byIndex(ifm.index);
    if (!dev) throw new KernelError('ENODEV', 'ipv6: Unable to find the interface');
    if (!dev.inet6) throw new KernelError('ENXIO', 'ipv6: IPv6 is disabled on this device');
    const ifa = dev.ifa6.find((x) => x.prefixlen === ifm.prefixlen && x.addr.every((b, i) => b === pfx[i]));
    if (!ifa) throw new KernelError('EADDRNOTAVAIL', 'ipv6: address not found');
    links.inet6.delAddr(ifa);
  }
}

/** setLifetime mirrors set_ifa_lifetime(): PERMANENT for an infinite valid lifetime, DEPRECATED at preferred 0. */
function setLifetime(ifa: { flags: number; validLft: number; preferredLft: number; tstamp: number; cstamp: number }, lft: { valid: number; preferred: number }, nowCs: number): void {
  ifa.flags &= ~(IFA_F.IFA_F_PERMANENT | IFA_F.IFA_F_DEPRECATED);
  if (lft.valid === 0xffffffff) ifa.flags |= IFA_F.IFA_F_PERMANENT;
  else ifa.validLft = lft.valid;
  if (lft.preferred !== 0xffffffff) {
    if (lft.preferred === 0) ifa.flags |= IFA_F.IFA_F_DEPRECATED;
    ifa.preferredLft = lft.preferred;
  }
  ifa.tstamp = nowCs;
}
