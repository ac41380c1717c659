/**
 * Neighbour tables (net/core/neighbour.c with the ARP and ND tables): static entries added,
 * replaced, read and deleted over rtnetlink (neigh_add(), neigh_delete(), neigh_get(),
 * neigh_dump_info()), with their RTNLGRP_NEIGH notifications, and flushed when their device
 * goes down or away (neigh_ifdown()).
 *
 * @note Only administratively set entries in states that no timer moves (PERMANENT, NOARP)
 * are modelled, plus the NOARP multicast entries addrconf and MLD leave (neighMcastOutput());
 * nlsim sends no packets, so no unicast entry is ever learned. Linux dumps its tables in
 * hash order, which a random per-boot key decides; nlsim dumps in insertion order. Flushes
 * walk a device's own list, newest first, on both.
 */
import type { DumpControl } from '../../sim/dump.js';
import { KernelError } from '../../sim/errors.js';
import type { KernelSocket } from '../../sim/kernel-socket.js';
import type { RequestContext } from '../../sim/request-loop.js';
import { NLM_F_CREATE, NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_REPLACE } from '../../sim/uapi/netlink.js';
import type { AttrWriter } from '../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../sim/wire/header.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../sim/wire/policy.js';
import type { NetDevice } from './device.js';
import { notify } from './inet4.js';
import { fillPneigh, pneighCreate, pneighDelete, pneighEntries, pneighIfdown, pneighLookup } from './neigh-proxy.js';
import { ipv4Read } from './ipv4.js';
import type { Rtnetlink } from './rtnetlink.js';
import type { LinkTable, NetworkState } from './state.js';
import { NDMSG_LEN, RT_TABLE, RTM, RTN, RTNLGRP } from './uapi.js';

/** NDA holds the neighbour attributes (linux/neighbour.h). */
export const NDA = {
  NDA_DST: 1, NDA_LLADDR: 2, NDA_CACHEINFO: 3, NDA_PROBES: 4, NDA_VLAN: 5, NDA_PORT: 6, NDA_VNI: 7, NDA_IFINDEX: 8, NDA_MASTER: 9,
  NDA_LINK_NETNSID: 10, NDA_SRC_VNI: 11, NDA_PROTOCOL: 12, NDA_NH_ID: 13, NDA_FDB_EXT_ATTRS: 14, NDA_FLAGS_EXT: 15, NDA_NDM_STATE_MASK: 16,
  NDA_NDM_FLAGS_MASK: 17,
} as const;
/** NDA_MAX on 6.18. */
export const NDA_MAX = 17;
/** NUD holds the neighbour states. */
export const NUD = { NUD_NONE: 0, NUD_INCOMPLETE: 0x01, NUD_REACHABLE: 0x02, NUD_STALE: 0x04, NUD_DELAY: 0x08, NUD_PROBE: 0x10, NUD_FAILED: 0x20, NUD_NOARP: 0x40, NUD_PERMANENT: 0x80 } as const;
/** NTF_PROXY / NTF_USE: ndm_flags bits with their own paths. */
const NTF_USE = 0x01;
const NTF_PROXY = 0x08;
/** NEIGH_NLMSG_SIZE stands for nlmsg_new(neigh_nlmsg_size()). */
const NEIGH_NLMSG_SIZE = 16 + 12 + 36 + 36 + 36 + 8 + 8 + 8;

/** NDA_POLICY is nda_policy. */
const NDA_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[0] = { type: NLA.NLA_UNSPEC, strictStartType: NDA.NDA_NH_ID };
  p[NDA.NDA_DST] = { type: NLA.NLA_BINARY, len: 32 };
  p[NDA.NDA_LLADDR] = { type: NLA.NLA_BINARY, len: 32 };
  p[NDA.NDA_CACHEINFO] = { type: NLA.NLA_UNSPEC, len: 16 };
  p[NDA.NDA_PROBES] = { type: NLA.NLA_U32 };
  p[NDA.NDA_VLAN] = { type: NLA.NLA_U16 };
  p[NDA.NDA_PORT] = { type: NLA.NLA_U16 };
  p[NDA.NDA_VNI] = { type: NLA.NLA_U32 };
  p[NDA.NDA_IFINDEX] = { type: NLA.NLA_U32 };
  p[NDA.NDA_MASTER] = { type: NLA.NLA_U32 };
  p[NDA.NDA_PROTOCOL] = { type: NLA.NLA_U8 };
  p[NDA.NDA_NH_ID] = { type: NLA.NLA_U32 };
  p[NDA.NDA_FLAGS_EXT] = { type: NLA.NLA_U32 };
  p[NDA.NDA_FDB_EXT_ATTRS] = { type: NLA.NLA_NESTED };
  return p;
})();

/** Neighbour is one entry (struct neighbour). */
export interface Neighbour {
  readonly family: number;
  readonly dev: NetDevice;
  readonly dst: Uint8Array;
  lladdr: Uint8Array | null;
  state: number;
  flags: number;
  protocol: number;
  readonly type: number;
}

/** NeighTable is one family's table (arp_tbl or nd_tbl) in one namespace. */
class NeighTable {
  readonly family: number;
  readonly keyLen: number;
  readonly entries = new Map<string, Neighbour>();

  constructor(family: number, keyLen: number) {
    this.family = family;
    this.keyLen = keyLen;
  }

  static key(dev: NetDevice, dst: Uint8Array): string {
    return `${dev.ifindex}/${Buffer.from(dst).toString('hex')}`;
  }
}

const tablesOf = new WeakMap<LinkTable, NeighTable[]>();

/** neighTables returns a namespace's ARP and ND tables (in neigh_tables[] order). */
export function neighTables(links: LinkTable): NeighTable[] {
  let t = tablesOf.get(links);
  if (!t) {
    t = [new NeighTable(2, 4), new NeighTable(10, 16)];
    tablesOf.set(links, t);
  }
  return t;
}

/** fillNeigh mirrors neigh_fill_info(); `refcnt` is what ndm_refcnt reports at that moment. */
function fillNeigh(w: AttrWriter, n: Neighbour, refcnt: number): void {
  const h = new Uint8Array(NDMSG_LEN);
  const v = viewOf(h);
  h[0] = n.family;
  v.setInt32(4, n.dev.ifindex, HOST_LE);
  v.setUint16(8, n.state, HOST_LE);
  h[10] = n.flags;
  h[11] = n.type;
  w.raw(h);
  w.bytes(NDA.NDA_DST, n.dst);
  if (n.state & (NUD.NUD_PERMANENT | NUD.NUD_NOARP | NUD.NUD_REACHABLE | NUD.NUD_STALE | NUD.NUD_DELAY | NUD.NUD_PROBE) && n.lladdr) w.bytes(NDA.NDA_LLADDR, n.lladdr);
  w.u32(NDA.NDA_PROBES, 0);
  // struct nda_cacheinfo: confirmed, used, updated (ages in clock ticks), refcnt.
  const ci = new Uint8Array(16);
  viewOf(ci).setUint32(12, refcnt, HOST_LE);
  w.bytes(NDA.NDA_CACHEINFO, ci);
  if (n.protocol) w.u8(NDA.NDA_PROTOCOL, n.protocol);
}

/** neighNotify mirrors __neigh_notify(): RTNLGRP_NEIGH, seq 0, the requester's port id. */
function neighNotify(ks: KernelSocket, type: number, n: Neighbour, refcnt: number, pid: number): void {
  notify({ ks, req: pid ? { portid: pid, header: { len: 0, type: 0, flags: 0, seq: 0, pid: 0 } } : undefined }, type, 0, RTNLGRP.RTNLGRP_NEIGH, (w) => fillNeigh(w, n, refcnt), NEIGH_NLMSG_SIZE);
}

/**
 * neighIfdown mirrors neigh_ifdown() on one family's table (arp_ifdown() from fib_disable_ip(),
 * ndisc_netdev_event()): the device's entries go, each with RTM_DELNEIGH. With `skipPermanent`
 * it is neigh_carrier_down() instead (NETDEV_CHANGE without carrier): PERMANENT entries stay.
 * neigh_flush_dev() walks the device's own list, where each new entry went to the head, so
 * the newest entry goes first.
 */
export function neighIfdown(links: LinkTable, ks: KernelSocket, dev: NetDevice, family: number, skipPermanent = false): void {
  // pneigh_ifdown_and_unlock(): the device's proxy entries go too, permanent ones stay on carrier loss.
  pneighIfdown(links, dev, family, skipPermanent);
  const tables = tablesOf.get(links);
  if (!tables) return;
  for (const t of tables) {
    if (t.family !== family) continue;
    const doomed = [...t.entries].filter(([, n]) => n.dev === dev && !(skipPermanent && n.state & NUD.NUD_PERMANENT)).reverse();
    for (const [k, n] of doomed) {
      t.entries.delete(k);
      neighNotify(ks, RTM.RTM_DELNEIGH, n, 0, 0);
    }
  }
}

/**
 * neighMcastOutput stands for the neighbour lookup of a packet sent to an IPv6 multicast
 * group on an Ethernet-like device (ip6_finish_output2() → __neigh_create()): the first one
 * creates, without a notification, a NOARP entry with the group's multicast MAC
 * (ndisc_mc_map()); it goes with RTM_DELNEIGH when the device goes down or loses carrier.
 * nlsim sends no packets, but addrconf and MLD "send" router solicitations (ff02::2), DAD
 * probes (solicited-node groups) and MLDv2 reports (ff02::16), and these entries are what
 * user space can see of them.
 */
export function neighMcastOutput(links: LinkTable, dev: NetDevice, group: Uint8Array): void {
  if (dev.address.length !== 6) return;
  const t = neighTables(links)[1]!;
  const key = NeighTable.key(dev, group);
  if (t.entries.has(key)) return;
  const lladdr = Uint8Array.of(0x33, 0x33, group[12]!, group[13]!, group[14]!, group[15]!);
  t.entries.set(key, { family: 10, dev, dst: group.slice(), lladdr, state: NUD.NUD_NOARP, flags: 0, protocol: 0, type: RTN.RTN_MULTICAST });
}

/**
 * arpMcastOutput is neighMcastOutput()'s IPv4 counterpart (ip_finish_output2() →
 * arp_constructor()): a packet to an IPv4 multicast group leaves a NOARP entry with the
 * group's multicast MAC (ip_eth_mc_map()), silently; IGMPv3 reports to 224.0.0.22 are the
 * ones nlsim "sends" (bridge-snoopers.ts).
 */
export function arpMcastOutput(links: LinkTable, dev: NetDevice, group: Uint8Array): void {
  if (dev.address.length !== 6) return;
  const t = neighTables(links)[0]!;
  const key = NeighTable.key(dev, group);
  if (t.entries.has(key)) return;
  const lladdr = Uint8Array.of(0x01, 0x00, 0x5e, group[1]! & 0x7f, group[2]!, group[3]!);
  t.entries.set(key, { family: 2, dev, dst: group.slice(), lladdr, state: NUD.NUD_NOARP, flags: 0, protocol: 0, type: RTN.RTN_MULTICAST });
}

/** neighForget deletes one entry of `dev` (`family` 2 or 10, key `dst`) with its RTM_DELNEIGH, if there is one. */
export function neighForget(links: LinkTable, ks: KernelSocket, dev: NetDevice, family: number, dst: Uint8Array): void {
  const t = neighTables(links).find((x) => x.family === family)!;
  const key = NeighTable.key(dev, dst);
  const n = t.entries.get(key);
  if (!n) return;
  t.entries.delete(key);
  neighNotify(ks, RTM.RTM_DELNEIGH, n, 0, 0);
}

type Tb = (AttrView | undefined)[];

/** NeighOps binds the neighbour handlers to one kernel's network state. */
export class NeighOps {
  readonly #state: NetworkState;

  constructor(state: NetworkState) {
    this.#state = state;
  }

  /** register installs neigh_init()'s PF_UNSPEC handlers. */
  register(rtnl: Rtnetlink): void {
    // PF_BRIDGE has its own handlers (rtnl_fdb_add/del/get/dump): bridge-fdb.ts.
    rtnl.register(0, RTM.RTM_NEWNEIGH, { doit: (ctx) => this.add(ctx) });
    rtnl.register(0, RTM.RTM_DELNEIGH, { doit: (ctx) => this.del(ctx) });
    rtnl.register(0, RTM.RTM_GETNEIGH, { doit: (ctx) => this.get(ctx), dumpit: (ctx) => this.dump(ctx) });
  }

  #parse(message: Uint8Array, extack: object, level: number = NL_VALIDATE.NL_VALIDATE_LIBERAL): Tb {
    const r = nlmsgParse(message, NDMSG_LEN, NDA_POLICY, NDA_MAX, level);
    if (r.warning) Object.assign(extack, { message: r.warning });
    return r.attrs;
  }

  #table(links: LinkTable, family: number): NeighTable | undefined {
    return neighTables(links).find((t) => t.family === family);
  }

  /** add mirrors neigh_add() → __neigh_update() for static entries. */
  add(ctx: RequestContext): void {
    const tb = this.#parse(ctx.message, ctx.extack);
    const p = ctx.payload;
    const ifindex = viewOf(p).getInt32(4, HOST_LE);
    const state = viewOf(p).getUint16(8, HOST_LE);
    const flags = p[10]!;
    const links = this.#state.links(ctx.skb.sock.netns);
    let dev: NetDevice | undefined;
    if (ifindex) {
      dev = links.byIndex(ifindex);
      if (!dev) throw new KernelError('ENODEV');
      if (tb[NDA.NDA_LLADDR] && tb[NDA.NDA_LLADDR]!.length < dev.address.length) throw new KernelError('EINVAL', 'Invalid link address');
    }
    if (!tb[NDA.NDA_DST]) throw new KernelError('EINVAL', 'Network address not specified');
    const tbl = this.#table(links, p[0]!);
    if (!tbl) throw new KernelError('EAFNOSUPPORT');
    if (tb[NDA.NDA_DST]!.length < tbl.keyLen) throw new KernelError('EINVAL', 'Invalid network address');
    if (flags & NTF_PROXY) {
      // pneigh_create(): pndisc_constructor() refuses an IPv6 entry without an inet6_dev (-ENOBUFS).
      if (tbl.family === 10 && !dev?.inet6) throw new KernelError('ENOBUFS');
      const protocol = tb[NDA.NDA_PROTOCOL]?.u8() ?? 0;
      pneighCreate(links, tbl.family, tb[NDA.NDA_DST]!.payload.slice(0, tbl.keyLen), dev ?? null, flags, protocol, (state & NUD.NUD_PERMANENT) !== 0);
      return;
    }
    if (flags) throw new KernelError('EOPNOTSUPP', `nlsim: neighbour flags (proxy ${NTF_PROXY}, use ${NTF_USE}, router, extern_learn) are not modelled yet`);
    if (!dev) throw new KernelError('EINVAL', 'Device not specified');
    if (state !== NUD.NUD_PERMANENT && state !== NUD.NUD_NOARP) {
      throw new KernelError('EOPNOTSUPP', 'nlsim: only PERMANENT and NOARP neighbour entries are modelled (others run timers)');
    }
    if (tbl.family === 10 && !dev.inet6) throw new KernelError('EINVAL', 'IPv6 is disabled on this device');
    const dst = tb[NDA.NDA_DST]!.payload.slice(0, tbl.keyLen);
    const lladdr = tb[NDA.NDA_LLADDR] ? tb[NDA.NDA_LLADDR]!.payload.slice(0, dev.address.length) : null;
    const key = NeighTable.key(dev, dst);
    let n = tbl.entries.get(key);
    if (!n) {
      if (!(ctx.header.flags & NLM_F_CREATE)) throw new KernelError('ENOENT');
      n = { family: tbl.family, dev, dst, lladdr: null, state: NUD.NUD_NONE, flags: 0, protocol: 0, type: neighType(links, tbl.family, dst, dev) };
      tbl.entries.set(key, n);
    } else if (ctx.header.flags & NLM_F_EXCL) throw new KernelError('EEXIST');
    if (tb[NDA.NDA_PROTOCOL]) n.protocol = tb[NDA.NDA_PROTOCOL]!.u8();
    // __neigh_update(): without NEIGH_UPDATE_F_OVERRIDE (NLM_F_REPLACE) a different address
    // leaves the entry alone; it notifies only when the state or address changed.
    const override = (ctx.header.flags & NLM_F_REPLACE) !== 0 || n.state === NUD.NUD_NONE;
    if (lladdr && n.lladdr && !eq(lladdr, n.lladdr) && !override) return;
    const ll = lladdr ?? n.lladdr;
    const changed = n.state !== state || (ll !== null && (!n.lladdr || !eq(ll, n.lladdr)));
    n.lladdr = ll;
    n.state = state;
    if (changed) neighNotify(ctx.kernelSocket, RTM.RTM_NEWNEIGH, n, 1, ctx.portid);
  }

  /** del mirrors neigh_delete(): NUD_FAILED (notified), then the entry goes (RTM_DELNEIGH). */
  del(ctx: RequestContext): void {
    const tb = this.#parse(ctx.message, ctx.extack);
    if (!tb[NDA.NDA_DST]) throw new KernelError('EINVAL', 'Network address not specified');
    const p = ctx.payload;
    const ifindex = viewOf(p).getInt32(4, HOST_LE);
    const links = this.#state.links(ctx.skb.sock.netns);
    let dev: NetDevice | undefined;
    if (ifindex) {
      dev = links.byIndex(ifindex);
      if (!dev) throw new KernelError('ENODEV');
    }
    const tbl = this.#table(links, p[0]!);
    if (!tbl) throw new KernelError('EAFNOSUPPORT');
    if (tb[NDA.NDA_DST]!.length < tbl.keyLen) throw new KernelError('EINVAL', 'Invalid network address');
    if (p[10]! & NTF_PROXY) {
      if (!pneighDelete(links, tbl.family, tb[NDA.NDA_DST]!.payload.subarray(0, tbl.keyLen), dev ?? null)) throw new KernelError('ENOENT');
      return;
    }
    if (!dev) throw new KernelError('EINVAL');
    const key = NeighTable.key(dev, tb[NDA.NDA_DST]!.payload.subarray(0, tbl.keyLen));
    const n = tbl.entries.get(key);
    if (!n) throw new KernelError('ENOENT');
    n.state = NUD.NUD_FAILED;
    neighNotify(ctx.kernelSocket, RTM.RTM_NEWNEIGH, n, 1, ctx.portid);
    tbl.entries.delete(key);
    neighNotify(ctx.kernelSocket, RTM.RTM_DELNEIGH, n, 0, 0);
  }

  /** get mirrors neigh_get() with neigh_valid_get_req(). */
  get(ctx: RequestContext): number {
    if (ctx.payload.length < NDMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for neighbor get request');
    const p = ctx.payload;
    const v = viewOf(p);
    if (p[1] || v.getUint16(2, HOST_LE) || v.getUint16(8, HOST_LE) || p[11]) throw new KernelError('EINVAL', 'Invalid values in header for neighbor get request');
    if (p[10]! & ~NTF_PROXY) throw new KernelError('EINVAL', 'Invalid flags in header for neighbor get request');
    const tb = this.#parse(ctx.message, ctx.extack, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
    const links = this.#state.links(ctx.skb.sock.netns);
    const tbl = this.#table(links, p[0]!);
    if (!tbl) throw new KernelError('EAFNOSUPPORT', 'Unsupported family in header for neighbor get request');
    for (let i = 0; i <= NDA_MAX; i++) {
      if (!tb[i]) continue;
      if (i !== NDA.NDA_DST) throw new KernelError('EINVAL', 'Unsupported attribute in neighbor get request');
      if (tb[i]!.length !== tbl.keyLen) throw new KernelError('EINVAL', 'Invalid network address in neighbor get request');
    }
    const ifindex = v.getInt32(4, HOST_LE);
    let dev: NetDevice | undefined;
    if (ifindex) {
      dev = links.byIndex(ifindex);
      if (!dev) throw new KernelError('ENODEV', 'Unknown device ifindex');
    }
    // 6.18: a device is needed unless NTF_PROXY; NDA_DST is reported as a missing attribute.
    if (!dev && !(p[10]! & NTF_PROXY)) throw new KernelError('EINVAL', 'No device specified');
    if (!tb[NDA.NDA_DST]) throw new KernelError('EINVAL', { missingType: NDA.NDA_DST });
    if (p[10]! & NTF_PROXY) {
      const pn = pneighLookup(links, tbl.family, tb[NDA.NDA_DST]!.payload, dev ?? null);
      if (!pn) throw new KernelError('ENOENT', 'Proxy neighbour entry not found');
      return ctx.reply(ctx.encode(RTM.RTM_NEWNEIGH, (w) => fillPneigh(w, pn)), { allocSize: NEIGH_NLMSG_SIZE });
    }
    if (!dev) throw new KernelError('EINVAL', 'No device specified');
    const n = tbl.entries.get(NeighTable.key(dev, tb[NDA.NDA_DST]!.payload));
    if (!n) throw new KernelError('ENOENT', 'Neighbour entry not found');
    return ctx.reply(ctx.encode(RTM.RTM_NEWNEIGH, (w) => fillNeigh(w, n, 1)), { allocSize: NEIGH_NLMSG_SIZE });
  }

  /** dump mirrors neigh_dump_info() with neigh_valid_dump_req(). */
  dump(ctx: RequestContext): DumpControl {
    const links = this.#state.links(ctx.skb.sock.netns);
    const family = ctx.payload[0]!;
    // neigh_dump_info(): ndm_flags == NTF_PROXY dumps the proxy tables instead (pneigh_dump_table()).
    const proxy = ctx.payload.length >= NDMSG_LEN && ctx.payload[10] === NTF_PROXY;
    let filter: { dev: number; master: number; flags: number } | undefined;
    return {
      dump: (chunk, d) => {
        if (!filter) {
          try {
            filter = this.#validDump(d.requestMessage, d.strictCheck, d.extack);
          } catch (e) {
            if (!(e instanceof KernelError)) throw e;
            filter = { dev: 0, master: 0, flags: 0 };
            Object.assign(d.extack, e.extack);
            return e.errno;
          }
        }
        const f = filter;
        const tables = neighTables(links).filter((t) => !family || t.family === family);
        if (proxy) {
          for (let ti = (d.args[0] as number | undefined) ?? 0; ti < tables.length; ti++) {
            const list = pneighEntries(links, tables[ti]!.family);
            for (let i = (d.args[1] as number | undefined) ?? 0; i < list.length; i++) {
              const n = list[i]!;
              const keep = (!f.dev || n.dev?.ifindex === f.dev) && (!f.master || n.dev?.master?.ifindex === f.master);
              if (keep && !chunk.put(RTM.RTM_NEWNEIGH, (w) => fillPneigh(w, n), f.flags)) return chunk.length ? chunk.length : -90;
              d.args[1] = i + 1;
            }
            d.args[0] = ti + 1;
            d.args[1] = 0;
          }
          return 0;
        }
        for (let ti = (d.args[0] as number | undefined) ?? 0; ti < tables.length; ti++) {
          const list = [...tables[ti]!.entries.values()];
          for (let i = (d.args[1] as number | undefined) ?? 0; i < list.length; i++) {
            const n = list[i]!;
            const keep = (!f.dev || n.dev.ifindex === f.dev) && (!f.master || n.dev.master?.ifindex === f.master);
            if (keep && !chunk.put(RTM.RTM_NEWNEIGH, (w) => fillNeigh(w, n, 0), f.flags)) return chunk.length ? chunk.length : -90;
            d.args[1] = i + 1;
          }
          d.args[0] = ti + 1;
          d.args[1] = 0;
        }
        return 0;
      },
    };
  }

  #validDump(message: Uint8Array, strict: boolean, extack: object): { dev: number; master: number; flags: number } {
    let tb: Tb;
    if (strict) {
      if (message.length - 16 < NDMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for neighbor dump request');
      const p = message.subarray(16);
      const v = viewOf(p);
      if (p[1] || v.getUint16(2, HOST_LE) || v.getInt32(4, HOST_LE) || v.getUint16(8, HOST_LE) || p[11]) {
        throw new KernelError('EINVAL', 'Invalid values in header for neighbor dump request');
      }
      if (p[10]! & ~NTF_PROXY) throw new KernelError('EINVAL', 'Invalid flags in header for neighbor dump request');
      tb = this.#parse(message, extack, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
    } else {
      try {
        tb = this.#parse(message, extack);
      } catch {
        tb = [];
      }
    }
    const f = { dev: 0, master: 0, flags: 0 };
    for (let i = 0; i <= NDA_MAX; i++) {
      if (!tb[i]) continue;
      if (i === NDA.NDA_IFINDEX) f.dev = tb[i]!.u32();
      else if (i === NDA.NDA_MASTER) f.master = tb[i]!.u32();
      else if (strict) throw new KernelError('EINVAL', 'Unsupported attribute in neighbor dump request');
    }
    if (f.dev || f.master) f.flags = NLM_F_DUMP_FILTERED;
    return f;
  }
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** neighType mirrors the tables' constructors: the address's route type (ARP) or unicast/multicast (ND). */
function neighType(links: LinkTable, family: number, dst: Uint8Array, dev: NetDevice): number {
  if (family === 10) return dst[0] === 0xff ? RTN.RTN_MULTICAST : RTN.RTN_UNICAST;
  // arp_constructor(): inet_addr_type_dev_table() in the local table.
  return links.inet4.addrTypeTable(ipv4Read(dst), RT_TABLE.RT_TABLE_LOCAL, dev);
}
