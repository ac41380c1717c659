/**
 * bridge (net/bridge): a master device whose ports join with IFLA_MASTER (br_add_if()) and
 * leave with IFLA_MASTER 0 or when either side goes (del_nbp()). What rtnetlink reports:
 * IFLA_INFO_DATA (br_fill_info()), each port's IFLA_INFO_SLAVE_DATA and the AF_BRIDGE
 * RTM_NEWLINK/RTM_DELLINK of br_ifinfo_notify(), with the bridge id following the lowest
 * port MAC address (br_stp_recalculate_bridge_id()).
 * Port states follow the STP code with STP off (BR_NO_STP): a port whose device is running
 * with an operational link on a running bridge is enabled (br_stp_enable_port()) and goes
 * straight from blocking to forwarding (br_make_forwarding()), which starts its forward-delay
 * timer; the bridge has carrier while a port forwards (br_port_state_selection()). Every
 * step is reported with an AF_BRIDGE RTM_NEWLINK, as br_device_event() reports NETDEV_UP,
 * NETDEV_DOWN and NETDEV_CHANGE.
 * Options (IFLA_INFO_DATA) are applied at creation (br_dev_newlink()) and on an existing
 * bridge (br_changelink()), in the kernel's order, each one kept when a later one fails.
 * Times are clock_t (1/100 s) on the wire and jiffies inside, as on the 6.18 test kernel
 * (HZ 250), so odd values lose a hundredth on the way (401 reads back as 400).
 * @note The attribute set is that of the 6.18 test kernel: IGMP snooping and bridge netfilter
 * built in, VLAN filtering not (no IFLA_BR_VLAN_* attributes; IFLA_BR_VLAN_FILTERING is
 * refused with EOPNOTSUPP). Kernel STP (IFLA_BR_STP_STATE 1) and the multicast snooping
 * options but MCAST_SNOOPING itself (snoopers.ts) are not modelled and refused.
 * The forward-delay timer runs on the kernel clock: when it expires (15 s after a port
 * started forwarding, by default) the port is reported once more
 * (br_forward_delay_timer_expired()), its state unchanged with STP off.
 */
import { KernelError } from '../../../sim/errors.js';
import { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { writeHeader } from '../../../sim/wire/header.js';
import { type AttrView, NLA, type Policy } from '../../../sim/wire/policy.js';
import { devGetFlags, devGetIflink, type NetDevice, netifOperUp, running, validEtherAddr } from '../core/index.js';
import { encodeIfInfoMsg } from '../core/index.js';
import { fdbAddLocal, fdbChangeAddr, fdbChangeMacAddress, fdbDeleteByPort, fdbFlush } from './fdb.js';
import { joinSnoopers, leaveSnoopers, snoopingOff } from './snoopers.js';
import type { LinkKind, NewLinkRequest, PortEvent } from '../core/index.js';
import type { KernelTimer } from '../../../sim/clock.js';
import type { NetOps } from '../core/index.js';
import { ARPHRD, IF_OPER, IFF, IFLA, RTM_DELLINK, RTM_NEWLINK, RTNLGRP_LINK } from '../core/uapi.js';

/** AF_BRIDGE: the family of br_ifinfo_notify()'s messages. */
const AF_BRIDGE = 7;
/** IFLA_EVENT_FEATURES: netdev_update_features() changed the bridge's features. */
const IFLA_EVENT_FEATURES = 2;
/** BR_PORT_PRIORITY default (port priority 32: port ids 0x8000 | port_no). */
const DEFAULT_PORT_PRIORITY = 0x20;
/** BR_DEFAULT_PRIORITY... the bridge priority a new bridge has. */
const BRIDGE_PRIORITY = 0x8000;
/** BR_STATE_*: the port states IFLA_BRPORT_STATE reports. */
const BR_STATE_DISABLED = 0;
const BR_STATE_FORWARDING = 3;
const BR_STATE_BLOCKING = 4;
/** HZ of the 6.18 test kernel (CONFIG_HZ=250) and USER_HZ, the unit of clock_t. */
const HZ = 250;
const USER_HZ = 100;
/** clockToJiffies mirrors clock_t_to_jiffies() for HZ 250. */
const clockToJiffies = (x: number) => Math.floor((x * HZ) / USER_HZ);
/** jiffiesToClock mirrors jiffies_to_clock_t() for HZ 250 (TICK_NSEC 4 ms). */
const jiffiesToClock = (j: number) => Math.floor((j * 4_000_000) / 10_000_000);
/** msecs_to_jiffies(10): the shortest fdb garbage collection period. */
const GC_MIN_JIFFIES = 3;
/** BR_GROUPFWD_RESTRICTED: group addresses that may never be forwarded (STP, MAC pause, LACP). */
const BR_GROUPFWD_RESTRICTED = 0x0007;
/** eth_stp_addr: the group address 01:80:c2:00:00:00. */
const STP_GROUP_ADDR = Uint8Array.of(0x01, 0x80, 0xc2, 0x00, 0x00, 0x00);

/** BridgePriv is the part of struct net_bridge nlsim reports. */
interface BridgePriv {
  /** br->port_list: the newest port first (list_add_rcu()). */
  ports: NetDevice[];
  /** br->bridge_id: priority (big-endian) and address (zero until a port or the user sets it). */
  bridgeId: Uint8Array;
  /** br->designated_root: the bridge's own id as of the last configuration update (it is the root). */
  rootId: Uint8Array;
  /** The user set the address (NET_ADDR_SET): the id no longer follows the ports. */
  addrSet: boolean;
  /** br->forward_delay, hello_time, max_age and ageing_time, in jiffies. */
  forwardDelay: number;
  helloTime: number;
  maxAge: number;
  ageingTime: number;
  groupFwdMask: number;
  groupAddr: Uint8Array;
  /** BROPT_NF_CALL_IPTABLES, _IP6TABLES, _ARPTABLES. */
  nfCall: [number, number, number];
  fdbMaxLearned: number;
  /** BROPT_MTU_SET_BY_USER: the MTU no longer follows the ports. */
  mtuSetByUser: boolean;
  /** BROPT_MULTICAST_ENABLED (IFLA_BR_MCAST_SNOOPING): the snooping groups are joined while the bridge is open. */
  mcastSnooping: boolean;
  /** The fdb garbage collector (gc_work) is scheduled: from the bridge's open, or from an ageing_time change, until its stop. */
  gcRunning: boolean;
}

/** BridgePort is the part of struct net_bridge_port nlsim reports. */
interface BridgePort {
  portNo: number;
  /** p->priority (port priority, 0–63) and p->port_id (priority << 10 | port number). */
  priority: number;
  portId: number;
  /** p->designated_port. */
  designatedPort: number;
  cost: number;
  /** BR_ADMIN_COST: the user set the cost, a carrier change no longer recomputes it. */
  adminCost: boolean;
  /** The boolean port flags, keyed by their IFLA_BRPORT_* attribute (1: set). */
  flags: Map<number, number>;
  groupFwdMask: number;
  designatedRoot: Uint8Array;
  designatedBridge: Uint8Array;
  /** p->state: BR_STATE_*. */
  state: number;
  /** forward_delay_timer, while pending. */
  forwardDelayTimer: KernelTimer | null;
  /** The kernel's clock (ms since boot), for the timers' remaining time. */
  now: () => number;
}

const ports = new WeakMap<NetDevice, BridgePort>();
const privOf = (br: NetDevice) => br.priv as BridgePriv;

/** addrOf is the address part of a struct bridge_id. */
const addrOf = (id: Uint8Array) => id.subarray(2, 8);

/**
 * portCost mirrors port_cost(): from the ethtool speed (veth reports 10 Gb/s: 2), else the
 * "old 10Mbps" guess of 100.
 */
function portCost(dev: NetDevice): number {
  return dev.kind?.kind === 'veth' ? 2 : 100;
}

/** timerValue mirrors br_timer_value(): a pending timer's remaining time in clock_t (1/100 s), else 0. */
function timerValue(due: number | null, now: number): bigint {
  if (due === null || due <= now) return 0n;
  return BigInt(Math.ceil((due - now) / 10));
}

/** fillPortAttrs mirrors br_port_fill_attrs() (the port's bridge never runs STP). */
function fillPortAttrs(w: AttrWriter, dev: NetDevice): void {
  const p = ports.get(dev)!;
  const flag = (t: number) => w.u8(t, p.flags.get(t) ?? 0);
  w.u8(1, p.state); // IFLA_BRPORT_STATE
  w.u16(2, p.priority);
  w.u32(3, p.cost);
  for (const t of [4, 5, 6, 7, 28, 8, 9, 27, 30, 10, 12]) flag(t); // MODE … BCAST_FLOOD, PROXYARP, PROXYARP_WIFI
  w.bytes(13, p.designatedRoot);
  w.bytes(14, p.designatedBridge);
  w.u16(15, p.designatedPort);
  w.u16(16, 0); // DESIGNATED_COST
  w.u16(17, p.portId);
  w.u16(18, p.portNo); // NO
  for (const t of [19, 20, 29]) w.u8(t, 0); // TOPOLOGY_CHANGE_ACK, CONFIG_PENDING, VLAN_TUNNEL
  w.u16(31, p.groupFwdMask);
  for (const t of [32, 35, 36, 33, 39, 40, 43]) flag(t); // NEIGH_SUPPRESS, MRP_*, ISOLATED, LOCKED, MAB, NEIGH_VLAN_SUPPRESS
  w.u64(21, 0n); // MESSAGE_AGE_TIMER
  w.u64(22, timerValue(p.forwardDelayTimer?.due ?? null, p.now())); // FORWARD_DELAY_TIMER
  w.u64(23, 0n); // HOLD_TIMER
  w.u8(25, 1); // MULTICAST_ROUTER: MDB_RTR_TYPE_TEMP_QUERY
  w.u32(37, 512); // MCAST_EHT_HOSTS_LIMIT
  w.u32(38, 0);
  w.u32(41, 0); // MCAST_N_GROUPS
  w.u32(42, 0); // MCAST_MAX_GROUPS
}

/** brIfinfoNotify mirrors br_ifinfo_notify() → br_fill_ifinfo(): an AF_BRIDGE message about a port. */
function brIfinfoNotify(net: NetOps, type: number, dev: NetDevice, br: NetDevice): void {
  const w = new AttrWriter({ initialSize: 512 });
  brFillIfinfo(w, type, dev, br);
  const body = w.finish();
  const msg = new Uint8Array(16 + body.length);
  writeHeader(msg, 0, { len: msg.length, type, flags: 0, seq: 0, pid: 0 });
  msg.set(body, 16);
  net.ks.notify(msg, RTNLGRP_LINK, 0, false);
}

/** brFillIfinfo mirrors br_fill_ifinfo() for a port (the body after nlmsghdr; dumps use it too). */
export function brFillIfinfo(w: AttrWriter, type: number, dev: NetDevice, br: NetDevice): void {
  w.raw(encodeIfInfoMsg({ family: AF_BRIDGE, type: dev.type, index: dev.ifindex, flags: devGetFlags(dev), change: 0 }));
  w.string(IFLA.IFLA_IFNAME, dev.name);
  w.u32(IFLA.IFLA_MASTER, br.ifindex);
  w.u32(IFLA.IFLA_MTU, dev.mtu);
  w.u8(IFLA.IFLA_OPERSTATE, running(dev) ? dev.operstate : IF_OPER.IF_OPER_DOWN);
  w.bytes(IFLA.IFLA_ADDRESS, dev.address);
  const iflink = devGetIflink(dev);
  if (iflink !== dev.ifindex) w.u32(IFLA.IFLA_LINK, iflink);
  if (type === RTM_NEWLINK) {
    const n = w.beginNest(IFLA.IFLA_PROTINFO, true);
    fillPortAttrs(w, dev);
    w.endNest(n);
  }
}

/**
 * recalculateBridgeId mirrors br_stp_recalculate_bridge_id() and br_stp_change_bridge_id():
 * the lowest port address (zero without ports) becomes the bridge id and address; the
 * bridge's carrier goes off while no port forwards (br_port_state_selection()).
 */
function recalculateBridgeId(br: NetDevice, net: NetOps): boolean {
  const priv = privOf(br);
  if (priv.addrSet) return false;
  let addr: Uint8Array = new Uint8Array(6);
  let found = false;
  for (const p of priv.ports) {
    if (!found || compare(p.address, addr) < 0) addr = p.address;
    found = true;
  }
  if (compare(addr, addrOf(priv.bridgeId)) === 0) return false;
  changeBridgeId(br, addr, net);
  return true;
}

/**
 * changeBridgeId mirrors br_stp_change_bridge_id(): the new address in the bridge id and the
 * device, and in the port ids that named the old one; then the configuration update (the
 * bridge is its own root) and the port state selection.
 */
function changeBridgeId(br: NetDevice, addr: Uint8Array, net: NetOps): void {
  const priv = privOf(br);
  fdbChangeMacAddress(net, br, priv.ports, addr);
  const old = addrOf(priv.bridgeId).slice();
  addrOf(priv.bridgeId).set(addr);
  br.address = addr.slice();
  for (const p of priv.ports) {
    const bp = ports.get(p)!;
    if (compare(addrOf(bp.designatedBridge), old) === 0) addrOf(bp.designatedBridge).set(addr);
    if (compare(addrOf(bp.designatedRoot), old) === 0) addrOf(bp.designatedRoot).set(addr);
  }
  configurationUpdate(br);
  portStateSelection(br, net);
}

/**
 * configurationUpdate mirrors br_configuration_update() on a bridge that hears no BPDUs: it
 * is the root (designated_root is its own id) and its enabled ports are designated.
 */
function configurationUpdate(br: NetDevice): void {
  const priv = privOf(br);
  priv.rootId = priv.bridgeId.slice();
  for (const dev of priv.ports) {
    const p = ports.get(dev)!;
    if (p.state !== BR_STATE_DISABLED) becomeDesignatedPort(br, p);
  }
}

/**
 * portStateSelection mirrors br_port_state_selection() with STP off: every enabled port is
 * designated (the bridge is its own root), so a blocking one starts forwarding; the bridge
 * has carrier while at least one port forwards.
 */
function portStateSelection(br: NetDevice, net: NetOps): void {
  let live = 0;
  for (const dev of privOf(br).ports) {
    const p = ports.get(dev)!;
    if (p.state === BR_STATE_DISABLED) continue;
    makeForwarding(br, dev, net);
    if (p.state === BR_STATE_FORWARDING) live++;
  }
  if (live) net.carrierOn(br);
  else net.carrierOff(br);
}

/**
 * makeForwarding mirrors br_make_forwarding() with STP off: blocking → forwarding at once,
 * reported before the forward-delay timer starts (so that message shows it stopped).
 */
function makeForwarding(br: NetDevice, dev: NetDevice, net: NetOps): void {
  const p = ports.get(dev)!;
  if (p.state !== BR_STATE_BLOCKING) return;
  p.state = BR_STATE_FORWARDING;
  stopForwardDelayTimer(p);
  brIfinfoNotify(net, RTM_NEWLINK, dev, br);
  const delay = privOf(br).forwardDelay;
  if (delay) {
    p.forwardDelayTimer = net.options.setTimer((delay * 1000) / HZ, () => {
      // br_forward_delay_timer_expired(): with STP off the port already forwards; it is
      // reported all the same.
      p.forwardDelayTimer = null;
      brIfinfoNotify(net, RTM_NEWLINK, dev, br);
    });
  }
}

/** stopForwardDelayTimer mirrors timer_delete(&p->forward_delay_timer). */
function stopForwardDelayTimer(p: BridgePort): void {
  p.forwardDelayTimer?.cancel();
  p.forwardDelayTimer = null;
}

/** becomeDesignatedPort mirrors br_become_designated_port(): the bridge's own id (it is the root). */
function becomeDesignatedPort(br: NetDevice, p: BridgePort): void {
  p.designatedRoot = privOf(br).rootId.slice();
  p.designatedBridge = privOf(br).bridgeId.slice();
  p.designatedPort = p.portId;
}

/** enablePort mirrors br_stp_enable_port(): br_init_port() (blocking), state selection, report. */
function enablePort(br: NetDevice, dev: NetDevice, net: NetOps): void {
  const p = ports.get(dev)!;
  becomeDesignatedPort(br, p);
  p.state = BR_STATE_BLOCKING;
  portStateSelection(br, net);
  brIfinfoNotify(net, RTM_NEWLINK, dev, br);
}

/**
 * disablePort mirrors br_stp_disable_port(): disabled and reported while its timers still
 * run, then the timers stop and the other ports are selected again (the bridge may lose
 * its carrier).
 */
function disablePort(br: NetDevice, dev: NetDevice, net: NetOps): void {
  const p = ports.get(dev)!;
  becomeDesignatedPort(br, p);
  p.state = BR_STATE_DISABLED;
  brIfinfoNotify(net, RTM_NEWLINK, dev, br);
  stopForwardDelayTimer(p);
  portStateSelection(br, net);
}

/**
 * mtuAutoAdjust mirrors br_mtu_auto_adjust(): unless the user set it, the bridge MTU becomes
 * its smallest port's (1500 without ports), through dev_set_mtu() and its notifications.
 */
function mtuAutoAdjust(br: NetDevice, net: NetOps): void {
  const priv = privOf(br);
  if (priv.mtuSetByUser) return;
  let min = 0;
  for (const p of priv.ports) if (!min || p.mtu < min) min = p.mtu;
  net.setMtu(br, min || 1500);
  priv.mtuSetByUser = false; // br_change_mtu() set it
}

/** operUp is the condition for a port to be enabled: netif_running() && netif_oper_up(). */
const operUp = (dev: NetDevice) => running(dev) && netifOperUp(dev);

/**
 * portEvent mirrors br_device_event() for NETDEV_UP, NETDEV_DOWN and NETDEV_CHANGE
 * (br_port_carrier_check()): an event that changes no port state is still reported.
 */
function portEvent(br: NetDevice, dev: NetDevice, event: PortEvent, net: NetOps): void {
  const p = ports.get(dev);
  if (!p) return;
  if (event === 'changemtu') return mtuAutoAdjust(br, net);
  if (event === 'changeaddr') {
    // br_fdb_changeaddr(), then the bridge may adopt the new address (NETDEV_CHANGEADDR of the bridge).
    fdbChangeAddr(net, br, privOf(br).ports, dev, dev.address);
    if (recalculateBridgeId(br, net)) net.notifyChangeAddr(br);
  }
  if (event === 'up' && running(br) && netifOperUp(dev)) return enablePort(br, dev, net);
  if (event === 'down' && running(br)) return disablePort(br, dev, net);
  if (event === 'change') {
    if (operUp(dev) && !p.adminCost) p.cost = portCost(dev);
    if (running(br)) {
      if (operUp(dev) && p.state === BR_STATE_DISABLED) return enablePort(br, dev, net);
      if (!operUp(dev) && p.state !== BR_STATE_DISABLED) return disablePort(br, dev, net);
    }
  }
  brIfinfoNotify(net, RTM_NEWLINK, dev, br);
}

function compare(a: Uint8Array, b: Uint8Array, len = 6): number {
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** setGsoLimits mirrors br_set_gso_limits(): the smallest TSO limits of the ports (silently). */
function setGsoLimits(br: NetDevice): void {
  let size = 524280; // TSO_MAX_SIZE
  let segs = 65535; // TSO_MAX_SEGS
  for (const p of privOf(br).ports) {
    size = Math.min(size, p.tsoMaxSize);
    segs = Math.min(segs, p.tsoMaxSegs);
  }
  br.tsoMaxSize = size;
  br.tsoMaxSegs = segs;
}

/** delNbp mirrors del_nbp(): promiscuity off, AF_BRIDGE NEWLINK then DELLINK, unlink (CHANGEUPPER). */
function delNbp(br: NetDevice, dev: NetDevice, net: NetOps): void {
  const priv = privOf(br);
  dev.allmulti--; // nbp_delete_promisc(): allmulti, then promiscuity
  net.setPromiscuity(dev, -1);
  disablePort(br, dev, net);
  brIfinfoNotify(net, RTM_DELLINK, dev, br);
  priv.ports = priv.ports.filter((p) => p !== dev);
  fdbDeleteByPort(net, br, priv.ports, dev, true); // br_fdb_delete_by_port(br, p, 0, 1)
  dev.master = null;
  ports.delete(dev);
  net.rtmsgIfinfo(RTM_NEWLINK, dev, 0); // NETDEV_CHANGEUPPER
}

/** IFLA_BR_*: the bridge's IFLA_INFO_DATA attributes changelink acts on. */
export const IFLA_BR = {
  IFLA_BR_FORWARD_DELAY: 1,
  IFLA_BR_HELLO_TIME: 2,
  IFLA_BR_MAX_AGE: 3,
  IFLA_BR_AGEING_TIME: 4,
  IFLA_BR_STP_STATE: 5,
  IFLA_BR_PRIORITY: 6,
  IFLA_BR_VLAN_FILTERING: 7,
  IFLA_BR_VLAN_PROTOCOL: 8,
  IFLA_BR_GROUP_FWD_MASK: 9,
  IFLA_BR_GROUP_ADDR: 20,
  IFLA_BR_FDB_FLUSH: 21,
  IFLA_BR_MCAST_ROUTER: 22,
  IFLA_BR_MCAST_SNOOPING: 23,
  IFLA_BR_NF_CALL_IPTABLES: 36,
  IFLA_BR_NF_CALL_ARPTABLES: 38,
  IFLA_BR_VLAN_DEFAULT_PVID: 39,
  IFLA_BR_VLAN_STATS_ENABLED: 41,
  IFLA_BR_MCAST_STATS_ENABLED: 42,
  IFLA_BR_MCAST_MLD_VERSION: 44,
  IFLA_BR_VLAN_STATS_PER_PORT: 45,
  IFLA_BR_MULTI_BOOLOPT: 46,
  IFLA_BR_FDB_N_LEARNED: 48,
  IFLA_BR_FDB_MAX_LEARNED: 49,
} as const;
/** IFLA_BR_MAX on 6.18. */
const IFLA_BR_MAX = 49;

/** BR_POLICY is br_policy. */
const BR_POLICY: Policy = (() => {
  const B = IFLA_BR;
  const p: Policy[number][] = [];
  for (const t of [B.IFLA_BR_FORWARD_DELAY, B.IFLA_BR_HELLO_TIME, B.IFLA_BR_MAX_AGE, B.IFLA_BR_AGEING_TIME, B.IFLA_BR_STP_STATE, B.IFLA_BR_FDB_MAX_LEARNED]) {
    p[t] = { type: NLA.NLA_U32 };
  }
  for (const t of [B.IFLA_BR_PRIORITY, B.IFLA_BR_VLAN_PROTOCOL, B.IFLA_BR_GROUP_FWD_MASK, B.IFLA_BR_VLAN_DEFAULT_PVID]) p[t] = { type: NLA.NLA_U16 };
  p[B.IFLA_BR_VLAN_FILTERING] = { type: NLA.NLA_U8 };
  p[B.IFLA_BR_GROUP_ADDR] = { type: NLA.NLA_BINARY, len: 6 };
  // MCAST_ROUTER … MCAST_STARTUP_QUERY_INTVL: u8 flags, u32 counts, u64 intervals.
  for (const t of [22, 23, 24, 25]) p[t] = { type: NLA.NLA_U8 };
  for (const t of [26, 27, 28, 29]) p[t] = { type: NLA.NLA_U32 };
  for (const t of [30, 31, 32, 33, 34, 35]) p[t] = { type: NLA.NLA_U64 };
  for (const t of [36, 37, 38, 41, 42, 43, 44, 45]) p[t] = { type: NLA.NLA_U8 };
  p[B.IFLA_BR_MULTI_BOOLOPT] = { type: NLA.NLA_BINARY, min: 8, max: 8 }; // NLA_POLICY_EXACT_LEN
  p[B.IFLA_BR_FDB_N_LEARNED] = { type: NLA.NLA_REJECT };
  return p;
})();

/**
 * UNMODELLED_OPTIONS are the options br_changelink() acts on that nlsim does not model:
 * kernel STP is handled on its own (STP_STATE 0 is accepted), the multicast snooping options
 * (MCAST_ROUTER, MCAST_QUERY_USE_IFADDR … MCAST_STARTUP_QUERY_INTVL, MCAST_STATS_ENABLED,
 * IGMP and MLD versions; MCAST_SNOOPING is modelled) and the boolean options.
 */
const UNMODELLED_OPTIONS = [22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 42, 43, 44, IFLA_BR.IFLA_BR_MULTI_BOOLOPT];

type Data = readonly (AttrView | undefined)[];

/**
 * changelink mirrors br_changelink(): each option in the kernel's order, an error ending
 * the request with the options before it applied. The VLAN options other than
 * VLAN_FILTERING are compiled out on the test kernel and ignored.
 */
function changelink(br: NetDevice, data: Data, net: NetOps): void {
  const B = IFLA_BR;
  const priv = privOf(br);
  const stp = data[B.IFLA_BR_STP_STATE];
  if (stp && stp.u32()) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: kernel STP (IFLA_BR_STP_STATE) is not modelled yet', offset: stp.offset });
  for (const t of UNMODELLED_OPTIONS) {
    const a = data[t];
    if (a) throw new KernelError('EOPNOTSUPP', { message: `nlsim: bridge option ${t} (IFLA_BR_*) is not modelled yet`, offset: a.offset });
  }
  const u32 = (t: number) => data[t]?.u32();
  // br_set_forward_delay(): any value while STP is off.
  if (data[B.IFLA_BR_FORWARD_DELAY]) priv.forwardDelay = clockToJiffies(u32(B.IFLA_BR_FORWARD_DELAY)!);
  if (data[B.IFLA_BR_HELLO_TIME]) {
    const t = clockToJiffies(u32(B.IFLA_BR_HELLO_TIME)!);
    if (t < 1 * HZ || t > 10 * HZ) throw new KernelError('ERANGE'); // BR_MIN/MAX_HELLO_TIME
    priv.helloTime = t;
  }
  if (data[B.IFLA_BR_MAX_AGE]) {
    const t = clockToJiffies(u32(B.IFLA_BR_MAX_AGE)!);
    if (t < 6 * HZ || t > 40 * HZ) throw new KernelError('ERANGE'); // BR_MIN/MAX_MAX_AGE
    priv.maxAge = t;
  }
  if (data[B.IFLA_BR_AGEING_TIME]) {
    // br_set_ageing_time(): the garbage collector is rescheduled at once, up or down.
    priv.ageingTime = clockToJiffies(u32(B.IFLA_BR_AGEING_TIME)!);
    priv.gcRunning = true;
  }
  if (data[B.IFLA_BR_PRIORITY]) setBridgePriority(br, data[B.IFLA_BR_PRIORITY]!.u16(), net);
  // br_vlan_filter_toggle() without CONFIG_BRIDGE_VLAN_FILTERING.
  if (data[B.IFLA_BR_VLAN_FILTERING]) throw new KernelError('EOPNOTSUPP');
  if (data[B.IFLA_BR_GROUP_FWD_MASK]) {
    const mask = data[B.IFLA_BR_GROUP_FWD_MASK]!.u16();
    if (mask & BR_GROUPFWD_RESTRICTED) throw new KernelError('EINVAL');
    priv.groupFwdMask = mask;
  }
  const group = data[B.IFLA_BR_GROUP_ADDR];
  if (group) {
    // A link-local group 01:80:c2:00:00:0X, but not the pause, slow-protocols or PAE address.
    const a = group.payload;
    if (a.length !== 6) throw new KernelError('EINVAL');
    const linkLocal = a[0] === 0x01 && a[1] === 0x80 && a[2] === 0xc2 && a[3] === 0 && a[4] === 0 && (a[5]! & 0xf0) === 0;
    if (!linkLocal || a[5] === 1 || a[5] === 2 || a[5] === 3) throw new KernelError('EINVAL');
    priv.groupAddr = a.slice();
  }
  // IFLA_BR_FDB_FLUSH flushes the dynamic fdb entries; nlsim learns none.
  if (data[B.IFLA_BR_MCAST_SNOOPING]) {
    // br_multicast_toggle(): on an open bridge the snooping groups are joined or left at once.
    const on = data[B.IFLA_BR_MCAST_SNOOPING]!.u8() !== 0;
    if (on !== priv.mcastSnooping) {
      priv.mcastSnooping = on;
      if (running(br)) {
        if (on) joinSnoopers(br, net);
        else snoopingOff(br, net);
      }
    }
  }
  for (let i = 0; i < 3; i++) {
    const a = data[B.IFLA_BR_NF_CALL_IPTABLES + i];
    if (a) priv.nfCall[i] = a.u8() ? 1 : 0;
  }
  if (data[B.IFLA_BR_FDB_MAX_LEARNED]) priv.fdbMaxLearned = u32(B.IFLA_BR_FDB_MAX_LEARNED)!;
}

/**
 * setBridgePriority mirrors br_stp_set_bridge_priority(): enabled designated ports take the
 * new priority in their designated bridge id, then the configuration update and the port
 * state selection (the bridge's carrier follows its forwarding ports again).
 */
function setBridgePriority(br: NetDevice, prio: number, net: NetOps): void {
  const priv = privOf(br);
  for (const dev of priv.ports) {
    const p = ports.get(dev)!;
    if (p.state !== BR_STATE_DISABLED && compare(p.designatedBridge, priv.bridgeId, 8) === 0) {
      p.designatedBridge[0] = prio >> 8;
      p.designatedBridge[1] = prio & 0xff;
    }
  }
  priv.bridgeId[0] = prio >> 8;
  priv.bridgeId[1] = prio & 0xff;
  configurationUpdate(br);
  portStateSelection(br, net);
}

/** BR_PORT_POLICY is br_port_policy (IFLA_BRPORT_MAX 45 on 6.18). */
const BR_PORT_POLICY: Policy = (() => {
  const p: Policy[number][] = [{ type: NLA.NLA_UNSPEC, strictStartType: 46 }];
  for (const t of [1, 4, 5, 6, 7, 8, 9, 10, 12, 25, 27, 28, 29, 30, 32, 33, 39, 40]) p[t] = { type: NLA.NLA_U8 };
  for (const t of [3, 34, 37, 42, 45]) p[t] = { type: NLA.NLA_U32 };
  for (const t of [2, 31]) p[t] = { type: NLA.NLA_U16 };
  p[41] = { type: NLA.NLA_REJECT }; // MCAST_N_GROUPS
  p[43] = { type: NLA.NLA_U8, max: 1 }; // NEIGH_VLAN_SUPPRESS
  return p;
})();
/** IFLA_BRPORT_MAX on 6.18. */
const IFLA_BRPORT_MAX = 45;
/** The port flags br_setport() sets from a u8 each (br_set_port_flag()), in its order. */
const PORT_FLAGS = [4, 5, 7, 6, 8, 9, 27, 28, 30, 10, 12, 32, 33, 39];
/**
 * Port options br_setport() acts on that nlsim does not model: VLAN_TUNNEL, MAB,
 * NEIGH_VLAN_SUPPRESS, MULTICAST_ROUTER, MCAST_EHT_HOSTS_LIMIT, MCAST_MAX_GROUPS,
 * BACKUP_PORT, BACKUP_NHID.
 */
const UNMODELLED_PORT_OPTIONS = [29, 40, 43, 25, 37, 42, 34, 45];
/** BR_MAX_PORT_PRIORITY: 16-bit port ids keep 10 bits for the number. */
const BR_MAX_PORT_PRIORITY = 0xffff >> 10;
/** BR_GROUPFWD_MACPAUSE: 802.3x pause frames are never forwarded. */
const BR_GROUPFWD_MACPAUSE = 1 << 1;

/**
 * setPort mirrors br_setport(): the flags, then cost (br_stp_set_path_cost()), priority
 * (br_stp_set_port_priority()), state (br_set_port_state()), flush and group_fwd_mask, an
 * error ending it with what came before applied.
 */
function setPort(br: NetDevice, dev: NetDevice, tb: Data, net: NetOps): void {
  const p = ports.get(dev)!;
  for (const t of UNMODELLED_PORT_OPTIONS) {
    if (tb[t]) throw new KernelError('EOPNOTSUPP', { message: `nlsim: bridge port option ${t} (IFLA_BRPORT_*) is not modelled yet`, offset: tb[t]!.offset });
  }
  for (const t of PORT_FLAGS) if (tb[t]) p.flags.set(t, tb[t]!.u8() ? 1 : 0);
  // br_port_flags_change(): learning and flooding decide promiscuity only with VLAN filtering.
  if (tb[3]) {
    const cost = tb[3].u32();
    if (cost < 1 || cost > 65535) throw new KernelError('ERANGE'); // BR_MIN/MAX_PATH_COST
    p.adminCost = true;
    p.cost = cost;
    configurationUpdate(br);
    portStateSelection(br, net);
  }
  if (tb[2]) {
    const prio = tb[2].u16();
    if (prio > BR_MAX_PORT_PRIORITY) throw new KernelError('ERANGE');
    const id = (prio << 10) | p.portNo;
    const designated = compare(p.designatedBridge, privOf(br).bridgeId, 8) === 0 && p.designatedPort === p.portId;
    if (designated) p.designatedPort = id;
    p.portId = id;
    p.priority = prio;
    if (compare(p.designatedBridge, privOf(br).bridgeId, 8) === 0 && p.portId < p.designatedPort) {
      becomeDesignatedPort(br, p);
      portStateSelection(br, net);
    }
  }
  if (tb[1]) setPortState(br, dev, tb[1].u8(), net);
  // IFLA_BRPORT_FLUSH (24) flushes the port's dynamic fdb entries; nlsim learns none.
  if (tb[31]) {
    const mask = tb[31].u16();
    if (mask & BR_GROUPFWD_MACPAUSE) throw new KernelError('EINVAL');
    p.groupFwdMask = mask;
  }
}

/**
 * setPortState mirrors br_set_port_state(): a state up to blocking, on a running port, with
 * an operational link unless it is disabled; then the state selection (a blocking port
 * forwards at once with STP off).
 */
function setPortState(br: NetDevice, dev: NetDevice, state: number, net: NetOps): void {
  if (state > BR_STATE_BLOCKING) throw new KernelError('EINVAL');
  if (!running(dev) || (!netifOperUp(dev) && state !== BR_STATE_DISABLED)) throw new KernelError('ENETDOWN');
  ports.get(dev)!.state = state;
  portStateSelection(br, net);
}

/** brSlaveChangelink mirrors br_port_slave_changelink(): IFLA_INFO_SLAVE_DATA of a port. */
function brSlaveChangelink(br: NetDevice, dev: NetDevice, data: Data, net: NetOps): void {
  setPort(br, dev, data, net);
}

/** IFLA_BRIDGE_FLAGS / IFLA_BRIDGE_MODE in an AF_BRIDGE IFLA_AF_SPEC, and BRIDGE_FLAGS_MASTER / SELF. */
const IFLA_BRIDGE_FLAGS = 0;
const IFLA_BRIDGE_MODE = 1;
const BRIDGE_FLAGS_MASTER = 1;
const BRIDGE_FLAGS_SELF = 2;

/** BridgeSetlinkRequest is what rtnl_bridge_setlink() reads from an AF_BRIDGE RTM_SETLINK. */
export interface BridgeSetlinkRequest {
  readonly dev: NetDevice | undefined;
  /** IFLA_PROTINFO: the nest (or the old RSTP u8 state) and whether it carries NLA_F_NESTED. */
  readonly protinfo: AttrView | undefined;
  readonly protinfoNested: boolean;
  /** IFLA_AF_SPEC's attributes. */
  readonly afSpec: AttrView[] | undefined;
  /** Parses IFLA_PROTINFO with br_port_policy (liberal, no extack). */
  parsePortAttrs(policy: Policy, maxtype: number): Data;
}

/**
 * bridgeSetlink mirrors rtnl_bridge_setlink() → br_setlink(): the port options of
 * `bridge link set`, reported with an AF_BRIDGE RTM_NEWLINK when they applied.
 */
export function bridgeSetlink(req: BridgeSetlinkRequest, net: NetOps): void {
  const dev = req.dev;
  if (!dev) throw new KernelError('ENODEV', 'unknown ifindex');
  let flags = 0;
  let seenFlags = false;
  for (const a of req.afSpec ?? []) {
    if (a.type === IFLA_BRIDGE_FLAGS && !seenFlags) {
      if (a.length < 2) throw new KernelError('EINVAL');
      seenFlags = true;
      flags = a.u16();
    }
    if (a.type === IFLA_BRIDGE_MODE && a.length < 2) throw new KernelError('EINVAL');
  }
  if (!flags || flags & BRIDGE_FLAGS_MASTER) {
    const br = dev.master;
    if (!br || br.kind !== bridge) throw new KernelError('EOPNOTSUPP');
    brSetlink(br, dev, req, net);
    flags &= ~BRIDGE_FLAGS_MASTER;
  }
  // No device nlsim models has its own ndo_bridge_setlink.
  if (flags & BRIDGE_FLAGS_SELF) throw new KernelError('EOPNOTSUPP');
}

/**
 * bridgeDellink mirrors rtnl_bridge_dellink() → br_dellink() (`bridge vlan del`): the port's
 * master removes what IFLA_AF_SPEC names. Without VLAN, MRP or CFM attributes nothing changes
 * and nothing is notified; with them the request is refused as not modelled, as in setlink.
 */
export function bridgeDellink(dev: NetDevice | undefined, afSpec: AttrView[] | undefined): void {
  if (!dev) throw new KernelError('ENODEV', 'unknown ifindex');
  let flags = 0;
  const f = (afSpec ?? []).find((a) => a.type === IFLA_BRIDGE_FLAGS);
  if (f) {
    if (f.length < 2) throw new KernelError('EINVAL');
    flags = f.u16();
  }
  const changes = (afSpec ?? []).find((a) => a.type !== IFLA_BRIDGE_FLAGS && a.type !== IFLA_BRIDGE_MODE);
  if (!flags || flags & BRIDGE_FLAGS_MASTER) {
    const br = dev.master;
    if (!br || br.kind !== bridge) throw new KernelError('EOPNOTSUPP');
    if (changes) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: bridge VLAN, MRP and CFM settings (IFLA_AF_SPEC) are not modelled yet', offset: changes.offset });
    flags &= ~BRIDGE_FLAGS_MASTER;
  }
  if (flags & BRIDGE_FLAGS_SELF) {
    // Of the devices nlsim models only a bridge has its own ndo_bridge_dellink (br_dellink()),
    // which reports the bridge afterwards (rtnl_bridge_notify()).
    if (dev.kind !== bridge) throw new KernelError('EOPNOTSUPP');
    throw new KernelError('EOPNOTSUPP', 'nlsim: RTM_DELLINK with BRIDGE_FLAGS_SELF on a bridge is not modelled yet');
  }
}

/** brSetlink mirrors br_setlink() for a port of `br`. */
function brSetlink(br: NetDevice, dev: NetDevice, req: BridgeSetlinkRequest, net: NetOps): void {
  if (!req.protinfo && !req.afSpec) return;
  const vlan = (req.afSpec ?? []).find((a) => a.type !== IFLA_BRIDGE_FLAGS && a.type !== IFLA_BRIDGE_MODE);
  if (vlan) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: bridge VLAN, MRP and CFM settings (IFLA_AF_SPEC) are not modelled yet', offset: vlan.offset });
  if (!req.protinfo) return;
  if (req.protinfoNested) {
    setPort(br, dev, req.parsePortAttrs(BR_PORT_POLICY, IFLA_BRPORT_MAX), net);
  } else {
    // Binary compatibility with old RSTP daemons: a bare u8 state.
    if (req.protinfo.length < 1) throw new KernelError('EINVAL');
    setPortState(br, dev, req.protinfo.u8(), net);
  }
  brIfinfoNotify(net, RTM_NEWLINK, dev, br);
}

/** bridge is br_link_ops with the bridge's ndo_add_slave / ndo_del_slave. */
export const bridge: LinkKind = {
  kind: 'bridge',
  setup(dev) {
    // br_dev_setup(): ether_setup, IFF_EBRIDGE | IFF_NO_QUEUE, max_mtu ETH_MAX_MTU.
    dev.defaultQdisc = 'noqueue';
    dev.maxMtu = 65535;
    dev.netnsImmutable = true;
    // br_set_gso_limits() with no ports: the legacy GSO maximum.
    dev.tsoMaxSize = 65536;
    const id = Uint8Array.of(BRIDGE_PRIORITY >> 8, BRIDGE_PRIORITY & 0xff, 0, 0, 0, 0, 0, 0);
    dev.priv = {
      ports: [],
      bridgeId: id,
      rootId: id.slice(),
      addrSet: false,
      // br_dev_setup(): BR_DEFAULT values, 15 s, 2 s, 20 s and 300 s.
      forwardDelay: 15 * HZ,
      helloTime: 2 * HZ,
      maxAge: 20 * HZ,
      ageingTime: 300 * HZ,
      groupFwdMask: 0,
      groupAddr: STP_GROUP_ADDR.slice(),
      nfCall: [0, 0, 0],
      fdbMaxLearned: 0,
      gcRunning: false,
      mtuSetByUser: false,
      mcastSnooping: true,
    } satisfies BridgePriv;
  },
  policy: BR_POLICY,
  maxtype: IFLA_BR_MAX,
  validate(tb) {
    // br_validate(): a 6-byte valid unicast address.
    const addr = tb[IFLA.IFLA_ADDRESS];
    if (addr) {
      if (addr.length !== 6) throw new KernelError('EINVAL');
      if (addr.payload[0]! & 1 || addr.payload.every((b) => b === 0)) throw new KernelError('EADDRNOTAVAIL');
    }
  },
  newlink(req: NewLinkRequest, net: NetOps) {
    // br_dev_newlink(): register (with the local entry of the bridge's address), the requested
    // address becomes the bridge id, then the options.
    net.register(req.dev);
    fdbAddLocal(net, req.dev, null, req.dev.address);
    if (req.tb[IFLA.IFLA_ADDRESS]) {
      privOf(req.dev).addrSet = true;
      changeBridgeId(req.dev, req.dev.address, net);
    }
    try {
      changelink(req.dev, req.data, net);
    } catch (e) {
      net.unregisterMany([req.dev]); // br_dev_delete(): never configured, so no RTM_DELLINK
      throw e;
    }
  },
  changelink: (br, data, net) => changelink(br, data, net),
  slavePolicy: BR_PORT_POLICY,
  slaveMaxtype: IFLA_BRPORT_MAX,
  slaveChangelink: brSlaveChangelink,
  fillInfo(w, dev) {
    const priv = privOf(dev);
    for (const t of [16, 17, 18]) w.u64(t, 0n); // HELLO, TCN and TOPOLOGY_CHANGE timers (STP off)
    // GC_TIMER: the fdb garbage collector's remaining time, stood for by its whole period (it
    // runs at least 10 ms apart; a period of a few jiffies reads as 0).
    w.u64(19, priv.gcRunning ? BigInt(jiffiesToClock(Math.max(priv.ageingTime, GC_MIN_JIFFIES) - 1)) : 0n);
    w.u32(1, jiffiesToClock(priv.forwardDelay)); // FORWARD_DELAY, clock_t
    w.u32(2, jiffiesToClock(priv.helloTime));
    w.u32(3, jiffiesToClock(priv.maxAge));
    w.u32(4, jiffiesToClock(priv.ageingTime));
    w.u32(5, 0); // STP_STATE
    w.u16(6, (priv.bridgeId[0]! << 8) | priv.bridgeId[1]!);
    w.u8(7, 0); // VLAN_FILTERING
    w.u16(9, priv.groupFwdMask);
    w.bytes(11, priv.bridgeId);
    w.bytes(10, priv.rootId);
    w.u16(12, 0); // ROOT_PORT
    w.u32(13, 0); // ROOT_PATH_COST
    w.u8(14, 0);
    w.u8(15, 0);
    w.bytes(20, priv.groupAddr);
    const bool = new Uint8Array(8);
    bool[4] = 0x1f; // struct br_boolopt_multi: optval 0, optmask BR_BOOLOPT_MAX bits
    w.bytes(46, bool);
    w.u32(48, 0); // FDB_N_LEARNED
    w.u32(49, priv.fdbMaxLearned);
    w.u8(22, 1); // MCAST_ROUTER
    w.u8(23, priv.mcastSnooping ? 1 : 0); // MCAST_SNOOPING
    w.u8(24, 0);
    w.u8(25, 0);
    w.u8(42, 0);
    w.u32(26, 16); // MCAST_HASH_ELASTICITY
    w.u32(27, 4096); // MCAST_HASH_MAX
    w.u32(28, 2);
    w.u32(29, 2);
    w.u8(43, 2); // IGMP version
    w.u8(44, 1); // MLD version
    for (const [t, v] of [[30, 100n], [31, 26000n], [32, 25500n], [33, 12500n], [34, 1000n], [35, 3124n]] as const) w.u64(t, v);
    priv.nfCall.forEach((v, i) => w.u8(36 + i, v)); // NF_CALL_IPTABLES / IP6TABLES / ARPTABLES
  },
  fillSlaveInfo: fillPortAttrs,
  addSlave(br, dev, net) {
    // br_add_if(): only ethernet devices with a valid address, no bridge, none with a master.
    if (dev.flags & IFF.IFF_LOOPBACK || dev.type !== ARPHRD.ARPHRD_ETHER || dev.address.length !== 6 || !validEtherAddr(dev.address)) throw new KernelError('EINVAL');
    if (dev.kind === bridge) throw new KernelError('ELOOP', 'Can not enslave a bridge to a bridge');
    if (dev.master) throw new KernelError('EBUSY');
    const priv = privOf(br);
    let portNo = 1;
    while (priv.ports.some((p) => ports.get(p)!.portNo === portNo)) portNo++;
    // new_nbp(): br_init_port() makes it designated, then it is disabled.
    const portId = (DEFAULT_PORT_PRIORITY << 10) | portNo;
    ports.set(dev, {
      portNo,
      priority: DEFAULT_PORT_PRIORITY,
      portId,
      designatedPort: portId,
      cost: portCost(dev),
      adminCost: false,
      // BR_LEARNING | BR_FLOOD | BR_MCAST_FLOOD | BR_BCAST_FLOOD
      flags: new Map([[8, 1], [9, 1], [27, 1], [30, 1]]),
      groupFwdMask: 0,
      designatedRoot: priv.rootId.slice(),
      designatedBridge: priv.bridgeId.slice(),
      state: BR_STATE_DISABLED,
      forwardDelayTimer: null,
      now: net.options.now,
    });
    dev.allmulti++; // dev_set_allmulti(dev, 1): counted, not notified
    dev.master = br;
    net.rtmsgIfinfo(RTM_NEWLINK, dev, 0); // netdev_master_upper_dev_link(): NETDEV_CHANGEUPPER
    priv.ports.unshift(dev);
    net.setPromiscuity(dev, 1); // nbp_update_port_count() → br_manage_promisc()
    // netdev_update_features(): the first port changes the bridge's features (measured with
    // veth and ifb ports; a mix of port kinds may change them again, which is not modelled).
    if (priv.ports.length === 1) net.rtmsgIfinfo(RTM_NEWLINK, br, 0, undefined, IFLA_EVENT_FEATURES);
    fdbAddLocal(net, br, dev, dev.address); // br_fdb_add_local()
    const changed = recalculateBridgeId(br, net);
    if (operUp(dev) && running(br)) enablePort(br, dev, net);
    brIfinfoNotify(net, RTM_NEWLINK, dev, br);
    if (changed) net.notifyChangeAddr(br); // NETDEV_CHANGEADDR: the RTM_NEWLINK, ARP and ND flushed
    mtuAutoAdjust(br, net);
    setGsoLimits(br);
  },
  delSlave(br, dev, net) {
    // br_del_if()
    delNbp(br, dev, net);
    mtuAutoAdjust(br, net);
    setGsoLimits(br);
    if (recalculateBridgeId(br, net)) net.notifyChangeAddr(br); // NETDEV_CHANGEADDR
    // netdev_update_features(): the last port's departure changes them back.
    if (privOf(br).ports.length === 0) net.rtmsgIfinfo(RTM_NEWLINK, br, 0, undefined, IFLA_EVENT_FEATURES);
  },
  open(br, net) {
    // br_dev_open() → br_stp_enable_bridge(): the fdb garbage collector starts, ports that
    // can forward are enabled.
    privOf(br).gcRunning = true;
    for (const dev of privOf(br).ports) if (operUp(dev)) enablePort(br, dev, net);
    // br_multicast_open(), then br_multicast_join_snoopers() (snooping is always on in nlsim).
    if (privOf(br).mcastSnooping) joinSnoopers(br, net);
  },
  stop(br, net) {
    // br_dev_stop() → br_stp_disable_bridge(), then br_multicast_leave_snoopers().
    for (const dev of privOf(br).ports) if (ports.get(dev)!.state !== BR_STATE_DISABLED) disablePort(br, dev, net);
    privOf(br).gcRunning = false;
    if (privOf(br).mcastSnooping) leaveSnoopers(br, net);
  },
  portEvent,
  setMacAddress: (br, addr, net) => { if (addr[0]! & 1 || addr.every((b) => b === 0)) throw new KernelError('EADDRNOTAVAIL'); privOf(br).addrSet = true; changeBridgeId(br, addr, net); }, // br_set_mac_address()
  addrSet: (br) => void (privOf(br).addrSet = true), // NET_ADDR_SET, also for the address it had
  changeMtu(br) {
    // br_change_mtu(): cleared again when br_mtu_auto_adjust() made the change.
    privOf(br).mtuSetByUser = true;
  },
  dellink(br, net) {
    // br_dev_delete(): every port leaves (del_nbp()) before the bridge goes.
    for (const p of [...privOf(br).ports]) delNbp(br, p, net);
    fdbFlush(net, br); // br_fdb_delete_by_port(br, NULL, 0, 1)
    return [br];
  },
};
