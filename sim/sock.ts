/**
 * The state of one netlink socket inside the virtual kernel: mirrors struct netlink_sock.
 * Internal: users hold a SimSocket, which wraps one of these.
 */
import type { Credentials } from './credentials.js';
import type { DumpState } from './dump.js';
import type { NetNamespace } from './netns.js';
import { ReceiveQueue } from './receive-queue.js';

/** NetlinkSock is a user socket's kernel-side state. */
export class NetlinkSock {
  readonly isKernel = false as const;
  readonly netns: NetNamespace;
  readonly protocol: number;
  readonly type: number;
  readonly creds: Credentials;

  /** nlk->portid: written even by a failed explicit bind (see bind()). */
  portid = 0;
  /** nlk->bound: inserted in the port table. */
  bound = false;
  /** sk_state == NETLINK_CONNECTED, with the peer address. */
  connected = false;
  dstPortid = 0;
  dstGroup = 0;

  /** nlk->groups: the membership bitmap (32-bit words), allocated on first use. */
  groups: Uint32Array | null = null;
  /** nlk->ngroups: the bitmap's size in groups, the protocol's count when last reallocated. */
  ngroups = 0;
  /** Number of groups joined: non-zero puts the socket on the protocol's multicast list. */
  subscriptions = 0;

  // NETLINK_F_* flags
  pktinfo = false;
  broadcastError = false;
  listenAllNsid = false;
  capAck = false;
  extAck = false;
  strictChk = false;
  /** SO_PASSCRED. */
  passcred = false;
  /** Generic SOL_SOCKET options with no effect on netlink (SO_DEBUG, SO_PRIORITY…), by name. */
  readonly socketOptions = new Map<number, number>();

  /** sk_sndbuf. */
  sndbuf: number;
  /** nlk->max_recvmsg_len: the largest recvmsg() buffer seen, which sizes dump chunks. */
  maxRecvmsgLen = 0;
  /** The running dump (nlk->cb_running with nlk->cb), if any. */
  dump: DumpState | null = null;
  /** O_NONBLOCK from SOCK_NONBLOCK. */
  nonblock: boolean;
  closed = false;

  readonly queue: ReceiveQueue;
  /** Called whenever the socket may have become readable. */
  readonly notify: () => void;

  constructor(
    netns: NetNamespace,
    protocol: number,
    type: number,
    creds: Credentials,
    options: { rcvbuf: number; sndbuf: number; nonblock: boolean; notify: () => void },
  ) {
    this.netns = netns;
    this.protocol = protocol;
    this.type = type;
    this.creds = creds;
    this.sndbuf = options.sndbuf;
    this.nonblock = options.nonblock;
    this.notify = options.notify;
    this.queue = new ReceiveQueue(options.rcvbuf, options.notify);
  }

  /** isMember reports whether the socket has joined `group` (1-based). */
  isMember(group: number): boolean {
    const bit = group - 1;
    if (bit < 0 || bit >= this.ngroups || !this.groups) return false;
    return (this.groups[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** groupsLow32 is nlk->groups[0] truncated to u32: what getsockname() reports. */
  groupsLow32(): number {
    return this.groups ? this.groups[0]! >>> 0 : 0;
  }
}
