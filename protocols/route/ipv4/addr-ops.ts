/**
 * IPv4 address requests: RTM_NEWADDR, RTM_DELADDR and RTM_GETADDR / RTM_GETMULTICAST dumps
 * for AF_INET (inet_rtm_newaddr(), inet_rtm_deladdr(), inet_dump_ifaddr(),
 * inet_dump_ifmcaddr()), and the dump walk IPv6's address dumps share.
 */
import type { DumpChunk, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { type AttrView, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import { IFA_IPV4_POLICY } from '../core/index.js';
import type { McGroup, NetDevice } from '../core/index.js';
import type { FamilyDump } from '../core/index.js';
import { decodeIfAddrMsg } from '../core/index.js';
import { newInAddr } from './inet4.js';
import { type Notifier } from '../core/index.js';
import { fillInAddr } from './inet4-addr.js';
import { inetMask, ipv4Read, isMulticast } from '../core/index.js';
import { fillMcAddr } from '../core/index.js';
import { RTNL_FLAG, type Rtnetlink } from '../core/index.js';
import type { LinkTable, NetworkState } from '../core/index.js';
import { AF_INET, IFA, IFA_F, IFA_MAX, IFADDRMSG_LEN, RTM } from '../core/uapi.js';

/**
 * IFA_F_NOT_ASKED_V4 are the flags an IPv4 address never takes from the request (probed on
 * 6.18, one bit at a time): the kernel derives secondary, deprecated and permanent itself,
 * and IPv6's DAD and privacy flags mean nothing here. Every other bit of IFA_FLAGS is kept
 * and reported as given, the unnamed ones too.
 */
const IFA_F_NOT_ASKED_V4 = IFA_F.IFA_F_SECONDARY | IFA_F.IFA_F_NODAD | IFA_F.IFA_F_OPTIMISTIC | IFA_F.IFA_F_DADFAILED | IFA_F.IFA_F_HOMEADDRESS |
  IFA_F.IFA_F_DEPRECATED | IFA_F.IFA_F_TENTATIVE | IFA_F.IFA_F_MANAGETEMPADDR | IFA_F.IFA_F_STABLE_PRIVACY;

export type Tb = (AttrView | undefined)[];
const EMSGSIZE = -90;

/** parse mirrors nlmsg_parse_deprecated() with an ifaddrmsg header. */
export function parseIfaddrMsg(ctx: { message: Uint8Array; extack: object }, policy: Policy, level: number = NL_VALIDATE.NL_VALIDATE_LIBERAL): Tb {
  const r = nlmsgParse(ctx.message, IFADDRMSG_LEN, policy, IFA_MAX, level);
  if (r.warning) Object.assign(ctx.extack, { message: r.warning });
  return r.attrs;
}

/** lifetimes reads IFA_CACHEINFO's preferred and valid lifetimes (forever without it). */
export function lifetimes(tb: Tb): { valid: number; preferred: number } | undefined {
  const ci = tb[IFA.IFA_CACHEINFO];
  if (!ci) return undefined;
  const v = viewOf(ci.payload);
  return { preferred: v.getUint32(0, HOST_LE), valid: v.getUint32(4, HOST_LE) };
}

/** AddrOps binds the IPv4 address handlers to one kernel's network state. */
export class AddrOps {
  readonly #state: NetworkState;

  constructor(state: NetworkState) {
    this.#state = state;
  }

  /** register installs the AF_INET handlers (devinet_init()). */
  register(rtnl: Rtnetlink): void {
    const split = RTNL_FLAG.RTNL_FLAG_DUMP_SPLIT_NLM_DONE;
    rtnl.register(AF_INET, RTM.RTM_NEWADDR, { doit: (ctx) => this.newAddr4(ctx) });
    rtnl.register(AF_INET, RTM.RTM_DELADDR, { doit: (ctx) => this.delAddr4(ctx) });
    rtnl.register(AF_INET, RTM.RTM_GETADDR, { dumpit: (ctx) => ({ dump: this.#dump4(ctx) }), flags: split });
    // The groups devices joined (inet_dump_ifmcaddr()).
    rtnl.register(AF_INET, RTM.RTM_GETMULTICAST, {
      dumpit: (ctx) => ({
        dump: addrFamilyDump(this.#links(ctx), ctx, IFA_IPV4_POLICY, 'ipv4: ', (dev) => (dev.inet ? dev.mc4 : []), (chunk, g, flags, dev) =>
          chunk.put(RTM.RTM_GETMULTICAST, (w) => fillMcAddr(w, dev, g as McGroup), flags),
        ),
      }),
    });
  }

  #links(ctx: RequestContext): LinkTable {
    return this.#state.links(ctx.skb.sock.netns);
  }

  /** newAddr4 mirrors inet_rtm_newaddr() with rtm_to_ifa(). */
  newAddr4(ctx: RequestContext): void {
    const tb = parseIfaddrMsg(ctx, IFA_IPV4_POLICY);
    const ifm = decodeIfAddrMsg(ctx.payload);
    if (ifm.prefixlen > 32) throw new KernelError('EINVAL', 'ipv4: Invalid prefix length');
    if (!tb[IFA.IFA_LOCAL]) throw new KernelError('EINVAL', 'ipv4: Local address is not supplied');
    // inet_validate_rtm(): the lifetimes before the device; then a local address 0.0.0.0 is
    // accepted and ignored (probed on 6.18: an ACK, nothing added, whatever the ifindex).
    const lft = lifetimes(tb);
    if (lft && (lft.valid === 0 || lft.preferred > lft.valid)) throw new KernelError('EINVAL', 'ipv4: address lifetime invalid');
    if (ipv4Read(tb[IFA.IFA_LOCAL]!.payload) === 0) return;
    const links = this.#links(ctx);
    const dev = links.byIndex(ifm.index);
    if (!dev) throw new KernelError('ENODEV', 'ipv4: Device not found');
    if (!dev.inet) throw new KernelError('ENOBUFS');
    const inet4 = links.inet4;
    const local = ipv4Read(tb[IFA.IFA_LOCAL]!.payload);
    const ifa = newInAddr(dev, local, ifm.prefixlen, ifm.scope, inet4.nowCs);
    ifa.address = tb[IFA.IFA_ADDRESS] ? ipv4Read(tb[IFA.IFA_ADDRESS]!.payload) : local;
    ifa.mask = inetMask(ifm.prefixlen);
    ifa.flags = (tb[IFA.IFA_FLAGS] ? tb[IFA.IFA_FLAGS]!.u32() : ifm.flags) & ~IFA_F_NOT_ASKED_V4;
    if (tb[IFA.IFA_BROADCAST]) ifa.broadcast = ipv4Read(tb[IFA.IFA_BROADCAST]!.payload);
    if (tb[IFA.IFA_LABEL]) ifa.label = tb[IFA.IFA_LABEL]!.string();
    if (tb[IFA.IFA_RT_PRIORITY]) ifa.rtPriority = tb[IFA.IFA_RT_PRIORITY]!.u32();
    if (tb[IFA.IFA_PROTO]) ifa.proto = tb[IFA.IFA_PROTO]!.u8();
    setLifetime(ifa, lft ?? { valid: 0xffffffff, preferred: 0xffffffff }, inet4.nowCs);
    const n: Notifier = { ks: ctx.kernelSocket, req: { portid: ctx.portid, header: ctx.header } };
    // find_matching_ifa(): same local address in the same subnet.
    const existing = dev.ifa4.find((x) => x.mask === ifa.mask && ((x.address ^ ifa.address) & ifa.mask) === 0 && x.local === ifa.local);
    if (!existing) {
      // ip_mc_autojoin_config(): the address (the peer, ifa_address) joins as a group on
      // the device through the namespace's autojoin socket; ip_mc_join_group() refuses a
      // unicast one.
      if (ifa.flags & IFA_F.IFA_F_MCAUTOJOIN) {
        if (!isMulticast(ifa.address)) throw new KernelError('EINVAL', 'ipv4: Multicast auto join failed');
        throw new KernelError('EOPNOTSUPP', { message: 'nlsim: autojoin of a multicast address is not modelled yet', offset: tb[IFA.IFA_FLAGS]?.offset });
      }
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
    const tb = parseIfaddrMsg(ctx, IFA_IPV4_POLICY);
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

  #dump4(ctx: RequestContext): FamilyDump {
    const inet4 = this.#links(ctx).inet4;
    return addrFamilyDump(this.#links(ctx), ctx, IFA_IPV4_POLICY, 'ipv4: ', (dev) => (dev.inet ? dev.ifa4 : []), (chunk, ifa, flags) =>
      chunk.put(RTM.RTM_NEWADDR, (w) => fillInAddr(w, ifa as never, inet4.nowCs), flags),
    );
  }

}

/** validateAddrDump mirrors inet_valid_dump_ifaddr_req() / inet6_valid_dump_ifaddr_req(). */
function validateAddrDump(d: DumpState, policy: Policy, prefix: string): number {
  const payloadLen = d.requestMessage.length - 16;
  if (payloadLen < IFADDRMSG_LEN) throw new KernelError('EINVAL', `${prefix}Invalid header for address dump request`);
  const ifm = decodeIfAddrMsg(d.requestMessage, 16);
  if (ifm.prefixlen || ifm.flags || ifm.scope) throw new KernelError('EINVAL', `${prefix}Invalid values in header for address dump request`);
  if (ifm.index) d.answerFlags |= NLM_F_DUMP_FILTERED;
  const tb = parseIfaddrMsg({ message: d.requestMessage, extack: d.extack }, policy, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
  for (let i = 0; i <= IFA_MAX; i++) {
    if (!tb[i]) continue;
    if (i === IFA.IFA_TARGET_NETNSID) throw new KernelError('EOPNOTSUPP', 'nlsim: IFA_TARGET_NETNSID is not modelled yet');
    throw new KernelError('EINVAL', `${prefix}Unsupported attribute in dump request`);
  }
  return ifm.index;
}

/** addrFamilyDump builds one family's address dump over the devices, validated on the first round. */
export function addrFamilyDump(links: LinkTable, ctx: RequestContext, policy: Policy, prefix: string, each: (dev: NetDevice) => readonly unknown[], put: (chunk: DumpChunk, item: unknown, flags: number, dev: NetDevice) => boolean): FamilyDump {
  let validated = false;
  let ifindex = 0;
  return (chunk, d) => {
    if (!validated) {
      validated = true;
      if (d.strictCheck) {
        try {
          ifindex = validateAddrDump(d, policy, prefix);
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
