/**
 * SimSocket: an AF_NETLINK socket of the virtual kernel, with the system calls of
 * net/netlink/af_netlink.c (netlink_bind, netlink_connect, netlink_getname,
 * netlink_sendmsg, netlink_recvmsg, netlink_release) and their exact errors.
 */
import { ffs, groupMask, type RawAddress, toRawAddress } from './address.js';
import type { Credentials } from './credentials.js';
import { capable } from './credentials.js';
import { broadcast, getSockByPortid, unicast } from './delivery.js';
import { continueDump, endDump } from './dump.js';
import { NetlinkError } from './errors.js';
import { dropAllGroups, reallocGroups, replaceLowGroups } from './membership.js';
import type { NetlinkTable } from './protocol-table.js';
import type { Random } from './random.js';
import { kernelTruesize, MAX_RECVMSG_LEN, type Skb, userUnicastTruesize } from './skb.js';
import { NetlinkSock } from './sock.js';
import type { Address, NetlinkSocket, RecvOptions, RecvResult, SockaddrNl } from './socket-api.js';
import { getSockOpt, setSockOpt } from './sockopt.js';
import { errnoName, type ErrnoName } from './uapi/errno.js';
import {
  AF_NETLINK,
  AF_UNSPEC,
  MSG_CTRUNC,
  MSG_DONTWAIT,
  MSG_OOB,
  MSG_PEEK,
  MSG_TRUNC,
  NL_CFG_F_NONROOT_RECV,
  NL_CFG_F_NONROOT_SEND,
  POLLERR,
  POLLIN,
  POLLOUT,
  SO,
  SOCKADDR_NL_LEN,
} from './uapi/netlink.js';
import type { NetNamespace } from './netns.js';

/** SocketHost is what a socket needs from its kernel. */
export interface SocketHost {
  table(protocol: number): NetlinkTable | undefined;
  readonly random: Random;
  readonly sysctl: { readonly rmemMax: number; readonly wmemMax: number };
}

const S32_MIN = -0x80000000;
/** sizeof(struct cmsghdr) on 64-bit. */
const CMSGHDR = 16;
const CMSG_ALIGN = (n: number) => (n + 7) & ~7;

/**
 * ControlBuffer mirrors put_cmsg() filling msg_control: a message that does not fit whole
 * sets MSG_CTRUNC (and, cut short, is useless to the reader, so it is not reported); each
 * one consumes CMSG_SPACE(len) bytes, or whatever was left.
 */
class ControlBuffer {
  #left: number;
  truncated = false;

  constructor(size: number) {
    this.#left = size;
  }

  /** put reports whether a control message with `len` data bytes fits whole. */
  put(len: number): boolean {
    if (this.#left < CMSGHDR) {
      this.truncated = true;
      return false;
    }
    const whole = this.#left >= CMSGHDR + len;
    if (!whole) this.truncated = true;
    this.#left -= Math.min(this.#left, CMSG_ALIGN(CMSGHDR + len));
    return whole;
  }
}

/**
 * copyOut returns the first `n` bytes of `data` in a buffer of their own, as the kernel copies
 * an skb into the user's buffer: the receiver may change it without touching the queued
 * skb, which other members of a multicast group (or a tap) still share.
 */
function copyOut(data: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  out.set(n === data.length ? data : data.subarray(0, n));
  return out;
}

/** fail throws the NetlinkError for a negative errno or an errno name. */
function fail(err: number | ErrnoName, syscall: string): never {
  const code = typeof err === 'number' ? (errnoName(err) ?? 'EINVAL') : err;
  if (code === 'EAGAIN') throw wouldBlock(syscall);
  throw new NetlinkError(code, syscall);
}

/**
 * wouldBlock builds EAGAIN without a stack trace. EAGAIN is how a non-blocking caller learns
 * the queue is empty, so read-until-EAGAIN loops meet it on every batch; capturing a stack
 * made each one cost about 6 µs (nlsim bench), more than a delivery.
 */
function wouldBlock(syscall: string): NetlinkError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new NetlinkError('EAGAIN', syscall);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** SimSocket is one socket of a VirtualKernel. Create it with `kernel.socket()`. */
export class SimSocket implements NetlinkSocket {
  readonly protocol: number;
  readonly type: number;
  /** @internal the kernel-side state (struct netlink_sock). */
  readonly sk: NetlinkSock;
  readonly #host: SocketHost;
  #readableListeners = new Set<() => void>();
  #notifyScheduled = false;
  #waiters: (() => void)[] = [];

  /** @internal use VirtualKernel.socket(). */
  constructor(host: SocketHost, netns: NetNamespace, type: number, protocol: number, creds: Credentials, options: { rcvbuf: number; sndbuf: number; nonblock: boolean }) {
    this.protocol = protocol;
    this.type = type;
    this.#host = host;
    this.sk = new NetlinkSock(netns, protocol, type, creds, { ...options, notify: () => this.#onChange() });
  }

  /** credentials are the caller's identity this socket acts with. */
  get credentials(): Credentials {
    return this.sk.creds;
  }

  #table(): NetlinkTable | undefined {
    return this.#host.table(this.protocol);
  }

  #check(syscall: string): NetlinkSock {
    if (this.sk.closed) fail('EBADF', syscall);
    return this.sk;
  }

  /** netlink_allowed(): the protocol grants `flag` to everyone, or the caller has CAP_NET_ADMIN. */
  #allowed(flag: number): boolean {
    return ((this.#table()?.flags ?? 0) & flag) !== 0 || capable(this.sk.creds, 'CAP_NET_ADMIN');
  }

  /** netlink_insert(): claims `portid`. The id is written even when the insert fails (Linux quirk). */
  #insert(portid: number): number {
    const sk = this.sk;
    sk.portid = portid >>> 0;
    const ports = sk.netns.protocol(this.protocol).ports;
    if (ports.has(sk.portid)) return -98; // EADDRINUSE
    ports.set(sk.portid, sk);
    sk.bound = true;
    return 0;
  }

  /**
   * netlink_autobind(): the caller's tgid first; after a collision a random id in
   * [S32_MIN, -4097], then decreasing ids from there.
   */
  #autobind(): number {
    const ports = this.sk.netns.protocol(this.protocol).ports;
    let portid = this.sk.creds.pid | 0;
    let rover = -4096;
    while (ports.has(portid >>> 0)) {
      if (rover === -4096) rover = S32_MIN + this.#host.random(-4096 - S32_MIN);
      else if (rover >= -4096 || rover < S32_MIN) rover = -4097;
      portid = rover--;
    }
    return this.#insert(portid);
  }

  #undoBind(upTo: number, groups: number): void {
    const unbind = this.#table()?.config.unbind;
    if (!unbind) return;
    for (let g = 0; g < upTo; g++) if (groups & (1 << g)) unbind(g + 1, { netns: this.sk.netns, credentials: this.sk.creds });
  }

  /** bind(2). Mirrors netlink_bind(). */
  bind(address: Address): void {
    const sk = this.#check('bind');
    const a = toRawAddress(address, 'bind');
    if (a.len < SOCKADDR_NL_LEN || a.family !== AF_NETLINK) fail('EINVAL', 'bind');
    let groups = a.groups;
    const table = this.#table();
    if (groups) {
      if (!this.#allowed(NL_CFG_F_NONROOT_RECV)) fail('EPERM', 'bind');
      if (!reallocGroups(sk, table)) fail('ENOENT', 'bind');
    }
    if (sk.ngroups < 32) groups &= (1 << sk.ngroups) - 1;
    groups >>>= 0;
    if (sk.bound && a.pid !== sk.portid) fail('EINVAL', 'bind');
    const bindHook = table?.config.bind;
    if (bindHook && groups) {
      for (let g = 0; g < 32; g++) {
        if (!(groups & (1 << g))) continue;
        const err = bindHook(g + 1, { netns: sk.netns, credentials: sk.creds });
        if (err) {
          this.#undoBind(g, groups);
          fail(err, 'bind');
        }
      }
    }
    if (!sk.bound) {
      const err = a.pid ? this.#insert(a.pid) : this.#autobind();
      if (err) {
        this.#undoBind(32, groups);
        fail(err, 'bind');
      }
    }
    if (!groups && (!sk.groups || !sk.groups[0])) return;
    replaceLowGroups(sk, groups);
  }

  /** connect(2). Mirrors netlink_connect(): AF_UNSPEC disconnects; the peer is not checked. */
  connect(address: Address): void {
    const sk = this.#check('connect');
    const a = toRawAddress(address, 'connect');
    if (a.len < 2) fail('EINVAL', 'connect');
    if (a.family === AF_UNSPEC) {
      sk.connected = false;
      sk.dstPortid = 0;
      sk.dstGroup = 0;
      return;
    }
    if (a.family !== AF_NETLINK || a.len < SOCKADDR_NL_LEN) fail('EINVAL', 'connect');
    if ((a.groups || a.pid) && !this.#allowed(NL_CFG_F_NONROOT_SEND)) fail('EPERM', 'connect');
    if (!sk.bound) {
      const err = this.#autobind();
      if (err) fail(err, 'connect');
    }
    sk.connected = true;
    sk.dstPortid = a.pid;
    sk.dstGroup = ffs(a.groups);
  }

  /** getsockname(2): the port id (even an unbound, attempted one) and groups 1–32. */
  getsockname(): Required<SockaddrNl> {
    const sk = this.#check('getsockname');
    return { family: AF_NETLINK, pid: sk.portid, groups: sk.groupsLow32() };
  }

  /** getpeername(2): never ENOTCONN; zeros on an unconnected socket. */
  getpeername(): Required<SockaddrNl> {
    const sk = this.#check('getpeername');
    return { family: AF_NETLINK, pid: sk.dstPortid, groups: groupMask(sk.dstGroup) };
  }

  /** send(2): to the connected peer, or the kernel. */
  send(data: Uint8Array, flags = 0): number {
    return this.#sendmsg(data, null, flags, 'send');
  }

  /** sendto(2). `address` null (or zero bytes) means no address. */
  sendto(data: Uint8Array, address: Address | null, flags = 0): number {
    return this.#sendmsg(data, address, flags, 'sendto');
  }

  /** Mirrors netlink_sendmsg(). */
  #sendmsg(data: Uint8Array, address: Address | null, flags: number, syscall: string): number {
    const sk = this.#check(syscall);
    let a: RawAddress | null = null;
    if (address !== null) {
      a = toRawAddress(address, syscall);
      if (a.len === 0) a = null;
    }
    if (flags & MSG_OOB) fail('EOPNOTSUPP', syscall);
    const len = data.length;
    if (len === 0) fail('ENODATA', syscall);
    let dstPortid: number;
    let dstGroup: number;
    if (a) {
      if (a.len < SOCKADDR_NL_LEN || a.family !== AF_NETLINK) fail('EINVAL', syscall);
      dstPortid = a.pid;
      dstGroup = ffs(a.groups);
      if ((dstGroup || dstPortid) && !this.#allowed(NL_CFG_F_NONROOT_SEND)) fail('EPERM', syscall);
    } else {
      dstPortid = sk.dstPortid;
      dstGroup = sk.dstGroup;
    }
    if (!sk.bound) {
      const err = this.#autobind();
      if (err) fail(err, syscall);
    }
    if (len > sk.sndbuf - 32) fail('EMSGSIZE', syscall);
    const creds = sk.creds;
    const skb: Skb = {
      // A copy, as the kernel copies from the user's iovec: the caller may reuse its buffer
      // as soon as sendmsg() returns. (Not data.slice(): on a Node Buffer that is a view.)
      data: new Uint8Array(data),
      // netlink_alloc_large_skb(): multicast copies always come from kmalloc.
      truesize: dstGroup ? kernelTruesize(len) : userUnicastTruesize(len),
      portid: sk.portid,
      dstGroup,
      creds: { pid: creds.pid, uid: creds.uid, gid: creds.gid },
      // A unicast's bytes reach one queue only: the receiver may take them without a copy.
      exclusive: dstGroup === 0,
    };
    if (dstGroup) broadcast(sk, skb, { portid: dstPortid, exclude: sk });
    const err = unicast(sk, skb, dstPortid);
    if (err < 0) fail(err, syscall);
    return err;
  }

  /**
   * sendtoAsync is sendto(2) as a blocking call: a unicast to a full user socket waits until
   * that socket's owner receives, then retries (netlink_attachskb() sleeping). With
   * MSG_DONTWAIT, or on a SOCK_NONBLOCK socket, it fails with EAGAIN like sendto().
   */
  async sendtoAsync(data: Uint8Array, address: Address | null, flags = 0): Promise<number> {
    for (;;) {
      try {
        return this.sendto(data, address, flags);
      } catch (e) {
        if (!(e instanceof NetlinkError) || e.code !== 'EAGAIN' || this.sk.nonblock || flags & MSG_DONTWAIT) throw e;
        const dst = address === null ? this.sk.dstPortid : toRawAddress(address, 'sendto').pid;
        const target = getSockByPortid(this.sk, dst);
        if (typeof target === 'number' || target.isKernel) throw e;
        await new Promise<void>((resume) => target.queue.waitForRoom(resume));
      }
    }
  }

  /** recvmsg(2), never blocking. Mirrors netlink_recvmsg(). */
  recvmsg(options: RecvOptions = {}): RecvResult {
    const sk = this.#check('recvmsg');
    const bufferSize = options.bufferSize ?? 32768;
    const flags = options.flags ?? 0;
    const q = sk.queue;
    if (flags & MSG_OOB) fail('EOPNOTSUPP', 'recvmsg');
    // skb_recv_datagram(): a pending error comes first, even with MSG_PEEK.
    const pending = q.takeError();
    if (pending) {
      q.wake();
      fail(-pending, 'recvmsg');
    }
    const skb = flags & MSG_PEEK ? q.peek() : q.shift();
    if (!skb) {
      q.wake();
      fail('EAGAIN', 'recvmsg');
    }
    sk.maxRecvmsgLen = Math.min(Math.max(sk.maxRecvmsgLen, bufferSize), MAX_RECVMSG_LEN);
    let copied = skb.data.length;
    let msgFlags = 0;
    if (bufferSize < copied) {
      msgFlags |= MSG_TRUNC;
      copied = bufferSize;
    }
    const result: RecvResult = {
      length: flags & MSG_TRUNC ? skb.data.length : copied,
      data: skb.exclusive && copied === skb.data.length && !(flags & MSG_PEEK) ? skb.data : copyOut(skb.data, copied),
      flags: 0,
      address: { family: AF_NETLINK, pid: skb.portid, groups: groupMask(skb.dstGroup) },
    };
    if (sk.pktinfo || sk.passcred) {
      // netlink_cmsg_recv_pktinfo() first, then scm_recv()'s SCM_CREDENTIALS.
      const control = new ControlBuffer(options.controlSize ?? 64);
      if (sk.pktinfo && control.put(4)) result.pktinfoGroup = skb.dstGroup;
      if (sk.passcred && control.put(12)) result.credentials = { ...skb.creds };
      if (control.truncated) msgFlags |= MSG_CTRUNC;
    }
    // scm_recv() without any control buffer: SO_PASSSEC alone sets MSG_CTRUNC, though no
    // SCM_SECURITY is ever written for netlink (its secid is 0). Measured on 6.18.
    if ((options.controlSize ?? 64) === 0 && sk.socketOptions.get(SO.SO_PASSSEC)) msgFlags |= MSG_CTRUNC;
    result.flags = msgFlags;
    if (sk.dump && q.rmemAlloc <= q.rcvbuf >> 1) {
      const err = continueDump(sk);
      if (err) q.setError(-err);
    }
    q.wake();
    return result;
  }

  /**
   * receive waits until a datagram (or an error) is there, then performs recvmsg(). With
   * MSG_DONTWAIT or a SOCK_NONBLOCK socket it does not wait: EAGAIN rejects at once.
   */
  receive(options: RecvOptions = {}): Promise<RecvResult> {
    if (this.sk.nonblock || (options.flags ?? 0) & MSG_DONTWAIT) {
      try {
        return Promise.resolve(this.recvmsg(options));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise((resolve, reject) => {
      const attempt = () => {
        if (this.sk.closed) return reject(new NetlinkError('EBADF', 'recvmsg'));
        if (this.sk.queue.length === 0 && this.sk.queue.err === 0) {
          this.#waiters.push(attempt);
          return;
        }
        try {
          resolve(this.recvmsg(options));
        } catch (e) {
          reject(e);
        }
      };
      attempt();
    });
  }

  /** setsockopt(2) for SOL_SOCKET and SOL_NETLINK. */
  setsockopt(level: number, name: number, value: number | Uint8Array): void {
    const sk = this.#check('setsockopt');
    setSockOpt(sk, this.#table(), this.#host.sysctl, level, name, value);
  }

  /** getsockopt(2): the bytes written back. */
  getsockopt(level: number, name: number, optlen = 4): Uint8Array {
    return this.getsockoptRaw(level, name, optlen).data;
  }

  /** getsockopt(2) with the returned optlen. */
  getsockoptRaw(level: number, name: number, optlen: number): { data: Uint8Array; optlen: number } {
    const sk = this.#check('getsockopt');
    return getSockOpt(sk, level, name, optlen);
  }

  /** poll(2): POLLOUT always (netlink does not charge sends), POLLIN when queued, POLLERR on sk_err. */
  poll(): number {
    const q = this.#check('poll').queue;
    return POLLOUT | (q.length ? POLLIN : 0) | (q.err ? POLLERR : 0);
  }

  /** onReadable registers a listener called (after the current job) when the socket becomes readable. */
  onReadable(listener: () => void): () => void {
    this.#readableListeners.add(listener);
    if (this.sk.queue.length || this.sk.queue.err) this.#onChange();
    return () => this.#readableListeners.delete(listener);
  }

  #onChange(): void {
    if (this.#waiters.length) {
      const waiters = this.#waiters;
      this.#waiters = [];
      // Delivered asynchronously, as a real socket's wake-up reaches the event loop.
      queueMicrotask(() => {
        for (const w of waiters) w();
      });
    }
    if (this.#readableListeners.size && !this.#notifyScheduled) {
      this.#notifyScheduled = true;
      setImmediate(() => {
        this.#notifyScheduled = false;
        const q = this.sk.queue;
        if (this.sk.closed || (!q.length && !q.err)) return;
        for (const l of this.#readableListeners) l();
      });
    }
  }

  /** close(2). Mirrors netlink_release(): ends a running dump, frees the port id, leaves groups. */
  close(): void {
    const sk = this.#check('close');
    sk.closed = true;
    if (sk.dump) endDump(sk);
    if (sk.bound) sk.netns.protocol(this.protocol).ports.delete(sk.portid);
    const unbind = this.#table()?.config.unbind;
    if (unbind && sk.groups) {
      for (let g = 1; g <= sk.ngroups; g++) if (sk.isMember(g)) unbind(g, { netns: sk.netns, credentials: sk.creds });
    }
    dropAllGroups(sk);
    sk.queue.clear();
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
    this.#readableListeners.clear();
  }
}
