/**
 * IPv4 route requests: RTM_NEWROUTE, RTM_DELROUTE and RTM_GETROUTE (lookups and dumps) for
 * AF_INET (inet_rtm_newroute(), inet_rtm_delroute(), inet_rtm_getroute(), inet_dump_fib()),
 * and the dump filter and walk IPv6's dumps share (ip_valid_fib_dump_req()).
 */
import type { DumpChunk, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_DUMP_FILTERED } from '../../../sim/uapi/netlink.js';
import { type AttrView, NL_VALIDATE, nlmsgParse, parseAttrs, type Policy } from '../../../sim/wire/policy.js';
import type { NetDevice } from '../core/index.js';
import type { FamilyDump } from '../core/index.js';
import type { FibAlias, FibNh } from './fib4.js';
import { bindNexthopState, nexthopsOf } from './nexthop.js';
import { paths } from './nexthop-table.js';
import { fillFibAlias, fillRouteAnswer, RTCF_BROADCAST, RTCF_LOCAL } from './fib4-fill.js';
import { type FibConfig, fibValidKeyLen, gwFromVia } from './inet4.js';
import { INADDR_LOOPBACK, ipv4Read, isLbcast, isLoopback, isMulticast, isZeronet } from '../core/index.js';
import { decodeRtMsg, type RtMsg } from '../core/index.js';
import { RTNL_FLAG, type Rtnetlink } from '../core/index.js';
import { RTM_IPV4_POLICY } from './route-policy.js';
import type { LinkTable, NetworkState } from '../core/index.js';
import { AF_INET, IFA_F, RT_SCOPE, RT_TABLE, RTA, RTA_MAX, RTAX_MAX, RTM, RTM_F, RTMSG_LEN, RTN, RTNH_F } from '../core/uapi.js';

export type Tb = (AttrView | undefined)[];
const EMSGSIZE = -90;

/** parse mirrors nlmsg_parse_deprecated() (or _strict) with an rtmsg header. */
export function parseRtMsg(ctx: { message: Uint8Array; extack: object }, policy: Policy, level: number = NL_VALIDATE.NL_VALIDATE_LIBERAL): Tb {
  const r = nlmsgParse(ctx.message, RTMSG_LEN, policy, RTA_MAX, level);
  if (r.warning) Object.assign(ctx.extack, { message: r.warning });
  return r.attrs;
}

/** metricsOf mirrors ip_metrics_convert(): RTAX_* u32 values in type order, zeros dropped. */
export function metricsOf(message: Uint8Array, tb: Tb): [number, number][] | null {
  const nest = tb[RTA.RTA_METRICS];
  if (!nest) return null;
  const inner = parseAttrs(message.subarray(0, nest.offset + 4 + nest.length), nest.offset + 4, null, 0xffff, NL_VALIDATE.NL_VALIDATE_LIBERAL).attrs;
  const out: [number, number][] = [];
  for (let t = 1; t < inner.length; t++) {
    const a = inner[t];
    if (!a) continue;
    if (t > RTAX_MAX) throw new KernelError('EINVAL', 'Invalid metric type');
    if (t === 16) throw new KernelError('EOPNOTSUPP', 'nlsim: RTAX_CC_ALGO is not modelled yet');
    if (a.length !== 4) throw new KernelError('EINVAL', 'Invalid metric');
    let v = a.u32();
    if (t === 10 && v > 255) v = 255;
    if (v) out.push([t, v]);
  }
  return out.length ? out : null;
}

/** routeLinks is the requester's namespace, its nexthop objects bound (route requests of both families). */
export function routeLinks(state: NetworkState, ctx: RequestContext): LinkTable {
  const links = state.links(ctx.skb.sock.netns);
  nexthopsOf(links);
  return links;
}

/** RouteOps binds the IPv4 route handlers to one kernel's network state. */
export class RouteOps {
  readonly #state: NetworkState;

  constructor(state: NetworkState) {
    this.#state = state;
  }

  /** register installs the AF_INET handlers (ip_fib_init()) and binds the nexthop objects. */
  register(rtnl: Rtnetlink): void {
    const split = RTNL_FLAG.RTNL_FLAG_DUMP_SPLIT_NLM_DONE;
    bindNexthopState(rtnl, this.#state);
    rtnl.register(AF_INET, RTM.RTM_NEWROUTE, { doit: (ctx) => this.newRoute4(ctx) });
    rtnl.register(AF_INET, RTM.RTM_DELROUTE, { doit: (ctx) => this.delRoute4(ctx) });
    rtnl.register(AF_INET, RTM.RTM_GETROUTE, { doit: (ctx) => this.getRoute4(ctx), dumpit: (ctx) => ({ dump: this.#dump4(ctx) }), flags: split });
  }

  #links(ctx: RequestContext): LinkTable {
    return routeLinks(this.#state, ctx);
  }

  /** #config4 mirrors rtm_to_fib_config(). */
  #config4(ctx: RequestContext): FibConfig {
    // nlmsg_validate_deprecated(): a short header is a plain EINVAL, without nlmsg_parse()'s message.
    if (ctx.payload.length < RTMSG_LEN) throw new KernelError('EINVAL');
    const tb = parseRtMsg(ctx, RTM_IPV4_POLICY);
    const rtm = decodeRtMsg(ctx.payload);
    if (rtm.tos & 3) throw new KernelError('EINVAL', 'Invalid dsfield (tos): ECN bits must be 0');
    if (rtm.type > RTN.RTN_XRESOLVE) throw new KernelError('EINVAL', 'Invalid route type');
    for (const t of [RTA.RTA_ENCAP, RTA.RTA_ENCAP_TYPE]) {
      if (tb[t]) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: encapsulation is not modelled yet', offset: tb[t]!.offset });
    }
    // RTA_VIA (fib_gw_from_via()): an IPv4 or IPv6 gateway, never beside RTA_GATEWAY.
    let via: { gw: number; gw6: Uint8Array | null } | null = null;
    if (tb[RTA.RTA_VIA]) {
      if (tb[RTA.RTA_GATEWAY]) throw new KernelError('EINVAL', 'Nexthop configuration can not contain both GATEWAY and VIA');
      via = gwFromVia(tb[RTA.RTA_VIA]!.payload);
    }
    // fib_valid_key_len() comes before the nexthop checks (6.15 moved it from fib_table_insert()).
    fibValidKeyLen(tb[RTA.RTA_DST] ? ipv4Read(tb[RTA.RTA_DST]!.payload) : 0, rtm.dstLen);
    if (tb[RTA.RTA_NH_ID] && (tb[RTA.RTA_OIF]?.u32() || (tb[RTA.RTA_GATEWAY] && ipv4Read(tb[RTA.RTA_GATEWAY]!.payload)) || via || tb[RTA.RTA_MULTIPATH])) {
      throw new KernelError('EINVAL', 'Nexthop specification and nexthop id are mutually exclusive');
    }
    const ip = (t: number) => (tb[t] ? ipv4Read(tb[t]!.payload) : 0);
    return {
      dst: ip(RTA.RTA_DST),
      dstLen: rtm.dstLen,
      tos: rtm.tos,
      table: tb[RTA.RTA_TABLE]?.u32() || rtm.table || RT_TABLE.RT_TABLE_MAIN,
      protocol: rtm.protocol,
      scope: rtm.scope,
      type: rtm.type,
      flags: rtm.flags,
      nlflags: ctx.header.flags,
      oif: tb[RTA.RTA_OIF]?.u32() ?? 0,
      gw: via ? via.gw : ip(RTA.RTA_GATEWAY),
      gw6: via?.gw6 ?? null,
      priority: tb[RTA.RTA_PRIORITY]?.u32() ?? 0,
      prefsrc: ip(RTA.RTA_PREFSRC),
      metrics: metricsOf(ctx.message, tb),
      flow: tb[RTA.RTA_FLOW]?.u32() ?? 0,
      mp: tb[RTA.RTA_MULTIPATH] ? tb[RTA.RTA_MULTIPATH]!.payload : null,
      nhId: tb[RTA.RTA_NH_ID]?.u32() ?? 0,
    };
  }

  /** newRoute4 mirrors inet_rtm_newroute(). */
  newRoute4(ctx: RequestContext): void {
    const cfg = this.#config4(ctx);
    const inet4 = this.#links(ctx).inet4;
    inet4.insertRoute({ ks: ctx.kernelSocket, req: { portid: ctx.portid, header: ctx.header } }, inet4.fib.create(cfg.table), cfg);
  }

  /** delRoute4 mirrors inet_rtm_delroute(). */
  delRoute4(ctx: RequestContext): void {
    const cfg = this.#config4(ctx);
    const inet4 = this.#links(ctx).inet4;
    if (cfg.nhId && !inet4.nexthops.get(cfg.nhId)) throw new KernelError('EINVAL', 'Nexthop id does not exist');
    const tb = inet4.fib.get(cfg.table);
    if (!tb) throw new KernelError('ESRCH', 'FIB table does not exist');
    inet4.deleteRoute({ ks: ctx.kernelSocket, req: { portid: ctx.portid, header: ctx.header } }, tb, cfg);
  }

  /** getRoute4 mirrors inet_rtm_getroute() for output lookups (ip_route_output_key_hash_rcu()). */
  getRoute4(ctx: RequestContext): number {
    // inet_rtm_valid_getroute_req(): the header's length first, strict or not.
    if (ctx.payload.length < RTMSG_LEN) throw new KernelError('EINVAL', 'ipv4: Invalid header for route get request');
    const tb = ctx.strictCheck ? this.#validGetroute(ctx) : parseRtMsg(ctx, RTM_IPV4_POLICY);
    const rtm = decodeRtMsg(ctx.payload);
    if (tb[RTA.RTA_IIF]?.u32()) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: input route lookups (RTA_IIF) are not modelled yet', offset: tb[RTA.RTA_IIF]!.offset });
    const links = this.#links(ctx);
    const inet4 = links.inet4;
    // rt_fill_info() reports the destination asked for; the lookup may replace a missing one.
    const reqDst = tb[RTA.RTA_DST] ? ipv4Read(tb[RTA.RTA_DST]!.payload) : 0;
    let dst = reqDst;
    // ip_route_output_key_hash_rcu() with fl4.saddr: a source must be unicast (EINVAL) and
    // one of our addresses (__ip_dev_find(), else ENETUNREACH); the rules see it, and it
    // stays the route's source.
    const src = tb[RTA.RTA_SRC] ? ipv4Read(tb[RTA.RTA_SRC]!.payload) : 0;
    if (src) {
      if (isMulticast(src) || isLbcast(src) || isZeronet(src)) throw new KernelError('EINVAL');
      if (!links.list().some((d) => d.ifa4.some((a) => a.local === src))) throw new KernelError('ENETUNREACH');
    }
    const oif = tb[RTA.RTA_OIF]?.u32() ?? 0;
    const uid = tb[RTA.RTA_UID]?.u32() ?? ctx.skb.credentials.uid;
    const lo = links.list().find((d) => d.ifindex === 1)!;
    let table = RT_TABLE.RT_TABLE_MAIN as number;
    let saddr = 0;
    let devOut: NetDevice | undefined;
    if (oif) {
      devOut = links.byIndex(oif);
      if (!devOut) throw new KernelError('ENODEV');
      if (!(devOut.flags & 1) || !devOut.inet) throw new KernelError('ENETUNREACH');
    }
    let rtcf = 0;
    let type: number;
    let fa: FibAlias | undefined;
    let nh: FibNh | undefined;
    if (!dst) {
      dst = saddr = src || INADDR_LOOPBACK;
      devOut = lo;
      type = RTN.RTN_LOCAL;
      rtcf |= RTCF_LOCAL;
    } else {
      const r = inet4.lookup(dst, 0, oif, src);
      if (typeof r === 'string') throw new KernelError(r as never);
      if (!r) {
        if (!oif) throw new KernelError('ENETUNREACH');
        saddr = src || selectAddr(links, devOut!, 0, RT_SCOPE.RT_SCOPE_LINK);
        type = RTN.RTN_UNICAST;
      } else {
        fa = r.fa;
        if (rtm.flags & RTM_F.RTM_F_LOOKUP_TABLE) table = r.table;
        type = fa.type;
        // fib_select_path(): without an output device, a multipath route picks by hash.
        if (fa.nhs && !oif) nh = selectMultipath(links, fa, dst, src);
        else if (fa.nh && fa.nh.entries && fa.nh.entries.length > 1 && !oif) nh = selectNexthopPath(links, fa, dst, src);
        else nh = r.nh;
        if (type === RTN.RTN_LOCAL) {
          saddr = src || fa.prefsrc || dst;
          devOut = lo;
          rtcf |= RTCF_LOCAL;
        } else {
          devOut = nh ? nh.dev : fa.dev!;
          saddr = src || fa.prefsrc || selectAddr(links, devOut, nh ? nh.gw : fa.gw, fa.scope);
        }
      }
    }
    if (isLoopback(saddr) && !(devOut!.flags & 8)) throw new KernelError('EINVAL');
    if (isLbcast(dst)) type = RTN.RTN_BROADCAST;
    else if (isMulticast(dst)) type = RTN.RTN_MULTICAST;
    else if (isZeronet(dst)) throw new KernelError('EINVAL');
    if (devOut!.flags & 8) rtcf |= RTCF_LOCAL;
    if (type === RTN.RTN_BROADCAST) rtcf |= RTCF_BROADCAST | RTCF_LOCAL;
    if (rtm.flags & RTM_F.RTM_F_FIB_MATCH) {
      if (!fa) throw new KernelError('EHOSTUNREACH');
      const match = fa;
      return ctx.reply(ctx.encode(RTM.RTM_NEWROUTE, (w) => fillFibAlias(w, { ...match, tbId: table })));
    }
    // rt_set_nexthop(): rt_uses_gateway only for a gateway on a link; one inside a local
    // prefix (lo's, resolved through an RTN_LOCAL route of host scope) is not reported.
    const via = nh ?? fa;
    const gw = via && via.gw && via.nhScope === RT_SCOPE.RT_SCOPE_LINK && type !== RTN.RTN_BROADCAST ? via.gw : 0;
    const gw6 = type === RTN.RTN_UNICAST && via?.nhScope === RT_SCOPE.RT_SCOPE_LINK ? via.gw6 : undefined;
    const metrics = type === RTN.RTN_BROADCAST ? null : (fa?.metrics ?? null);
    return ctx.reply(
      ctx.encode(RTM.RTM_NEWROUTE, (w) =>
        fillRouteAnswer(w, { dst: reqDst, src, table, type, rtcf: rtcf | (rtm.flags & RTM_F.RTM_F_NOTIFY ? 0 : 0), oif: devOut!.ifindex, prefsrc: saddr, gw, metrics, uid, tos: rtm.tos, flow: type === RTN.RTN_UNICAST ? (via?.flow ?? 0) : 0, ...(gw6 ? { gw6 } : {}) }),
      ),
    );
  }

  /** #validGetroute mirrors inet_rtm_valid_getroute_req() (strict checking). */
  #validGetroute(ctx: RequestContext): Tb {
    if (ctx.payload.length < RTMSG_LEN) throw new KernelError('EINVAL', 'ipv4: Invalid header for route get request');
    const rtm = decodeRtMsg(ctx.payload);
    if ((rtm.srcLen && rtm.srcLen !== 32) || (rtm.dstLen && rtm.dstLen !== 32) || rtm.table || rtm.protocol || rtm.scope || rtm.type) {
      throw new KernelError('EINVAL', 'ipv4: Invalid values in header for route get request');
    }
    if (rtm.flags & ~(RTM_F.RTM_F_NOTIFY | RTM_F.RTM_F_LOOKUP_TABLE | RTM_F.RTM_F_FIB_MATCH)) throw new KernelError('EINVAL', 'ipv4: Invalid flags for route get request');
    const tb = parseRtMsg(ctx, RTM_IPV4_POLICY, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
    if ((tb[RTA.RTA_SRC] && !rtm.srcLen) || (tb[RTA.RTA_DST] && !rtm.dstLen)) throw new KernelError('EINVAL', 'ipv4: rtm_src_len and rtm_dst_len must be 32 for IPv4');
    const ok = [RTA.RTA_IIF, RTA.RTA_OIF, RTA.RTA_SRC, RTA.RTA_DST, RTA.RTA_IP_PROTO, RTA.RTA_SPORT, RTA.RTA_DPORT, RTA.RTA_MARK, RTA.RTA_UID, RTA.RTA_FLOWLABEL];
    for (let i = 0; i <= RTA_MAX; i++) if (tb[i] && !ok.includes(i as never)) throw new KernelError('EINVAL', 'ipv4: Unsupported attribute in route get request');
    return tb;
  }

  #dump4(ctx: RequestContext): FamilyDump {
    const fib = this.#links(ctx).inet4.fib;
    return fibFamilyDump<FibAlias>(
      this.#links(ctx),
      ctx,
      RTM_IPV4_POLICY,
      () => fib.tables().map((t) => ({ id: t.id, routes: () => t.aliases() })),
      (fa, f) => !f.set || ((!f.type || fa.type === f.type) && (!f.protocol || fa.protocol === f.protocol) && (!f.dev || (fa.nh ? paths(fa.nh).some((p) => p.info.dev === f.dev) : fa.nhs ? fa.nhs.some((nh) => nh.dev === f.dev) : fa.dev === f.dev))),
      (chunk, fa, flags) => chunk.put(RTM.RTM_NEWROUTE, (w) => fillFibAlias(w, fa), flags),
      'ipv4: FIB table does not exist',
      AF_INET,
    );
  }

}

/**
 * fibDumpFilter mirrors ip_valid_fib_dump_req() for strict requests (IPv6's inet6_dump_fib()
 * calls it too); nothing for others.
 */
export function fibDumpFilter(d: DumpState, policy: Policy, links: LinkTable): Filter {
  const f: Filter = { set: false, table: 0, protocol: 0, type: 0, dev: undefined, noRoutes: false };
  if (!d.strictCheck) {
    // Only RTM_F_PREFIX counts here: IPv4 dumps nothing with it, IPv6 only RA prefix
    // routes (RTF_PREFIX_RT), which nlsim does not make. RTM_F_CLONED dumps routes and
    // exceptions alike (probed on 6.18).
    if (d.requestMessage.length - 16 >= RTMSG_LEN) f.noRoutes = (decodeRtMsg(d.requestMessage, 16).flags & RTM_F.RTM_F_PREFIX) !== 0;
    return f;
  }
  if (d.requestMessage.length - 16 < RTMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for FIB dump request');
  const rtm: RtMsg = decodeRtMsg(d.requestMessage, 16);
  if (rtm.dstLen || rtm.srcLen || rtm.tos || rtm.scope) throw new KernelError('EINVAL', 'Invalid values in header for FIB dump request');
  if (rtm.flags & ~(RTM_F.RTM_F_CLONED | RTM_F.RTM_F_PREFIX)) throw new KernelError('EINVAL', 'Invalid flags for FIB dump request');
  // Strict: RTM_F_CLONED asks for the exceptions alone (dump_routes false), which nlsim has none of.
  f.noRoutes = (rtm.flags & (RTM_F.RTM_F_CLONED | RTM_F.RTM_F_PREFIX)) !== 0;
  f.protocol = rtm.protocol;
  f.type = rtm.type;
  f.table = rtm.table;
  const tb = parseRtMsg({ message: d.requestMessage, extack: d.extack }, policy, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
  let ifindex = 0;
  for (let i = 0; i <= RTA_MAX; i++) {
    if (!tb[i]) continue;
    if (i === RTA.RTA_TABLE) f.table = tb[i]!.u32();
    else if (i === RTA.RTA_OIF) ifindex = tb[i]!.u32();
    else throw new KernelError('EINVAL', 'Unsupported attribute in dump request');
  }
  if (ifindex) {
    f.dev = links.byIndex(ifindex);
    if (!f.dev) throw new KernelError('ENODEV');
  }
  if (rtm.flags || f.protocol || f.type || f.table || f.dev) {
    f.set = true;
    d.answerFlags |= NLM_F_DUMP_FILTERED;
  }
  return f;
}

/**
 * fibFamilyDump walks `tables` (with their routes in walk order) from the cursor in d.args,
 * putting what `filter` lets through; validation errors end the dump in NLMSG_DONE.
 */
export function fibFamilyDump<R>(
  links: LinkTable,
  ctx: RequestContext,
  policy: Policy,
  tables: () => { id: number; routes: () => readonly R[] }[],
  keep: (r: R, f: Filter) => boolean,
  put: (chunk: DumpChunk, r: R, flags: number) => boolean,
  missingTable: string,
  family: number,
): FamilyDump {
  let filter: Filter | undefined;
  return (chunk, d) => {
    if (!filter) {
      try {
        filter = fibDumpFilter(d, policy, links);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        Object.assign(d.extack, e.extack);
        return e.errno;
      }
    }
    const f = filter;
    if (f.noRoutes) return 0;
    let list = tables();
    if (f.table) {
      list = list.filter((t) => t.id === f.table);
      if (!list.length) {
        if (ctx.payload[0] !== family) return 0;
        Object.assign(d.extack, { message: missingTable });
        return -2; // ENOENT
      }
    }
    // fn_trie_dump_leaf() and rt6_dump_route() flag a route NLM_F_DUMP_FILTERED when a filter
    // is set or routes or exceptions are left out, and a strict request always leaves one
    // of them out (ip_valid_fib_dump_req() clears dump_exceptions without RTM_F_CLONED): so
    // every route of a strict dump is flagged, while NLMSG_DONE is only with a filter
    // (cb->answer_flags). Measured on 6.18.
    const flags = f.set || d.strictCheck ? NLM_F_DUMP_FILTERED : 0;
    for (let ti = (d.args[0] as number | undefined) ?? 0; ti < list.length; ti++) {
      const routes = list[ti]!.routes();
      for (let i = (d.args[1] as number | undefined) ?? 0; i < routes.length; i++) {
        const r = routes[i]!;
        if (keep(r, f) && !put(chunk, r, flags)) return chunk.length ? chunk.length : EMSGSIZE;
        d.args[1] = i + 1;
      }
      d.args[0] = ti + 1;
      d.args[1] = 0;
    }
    return 0;
  };
}

/**
 * selectMultipath mirrors fib_select_multipath(): the live nexthops share the hash space by
 * weight (fib_rebalance()'s upper bounds) and the flow's hash picks one; with a source
 * address, a nexthop whose preferred source it is wins.
 * @note Linux hashes the flow with a per-namespace random seed (fib_multipath_hash_seed), so
 * which nexthop it picks among several live ones cannot be reproduced; nlsim hashes the
 * addresses with a fixed seed. With one live nexthop both pick it.
 */
function selectMultipath(links: LinkTable, fa: FibAlias, daddr: number, saddr: number): FibNh | undefined {
  const live = fa.nhs!.filter((nh) => !(nh.flags & RTNH_F.RTNH_F_DEAD));
  const total = live.reduce((t, nh) => t + nh.weight, 0);
  let h = Math.imul((daddr ^ Math.imul(saddr, 0x9e3779b1)) >>> 0, 0x85ebca6b) >>> 1;
  h ^= h >>> 13;
  let w = 0;
  let res: FibNh | undefined;
  let found = false;
  for (const nh of live) {
    w += nh.weight;
    const upper = Math.round((w * 2 ** 31) / total) - 1;
    const mine = !saddr || selectAddr(links, nh.dev, nh.gw, fa.scope) === saddr;
    if (!found) {
      res = nh;
      found = mine;
    }
    if (h > upper) continue;
    if (mine) return nh;
    if (found) return res;
  }
  return res;
}

/**
 * selectNexthopPath mirrors nexthop_select_path_hthr() for a route's nexthop group: the members
 * share the hash space by weight and the flow's hash picks one.
 * @note As for multipath routes, Linux's hash has a random per-namespace seed; nlsim's is fixed.
 */
function selectNexthopPath(links: LinkTable, fa: FibAlias, daddr: number, saddr: number): FibNh | undefined {
  const nhs: FibNh[] = paths(fa.nh!).map((p) => ({ gw: p.info.gw?.length === 4 ? ipv4Read(p.info.gw) : 0, nhScope: p.info.nhScope, dev: p.info.dev, flags: 0, weight: p.weight, flow: 0, seenLinkdown: false }));
  return selectMultipath(links, { ...fa, nhs }, daddr, saddr);
}

/** Filter is struct fib_dump_filter. */
export interface Filter {
  set: boolean;
  table: number;
  protocol: number;
  type: number;
  dev: NetDevice | undefined;
  /** No route qualifies (RTM_F_PREFIX, or a strict RTM_F_CLONED: exceptions only). */
  noRoutes: boolean;
}

/**
 * selectAddr mirrors inet_select_addr(): the first primary address of `dev` within `scope`,
 * preferring one on the same subnet as `dst`; otherwise any other device's address below
 * link scope (lo first).
 */
export function selectAddr(links: LinkTable, dev: NetDevice, dst: number, scope: number): number {
  let addr = 0;
  for (const ifa of dev.ifa4) {
    if (ifa.flags & IFA_F.IFA_F_SECONDARY) continue;
    if (ifa.scope > scope) continue;
    if (!dst || ((dst ^ ifa.address) & ifa.mask) === 0) return ifa.local;
    if (!addr) addr = ifa.local;
  }
  if (addr) return addr;
  for (const d of links.list()) {
    for (const ifa of d.ifa4) {
      if (ifa.flags & IFA_F.IFA_F_SECONDARY) continue;
      if (ifa.scope !== RT_SCOPE.RT_SCOPE_LINK && ifa.scope <= scope) return ifa.local;
    }
  }
  return 0;
}
