/**
 * Feature probes: the build options of the running kernel asked of the kernel itself, in a
 * fresh network namespace, for hosts whose configuration is not readable. Each probe is the
 * smallest request whose answer differs with the option; nothing outside the namespace changes.
 */
import { RTNL_FAMILY_IP6MR, RTNL_FAMILY_IPMR } from '../protocols/route/core/uapi.js';
import { TC_H_INGRESS, TC_H_ROOT, TCA, TCMSG_LEN } from '../protocols/route/sched/uapi.js';
import { AF_INET, AF_INET6, IFINFOMSG_LEN, IFLA, IFLA_INFO, IFLA_VLAN, NETCONFA, RTM } from '../protocols/route/core/uapi.js';
import { type ExtAck, NlsimError } from '../sim/errors.js';
import type { KernelConfig } from '../sim/profile.js';
import { errnoNumber } from '../sim/uapi/errno.js';
import { AF_UNSPEC, MSG_DONTWAIT, MSG_TRUNC, NETLINK_EXT_ACK, NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, SOCK_RAW, SOL_NETLINK } from '../sim/uapi/netlink.js';
import { parseAttrs } from '../sim/wire/attr-reader.js';
import { AttrWriter } from '../sim/wire/attr-writer.js';
import { encodeMessage, HOST_LE } from '../sim/wire/header.js';
import { decodeMessages, type NlMessage } from '../sim/wire/messages.js';
import { decodeDone, decodeError } from '../sim/wire/nlmsgerr.js';
import { NativeNamespace, nativeAvailable } from './index.js';

/** IFLA_BR_MCAST_SNOOPING (linux/if_link.h). */
const IFLA_BR_MCAST_SNOOPING = 23;
const EOPNOTSUPP = -errnoNumber('EOPNOTSUPP');
const ENOENT = -errnoNumber('ENOENT');
/** The names of the links the probes create (lo is the namespace's only other link). */
const PROBE_LINK = 'nlsimprobe0';

/** Answer is what one request got: the messages before NLMSG_DONE / NLMSG_ERROR, and its error. */
interface Answer {
  messages: NlMessage[];
  /** 0 or the negative errno of the final NLMSG_DONE / NLMSG_ERROR. */
  error: number;
  extack: ExtAck;
}

/**
 * ask sends one request (always with NLM_F_ACK) on a socket of its own and reads until the
 * NLMSG_DONE or NLMSG_ERROR that ends it. rtnetlink handles a request inside sendmsg() and
 * fills each further dump skb inside recvmsg(), so non-blocking reads never find it missing.
 */
function ask(ns: NativeNamespace, type: number, flags: number, payload: Uint8Array): Answer {
  const s = ns.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1); // the extack tells "unknown kind" from other refusals
    s.send(encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_ACK | flags, seq: 1, pid: 0 }, payload));
    const messages: NlMessage[] = [];
    for (;;) {
      const r = s.recvmsg({ bufferSize: 1 << 16, flags: MSG_DONTWAIT });
      if (r.flags & MSG_TRUNC) throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `feature probe: a ${r.length}-byte answer to message type ${type} overran the buffer`);
      for (const m of decodeMessages(r.data)) {
        const end = m.header.type === NLMSG_DONE ? decodeDone(m.payload, m.header.flags) : m.header.type === NLMSG_ERROR ? decodeError(m.payload, m.header.flags) : undefined;
        if (end) return { messages, error: end.error, extack: end.extack };
        messages.push(m);
      }
    }
  } finally {
    s.close();
  }
}

/** body is a fixed family header (zero-padded to 4) followed by the attributes `fn` writes. */
function body(header: Uint8Array, fn?: (w: AttrWriter) => void): Uint8Array {
  const w = new AttrWriter();
  w.raw(header);
  fn?.(w);
  return w.finish();
}

/** ifinfomsg: family, index; type, flags and change 0. */
function ifinfo(family: number, index = 0): Uint8Array {
  const h = new Uint8Array(IFINFOMSG_LEN);
  h[0] = family;
  new DataView(h.buffer).setInt32(4, index, HOST_LE);
  return h;
}

/** tcmsg on lo (ifindex 1) with `handle` and `parent`. */
function tcmsg(handle: number, parent: number): Uint8Array {
  const h = new Uint8Array(TCMSG_LEN);
  const v = new DataView(h.buffer);
  v.setInt32(4, 1, HOST_LE);
  v.setUint32(8, handle >>> 0, HOST_LE);
  v.setUint32(12, parent >>> 0, HOST_LE);
  return h;
}

/** dumped tells whether a dump of `type` with a `family` header answers messages of that family. */
function dumped(ns: NativeNamespace, type: number, header: Uint8Array): boolean {
  return ask(ns, type, NLM_F_DUMP, header).messages.some((m) => m.payload[0] === header[0]);
}

/**
 * linkKind creates a link of `kind` (then deletes it) and tells whether the kind is built:
 * only a missing rtnl_link_ops makes rtnl_newlink() answer EOPNOTSUPP "Unknown device type";
 * a built kind answers 0 or its own refusal. `inspect` sees the created link's RTM_NEWLINK.
 */
function linkKind(ns: NativeNamespace, kind: string, o: { link?: number; data?: (w: AttrWriter) => void; inspect?: (link: NlMessage) => void } = {}): boolean {
  const { link: lower, data, inspect } = o;
  const a = ask(ns, RTM.RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, body(ifinfo(AF_UNSPEC), (w) => {
    w.string(IFLA.IFLA_IFNAME, PROBE_LINK);
    if (lower !== undefined) w.u32(IFLA.IFLA_LINK, lower);
    w.nested(IFLA.IFLA_LINKINFO, (li) => {
      li.string(IFLA_INFO.IFLA_INFO_KIND, kind);
      if (data) li.nested(IFLA_INFO.IFLA_INFO_DATA, data);
    });
  }));
  if (a.error === 0) {
    const byName = body(ifinfo(AF_UNSPEC), (w) => w.string(IFLA.IFLA_IFNAME, PROBE_LINK));
    const link = ask(ns, RTM.RTM_GETLINK, 0, byName).messages.find((m) => m.header.type === RTM.RTM_NEWLINK);
    if (link && inspect) inspect(link);
    const del = ask(ns, RTM.RTM_DELLINK, 0, byName); // a veth's peer goes with it
    if (del.error !== 0) throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `feature probe: deleting the probe's ${kind} failed with errno ${-del.error}`);
  }
  return !(a.error === EOPNOTSUPP && a.extack.message === 'Unknown device type');
}

/**
 * qdiscKind creates a qdisc of `kind` on lo: qdisc_create() answers ENOENT "Specified qdisc
 * kind is unknown" without its Qdisc_ops (an ingress without NET_XGRESS: "Cannot find ingress
 * queue"); htb_init() and tbf_init() refuse the missing TCA_OPTIONS with EINVAL when built.
 */
function qdiscKind(ns: NativeNamespace, kind: string, handle: number, parent: number): boolean {
  const request = body(tcmsg(handle, parent), (w) => w.string(TCA.TCA_KIND, kind));
  const a = ask(ns, RTM.RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, request);
  if (a.error === 0) ask(ns, RTM.RTM_DELQDISC, 0, request);
  return a.error !== ENOENT;
}

/** openNamespace returns a fresh namespace, or says why the probes cannot run here. */
function openNamespace(): NativeNamespace {
  const unavailable = (reason: string) => new NlsimError('ERR_NLSIM_NATIVE_UNAVAILABLE', `kernel feature probes cannot run: ${reason}`);
  const available = nativeAvailable();
  if (!available.ok) throw unavailable(available.reason);
  if (process.getuid?.() !== 0) throw unavailable('not running as root (a fresh network namespace needs CAP_SYS_ADMIN)');
  try {
    return NativeNamespace.create();
  } catch (e) {
    throw unavailable(`cannot create a network namespace: ${(e as Error).message}`);
  }
}

/**
 * probeKernelConfig asks the running kernel which modelled options it was built with. An
 * option whose Kconfig dependency is off is off without asking (its probe could not tell).
 */
export function probeKernelConfig(): KernelConfig {
  const ns = openNamespace();
  try {
    // inet6_netconf_get_devconf() answers only with IPv6; inet6_netconf_fill_devconf() adds
    // NETCONFA_MC_FORWARDING only under CONFIG_IPV6_MROUTE. lo (1) has an inet6_dev from birth.
    const netconf = ask(ns, RTM.RTM_GETNETCONF, 0, body(Uint8Array.of(AF_INET6), (w) => w.s32(NETCONFA.NETCONFA_IFINDEX, 1)));
    const v6 = netconf.error === 0 ? netconf.messages.find((m) => m.header.type === RTM.RTM_NEWNETCONF && m.payload[0] === AF_INET6) : undefined;
    const IPV6 = v6 !== undefined;
    const IPV6_MROUTE = v6 !== undefined && parseAttrs(v6.payload, 4).has(NETCONFA.NETCONFA_MC_FORWARDING);
    // ipmr_rtm_dumplink() answers one ifi_family 128 RTM_NEWLINK per table; without ipmr,
    // rtnetlink_rcv_msg() falls back to the AF_UNSPEC rtnl_dump_ifinfo() (family 0 links).
    const IP_MROUTE = dumped(ns, RTM.RTM_GETLINK, ifinfo(RTNL_FAMILY_IPMR));
    // fib_nl_dumprule() answers EAFNOSUPPORT for a family without fib_rules_ops; each
    // *_rules_init() registers its family's ops with default rules (no FIB_RULES: EOPNOTSUPP).
    const rules = (family: number) => dumped(ns, RTM.RTM_GETRULE, Uint8Array.of(family, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    const IP_MULTIPLE_TABLES = rules(AF_INET);
    const IPV6_MULTIPLE_TABLES = IPV6 && rules(AF_INET6);
    const IP_MROUTE_MULTIPLE_TABLES = IP_MROUTE && IP_MULTIPLE_TABLES && rules(RTNL_FAMILY_IPMR);
    const IPV6_MROUTE_MULTIPLE_TABLES = IPV6_MROUTE && IPV6_MULTIPLE_TABLES && rules(RTNL_FAMILY_IP6MR);
    // br_fill_info() puts IFLA_BR_MCAST_SNOOPING only under CONFIG_BRIDGE_IGMP_SNOOPING.
    let BRIDGE_IGMP_SNOOPING = false;
    const BRIDGE = linkKind(ns, 'bridge', {
      inspect: (link) => {
        const info = parseAttrs(link.payload, IFINFOMSG_LEN).get(IFLA.IFLA_LINKINFO);
        const data = info && parseAttrs(info).get(IFLA_INFO.IFLA_INFO_DATA);
        BRIDGE_IGMP_SNOOPING = data !== undefined && parseAttrs(data).has(IFLA_BR_MCAST_SNOOPING);
      },
    });
    const VETH = linkKind(ns, 'veth');
    const IFB = linkKind(ns, 'ifb');
    const DUMMY = linkKind(ns, 'dummy');
    // A built 8021q refuses lo too (vlan_check_real_dev(): lo is NETIF_F_VLAN_CHALLENGED), but
    // with its own EOPNOTSUPP message, after vlan_validate() has seen IFLA_VLAN_ID.
    const VLAN_8021Q = linkKind(ns, 'vlan', { link: 1, data: (d) => d.u16(IFLA_VLAN.IFLA_VLAN_ID, 1) });
    // Without NET_SCHED no RTM_*QDISC handler is registered: rtnetlink_rcv_msg() answers EOPNOTSUPP.
    const NET_SCHED = ask(ns, RTM.RTM_GETQDISC, NLM_F_DUMP, new Uint8Array(TCMSG_LEN)).error !== EOPNOTSUPP;
    const NET_SCH_HTB = NET_SCHED && qdiscKind(ns, 'htb', 0x10000, TC_H_ROOT);
    const NET_SCH_TBF = NET_SCHED && qdiscKind(ns, 'tbf', 0x10000, TC_H_ROOT);
    const NET_SCH_INGRESS = NET_SCHED && qdiscKind(ns, 'ingress', 0xffff0000, TC_H_INGRESS);
    return {
      IPV6, IP_MULTIPLE_TABLES, IPV6_MULTIPLE_TABLES, IP_MROUTE, IP_MROUTE_MULTIPLE_TABLES, IPV6_MROUTE, IPV6_MROUTE_MULTIPLE_TABLES,
      BRIDGE, BRIDGE_IGMP_SNOOPING: BRIDGE && BRIDGE_IGMP_SNOOPING, VETH, IFB, DUMMY, VLAN_8021Q, NET_SCHED, NET_SCH_HTB, NET_SCH_TBF, NET_SCH_INGRESS,
    };
  } finally {
    ns.close();
  }
}
