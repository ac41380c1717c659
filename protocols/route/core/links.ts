/**
 * Link requests: RTM_GETLINK (rtnl_getlink(), rtnl_dump_ifinfo()), RTM_SETLINK
 * (rtnl_setlink()), RTM_NEWLINK (rtnl_newlink(): change or create) and RTM_DELLINK
 * (rtnl_dellink()), with the notifications the netdevice notifier chain sends to RTNLGRP_LINK.
 */
import type { DumpControl, DumpChunk, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_CREATE, NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import { type AttrView, NL_VALIDATE, nlmsgParse, parseAttrs, type ParseResult, type Policy } from '../../../sim/wire/policy.js';
import { type NetDevice, running } from './device.js';
import { decodeIfInfoMsg } from './ifinfomsg.js';
import { IFLA_INFO_POLICY, IFLA_POLICY } from './ifla-policy.js';
import { validateAfSpec } from './link-af.js';
import { newLinkCreate } from './link-create.js';
import { fillIfInfo, fillIfInfoInto, ifNlmsgSize } from './link-fill.js';
import type { LinkKind } from './link-kind.js';
import { parseLinkPeer } from './link-peer.js';
import { combineFlags, NetOps } from './netdev.js';
import { netconfNotifyRegister, netconfNotifyUnregister, sysctlDevNameAllowed } from './netconf.js';
import { RTNL_FLAG, type Rtnetlink } from './rtnetlink.js';
import type { LinkTable, NetworkState } from './state.js';
import {
  IFINFOMSG_LEN,
  IFLA,
  IFLA_INFO,
  IFLA_INFO_MAX,
  IFLA_MAX,
  AF_INET,
  AF_INET6,
  RTGENMSG_LEN,
  RTM_DELLINK,
  RTM_GETLINK,
  RTM_NEWLINK,
  RTM_SETLINK,
} from './uapi.js';

const EMSGSIZE = -90;

/** Attributes do_setlink() acts on that nlsim does not model yet: refused, never ignored. */
const UNMODELLED_SET = [
  IFLA.IFLA_NET_NS_PID, IFLA.IFLA_NET_NS_FD, IFLA.IFLA_TARGET_NETNSID, IFLA.IFLA_MAP, IFLA.IFLA_GROUP,
  IFLA.IFLA_IFALIAS, IFLA.IFLA_CARRIER, IFLA.IFLA_GSO_MAX_SIZE, IFLA.IFLA_GSO_MAX_SEGS,
  IFLA.IFLA_GRO_MAX_SIZE, IFLA.IFLA_GSO_IPV4_MAX_SIZE, IFLA.IFLA_GRO_IPV4_MAX_SIZE, IFLA.IFLA_OPERSTATE, IFLA.IFLA_LINKMODE,
  IFLA.IFLA_VFINFO_LIST, IFLA.IFLA_VF_PORTS, IFLA.IFLA_PORT_SELF, IFLA.IFLA_PROTO_DOWN,
  IFLA.IFLA_PROTO_DOWN_REASON, IFLA.IFLA_XDP,
];

/** Attributes rtnl_create_link() and the kinds act on that nlsim does not model yet. */
const UNMODELLED_CREATE = [
  IFLA.IFLA_NET_NS_PID, IFLA.IFLA_NET_NS_FD, IFLA.IFLA_TARGET_NETNSID, IFLA.IFLA_LINK_NETNSID, IFLA.IFLA_OPERSTATE,
  IFLA.IFLA_GSO_IPV4_MAX_SIZE, IFLA.IFLA_GRO_IPV4_MAX_SIZE, IFLA.IFLA_AF_SPEC,
];

/** Kinds whose rtnl_link_ops have a changelink on Linux that nlsim does not model (veth, ifb and dummy have none). */
const UNMODELLED_CHANGELINK = new Set<string>();

const IFLA_NAMES = new Map<number, string>(Object.entries(IFLA).map(([k, v]) => [v, k]));

/** Validation names the nlmsg_parse*() level a handler uses. */
type Validation = 'liberal' | 'deprecated-strict';
const LEVEL: Record<Validation, number> = { liberal: NL_VALIDATE.NL_VALIDATE_LIBERAL, 'deprecated-strict': NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT };
type Tb = (AttrView | undefined)[];

/** parseLinkMsg mirrors nlmsg_parse*() with an ifinfomsg header: EINVAL "Invalid header length" when short. */
function parseLinkMsg(ctx: { message: Uint8Array; extack: object }, validation: Validation, hdrlen = IFINFOMSG_LEN): ParseResult {
  const parsed = nlmsgParse(ctx.message, hdrlen, IFLA_POLICY, IFLA_MAX, LEVEL[validation]);
  if (parsed.warning) Object.assign(ctx.extack, { message: parsed.warning });
  return parsed;
}

/** devByAttrs mirrors rtnl_dev_get(): IFLA_IFNAME first, else IFLA_ALT_IFNAME; both match any name. */
function devByAttrs(links: LinkTable, tb: Tb): NetDevice | undefined {
  const a = tb[IFLA.IFLA_IFNAME] ?? tb[IFLA.IFLA_ALT_IFNAME];
  return a ? links.byAnyName(a.string()) : undefined;
}

/** LinkOps binds the link handlers to one kernel's network state. */
export class LinkOps {
  readonly #state: NetworkState;

  constructor(state: NetworkState) {
    this.#state = state;
  }

  /** register installs the link handlers in `rtnl` (rtnetlink_init()'s RTM_*LINK lines). */
  register(rtnl: Rtnetlink): void {
    rtnl.register(0, RTM_GETLINK, {
      doit: (ctx) => this.getLink(ctx),
      dumpit: (ctx) => this.dumpLinks(ctx),
      flags: RTNL_FLAG.RTNL_FLAG_DUMP_SPLIT_NLM_DONE,
    });
    rtnl.register(0, RTM_SETLINK, { doit: (ctx) => this.setLink(ctx) });
    rtnl.register(0, RTM_NEWLINK, { doit: (ctx) => this.newLink(ctx) });
    rtnl.register(0, RTM_DELLINK, { doit: (ctx) => this.delLink(ctx) });
  }

  #links(ctx: RequestContext): LinkTable {
    return this.#state.links(ctx.skb.sock.netns);
  }

  /** getLink mirrors rtnl_getlink() with rtnl_valid_getlink_req(). */
  getLink(ctx: RequestContext): number {
    if (ctx.payload.length < IFINFOMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for get link');
    const ifm = decodeIfInfoMsg(ctx.payload);
    let tb: Tb;
    if (!ctx.strictCheck) {
      tb = parseLinkMsg(ctx, 'liberal').attrs;
    } else {
      if (ifm.pad || ifm.type || ifm.flags || ifm.change) {
        throw new KernelError('EINVAL', 'Invalid values in header for get link request');
      }
      tb = parseLinkMsg(ctx, 'deprecated-strict').attrs;
      for (let i = 0; i <= IFLA_MAX; i++) {
        if (!tb[i]) continue;
        if (i === IFLA.IFLA_IFNAME || i === IFLA.IFLA_ALT_IFNAME || i === IFLA.IFLA_EXT_MASK || i === IFLA.IFLA_TARGET_NETNSID) continue;
        throw new KernelError('EINVAL', 'Unsupported attribute in get link request');
      }
    }
    ensureUniqueNetns(tb, true);
    if (tb[IFLA.IFLA_TARGET_NETNSID]) throw new KernelError('EOPNOTSUPP', 'nlsim: IFLA_TARGET_NETNSID is not modelled yet');
    const extMask = tb[IFLA.IFLA_EXT_MASK] ? tb[IFLA.IFLA_EXT_MASK]!.u32() : 0;
    const links = this.#links(ctx);
    let dev: NetDevice | undefined;
    if (ifm.index > 0) dev = links.byIndex(ifm.index);
    else if (tb[IFLA.IFLA_IFNAME] || tb[IFLA.IFLA_ALT_IFNAME]) dev = devByAttrs(links, tb);
    else throw new KernelError('EINVAL');
    if (!dev) throw new KernelError('ENODEV');
    const body = fillIfInfo(dev, { extMask });
    // rtnl_unicast()'s error (EAGAIN when the requester is full) fails the request.
    return ctx.reply(ctx.encode(RTM_NEWLINK, body), { allocSize: ifNlmsgSize(dev) });
  }

  /**
   * dumpLinks mirrors rtnl_dump_ifinfo() (with rtnl_valid_dump_ifinfo_req() run inside the
   * first round, so strict-check errors end the dump in NLMSG_DONE) and rtnl_calcit().
   */
  dumpLinks(ctx: RequestContext): DumpControl {
    const links = this.#links(ctx);
    let minDumpAlloc = 0;
    for (const d of links.list()) minDumpAlloc = Math.max(minDumpAlloc, ifNlmsgSize(d));
    let extMask = 0;
    let filter: DumpFilter = { master: 0, kind: undefined };
    let validated = false;
    const validate = (d: DumpState) => {
      const req = { message: d.requestMessage, extack: d.extack };
      const payloadLen = d.requestMessage.length - 16;
      let tb: Tb;
      if (d.strictCheck) {
        // rtnl_valid_dump_ifinfo_req()
        if (payloadLen < IFINFOMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for link dump');
        const ifm = decodeIfInfoMsg(d.requestMessage, 16);
        if (ifm.pad || ifm.type || ifm.flags || ifm.change) throw new KernelError('EINVAL', 'Invalid values in header for link dump request');
        if (ifm.index) throw new KernelError('EINVAL', 'Filter by device index not supported for link dumps');
        tb = parseLinkMsg(req, 'deprecated-strict').attrs;
      } else {
        // "A hack to preserve kernel<->userspace interface": a short request is an rtgenmsg.
        const hdrlen = payloadLen < IFINFOMSG_LEN ? RTGENMSG_LEN : IFINFOMSG_LEN;
        try {
          tb = parseLinkMsg(req, 'liberal', hdrlen).attrs;
        } catch {
          // Without strict checking a request that does not parse still gets the whole dump.
          d.extack = {};
          return;
        }
      }
      const master = tb[IFLA.IFLA_MASTER];
      for (let i = 0; i <= IFLA_MAX; i++) {
        if (!tb[i]) continue;
        if (i === IFLA.IFLA_EXT_MASK) extMask = tb[i]!.u32();
        else if (i === IFLA.IFLA_TARGET_NETNSID) throw new KernelError('EOPNOTSUPP', `nlsim: ${IFLA_NAMES.get(i)} in link dumps is not modelled yet`);
        else if (i !== IFLA.IFLA_MASTER && i !== IFLA.IFLA_LINKINFO && d.strictCheck) throw new KernelError('EINVAL', 'Unsupported attribute in link dump request');
      }
      filter = { master: master ? master.u32() | 0 : 0, kind: tb[IFLA.IFLA_LINKINFO] ? linkinfoToKind(d.requestMessage, tb[IFLA.IFLA_LINKINFO]!, links.linkOps) : undefined };
      if (!d.strictCheck) d.extack = {};
    };
    return {
      minDumpAlloc,
      generation: () => links.devBaseSeq,
      dump: (chunk: DumpChunk, d: DumpState) => {
        if (!validated) {
          validated = true;
          try {
            validate(d);
          } catch (e) {
            if (!(e instanceof KernelError)) throw e;
            Object.assign(d.extack, e.extack);
            return e.errno;
          }
        }
        const after = (d.args[0] as number | undefined) ?? 0;
        const flags = filter.master || filter.kind ? NLM_F_DUMP_FILTERED : 0;
        for (const dev of links.list()) {
          if (dev.ifindex <= after || linkDumpFiltered(dev, filter)) continue;
          if (!chunk.put(RTM_NEWLINK, (w) => fillIfInfoInto(w, dev, { extMask }), flags)) return chunk.length ? chunk.length : EMSGSIZE;
          d.args[0] = dev.ifindex;
        }
        return 0;
      },
    };
  }

  /** #net returns the device operations of the requester's namespace. */
  #net(ctx: RequestContext): NetOps {
    return new NetOps(this.#links(ctx), ctx.kernelSocket, this.#state.options);
  }

  /** setLink mirrors rtnl_setlink(). */
  setLink(ctx: RequestContext): void {
    const { attrs: tb } = parseLinkMsg(ctx, 'liberal');
    ensureUniqueNetns(tb, false);
    linkGetNet(tb);
    const ifm = decodeIfInfoMsg(ctx.payload);
    const net = this.#net(ctx);
    let dev: NetDevice | undefined;
    if (ifm.index > 0) dev = net.links.byIndex(ifm.index);
    else if (tb[IFLA.IFLA_IFNAME] || tb[IFLA.IFLA_ALT_IFNAME]) dev = devByAttrs(net.links, tb);
    else throw new KernelError('EINVAL');
    if (!dev) throw new KernelError('ENODEV');
    try {
      this.#doSetLink(ctx, net, dev, tb);
    } finally {
      runLinkwatch(net);
    }
  }

  /**
   * newLink mirrors rtnl_newlink() → __rtnl_newlink(): IFLA_LINKINFO names the kind (its
   * IFLA_INFO_DATA parsed with the kind's policy); an existing device is changed
   * (rtnl_changelink(), refusing NLM_F_EXCL and NLM_F_REPLACE), a missing one created with
   * NLM_F_CREATE (rtnl_newlink_create()).
   */
  newLink(ctx: RequestContext): void {
    const { attrs: tb } = parseLinkMsg(ctx, 'liberal');
    ensureUniqueNetns(tb, false);
    const ifm = decodeIfInfoMsg(ctx.payload);
    const net = this.#net(ctx);
    let linkinfo: Tb = [];
    if (tb[IFLA.IFLA_LINKINFO]) linkinfo = parseNested(ctx.message, tb[IFLA.IFLA_LINKINFO]!, IFLA_INFO_POLICY, IFLA_INFO_MAX);
    const kindName = linkinfo[IFLA_INFO.IFLA_INFO_KIND]?.string();
    const kind = kindName !== undefined ? net.links.linkOps.get(kindName) : undefined;
    let data: Tb = [];
    if (kind) {
      const d = linkinfo[IFLA_INFO.IFLA_INFO_DATA];
      if (kind.maxtype && d) data = parseNested(ctx.message, d, kind.policy ?? null, kind.maxtype, ctx.extack);
      kind.validate?.(tb, data, net);
      // rtnl_add_peer_net(): the peer's ifinfomsg and attributes, validated as the kind's own.
      const peer = kind.peerType ? data[kind.peerType] : undefined;
      if (peer) kind.validate?.(parseLinkPeer(ctx.message, peer).tb, [], net);
    }
    linkGetNet(tb);
    let dev: NetDevice | undefined;
    if (ifm.index > 0) dev = net.links.byIndex(ifm.index);
    else if (ifm.index < 0) throw new KernelError('EINVAL', "ifindex can't be negative");
    else if (tb[IFLA.IFLA_IFNAME] || tb[IFLA.IFLA_ALT_IFNAME]) dev = devByAttrs(net.links, tb);
    try {
      if (dev) {
        if (ctx.header.flags & NLM_F_EXCL) throw new KernelError('EEXIST');
        if (ctx.header.flags & NLM_F_REPLACE) throw new KernelError('EOPNOTSUPP');
        // rtnl_changelink(): the kind's changelink, then the master's slave_changelink, then
        // do_setlink(), which reports the device once at the end (DO_SETLINK_NOTIFY).
        // The master's slave_policy parses IFLA_INFO_SLAVE_DATA before anything changes.
        const master = dev.master;
        const mKind = master?.kind;
        const slaveNest = linkinfo[IFLA_INFO.IFLA_INFO_SLAVE_DATA];
        let slaveData: Tb | undefined;
        if (mKind?.slaveMaxtype && slaveNest) slaveData = parseNested(ctx.message, slaveNest, mKind.slavePolicy ?? null, mKind.slaveMaxtype);
        let notify = false;
        if (linkinfo[IFLA_INFO.IFLA_INFO_DATA]) {
          if (kind && kind === dev.kind && !kind.changelink && UNMODELLED_CHANGELINK.has(kind.kind)) {
            throw new KernelError('EOPNOTSUPP', { message: `nlsim: changing a ${kind.kind}'s IFLA_INFO_DATA is not modelled yet`, offset: linkinfo[IFLA_INFO.IFLA_INFO_DATA]!.offset });
          }
          if (!kind || kind !== dev.kind || !kind.changelink) throw new KernelError('EOPNOTSUPP');
          kind.changelink(dev, data, net);
          notify = true;
        }
        if (slaveNest) {
          if (!master || !mKind?.slaveChangelink) throw new KernelError('EOPNOTSUPP');
          mKind.slaveChangelink(master, dev, slaveData ?? [], net);
          notify = true;
        }
        this.#doSetLink(ctx, net, dev, tb, notify);
        return;
      }
      if (!(ctx.header.flags & NLM_F_CREATE)) {
        if (ifm.index > 0 || tb[IFLA.IFLA_IFNAME] || tb[IFLA.IFLA_ALT_IFNAME] || !tb[IFLA.IFLA_GROUP]) throw new KernelError('ENODEV');
        throw new KernelError('EOPNOTSUPP', { message: 'nlsim: changing a device group is not modelled yet', offset: tb[IFLA.IFLA_GROUP]!.offset });
      }
      if (tb[IFLA.IFLA_MAP] || tb[IFLA.IFLA_PROTINFO]) throw new KernelError('EOPNOTSUPP');
      if (!kind) throw new KernelError('EOPNOTSUPP', 'Unknown device type');
      for (const t of UNMODELLED_CREATE) {
        if (tb[t]) throw new KernelError('EOPNOTSUPP', { message: `nlsim: ${IFLA_NAMES.get(t)} at creation is not modelled yet`, offset: tb[t]!.offset });
      }
      newLinkCreate(net, {
        kind,
        ifm,
        tb,
        data,
        message: ctx.message,
        req: { portid: ctx.portid, header: ctx.header },
        setMaster: (d, ifindex) => setMaster(net, d, ifindex),
      });
    } finally {
      runLinkwatch(net);
    }
  }

  /** delLink mirrors rtnl_dellink() → rtnl_delete_link(): the kind's dellink list, unregistered together. */
  delLink(ctx: RequestContext): void {
    const { attrs: tb } = parseLinkMsg(ctx, 'liberal');
    ensureUniqueNetns(tb, false);
    const ifm = decodeIfInfoMsg(ctx.payload);
    const net = this.#net(ctx);
    if (tb[IFLA.IFLA_TARGET_NETNSID]) throw new KernelError('EOPNOTSUPP', 'nlsim: IFLA_TARGET_NETNSID is not modelled yet');
    let dev: NetDevice | undefined;
    if (ifm.index > 0) dev = net.links.byIndex(ifm.index);
    else if (tb[IFLA.IFLA_IFNAME] || tb[IFLA.IFLA_ALT_IFNAME]) dev = devByAttrs(net.links, tb);
    else if (tb[IFLA.IFLA_GROUP]) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: deleting a device group is not modelled yet', offset: tb[IFLA.IFLA_GROUP]!.offset });
    else throw new KernelError('EINVAL');
    if (!dev) throw new KernelError('ENODEV');
    if (!dev.kind) throw new KernelError('EOPNOTSUPP');
    try {
      net.unregisterMany(dev.kind.dellink ? dev.kind.dellink(dev, net) : [dev], { portid: ctx.portid, header: ctx.header });
    } finally {
      runLinkwatch(net);
    }
  }

  /**
   * #doSetLink mirrors do_setlink() for what nlsim models, in the kernel's order: MTU, name,
   * flags, master, txqlen. Each change notifies RTNLGRP_LINK on its own (the netdevice
   * notifier), without NLM_F_ECHO: rtmsg_ifinfo() is called with no request header, seq 0 and pid 0.
   */
  #doSetLink(ctx: RequestContext, net: NetOps, dev: NetDevice, tb: Tb, notify = false): void {
    try {
      notify = this.#doSetLinkSteps(ctx, net, dev, tb) || notify;
    } finally {
      // errout: a change that asked for DO_SETLINK_NOTIFY is reported even when a later step failed.
      if (notify) netdevStateChange(net, dev);
    }
  }

  /** #doSetLinkSteps performs do_setlink()'s steps; true when one asked for DO_SETLINK_NOTIFY. */
  #doSetLinkSteps(ctx: RequestContext, net: NetOps, dev: NetDevice, tb: Tb): boolean {
    for (const t of UNMODELLED_SET) {
      if (tb[t]) throw new KernelError('EOPNOTSUPP', { message: `nlsim: setting ${IFLA_NAMES.get(t)} is not modelled yet`, offset: tb[t]!.offset });
    }
    const ifm = decodeIfInfoMsg(ctx.payload);
    // validate_linkmsg(): an address shorter than dev->addr_len (plain EINVAL), then
    // IFLA_AF_SPEC, are checked before anything changes.
    const address = tb[IFLA.IFLA_ADDRESS];
    if (address && address.length < dev.address.length) throw new KernelError('EINVAL');
    const broadcast = tb[IFLA.IFLA_BROADCAST];
    if (broadcast && broadcast.length < dev.address.length) throw new KernelError('EINVAL');
    const af = tb[IFLA.IFLA_AF_SPEC] ? validateAfSpec(ctx.message, tb[IFLA.IFLA_AF_SPEC]!, dev) : [];
    // dev_set_mac_address_user(): the first dev->addr_len bytes (longer is fine).
    if (address) net.setMacAddress(dev, address.payload.slice(0, dev.address.length));
    if (tb[IFLA.IFLA_MTU]) net.setMtu(dev, tb[IFLA.IFLA_MTU]!.u32());
    if (ifm.index > 0 && tb[IFLA.IFLA_IFNAME]) changeName(net, dev, tb[IFLA.IFLA_IFNAME]!.string());
    // IFLA_BROADCAST: nla_memcpy() of dev->addr_len bytes, then NETDEV_CHANGEADDR (no driver
    // check: any broadcast address goes), and no DO_SETLINK flag.
    if (broadcast) {
      dev.broadcast = broadcast.payload.slice(0, dev.address.length);
      net.notifyChangeAddr(dev);
    }
    if (ifm.flags || ifm.change) net.changeFlags(dev, combineFlags(dev, ifm));
    if (tb[IFLA.IFLA_MASTER]) setMaster(net, dev, tb[IFLA.IFLA_MASTER]!.u32());
    if (tb[IFLA.IFLA_TXQLEN]) {
      const len = tb[IFLA.IFLA_TXQLEN]!.u32();
      if (len !== dev.txqlen) {
        dev.txqlen = len;
        net.rtmsgIfinfo(RTM_NEWLINK, dev, 0); // NETDEV_CHANGE_TX_QUEUE_LEN
      }
    }
    for (const apply of af) apply();
    return af.length > 0;
  }
}

/**
 * netdevStateChange mirrors netdev_state_change(): for a device that is up, NETDEV_CHANGE
 * (a bridge reports its port) and an RTM_NEWLINK with change 0.
 */
function netdevStateChange(net: NetOps, dev: NetDevice): void {
  if (!running(dev)) return;
  dev.master?.kind?.portEvent?.(dev.master, dev, 'change', net);
  net.lowerEvent(dev, 'change');
  net.rtmsgIfinfo(RTM_NEWLINK, dev, 0);
}

/**
 * runLinkwatch runs linkwatch until no event is pending: events that handling an event
 * fires (a bridge's carrier following its ports) are handled in the same run, as Linux
 * reschedules the work right away for them.
 */
function runLinkwatch(net: NetOps): void {
  while (net.links.linkwatch.length) net.flushLinkwatch();
}

/** DumpFilter is what rtnl_dump_ifinfo() filters a link dump by: IFLA_MASTER (−1: no master) and a kind. */
interface DumpFilter {
  master: number;
  kind: LinkKind | undefined;
}

/**
 * linkDumpFiltered mirrors link_dump_filtered(): link_master_filtered() (master −1 keeps
 * the devices without one) and link_kind_filtered() (dev->rtnl_link_ops; lo has none).
 */
function linkDumpFiltered(dev: NetDevice, filter: DumpFilter): boolean {
  if (filter.master === -1 ? dev.master !== null : filter.master && dev.master?.ifindex !== filter.master) return true;
  return filter.kind !== undefined && dev.kind !== filter.kind;
}

/**
 * linkinfoToKind mirrors linkinfo_to_kind_ops(): IFLA_LINKINFO's IFLA_INFO_KIND names a
 * registered kind; a nest that does not parse, no kind or an unknown kind filters nothing.
 */
function linkinfoToKind(message: Uint8Array, nest: AttrView, linkOps: ReadonlyMap<string, LinkKind>): LinkKind | undefined {
  let info: Tb;
  try {
    info = parseNested(message, nest, IFLA_INFO_POLICY, IFLA_INFO_MAX);
  } catch {
    return undefined;
  }
  const kind = info[IFLA_INFO.IFLA_INFO_KIND];
  // nla_strscpy() into a MODULE_NAME_LEN buffer.
  return kind ? linkOps.get(kind.string().slice(0, MODULE_NAME_LEN - 1)) : undefined;
}

/** MODULE_NAME_LEN: the buffer linkinfo_to_kind_ops() copies the kind into. */
const MODULE_NAME_LEN = 56;

/**
 * linkGetNet stands for rtnl_link_get_net_capable(): the namespace IFLA_NET_NS_PID names is
 * that task's, so a pid no process has (0 included) is ESRCH. The pids are the host's, as
 * they are for the programs `nlsim run` serves. A namespace that exists is refused as not
 * modelled where the attribute is acted on.
 */
function linkGetNet(tb: Tb): void {
  const pid = tb[IFLA.IFLA_NET_NS_PID]?.u32();
  if (pid !== undefined && !pidExists(pid)) throw new KernelError('ESRCH');
}

/** pidExists asks the host whether a process has `pid` (kill(pid, 0); EPERM means it does). */
function pidExists(pid: number): boolean {
  if (pid === 0 || pid > 4 * 1024 * 1024) return false; // beyond PID_MAX_LIMIT no task can have it
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * ensureUniqueNetns mirrors rtnl_ensure_unique_netns(): RTM_GETLINK takes no namespace by pid
 * or fd at all (`netnsIdOnly`); the other requests at most one of IFLA_NET_NS_PID,
 * IFLA_NET_NS_FD and IFLA_TARGET_NETNSID.
 */
function ensureUniqueNetns(tb: Tb, netnsIdOnly: boolean): void {
  const pid = tb[IFLA.IFLA_NET_NS_PID] !== undefined;
  const fd = tb[IFLA.IFLA_NET_NS_FD] !== undefined;
  if (netnsIdOnly) {
    if (pid || fd) throw new KernelError('EOPNOTSUPP', 'specified netns attribute not supported');
    return;
  }
  if (Number(pid) + Number(fd) + Number(tb[IFLA.IFLA_TARGET_NETNSID] !== undefined) > 1) throw new KernelError('EINVAL', 'multiple netns identifying attributes specified');
}

/**
 * parseNested mirrors nla_parse_nested_deprecated(): a liberal parse of one nest's payload.
 * With an `extack` (the kernel passes one for IFLA_INFO_DATA, not for IFLA_LINKINFO) bytes
 * left over are reported in it, the request still succeeding.
 */
function parseNested(message: Uint8Array, nest: AttrView, policy: Policy | null, maxtype: number, extack?: object): Tb {
  const end = nest.offset + 4 + nest.length;
  const r = parseAttrs(message.subarray(0, end), nest.offset + 4, policy, maxtype, NL_VALIDATE.NL_VALIDATE_LIBERAL);
  if (extack && r.warning) Object.assign(extack, { message: r.warning });
  return r.attrs;
}

/** setMaster mirrors do_set_master(): leave the current master, join the new one (0: none). */
function setMaster(net: NetOps, dev: NetDevice, ifindex: number): void {
  const upper = dev.master;
  if (upper) {
    if (upper.ifindex === ifindex) return;
    if (!upper.kind?.delSlave) throw new KernelError('EOPNOTSUPP');
    upper.kind.delSlave(upper, dev, net);
  }
  if (ifindex) {
    const master = net.links.byIndex(ifindex);
    if (!master) throw new KernelError('EINVAL');
    if (!master.kind?.addSlave) throw new KernelError('EOPNOTSUPP');
    master.kind.addSlave(master, dev, net);
  }
}

/**
 * changeName mirrors netif_change_name() (dev_change_name(); renaming while up is allowed on
 * 6.18): the same name does nothing; dev_get_valid_name() (EINVAL, EEXIST against every name
 * and altname, "%d" allocated); then the NETDEV_CHANGENAME notifiers, which re-register the
 * sysctl directories. A name sysctl refuses ("all", "default") makes addrconf fail the chain,
 * and the device is renamed back through the same notifiers (errno EINVAL).
 */
export function changeName(net: NetOps, dev: NetDevice, name: string): void {
  if (name === dev.name) return;
  const newName = net.allocName(name);
  const oldName = dev.name;
  dev.name = newName;
  net.links.devBaseSeq++;
  if (notifyChangeName(net, dev, true)) return;
  // rollback: addrconf's sysctl directory is gone, so its unregister is silent this time.
  dev.name = oldName;
  net.links.devBaseSeq++;
  notifyChangeName(net, dev, false);
  throw new KernelError('EINVAL');
}

/**
 * notifyChangeName mirrors call_netdevice_notifiers(NETDEV_CHANGENAME) as measured on 6.18:
 * rtnetlink_event() (RTM_NEWLINK), inetdev_event() (devinet_sysctl_unregister() always says
 * RTM_DELNETCONF; the register that follows fails silently for a refused name), then
 * addrconf_notify() (RTM_DELNETCONF when its sysctl was registered, RTM_NEWNETCONF, or the
 * error that stops the chain). br_device_event() only renames a port's sysfs link: no
 * AF_BRIDGE report. False when the chain failed.
 */
function notifyChangeName(net: NetOps, dev: NetDevice, inet6Registered: boolean): boolean {
  net.rtmsgIfinfo(RTM_NEWLINK, dev, 0);
  const allowed = sysctlDevNameAllowed(dev.name);
  if (dev.inet) {
    netconfNotifyUnregister(net.ks, dev, AF_INET);
    if (allowed) netconfNotifyRegister(net.ks, dev, AF_INET);
  }
  if (!dev.inet6) return true;
  if (inet6Registered) netconfNotifyUnregister(net.ks, dev, AF_INET6);
  if (!allowed) return false;
  netconfNotifyRegister(net.ks, dev, AF_INET6);
  return true;
}
