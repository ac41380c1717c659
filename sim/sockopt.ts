/**
 * Socket options: SOL_NETLINK (netlink_setsockopt / netlink_getsockopt) and the SOL_SOCKET
 * options a netlink socket meets (sk_setsockopt / sk_getsockopt).
 */
import { capable } from './credentials.js';
import { NetlinkError } from './errors.js';
import { reallocGroups, setMembership } from './membership.js';
import type { NetlinkTable } from './protocol-table.js';
import type { NetlinkSock } from './sock.js';
import type { ErrnoName } from './uapi/errno.js';
import {
  AF_NETLINK,
  NETLINK_OPT,
  NL_CFG_F_NONROOT_RECV,
  SO,
  SOL_NETLINK,
  SOL_SOCKET,
} from './uapi/netlink.js';
import { HOST_LE, viewOf } from './wire/header.js';

/** SOCK_MIN_RCVBUF and SOCK_MIN_SNDBUF on x86_64 (include/net/sock.h). */
export const SOCK_MIN_RCVBUF = 2304;
export const SOCK_MIN_SNDBUF = 4608;
const INT_MAX = 0x7fffffff;

function fail(code: ErrnoName, syscall: string): never {
  throw new NetlinkError(code, syscall);
}

/** optInt reads the option value as the kernel does: a u32 only when at least 4 bytes were given. */
function optInt(value: number | Uint8Array): { val: number; optlen: number } {
  if (typeof value === 'number') return { val: value >>> 0, optlen: 4 };
  return { val: value.length >= 4 ? viewOf(value).getUint32(0, HOST_LE) : 0, optlen: value.length };
}

/** bufferSize mirrors __sock_set_rcvbuf()/__sock_set_sndbuf(): doubled, at least the minimum. */
function bufferSize(val: number, min: number): number {
  const v = Math.min(val | 0, INT_MAX >> 1);
  return Math.max(v * 2, min);
}

function netlinkAllowed(sk: NetlinkSock, table: NetlinkTable | undefined, flag: number): boolean {
  return ((table?.flags ?? 0) & flag) !== 0 || capable(sk.creds, 'CAP_NET_ADMIN');
}

/** setSockOpt applies setsockopt(level, name, value) to `sk`, or throws the kernel's errno. */
export function setSockOpt(
  sk: NetlinkSock,
  table: NetlinkTable | undefined,
  sysctl: { readonly rmemMax: number; readonly wmemMax: number },
  level: number,
  name: number,
  value: number | Uint8Array,
): void {
  const { val, optlen } = optInt(value);
  if (level === SOL_SOCKET) return setSocketOpt(sk, sysctl, name, val, optlen);
  if (level !== SOL_NETLINK) fail('ENOPROTOOPT', 'setsockopt');
  const on = val !== 0;
  switch (name) {
    case NETLINK_OPT.NETLINK_PKTINFO:
      sk.pktinfo = on;
      return;
    case NETLINK_OPT.NETLINK_ADD_MEMBERSHIP:
    case NETLINK_OPT.NETLINK_DROP_MEMBERSHIP: {
      if (!netlinkAllowed(sk, table, NL_CFG_F_NONROOT_RECV)) fail('EPERM', 'setsockopt');
      if (!reallocGroups(sk, table)) fail('ENOENT', 'setsockopt');
      if (!val || val - 1 >= sk.ngroups) fail('EINVAL', 'setsockopt');
      const add = name === NETLINK_OPT.NETLINK_ADD_MEMBERSHIP;
      const hookContext = { netns: sk.netns, credentials: sk.creds };
      if (add && table?.config.bind) {
        const err = table.config.bind(val, hookContext);
        if (err) fail(err, 'setsockopt');
      }
      setMembership(sk, val, add);
      if (!add) table?.config.unbind?.(val, hookContext);
      return;
    }
    case NETLINK_OPT.NETLINK_BROADCAST_ERROR:
      sk.broadcastError = on;
      return;
    case NETLINK_OPT.NETLINK_NO_ENOBUFS:
      sk.queue.noEnobufs = on;
      if (on) {
        sk.queue.congested = false;
        sk.queue.wake();
      }
      return;
    case NETLINK_OPT.NETLINK_LISTEN_ALL_NSID:
      // Checked even to clear the flag.
      if (!capable(sk.creds, 'CAP_NET_BROADCAST')) fail('EPERM', 'setsockopt');
      sk.listenAllNsid = on;
      return;
    case NETLINK_OPT.NETLINK_CAP_ACK:
      sk.capAck = on;
      return;
    case NETLINK_OPT.NETLINK_EXT_ACK:
      sk.extAck = on;
      return;
    case NETLINK_OPT.NETLINK_GET_STRICT_CHK:
      sk.strictChk = on;
      return;
    default:
      fail('ENOPROTOOPT', 'setsockopt');
  }
}

function setSocketOpt(
  sk: NetlinkSock,
  sysctl: { readonly rmemMax: number; readonly wmemMax: number },
  name: number,
  val: number,
  optlen: number,
): void {
  if (optlen < 4) fail('EINVAL', 'setsockopt');
  switch (name) {
    case SO.SO_RCVBUF:
      // The value is a u32 capped by rmem_max, then treated as an int.
      sk.queue.rcvbuf = bufferSize(Math.min(val, sysctl.rmemMax), SOCK_MIN_RCVBUF);
      return;
    case SO.SO_SNDBUF:
      sk.sndbuf = bufferSize(Math.min(val, sysctl.wmemMax), SOCK_MIN_SNDBUF);
      return;
    case SO.SO_RCVBUFFORCE:
      if (!capable(sk.creds, 'CAP_NET_ADMIN')) fail('EPERM', 'setsockopt');
      sk.queue.rcvbuf = bufferSize(Math.max(val | 0, 0), SOCK_MIN_RCVBUF);
      return;
    case SO.SO_SNDBUFFORCE:
      if (!capable(sk.creds, 'CAP_NET_ADMIN')) fail('EPERM', 'setsockopt');
      sk.sndbuf = bufferSize(Math.max(val | 0, 0), SOCK_MIN_SNDBUF);
      return;
    case SO.SO_PASSCRED:
      sk.passcred = val !== 0;
      return;
    case SO.SO_DEBUG:
      // sk_setsockopt(): turning debugging on needs CAP_NET_ADMIN (EACCES, not EPERM).
      if (val && !capable(sk.creds, 'CAP_NET_ADMIN')) fail('EACCES', 'setsockopt');
      sk.socketOptions.set(name, val ? 1 : 0);
      return;
    case SO.SO_PRIORITY:
      if ((val | 0) < 0 || (val | 0) > 6) {
        if (!capable(sk.creds, 'CAP_NET_ADMIN') && !capable(sk.creds, 'CAP_NET_RAW')) fail('EPERM', 'setsockopt');
      }
      sk.socketOptions.set(name, val | 0);
      return;
    case SO.SO_REUSEADDR:
    case SO.SO_DONTROUTE:
    case SO.SO_BROADCAST:
    case SO.SO_KEEPALIVE:
    case SO.SO_OOBINLINE:
    case SO.SO_NO_CHECK:
      // Generic socket flags: stored, reported by getsockopt, without effect on netlink.
      sk.socketOptions.set(name, val ? 1 : 0);
      return;
    default:
      throw new NetlinkError('ENOPROTOOPT', 'setsockopt', {
        extack: { message: `SOL_SOCKET option ${name} is not modelled by nlsim` },
      });
  }
}

/** getSockOpt answers getsockopt(level, name) with a buffer of `optlen` bytes. */
export function getSockOpt(sk: NetlinkSock, level: number, name: number, optlen: number): { data: Uint8Array; optlen: number } {
  if (level === SOL_SOCKET) return getSocketOpt(sk, name, optlen);
  if (level !== SOL_NETLINK) fail('ENOPROTOOPT', 'getsockopt');
  if (optlen < 0) fail('EINVAL', 'getsockopt');
  let flag: boolean;
  switch (name) {
    case NETLINK_OPT.NETLINK_PKTINFO:
      flag = sk.pktinfo;
      break;
    case NETLINK_OPT.NETLINK_BROADCAST_ERROR:
      flag = sk.broadcastError;
      break;
    case NETLINK_OPT.NETLINK_NO_ENOBUFS:
      flag = sk.queue.noEnobufs;
      break;
    case NETLINK_OPT.NETLINK_LIST_MEMBERSHIPS:
      return listMemberships(sk, optlen);
    case NETLINK_OPT.NETLINK_LISTEN_ALL_NSID:
      flag = sk.listenAllNsid;
      break;
    case NETLINK_OPT.NETLINK_CAP_ACK:
      flag = sk.capAck;
      break;
    case NETLINK_OPT.NETLINK_EXT_ACK:
      flag = sk.extAck;
      break;
    case NETLINK_OPT.NETLINK_GET_STRICT_CHK:
      flag = sk.strictChk;
      break;
    default:
      fail('ENOPROTOOPT', 'getsockopt');
  }
  if (optlen < 4) fail('EINVAL', 'getsockopt');
  return { data: intBytes(flag ? 1 : 0, 4), optlen: 4 };
}

/**
 * listMemberships mirrors NETLINK_LIST_MEMBERSHIPS: as many whole u32 words of the bitmap as
 * fit, and always the optlen the whole bitmap needs (never an error for a short buffer).
 */
function listMemberships(sk: NetlinkSock, optlen: number): { data: Uint8Array; optlen: number } {
  const buf = new Uint8Array(optlen);
  const v = viewOf(buf);
  for (let pos = 0; pos * 8 < sk.ngroups; pos += 4) {
    if (optlen - pos < 4) break;
    v.setUint32(pos, sk.groups![pos >>> 2]!, HOST_LE);
  }
  const needed = (Math.ceil(sk.ngroups / 8) + 3) & ~3;
  return { data: buf.subarray(0, Math.min(optlen, needed)), optlen: needed };
}

function intBytes(val: number, len: number): Uint8Array {
  const out = new Uint8Array(4);
  viewOf(out).setInt32(0, val, HOST_LE);
  return out.subarray(0, len);
}

/**
 * meminfo mirrors SO_MEMINFO (sk_get_meminfo()): rmem_alloc, rcvbuf, wmem_alloc, sndbuf,
 * fwd_alloc, wmem_queued, optmem, backlog, drops. Netlink never charges the sender and keeps
 * no forward allocation, so only the receive side, the buffers and the drops are non-zero.
 */
function meminfo(sk: NetlinkSock, optlen: number): { data: Uint8Array; optlen: number } {
  const values = [sk.queue.rmemAlloc, sk.queue.rcvbuf, 0, sk.sndbuf, 0, 0, 0, 0, sk.queue.drops];
  const out = new Uint8Array(values.length * 4);
  const v = viewOf(out);
  values.forEach((x, i) => v.setUint32(i * 4, x >>> 0, HOST_LE));
  const len = Math.min(optlen, out.length);
  return { data: out.subarray(0, len), optlen: len };
}

/** getSocketOpt mirrors sk_getsockopt() for the int options: copies min(optlen, 4) bytes. */
function getSocketOpt(sk: NetlinkSock, name: number, optlen: number): { data: Uint8Array; optlen: number } {
  if (optlen < 0) fail('EINVAL', 'getsockopt');
  if (name === SO.SO_MEMINFO) return meminfo(sk, optlen);
  let val: number;
  switch (name) {
    case SO.SO_TYPE:
      val = sk.type;
      break;
    case SO.SO_PROTOCOL:
      val = sk.protocol;
      break;
    case SO.SO_DOMAIN:
      val = AF_NETLINK;
      break;
    case SO.SO_RCVBUF:
      val = sk.queue.rcvbuf;
      break;
    case SO.SO_SNDBUF:
      val = sk.sndbuf;
      break;
    case SO.SO_ERROR:
      val = sk.queue.takeError();
      break;
    case SO.SO_PASSCRED:
      val = sk.passcred ? 1 : 0;
      break;
    case SO.SO_DEBUG:
    case SO.SO_PRIORITY:
    case SO.SO_REUSEADDR:
    case SO.SO_DONTROUTE:
    case SO.SO_BROADCAST:
    case SO.SO_KEEPALIVE:
    case SO.SO_OOBINLINE:
    case SO.SO_NO_CHECK:
      val = sk.socketOptions.get(name) ?? 0;
      break;
    default:
      throw new NetlinkError('ENOPROTOOPT', 'getsockopt', {
        extack: { message: `SOL_SOCKET option ${name} is not modelled by nlsim` },
      });
  }
  const len = Math.min(optlen, 4);
  return { data: intBytes(val, len), optlen: len };
}
