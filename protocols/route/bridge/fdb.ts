/**
 * The bridge forwarding database (net/bridge/br_fdb.c) and PF_BRIDGE's neighbour handlers in
 * rtnetlink.c (rtnl_fdb_add(), rtnl_fdb_del(), rtnl_fdb_get(), rtnl_fdb_dump()).
 *
 * A bridge keeps local (permanent) entries for its own address and each port's
 * (fdb_add_local()); when it adopts a port's address (br_stp_change_bridge_id()) its old
 * entry goes (br_fdb_change_mac_address()), and a port's entry leaving with the port passes
 * to another port or to the bridge with the same address, or goes (fdb_delete_local()). Users
 * add, replace and delete static (NUD_NOARP) and permanent entries on ports
 * (`bridge fdb add … master`), and `self` entries in a device's own address lists
 * (ndo_dflt_fdb_add()). Each change is an AF_BRIDGE RTM_NEWNEIGH/RTM_DELNEIGH on
 * RTNLGRP_NEIGH (fdb_notify(), rtnl_fdb_notify()).
 *
 * @note nlsim sends no packets, so no entry is ever learned (no dynamic entries, no ageing),
 * VLANs are not compiled in (the 6.18 test kernel has no CONFIG_BRIDGE_VLAN_FILTERING:
 * NDA_VLAN on a bridge is an unconfigured VLAN, EINVAL), and NTF_USE, NTF_EXT_LEARNED,
 * NDA_FDB_EXT_ATTRS (activity notification) and bulk deletion are refused as not modelled.
 * The entries are kept in one list, newest first (br->fdb_list, which dumps walk).
 */
import type { DumpControl, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { KernelSocket } from '../../../sim/kernel-socket.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../../sim/uapi/netlink.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import { devMcAddExcl, devMcDel, devMcList, devUcAddExcl, devUcDel, devUcList } from '../core/index.js';
import type { NetDevice } from '../core/index.js';
import { IFLA_POLICY } from '../core/index.js';
import { notify } from '../core/index.js';
import { RTNL_FLAG, type Rtnetlink } from '../core/index.js';
import type { NetworkState } from '../core/index.js';
import { IFLA, NDMSG_LEN, RTM, RTNLGRP } from '../core/uapi.js';

const AF_BRIDGE = 7;
const ARPHRD_ETHER = 1;
/** ndm_flags. */
const NTF_USE = 0x01;
const NTF_SELF = 0x02;
const NTF_MASTER = 0x04;
const NTF_EXT_LEARNED = 0x10;
const NTF_STICKY = 0x40;
/** ndm_state. */
const NUD_REACHABLE = 0x02;
const NUD_NOARP = 0x40;
const NUD_PERMANENT = 0x80;
/** NDA_* attributes the FDB handlers read or write. */
const NDA_LLADDR = 2;
const NDA_CACHEINFO = 3;
const NDA_VLAN = 5;
const NDA_VNI = 7;
const NDA_IFINDEX = 8;
const NDA_MASTER = 9;
const NDA_FDB_EXT_ATTRS = 14;
const NDA_FLAGS_EXT = 15;
const NDA_MAX = 17;
const IFLA_MAX = 69;
/** VLAN_VID_MASK: vids are 1..4094. */
const VLAN_VID_MASK = 0x0fff;
/** NLM_F_BULK on a DEL request. */
const NLM_F_BULK = 0x200;
const EMSGSIZE = -90;
/** fdb_nlmsg_size() with the nlmsghdr: ndmsg, LLADDR, MASTER, FLAGS_EXT, VLAN, CACHEINFO, FDB_EXT_ATTRS{ACTIVITY_NOTIFY}. */
const FDB_NLMSG_SIZE = 16 + 12 + 12 + 8 + 8 + 8 + 20 + 4 + 8;
/** rtnl_fdb_nlmsg_size(): ndmsg and LLADDR (the device's own entries). */
const RTNL_FDB_NLMSG_SIZE = 16 + 12 + 12;

/** FdbEntry is one struct net_bridge_fdb_entry. */
interface FdbEntry {
  readonly addr: Uint8Array;
  /** The port it points to; null for the bridge itself. */
  dst: NetDevice | null;
  /** BR_FDB_LOCAL, BR_FDB_STATIC, BR_FDB_ADDED_BY_USER, BR_FDB_STICKY. */
  local: boolean;
  static: boolean;
  addedByUser: boolean;
  sticky: boolean;
  /** jiffies (kernel ms) of the last use and update. */
  used: number;
  updated: number;
}

/** FdbNet is what the FDB needs of the namespace: its kernel socket and clock. */
export interface FdbNet {
  readonly ks: KernelSocket;
  readonly options: { now: () => number };
}

const fdbs = new WeakMap<NetDevice, FdbEntry[]>();

/** fdbList is br->fdb_list, newest first. */
function fdbList(br: NetDevice): FdbEntry[] {
  let l = fdbs.get(br);
  if (!l) {
    l = [];
    fdbs.set(br, l);
  }
  return l;
}

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
/** isValidEtherAddr mirrors is_valid_ether_addr(): not multicast, not zero. */
const isValidEtherAddr = (a: Uint8Array) => !(a[0]! & 1) && a.some((b) => b !== 0);

/** brFdbFind mirrors br_fdb_find() (vid 0). */
function brFdbFind(br: NetDevice, addr: Uint8Array): FdbEntry | undefined {
  return fdbList(br).find((f) => eq(f.addr, addr));
}

/** fdbToNud mirrors fdb_to_nud(): local is PERMANENT, static NOARP (nothing learned ever goes stale). */
function fdbToNud(f: FdbEntry): number {
  if (f.local) return NUD_PERMANENT;
  if (f.static) return NUD_NOARP;
  return NUD_REACHABLE;
}

/** ndmsg writes struct ndmsg. */
function ndmsg(w: AttrWriter, ifindex: number, state: number, flags: number): void {
  const h = new Uint8Array(NDMSG_LEN);
  const v = viewOf(h);
  h[0] = AF_BRIDGE;
  v.setInt32(4, ifindex, HOST_LE);
  v.setUint16(8, state, HOST_LE);
  h[10] = flags;
  w.raw(h);
}

/** jiffiesToClock: kernel ms to clock_t (1/100 s) through HZ 250 jiffies. */
const jiffiesToClock = (ms: number) => Math.floor((Math.floor(Math.max(0, ms) / 4) * 4) / 10);

/** fdbFillInfo mirrors fdb_fill_info() (the body after nlmsghdr). */
function fdbFillInfo(w: AttrWriter, br: NetDevice, f: FdbEntry, now: number): void {
  ndmsg(w, f.dst ? f.dst.ifindex : br.ifindex, fdbToNud(f), f.sticky ? NTF_STICKY : 0);
  w.bytes(NDA_LLADDR, f.addr);
  w.u32(NDA_MASTER, br.ifindex);
  w.u32(NDA_FLAGS_EXT, 0);
  // struct nda_cacheinfo: confirmed 0, used and updated ages in clock_t, refcnt 0.
  const ci = new Uint8Array(16);
  const v = viewOf(ci);
  v.setUint32(4, jiffiesToClock(now - f.used), HOST_LE);
  v.setUint32(8, jiffiesToClock(now - f.updated), HOST_LE);
  w.bytes(NDA_CACHEINFO, ci);
}

/** fdbNotify mirrors fdb_notify(): RTNLGRP_NEIGH, seq 0, port id 0. */
function fdbNotify(net: FdbNet, br: NetDevice, f: FdbEntry, type: number): void {
  const now = net.options.now();
  notify({ ks: net.ks }, type, 0, RTNLGRP.RTNLGRP_NEIGH, (w) => fdbFillInfo(w, br, f, now), FDB_NLMSG_SIZE);
}

/** populateFdbFill mirrors nlmsg_populate_fdb_fill(): a device's own entry (NTF_SELF, only NDA_LLADDR). */
function populateFdbFill(w: AttrWriter, dev: NetDevice, addr: Uint8Array, state: number): void {
  ndmsg(w, dev.ifindex, state, NTF_SELF);
  w.bytes(NDA_LLADDR, addr);
}

/** rtnlFdbNotify mirrors rtnl_fdb_notify(): a `self` entry added or deleted, with the request's state. */
function rtnlFdbNotify(net: FdbNet, dev: NetDevice, addr: Uint8Array, type: number, state: number): void {
  notify({ ks: net.ks }, type, 0, RTNLGRP.RTNLGRP_NEIGH, (w) => populateFdbFill(w, dev, addr, state), RTNL_FDB_NLMSG_SIZE);
}

function fdbCreate(br: NetDevice, source: NetDevice | null, addr: Uint8Array, now: number): FdbEntry {
  const f: FdbEntry = { addr: addr.slice(), dst: source, local: false, static: false, addedByUser: false, sticky: false, used: now, updated: now };
  fdbList(br).unshift(f);
  return f;
}

/** fdbDelete mirrors fdb_delete(): unlinked, then RTM_DELNEIGH. */
function fdbDelete(net: FdbNet, br: NetDevice, f: FdbEntry): void {
  const l = fdbList(br);
  const i = l.indexOf(f);
  if (i >= 0) l.splice(i, 1);
  fdbNotify(net, br, f, RTM.RTM_DELNEIGH);
}

/**
 * fdbAddLocal mirrors fdb_add_local(): a local entry for `addr` (invalid addresses are
 * skipped; an existing local entry is kept, another one replaced).
 */
export function fdbAddLocal(net: FdbNet, br: NetDevice, source: NetDevice | null, addr: Uint8Array): void {
  if (!isValidEtherAddr(addr)) return;
  const old = brFdbFind(br, addr);
  if (old) {
    if (old.local) return;
    fdbDelete(net, br, old);
  }
  const f = fdbCreate(br, source, addr, net.options.now());
  f.local = f.static = true;
  fdbNotify(net, br, f, RTM.RTM_NEWNEIGH);
}

/**
 * fdbDeleteLocal mirrors fdb_delete_local(): a local entry passes, silently, to another port
 * with the same address, or to the bridge when it has that address (and `p` is a port);
 * otherwise it goes.
 */
function fdbDeleteLocal(net: FdbNet, br: NetDevice, ports: readonly NetDevice[], p: NetDevice | null, f: FdbEntry): void {
  for (const op of ports) {
    if (op !== p && eq(op.address, f.addr)) {
      f.dst = op;
      f.addedByUser = false;
      return;
    }
  }
  if (p && eq(br.address, f.addr)) {
    f.dst = null;
    f.addedByUser = false;
    return;
  }
  fdbDelete(net, br, f);
}

/**
 * fdbChangeMacAddress mirrors br_fdb_change_mac_address(): before the bridge takes `addr`, its
 * own entry for the old address goes (unless a user added it), and one for `addr` is added.
 */
export function fdbChangeMacAddress(net: FdbNet, br: NetDevice, ports: readonly NetDevice[], addr: Uint8Array): void {
  const f = brFdbFind(br, br.address);
  if (f && f.local && !f.dst && !f.addedByUser) fdbDeleteLocal(net, br, ports, null, f);
  fdbAddLocal(net, br, null, addr);
}

/**
 * fdbChangeAddr mirrors br_fdb_changeaddr(): a port's address changed; its old local entry
 * goes (fdb_delete_local()) and one for the new address is added.
 */
export function fdbChangeAddr(net: FdbNet, br: NetDevice, ports: readonly NetDevice[], p: NetDevice, addr: Uint8Array): void {
  const f = fdbList(br).find((x) => x.dst === p && x.local && !x.addedByUser);
  if (f) fdbDeleteLocal(net, br, ports, p, f);
  fdbAddLocal(net, br, p, addr);
}

/**
 * fdbDeleteByPort mirrors br_fdb_delete_by_port(): the port's entries (static ones only with
 * `doAll`), in list order; local ones through fdb_delete_local(). `ports` no longer holds p.
 */
export function fdbDeleteByPort(net: FdbNet, br: NetDevice, ports: readonly NetDevice[], p: NetDevice, doAll: boolean): void {
  for (const f of [...fdbList(br)]) {
    if (f.dst !== p) continue;
    if (!doAll && f.static) continue;
    if (f.local) fdbDeleteLocal(net, br, ports, p, f);
    else fdbDelete(net, br, f);
  }
}

/** fdbFlush drops a deleted bridge's table (br_fdb_delete_by_port(br, NULL, 0, 1) in br_dev_delete()). */
export function fdbFlush(net: FdbNet, br: NetDevice): void {
  for (const f of [...fdbList(br)]) if (!f.dst) fdbDeleteLocal(net, br, [], null, f);
}

// ---- rtnetlink: PF_BRIDGE RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH ----

/** isBridge / bridgeOf: netif_is_bridge_master() and the master of a bridge port. */
const isBridge = (dev: NetDevice) => dev.kind?.kind === 'bridge';
const bridgeOf = (dev: NetDevice) => (dev.master && isBridge(dev.master) ? dev.master : null);
/** portsOf: the bridge's ports (br->port_list, newest first). */
const portsOf = (br: NetDevice) => (br.priv as { ports: NetDevice[] }).ports;

/** fdbVidParse mirrors fdb_vid_parse(): a u16 vid in 1..4094. */
function fdbVidParse(a: AttrView | undefined): number {
  if (!a) return 0;
  if (a.length !== 2) throw new KernelError('EINVAL', 'invalid vlan attribute size');
  const vid = a.u16();
  if (!vid || vid >= VLAN_VID_MASK) throw new KernelError('EINVAL', 'invalid vlan id');
  return vid;
}

type Tb = (AttrView | undefined)[];

/** FdbRequest is the part of an rtnl_fdb_add/del request the handlers read. */
interface FdbRequest {
  dev: NetDevice;
  addr: Uint8Array;
  vid: number;
  state: number;
  flags: number;
  tb: Tb;
}

/** parseFdbRequest is the common start of rtnl_fdb_add() and rtnl_fdb_del() (no policy). */
function parseFdbRequest(ctx: RequestContext, state: NetworkState, del: boolean): FdbRequest {
  const tb = nlmsgParse(ctx.message, NDMSG_LEN, null, NDA_MAX, NL_VALIDATE.NL_VALIDATE_LIBERAL).attrs;
  const p = ctx.payload;
  const v = viewOf(p);
  const ifindex = v.getInt32(4, HOST_LE);
  if (ifindex === 0) throw new KernelError('EINVAL', 'invalid ifindex');
  const dev = state.links(ctx.skb.sock.netns).byIndex(ifindex);
  if (!dev) throw new KernelError('ENODEV', 'unknown ifindex');
  const ll = tb[NDA_LLADDR];
  if (!ll || ll.length !== 6) throw new KernelError('EINVAL', 'invalid address');
  if (!del && dev.type !== ARPHRD_ETHER) throw new KernelError('EINVAL', 'FDB add only supported for Ethernet devices');
  const vid = fdbVidParse(tb[NDA_VLAN]);
  if (del && dev.type !== ARPHRD_ETHER) throw new KernelError('EINVAL', 'FDB delete only supported for Ethernet devices');
  return { dev, addr: ll.payload.slice(0, 6), vid, state: v.getUint16(8, HOST_LE), flags: p[10]!, tb };
}

/** brFdbAdd mirrors br_fdb_add() → __br_fdb_add() → fdb_add_entry() for `dev` (a port or the bridge). */
function brFdbAdd(net: FdbNet, req: FdbRequest, nlFlags: number): void {
  const { dev, addr, state } = req;
  if (!(state & (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE))) throw new KernelError('EINVAL');
  if (addr.every((b) => b === 0)) throw new KernelError('EINVAL');
  const br = isBridge(dev) ? dev : bridgeOf(dev);
  if (!br) throw new KernelError('EINVAL');
  const source = br === dev ? null : dev;
  if (req.tb[NDA_FDB_EXT_ATTRS]) throw new KernelError('EOPNOTSUPP', 'nlsim: NDA_FDB_EXT_ATTRS (fdb activity notification) is not modelled yet');
  // No VLAN is ever configured: the test kernel has no VLAN filtering.
  if (req.vid) throw new KernelError('EINVAL');
  if (req.flags & (NTF_USE | NTF_EXT_LEARNED)) throw new KernelError('EOPNOTSUPP', 'nlsim: NTF_USE and NTF_EXT_LEARNED fdb entries are not modelled yet');
  const sticky = (req.flags & NTF_STICKY) !== 0;
  if (!source && !(state & NUD_PERMANENT)) throw new KernelError('EINVAL');
  if (sticky && state & NUD_PERMANENT) throw new KernelError('EINVAL');
  const now = net.options.now();
  let f = brFdbFind(br, addr);
  let modified = false;
  if (!f) {
    if (!(nlFlags & NLM_F_CREATE)) throw new KernelError('ENOENT');
    f = fdbCreate(br, source, addr, now);
    modified = true;
  } else {
    if (nlFlags & NLM_F_EXCL) throw new KernelError('EEXIST');
    if (f.dst !== source) {
      f.dst = source;
      modified = true;
    }
  }
  if (fdbToNud(f) !== state) {
    if (state & NUD_PERMANENT) f.local = f.static = true;
    else if (state & NUD_NOARP) {
      f.local = false;
      f.static = true;
    } else f.local = f.static = false;
    modified = true;
  }
  if (sticky !== f.sticky) {
    f.sticky = sticky;
    modified = true;
  }
  f.addedByUser = true;
  f.used = now;
  if (modified) {
    f.updated = now;
    fdbNotify(net, br, f, RTM.RTM_NEWNEIGH);
  }
}

/** ndoDfltFdbAdd mirrors ndo_dflt_fdb_add(): the address joins the device's uc or mc list. */
function ndoDfltFdbAdd(req: FdbRequest, nlFlags: number): void {
  if (req.state && !(req.state & NUD_PERMANENT)) throw new KernelError('EINVAL');
  if (req.tb[NDA_VLAN]) throw new KernelError('EINVAL');
  const a = req.addr;
  const err = !(a[0]! & 1) || isLinkLocalEther(a) ? devUcAddExcl(req.dev, a) : devMcAddExcl(req.dev, a);
  if (err && nlFlags & NLM_F_EXCL) throw new KernelError(err);
}

/** isLinkLocalEther mirrors is_link_local_ether_addr(): 01:80:c2:00:00:0X. */
const isLinkLocalEther = (a: Uint8Array) => a[0] === 0x01 && a[1] === 0x80 && a[2] === 0xc2 && a[3] === 0 && a[4] === 0 && (a[5]! & 0xf0) === 0;

/** rtnlFdbAdd mirrors rtnl_fdb_add(): the bridge of a port (no flags or NTF_MASTER), then the device itself (NTF_SELF). */
function rtnlFdbAdd(ctx: RequestContext, state: NetworkState): void {
  const net: FdbNet = { ks: ctx.kernelSocket, options: state.options };
  const req = parseFdbRequest(ctx, state, false);
  let flags = req.flags;
  let done = false;
  if ((!flags || flags & NTF_MASTER) && bridgeOf(req.dev)) {
    brFdbAdd(net, req, ctx.header.flags);
    flags &= ~NTF_MASTER;
    done = true;
  }
  if (flags & NTF_SELF) {
    if (isBridge(req.dev)) brFdbAdd(net, req, ctx.header.flags); // br_fdb_add() notifies itself
    else {
      ndoDfltFdbAdd(req, ctx.header.flags);
      rtnlFdbNotify(net, req.dev, req.addr, RTM.RTM_NEWNEIGH, req.state);
    }
    done = true;
  }
  if (!done) throw new KernelError('EOPNOTSUPP');
}

/** brFdbDelete mirrors br_fdb_delete() → __br_fdb_delete(): the entry of `addr` pointing to the port (or the bridge). */
function brFdbDelete(net: FdbNet, req: FdbRequest): void {
  const dev = req.dev;
  const br = isBridge(dev) ? dev : bridgeOf(dev);
  if (!br) throw new KernelError('EINVAL');
  const source = br === dev ? null : dev;
  const f = req.vid ? undefined : brFdbFind(br, req.addr);
  if (!f || f.dst !== source) throw new KernelError('ENOENT');
  fdbDelete(net, br, f);
}

/** ndoDfltFdbDel mirrors ndo_dflt_fdb_del(): only NUD_PERMANENT requests, from the uc or mc list. */
function ndoDfltFdbDel(req: FdbRequest): void {
  if (!(req.state & NUD_PERMANENT)) throw new KernelError('EINVAL');
  const a = req.addr;
  let err: 'ENOENT' | undefined = 'ENOENT';
  if (!(a[0]! & 1) || isLinkLocalEther(a)) err = devUcDel(req.dev, a);
  else err = devMcDel(req.dev, a);
  if (err) throw new KernelError(err);
}

/** rtnlFdbDel mirrors rtnl_fdb_del() for one entry (NLM_F_BULK is not modelled). */
function rtnlFdbDel(ctx: RequestContext, state: NetworkState): void {
  if (ctx.header.flags & NLM_F_BULK) throw new KernelError('EOPNOTSUPP', 'nlsim: bulk fdb deletion (NLM_F_BULK) is not modelled yet');
  const net: FdbNet = { ks: ctx.kernelSocket, options: state.options };
  const req = parseFdbRequest(ctx, state, true);
  let flags = req.flags;
  let done = false;
  if ((!flags || flags & NTF_MASTER) && bridgeOf(req.dev)) {
    brFdbDelete(net, req);
    flags &= ~NTF_MASTER;
    done = true;
  }
  if (flags & NTF_SELF) {
    if (isBridge(req.dev)) brFdbDelete(net, req);
    else {
      ndoDfltFdbDel(req);
      rtnlFdbNotify(net, req.dev, req.addr, RTM.RTM_DELNEIGH, req.state);
    }
    done = true;
  }
  if (!done) throw new KernelError('EOPNOTSUPP');
}

/** rtnlFdbGet mirrors rtnl_fdb_get() with valid_fdb_get_strict() (always strict) and br_fdb_get(). */
function rtnlFdbGet(ctx: RequestContext, state: NetworkState): number | void {
  const links = state.links(ctx.skb.sock.netns);
  if (ctx.payload.length < NDMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for fdb get request');
  const p = ctx.payload;
  const v = viewOf(p);
  if (p[1] || v.getUint16(2, HOST_LE) || v.getUint16(8, HOST_LE) || p[11]) throw new KernelError('EINVAL', 'Invalid values in header for fdb get request');
  const flags = p[10]!;
  if (flags & ~(NTF_MASTER | NTF_SELF)) throw new KernelError('EINVAL', 'Invalid flags in header for fdb get request');
  const r = nlmsgParse(ctx.message, NDMSG_LEN, GET_POLICY, NDA_MAX, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
  const tb = r.attrs;
  let brIdx = 0;
  let addr: Uint8Array | undefined;
  for (let i = 0; i <= NDA_MAX; i++) {
    const a = tb[i];
    if (!a) continue;
    if (i === NDA_MASTER) brIdx = a.u32();
    else if (i === NDA_LLADDR) {
      if (a.length !== 6) throw new KernelError('EINVAL', 'Invalid address in fdb get request');
      addr = a.payload.slice(0, 6);
    } else if (i === NDA_VLAN) fdbVidParse(a);
    else if (i !== NDA_VNI) throw new KernelError('EINVAL', 'Unsupported attribute in fdb get request');
  }
  if (!addr) throw new KernelError('EINVAL', 'Missing lookup address for fdb get request');
  const portIdx = v.getInt32(4, HOST_LE);
  let dev: NetDevice | undefined;
  let br: NetDevice | null = null;
  let viaBridge = false;
  if (portIdx) {
    dev = links.byIndex(portIdx);
    if (!dev) throw new KernelError('ENODEV', 'Unknown device ifindex');
  }
  if (brIdx) {
    if (dev) throw new KernelError('EINVAL', 'Master and device are mutually exclusive');
    br = links.byIndex(brIdx) ?? null;
    if (!br) throw new KernelError('EINVAL', 'Invalid master ifindex');
    viaBridge = isBridge(br);
  }
  if (dev) {
    if (!flags || flags & NTF_MASTER) {
      if (!bridgeOf(dev)) throw new KernelError('EINVAL', 'Device is not a bridge port');
      br = bridgeOf(dev);
      viaBridge = true;
    } else {
      if (!(flags & NTF_SELF)) throw new KernelError('EINVAL', 'Missing NTF_SELF');
      br = dev;
      viaBridge = isBridge(dev);
    }
  }
  if (!br) throw new KernelError('ENODEV', 'No device specified');
  if (!viaBridge) throw new KernelError('EOPNOTSUPP', 'Fdb get operation not supported by device');
  const vid = tb[NDA_VLAN] ? tb[NDA_VLAN]!.u16() : 0;
  const f = vid ? undefined : brFdbFind(br, addr);
  if (!f) throw new KernelError('ENOENT', 'Fdb entry not found');
  const bridge = br;
  const now = state.options.now();
  return ctx.reply(ctx.encode(RTM.RTM_NEWNEIGH, (w) => fdbFillInfo(w, bridge, f, now)), { allocSize: 4096 });
}

/** GET_POLICY is nda_policy as valid_fdb_get_strict() applies it. */
const GET_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[0] = { type: NLA.NLA_UNSPEC, strictStartType: 13 }; // NDA_NH_ID
  p[NDA_LLADDR] = { type: NLA.NLA_BINARY, len: 32 };
  p[NDA_CACHEINFO] = { type: NLA.NLA_UNSPEC, len: 16 };
  p[4] = { type: NLA.NLA_U32 }; // NDA_PROBES
  p[NDA_VLAN] = { type: NLA.NLA_U16 };
  p[6] = { type: NLA.NLA_U16 }; // NDA_PORT
  p[NDA_VNI] = { type: NLA.NLA_U32 };
  p[NDA_IFINDEX] = { type: NLA.NLA_U32 };
  p[NDA_MASTER] = { type: NLA.NLA_U32 };
  p[12] = { type: NLA.NLA_U8 }; // NDA_PROTOCOL
  p[13] = { type: NLA.NLA_U32 }; // NDA_NH_ID
  p[NDA_FDB_EXT_ATTRS] = { type: NLA.NLA_NESTED };
  p[NDA_FLAGS_EXT] = { type: NLA.NLA_U32 };
  return p;
})();

/** DumpFilter is what valid_fdb_dump_strict() / valid_fdb_dump_legacy() leave: bridge and port ifindex. */
interface DumpFilter {
  br: number;
  port: number;
}

/** validFdbDump mirrors valid_fdb_dump_strict() and valid_fdb_dump_legacy(). */
function validFdbDump(message: Uint8Array, strict: boolean, extack: object): DumpFilter {
  const len = message.length - 16;
  const f: DumpFilter = { br: 0, port: 0 };
  if (strict) {
    if (len < NDMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for fdb dump request');
    const p = message.subarray(16);
    const v = viewOf(p);
    if (p[1] || v.getUint16(2, HOST_LE) || v.getUint16(8, HOST_LE) || p[10] || p[11]) throw new KernelError('EINVAL', 'Invalid values in header for fdb dump request');
    const tb = nlmsgParse(message, NDMSG_LEN, null, NDA_MAX, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT).attrs;
    f.port = v.getInt32(4, HOST_LE);
    for (let i = 0; i <= NDA_MAX; i++) {
      const a = tb[i];
      if (!a) continue;
      if (i === NDA_IFINDEX) {
        if (a.length !== 4) throw new KernelError('EINVAL', 'Invalid IFINDEX attribute in fdb dump request');
        f.port = a.u32();
      } else if (i === NDA_MASTER) {
        if (a.length !== 4) throw new KernelError('EINVAL', 'Invalid MASTER attribute in fdb dump request');
        f.br = a.u32();
      } else throw new KernelError('EINVAL', 'Unsupported attribute in fdb dump request');
    }
    return f;
  }
  // Before 4.12 an ndmsg (with one u32 attribute) was accepted and not looked at; anything
  // else is read as the ifinfomsg iproute2 sends since 4.6 (IFLA_MASTER, ifi_index).
  if (len === NDMSG_LEN || len === NDMSG_LEN + 8) return f;
  let tb: Tb;
  try {
    const r = nlmsgParse(message, 16, IFLA_POLICY, IFLA_MAX, NL_VALIDATE.NL_VALIDATE_LIBERAL);
    if (r.warning) Object.assign(extack, { message: r.warning });
    tb = r.attrs;
  } catch (e) {
    if (e instanceof KernelError) throw new KernelError('EINVAL', e.extack);
    throw e;
  }
  if (tb[IFLA.IFLA_MASTER]) f.br = tb[IFLA.IFLA_MASTER]!.u32();
  f.port = viewOf(message).getInt32(16 + 4, HOST_LE);
  return f;
}

/**
 * DumpItem is one message of a device's share of the dump: a bridge entry (fdb_fill_info())
 * or one of the device's own addresses (nlmsg_populate_fdb_fill()); null counts without a
 * message (an entry br_fdb_dump() skipped: the index still moves).
 */
type DumpItem = ((w: AttrWriter) => void) | null;

/** brFdbDumpItems mirrors br_fdb_dump() for `br` filtered on `filterDev` (a port, or null: the bridge's own share). */
function brFdbDumpItems(br: NetDevice, filterDev: NetDevice | null, now: number): DumpItem[] {
  const out: DumpItem[] = [];
  if (!filterDev) out.push(...dfltDumpItems(br));
  for (const f of fdbList(br)) {
    let keep = true;
    if (filterDev && f.dst !== filterDev && (filterDev !== br || f.dst)) keep = false;
    if (!filterDev && f.dst) keep = false;
    out.push(keep ? (w) => fdbFillInfo(w, br, f, now) : null);
  }
  return out;
}

/** dfltDumpItems mirrors ndo_dflt_fdb_dump(): dev->uc then dev->mc as permanent `self` entries (Ethernet only). */
function dfltDumpItems(dev: NetDevice): DumpItem[] {
  if (dev.type !== ARPHRD_ETHER) return [];
  return [...devUcList(dev), ...devMcList(dev)].map((a) => (w: AttrWriter) => populateFdbFill(w, dev, a, NUD_PERMANENT));
}

/** rtnlFdbDump mirrors rtnl_fdb_dump(): every device by ifindex, its bridge's entries for it, then its own. */
function rtnlFdbDump(ctx: RequestContext, state: NetworkState): DumpControl {
  const links = state.links(ctx.skb.sock.netns);
  let filter: DumpFilter | undefined;
  return {
    dump: (chunk, d: DumpState) => {
      if (!filter) {
        try {
          filter = validFdbDump(d.requestMessage, d.strictCheck, d.extack);
          if (filter.br && !links.byIndex(filter.br)) throw new KernelError('ENODEV');
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
          filter = { br: -1, port: -1 };
          Object.assign(d.extack, e.extack);
          return e.errno;
        }
      }
      if (filter.br < 0) return 0;
      const brDev = filter.br ? links.byIndex(filter.br) ?? null : null;
      const startIndex = (d.args[0] as number | undefined) ?? 0;
      const startIdx = (d.args[1] as number | undefined) ?? 0;
      const now = state.options.now();
      for (const dev of links.list()) {
        if (dev.ifindex < startIndex) continue;
        if (filter.port && dev.ifindex !== filter.port) continue;
        const master = bridgeOf(dev);
        let items: DumpItem[] = [];
        if (!brDev) {
          if (master) items.push(...brFdbDumpItems(master, dev, now));
        } else {
          if (dev !== brDev && !master) continue;
          if (brDev !== dev.master && !isBridge(dev)) continue;
          if (master && isBridge(brDev)) items.push(...brFdbDumpItems(brDev, dev, now));
        }
        items = items.concat(isBridge(dev) ? brFdbDumpItems(dev, null, now) : dfltDumpItems(dev));
        const from = dev.ifindex === startIndex ? startIdx : 0;
        for (let i = from; i < items.length; i++) {
          const item = items[i];
          if (item && !chunk.put(RTM.RTM_NEWNEIGH, item)) {
            d.args[0] = dev.ifindex;
            d.args[1] = i;
            return chunk.length ? chunk.length : EMSGSIZE;
          }
        }
        d.args[0] = dev.ifindex + 1;
        d.args[1] = 0;
      }
      return chunk.length;
    },
  };
}

/** registerBridgeFdb installs PF_BRIDGE's RTM_NEWNEIGH, RTM_DELNEIGH (bulk-capable) and RTM_GETNEIGH. */
export function registerBridgeFdb(rtnl: Rtnetlink, state: NetworkState): void {
  rtnl.register(AF_BRIDGE, RTM.RTM_NEWNEIGH, { doit: (ctx) => rtnlFdbAdd(ctx, state) });
  rtnl.register(AF_BRIDGE, RTM.RTM_DELNEIGH, { doit: (ctx) => rtnlFdbDel(ctx, state), flags: RTNL_FLAG.RTNL_FLAG_BULK_DEL_SUPPORTED });
  rtnl.register(AF_BRIDGE, RTM.RTM_GETNEIGH, { doit: (ctx) => rtnlFdbGet(ctx, state), dumpit: (ctx) => rtnlFdbDump(ctx, state) });
}
