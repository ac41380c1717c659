/**
 * Link requests: RTM_GETLINK (rtnl_getlink(), rtnl_dump_ifinfo()), RTM_SETLINK
 * (rtnl_setlink()) and RTM_NEWLINK on an existing device (rtnl_newlink() → do_setlink()),
 * with the RTM_NEWLINK notifications the netdevice notifier chain sends to RTNLGRP_LINK.
 */
import type { DumpControl, DumpChunk, DumpState } from '../../sim/dump.js';
import { KernelError } from '../../sim/errors.js';
import type { KernelSocket } from '../../sim/kernel-socket.js';
import type { RequestContext } from '../../sim/request-loop.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../sim/uapi/netlink.js';
import { writeHeader } from '../../sim/wire/header.js';
import {
  DEVCONF_MTU6,
  IPV4_MIN_MTU,
  IPV6_MIN_MTU,
  type NetDevice,
  running,
} from './device.js';
import { decodeIfInfoMsg } from './ifinfomsg.js';
import { fillIfInfo, ifNlmsgSize } from './link-fill.js';
import { type AttrView, NL_VALIDATE, NLA, nlmsgParse, type ParseResult, type Policy } from '../../sim/wire/policy.js';
import { RTNL_FLAG, type Rtnetlink } from './rtnetlink.js';
import type { LinkTable, NetworkState } from './state.js';
import {
  ALTIFNAMSIZ,
  IF_READY,
  IFALIASZ,
  IFF,
  IFF_VOLATILE,
  IFINFOMSG_LEN,
  IFLA,
  IFLA_MAX,
  IFNAMSIZ,
  RTGENMSG_LEN,
  RTM_GETLINK,
  RTM_NEWLINK,
  RTM_SETLINK,
  RTNLGRP_LINK,
} from './uapi.js';

const EMSGSIZE = -90;

/** IFLA_POLICY is the part of ifla_policy (net/core/rtnetlink.c) nlsim validates. */
export const IFLA_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[IFLA.IFLA_IFNAME] = { type: NLA.NLA_STRING, len: IFNAMSIZ - 1 };
  p[IFLA.IFLA_ADDRESS] = { type: NLA.NLA_BINARY, len: 32 };
  p[IFLA.IFLA_BROADCAST] = { type: NLA.NLA_BINARY, len: 32 };
  p[IFLA.IFLA_ALT_IFNAME] = { type: NLA.NLA_STRING, len: ALTIFNAMSIZ - 1 };
  p[IFLA.IFLA_IFALIAS] = { type: NLA.NLA_STRING, len: IFALIASZ - 1 };
  for (const t of [
    IFLA.IFLA_MTU, IFLA.IFLA_LINK, IFLA.IFLA_MASTER, IFLA.IFLA_TXQLEN, IFLA.IFLA_WEIGHT, IFLA.IFLA_NET_NS_PID,
    IFLA.IFLA_NET_NS_FD, IFLA.IFLA_EXT_MASK, IFLA.IFLA_PROMISCUITY, IFLA.IFLA_NUM_TX_QUEUES, IFLA.IFLA_NUM_RX_QUEUES,
    IFLA.IFLA_GROUP, IFLA.IFLA_GSO_MAX_SEGS, IFLA.IFLA_GSO_MAX_SIZE, IFLA.IFLA_CARRIER_CHANGES, IFLA.IFLA_EVENT,
    IFLA.IFLA_MIN_MTU, IFLA.IFLA_MAX_MTU, IFLA.IFLA_CARRIER_UP_COUNT, IFLA.IFLA_CARRIER_DOWN_COUNT, IFLA.IFLA_GRO_MAX_SIZE,
  ]) p[t] = { type: NLA.NLA_U32 };
  for (const t of [IFLA.IFLA_CARRIER, IFLA.IFLA_OPERSTATE, IFLA.IFLA_LINKMODE, IFLA.IFLA_PROTO_DOWN]) p[t] = { type: NLA.NLA_U8 };
  for (const t of [IFLA.IFLA_LINK_NETNSID, IFLA.IFLA_TARGET_NETNSID]) p[t] = { type: NLA.NLA_S32 };
  for (const t of [IFLA.IFLA_LINKINFO, IFLA.IFLA_VFINFO_LIST, IFLA.IFLA_VF_PORTS, IFLA.IFLA_PORT_SELF, IFLA.IFLA_AF_SPEC, IFLA.IFLA_XDP, IFLA.IFLA_PROP_LIST, IFLA.IFLA_PROTO_DOWN_REASON]) {
    p[t] = { type: NLA.NLA_NESTED };
  }
  p[IFLA.IFLA_PERM_ADDRESS] = { type: NLA.NLA_REJECT };
  return p;
})();

/** Attributes do_setlink() acts on that nlsim does not model yet: refused, never ignored. */
const UNMODELLED_SET = [
  IFLA.IFLA_NET_NS_PID, IFLA.IFLA_NET_NS_FD, IFLA.IFLA_TARGET_NETNSID, IFLA.IFLA_MAP, IFLA.IFLA_ADDRESS, IFLA.IFLA_GROUP,
  IFLA.IFLA_IFALIAS, IFLA.IFLA_BROADCAST, IFLA.IFLA_MASTER, IFLA.IFLA_CARRIER, IFLA.IFLA_GSO_MAX_SIZE, IFLA.IFLA_GSO_MAX_SEGS,
  IFLA.IFLA_GRO_MAX_SIZE, IFLA.IFLA_GSO_IPV4_MAX_SIZE, IFLA.IFLA_GRO_IPV4_MAX_SIZE, IFLA.IFLA_OPERSTATE, IFLA.IFLA_LINKMODE,
  IFLA.IFLA_VFINFO_LIST, IFLA.IFLA_VF_PORTS, IFLA.IFLA_PORT_SELF, IFLA.IFLA_AF_SPEC, IFLA.IFLA_PROTO_DOWN,
  IFLA.IFLA_PROTO_DOWN_REASON, IFLA.IFLA_XDP, IFLA.IFLA_LINKINFO,
];

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
  }

  #links(ctx: RequestContext): LinkTable {
    return this.#state.links(ctx.skb.sock.netns);
  }

  /** getLink mirrors rtnl_getlink() with rtnl_valid_getlink_req(). */
  getLink(ctx: RequestContext): void {
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
    if (tb[IFLA.IFLA_TARGET_NETNSID]) throw new KernelError('EOPNOTSUPP', 'nlsim: IFLA_TARGET_NETNSID is not modelled yet');
    const extMask = tb[IFLA.IFLA_EXT_MASK] ? tb[IFLA.IFLA_EXT_MASK]!.u32() : 0;
    const links = this.#links(ctx);
    let dev: NetDevice | undefined;
    if (ifm.index > 0) dev = links.byIndex(ifm.index);
    else if (tb[IFLA.IFLA_IFNAME] || tb[IFLA.IFLA_ALT_IFNAME]) dev = devByAttrs(links, tb);
    else throw new KernelError('EINVAL');
    if (!dev) throw new KernelError('ENODEV');
    const body = fillIfInfo(dev, { extMask });
    ctx.reply(ctx.encode(RTM_NEWLINK, body), { allocSize: ifNlmsgSize(dev) });
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
    let validated = false;
    const validate = (d: DumpState) => {
      const req = { message: d.requestMessage, extack: d.extack };
      const payloadLen = d.requestMessage.length - 16;
      if (d.strictCheck) {
        if (payloadLen < IFINFOMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for link dump');
        const ifm = decodeIfInfoMsg(d.requestMessage, 16);
        if (ifm.pad || ifm.type || ifm.flags || ifm.change) throw new KernelError('EINVAL', 'Invalid values in header for link dump request');
        if (ifm.index) throw new KernelError('EINVAL', 'Filter by device index not supported for link dumps');
        const { attrs: tb } = parseLinkMsg(req, 'deprecated-strict');
        for (let i = 0; i <= IFLA_MAX; i++) {
          if (!tb[i]) continue;
          if (i === IFLA.IFLA_EXT_MASK) extMask = tb[i]!.u32();
          else if (i === IFLA.IFLA_TARGET_NETNSID || i === IFLA.IFLA_MASTER || i === IFLA.IFLA_LINKINFO) {
            throw new KernelError('EOPNOTSUPP', `nlsim: ${IFLA_NAMES.get(i)} in link dumps is not modelled yet`);
          } else throw new KernelError('EINVAL', 'Unsupported attribute in link dump request');
        }
        return;
      }
      // "A hack to preserve kernel<->userspace interface": a short request is an rtgenmsg.
      const hdrlen = payloadLen < IFINFOMSG_LEN ? RTGENMSG_LEN : IFINFOMSG_LEN;
      try {
        const { attrs: tb } = parseLinkMsg(req, 'liberal', hdrlen);
        if (tb[IFLA.IFLA_EXT_MASK]) extMask = tb[IFLA.IFLA_EXT_MASK]!.u32();
      } catch {
        // Without strict checking a bad request still gets the full dump.
      }
      d.extack = {};
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
        for (const dev of links.list()) {
          if (dev.ifindex <= after) continue;
          if (!chunk.put(RTM_NEWLINK, fillIfInfo(dev, { extMask }))) return chunk.length ? chunk.length : EMSGSIZE;
          d.args[0] = dev.ifindex;
        }
        return 0;
      },
    };
  }

  /** setLink mirrors rtnl_setlink(). */
  setLink(ctx: RequestContext): void {
    const { attrs: tb } = parseLinkMsg(ctx, 'liberal');
    const ifm = decodeIfInfoMsg(ctx.payload);
    const links = this.#links(ctx);
    let dev: NetDevice | undefined;
    if (ifm.index > 0) dev = links.byIndex(ifm.index);
    else if (tb[IFLA.IFLA_IFNAME] || tb[IFLA.IFLA_ALT_IFNAME]) dev = devByAttrs(links, tb);
    else throw new KernelError('EINVAL');
    if (!dev) throw new KernelError('ENODEV');
    this.#doSetLink(ctx, links, dev, tb);
  }

  /** newLink mirrors rtnl_newlink() for an existing device; creation is not modelled yet. */
  newLink(ctx: RequestContext): void {
    const { attrs: tb } = parseLinkMsg(ctx, 'liberal');
    const ifm = decodeIfInfoMsg(ctx.payload);
    const links = this.#links(ctx);
    let dev: NetDevice | undefined;
    if (ifm.index > 0) dev = links.byIndex(ifm.index);
    else if (tb[IFLA.IFLA_IFNAME] || tb[IFLA.IFLA_ALT_IFNAME]) dev = devByAttrs(links, tb);
    if (dev) {
      if (ctx.header.flags & NLM_F_EXCL) throw new KernelError('EEXIST');
      if (ctx.header.flags & NLM_F_REPLACE) throw new KernelError('EOPNOTSUPP');
      this.#doSetLink(ctx, links, dev, tb);
      return;
    }
    if (!(ctx.header.flags & NLM_F_CREATE)) throw new KernelError('ENODEV');
    throw new KernelError('EOPNOTSUPP', 'nlsim: creating devices is not modelled yet');
  }

  /**
   * #doSetLink mirrors do_setlink() for what nlsim models, in the kernel's order: MTU, name,
   * flags, txqlen. Each change notifies RTNLGRP_LINK on its own (the netdevice notifier),
   * without NLM_F_ECHO: rtmsg_ifinfo() is called with no request header, seq 0 and pid 0.
   */
  #doSetLink(ctx: RequestContext, links: LinkTable, dev: NetDevice, tb: Tb): void {
    for (const t of UNMODELLED_SET) {
      if (tb[t]) throw new KernelError('EOPNOTSUPP', { message: `nlsim: setting ${IFLA_NAMES.get(t)} is not modelled yet`, offset: tb[t].offset });
    }
    const notify = (change = 0) => this.#notify(ctx.kernelSocket, dev, change);
    const ifm = decodeIfInfoMsg(ctx.payload);
    if (tb[IFLA.IFLA_MTU]) setMtu(dev, tb[IFLA.IFLA_MTU]!.u32(), notify);
    if (ifm.index > 0 && tb[IFLA.IFLA_IFNAME]) changeName(links, dev, tb[IFLA.IFLA_IFNAME]!.string(), notify);
    if (ifm.flags || ifm.change) {
      // rtnl_dev_combine_flags(): "bugwards compatibility: ifi_change == 0 is treated as ~0".
      const flags = ifm.change ? (ifm.flags & ifm.change) | (dev.flags & ~ifm.change) : ifm.flags;
      changeFlags(dev, flags >>> 0, notify);
    }
    if (tb[IFLA.IFLA_TXQLEN]) {
      const len = tb[IFLA.IFLA_TXQLEN]!.u32();
      if (len !== dev.txqlen) {
        dev.txqlen = len;
        notify(); // NETDEV_CHANGE_TX_QUEUE_LEN
      }
    }
  }

  /** #notify mirrors rtmsg_ifinfo(RTM_NEWLINK, dev, change): a multicast to RTNLGRP_LINK. */
  #notify(ks: KernelSocket, dev: NetDevice, change: number): void {
    const body = fillIfInfo(dev, { change });
    const msg = new Uint8Array(16 + body.length);
    writeHeader(msg, 0, { len: msg.length, type: RTM_NEWLINK, flags: 0, seq: 0, pid: 0 });
    msg.set(body, 16);
    ks.broadcast(msg, RTNLGRP_LINK, { allocSize: ifNlmsgSize(dev) });
  }
}

/** setMtu mirrors dev_set_mtu_ext() with dev_validate_mtu() and the inet/inet6 CHANGEMTU handlers. */
function setMtu(dev: NetDevice, value: number, notify: () => void): void {
  const mtu = value | 0; // the kernel holds it in an int
  if (mtu === dev.mtu) return;
  if (mtu < 0 || mtu < dev.minMtu) throw new KernelError('EINVAL', 'mtu less than device minimum');
  if (dev.maxMtu > 0 && mtu > dev.maxMtu) throw new KernelError('EINVAL', 'mtu greater than device maximum');
  dev.mtu = mtu;
  // addrconf_notify(NETDEV_CHANGEMTU): mtu6 follows while IPv6 can use the device.
  if (dev.inet6 && mtu >= IPV6_MIN_MTU) dev.inet6.conf[DEVCONF_MTU6] = mtu;
  // inetdev_event(NETDEV_CHANGEMTU): IPv4 leaves a device below 68 bytes and comes back above.
  if (mtu < IPV4_MIN_MTU) dev.inet = null;
  else if (!dev.inet) dev.inet = [...dev.inetDefault];
  notify();
}

/** dev_valid_name(): 1–15 bytes, not "." or "..", no '/', ':' or whitespace. */
function validName(name: string): boolean {
  if (!name || new TextEncoder().encode(name).length >= IFNAMSIZ) return false;
  if (name === '.' || name === '..') return false;
  return !/[/:\s]/.test(name);
}

/** changeName mirrors dev_change_name() (renaming while up is allowed on 6.18). */
function changeName(links: LinkTable, dev: NetDevice, name: string, notify: () => void): void {
  if (name === dev.name) return;
  if (!validName(name)) throw new KernelError('EINVAL');
  if (links.byAnyName(name)) throw new KernelError('EEXIST');
  dev.name = name;
  links.devBaseSeq++;
  notify(); // NETDEV_CHANGENAME
}

/**
 * changeFlags mirrors dev_change_flags(): __dev_change_flags() then __dev_notify_flags(),
 * which sends the notification before NETDEV_UP/NETDEV_DOWN reach addrconf (so IF_READY
 * changes after it).
 */
function changeFlags(dev: NetDevice, flags: number, notify: (change: number) => void): void {
  const oldFlags = dev.flags;
  const oldGflags = dev.gflags;
  const keep = IFF.IFF_UP | IFF_VOLATILE | IFF.IFF_PROMISC | IFF.IFF_ALLMULTI;
  const settable = IFF.IFF_DEBUG | IFF.IFF_NOTRAILERS | IFF.IFF_NOARP | IFF.IFF_DYNAMIC | IFF.IFF_MULTICAST | IFF.IFF_PORTSEL | IFF.IFF_AUTOMEDIA;
  dev.flags = ((flags & settable) | (dev.flags & keep)) >>> 0;
  if ((oldFlags ^ flags) & IFF.IFF_UP) {
    if (oldFlags & IFF.IFF_UP) dev.flags &= ~IFF.IFF_UP; // __dev_close()
    else {
      dev.flags |= IFF.IFF_UP; // __dev_open(); dev_activate() attaches the default qdisc
      if (dev.qdisc === 'noop') dev.qdisc = dev.defaultQdisc;
    }
  }
  if ((flags ^ dev.gflags) & IFF.IFF_PROMISC) {
    dev.gflags ^= IFF.IFF_PROMISC;
    dev.promiscuity += flags & IFF.IFF_PROMISC ? 1 : -1;
    if (dev.promiscuity > 0) dev.flags |= IFF.IFF_PROMISC;
    else dev.flags &= ~IFF.IFF_PROMISC;
  }
  if ((flags ^ dev.gflags) & IFF.IFF_ALLMULTI) {
    dev.gflags ^= IFF.IFF_ALLMULTI;
    dev.allmulti += flags & IFF.IFF_ALLMULTI ? 1 : -1;
    if (dev.allmulti > 0) dev.flags |= IFF.IFF_ALLMULTI;
    else dev.flags &= ~IFF.IFF_ALLMULTI;
  }
  dev.flags >>>= 0;
  const changes = ((oldFlags ^ dev.flags) | (oldGflags ^ dev.gflags)) >>> 0;
  if (changes) notify(changes);
  if ((oldFlags ^ dev.flags) & IFF.IFF_UP && dev.inet6) {
    // addrconf_notify(NETDEV_UP / NETDEV_DOWN)
    if (running(dev)) dev.inet6.flags = (dev.inet6.flags | IF_READY) >>> 0;
    else dev.inet6.flags = (dev.inet6.flags & ~IF_READY) >>> 0;
  }
}
