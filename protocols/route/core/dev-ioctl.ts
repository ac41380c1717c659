/**
 * Device ioctls on a socket (`ioctl(fd, SIOCGIFINDEX, &ifr)` and the rest): what a program
 * under `nlsim run` gets instead of the real namespace's answer. Mirrors sock_ioctl() →
 * dev_ifconf() for SIOCGIFCONF, the family's ioctl (inet_ioctl() → devinet_ioctl() for
 * AF_INET, packet_ioctl() forwarding the address requests to it, inet6_ioctl()), then
 * sock_do_ioctl() → dev_ioctl(), on Linux 6.18. Changes go through the same NetOps
 * operations as RTM_SETLINK, so their notifications are those of the netdevice notifiers.
 *
 * The caller's struct ifreq travels as its 40 bytes (LP64): the kernel copies it in, works
 * on the copy, and copies the whole copy back when the command returns a value, so bytes
 * a command does not write keep what the caller had there.
 *
 * @note Not modelled, answered EOPNOTSUPP so that nothing reaches the real machine: the
 * AF_INET6 requests that take a struct in6_ifreq (SIOCSIFADDR, SIOCDIFADDR,
 * SIOCSIFDSTADDR), the route and ARP ioctls (SIOCADDRT, SIOCDELRT, SIOC[GSD]ARP), the
 * bridge and vlan ioctls (SIOCBR*, SIOC[GS]IFBR, SIOC[GS]IFVLAN), and on an existing
 * device ethtool, MII, hardware timestamping, bonding, SIOCWANDEV, SIOCDEVPRIVATE and
 * SIOCADDMULTI/SIOCDELMULTI.
 */
import { capable, type Credentials } from '../../../sim/credentials.js';
import { KernelError } from '../../../sim/errors.js';
import type { NetNamespace } from '../../../sim/netns.js';
import { errnoNumber, type ErrnoName } from '../../../sim/uapi/errno.js';
import { devGetFlags, type NetDevice } from './device.js';
import { changeName } from './links.js';
import { NetOps } from './netdev.js';
import type { LinkTable } from './state.js';
import { AF_INET, IFF, IFNAMSIZ, RTM_NEWLINK } from './uapi.js';

/** The ioctl request numbers (linux/sockios.h). */
export const SIOC = {
  SIOCADDRT: 0x890b,
  SIOCDELRT: 0x890c,
  SIOCRTMSG: 0x890d,
  SIOCGIFNAME: 0x8910,
  SIOCSIFLINK: 0x8911,
  SIOCGIFCONF: 0x8912,
  SIOCGIFFLAGS: 0x8913,
  SIOCSIFFLAGS: 0x8914,
  SIOCGIFADDR: 0x8915,
  SIOCSIFADDR: 0x8916,
  SIOCGIFDSTADDR: 0x8917,
  SIOCSIFDSTADDR: 0x8918,
  SIOCGIFBRDADDR: 0x8919,
  SIOCSIFBRDADDR: 0x891a,
  SIOCGIFNETMASK: 0x891b,
  SIOCSIFNETMASK: 0x891c,
  SIOCGIFMETRIC: 0x891d,
  SIOCSIFMETRIC: 0x891e,
  SIOCGIFMEM: 0x891f,
  SIOCSIFMEM: 0x8920,
  SIOCGIFMTU: 0x8921,
  SIOCSIFMTU: 0x8922,
  SIOCSIFNAME: 0x8923,
  SIOCSIFHWADDR: 0x8924,
  SIOCGIFENCAP: 0x8925,
  SIOCSIFENCAP: 0x8926,
  SIOCGIFHWADDR: 0x8927,
  SIOCGIFSLAVE: 0x8929,
  SIOCSIFSLAVE: 0x8930,
  SIOCADDMULTI: 0x8931,
  SIOCDELMULTI: 0x8932,
  SIOCGIFINDEX: 0x8933,
  SIOCSIFPFLAGS: 0x8934,
  SIOCGIFPFLAGS: 0x8935,
  SIOCDIFADDR: 0x8936,
  SIOCSIFHWBROADCAST: 0x8937,
  SIOCGIFCOUNT: 0x8938,
  SIOCGIFBR: 0x8940,
  SIOCSIFBR: 0x8941,
  SIOCGIFTXQLEN: 0x8942,
  SIOCSIFTXQLEN: 0x8943,
  SIOCETHTOOL: 0x8946,
  SIOCGMIIPHY: 0x8947,
  SIOCGMIIREG: 0x8948,
  SIOCSMIIREG: 0x8949,
  SIOCWANDEV: 0x894a,
  SIOCDARP: 0x8953,
  SIOCGARP: 0x8954,
  SIOCSARP: 0x8955,
  SIOCGIFMAP: 0x8970,
  SIOCSIFMAP: 0x8971,
  SIOCGIFVLAN: 0x8982,
  SIOCSIFVLAN: 0x8983,
  SIOCBONDENSLAVE: 0x8990,
  SIOCBONDRELEASE: 0x8991,
  SIOCBONDSETHWADDR: 0x8992,
  SIOCBONDSLAVEINFOQUERY: 0x8993,
  SIOCBONDINFOQUERY: 0x8994,
  SIOCBONDCHANGEACTIVE: 0x8995,
  SIOCBRADDBR: 0x89a0,
  SIOCBRDELBR: 0x89a1,
  SIOCBRADDIF: 0x89a2,
  SIOCBRDELIF: 0x89a3,
  SIOCSHWTSTAMP: 0x89b0,
  SIOCGHWTSTAMP: 0x89b1,
  SIOCDEVPRIVATE: 0x89f0,
} as const;

/** Socket families whose ioctl handlers answer some device requests themselves. */
const AF_INET6 = 10;
const AF_PACKET = 17;
/** sizeof(struct ifreq) on LP64; the union starts at 16. */
export const IFREQ_SIZE = 40;
/** U is the offset of the ifreq's union (ifr_addr, ifr_flags, …) after ifr_name. */
export const U = 16;

/** DevIoctlCall is one device ioctl as the shim saw it. */
export interface DevIoctlCall {
  /** The request number. */
  cmd: number;
  /** The socket's domain. */
  family: number;
  /** The caller's struct ifreq (IFREQ_SIZE bytes; unused by SIOCGIFCONF). */
  ifr: Uint8Array;
  /** SIOCGIFCONF: ifc_len, and whether ifc_buf is NULL. */
  ifcLen?: number;
  ifcNull?: boolean;
  credentials: Credentials;
  netns: NetNamespace;
}

/**
 * DevIoctlResult is the call's return (or -errno) with what goes back to the caller: the
 * ifreq to copy out (undefined: nothing), or for SIOCGIFCONF the new ifc_len and records.
 */
export interface DevIoctlResult {
  result: number;
  ifr?: Uint8Array;
  ifcLen?: number;
  records?: Uint8Array;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function failure(code: ErrnoName): DevIoctlResult {
  return { result: -errnoNumber(code) };
}

/** Context of one call: the namespace's devices and their operations (route/index.ts makes it). */
export interface Net {
  readonly links: LinkTable;
  readonly ops: () => NetOps;
}

/** listDevices answers if_nameindex(): every device by index, as RTM_GETLINK dumps them. */
export function listDevices(net: Net | undefined): Uint8Array {
  const devs = net ? net.links.list() : [];
  const out = new Uint8Array(devs.length * (4 + IFNAMSIZ));
  const v = new DataView(out.buffer);
  devs.forEach((dev, i) => {
    v.setUint32(i * (4 + IFNAMSIZ), dev.ifindex, true);
    putName(out, i * (4 + IFNAMSIZ) + 4, dev.name);
  });
  return out;
}

/**
 * FamilyIoctl is a family's socket ioctl for the device requests it takes (inet_ioctl() →
 * devinet_ioctl()), which the core hands on and does not know.
 */
export type FamilyIoctl = (net: Net | undefined, call: DevIoctlCall) => DevIoctlResult;

/** devIoctl performs one device ioctl in namespace `net` (undefined: a kernel without NETLINK_ROUTE). */
export function devIoctl(net: Net | undefined, call: DevIoctlCall, inetIoctl: FamilyIoctl): DevIoctlResult {
  try {
    return dispatch(net, call, inetIoctl);
  } catch (e) {
    if (e instanceof KernelError) return { result: e.errno };
    throw e;
  } finally {
    if (net) runLinkwatch(net);
  }
}

/** dispatch mirrors sock_ioctl() and the family's ioctl before sock_do_ioctl(). */
function dispatch(net: Net | undefined, call: DevIoctlCall, devinetIoctl: FamilyIoctl): DevIoctlResult {
  const { cmd, family } = call;
  if (cmd === SIOC.SIOCGIFCONF) return devIfconf(net, call.ifcLen ?? 0, call.ifcNull ?? false);
  if (cmd >= SIOC.SIOCDEVPRIVATE && cmd <= SIOC.SIOCDEVPRIVATE + 15) return devIoctlGeneric(net, call);
  switch (cmd) {
    case SIOC.SIOCGIFBR:
    case SIOC.SIOCSIFBR:
    case SIOC.SIOCBRADDBR:
    case SIOC.SIOCBRDELBR:
    case SIOC.SIOCBRADDIF:
    case SIOC.SIOCBRDELIF:
    case SIOC.SIOCGIFVLAN:
    case SIOC.SIOCSIFVLAN:
      return failure('EOPNOTSUPP'); // br_ioctl_call(), vlan_ioctl_hook: not modelled
  }
  if (family === AF_INET || family === AF_PACKET) {
    switch (cmd) {
      case SIOC.SIOCADDRT:
      case SIOC.SIOCDELRT:
      case SIOC.SIOCDARP:
      case SIOC.SIOCGARP:
      case SIOC.SIOCSARP:
        return failure('EOPNOTSUPP'); // ip_rt_ioctl(), arp_ioctl(): not modelled
      case SIOC.SIOCGIFADDR:
      case SIOC.SIOCGIFBRDADDR:
      case SIOC.SIOCGIFNETMASK:
      case SIOC.SIOCGIFDSTADDR:
      case SIOC.SIOCSIFADDR:
      case SIOC.SIOCSIFBRDADDR:
      case SIOC.SIOCSIFNETMASK:
      case SIOC.SIOCSIFDSTADDR:
      case SIOC.SIOCSIFFLAGS:
        return devinetIoctl(net, call);
    }
    // packet_ioctl() forwards only the requests above to inet_dgram_ops.
    if (family === AF_INET) {
      if (cmd === SIOC.SIOCRTMSG) return failure('EINVAL');
      if (cmd === SIOC.SIOCGIFPFLAGS || cmd === SIOC.SIOCSIFPFLAGS) return devinetIoctl(net, call);
    }
  } else if (family === AF_INET6) {
    switch (cmd) {
      case SIOC.SIOCADDRT:
      case SIOC.SIOCDELRT:
      case SIOC.SIOCSIFADDR:
      case SIOC.SIOCDIFADDR:
      case SIOC.SIOCSIFDSTADDR:
        return failure('EOPNOTSUPP'); // ipv6_route_ioctl(), addrconf_*_ifaddr(): in6_ifreq, not modelled
    }
  }
  // sock_do_ioctl(): is_socket_ioctl_cmd(), then dev_ioctl(). The wireless extensions
  // (0x8Bxx) are ENOTTY too: no CONFIG_WEXT_CORE, as on the 6.18 kernels measured.
  if (cmd >>> 8 !== 0x89) return failure('ENOTTY');
  return devIoctlGeneric(net, call);
}

/** IfreqName is the name part of an ifreq after the kernel's fix-ups. */
export interface IfreqName {
  /** The whole name (an alias keeps its ':label'). */
  full: string;
  /** The device name: up to the first ':'. */
  device: string;
}

/** ifreqName mirrors `ifr_name[IFNAMSIZ-1] = 0` and the strchr(':') split. */
export function ifreqName(ifr: Uint8Array): IfreqName {
  ifr[IFNAMSIZ - 1] = 0;
  const end = ifr.indexOf(0);
  const full = fromUtf8.decode(ifr.subarray(0, end < 0 ? IFNAMSIZ : end));
  const colon = full.indexOf(':');
  return { full, device: colon < 0 ? full : full.slice(0, colon) };
}

/** putName writes a NUL-terminated name at `at` (strcpy: bytes after the NUL stay). */
export function putName(buf: Uint8Array, at: number, name: string): void {
  const bytes = utf8.encode(name).subarray(0, IFNAMSIZ - 1);
  buf.set(bytes, at);
  buf[at + bytes.length] = 0;
}

export function view(ifr: Uint8Array): DataView {
  return new DataView(ifr.buffer, ifr.byteOffset, ifr.byteLength);
}

/** devByName mirrors __dev_get_by_name() (the name hash holds alternative names too). */
export function devByName(net: Net | undefined, name: string): NetDevice | undefined {
  return name ? net?.links.byAnyName(name) : undefined;
}

export function needDev(net: Net | undefined, name: string): NetDevice {
  const dev = devByName(net, name);
  if (!dev) throw new KernelError('ENODEV');
  return dev;
}

export function needAdmin(call: DevIoctlCall): void {
  if (!capable(call.credentials, 'CAP_NET_ADMIN')) throw new KernelError('EPERM');
}

/**
 * devIfconf mirrors dev_ifconf() with inet_gifconf(): one ifreq per IPv4 address (its
 * label, AF_INET and the local address), device by device in list (registration) order,
 * not ifindex order, whole records only.
 */
function devIfconf(net: Net | undefined, len: number, nullBuf: boolean): DevIoctlResult {
  const records: Uint8Array[] = [];
  let total = 0;
  for (const dev of net ? net.links.inListOrder() : []) {
    if (!dev.inet) continue;
    let left = len - total;
    for (const ifa of dev.ifa4) {
      if (nullBuf) {
        total += IFREQ_SIZE;
        continue;
      }
      if (left < IFREQ_SIZE) break;
      const r = new Uint8Array(IFREQ_SIZE);
      putName(r, 0, ifa.label);
      putSockaddrIn(r, ifa.local);
      records.push(r);
      left -= IFREQ_SIZE;
      total += IFREQ_SIZE;
    }
  }
  const out = new Uint8Array(records.length * IFREQ_SIZE);
  records.forEach((r, i) => out.set(r, i * IFREQ_SIZE));
  return { result: 0, ifcLen: total, records: out };
}

/** putSockaddrIn writes a struct sockaddr_in at the union: AF_INET, port 0, the address, zeros. */
export function putSockaddrIn(ifr: Uint8Array, addr: number): void {
  ifr.fill(0, U, U + 16);
  const v = view(ifr);
  v.setUint16(U, AF_INET, true);
  v.setUint32(U + 4, addr >>> 0, false);
}

/** devIoctlGeneric mirrors dev_ioctl(). */
function devIoctlGeneric(net: Net | undefined, call: DevIoctlCall): DevIoctlResult {
  const ifr = call.ifr.slice();
  const v = view(ifr);
  const { cmd } = call;
  if (cmd === SIOC.SIOCGIFNAME) {
    // dev_ifname() → netdev_get_name()
    ifr[IFNAMSIZ - 1] = 0;
    const dev = net?.links.byIndex(v.getInt32(U, true));
    if (!dev) return failure('ENODEV');
    putName(ifr, 0, dev.name);
    return { result: 0, ifr };
  }
  const name = ifreqName(ifr);
  switch (cmd) {
    case SIOC.SIOCGIFHWADDR: {
      // netif_get_mac_address(): sa_family is dev->type, then addr_len bytes of address.
      const dev = needDev(net, name.device);
      v.setUint16(U, dev.type, true);
      if (!dev.address.length) ifr.fill(0, U + 2, U + 16);
      else ifr.set(dev.address.subarray(0, 14), U + 2);
      return { result: 0, ifr };
    }
    case SIOC.SIOCGIFFLAGS:
    case SIOC.SIOCGIFMETRIC:
    case SIOC.SIOCGIFMTU:
    case SIOC.SIOCGIFSLAVE:
    case SIOC.SIOCGIFMAP:
    case SIOC.SIOCGIFINDEX:
    case SIOC.SIOCGIFTXQLEN:
      return { result: 0, ifr: ifsiocLocked(needDev(net, name.device), cmd, ifr) };
    case SIOC.SIOCETHTOOL:
      needDev(net, name.device);
      return failure('EOPNOTSUPP'); // dev_ethtool(): not modelled
    case SIOC.SIOCGMIIPHY:
    case SIOC.SIOCGMIIREG:
    case SIOC.SIOCSIFNAME: {
      needAdmin(call);
      const dev = needDev(net, name.device);
      if (cmd !== SIOC.SIOCSIFNAME) return failure('EOPNOTSUPP'); // dev_eth_ioctl(): not modelled
      // dev_ifsioc(): ifr_newname[IFNAMSIZ-1] = 0, then dev_change_name().
      ifr[U + IFNAMSIZ - 1] = 0;
      const end = ifr.indexOf(0, U);
      changeName(net!.ops(), dev, fromUtf8.decode(ifr.subarray(U, end)));
      return { result: 0, ifr };
    }
    case SIOC.SIOCSIFMAP:
    case SIOC.SIOCSIFTXQLEN:
    case SIOC.SIOCSIFFLAGS:
    case SIOC.SIOCSIFMETRIC:
    case SIOC.SIOCSIFMTU:
    case SIOC.SIOCSIFHWADDR:
    case SIOC.SIOCSIFSLAVE:
    case SIOC.SIOCADDMULTI:
    case SIOC.SIOCDELMULTI:
    case SIOC.SIOCSIFHWBROADCAST:
    case SIOC.SIOCSMIIREG:
    case SIOC.SIOCBONDENSLAVE:
    case SIOC.SIOCBONDRELEASE:
    case SIOC.SIOCBONDSETHWADDR:
    case SIOC.SIOCBONDCHANGEACTIVE:
    case SIOC.SIOCSHWTSTAMP:
      needAdmin(call);
      devIfsioc(net, needDev(net, name.device), cmd, ifr);
      return { result: 0 };
    case SIOC.SIOCBONDSLAVEINFOQUERY:
    case SIOC.SIOCBONDINFOQUERY:
      needDev(net, name.device);
      return failure('EOPNOTSUPP'); // dev_siocbond(): no ndo_siocbond on nlsim's kinds
    case SIOC.SIOCGIFMEM:
    case SIOC.SIOCSIFMEM:
    case SIOC.SIOCSIFLINK:
      return failure('ENOTTY');
  }
  if (cmd === SIOC.SIOCWANDEV || cmd === SIOC.SIOCGHWTSTAMP || (cmd >= SIOC.SIOCDEVPRIVATE && cmd <= SIOC.SIOCDEVPRIVATE + 15)) {
    needDev(net, name.device);
    return failure('EOPNOTSUPP'); // no ndo_siocwandev / ndo_siocdevprivate; hwtstamp not modelled
  }
  return failure('ENOTTY');
}

/** ifsiocLocked mirrors dev_ifsioc_locked(): the getters every user may call. */
function ifsiocLocked(dev: NetDevice, cmd: number, ifr: Uint8Array): Uint8Array {
  const v = view(ifr);
  switch (cmd) {
    case SIOC.SIOCGIFFLAGS:
      v.setInt16(U, devGetFlags(dev) << 16 >> 16, true); // (short)netif_get_flags()
      break;
    case SIOC.SIOCGIFMETRIC:
      v.setInt32(U, 0, true);
      break;
    case SIOC.SIOCGIFMTU:
      v.setInt32(U, dev.mtu, true);
      break;
    case SIOC.SIOCGIFSLAVE:
      throw new KernelError('EINVAL');
    case SIOC.SIOCGIFMAP:
      // struct ifmap: mem_start, mem_end, base_addr, irq, dma, port: all zero for virtual devices.
      ifr.fill(0, U, U + 21);
      break;
    case SIOC.SIOCGIFINDEX:
      v.setInt32(U, dev.ifindex, true);
      break;
    case SIOC.SIOCGIFTXQLEN:
      v.setInt32(U, dev.txqlen, true);
      break;
  }
  return ifr;
}

/** devIfsioc mirrors dev_ifsioc() for the commands that return nothing. */
function devIfsioc(net: Net | undefined, dev: NetDevice, cmd: number, ifr: Uint8Array): void {
  const v = view(ifr);
  const ops = net!.ops();
  switch (cmd) {
    case SIOC.SIOCSIFFLAGS:
      ops.changeFlags(dev, v.getInt16(U, true) >>> 0); // dev_change_flags()
      return;
    case SIOC.SIOCSIFMETRIC:
      throw new KernelError('EOPNOTSUPP');
    case SIOC.SIOCSIFMTU:
      ops.setMtu(dev, v.getInt32(U, true)); // dev_set_mtu()
      return;
    case SIOC.SIOCSIFHWADDR: {
      // dev_set_mac_address_user() → netif_set_mac_address(): no ndo_set_mac_address is
      // EOPNOTSUPP, then sa_family must be dev->type.
      const hasNdo = dev.kind ? dev.kind.setMacAddress !== undefined : (dev.flags & IFF.IFF_LOOPBACK) !== 0;
      if (!hasNdo) throw new KernelError('EOPNOTSUPP');
      if (v.getUint16(U, true) !== dev.type) throw new KernelError('EINVAL');
      ops.setMacAddress(dev, ifr.slice(U + 2, U + 2 + dev.address.length));
      return;
    }
    case SIOC.SIOCSIFHWBROADCAST:
      if (v.getUint16(U, true) !== dev.type) throw new KernelError('EINVAL');
      dev.broadcast = ifr.slice(U + 2, U + 2 + Math.min(14, dev.address.length));
      ops.notifyChangeAddr(dev); // NETDEV_CHANGEADDR
      return;
    case SIOC.SIOCSIFMAP:
      throw new KernelError('EOPNOTSUPP'); // no ndo_set_config on virtual devices
    case SIOC.SIOCSIFTXQLEN: {
      const qlen = v.getInt32(U, true);
      if (qlen < 0) throw new KernelError('EINVAL');
      // dev_change_tx_queue_len(): NETDEV_CHANGE_TX_QUEUE_LEN → rtnetlink_event().
      if (qlen !== dev.txqlen) {
        dev.txqlen = qlen;
        ops.rtmsgIfinfo(RTM_NEWLINK, dev, 0);
      }
      return;
    }
    case SIOC.SIOCADDMULTI:
    case SIOC.SIOCDELMULTI:
    case SIOC.SIOCBONDENSLAVE:
    case SIOC.SIOCBONDRELEASE:
    case SIOC.SIOCBONDSETHWADDR:
    case SIOC.SIOCBONDCHANGEACTIVE:
    case SIOC.SIOCSHWTSTAMP:
    case SIOC.SIOCSMIIREG:
      throw new KernelError('EOPNOTSUPP'); // not modelled
    default:
      throw new KernelError('EINVAL'); // SIOCSIFSLAVE: "Unknown ioctl"
  }
}

/** runLinkwatch runs the linkwatch events a change queued, as links.ts does after a request. */
function runLinkwatch(net: Net): void {
  if (!net.links.linkwatch.length) return;
  const ops = net.ops();
  while (net.links.linkwatch.length) ops.flushLinkwatch();
}
