/**
 * IPv6 route requests: RTM_NEWROUTE, RTM_DELROUTE and RTM_GETROUTE (lookups and dumps) for
 * AF_INET6 (inet6_rtm_newroute(), inet6_rtm_delroute(), inet6_rtm_getroute(),
 * inet6_dump_fib(), which filters as IPv4's does).
 */
import { KernelError } from '../../../sim/errors.js';
import type { AttrView } from '../../../sim/wire/policy.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NL_VALIDATE } from '../../../sim/wire/policy.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import type { FamilyDump } from '../core/index.js';
import { decodeRtMsg } from '../core/index.js';
import { RTNL_FLAG, type Rtnetlink } from '../core/index.js';
import type { LinkTable, NetworkState } from '../core/index.js';
import { AF_INET6, RTA, RTA_MAX, RTM, RTM_F, RTMSG_LEN, RTN } from '../core/uapi.js';
import { paths } from '../ipv4/index.js';
import { fibFamilyDump, metricsOf, parseRtMsg, routeLinks } from '../ipv4/index.js';
import { RTM_IPV6_POLICY } from '../ipv4/index.js';
import { fillRt6, fillRt6Answer, RTF, type Rt6Config } from './inet6.js';

type Tb = (AttrView | undefined)[];

/** Route6Ops binds the IPv6 route handlers to one kernel's network state. */
export class Route6Ops {
  readonly #state: NetworkState;

  constructor(state: NetworkState) {
    this.#state = state;
  }

  /** register installs the AF_INET6 handlers (ip6_route_init()). */
  register(rtnl: Rtnetlink): void {
    const split = RTNL_FLAG.RTNL_FLAG_DUMP_SPLIT_NLM_DONE;
    rtnl.register(AF_INET6, RTM.RTM_NEWROUTE, { doit: (ctx) => this.newRoute6(ctx) });
    rtnl.register(AF_INET6, RTM.RTM_DELROUTE, { doit: (ctx) => this.delRoute6(ctx) });
    rtnl.register(AF_INET6, RTM.RTM_GETROUTE, { doit: (ctx) => this.getRoute6(ctx), dumpit: (ctx) => ({ dump: this.#dump6(ctx) }), flags: split });
  }

  #links(ctx: RequestContext): LinkTable {
    return routeLinks(this.#state, ctx);
  }

  /** getRoute6 mirrors inet6_rtm_getroute() for output lookups. */
  getRoute6(ctx: RequestContext): number {
    if (ctx.payload.length < RTMSG_LEN) throw new KernelError('EINVAL', 'ipv6: Invalid header for get route request');
    let tb: Tb;
    const rtm = decodeRtMsg(ctx.payload);
    if (ctx.strictCheck) {
      if ((rtm.srcLen && rtm.srcLen !== 128) || (rtm.dstLen && rtm.dstLen !== 128) || rtm.table || rtm.protocol || rtm.scope || rtm.type) {
        throw new KernelError('EINVAL', 'ipv6: Invalid values in header for get route request');
      }
      if (rtm.flags & ~RTM_F.RTM_F_FIB_MATCH) throw new KernelError('EINVAL', 'ipv6: Invalid flags for get route request');
      tb = parseRtMsg(ctx, RTM_IPV6_POLICY, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
      if ((tb[RTA.RTA_SRC] && !rtm.srcLen) || (tb[RTA.RTA_DST] && !rtm.dstLen)) throw new KernelError('EINVAL', 'ipv6: rtm_src_len and rtm_dst_len must be 128 for IPv6');
      const ok = [RTA.RTA_SRC, RTA.RTA_DST, RTA.RTA_IIF, RTA.RTA_OIF, RTA.RTA_MARK, RTA.RTA_UID, RTA.RTA_IP_PROTO, RTA.RTA_SPORT, RTA.RTA_DPORT];
      for (let i = 0; i <= RTA_MAX; i++) if (tb[i] && !ok.includes(i as never)) throw new KernelError('EINVAL', 'ipv6: Unsupported attribute in get route request');
    } else tb = parseRtMsg(ctx, RTM_IPV6_POLICY);
    for (const t of [RTA.RTA_SRC, RTA.RTA_DST]) if (tb[t] && tb[t]!.length < 16) throw new KernelError('EINVAL');
    for (const t of [RTA.RTA_IIF, RTA.RTA_SRC, RTA.RTA_MARK]) {
      if (tb[t]) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: input lookups, RTA_SRC and marks in IPv6 route lookups are not modelled yet', offset: tb[t]!.offset });
    }
    const dst = new Uint8Array(16);
    if (tb[RTA.RTA_DST]) dst.set(tb[RTA.RTA_DST]!.payload.subarray(0, 16));
    const oif = tb[RTA.RTA_OIF]?.u32() ?? 0;
    const links = this.#links(ctx);
    const inet6 = links.inet6;
    const r = inet6.lookup(dst, oif);
    if (typeof r === 'string') throw new KernelError(r as never);
    if (!r) throw new KernelError('ENETUNREACH');
    if (rtm.flags & RTM_F.RTM_F_FIB_MATCH) return ctx.reply(ctx.encode(RTM.RTM_NEWROUTE, (w) => fillRt6(w, r, inet6.nowMs)));
    const dev = r.type === RTN.RTN_LOCAL ? links.list().find((d) => d.flags & 8)! : r.dev;
    const prefsrc = inet6.selectSaddr(dst, dev);
    return ctx.reply(ctx.encode(RTM.RTM_NEWROUTE, (w) => fillRt6Answer(w, r, dst, new Uint8Array(16), prefsrc, dev)));
  }

  #dump6(ctx: RequestContext): FamilyDump {
    const inet6 = this.#links(ctx).inet6;
    const fib = inet6.fib;
    return fibFamilyDump(
      this.#links(ctx),
      ctx,
      RTM_IPV6_POLICY,
      () => fib.tables().map((t) => ({ id: t.id, routes: () => t.routes() })),
      // fib6_dump_node(): a multipath route is dumped once, from its first sibling, with them all.
      (rt, f) =>
        (!rt.siblings || rt.siblings[0] === rt) &&
        (!f.set || ((!f.type || rt.type === f.type) && (!f.protocol || rt.protocol === f.protocol) && (!f.dev || (rt.nh ? paths(rt.nh).some((p) => p.info.dev === f.dev) : (rt.siblings ?? [rt]).some((x) => x.dev === f.dev))))),
      (chunk, rt, flags) => chunk.put(RTM.RTM_NEWROUTE, (w) => fillRt6(w, rt, inet6.nowMs), flags),
      'ipv6: FIB table does not exist',
      AF_INET6,
    );
  }

  /** #config6 mirrors rtm_to_fib6_config(). */
  #config6(ctx: RequestContext): Rt6Config {
    const tb = parseRtMsg(ctx, RTM_IPV6_POLICY);
    const rtm = decodeRtMsg(ctx.payload);
    if (rtm.tos) throw new KernelError('EINVAL', 'Invalid dsfield (tos): option not available for IPv6');
    if (tb[RTA.RTA_VIA]) throw new KernelError('EINVAL', 'IPv6 does not support RTA_VIA attribute');
    if (tb[RTA.RTA_NH_ID] && (tb[RTA.RTA_GATEWAY] || tb[RTA.RTA_OIF] || tb[RTA.RTA_MULTIPATH] || tb[RTA.RTA_ENCAP])) {
      throw new KernelError('EINVAL', 'Nexthop specification and nexthop id are mutually exclusive');
    }
    for (const t of [RTA.RTA_ENCAP, RTA.RTA_ENCAP_TYPE, RTA.RTA_SRC, RTA.RTA_EXPIRES]) {
      if (tb[t]) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: encapsulation, source routes and expiry are not modelled yet', offset: tb[t]!.offset });
    }
    let flags = RTF.RTF_UP as number;
    if (rtm.type === RTN.RTN_UNREACHABLE || rtm.type === RTN.RTN_BLACKHOLE || rtm.type === RTN.RTN_PROHIBIT || rtm.type === RTN.RTN_THROW) flags |= RTF.RTF_REJECT;
    if (rtm.type === RTN.RTN_LOCAL) flags |= RTF.RTF_LOCAL;
    if (rtm.flags & RTM_F.RTM_F_CLONED) flags |= RTF.RTF_CACHE;
    const dst = new Uint8Array(16);
    if (tb[RTA.RTA_DST]) {
      const bytes = (rtm.dstLen + 7) >> 3;
      if (tb[RTA.RTA_DST]!.length < bytes) throw new KernelError('EINVAL');
      dst.set(tb[RTA.RTA_DST]!.payload.subarray(0, Math.min(bytes, 16)));
    }
    const gw = tb[RTA.RTA_GATEWAY] ? tb[RTA.RTA_GATEWAY]!.payload.slice(0, 16) : null;
    if (gw) flags |= RTF.RTF_GATEWAY;
    return {
      dst,
      dstLen: rtm.dstLen,
      table: tb[RTA.RTA_TABLE]?.u32() || rtm.table,
      protocol: rtm.protocol,
      type: rtm.type,
      metric: tb[RTA.RTA_PRIORITY]?.u32() ?? 0,
      oif: tb[RTA.RTA_OIF]?.u32() ?? 0,
      gw,
      // An all-zero RTA_PREFSRC is none (ip6_route_info_create() checks only a non-any one).
      prefsrc: tb[RTA.RTA_PREFSRC] && tb[RTA.RTA_PREFSRC]!.payload.subarray(0, 16).some((b) => b !== 0) ? tb[RTA.RTA_PREFSRC]!.payload.slice(0, 16) : null,
      flags,
      nhFlags: rtm.flags & 4,
      pref: tb[RTA.RTA_PREF]?.u8() ?? 0,
      metrics: metricsOf(ctx.message, tb),
      nlflags: ctx.header.flags,
      mp: tb[RTA.RTA_MULTIPATH] ? tb[RTA.RTA_MULTIPATH]!.payload : null,
      nhId: tb[RTA.RTA_NH_ID]?.u32() ?? 0,
    };
  }

  /** newRoute6 mirrors inet6_rtm_newroute() → ip6_route_add(). */
  newRoute6(ctx: RequestContext): void {
    const cfg = this.#config6(ctx);
    // (The route type is checked per route, in ip6_route_info_create(): after the multipath checks.)
    const n = { ks: ctx.kernelSocket, req: { portid: ctx.portid, header: ctx.header } };
    if (cfg.mp) this.#links(ctx).inet6.multipathAdd(n, cfg, (flags) => viewOf(ctx.message).setUint16(6, flags, HOST_LE));
    else this.#links(ctx).inet6.addRoute(n, cfg);
  }

  /** delRoute6 mirrors inet6_rtm_delroute() → ip6_route_del(). */
  delRoute6(ctx: RequestContext): void {
    const cfg = this.#config6(ctx);
    const n = { ks: ctx.kernelSocket, req: { portid: ctx.portid, header: ctx.header } };
    if (cfg.mp) this.#links(ctx).inet6.multipathDel(n, cfg);
    else this.#links(ctx).inet6.delRoute(n, cfg);
  }
}
