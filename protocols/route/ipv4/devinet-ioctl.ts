/**
 * IPv4's device ioctls (net/ipv4/devinet.c: devinet_ioctl(), reached through inet_ioctl() and
 * packet_ioctl()): SIOCGIFADDR and the other getters, and the setters that add, change and
 * delete an in_ifaddr as `ifconfig` does. core/dev-ioctl.ts dispatches to it.
 */
import { KernelError } from '../../../sim/errors.js';
import { type DevIoctlCall, type DevIoctlResult, failure, type IfreqName, ifreqName, needAdmin, needDev, type Net, putSockaddrIn, SIOC, U, view } from '../core/index.js';
import { type NetDevice } from '../core/index.js';
import type { InAddr } from '../core/index.js';
import { inetMask, inetMaskLen } from '../core/index.js';
import { AF_INET, IFA_F, IFF, RT_SCOPE } from '../core/uapi.js';
import { newInAddr } from './inet4.js';

/**
 * devinetIoctl mirrors devinet_ioctl(): the address getters (with the 4.4BSD match on the
 * address the caller passed, then the label alone), SIOCSIFFLAGS (an alias label's address
 * goes when IFF_UP is cleared; a device name changes the device's flags), and the address
 * setters, which take the address out of the list and insert it again changed.
 */
export function devinetIoctl(net: Net | undefined, call: DevIoctlCall): DevIoctlResult {
  const ifr = call.ifr.slice();
  const v = view(ifr);
  const name = ifreqName(ifr);
  const origFamily = v.getUint16(U, true);
  const origAddr = v.getUint32(U + 4, false);
  const { cmd } = call;
  let tryAddrMatch = false;
  switch (cmd) {
    case SIOC.SIOCGIFADDR:
    case SIOC.SIOCGIFBRDADDR:
    case SIOC.SIOCGIFDSTADDR:
    case SIOC.SIOCGIFNETMASK:
      tryAddrMatch = origFamily === AF_INET;
      putSockaddrIn(ifr, 0);
      break;
    case SIOC.SIOCSIFFLAGS:
      needAdmin(call);
      break;
    case SIOC.SIOCSIFADDR:
    case SIOC.SIOCSIFBRDADDR:
    case SIOC.SIOCSIFDSTADDR:
    case SIOC.SIOCSIFNETMASK:
      needAdmin(call);
      if (origFamily !== AF_INET) return failure('EINVAL');
      break;
    default:
      return failure('EINVAL');
  }
  const dev = needDev(net, name.device);
  let ifa: InAddr | undefined;
  if (dev.inet) {
    if (tryAddrMatch) ifa = dev.ifa4.find((a) => a.label === name.full && a.local >>> 0 === origAddr);
    ifa ??= dev.ifa4.find((a) => a.label === name.full);
  }
  if (cmd === SIOC.SIOCSIFADDR || cmd === SIOC.SIOCSIFBRDADDR || cmd === SIOC.SIOCSIFDSTADDR || cmd === SIOC.SIOCSIFNETMASK) {
    if (!ifa && cmd !== SIOC.SIOCSIFADDR) return failure('EADDRNOTAVAIL');
    return setInetAddr(net!, dev, cmd, name, ifa, origAddr);
  }
  if (cmd === SIOC.SIOCSIFFLAGS) {
    const flags = v.getInt16(U, true) >>> 0;
    if (name.full !== name.device) {
      if (!ifa) return failure('EADDRNOTAVAIL');
      if (!(flags & IFF.IFF_UP)) net!.links.inet4.deleteIfa({ ks: net!.ops().ks }, ifa);
      return { result: 0 };
    }
    net!.ops().changeFlags(dev, flags);
    return { result: 0 };
  }
  if (!ifa) return failure('EADDRNOTAVAIL');
  const value = cmd === SIOC.SIOCGIFADDR ? ifa.local : cmd === SIOC.SIOCGIFBRDADDR ? ifa.broadcast : cmd === SIOC.SIOCGIFDSTADDR ? ifa.address : ifa.mask;
  v.setUint32(U + 4, value >>> 0, false);
  return { result: 0, ifr };
}

/**
 * setInetAddr performs devinet_ioctl()'s address setters on the address `ifa` labelled as
 * the caller named it (none yet for a SIOCSIFADDR that creates one).
 */
function setInetAddr(net: Net, dev: NetDevice, cmd: number, name: IfreqName, ifa: InAddr | undefined, addr: number): DevIoctlResult {
  const inet4 = net.links.inet4;
  const n = { ks: net.ops().ks };
  switch (cmd) {
    case SIOC.SIOCSIFADDR: {
      if (inetAbcLen(addr) < 0) return failure('EINVAL');
      if (!ifa) {
        if (!dev.inet) return failure('ENOBUFS');
        ifa = newInAddr(dev, addr, 0, 0, inet4.nowCs); // inet_alloc_ifa()
        ifa.label = name.full !== name.device ? name.full : dev.name;
      } else {
        if (ifa.local >>> 0 === addr) return { result: 0 };
        inet4.deleteIfa(n, ifa); // inet_del_ifa(…, 0): the same ifa goes back in below
        ifa.broadcast = 0;
        ifa.scope = 0;
      }
      ifa.address = ifa.local = addr;
      if (!(dev.flags & IFF.IFF_POINTOPOINT)) {
        ifa.prefixlen = inetAbcLen(addr);
        ifa.mask = inetMask(ifa.prefixlen);
        if (dev.flags & IFF.IFF_BROADCAST && ifa.prefixlen < 31) ifa.broadcast = (ifa.address | ~ifa.mask) >>> 0;
      } else {
        ifa.prefixlen = 32;
        ifa.mask = inetMask(32);
      }
      // set_ifa_lifetime(INFINITY_LIFE_TIME, INFINITY_LIFE_TIME)
      ifa.flags = (ifa.flags & ~(IFA_F.IFA_F_PERMANENT | IFA_F.IFA_F_DEPRECATED)) | IFA_F.IFA_F_PERMANENT;
      ifa.validLft = ifa.preferredLft = 0xffffffff;
      ifa.tstamp = inet4.nowCs;
      // inet_set_ifa(): a loopback address has host scope.
      if (addr >>> 24 === 127) ifa.scope = RT_SCOPE.RT_SCOPE_HOST;
      insertInetAddr(net, ifa);
      return { result: 0 };
    }
    case SIOC.SIOCSIFBRDADDR:
      if (ifa!.broadcast >>> 0 !== addr) {
        inet4.deleteIfa(n, ifa!);
        ifa!.broadcast = addr;
        ignoreInsertError(net, ifa!);
      }
      return { result: 0 };
    case SIOC.SIOCSIFDSTADDR:
      if (ifa!.address >>> 0 === addr) return { result: 0 };
      if (inetAbcLen(addr) < 0) return failure('EINVAL');
      inet4.deleteIfa(n, ifa!);
      ifa!.address = addr;
      ignoreInsertError(net, ifa!);
      return { result: 0 };
    default: {
      // SIOCSIFNETMASK: the mask must be contiguous (bad_mask()).
      const host = ~addr >>> 0;
      if ((host & (host + 1)) >>> 0 !== 0) return failure('EINVAL');
      if (ifa!.mask >>> 0 !== addr) {
        const oldMask = ifa!.mask;
        inet4.deleteIfa(n, ifa!);
        ifa!.mask = addr;
        ifa!.prefixlen = inetMaskLen(addr);
        // A broadcast address that matched the old mask follows the new one.
        if (dev.flags & IFF.IFF_BROADCAST && ifa!.prefixlen < 31 && ifa!.broadcast >>> 0 === (ifa!.local | ~oldMask) >>> 0) {
          ifa!.broadcast = (ifa!.local | ~addr) >>> 0;
        }
        ignoreInsertError(net, ifa!);
      }
      return { result: 0 };
    }
  }
}

/** insertInetAddr mirrors inet_insert_ifa(): an address 0.0.0.0 is dropped (the deletion idiom). */
function insertInetAddr(net: Net, ifa: InAddr): void {
  if (!ifa.local) return;
  net.links.inet4.insertIfa({ ks: net.ops().ks }, ifa);
  net.links.inet4.checkLifetimes(); // __inet_insert_ifa() queues check_lifetime at once
}

/** ignoreInsertError: the setters other than SIOCSIFADDR ignore what inet_insert_ifa() returns. */
function ignoreInsertError(net: Net, ifa: InAddr): void {
  try {
    insertInetAddr(net, ifa);
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
  }
}

/** inetAbcLen mirrors inet_abc_len(): the classful prefix of an address, −1 for multicast. */
function inetAbcLen(addr: number): number {
  if (addr >>> 24 === 0 || addr >>> 0 === 0xffffffff) return 0;
  if (!(addr & 0x80000000)) return 8;
  if (addr >>> 30 === 2) return 16;
  if (addr >>> 29 === 6) return 24;
  if (addr >>> 28 === 0xf) return 32;
  return -1;
}
