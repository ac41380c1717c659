/**
 * Netconf: RTM_GETNETCONF (doit and dump) for AF_INET (inet_netconf_get_devconf(),
 * inet_netconf_dump_devconf()) and AF_INET6 (inet6_netconf_get_devconf(),
 * inet6_netconf_dump_devconf()), the AF_UNSPEC dump that runs both (rtnl_dump_all()), and the
 * RTM_NEWNETCONF / RTM_DELNETCONF notifications a device's in_device and inet6_dev send when
 * their sysctl directories are registered and unregistered (__devinet_sysctl_register(),
 * __devinet_sysctl_unregister(), addrconf_sysctl_register(), addrconf_sysctl_unregister()).
 *
 * @note nlsim has no /proc/sys, so nothing sends the single-attribute RTM_NEWNETCONF that a
 * sysctl write (forwarding, rp_filter, proxy_arp, ignore_routes_with_linkdown) sends on Linux.
 * The namespace-wide "all" and "default" entries report the values a fresh namespace has on a
 * host with default sysctls (every netconf field 0); IPv4 copies init_net's values on Linux
 * (net.core.devconf_inherit_init_net=0), so a host with, say, ip_forward=1 differs.
 */
import type { KernelConfig } from '../../../sim/profile.js';
import type { DumpChunk, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { KernelSocket } from '../../../sim/kernel-socket.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import { ETHER_INET_CONF, LO_INET6_CONF, type NetDevice } from './device.js';
import { dumpAll, type FamilyDump } from './dump-all.js';
import { notify } from './rtnl-notify.js';
import { RTNL_FLAG, type Rtnetlink } from './rtnetlink.js';
import type { NetworkState } from './state.js';
import {
  AF_INET,
  AF_INET6,
  NETCONFA,
  NETCONFA_ALL,
  NETCONFA_IFINDEX_ALL,
  NETCONFA_IFINDEX_DEFAULT,
  NETCONFA_MAX,
  NETCONFMSG_LEN,
  RTM,
  RTNLGRP,
} from './uapi.js';

const EMSGSIZE = -90;
/** NLMSG_ALIGN(sizeof(struct netconfmsg)): where the attributes start. */
const NETCONFMSG_ALIGNED = 4;

/** NetconfFamily is what differs between devinet.c's and addrconf.c's netconf code. */
interface NetconfFamily {
  readonly family: number;
  /** The extack prefix: "ipv4: " or "ipv6: ". */
  readonly prefix: string;
  readonly group: number;
  /** devconf_ipv4_policy / devconf_ipv6_policy. */
  readonly policy: Policy;
  /** The attributes NETCONFA_ALL reports, in order, each with its index in the devconf array. */
  readonly fields: readonly (readonly [attr: number, index: number])[];
  /** The device's devconf (in_dev->cnf / idev->cnf), or null without IPv4/IPv6 state. */
  devconf(dev: NetDevice): readonly number[] | null;
  /** net->ipv{4,6}.devconf_all and devconf_dflt. */
  readonly all: readonly number[];
  readonly dflt: readonly number[];
  /** The errno for an ifindex without a device or without this family's state. */
  readonly noDevice: 'ENODEV' | 'EINVAL';
}

const { NETCONFA_IFINDEX, NETCONFA_FORWARDING, NETCONFA_RP_FILTER, NETCONFA_MC_FORWARDING, NETCONFA_PROXY_NEIGH, NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN, NETCONFA_BC_FORWARDING } = NETCONFA;

/** policyOf builds a netconf policy: every listed attribute at least sizeof(int) (NLA_UNSPEC with .len). */
function policyOf(attrs: number[]): Policy {
  const p: Policy[number][] = [];
  for (const a of attrs) p[a] = { type: NLA.NLA_UNSPEC, len: 4 };
  return p;
}

/** INET holds devinet.c's netconf: IPV4_DEVCONF_* − 1 indexes the devconf array. */
const INET: NetconfFamily = {
  family: AF_INET,
  prefix: 'ipv4: ',
  group: RTNLGRP.RTNLGRP_IPV4_NETCONF,
  policy: policyOf([NETCONFA_IFINDEX, NETCONFA_FORWARDING, NETCONFA_RP_FILTER, NETCONFA_PROXY_NEIGH, NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN]),
  // inet_netconf_fill_devconf(): FORWARDING, RP_FILTER, MC_FORWARDING, BC_FORWARDING,
  // PROXY_ARP (as PROXY_NEIGH), IGNORE_ROUTES_WITH_LINKDOWN.
  fields: [
    [NETCONFA_FORWARDING, 0],
    [NETCONFA_RP_FILTER, 7],
    [NETCONFA_MC_FORWARDING, 1],
    [NETCONFA_BC_FORWARDING, 31],
    [NETCONFA_PROXY_NEIGH, 2],
    [NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN, 28],
  ],
  devconf: (dev) => dev.inet,
  all: ETHER_INET_CONF,
  dflt: ETHER_INET_CONF,
  noDevice: 'ENODEV',
};

/**
 * INET6 holds addrconf.c's netconf: DEVCONF_* indexes the devconf array.
 * inet6_netconf_fill_devconf(): FORWARDING, MC_FORWARDING (only with CONFIG_IPV6_MROUTE),
 * PROXY_NDP (as PROXY_NEIGH), IGNORE_ROUTES_WITH_LINKDOWN.
 */
const INET6: NetconfFamily = {
  family: AF_INET6,
  prefix: 'ipv6: ',
  group: RTNLGRP.RTNLGRP_IPV6_NETCONF,
  policy: policyOf([NETCONFA_IFINDEX, NETCONFA_FORWARDING, NETCONFA_PROXY_NEIGH, NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN]),
  fields: [
    [NETCONFA_FORWARDING, 0],
    [NETCONFA_MC_FORWARDING, 25],
    [NETCONFA_PROXY_NEIGH, 22],
    [NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN, 39],
  ],
  devconf: (dev) => dev.inet6?.conf ?? null,
  all: LO_INET6_CONF,
  dflt: LO_INET6_CONF,
  // inet6_netconf_get_devconf() keeps -EINVAL for a missing device (measured on 6.18).
  noDevice: 'EINVAL',
};

/** INET6_NO_MROUTE is INET6 of a kernel without CONFIG_IPV6_MROUTE: no NETCONFA_MC_FORWARDING. */
const INET6_NO_MROUTE: NetconfFamily = { ...INET6, fields: INET6.fields.filter(([attr]) => attr !== NETCONFA_MC_FORWARDING) };

/** inet6Of returns the IPv6 netconf of a kernel built with `config`. */
function inet6Of(config: KernelConfig): NetconfFamily {
  return config.IPV6_MROUTE ? INET6 : INET6_NO_MROUTE;
}

/** msgsize mirrors inet{,6}_netconf_msgsize_devconf(): the whole message, header included. */
function msgsize(f: NetconfFamily, type: number): number {
  const n = type === NETCONFA_ALL ? f.fields.length : f.fields.some(([a]) => a === type) ? 1 : 0;
  return 16 + NETCONFMSG_ALIGNED + 8 * (1 + n);
}

/**
 * fillDevconf mirrors inet{,6}_netconf_fill_devconf(): the netconfmsg, NETCONFA_IFINDEX, then
 * the fields `type` selects (all of them for NETCONFA_ALL), none without a devconf.
 */
function fillDevconf(w: AttrWriter, f: NetconfFamily, ifindex: number, conf: readonly number[] | null, type: number): void {
  w.raw(Uint8Array.of(f.family, 0, 0, 0));
  w.s32(NETCONFA_IFINDEX, ifindex);
  if (!conf) return;
  for (const [attr, index] of f.fields) if (type === NETCONFA_ALL || type === attr) w.s32(attr, conf[index] ?? 0);
}

/** notifyDevconf mirrors inet{,6}_netconf_notify_devconf(): to the family's NETCONF group, seq 0. */
function notifyDevconf(ks: KernelSocket, f: NetconfFamily, event: number, type: number, ifindex: number, conf: readonly number[] | null): void {
  notify({ ks }, event, 0, f.group, (w) => fillDevconf(w, f, ifindex, conf, type), msgsize(f, type));
}

/**
 * sysctlDevNameAllowed mirrors sysctl_dev_name_is_allowed(): devinet_sysctl_register() and
 * addrconf_sysctl_register() refuse a device named after a net/ipv{4,6}/conf entry that is
 * not a device ("all", "default"; "." and ".." never get this far).
 */
export function sysctlDevNameAllowed(name: string): boolean {
  return name !== 'all' && name !== 'default' && name !== '.' && name !== '..';
}

/**
 * netconfNotifyRegister sends the RTM_NEWNETCONF (NETCONFA_ALL) of a device being registered:
 * inetdev_init() → devinet_sysctl_register() first, then ipv6_add_dev() →
 * addrconf_sysctl_register(), each only when the device got that family's state. With
 * `family`, only that one (its state came back with a larger MTU).
 */
export function netconfNotifyRegister(ks: KernelSocket, dev: NetDevice, family?: number): void {
  const inet6 = inet6Of(ks.netns.config);
  for (const f of family === undefined ? [INET, inet6] : [family === AF_INET ? INET : inet6]) {
    const conf = f.devconf(dev);
    if (conf) notifyDevconf(ks, f, RTM.RTM_NEWNETCONF, NETCONFA_ALL, dev.ifindex, conf);
  }
}

/**
 * netconfNotifyUnregister sends the RTM_DELNETCONF (NETCONFA_IFINDEX alone) of a device whose
 * `family` state goes away: inetdev_destroy() after its addresses and before arp_ifdown();
 * addrconf_ifdown() last, after its routes and addresses. Nothing without that state.
 */
export function netconfNotifyUnregister(ks: KernelSocket, dev: NetDevice, family: number): void {
  const f = family === AF_INET ? INET : inet6Of(ks.netns.config);
  if (f.devconf(dev)) notifyDevconf(ks, f, RTM.RTM_DELNETCONF, 0, dev.ifindex, null);
}

/** registerNetconf installs the RTM_GETNETCONF handlers (devinet_init(), addrconf_init(), rtnetlink_init()'s rtnl_dump_all). */
export function registerNetconf(rtnl: Rtnetlink, state: NetworkState, config: KernelConfig): void {
  const inet6 = inet6Of(config);
  for (const f of [INET, inet6]) {
    rtnl.register(f.family, RTM.RTM_GETNETCONF, { doit: (ctx) => getDevconf(ctx, f, state), dumpit: (ctx) => ({ dump: familyDump(ctx, f, state) }) });
  }
  // rtnl_dump_all() returns skb->len once it put anything, so its NLMSG_DONE comes alone.
  rtnl.register(0, RTM.RTM_GETNETCONF, {
    dumpit: (ctx) => dumpAll([familyDump(ctx, INET, state), familyDump(ctx, inet6, state)]),
    flags: RTNL_FLAG.RTNL_FLAG_DUMP_SPLIT_NLM_DONE,
  });
}

/**
 * validGetReq mirrors inet{,6}_netconf_valid_get_req(): liberal parsing without strict
 * checking; with it, unknown types are refused and only NETCONFA_IFINDEX is accepted.
 */
function validGetReq(ctx: RequestContext, f: NetconfFamily): (AttrView | undefined)[] {
  if (ctx.message.length < 16 + NETCONFMSG_LEN) throw new KernelError('EINVAL', `${f.prefix}Invalid header for netconf get request`);
  const level = ctx.strictCheck ? NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT : NL_VALIDATE.NL_VALIDATE_LIBERAL;
  const r = nlmsgParse(ctx.message, NETCONFMSG_LEN, f.policy, NETCONFA_MAX, level);
  if (r.warning) Object.assign(ctx.extack, { message: r.warning });
  if (ctx.strictCheck) {
    for (let i = 0; i <= NETCONFA_MAX; i++) {
      if (r.attrs[i] && i !== NETCONFA_IFINDEX) throw new KernelError('EINVAL', `${f.prefix}Unsupported attribute in netconf get request`);
    }
  }
  return r.attrs;
}

/** getDevconf mirrors inet_netconf_get_devconf() / inet6_netconf_get_devconf(). */
function getDevconf(ctx: RequestContext, f: NetconfFamily, state: NetworkState): number {
  const tb = validGetReq(ctx, f);
  const attr = tb[NETCONFA_IFINDEX];
  if (!attr) throw new KernelError('EINVAL');
  const ifindex = attr.u32() | 0;
  let conf: readonly number[] | null;
  if (ifindex === NETCONFA_IFINDEX_ALL) conf = f.all;
  else if (ifindex === NETCONFA_IFINDEX_DEFAULT) conf = f.dflt;
  else {
    const dev = state.links(ctx.skb.sock.netns).byIndex(ifindex);
    conf = dev ? f.devconf(dev) : null;
    if (!conf) throw new KernelError(f.noDevice);
  }
  return ctx.reply(ctx.encode(RTM.RTM_NEWNETCONF, (w) => fillDevconf(w, f, ifindex, conf, NETCONFA_ALL)), { allocSize: msgsize(f, NETCONFA_ALL) });
}

/**
 * familyDump mirrors inet{,6}_netconf_dump_devconf(): every device with the family's state in
 * ifindex order, then "all" and "default". cb->ctx is args[0] (the next ifindex, as
 * for_each_netdev_dump() leaves it) and args[1] (how many of all/default went out).
 */
function familyDump(ctx: RequestContext, f: NetconfFamily, state: NetworkState): FamilyDump {
  const links = state.links(ctx.skb.sock.netns);
  return (chunk: DumpChunk, d: DumpState) => {
    if (d.strictCheck) {
      const len = d.requestMessage.length - 16;
      let message: string | undefined;
      if (len < NETCONFMSG_LEN) message = `${f.prefix}Invalid header for netconf dump request`;
      // nlmsg_attrlen(): anything but exactly NLMSG_ALIGN(sizeof(struct netconfmsg)) bytes,
      // a bare 1-byte netconfmsg included.
      else if (len - NETCONFMSG_ALIGNED !== 0) message = `${f.prefix}Invalid data after header in netconf dump request`;
      if (message) {
        d.extack.message = message;
        return -22; // EINVAL
      }
    }
    const put = (ifindex: number, conf: readonly number[]) => chunk.put(RTM.RTM_NEWNETCONF, (w) => fillDevconf(w, f, ifindex, conf, NETCONFA_ALL));
    const next = (d.args[0] as number | undefined) ?? 0;
    for (const dev of links.list()) {
      if (dev.ifindex < next) continue;
      const conf = f.devconf(dev);
      if (conf && !put(dev.ifindex, conf)) return EMSGSIZE;
      d.args[0] = dev.ifindex + 1;
    }
    let allDefault = (d.args[1] as number | undefined) ?? 0;
    if (allDefault === 0) {
      if (!put(NETCONFA_IFINDEX_ALL, f.all)) return EMSGSIZE;
      d.args[1] = ++allDefault;
    }
    if (allDefault === 1) {
      if (!put(NETCONFA_IFINDEX_DEFAULT, f.dflt)) return EMSGSIZE;
      d.args[1] = ++allDefault;
    }
    return 0;
  };
}
