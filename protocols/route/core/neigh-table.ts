/**
 * Neighbour table parameters (net/core/neighbour.c): the RTM_GETNEIGHTBL dump
 * (neightbl_dump_info() with neightbl_fill_info(), neightbl_fill_param_info() and
 * neightbl_fill_parms()): per table (arp_cache, then ndisc_cache) one message with the
 * table's settings, configuration, statistics and default parameters, then one message per
 * device of the namespace that has parameters in it (an in_device for ARP, an inet6_dev for
 * ND), newest first.
 *
 * @note The tables are global on Linux: the first message of each reports the whole host
 * (entry count, hash seed and size, flush and rand ages, statistics), which nlsim reports for
 * its own namespace with a fixed hash, ages from the kernel clock and zero counters.
 * Devices are listed by descending ifindex, which is Linux's order unless a device's
 * parameters were made again (IPv4 or IPv6 turned off and on by an MTU change). RTM_SETNEIGHTBL
 * is validated up to the table lookup, then refused (not modelled yet).
 */
import type { DumpControl } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import type { NetDevice } from './device.js';
import { arpReachableTime, neighTables } from './neighbour.js';
import type { Rtnetlink } from './rtnetlink.js';
import type { LinkTable, NetworkState } from './state.js';
import { RTM } from './uapi.js';

/** sizeof(struct ndtmsg): family, pad1, pad2. */
const NDTMSG_LEN = 4;
const NDTA = { NAME: 1, THRESH1: 2, THRESH2: 3, THRESH3: 4, CONFIG: 5, PARMS: 6, STATS: 7, GC_INTERVAL: 8 } as const;
const NDTPA = {
  IFINDEX: 1, REFCNT: 2, REACHABLE_TIME: 3, BASE_REACHABLE_TIME: 4, RETRANS_TIME: 5, GC_STALETIME: 6, DELAY_PROBE_TIME: 7, QUEUE_LEN: 8,
  APP_PROBES: 9, UCAST_PROBES: 10, MCAST_PROBES: 11, ANYCAST_DELAY: 12, PROXY_DELAY: 13, PROXY_QLEN: 14, LOCKTIME: 15, QUEUE_LENBYTES: 16,
  MCAST_REPROBES: 17, INTERVAL_PROBE_TIME_MS: 19,
} as const;
const BASE_REACHABLE_TIME = 30000;
/** SK_WMEM_MAX, the default queue_len_bytes, and what it is in packets (÷ SKB_TRUESIZE(ETH_FRAME_LEN)). */
const QUEUE_LEN_BYTES = 212992;
const QUEUE_LEN = 101;

/** TableInfo is what differs between arp_tbl and nd_tbl (6.18 x86_64 sizes). */
interface TableInfo {
  readonly family: number;
  readonly id: string;
  readonly keyLen: number;
  readonly entrySize: number;
  readonly locktime: number;
  /** The device's parameters' reachable_time, or null when it has none in this table. */
  parms(dev: NetDevice): number | null;
}

function tableInfos(state: NetworkState): TableInfo[] {
  return [
    {
      family: 2, id: 'arp_cache', keyLen: 4, entrySize: 336, locktime: 1000,
      parms: (dev) => (dev.inet ? arpReachableTime(dev, state.options.random) : null),
    },
    { family: 10, id: 'ndisc_cache', keyLen: 16, entrySize: 344, locktime: 0, parms: (dev) => (dev.inet6 ? dev.inet6.reachableTime : null) },
  ];
}

/** The tables' own default parameters (init_net's, shown in every namespace), reachable_time drawn once per kernel. */
const defaultReach = new WeakMap<NetworkState, number[]>();

/** fillParms mirrors neightbl_fill_parms(): an NDTA_PARMS nest without NLA_F_NESTED. */
function fillParms(w: AttrWriter, t: TableInfo, ifindex: number, refcnt: number, reachable: number): void {
  const nest = w.beginNest(NDTA.PARMS, false);
  if (ifindex) w.u32(NDTPA.IFINDEX, ifindex);
  w.u32(NDTPA.REFCNT, refcnt);
  w.u32(NDTPA.QUEUE_LENBYTES, QUEUE_LEN_BYTES);
  w.u32(NDTPA.QUEUE_LEN, QUEUE_LEN);
  w.u32(NDTPA.PROXY_QLEN, 64);
  w.u32(NDTPA.APP_PROBES, 0);
  w.u32(NDTPA.UCAST_PROBES, 3);
  w.u32(NDTPA.MCAST_PROBES, 3);
  w.u32(NDTPA.MCAST_REPROBES, 0);
  // nla_put_msecs(): u64, unpadded on x86_64.
  w.u64(NDTPA.REACHABLE_TIME, reachable);
  w.u64(NDTPA.BASE_REACHABLE_TIME, BASE_REACHABLE_TIME);
  w.u64(NDTPA.GC_STALETIME, 60000);
  w.u64(NDTPA.DELAY_PROBE_TIME, 5000);
  w.u64(NDTPA.RETRANS_TIME, 1000);
  w.u64(NDTPA.ANYCAST_DELAY, 1000);
  w.u64(NDTPA.PROXY_DELAY, 800);
  w.u64(NDTPA.LOCKTIME, t.locktime);
  w.u64(NDTPA.INTERVAL_PROBE_TIME_MS, 5000);
  w.endNest(nest);
}

/** header writes struct ndtmsg. */
const header = (w: AttrWriter, t: TableInfo) => w.raw(Uint8Array.of(t.family, 0, 0, 0));

/** fillInfo mirrors neightbl_fill_info(): the table's settings, ndt_config, ndt_stats and default parameters. */
function fillInfo(w: AttrWriter, t: TableInfo, entries: number, nowMs: number, reachable: number): void {
  header(w, t);
  w.string(NDTA.NAME, t.id);
  w.u64(NDTA.GC_INTERVAL, 30000);
  w.u32(NDTA.THRESH1, 128);
  w.u32(NDTA.THRESH2, 512);
  w.u32(NDTA.THRESH3, 1024);
  // struct ndt_config: key_len, entry_size, entries, last_flush, last_rand, hash_rnd, hash_mask, hash_chain_gc, proxy_qlen.
  const c = new Uint8Array(32);
  const v = viewOf(c);
  v.setUint16(0, t.keyLen, HOST_LE);
  v.setUint16(2, t.entrySize, HOST_LE);
  v.setUint32(4, entries, HOST_LE);
  v.setUint32(8, nowMs >>> 0, HOST_LE);
  v.setUint32(12, (nowMs % 300000) >>> 0, HOST_LE);
  v.setUint32(16, 0x9e3779b9, HOST_LE);
  v.setUint32(20, 7, HOST_LE);
  w.bytes(NDTA.CONFIG, c);
  // struct ndt_stats: eleven u64 counters (nla_put_64bit(), unpadded on x86_64).
  w.bytes(NDTA.STATS, new Uint8Array(88));
  fillParms(w, t, 0, 1, reachable);
}

/** registerNeighTable installs neigh_init()'s RTM_GETNEIGHTBL dump and refuses RTM_SETNEIGHTBL. */
export function registerNeighTable(rtnl: Rtnetlink, state: NetworkState): void {
  rtnl.register(0, RTM.RTM_SETNEIGHTBL, { doit: (ctx) => setTable(ctx, state) });
  rtnl.register(0, RTM.RTM_GETNEIGHTBL, {
    dumpit: (ctx) => {
      const links = state.links(ctx.skb.sock.netns);
      const family = ctx.payload[0]!;
      const infos = tableInfos(state);
      let defaults = defaultReach.get(state);
      if (!defaults) defaultReach.set(state, (defaults = infos.map(() => (BASE_REACHABLE_TIME >> 1) + state.options.random(BASE_REACHABLE_TIME))));
      const reach = defaults;
      return { dump: (chunk, d) => {
        if (d.strictCheck) {
          const m = d.requestMessage;
          let message: string | undefined;
          if (m.length - 16 < NDTMSG_LEN) message = 'Invalid header for neighbor table dump request';
          else if (m[17] || m[18] || m[19]) message = 'Invalid values in header for neighbor table dump request';
          else if (m.length - 16 > NDTMSG_LEN) message = 'Invalid data after header in neighbor table dump request';
          if (message) {
            d.extack.message = message;
            return -22;
          }
        }
        const tblSkip = (d.args[0] as number | undefined) ?? 0;
        let neighSkip = (d.args[1] as number | undefined) ?? 0;
        let tidx = 0;
        let nidx = 0;
        out: for (; tidx < infos.length; tidx++) {
          const t = infos[tidx]!;
          if (tidx < tblSkip || (family && t.family !== family)) continue;
          const entries = neighTables(links).find((x) => x.family === t.family)?.entries;
          if (!chunk.put(RTM.RTM_NEWNEIGHTBL, (w) => fillInfo(w, t, entries?.size ?? 0, state.options.now(), reach[tidx]!))) break;
          nidx = 0;
          for (const dev of parmsDevices(links, t)) {
            if (nidx >= neighSkip) {
              const refcnt = 1 + [...(entries?.values() ?? [])].filter((n) => n.dev === dev).length;
              const ok = chunk.put(RTM.RTM_NEWNEIGHTBL, (w) => {
                header(w, t);
                w.string(NDTA.NAME, t.id);
                fillParms(w, t, dev.ifindex, refcnt, t.parms(dev)!);
              });
              if (!ok) break out;
            }
            nidx++;
          }
          neighSkip = 0;
        }
        d.args[0] = tidx;
        d.args[1] = nidx;
        return chunk.length;
      } } satisfies DumpControl;
    },
  });
}

/**
 * setTable mirrors the start of neightbl_set(): NDTA_NAME is required (EINVAL) and must name a
 * table of the family given (ENOENT). Changing a table is not modelled yet.
 */
function setTable(ctx: RequestContext, state: NetworkState): never {
  const r = nlmsgParse(ctx.message, NDTMSG_LEN, NL_NEIGHTBL_POLICY, 9, NL_VALIDATE.NL_VALIDATE_LIBERAL);
  if (r.warning) Object.assign(ctx.extack, { message: r.warning });
  const name = r.attrs[NDTA.NAME];
  if (!name) throw new KernelError('EINVAL');
  const family = ctx.payload[0]!;
  const t = tableInfos(state).find((x) => (!family || x.family === family) && x.id === name.string());
  if (!t) throw new KernelError('ENOENT');
  throw new KernelError('EOPNOTSUPP', 'nlsim: changing neighbour table parameters is not modelled yet');
}

/** NL_NEIGHTBL_POLICY is nl_neightbl_policy. */
const NL_NEIGHTBL_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[NDTA.NAME] = { type: NLA.NLA_STRING };
  for (const t of [NDTA.THRESH1, NDTA.THRESH2, NDTA.THRESH3]) p[t] = { type: NLA.NLA_U32 };
  p[NDTA.GC_INTERVAL] = { type: NLA.NLA_U64 };
  p[NDTA.PARMS] = { type: NLA.NLA_NESTED };
  return p;
})();

/** parmsDevices lists the namespace's devices with parameters in table `t`, newest first (list_add() at the head). */
function parmsDevices(links: LinkTable, t: TableInfo): NetDevice[] {
  return links.list().filter((dev) => t.parms(dev) !== null).reverse();
}
