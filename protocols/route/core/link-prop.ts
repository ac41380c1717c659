/**
 * Link properties (net/core/rtnetlink.c: rtnl_newlinkprop(), rtnl_dellinkprop() →
 * rtnl_linkprop(), rtnl_alt_ifname(); net/core/dev.c: netdev_name_node_alt_create(),
 * netdev_name_node_alt_destroy()): alternative interface names, added and removed through the
 * IFLA_ALT_IFNAME entries of IFLA_PROP_LIST. Link messages report them in IFLA_PROP_LIST
 * (link-fill.ts) and every lookup by name finds them (LinkTable.byAnyName()).
 *
 * @note Linux checks an alternative name only for its length (at most ALTIFNAMSIZ − 1 bytes)
 * and uniqueness: "a/b" and "" are accepted, unlike device names.
 */
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { AttrView, NL_VALIDATE, nlmsgParse, parseAttrs } from '../../../sim/wire/policy.js';
import type { NetDevice } from './device.js';
import { decodeIfInfoMsg } from './ifinfomsg.js';
import { IFLA_POLICY } from './ifla-policy.js';
import { NetOps } from './netdev.js';
import type { Rtnetlink } from './rtnetlink.js';
import type { NetworkState } from './state.js';
import { IFF, IFINFOMSG_LEN, IFLA, IFLA_MAX, RTM, RTM_NEWLINK } from './uapi.js';

/** ALTIFNAMSIZ. */
const ALTIFNAMSIZ = 128;
const U16_MAX = 0xffff;
/** nla_total_size(n). */
const nlaTotalSize = (n: number) => (4 + n + 3) & ~3;

/** registerLinkProp installs rtnetlink_init()'s RTM_NEWLINKPROP and RTM_DELLINKPROP handlers. */
export function registerLinkProp(rtnl: Rtnetlink, state: NetworkState): void {
  rtnl.register(0, RTM.RTM_NEWLINKPROP, { doit: (ctx) => linkprop(ctx, state, RTM.RTM_NEWLINKPROP) });
  rtnl.register(0, RTM.RTM_DELLINKPROP, { doit: (ctx) => linkprop(ctx, state, RTM.RTM_DELLINKPROP) });
}

/** propListSize mirrors rtnl_prop_list_size(): what IFLA_PROP_LIST may take, ALTIFNAMSIZ per name. */
function propListSize(dev: NetDevice): number {
  return dev.altNames.length ? nlaTotalSize(0) + dev.altNames.length * nlaTotalSize(ALTIFNAMSIZ) : 0;
}

/**
 * linkprop mirrors rtnl_linkprop(): strict parse, no netns attributes, the device by index or
 * by any of its names, then each IFLA_ALT_IFNAME of IFLA_PROP_LIST in order (other entries are
 * ignored). The first failure ends the request, keeping the names already changed and sending
 * nothing; otherwise a change of a device that is up is announced (netdev_state_change()).
 */
function linkprop(ctx: RequestContext, state: NetworkState, cmd: number): void {
  const { attrs: tb } = nlmsgParse(ctx.message, IFINFOMSG_LEN, IFLA_POLICY, IFLA_MAX, NL_VALIDATE.NL_VALIDATE_STRICT);
  // rtnl_ensure_unique_netns(…, netns_id_only = true)
  if (tb[IFLA.IFLA_NET_NS_PID] || tb[IFLA.IFLA_NET_NS_FD]) throw new KernelError('EOPNOTSUPP', 'specified netns attribute not supported');
  const links = state.links(ctx.skb.sock.netns);
  const ifm = decodeIfInfoMsg(ctx.payload);
  let dev: NetDevice | undefined;
  if (ifm.index > 0) dev = links.byIndex(ifm.index);
  else if (tb[IFLA.IFLA_IFNAME] || tb[IFLA.IFLA_ALT_IFNAME]) dev = links.byAnyName((tb[IFLA.IFLA_IFNAME] ?? tb[IFLA.IFLA_ALT_IFNAME])!.string());
  else throw new KernelError('EINVAL');
  if (!dev) throw new KernelError('ENODEV');
  const list = tb[IFLA.IFLA_PROP_LIST];
  if (!list) return;
  let changed = false;
  for (const attr of entries(ctx.message, list)) {
    if (attr.type !== IFLA.IFLA_ALT_IFNAME) continue;
    altIfname(ctx.message, cmd, links, dev, attr);
    changed = true;
  }
  if (changed && dev.flags & IFF.IFF_UP) {
    const net = new NetOps(links, ctx.kernelSocket, state.options);
    dev.master?.kind?.portEvent?.(dev.master, dev, 'change', net); // NETDEV_CHANGE
    net.rtmsgIfinfo(RTM_NEWLINK, dev, 0);
  }
}

/** entries lists the attributes nested in `nest` (nla_for_each_nested()), offsets from the message. */
function entries(message: Uint8Array, nest: AttrView): AttrView[] {
  const out: AttrView[] = [];
  const end = nest.offset + 4 + nest.length;
  let off = nest.offset + 4;
  while (end - off >= 4) {
    const len = viewOf(message).getUint16(off, HOST_LE);
    if (len < 4 || len > end - off) break;
    out.push(new AttrView(viewOf(message).getUint16(off + 2, HOST_LE), off, message.subarray(off + 4, off + len)));
    off += (len + 3) & ~3;
  }
  return out;
}

/**
 * altIfname mirrors rtnl_alt_ifname(): the name validated against ifla_policy (strictly: a
 * string of at most ALTIFNAMSIZ − 1 bytes), room left in the property list, then
 * netdev_name_node_alt_create() (EEXIST when any device has that name) or
 * netdev_name_node_alt_destroy() (ENOENT when none has it, EINVAL when it is a primary name or
 * another device's).
 */
function altIfname(message: Uint8Array, cmd: number, links: ReturnType<NetworkState['links']>, dev: NetDevice, attr: AttrView): void {
  parseAttrs(message.subarray(0, attr.offset + 4 + attr.length), attr.offset, IFLA_POLICY, IFLA_MAX, NL_VALIDATE.NL_VALIDATE_STRICT);
  const name = attr.string();
  if (cmd === RTM.RTM_NEWLINKPROP) {
    if (propListSize(dev) + nlaTotalSize(ALTIFNAMSIZ) >= U16_MAX) throw new KernelError('EINVAL', 'effective property list too long');
    if (links.byAnyName(name)) throw new KernelError('EEXIST');
    dev.altNames.push(name);
    return;
  }
  const owner = links.byAnyName(name);
  if (!owner) throw new KernelError('ENOENT');
  if (owner !== dev || dev.name === name) throw new KernelError('EINVAL');
  dev.altNames.splice(dev.altNames.indexOf(name), 1);
}
