/**
 * Multicast routing over rtnetlink: RTNL_FAMILY_IPMR (net/ipv4/ipmr.c: ipmr_rtm_getroute(),
 * ipmr_rtm_dumproute(), ipmr_rtm_route(), ipmr_rtm_dumplink()) and RTNL_FAMILY_IP6MR
 * (net/ipv6/ip6mr.c: ip6mr_rtm_getroute(), ip6mr_rtm_dumproute()) in a namespace with the
 * default multicast tables (ipmr: RT_TABLE_DEFAULT; ip6mr: RT6_TABLE_DFLT, i.e. main) and no
 * virtual interfaces or cache entries.
 *
 * Each family exists only in a kernel built with it (CONFIG_IP_MROUTE, CONFIG_IPV6_MROUTE):
 * without it nothing is registered for the family and rtnetlink_rcv_msg() falls back to the
 * AF_UNSPEC handlers (a dump becomes rtnl_dump_all()'s, a get EOPNOTSUPP). Without
 * CONFIG_IP{,V6}_MROUTE_MULTIPLE_TABLES there is one table, which ipmr_get_table() returns
 * for any id.
 *
 * @note Multicast virtual interfaces are made by an mrouted socket (MRT_ADD_VIF), which nlsim
 * has not, so no table ever has one: RTM_NEWROUTE is refused as ipmr_mfc_add() refuses a
 * parent that is no VIF (ENFILE) and RTM_DELROUTE finds nothing (ENOENT).
 */
import type { DumpControl, DumpState } from '../../../sim/dump.js';
import type { KernelConfig } from '../../../sim/profile.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_DUMP_FILTERED } from '../../../sim/uapi/netlink.js';
import { type AttrView, NL_VALIDATE, nlmsgParse, NLA, type Policy } from '../../../sim/wire/policy.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { decodeRtMsg } from '../core/index.js';
import { RTM_IPV4_POLICY } from './route-policy.js';
import type { Rtnetlink } from '../core/index.js';
import type { NetworkState } from '../core/index.js';
import { IFINFOMSG_LEN, IFLA, RT_TABLE, RTA, RTM, RTMSG_LEN, RTN, RTNL_FAMILY_IP6MR, RTNL_FAMILY_IPMR, RTPROT } from '../core/uapi.js';

const RTA_MAX = 30;
/** RTPROT_MROUTED. */
const RTPROT_MROUTED = 17;
/** RTM_F_CLONED | RTM_F_PREFIX: the flags ip_valid_fib_dump_req() accepts. */
const DUMP_FLAGS = 0x200 | 0x800;
/** IPMRA_TABLE_* (linux/mroute.h). */
const IPMRA = { ID: 1, CACHE_RES_QUEUE_LEN: 2, MROUTE_REG_VIF_NUM: 3, MROUTE_DO_ASSERT: 4, MROUTE_DO_PIM: 5, VIFS: 6, MROUTE_DO_WRVIFWHOLE: 7 } as const;

/** rtm_ipmr_policy. */
const RTM_IPMR_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  for (const t of [RTA.RTA_SRC, RTA.RTA_DST, RTA.RTA_IIF, RTA.RTA_TABLE]) p[t] = { type: NLA.NLA_U32 };
  p[RTA.RTA_MULTIPATH] = { type: NLA.NLA_UNSPEC, len: 8 };
  return p;
})();

/** rtm_ip6mr_policy: addresses of exactly 16 bytes and the table. */
const RTM_IP6MR_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[RTA.RTA_SRC] = { type: NLA.NLA_BINARY, min: 16, max: 16 };
  p[RTA.RTA_DST] = { type: NLA.NLA_BINARY, min: 16, max: 16 };
  p[RTA.RTA_TABLE] = { type: NLA.NLA_U32 };
  return p;
})();

type Tb = (AttrView | undefined)[];

/** MrFamily is what differs between ipmr.c and ip6mr.c. */
interface MrFamily {
  readonly family: number;
  readonly prefix: 'ipv4: ' | 'ipv6: ';
  readonly addrBits: 32 | 128;
  readonly policy: Policy;
  /** The tables a fresh namespace has (one, whatever the build). */
  readonly tables: readonly number[];
  /** Whether a table id selects among tables (CONFIG_IP{,V6}_MROUTE_MULTIPLE_TABLES); without, every id is the one table. */
  readonly multipleTables: boolean;
  /** The table a get without RTA_TABLE looks in (RT_TABLE_DEFAULT on both). */
  readonly getDefault: number;
  /** The messages of a missing table and a missing cache entry on get (ipmr sets none). */
  readonly noTable?: string;
  readonly noCache?: string;
}

const IPMR: MrFamily = {
  family: RTNL_FAMILY_IPMR,
  prefix: 'ipv4: ',
  addrBits: 32,
  policy: RTM_IPV4_POLICY,
  tables: [RT_TABLE.RT_TABLE_DEFAULT],
  multipleTables: true,
  getDefault: RT_TABLE.RT_TABLE_DEFAULT,
};
const IP6MR: MrFamily = {
  family: RTNL_FAMILY_IP6MR,
  prefix: 'ipv6: ',
  addrBits: 128,
  policy: RTM_IP6MR_POLICY,
  tables: [RT_TABLE.RT_TABLE_MAIN],
  multipleTables: true,
  getDefault: RT_TABLE.RT_TABLE_DEFAULT,
  noTable: 'ipv6: MR table does not exist',
  noCache: 'ipv6: MR cache entry not found',
};

/** hasTable mirrors ipmr_get_table() / ip6mr_get_table(): is there a table `id`? */
function hasTable(f: MrFamily, id: number): boolean {
  return !f.multipleTables || f.tables.includes(id);
}

/**
 * registerIpmr installs ip_mr_init()'s rtnetlink handlers in a kernel built with
 * CONFIG_IP_MROUTE and ip6_mr_init()'s in one with CONFIG_IPV6_MROUTE.
 */
export function registerIpmr(rtnl: Rtnetlink, state: NetworkState, config: KernelConfig): void {
  if (config.IP_MROUTE) {
    const f: MrFamily = { ...IPMR, multipleTables: config.IP_MROUTE_MULTIPLE_TABLES };
    rtnl.register(f.family, RTM.RTM_GETROUTE, { doit: (ctx) => getroute(ctx, f), dumpit: (ctx) => dumproute(ctx, f, state) });
    rtnl.register(RTNL_FAMILY_IPMR, RTM.RTM_NEWROUTE, { doit: (ctx) => route(ctx, f, state) });
    rtnl.register(RTNL_FAMILY_IPMR, RTM.RTM_DELROUTE, { doit: (ctx) => route(ctx, f, state) });
    rtnl.register(RTNL_FAMILY_IPMR, RTM.RTM_GETLINK, { dumpit: dumplink });
  }
  if (config.IPV6_MROUTE) {
    const f: MrFamily = { ...IP6MR, multipleTables: config.IPV6_MROUTE_MULTIPLE_TABLES };
    rtnl.register(f.family, RTM.RTM_GETROUTE, { doit: (ctx) => getroute(ctx, f), dumpit: (ctx) => dumproute(ctx, f, state) });
  }
}

/**
 * getroute mirrors ipmr_rtm_getroute() / ip6mr_rtm_getroute() with their *_valid_getroute_req():
 * ipmr checks the header only with strict checking, ip6mr always, after a strict parse
 * against its own policy.
 */
function getroute(ctx: RequestContext, f: MrFamily): never {
  let tb: Tb;
  if (f.family === RTNL_FAMILY_IP6MR) tb = valid6(ctx);
  else if (ctx.payload.length < RTMSG_LEN) throw new KernelError('EINVAL', `${f.prefix}Invalid header for multicast route get request`);
  else if (!ctx.strictCheck) tb = parse(ctx.message, ctx.extack, f.policy, NL_VALIDATE.NL_VALIDATE_LIBERAL);
  else {
    const rtm = decodeRtMsg(ctx.payload);
    const bits = f.addrBits;
    if ((rtm.srcLen && rtm.srcLen !== bits) || (rtm.dstLen && rtm.dstLen !== bits) || rtm.tos || rtm.table || rtm.protocol || rtm.scope || rtm.type || rtm.flags) {
      throw new KernelError('EINVAL', `${f.prefix}Invalid values in header for multicast route get request`);
    }
    tb = parse(ctx.message, ctx.extack, f.policy, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
    if ((tb[RTA.RTA_SRC] && !rtm.srcLen) || (tb[RTA.RTA_DST] && !rtm.dstLen)) {
      throw new KernelError('EINVAL', `${f.prefix}rtm_src_len and rtm_dst_len must be ${bits} for ${f.family === RTNL_FAMILY_IPMR ? 'IPv4' : 'IPv6'}`);
    }
    for (let i = 0; i <= RTA_MAX; i++) {
      if (tb[i] && i !== RTA.RTA_SRC && i !== RTA.RTA_DST && i !== RTA.RTA_TABLE) {
        throw new KernelError('EINVAL', `${f.prefix}Unsupported attribute in multicast route get request`);
      }
    }
  }
  const table = tb[RTA.RTA_TABLE]?.u32() || f.getDefault;
  if (!hasTable(f, table)) throw new KernelError('ENOENT', f.noTable ?? {});
  throw new KernelError('ENOENT', f.noCache ?? {});
}

/** valid6 mirrors ip6mr_rtm_valid_getroute_req(): whatever the socket asked. */
function valid6(ctx: RequestContext): Tb {
  const tb = parse(ctx.message, ctx.extack, RTM_IP6MR_POLICY, NL_VALIDATE.NL_VALIDATE_STRICT);
  const rtm = decodeRtMsg(ctx.payload);
  if ((rtm.srcLen && rtm.srcLen !== 128) || (rtm.dstLen && rtm.dstLen !== 128) || rtm.tos || rtm.table || rtm.protocol || rtm.scope || rtm.type || rtm.flags) {
    throw new KernelError('EINVAL', 'ipv6: Invalid values in header for multicast route get request');
  }
  if ((tb[RTA.RTA_SRC] && !rtm.srcLen) || (tb[RTA.RTA_DST] && !rtm.dstLen)) throw new KernelError('EINVAL', 'ipv6: rtm_src_len and rtm_dst_len must be 128 for IPv6');
  return tb;
}

function parse(message: Uint8Array, extack: object, policy: Policy, level: number): Tb {
  const r = nlmsgParse(message, RTMSG_LEN, policy, RTA_MAX, level);
  if (r.warning) Object.assign(extack, { message: r.warning });
  return r.attrs;
}

/**
 * validFibDump mirrors ip_valid_fib_dump_req() (both families use it): returns the table to
 * dump (0: all) and marks the dump NLM_F_DUMP_FILTERED when anything filters.
 */
function validFibDump(d: DumpState, state: NetworkState, ctx: RequestContext): number {
  if (d.requestMessage.length - 16 < RTMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for FIB dump request');
  const rtm = decodeRtMsg(d.requestMessage, 16);
  if (rtm.dstLen || rtm.srcLen || rtm.tos || rtm.scope) throw new KernelError('EINVAL', 'Invalid values in header for FIB dump request');
  if (rtm.flags & ~DUMP_FLAGS) throw new KernelError('EINVAL', 'Invalid flags for FIB dump request');
  let table = rtm.table;
  const tb = parse(d.requestMessage, d.extack, RTM_IPV4_POLICY, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
  let ifindex = 0;
  for (let i = 0; i <= RTA_MAX; i++) {
    if (!tb[i]) continue;
    if (i === RTA.RTA_TABLE) table = tb[i]!.u32();
    else if (i === RTA.RTA_OIF) ifindex = tb[i]!.u32();
    else throw new KernelError('EINVAL', 'Unsupported attribute in dump request');
  }
  const dev = ifindex ? state.links(ctx.skb.sock.netns).byIndex(ifindex) : undefined;
  if (ifindex && !dev) throw new KernelError('ENODEV');
  if (rtm.flags || rtm.protocol || rtm.type || table || dev) d.answerFlags |= NLM_F_DUMP_FILTERED;
  return table;
}

/**
 * dumproute mirrors ipmr_rtm_dumproute() / ip6mr_rtm_dumproute(): the tables hold no cache
 * entries; a table filter naming no table is ENOENT when the request was for this family
 * (the AF_UNSPEC dump of every family passes over it).
 */
function dumproute(ctx: RequestContext, f: MrFamily, state: NetworkState): DumpControl {
  return {
    dump: (_chunk, d) => {
      try {
        const table = d.strictCheck ? validFibDump(d, state, ctx) : 0;
        if (table && !hasTable(f, table) && ctx.payload[0] === f.family) throw new KernelError('ENOENT', `${f.prefix}MR table does not exist`);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        Object.assign(d.extack, e.extack);
        return e.errno;
      }
      return 0;
    },
  };
}

/** route mirrors ipmr_rtm_route() → rtm_to_ipmr_mfcc(), then ipmr_mfc_add() / ipmr_mfc_delete() with no VIFs. */
function route(ctx: RequestContext, f: MrFamily, state: NetworkState): never {
  // nlmsg_validate_deprecated(): a short header is EINVAL without a message.
  if (ctx.payload.length < RTMSG_LEN) throw new KernelError('EINVAL');
  const tb = parse(ctx.message, ctx.extack, RTM_IPMR_POLICY, NL_VALIDATE.NL_VALIDATE_LIBERAL);
  const rtm = decodeRtMsg(ctx.payload);
  const protoOk = rtm.protocol === RTPROT.RTPROT_STATIC || rtm.protocol === RTPROT_MROUTED;
  if (rtm.family !== RTNL_FAMILY_IPMR || rtm.dstLen !== 32 || rtm.type !== RTN.RTN_MULTICAST || rtm.scope !== 0 || !protoOk) throw new KernelError('EINVAL');
  if (tb[RTA.RTA_IIF] && !state.links(ctx.skb.sock.netns).byIndex(tb[RTA.RTA_IIF]!.u32())) throw new KernelError('ENODEV');
  if (tb[RTA.RTA_MULTIPATH] && !rtnhOk(tb[RTA.RTA_MULTIPATH]!.payload)) throw new KernelError('EINVAL');
  const table = tb[RTA.RTA_TABLE] ? tb[RTA.RTA_TABLE]!.u32() : RT_TABLE.RT_TABLE_DEFAULT;
  if (!hasTable(f, table)) throw new KernelError('ENOENT');
  // The parent is ipmr_find_vif()'s -1 (no VIF), too large a vifi_t for ipmr_mfc_add().
  throw new KernelError(ctx.header.type === RTM.RTM_NEWROUTE ? 'ENFILE' : 'ENOENT');
}

/** rtnhOk mirrors ipmr_nla_get_ttls(): the rtnexthop list must use up the attribute (MAXVIFS entries at most). */
function rtnhOk(p: Uint8Array): boolean {
  let off = 0;
  let n = 0;
  while (p.length - off >= 8) {
    const len = viewOf(p).getUint16(off, HOST_LE);
    if (len < 8 || len > p.length - off) break;
    if (++n === 32) return true;
    off += (len + 3) & ~3;
  }
  return p.length - off <= 0;
}

/**
 * dumplink mirrors ipmr_rtm_dumplink() with ipmr_valid_dumplink(): one RTM_NEWLINK per table,
 * its settings and an empty IPMRA_TABLE_VIFS in IFLA_AF_SPEC (nested without NLA_F_NESTED).
 */
function dumplink(): DumpControl {
  return {
    dump: (chunk, d) => {
      if (d.strictCheck) {
        const m = d.requestMessage;
        let message: string | undefined;
        if (m.length - 16 < IFINFOMSG_LEN) message = 'ipv4: Invalid header for ipmr link dump';
        else if (m[17] || m[18] || m[19] || m.subarray(20, 32).some((b) => b)) message = 'Invalid values in header for ipmr link dump request';
        else if (m.length - 16 > IFINFOMSG_LEN) message = 'Invalid data after header in ipmr link dump';
        if (message) {
          d.extack.message = message;
          return -22;
        }
      }
      const start = (d.args[0] as number | undefined) ?? 0;
      for (let t = start; t < IPMR.tables.length; t++) {
        const ok = chunk.put(RTM.RTM_NEWLINK, (w) => {
          w.raw(Uint8Array.of(RTNL_FAMILY_IPMR, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
          const af = w.beginNest(IFLA.IFLA_AF_SPEC, false);
          w.u32(IPMRA.ID, IPMR.tables[t]!);
          w.u32(IPMRA.CACHE_RES_QUEUE_LEN, 0);
          w.s32(IPMRA.MROUTE_REG_VIF_NUM, -1);
          w.u8(IPMRA.MROUTE_DO_ASSERT, 0);
          w.u8(IPMRA.MROUTE_DO_PIM, 0);
          w.u8(IPMRA.MROUTE_DO_WRVIFWHOLE, 0);
          w.endNest(w.beginNest(IPMRA.VIFS, false));
          w.endNest(af);
        });
        if (!ok) return chunk.length;
        d.args[0] = t + 1;
      }
      return chunk.length;
    },
  };
}
