/**
 * Nexthop requests (net/ipv4/nexthop.c): RTM_NEWNEXTHOP (rtm_new_nexthop()), RTM_DELNEXTHOP
 * (rtm_del_nexthop()), RTM_GETNEXTHOP (rtm_get_nexthop(), rtm_dump_nexthop() with its oif,
 * master, groups and family filters) and RTM_GETNEXTHOPBUCKET (rtm_get_nexthop_bucket(),
 * rtm_dump_nexthop_bucket()) over the namespace's nexthop table (nexthop-table.ts).
 *
 * @note Modelled: single IPv4/IPv6 nexthops (gateway and device, device, blackhole) and
 * hash-threshold groups, their replacement, and their removal with a device that goes down,
 * away or loses its carrier. Refused with EOPNOTSUPP: resilient groups (so bucket requests
 * only ever find none), fdb nexthops, encapsulation and hardware statistics. nexthop.c always
 * parses strictly (nlmsg_parse()), with and without NETLINK_GET_STRICT_CHK.
 */
import type { DumpControl, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, parseAttrs, type Policy } from '../../../sim/wire/policy.js';
import { NLM_F_CREATE, NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import type { NetDevice } from '../core/index.js';
import type { Rtnetlink } from '../core/index.js';
import type { NetworkState } from '../core/index.js';
import { AF_INET, AF_INET6, IFF, RT_SCOPE, RTM, RTNH_F } from '../core/uapi.js';
import { fibCheckNexthop, fillNexthop, hasV4, NHA, numPaths, type Nexthop, type NexthopTable, type NhInfo } from './nexthop-table.js';
import type { Notifier } from '../core/index.js';
import type { LinkTable } from '../core/index.js';
import type { DumpChunk } from '../../../sim/dump.js';

export { NHA } from './nexthop-table.js';

/** NHA_RES_BUCKET_* (linux/nexthop.h; PAD shares 0 with UNSPEC): the attributes nested in NHA_RES_BUCKET. */
const NHA_RES_BUCKET_INDEX = 1;
const NHA_RES_BUCKET_NH_ID = 3;
/** sizeof(struct nhmsg). */
export const NHMSG_LEN = 8;
/** NHA_OP_FLAGS_DUMP_ALL: NHA_OP_FLAG_DUMP_STATS | NHA_OP_FLAG_DUMP_HW_STATS. */
const NHA_OP_FLAGS_DUMP_ALL = 0x3;
const INT_MAX = 0x7fffffff;
const STRICT = NL_VALIDATE.NL_VALIDATE_STRICT;

/** policyOf builds a policy array of `maxtype` + 1 entries (ARRAY_SIZE()), entry 0 starting strict checks at 1. */
function policyOf(maxtype: number, entries: [number, Policy[number]][]): Policy {
  const p: Policy[number][] = new Array(maxtype + 1).fill(undefined);
  p[0] = { type: NLA.NLA_UNSPEC, strictStartType: 1 };
  for (const [t, e] of entries) p[t] = e;
  return p;
}

const U32 = { type: NLA.NLA_U32 } as const;
const OP_FLAGS = { type: NLA.NLA_U32, mask: NHA_OP_FLAGS_DUMP_ALL } as const;
/** rtm_nh_policy_get, rtm_nh_policy_del, rtm_nh_policy_dump, rtm_nh_policy_dump_bucket, rtm_nh_policy_get_bucket. */
const POLICY_GET = policyOf(NHA.NHA_OP_FLAGS, [[NHA.NHA_ID, U32], [NHA.NHA_OP_FLAGS, OP_FLAGS]]);
const POLICY_DEL = policyOf(NHA.NHA_ID, [[NHA.NHA_ID, U32]]);
const POLICY_DUMP = policyOf(NHA.NHA_OP_FLAGS, [
  [NHA.NHA_OIF, U32], [NHA.NHA_GROUPS, { type: NLA.NLA_FLAG }], [NHA.NHA_MASTER, U32], [NHA.NHA_FDB, { type: NLA.NLA_FLAG }], [NHA.NHA_OP_FLAGS, OP_FLAGS],
]);
const RES_BUCKET_DUMP = policyOf(NHA_RES_BUCKET_NH_ID, [[NHA_RES_BUCKET_NH_ID, U32]]);
const RES_BUCKET_GET = policyOf(NHA_RES_BUCKET_INDEX, [[NHA_RES_BUCKET_INDEX, { type: NLA.NLA_U16 }]]);
const POLICY_DUMP_BUCKET = policyOf(NHA.NHA_RES_BUCKET, [
  [NHA.NHA_ID, U32], [NHA.NHA_OIF, U32], [NHA.NHA_MASTER, U32], [NHA.NHA_RES_BUCKET, { type: NLA.NLA_NESTED }],
]);
const POLICY_GET_BUCKET = policyOf(NHA.NHA_RES_BUCKET, [[NHA.NHA_ID, U32], [NHA.NHA_RES_BUCKET, { type: NLA.NLA_NESTED }]]);

type Tb = (AttrView | undefined)[];

/** parse mirrors nlmsg_parse() with sizeof(struct nhmsg): strict, whatever the socket asked. */
function parse(message: Uint8Array, policy: Policy): Tb {
  return nlmsgParse(message, NHMSG_LEN, policy, policy.length - 1, STRICT).attrs;
}

/** parseNested mirrors nla_parse_nested() of `attr` in `message`: strict; offsets count from the message. */
function parseNested(message: Uint8Array, attr: AttrView, policy: Policy): Tb {
  return parseAttrs(message.subarray(0, attr.offset + 4 + attr.length), attr.offset + 4, policy, policy.length - 1, STRICT).attrs;
}

/** headerClean is true when nh_protocol, resvd, nh_scope and nh_flags are all zero. */
function headerClean(message: Uint8Array): boolean {
  const p = message.subarray(16);
  return !p[1] && !p[2] && !p[3] && !viewOf(p).getUint32(4, HOST_LE);
}

/** validGetDel mirrors nh_valid_get_del_req(): the header, then a non-zero NHA_ID. */
function validGetDel(message: Uint8Array, tb: Tb): number {
  if (!headerClean(message)) throw new KernelError('EINVAL', 'Invalid values in header');
  if (!tb[NHA.NHA_ID]) throw new KernelError('EINVAL', 'Nexthop id is missing');
  const id = tb[NHA.NHA_ID]!.u32();
  if (!id) throw new KernelError('EINVAL', 'Invalid nexthop id');
  return id;
}

/** validDumpCommon mirrors __nh_valid_dump_req(): device and master indexes, then the header. */
function validDumpCommon(message: Uint8Array, tb: Tb): void {
  if (tb[NHA.NHA_OIF] && tb[NHA.NHA_OIF]!.u32() > INT_MAX) throw new KernelError('EINVAL', 'Invalid device index');
  if (tb[NHA.NHA_MASTER] && tb[NHA.NHA_MASTER]!.u32() > INT_MAX) throw new KernelError('EINVAL', 'Invalid master device index');
  if (!headerClean(message)) throw new KernelError('EINVAL', 'Invalid values in header for nexthop dump request');
}

/**
 * emptyDump runs `validate` on the first round (errors end the dump in NLMSG_DONE, as the
 * dumpit returns them) and puts nothing: the namespace has no nexthop objects.
 */
function emptyDump(validate: (d: DumpState) => void): DumpControl {
  return {
    dump: (_chunk, d) => {
      try {
        validate(d);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        Object.assign(d.extack, e.extack);
        return e.errno;
      }
      return 0;
    },
  };
}

/** States of the namespaces, by the rtnetlink instance they serve (RouteOps.register() binds it). */
const states = new WeakMap<Rtnetlink, NetworkState>();

/** bindNexthopState gives the nexthop handlers of `rtnl` the network state they work on. */
export function bindNexthopState(rtnl: Rtnetlink, state: NetworkState): void {
  states.set(rtnl, state);
}

/** nexthopsOf is the namespace's nexthop table, wired to its IPv4 and (through the IPv6 stub) IPv6 routes. */
export function nexthopsOf(links: LinkTable): NexthopTable {
  const table = links.inet4.nexthops;
  const ipv6 = links.inet4.ipv6Stub!;
  table.hooks ??= {
    flush4: (nh) => links.inet4.flushNexthopRoutes(nh),
    delete6: (nh) => ipv6.deleteNexthopRoutes(nh),
    scopes4: (nh) => links.inet4.nexthopScopes(nh),
    used6: (nh) => ipv6.nexthopRoutes(nh).length > 0,
    replaced: (nh, n) => {
      links.inet4.notifyNexthopRoutes(nh, n);
      ipv6.notifyNexthopRoutes(nh, n);
    },
  };
  return table;
}

/** registerNexthop installs nexthop_init()'s handlers (PF_INET and PF_INET6 fall back to PF_UNSPEC's). */
export function registerNexthop(rtnl: Rtnetlink): void {
  const table = (ctx: { skb: { sock: { netns: never } }; kernelSocket: RequestContext['kernelSocket'] }) => {
    const links = states.get(rtnl)!.links(ctx.skb.sock.netns);
    return { links, nexthops: nexthopsOf(links) };
  };
  rtnl.register(0, RTM.RTM_NEWNEXTHOP, { doit: (ctx) => newNexthop(ctx, table(ctx as never).links) });
  rtnl.register(0, RTM.RTM_DELNEXTHOP, {
    doit: (ctx) => {
      const id = validGetDel(ctx.message, parse(ctx.message, POLICY_DEL));
      const t = table(ctx as never).nexthops;
      const nh = t.get(id);
      if (!nh) throw new KernelError('ENOENT');
      t.remove(nh, notifierOf(ctx));
      return 0;
    },
  });
  rtnl.register(0, RTM.RTM_GETNEXTHOP, {
    doit: (ctx) => {
      const tb = parse(ctx.message, POLICY_GET);
      const id = validGetDel(ctx.message, tb);
      const nh = table(ctx as never).nexthops.get(id);
      if (!nh) throw new KernelError('ENOENT');
      const opFlags = tb[NHA.NHA_OP_FLAGS]?.u32() ?? 0;
      return ctx.reply(ctx.encode(RTM.RTM_NEWNEXTHOP, (w) => fillNexthop(w, nh, opFlags)));
    },
    dumpit: (ctx) => dumpNexthops(table(ctx as never)),
  });
  rtnl.register(0, RTM.RTM_GETNEXTHOPBUCKET, { doit: (ctx) => getBucket(ctx, table(ctx as never).nexthops), dumpit: (ctx) => emptyDump((d) => validDumpBucket(d, table(ctx as never).nexthops)) });
}

/** notifierOf is the requester rtnl_notify() reports to. */
function notifierOf(ctx: RequestContext): Notifier {
  return { ks: ctx.kernelSocket, req: { portid: ctx.portid, header: ctx.header } };
}

/**
 * dumpNexthops mirrors rtm_dump_nexthop(): the request checked (nh_valid_dump_req(), errors
 * in NLMSG_DONE), then the nexthops in id order from the cursor, filtered by
 * nh_dump_filtered(): groups only with NHA_GROUPS; a device, master or family filter keeps
 * only single nexthops that match (NHA_FDB is accepted and ignored).
 */
function dumpNexthops(t: { links: LinkTable; nexthops: NexthopTable }): DumpControl {
  let filter: { dev: number; master: number; groups: boolean; family: number; opFlags: number } | undefined;
  return {
    dump: (chunk: DumpChunk, d: DumpState) => {
      if (!filter) {
        try {
          const tb = parse(d.requestMessage, POLICY_DUMP);
          validDumpCommon(d.requestMessage, tb);
          filter = {
            dev: tb[NHA.NHA_OIF]?.u32() ?? 0,
            master: tb[NHA.NHA_MASTER]?.u32() ?? 0,
            groups: tb[NHA.NHA_GROUPS] !== undefined,
            family: d.requestMessage[16] ?? 0,
            opFlags: tb[NHA.NHA_OP_FLAGS]?.u32() ?? 0,
          };
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
          Object.assign(d.extack, e.extack);
          return e.errno;
        }
      }
      const f = filter;
      const from = (d.args[0] as number | undefined) ?? 0;
      for (const nh of t.nexthops.list()) {
        if (nh.id < from) continue;
        d.args[0] = nh.id;
        if (filtered(nh, f)) continue;
        if (!chunk.put(RTM.RTM_NEWNEXTHOP, (w) => fillNexthop(w, nh, f.opFlags), 0)) return chunk.length ? chunk.length : -90;
      }
      d.args[0] = 0xffffffff + 1;
      return 0;
    },
  };
}

/** filtered mirrors nh_dump_filtered(). */
function filtered(nh: Nexthop, f: { dev: number; master: number; groups: boolean; family: number }): boolean {
  if (f.groups && !nh.entries) return true;
  if (!f.dev && !f.master && !f.family) return false;
  if (nh.entries) return true;
  const info = nh.info!;
  if (f.family && info.family !== f.family) return true;
  if (f.dev && info.dev.ifindex !== f.dev) return true;
  if (f.master && info.dev.master?.ifindex !== f.master) return true;
  return false;
}

/** POLICY_NEW is rtm_nh_policy_new. */
const POLICY_NEW = policyOf(NHA.NHA_HW_STATS_ENABLE, [
  [NHA.NHA_ID, U32], [NHA.NHA_GROUP, { type: NLA.NLA_BINARY }], [NHA.NHA_GROUP_TYPE, { type: NLA.NLA_U16 }], [NHA.NHA_BLACKHOLE, { type: NLA.NLA_FLAG }],
  [NHA.NHA_OIF, U32], [NHA.NHA_GATEWAY, { type: NLA.NLA_BINARY }], [NHA.NHA_ENCAP_TYPE, { type: NLA.NLA_U16 }], [NHA.NHA_ENCAP, { type: NLA.NLA_NESTED }],
  [NHA.NHA_FDB, { type: NLA.NLA_FLAG }], [NHA.NHA_RES_GROUP, { type: NLA.NLA_NESTED }], [NHA.NHA_HW_STATS_ENABLE, { type: NLA.NLA_U32, max: 1 }],
]);

/**
 * newNexthop mirrors rtm_new_nexthop(): rtm_to_nh_config() (header, family, attribute
 * combinations), rtm_to_nh_config_rtnl() (group members exist and mix well; the device is
 * up with a carrier), then nexthop_add(): an id if none was given, the nexthop made
 * (nh_create_ipv4()/nh_create_ipv6(), or the group) and inserted (insert_nexthop():
 * EEXIST, and RTM_NEWNEXTHOP with the request's flags).
 */
function newNexthop(ctx: RequestContext, links: LinkTable): number {
  const msg = ctx.message;
  const tb = parse(msg, POLICY_NEW);
  const p = msg.subarray(16);
  const family = p[0]!;
  const scope = p[1]!;
  const protocol = p[2]!;
  const resvd = p[3]!;
  const flags = viewOf(p).getUint32(4, HOST_LE);
  if (resvd || scope) throw new KernelError('EINVAL', 'Invalid values in ancillary header');
  if (flags & ~RTNH_F.RTNH_F_ONLINK) throw new KernelError('EINVAL', 'Invalid nexthop flags in ancillary header');
  if (!(family === AF_INET || family === AF_INET6 || (family === 0 && tb[NHA.NHA_GROUP]))) throw new KernelError('EINVAL', 'Invalid address family');
  const id = tb[NHA.NHA_ID]?.u32() ?? 0;
  const refuse = (t: number, what: string) => {
    if (tb[t]) throw new KernelError('EOPNOTSUPP', { message: `nlsim: ${what} are not modelled yet`, offset: tb[t]!.offset });
  };
  if (tb[NHA.NHA_FDB]) {
    if (tb[NHA.NHA_OIF] || tb[NHA.NHA_BLACKHOLE] || tb[NHA.NHA_ENCAP] || tb[NHA.NHA_ENCAP_TYPE]) throw new KernelError('EINVAL', 'Fdb attribute can not be used with encap, oif or blackhole');
    if (flags) throw new KernelError('EINVAL', 'Unsupported nexthop flags in ancillary header');
    refuse(NHA.NHA_FDB, 'fdb nexthops');
  }
  let group: { id: number; weight: number }[] | null = null;
  if (tb[NHA.NHA_GROUP]) {
    if (family !== 0) throw new KernelError('EINVAL', 'Invalid family for group');
    const type = tb[NHA.NHA_GROUP_TYPE]?.u16() ?? 0;
    if (type > 1) throw new KernelError('EINVAL', 'Invalid group type');
    group = checkGroupAttr(tb, type);
    if (type === 1) refuse(NHA.NHA_GROUP_TYPE, 'resilient nexthop groups');
    refuse(NHA.NHA_HW_STATS_ENABLE, 'nexthop hardware statistics');
  } else if (tb[NHA.NHA_BLACKHOLE]) {
    if (tb[NHA.NHA_GATEWAY] || tb[NHA.NHA_OIF] || tb[NHA.NHA_ENCAP] || tb[NHA.NHA_ENCAP_TYPE] || tb[NHA.NHA_FDB]) {
      throw new KernelError('EINVAL', 'Blackhole attribute can not be used with gateway, oif, encap or fdb');
    }
  } else {
    if (!tb[NHA.NHA_OIF]) throw new KernelError('EINVAL', 'Device attribute required for non-blackhole and non-fdb nexthops');
    const gwa = tb[NHA.NHA_GATEWAY];
    if (gwa) {
      if (gwa.length !== (family === AF_INET ? 4 : 16)) throw new KernelError('EINVAL', 'Invalid gateway');
    } else if (flags & RTNH_F.RTNH_F_ONLINK) throw new KernelError('EINVAL', 'ONLINK flag can not be set for nexthop without a gateway');
    if (tb[NHA.NHA_ENCAP]) {
      if (!tb[NHA.NHA_ENCAP_TYPE]) throw new KernelError('EINVAL', 'LWT encapsulation type is missing');
      refuse(NHA.NHA_ENCAP, 'nexthop encapsulations');
    } else if (tb[NHA.NHA_ENCAP_TYPE]) throw new KernelError('EINVAL', 'LWT encapsulation attribute is missing');
    if (tb[NHA.NHA_HW_STATS_ENABLE]) throw new KernelError('EINVAL', 'Cannot enable nexthop hardware statistics for non-group nexthops');
  }
  const nlflags = ctx.header.flags;
  if (nlflags & NLM_F_REPLACE && !id) throw new KernelError('EINVAL', 'Replace requires nexthop id');
  const nexthops = nexthopsOf(links);
  // rtm_to_nh_config_rtnl()
  let dev: NetDevice | undefined;
  if (group) checkGroupRtnl(nexthops, group);
  else if (tb[NHA.NHA_OIF]) {
    const ifindex = tb[NHA.NHA_OIF]!.u32();
    dev = ifindex ? links.byIndex(ifindex) : undefined;
    if (!dev) throw new KernelError('EINVAL', 'Invalid device index');
    if (!(dev.flags & IFF.IFF_UP)) throw new KernelError('ENETDOWN', 'Nexthop device is not up');
    if (!dev.carrier) throw new KernelError('ENETDOWN', 'Carrier for nexthop device is down');
  }
  // nexthop_add()
  let nhId = id;
  if (!nhId) {
    nhId = nexthops.unusedId();
    if (!nhId) throw new KernelError('EINVAL', 'No unused id');
  }
  let nh: Nexthop;
  if (group) {
    nh = { id: nhId, protocol, flags: 0, info: null, entries: group.map((g) => ({ nh: nexthops.get(g.id)!, weight: g.weight })), groups: [] };
  } else {
    const info = createInfo(links, family, tb[NHA.NHA_BLACKHOLE] !== undefined, dev, tb[NHA.NHA_GATEWAY]?.payload ?? null, flags);
    nh = { id: nhId, protocol, flags: info.flags, info: info.info, entries: null, groups: [] };
  }
  // insert_nexthop()
  const old = nexthops.get(nhId);
  if (old) {
    if (!(nlflags & NLM_F_REPLACE)) throw new KernelError('EEXIST');
    replaceNexthop(nexthops, old, nh);
    nexthops.notify(notifierOf(ctx), RTM.RTM_NEWNEXTHOP, old);
    // nexthop_replace_notify() (nexthop_compat_mode): the routes using it, then those using its groups.
    nexthops.hooks!.replaced(old, notifierOf(ctx));
    for (const g of old.groups) nexthops.hooks!.replaced(g, notifierOf(ctx));
    return 0;
  }
  if (nlflags & NLM_F_REPLACE && !(nlflags & NLM_F_CREATE)) throw new KernelError('ENOENT', 'Replace specified without create and no entry exists');
  nexthops.insert(nh);
  nexthops.notify(notifierOf(ctx), RTM.RTM_NEWNEXTHOP, nh);
  return 0;
}

/**
 * replaceNexthop mirrors replace_nexthop(): the routes using the nexthop, and those using
 * its groups, must accept the new one (fib_check_nh_list(), fib6_check_nh_list()); a
 * blackhole may not join a group of several paths; a group stays a group, a nexthop a nexthop.
 */
function replaceNexthop(nexthops: NexthopTable, old: Nexthop, nw: Nexthop): void {
  const hooks = nexthops.hooks!;
  const check = (user: Nexthop) => {
    for (const scope of hooks.scopes4(user)) fibCheckNexthop(nw, scope);
    if (hooks.used6(user) && hasV4(nw)) throw new KernelError('EINVAL', 'IPv6 routes can not use an IPv4 nexthop');
  };
  check(old);
  const reject = !nw.entries && nw.info!.reject;
  for (const g of old.groups) {
    if (reject && numPaths(g) > 1) throw new KernelError('EINVAL', 'Blackhole nexthop can not be a member of a group with more than one path');
    check(g);
  }
  if (old.entries && !nw.entries) throw new KernelError('EINVAL', 'Can not replace a nexthop group with a nexthop.');
  if (!old.entries && nw.entries) throw new KernelError('EINVAL', 'Can not replace a nexthop with a nexthop group.');
  nexthops.replace(old, nw);
}

/** checkGroupAttr mirrors nh_check_attr_group(): whole nexthop_grp entries, valid weights, no repeats, no other attributes. */
function checkGroupAttr(tb: Tb, type: number): { id: number; weight: number }[] {
  const g = tb[NHA.NHA_GROUP]!.payload;
  if (!g.length || g.length & 7) throw new KernelError('EINVAL', 'Invalid length for nexthop group attribute');
  const v = viewOf(g);
  const out: { id: number; weight: number }[] = [];
  for (let i = 0; i < g.length; i += 8) {
    if (v.getUint16(i + 6, HOST_LE)) throw new KernelError('EINVAL', 'Reserved field in nexthop_grp must be 0');
    const weight = (g[i + 4]! | (g[i + 5]! << 8)) + 1;
    if (weight === 0x10000) throw new KernelError('EINVAL', 'Invalid value for weight');
    out.push({ id: v.getUint32(i, HOST_LE), weight });
  }
  for (let i = 0; i < out.length; i++) for (let j = i + 1; j < out.length; j++) if (out[i]!.id === out[j]!.id) throw new KernelError('EINVAL', 'Nexthop id can not be used twice in a group');
  for (let t = NHA.NHA_GROUP_TYPE + 1; t < tb.length; t++) {
    if (!tb[t] || t === NHA.NHA_HW_STATS_ENABLE || t === NHA.NHA_FDB || (t === NHA.NHA_RES_GROUP && type === 1)) continue;
    throw new KernelError('EINVAL', 'No other attributes can be set in nexthop groups');
  }
  return out;
}

/** checkGroupRtnl mirrors nh_check_attr_group_rtnl(): members exist, are single, and a blackhole is alone. */
function checkGroupRtnl(nexthops: NexthopTable, group: { id: number }[]): void {
  for (const g of group) {
    const nh = nexthops.get(g.id);
    if (!nh) throw new KernelError('EINVAL', 'Invalid nexthop id');
    if (nh.entries) throw new KernelError('EINVAL', 'Hash-threshold group can not be a nexthop within a group');
    if (nh.info!.reject && group.length > 1) throw new KernelError('EINVAL', 'Blackhole nexthop can not be used in a group with more than 1 path');
  }
}

/**
 * createInfo mirrors nexthop_create() with nh_create_ipv4() (fib_check_nh() in the main
 * table at scope 0) or nh_create_ipv6() (fib6_nh_init()); a blackhole uses lo.
 */
function createInfo(links: LinkTable, family: number, blackhole: boolean, dev: NetDevice | undefined, gwBytes: Uint8Array | null, flags: number): { info: NhInfo; flags: number } {
  const lo = links.list().find((d) => d.flags & IFF.IFF_LOOPBACK)!;
  const oif = blackhole ? lo.ifindex : dev!.ifindex;
  if (family === AF_INET) {
    const gw = gwBytes ? ((gwBytes[0]! << 24) | (gwBytes[1]! << 16) | (gwBytes[2]! << 8) | gwBytes[3]!) >>> 0 : 0;
    const r = links.inet4.checkNexthop(gw, oif, flags);
    const linkdown = !r.dev.carrier && !(r.dev.flags & IFF.IFF_LOOPBACK) ? RTNH_F.RTNH_F_LINKDOWN : 0;
    return {
      info: { family, dev: r.dev, gw: gw ? gwBytes!.slice(0, 4) : null, reject: blackhole, scope: gw ? r.nhScope : RT_SCOPE.RT_SCOPE_HOST, nhScope: r.nhScope },
      flags: (flags | linkdown) >>> 0,
    };
  }
  const gw = gwBytes && gwBytes.some((b) => b !== 0) ? gwBytes.slice(0, 16) : null;
  const d = links.inet4.ipv6Stub!.nhInit(oif, gw, blackhole);
  return { info: { family, dev: d, gw, reject: blackhole, scope: RT_SCOPE.RT_SCOPE_LINK, nhScope: RT_SCOPE.RT_SCOPE_LINK }, flags };
}

/** lookupNexthop is RTA_NH_ID's nexthop_find_by_id() for the route code. */
export function lookupNexthop(links: LinkTable, id: number): Nexthop | undefined {
  return nexthopsOf(links).get(id);
}

/** getBucket mirrors rtm_get_nexthop_bucket() with nh_valid_get_bucket_req(). */
function getBucket(ctx: RequestContext, nexthops: NexthopTable): never {
  const tb = parse(ctx.message, POLICY_GET_BUCKET);
  const id = validGetDel(ctx.message, tb);
  if (!tb[NHA.NHA_RES_BUCKET]) throw new KernelError('EINVAL', 'Bucket information is missing');
  const res = parseNested(ctx.message, tb[NHA.NHA_RES_BUCKET]!, RES_BUCKET_GET);
  if (!res[NHA_RES_BUCKET_INDEX]) throw new KernelError('EINVAL', 'Bucket index is missing');
  throw findGroupResilient(nexthops, id);
}

/** findGroupResilient mirrors nexthop_find_group_resilient(): nlsim has no resilient groups, so this is always the error. */
function findGroupResilient(nexthops: NexthopTable, id: number): KernelError {
  const nh = nexthops.get(id);
  if (!nh) return new KernelError('ENOENT');
  if (!nh.entries) return new KernelError('EINVAL', 'Not a nexthop group');
  return new KernelError('EINVAL', 'Nexthop group not of type resilient');
}

/**
 * validDumpBucket mirrors nh_valid_dump_bucket_req() and the start of
 * rtm_dump_nexthop_bucket(): the outer parse reports no extack (it is given none), a nexthop
 * id to filter on must exist (ENOENT).
 */
function validDumpBucket(d: DumpState, nexthops: NexthopTable): void {
  let tb: Tb;
  try {
    tb = parse(d.requestMessage, POLICY_DUMP_BUCKET);
  } catch (e) {
    if (e instanceof KernelError) throw new KernelError(e.code);
    throw e;
  }
  let id = 0;
  if (tb[NHA.NHA_ID]) {
    id = tb[NHA.NHA_ID]!.u32();
    if (!id) throw new KernelError('EINVAL', 'Invalid nexthop id');
  }
  if (tb[NHA.NHA_RES_BUCKET]) {
    const res = parseNested(d.requestMessage, tb[NHA.NHA_RES_BUCKET]!, RES_BUCKET_DUMP);
    if (res[NHA_RES_BUCKET_NH_ID] && !res[NHA_RES_BUCKET_NH_ID]!.u32()) throw new KernelError('EINVAL', 'Invalid nexthop id');
  }
  validDumpCommon(d.requestMessage, tb);
  if (id) throw findGroupResilient(nexthops, id);
}
