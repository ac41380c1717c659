/**
 * Link statistics (net/core/rtnetlink.c): RTM_GETSTATS (rtnl_stats_get(), rtnl_stats_dump()
 * with rtnl_valid_stats_req(), rtnl_stats_get_parse() and rtnl_fill_statsinfo()) answered with
 * RTM_NEWSTATS, and RTM_SETSTATS (rtnl_stats_set()). The filter mask selects, in order:
 * IFLA_STATS_LINK_64 (the device's rtnl_link_stats64), IFLA_STATS_LINK_XSTATS and
 * IFLA_STATS_LINK_XSTATS_SLAVE (a bridge's, or a bridge port's, multicast and STP counters),
 * IFLA_STATS_LINK_OFFLOAD_XSTATS (the hardware L3 statistics' request/used state) and
 * IFLA_STATS_AF_SPEC (empty: no address family has per-device statistics for it here).
 *
 * @note Bridge counters are zero (nlsim moves no IGMP/MLD or BPDU packets), and a bridge's
 * per-VLAN statistics are not modelled (none exist while VLAN filtering is off). Enabling
 * offloaded L3 statistics (IFLA_STATS_SET_OFFLOAD_XSTATS_L3_STATS) is not modelled yet.
 */
import type { DumpChunk, DumpControl, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, parseAttrs, type Policy } from '../../../sim/wire/policy.js';
import type { NetDevice } from './device.js';
import type { Rtnetlink } from './rtnetlink.js';
import type { NetworkState } from './state.js';
import { RTM } from './uapi.js';

/** sizeof(struct if_stats_msg): family, pad1, pad2, ifindex, filter_mask. */
const IF_STATS_MSG_LEN = 12;
const IFLA_STATS = { LINK_64: 1, LINK_XSTATS: 2, LINK_XSTATS_SLAVE: 3, LINK_OFFLOAD_XSTATS: 4, AF_SPEC: 5 } as const;
const IFLA_STATS_MAX = 5;
/** IFLA_STATS_FILTER_BIT(). */
const bit = (a: number) => 1 << (a - 1);
const IFLA_STATS_GET_FILTERS = 1;
const IFLA_STATS_SET_OFFLOAD_XSTATS_L3_STATS = 2;
const IFLA_STATS_GETSET_MAX = 2;
const IFLA_OFFLOAD_XSTATS = { CPU_HIT: 1, HW_S_INFO: 2, L3_STATS: 3 } as const;
const LINK_XSTATS_TYPE_BRIDGE = 1;
const BRIDGE_XSTATS_MCAST = 2;
const BRIDGE_XSTATS_STP = 4;
/** sizeof(struct br_mcast_stats) and sizeof(struct bridge_stp_xstats). */
const BR_MCAST_STATS_LEN = 240;
const BR_STP_XSTATS_LEN = 48;

/** rtnl_stats_get_policy_filters and rtnl_stats_get_policy. */
const FILTERS_POLICY: Policy = (() => {
  const p: Policy[number][] = new Array(IFLA_STATS_MAX + 1).fill(undefined);
  // NLA_POLICY_MASK(NLA_U32, …): bits 0–3 pass (bit 0 stands for no attribute).
  p[IFLA_STATS.LINK_OFFLOAD_XSTATS] = { type: NLA.NLA_U32, mask: (1 << (IFLA_OFFLOAD_XSTATS.L3_STATS + 1)) - 1 };
  return p;
})();
const GET_POLICY: Policy = (() => {
  const p: Policy[number][] = new Array(IFLA_STATS_GETSET_MAX + 1).fill(undefined);
  p[IFLA_STATS_GET_FILTERS] = { type: NLA.NLA_NESTED, nested: FILTERS_POLICY };
  return p;
})();
/** ifla_stats_set_policy. */
const SET_POLICY: Policy = (() => {
  const p: Policy[number][] = new Array(IFLA_STATS_GETSET_MAX + 1).fill(undefined);
  p[IFLA_STATS_SET_OFFLOAD_XSTATS_L3_STATS] = { type: NLA.NLA_U8, max: 1 };
  return p;
})();

/** registerLinkStats installs rtnetlink_init()'s RTM_GETSTATS and RTM_SETSTATS handlers. */
export function registerLinkStats(rtnl: Rtnetlink, state: NetworkState): void {
  rtnl.register(0, RTM.RTM_GETSTATS, { doit: (ctx) => get(ctx, state), dumpit: (ctx) => dump(ctx, state) });
  rtnl.register(0, RTM.RTM_SETSTATS, { doit: (ctx) => set(ctx, state) });
}

/** validReq mirrors rtnl_valid_stats_req(); the header is checked further only with strict checking. */
function validReq(message: Uint8Array, strict: boolean, isDump: boolean): void {
  if (message.length - 16 < IF_STATS_MSG_LEN) throw new KernelError('EINVAL', 'Invalid header for stats dump');
  if (!strict) return;
  const v = viewOf(message);
  if (message[17] || v.getUint16(18, HOST_LE) || (isDump && v.getInt32(20, HOST_LE))) throw new KernelError('EINVAL', 'Invalid values in header for stats dump request');
  if (v.getUint32(24, HOST_LE) >= bit(IFLA_STATS_MAX + 1)) throw new KernelError('EINVAL', 'Invalid stats requested through filter mask');
}

/** getParse mirrors rtnl_stats_get_parse(): per-attribute masks, all bits unless a filter narrows them. */
function getParse(message: Uint8Array, filterMask: number): number[] {
  const masks = [filterMask];
  for (let at = 1; at <= IFLA_STATS_MAX; at++) masks[at] = filterMask & bit(at) ? 0xffffffff : 0;
  const { attrs: tb } = nlmsgParse(message, IF_STATS_MSG_LEN, GET_POLICY, IFLA_STATS_GETSET_MAX, NL_VALIDATE.NL_VALIDATE_STRICT);
  const filters = tb[IFLA_STATS_GET_FILTERS];
  if (filters) {
    const { attrs } = parseAttrs(message.subarray(0, filters.offset + 4 + filters.length), filters.offset + 4, FILTERS_POLICY, IFLA_STATS_MAX, NL_VALIDATE.NL_VALIDATE_STRICT);
    for (let at = 1; at <= IFLA_STATS_MAX; at++) {
      if (!attrs[at]) continue;
      if (!(filterMask & bit(at))) throw new KernelError('EINVAL', 'Filtered attribute not enabled in filter_mask');
      masks[at] = (attrs[at] as AttrView).u32();
    }
  }
  return masks;
}

/** fillBridgeXstats mirrors br_fill_linkxstats(): multicast counters, and STP counters for a port. */
function fillBridgeXstats(w: AttrWriter, port: boolean): void {
  const nest = w.beginNest(LINK_XSTATS_TYPE_BRIDGE, false);
  w.bytes(BRIDGE_XSTATS_MCAST, new Uint8Array(BR_MCAST_STATS_LEN));
  if (port) w.bytes(BRIDGE_XSTATS_STP, new Uint8Array(BR_STP_XSTATS_LEN));
  w.endNest(nest);
}

/** fillStatsinfo mirrors rtnl_fill_statsinfo() for one device. */
function fillStatsinfo(w: AttrWriter, dev: NetDevice, masks: number[]): void {
  const filterMask = masks[0]!;
  const h = new Uint8Array(IF_STATS_MSG_LEN);
  viewOf(h).setInt32(4, dev.ifindex, HOST_LE);
  viewOf(h).setUint32(8, filterMask, HOST_LE);
  w.raw(h);
  if (filterMask & bit(IFLA_STATS.LINK_64)) {
    const s = new Uint8Array(200);
    const v = viewOf(s);
    for (let i = 0; i < 25; i++) v.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(dev.stats64[i] ?? 0)), HOST_LE);
    w.bytes(IFLA_STATS.LINK_64, s);
  }
  if (filterMask & bit(IFLA_STATS.LINK_XSTATS) && dev.kind?.kind === 'bridge') {
    const x = w.beginNest(IFLA_STATS.LINK_XSTATS, false);
    fillBridgeXstats(w, false);
    w.endNest(x);
  }
  if (filterMask & bit(IFLA_STATS.LINK_XSTATS_SLAVE) && dev.master?.kind?.kind === 'bridge') {
    const x = w.beginNest(IFLA_STATS.LINK_XSTATS_SLAVE, false);
    fillBridgeXstats(w, true);
    w.endNest(x);
  }
  if (filterMask & bit(IFLA_STATS.LINK_OFFLOAD_XSTATS)) {
    // rtnl_offload_xstats_fill(): no device has CPU-hit counters or enabled L3 statistics, so
    // only HW_S_INFO has data; without it the nest is cancelled (-ENODATA).
    if (masks[IFLA_STATS.LINK_OFFLOAD_XSTATS]! & bit(IFLA_OFFLOAD_XSTATS.HW_S_INFO)) {
      const o = w.beginNest(IFLA_STATS.LINK_OFFLOAD_XSTATS, false);
      const info = w.beginNest(IFLA_OFFLOAD_XSTATS.HW_S_INFO, true);
      const l3 = w.beginNest(IFLA_OFFLOAD_XSTATS.L3_STATS, true);
      w.u8(1, 0); // IFLA_OFFLOAD_XSTATS_HW_S_INFO_REQUEST
      w.u8(2, 0); // IFLA_OFFLOAD_XSTATS_HW_S_INFO_USED
      w.endNest(l3);
      w.endNest(info);
      w.endNest(o);
    }
  }
  if (filterMask & bit(IFLA_STATS.AF_SPEC)) w.endNest(w.beginNest(IFLA_STATS.AF_SPEC, false));
}

/** get mirrors rtnl_stats_get(). */
function get(ctx: RequestContext, state: NetworkState): number {
  validReq(ctx.message, ctx.strictCheck, false);
  const v = viewOf(ctx.payload);
  // ifsm->ifindex is a u32: any non-zero index is looked up.
  const ifindex = v.getUint32(4, HOST_LE);
  if (!ifindex) throw new KernelError('EINVAL');
  const dev = state.links(ctx.skb.sock.netns).byIndex(ifindex);
  if (!dev) throw new KernelError('ENODEV');
  const filterMask = v.getUint32(8, HOST_LE);
  if (!filterMask) throw new KernelError('EINVAL', 'Filter mask must be set for stats get');
  const masks = getParse(ctx.message, filterMask);
  return ctx.reply(ctx.encode(RTM.RTM_NEWSTATS, (w) => fillStatsinfo(w, dev, masks)));
}

/** dump mirrors rtnl_stats_dump(): validation errors end the dump in NLMSG_DONE. */
function dump(ctx: RequestContext, state: NetworkState): DumpControl {
  const links = state.links(ctx.skb.sock.netns);
  let masks: number[] | undefined;
  return {
    generation: () => links.devBaseSeq,
    dump: (chunk: DumpChunk, d: DumpState) => {
      if (!masks) {
        try {
          validReq(d.requestMessage, d.strictCheck, true);
          const filterMask = viewOf(d.requestMessage).getUint32(24, HOST_LE);
          if (!filterMask) throw new KernelError('EINVAL', 'Filter mask must be set for stats dump');
          masks = getParse(d.requestMessage, filterMask);
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
          Object.assign(d.extack, e.extack);
          return e.errno;
        }
      }
      const m = masks;
      const next = (d.args[0] as number | undefined) ?? 0;
      for (const dev of links.list()) {
        if (dev.ifindex < next) continue;
        if (!chunk.put(RTM.RTM_NEWSTATS, (w) => fillStatsinfo(w, dev, m))) return chunk.length ? chunk.length : -90;
        d.args[0] = dev.ifindex + 1;
      }
      return 0;
    },
  };
}

/** set mirrors rtnl_stats_set(): only a request that changes nothing is modelled. */
function set(ctx: RequestContext, state: NetworkState): void {
  validReq(ctx.message, ctx.strictCheck, false);
  const v = viewOf(ctx.payload);
  if (ctx.payload[0] !== 0) throw new KernelError('EINVAL', 'Address family should be AF_UNSPEC');
  const ifindex = v.getUint32(4, HOST_LE);
  if (!ifindex) throw new KernelError('EINVAL');
  if (!state.links(ctx.skb.sock.netns).byIndex(ifindex)) throw new KernelError('ENODEV');
  if (v.getUint32(8, HOST_LE)) throw new KernelError('EINVAL', 'Filter mask must be 0 for stats set');
  const { attrs } = nlmsgParse(ctx.message, IF_STATS_MSG_LEN, SET_POLICY, IFLA_STATS_GETSET_MAX, NL_VALIDATE.NL_VALIDATE_STRICT);
  if (attrs[IFLA_STATS_SET_OFFLOAD_XSTATS_L3_STATS]) throw new KernelError('EOPNOTSUPP', 'nlsim: offloaded L3 statistics are not modelled yet');
}
