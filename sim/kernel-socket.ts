/**
 * A protocol's kernel socket (port 0 in its namespace) and the kernel-side sending API a
 * module uses: netlink_unicast(), netlink_broadcast(), nlmsg_notify(), netlink_set_err().
 */
import type { KernelClock } from './clock.js';
import type { Credentials } from './credentials.js';
import { broadcast, ECONNREFUSED, ESRCH, unicast } from './delivery.js';
import type { NetNamespace } from './netns.js';
import type { NetlinkTable } from './protocol-table.js';
import { KERNEL_CREDS, type Skb, trimmedTruesize } from './skb.js';
import type { NetlinkSock } from './sock.js';

/**
 * InputSkb is a datagram handed to a protocol's input: the bytes, who sent it and with
 * what rights (NETLINK_CB(skb)).
 */
export interface InputSkb {
  readonly data: Uint8Array;
  /** The sender's port id. */
  readonly portid: number;
  /** The group the sender also multicast to (0 if none). */
  readonly dstGroup: number;
  /** The sending socket (its flags: CAP_ACK, EXT_ACK, strict checking). */
  readonly sock: NetlinkSock;
  /** The sender's credentials. */
  readonly credentials: Credentials;
}

/** KernelSendOptions describe how a kernel skb was allocated. */
export interface KernelSendOptions {
  /**
   * The size the kernel would have passed to nlmsg_new()/alloc_skb() for this message; it
   * decides the truesize charged to the receiver (after netlink_trim()). Defaults to the
   * message length.
   */
  allocSize?: number;
  /** NETLINK_CB(skb).dst_group, reported to the receiver in msg_name and PKTINFO. Defaults to 0. */
  dstGroup?: number;
  /**
   * NETLINK_CB(skb).creds, reported with SO_PASSCRED. Defaults to the kernel's {0, 0, 0};
   * a skb copied from a user's request keeps that user's (uevent re-broadcasts do).
   */
  creds?: { pid: number; uid: number; gid: number };
}

/** KernelSocket is the kernel end of one protocol in one namespace. */
export class KernelSocket {
  readonly isKernel = true as const;
  readonly portid = 0;
  readonly netns: NetNamespace;
  readonly protocol: number;
  readonly table: NetlinkTable;
  readonly #clock: KernelClock;

  constructor(netns: NetNamespace, table: NetlinkTable, clock: KernelClock) {
    this.netns = netns;
    this.protocol = table.protocol;
    this.table = table;
    this.#clock = clock;
  }

  /** receive mirrors netlink_unicast_kernel(): runs the protocol's input synchronously. */
  receive(skb: Skb, sender: NetlinkSock): number {
    const input = this.table.config.input;
    if (!input) return ECONNREFUSED;
    const taps = this.netns.taps;
    if (taps.size) for (const tap of taps) tap(skb, this.protocol, 'to-kernel');
    // The whole request sees one moment of kernel time, as it runs within a jiffy on Linux.
    this.#clock.hold(() => input({ data: skb.data, portid: skb.portid, dstGroup: skb.dstGroup, sock: sender, credentials: sender.creds }, this));
    return skb.data.length;
  }

  #skb(data: Uint8Array, options: KernelSendOptions | undefined): Skb {
    return {
      data,
      truesize: trimmedTruesize(data.length, Math.max(options?.allocSize ?? 0, data.length)),
      portid: 0,
      dstGroup: options?.dstGroup ?? 0,
      creds: options?.creds ?? KERNEL_CREDS,
    };
  }

  /**
   * unicast mirrors netlink_unicast(kernel_sk, skb, portid, MSG_DONTWAIT): returns the length,
   * or -ECONNREFUSED (no such port) or -EAGAIN (receiver full: it is overrun).
   */
  unicast(portid: number, data: Uint8Array, options?: KernelSendOptions): number {
    return unicast(this, this.#skb(data, options), portid);
  }

  /**
   * broadcast mirrors netlink_broadcast(): sends to every member of `group` except sockets
   * bound to `excludePortid`. Returns 0, -ESRCH (nobody listens) or -ENOBUFS (a member with
   * NETLINK_BROADCAST_ERROR was overrun).
   */
  broadcast(data: Uint8Array, group: number, options?: { excludePortid?: number } & Omit<KernelSendOptions, 'dstGroup'>): number {
    const skb = this.#skb(data, { ...options, dstGroup: group });
    return broadcast(this, skb, { portid: options?.excludePortid ?? 0, exclude: this });
  }

  /**
   * notify mirrors nlmsg_notify(): multicasts to `group` and, when `report` is set (the
   * request carried NLM_F_ECHO), unicasts a copy to `portid` and keeps it out of the
   * multicast, so a requester that is also a member receives it once.
   */
  notify(data: Uint8Array, group: number, portid: number, report: boolean, options?: { allocSize?: number }): number {
    let err = 0;
    const skb = this.#skb(data, { allocSize: options?.allocSize, dstGroup: group });
    if (group) {
      err = broadcast(this, skb, { portid: report ? portid : 0, exclude: this });
      if (err === ESRCH) err = 0;
    }
    if (report) {
      const err2 = unicast(this, skb, portid);
      if (!err) err = err2 < 0 ? err2 : 0;
    }
    return err;
  }

  /**
   * setErr mirrors netlink_set_err(): reports `errno` (positive) to every member of `group`.
   * Members with NETLINK_NO_ENOBUFS are spared ENOBUFS. Returns the number of sockets reached.
   */
  setErr(group: number, errno: number): number {
    const state = this.netns.protocols[this.protocol];
    let n = 0;
    if (!state) return 0;
    for (const sk of state.mcList) {
      if (!sk.isMember(group)) continue;
      if (errno === 105 && sk.queue.noEnobufs) continue;
      sk.queue.setError(errno);
      n++;
    }
    return n;
  }

  /** hasListeners mirrors netlink_has_listeners(): does anybody listen to `group`? */
  hasListeners(group: number): boolean {
    const state = this.netns.protocols[this.protocol];
    if (!state) return false;
    for (const sk of state.mcList) if (sk.isMember(group)) return true;
    return false;
  }
}
