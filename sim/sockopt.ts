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
import { AF_NETLINK, NETLINK_OPT, NL_CFG_F_NONROOT_RECV, SO, SOL_NETLINK, SOL_SOCKET } from './uapi/netlink.js';
import { HOST_LE, viewOf } from './wire/header.js';
import { encodeSockaddr, groupMask } from './address.js';

/** SOCK_MIN_RCVBUF and SOCK_MIN_SNDBUF on x86_64 (include/net/sock.h). */
export const SOCK_MIN_RCVBUF = 2304;
export const SOCK_MIN_SNDBUF = 4608;
const INT_MAX = 0x7fffffff;

/** Sysctls that cap SO_RCVBUF and SO_SNDBUF. */
type BufferLimits = { readonly rmemMax: number; readonly wmemMax: number };
/** An option's value as getsockopt returns it: the bytes written and the optlen written back. */
type OptResult = { data: Uint8Array; optlen: number };

function fail(code: ErrnoName, syscall: string): never {
  throw new NetlinkError(code, syscall);
}

function notModelled(syscall: string, name: number): never {
  throw new NetlinkError('ENOPROTOOPT', syscall, { extack: { message: `SOL_SOCKET option ${name} is not modelled by nlsim` } });
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

function intBytes(val: number, len: number): Uint8Array {
  const out = new Uint8Array(4);
  viewOf(out).setInt32(0, val, HOST_LE);
  return out.subarray(0, len);
}

/**
 * The boolean SOL_NETLINK options (NETLINK_F_* bits): how each is read and written. A value
 * is "on" when non-zero; getsockopt reports 1 or 0.
 */
const NETLINK_FLAGS = new Map<number, { get(sk: NetlinkSock): boolean; set(sk: NetlinkSock, on: boolean): void }>([
  [NETLINK_OPT.NETLINK_PKTINFO, { get: (sk) => sk.pktinfo, set: (sk, on) => void (sk.pktinfo = on) }],
  [NETLINK_OPT.NETLINK_BROADCAST_ERROR, { get: (sk) => sk.broadcastError, set: (sk, on) => void (sk.broadcastError = on) }],
  [
    NETLINK_OPT.NETLINK_NO_ENOBUFS,
    {
      get: (sk) => sk.queue.noEnobufs,
      set: (sk, on) => {
        sk.queue.noEnobufs = on;
        // Turning it on also lifts an existing congestion latch.
        if (on) {
          sk.queue.congested = false;
          sk.queue.wake();
        }
      },
    },
  ],
  [
    NETLINK_OPT.NETLINK_LISTEN_ALL_NSID,
    {
      get: (sk) => sk.listenAllNsid,
      set: (sk, on) => {
        // Checked even to clear the flag.
        if (!capable(sk.creds, 'CAP_NET_BROADCAST')) fail('EPERM', 'setsockopt');
        sk.listenAllNsid = on;
      },
    },
  ],
  [NETLINK_OPT.NETLINK_CAP_ACK, { get: (sk) => sk.capAck, set: (sk, on) => void (sk.capAck = on) }],
  [NETLINK_OPT.NETLINK_EXT_ACK, { get: (sk) => sk.extAck, set: (sk, on) => void (sk.extAck = on) }],
  [NETLINK_OPT.NETLINK_GET_STRICT_CHK, { get: (sk) => sk.strictChk, set: (sk, on) => void (sk.strictChk = on) }],
]);

/** Generic SOL_SOCKET flags: stored and reported, without effect on netlink. */
const GENERIC_SOCKET_FLAGS = new Set<number>([SO.SO_REUSEADDR, SO.SO_DONTROUTE, SO.SO_BROADCAST, SO.SO_KEEPALIVE, SO.SO_OOBINLINE, SO.SO_NO_CHECK, SO.SO_PASSSEC]);

/** setSockOpt applies setsockopt(level, name, value) to `sk`, or throws the kernel's errno. */
export function setSockOpt(sk: NetlinkSock, table: NetlinkTable | undefined, limits: BufferLimits, level: number, name: number, value: number | Uint8Array): void {
  const { val, optlen } = optInt(value);
  if (level === SOL_SOCKET) return setSocketOpt(sk, limits, name, val, optlen);
  if (level !== SOL_NETLINK) fail('ENOPROTOOPT', 'setsockopt');
  if (name === NETLINK_OPT.NETLINK_ADD_MEMBERSHIP || name === NETLINK_OPT.NETLINK_DROP_MEMBERSHIP) {
    return changeMembership(sk, table, val, name === NETLINK_OPT.NETLINK_ADD_MEMBERSHIP);
  }
  const flag = NETLINK_FLAGS.get(name);
  if (!flag) fail('ENOPROTOOPT', 'setsockopt');
  flag.set(sk, val !== 0);
}

/** changeMembership is NETLINK_ADD_MEMBERSHIP / NETLINK_DROP_MEMBERSHIP, checks in the kernel's order. */
function changeMembership(sk: NetlinkSock, table: NetlinkTable | undefined, group: number, add: boolean): void {
  const allowed = ((table?.flags ?? 0) & NL_CFG_F_NONROOT_RECV) !== 0 || capable(sk.creds, 'CAP_NET_ADMIN');
  if (!allowed) fail('EPERM', 'setsockopt');
  if (!reallocGroups(sk, table)) fail('ENOENT', 'setsockopt');
  if (!group || group - 1 >= sk.ngroups) fail('EINVAL', 'setsockopt');
  const hookContext = { netns: sk.netns, credentials: sk.creds };
  if (add && table?.config.bind) {
    const err = table.config.bind(group, hookContext);
    if (err) fail(err, 'setsockopt');
  }
  setMembership(sk, group, add);
  if (!add) table?.config.unbind?.(group, hookContext);
}

function setSocketOpt(sk: NetlinkSock, limits: BufferLimits, name: number, val: number, optlen: number): void {
  if (optlen < 4) fail('EINVAL', 'setsockopt');
  // SO_PASSPIDFD is for unix sockets only (sk_setsockopt(): !sk_is_unix()).
  if (name === SO.SO_PASSPIDFD) fail('EOPNOTSUPP', 'setsockopt');
  if (GENERIC_SOCKET_FLAGS.has(name)) {
    sk.socketOptions.set(name, val ? 1 : 0);
    return;
  }
  switch (name) {
    case SO.SO_RCVBUF:
      // The value is a u32 capped by rmem_max, then treated as an int.
      sk.queue.rcvbuf = bufferSize(Math.min(val, limits.rmemMax), SOCK_MIN_RCVBUF);
      return;
    case SO.SO_SNDBUF:
      sk.sndbuf = bufferSize(Math.min(val, limits.wmemMax), SOCK_MIN_SNDBUF);
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
      if (((val | 0) < 0 || (val | 0) > 6) && !capable(sk.creds, 'CAP_NET_ADMIN') && !capable(sk.creds, 'CAP_NET_RAW')) {
        fail('EPERM', 'setsockopt');
      }
      sk.socketOptions.set(name, val | 0);
      return;
    default:
      notModelled('setsockopt', name);
  }
}

/** getSockOpt answers getsockopt(level, name) with a buffer of `optlen` bytes. */
export function getSockOpt(sk: NetlinkSock, level: number, name: number, optlen: number): OptResult {
  if (level === SOL_SOCKET) return getSocketOpt(sk, name, optlen);
  if (level !== SOL_NETLINK) fail('ENOPROTOOPT', 'getsockopt');
  if (optlen < 0) fail('EINVAL', 'getsockopt');
  if (name === NETLINK_OPT.NETLINK_LIST_MEMBERSHIPS) return listMemberships(sk, optlen);
  const flag = NETLINK_FLAGS.get(name);
  if (!flag) fail('ENOPROTOOPT', 'getsockopt');
  if (optlen < 4) fail('EINVAL', 'getsockopt');
  return { data: intBytes(flag.get(sk) ? 1 : 0, 4), optlen: 4 };
}

/**
 * listMemberships mirrors NETLINK_LIST_MEMBERSHIPS: as many whole u32 words of the bitmap as
 * fit, and always the optlen the whole bitmap needs (never an error for a short buffer).
 */
function listMemberships(sk: NetlinkSock, optlen: number): OptResult {
  const buf = new Uint8Array(optlen);
  const v = viewOf(buf);
  for (let pos = 0; pos * 8 < sk.ngroups; pos += 4) {
    if (optlen - pos < 4) break;
    v.setUint32(pos, sk.groups![pos >>> 2]!, HOST_LE);
  }
  const needed = (Math.ceil(sk.ngroups / 8) + 3) & ~3;
  return { data: buf.subarray(0, Math.min(optlen, needed)), optlen: needed };
}

/**
 * meminfo mirrors SO_MEMINFO (sk_get_meminfo()): rmem_alloc, rcvbuf, wmem_alloc, sndbuf,
 * fwd_alloc, wmem_queued, optmem, backlog, drops. Netlink never charges the sender and keeps
 * no forward allocation, so only the receive side, the buffers and the drops are non-zero.
 */
function meminfo(sk: NetlinkSock, optlen: number): OptResult {
  const values = [sk.queue.rmemAlloc, sk.queue.rcvbuf, 0, sk.sndbuf, 0, 0, 0, 0, sk.queue.drops];
  const out = new Uint8Array(values.length * 4);
  const v = viewOf(out);
  values.forEach((x, i) => v.setUint32(i * 4, x >>> 0, HOST_LE));
  const len = Math.min(optlen, out.length);
  return { data: out.subarray(0, len), optlen: len };
}

/** socketInt returns the value of an int SOL_SOCKET option, or undefined if nlsim does not model it. */
function socketInt(sk: NetlinkSock, name: number): number | undefined {
  switch (name) {
    case SO.SO_TYPE:
      return sk.type;
    case SO.SO_PROTOCOL:
      return sk.protocol;
    case SO.SO_DOMAIN:
      return AF_NETLINK;
    case SO.SO_RCVBUF:
      return sk.queue.rcvbuf;
    case SO.SO_SNDBUF:
      return sk.sndbuf;
    case SO.SO_ERROR:
      return sk.queue.takeError();
    case SO.SO_PASSCRED:
      return sk.passcred ? 1 : 0;
    case SO.SO_DEBUG:
    case SO.SO_PRIORITY:
      return sk.socketOptions.get(name) ?? 0;
    default:
      return GENERIC_SOCKET_FLAGS.has(name) ? (sk.socketOptions.get(name) ?? 0) : undefined;
  }
}

/**
 * peerOption mirrors sk_getsockopt()'s options about a peer, which a netlink socket never
 * has (sk_peer_pid and sk_peer_cred stay NULL): SO_PEERCRED is cred_to_ucred() of nothing,
 * {pid 0, uid -1, gid -1}; SO_PEERGROUPS and SO_PEERPIDFD fail with ENODATA; SO_PEERNAME is
 * netlink_getname(peer): the connect() destination, EINVAL when optlen exceeds its 12 bytes.
 * Returns undefined for other options.
 */
function peerOption(sk: NetlinkSock, name: number, optlen: number): OptResult | undefined {
  switch (name) {
    case SO.SO_PEERCRED: {
      const ucred = new Uint8Array(12);
      viewOf(ucred).setInt32(4, -1, HOST_LE); // uid
      viewOf(ucred).setInt32(8, -1, HOST_LE); // gid
      const len = Math.min(optlen, ucred.length);
      return { data: ucred.subarray(0, len), optlen: len };
    }
    case SO.SO_PEERNAME: {
      const address = encodeSockaddr({ pid: sk.dstPortid, groups: groupMask(sk.dstGroup) });
      if (address.length < optlen) fail('EINVAL', 'getsockopt');
      return { data: address.subarray(0, optlen), optlen };
    }
    case SO.SO_PEERGROUPS:
    case SO.SO_PEERPIDFD:
      fail('ENODATA', 'getsockopt');
    case SO.SO_PASSPIDFD:
      // sk_getsockopt(): unix sockets only.
      fail('EOPNOTSUPP', 'getsockopt');
    default:
      return undefined;
  }
}

/** getSocketOpt mirrors sk_getsockopt(): int options copy min(optlen, 4) bytes. */
function getSocketOpt(sk: NetlinkSock, name: number, optlen: number): OptResult {
  if (optlen < 0) fail('EINVAL', 'getsockopt');
  if (name === SO.SO_MEMINFO) return meminfo(sk, optlen);
  const peer = peerOption(sk, name, optlen);
  if (peer) return peer;
  const val = socketInt(sk, name);
  if (val === undefined) notModelled('getsockopt', name);
  const len = Math.min(optlen, 4);
  return { data: intBytes(val, len), optlen: len };
}
