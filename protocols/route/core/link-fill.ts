/**
 * rtnl_fill_ifinfo(): one RTM_NEWLINK message body for a device, attribute for attribute in
 * the order Linux 6.18 emits them (measured on a fresh namespace's lo), and if_nlmsg_size(),
 * the size the kernel allocates for it.
 */
import { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { devGetFlags, devGetIflink, type Inet6Dev, type NetDevice, RTNL_LINK_STATS64_LEN, running } from './device.js';
import { encodeIfInfoMsg } from './ifinfomsg.js';
import { AF_INET, AF_INET6, IF_OPER, IFALIASZ, IFLA, IFLA_INET, IFLA_INET6, IFLA_INFO, IFLA_XDP, RTEXT_FILTER } from './uapi.js';

/** IPSTATS_MIB_MAX and ICMP6_MIB_MAX: the counters IFLA_INET6_STATS / ICMP6STATS carry. */
const IPSTATS_MIB_MAX = 38;
const ICMP6_MIB_MAX = 7;
/** IPV6_MAXPLEN: IFLA_INET6_CACHEINFO's max_reasm_len. */
const IPV6_MAXPLEN = 65535;
/** RETRANS_TIME: the neighbour tables' retrans_time, ms. */
const RETRANS_TIME = 1000;
/** sizeof(struct rtnl_link_ifmap) on 64-bit: 3 u64, u16, 2 u8, padded. */
const IFMAP_LEN = 32;

function u64Array(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const v = viewOf(out);
  values.forEach((x, i) => v.setBigUint64(i * 8, x, HOST_LE));
  return out;
}

/** mibArray lays out a snmp6 counter block: the count first, then the counters (all zero here). */
function mibArray(count: number): Uint8Array {
  let block = mibBlocks.get(count);
  if (!block) {
    block = new Uint8Array(count * 8);
    viewOf(block).setBigUint64(0, BigInt(count), HOST_LE);
    mibBlocks.set(count, block);
  }
  return block;
}
/** The blocks mibArray made: constant, and AttrWriter.bytes() copies them into each message. */
const mibBlocks = new Map<number, Uint8Array>();

/** fillInet6 mirrors inet6_fill_ifla6_attrs(). */
export function fillInet6(w: AttrWriter, idev: Inet6Dev, extMask: number): void {
  w.u32(IFLA_INET6.IFLA_INET6_FLAGS, idev.flags);
  // struct ifla_cacheinfo: max_reasm_len, tstamp, reachable_time, retrans_time.
  w.u32Array(IFLA_INET6.IFLA_INET6_CACHEINFO, [IPV6_MAXPLEN, idev.tstamp, idev.reachableTime, RETRANS_TIME]);
  w.u32Array(IFLA_INET6.IFLA_INET6_CONF, idev.conf);
  if (!(extMask & RTEXT_FILTER.RTEXT_FILTER_SKIP_STATS)) {
    w.bytes(IFLA_INET6.IFLA_INET6_STATS, mibArray(IPSTATS_MIB_MAX));
    w.bytes(IFLA_INET6.IFLA_INET6_ICMP6STATS, mibArray(ICMP6_MIB_MAX));
  }
  w.bytes(IFLA_INET6.IFLA_INET6_TOKEN, idev.token);
  w.u8(IFLA_INET6.IFLA_INET6_ADDR_GEN_MODE, idev.addrGenMode);
}

/**
 * fillAfSpec mirrors rtnl_fill_link_af(): one nest per rtnl_af_ops in registration order
 * (AF_INET from devinet_init(), then AF_INET6 from addrconf_init()); a family without
 * per-device state (-ENODATA) leaves no nest. No NLA_F_NESTED on any of them.
 */
function fillAfSpec(w: AttrWriter, dev: NetDevice, extMask: number): void {
  const spec = w.beginNest(IFLA.IFLA_AF_SPEC, false);
  if (dev.inet) {
    const n = w.beginNest(AF_INET, false);
    w.u32Array(IFLA_INET.IFLA_INET_CONF, dev.inet);
    w.endNest(n);
  }
  if (dev.inet6) {
    const n = w.beginNest(AF_INET6, false);
    fillInet6(w, dev.inet6, extMask);
    w.endNest(n);
  }
  w.endNest(spec);
}

/**
 * fillLinkInfo mirrors rtnl_link_fill(): IFLA_LINKINFO with the kind, its IFLA_INFO_DATA
 * (when the kind has fill_info), then the master's slave kind and data. No NLA_F_NESTED.
 */
function fillLinkInfo(w: AttrWriter, dev: NetDevice): void {
  const kind = dev.kind!;
  const info = w.beginNest(IFLA.IFLA_LINKINFO, false);
  w.string(IFLA_INFO.IFLA_INFO_KIND, kind.kind);
  if (kind.fillInfo) {
    const data = w.beginNest(IFLA_INFO.IFLA_INFO_DATA, false);
    kind.fillInfo(w, dev);
    w.endNest(data);
  }
  const master = dev.master?.kind;
  if (master?.fillSlaveInfo) {
    w.string(IFLA_INFO.IFLA_INFO_SLAVE_KIND, master.kind);
    const data = w.beginNest(IFLA_INFO.IFLA_INFO_SLAVE_DATA, false);
    master.fillSlaveInfo(w, dev);
    w.endNest(data);
  }
  w.endNest(info);
}

/** FillOptions are rtnl_fill_ifinfo()'s arguments besides the device. */
export interface FillOptions {
  /** ifi_change: the flags that changed (notifications). Defaults to 0. */
  change?: number;
  /** IFLA_EVENT_* of rtmsg_ifinfo_event() (notifications only). Defaults to none. */
  event?: number;
  /** IFLA_EXT_MASK's RTEXT_FILTER_* bits. Defaults to 0. */
  extMask?: number;
}

/** fillIfInfo returns the ifinfomsg and attributes of `dev` (the message body after nlmsghdr). */
export function fillIfInfo(dev: NetDevice, options: FillOptions = {}): Uint8Array {
  const w = new AttrWriter({ initialSize: 2048 });
  fillIfInfoInto(w, dev, options);
  return w.finish();
}

/**
 * fillIfInfoInto writes what fillIfInfo returns into `w`: dumps pass the chunk's pooled
 * writer, so a link costs no buffer of its own (a 2 KiB writer per link dominated the
 * RTM_GETLINK dump profile in nlsim bench).
 */
export function fillIfInfoInto(w: AttrWriter, dev: NetDevice, options: FillOptions = {}): void {
  const extMask = options.extMask ?? 0;
  w.raw(encodeIfInfoMsg({ family: 0, type: dev.type, index: dev.ifindex, flags: devGetFlags(dev), change: options.change ?? 0 }));
  w.string(IFLA.IFLA_IFNAME, dev.name);
  w.u32(IFLA.IFLA_TXQLEN, dev.txqlen);
  w.u8(IFLA.IFLA_OPERSTATE, running(dev) ? dev.operstate : IF_OPER.IF_OPER_DOWN);
  w.u8(IFLA.IFLA_LINKMODE, dev.linkmode);
  w.u8(IFLA.IFLA_NETNS_IMMUTABLE, dev.netnsImmutable ? 1 : 0);
  w.u32(IFLA.IFLA_MTU, dev.mtu);
  w.u32(IFLA.IFLA_MIN_MTU, dev.minMtu);
  w.u32(IFLA.IFLA_MAX_MTU, dev.maxMtu);
  w.u32(IFLA.IFLA_GROUP, dev.group);
  w.u32(IFLA.IFLA_PROMISCUITY, dev.promiscuity);
  w.u32(IFLA.IFLA_ALLMULTI, dev.allmulti);
  w.u32(IFLA.IFLA_NUM_TX_QUEUES, dev.numTxQueues);
  w.u32(IFLA.IFLA_GSO_MAX_SEGS, dev.gsoMaxSegs);
  w.u32(IFLA.IFLA_GSO_MAX_SIZE, dev.gsoMaxSize);
  w.u32(IFLA.IFLA_GRO_MAX_SIZE, dev.groMaxSize);
  w.u32(IFLA.IFLA_GSO_IPV4_MAX_SIZE, dev.gsoIpv4MaxSize);
  w.u32(IFLA.IFLA_GRO_IPV4_MAX_SIZE, dev.groIpv4MaxSize);
  w.u32(IFLA.IFLA_TSO_MAX_SIZE, dev.tsoMaxSize);
  w.u32(IFLA.IFLA_TSO_MAX_SEGS, dev.tsoMaxSegs);
  // nla_put_uint(): 4 bytes while the value fits in 32 bits.
  if (dev.maxPacingOffloadHorizon > 0xffffffff) w.u64(IFLA.IFLA_MAX_PACING_OFFLOAD_HORIZON, dev.maxPacingOffloadHorizon);
  else w.u32(IFLA.IFLA_MAX_PACING_OFFLOAD_HORIZON, dev.maxPacingOffloadHorizon);
  w.u32(IFLA.IFLA_NUM_RX_QUEUES, dev.numRxQueues);
  // put_master_ifindex()
  if (dev.master) w.u32(IFLA.IFLA_MASTER, dev.master.ifindex);
  w.u8(IFLA.IFLA_CARRIER, dev.carrier ? 1 : 0);
  w.u32(IFLA.IFLA_CARRIER_CHANGES, dev.carrierUpCount + dev.carrierDownCount);
  w.u32(IFLA.IFLA_CARRIER_UP_COUNT, dev.carrierUpCount);
  w.u32(IFLA.IFLA_CARRIER_DOWN_COUNT, dev.carrierDownCount);
  w.u16(IFLA.IFLA_HEADROOM, dev.headroom);
  w.u16(IFLA.IFLA_TAILROOM, dev.tailroom);
  w.u8(IFLA.IFLA_PROTO_DOWN, dev.protoDown ? 1 : 0);
  if (options.event) w.u32(IFLA.IFLA_EVENT, options.event);
  if (dev.address.length) {
    w.bytes(IFLA.IFLA_ADDRESS, dev.address);
    w.bytes(IFLA.IFLA_BROADCAST, dev.broadcast);
  }
  fillStats(w, dev.stats64);
  const xdp = w.beginNest(IFLA.IFLA_XDP, false);
  w.u8(IFLA_XDP.IFLA_XDP_ATTACHED, 0);
  w.endNest(xdp);
  if (dev.kind) fillLinkInfo(w, dev);
  // nla_put_iflink(): only when it differs from the device's own index.
  const iflink = devGetIflink(dev);
  if (iflink !== dev.ifindex) w.u32(IFLA.IFLA_LINK, iflink);
  w.string(IFLA.IFLA_QDISC, dev.qdisc);
  fillAfSpec(w, dev, extMask);
  w.bytes(IFLA.IFLA_MAP, new Uint8Array(IFMAP_LEN));
  // rtnl_fill_prop_list(): the alternative names (link-prop.ts), only when there are some.
  if (dev.altNames.length) w.nested(IFLA.IFLA_PROP_LIST, (n) => dev.altNames.forEach((a) => n.string(IFLA.IFLA_ALT_IFNAME, a)));
  w.endNest(w.beginNest(IFLA.IFLA_DEVLINK_PORT, true));
  w.endNest(w.beginNest(IFLA.IFLA_DPLL_PIN, true));
}

/** Counters of a device nothing was sent through (nlsim sends no packets): all of them. */
const ZERO_STATS64 = new Uint8Array(RTNL_LINK_STATS64_LEN * 8);
const ZERO_STATS = new Uint8Array(24 * 4);

/** fillStats writes IFLA_STATS64 and IFLA_STATS (struct rtnl_link_stats: the first 24 counters, truncated to 32 bits, copy_rtnl_link_stats()). */
function fillStats(w: AttrWriter, stats64: readonly bigint[]): void {
  if (stats64.length === RTNL_LINK_STATS64_LEN && stats64.every((x) => x === 0n)) {
    w.bytes(IFLA.IFLA_STATS64, ZERO_STATS64);
    w.bytes(IFLA.IFLA_STATS, ZERO_STATS);
    return;
  }
  w.bytes(IFLA.IFLA_STATS64, u64Array(stats64));
  const stats = new Uint8Array(24 * 4);
  const sv = viewOf(stats);
  for (let i = 0; i < 24; i++) sv.setUint32(i * 4, Number(BigInt.asUintN(32, stats64[i]!)), HOST_LE);
  w.bytes(IFLA.IFLA_STATS, stats);
}

/**
 * ifNlmsgSize stands for if_nlmsg_size(): what the kernel reserves for a device's message.
 * @note An estimate: the full message with statistics plus the room reserved for attributes
 * the device does not have (IFLA_IFALIAS, VF and port info are the large ones). It decides
 * only the receiver's truesize bucket and the dump's min_dump_alloc, and for lo lands in the
 * same 2048-byte bucket as Linux (a 1468-byte reply costs 2304).
 */
export function ifNlmsgSize(dev: NetDevice): number {
  // A dump sizes every link before its first chunk (rtnl_calcit()): one scratch writer, reset
  // for each, so sizing allocates nothing.
  sizingWriter.reset();
  fillIfInfoInto(sizingWriter, dev);
  return 16 + sizingWriter.length + (4 + IFALIASZ) + 64;
}

const sizingWriter = new AttrWriter({ initialSize: 2048 });
