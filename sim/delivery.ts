/**
 * Moving datagrams: unicast to a socket or to a protocol's input, and multicast to a
 * group. Mirrors netlink_getsockbyportid(), netlink_unicast(), netlink_unicast_kernel(),
 * netlink_attachskb(), netlink_broadcast() and do_one_broadcast().
 *
 * Results follow the kernel's convention (a length or 0 on success, a negative errno on
 * failure) because these run on every send and an exception per refused datagram would
 * cost more than the delivery itself. The syscall layer turns them into NetlinkErrors.
 */
import type { KernelSocket } from './kernel-socket.js';
import type { PortOwner } from './netns.js';
import type { Skb } from './skb.js';
import type { NetlinkSock } from './sock.js';

export const ECONNREFUSED = -111;
export const EAGAIN = -11;
export const ESRCH = -3;
export const ENOBUFS = -105;

/** Sender is the socket a datagram leaves from: a user socket or a kernel socket. */
export type Sender = NetlinkSock | KernelSocket;

/** TapDirection says which way a tapped datagram went, as nlmon's packet type does. */
export type TapDirection = 'to-kernel' | 'to-user';

/** Tap receives a copy of every datagram delivered, as an nlmon device would (af_netlink's taps). */
export type Tap = (skb: Skb, protocol: number, direction: TapDirection) => void;

/**
 * getSockByPortid mirrors netlink_getsockbyportid(): the socket bound to `portid`, unless it
 * is connected to somebody other than the sender.
 */
export function getSockByPortid(sender: Sender, portid: number): PortOwner | number {
  const target = sender.netns.protocols[sender.protocol]?.ports.get(portid);
  if (!target) return ECONNREFUSED;
  if (!target.isKernel && target.connected && target.dstPortid !== sender.portid) return ECONNREFUSED;
  return target;
}

/**
 * unicast mirrors netlink_unicast(): delivers `skb` to the socket bound to `portid`, or hands
 * it to the protocol's input when that is the kernel. Returns the datagram length or a
 * negative errno. A full receiver gives -EAGAIN; when the sender is the kernel the receiver
 * is also overrun (the datagram is lost and the receiver learns ENOBUFS).
 */
export function unicast(sender: Sender, skb: Skb, portid: number): number {
  const target = getSockByPortid(sender, portid);
  if (typeof target === 'number') return target;
  if (target.isKernel) return target.receive(skb, sender as NetlinkSock);
  const q = target.queue;
  if (!q.admits(skb.truesize)) {
    if (sender.isKernel) q.overrun();
    return EAGAIN;
  }
  const taps = target.netns.taps;
  if (taps.size) {
    skb.exclusive = false;
    for (const tap of taps) tap(skb, target.protocol, 'to-user');
  }
  q.push(skb);
  return skb.data.length;
}

/** BroadcastOptions tune one multicast. */
export interface BroadcastOptions {
  /** The port id that gets a unicast copy instead: members bound to it are skipped. */
  portid: number;
  /** The sending socket, never delivered to. */
  exclude: Sender | null;
}

/**
 * broadcast mirrors netlink_broadcast(): delivers `skb` to every member of `skb.dstGroup`
 * in the sender's namespace, except the sending socket and sockets bound to
 * `options.portid`. Returns 0 when at least one member got it, -ESRCH when none did,
 * and -ENOBUFS when a NETLINK_BROADCAST_ERROR member was overrun.
 */
export function broadcast(sender: Sender, skb: Skb, options: BroadcastOptions): number {
  const state = sender.netns.protocols[sender.protocol];
  if (!state) return ESRCH;
  const taps = sender.netns.taps;
  const group = skb.dstGroup;
  let delivered = false;
  let deliveryFailure = false;
  for (const sk of state.mcList) {
    if (sk === options.exclude || sk.portid === options.portid || !sk.isMember(group)) continue;
    const q = sk.queue;
    if (q.admits(skb.truesize)) {
      if (taps.size) for (const tap of taps) tap(skb, sk.protocol, 'to-user');
      q.push(skb);
      delivered = true;
    } else {
      q.overrun();
      if (sk.broadcastError) deliveryFailure = true;
    }
  }
  if (deliveryFailure) return ENOBUFS;
  return delivered ? 0 : ESRCH;
}
