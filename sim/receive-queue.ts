/**
 * A socket's receive queue and its memory accounting: mirrors netlink_attachskb(),
 * netlink_broadcast_deliver(), netlink_overrun() and netlink_rcv_wake().
 */
import type { Skb } from './skb.js';

/** ReceiveQueue is sk_receive_queue plus the state af_netlink keeps beside it. */
export class ReceiveQueue {
  /** Queued datagrams, oldest first. `#head` avoids O(n) shifts on the hot path. */
  #items: Skb[] = [];
  #head = 0;
  /** sk_rmem_alloc: the truesize of everything queued. */
  rmemAlloc = 0;
  /** sk_rcvbuf. */
  rcvbuf: number;
  /** NETLINK_S_CONGESTED: once set, every delivery is refused until the queue drains. */
  congested = false;
  /** sk_err: a pending error returned (and cleared) by the next receive. 0 for none. */
  err = 0;
  /** sk_drops: datagrams the kernel dropped for this socket. */
  drops = 0;
  /** NETLINK_NO_ENOBUFS. */
  noEnobufs = false;
  /** Called when data or an error becomes available, and when the queue is woken. */
  #onChange: () => void;
  /** Senders blocked on this full queue (netlink_attachskb() sleeping on nlk->wait). */
  #roomWaiters: (() => void)[] = [];

  constructor(rcvbuf: number, onChange: () => void) {
    this.rcvbuf = rcvbuf;
    this.#onChange = onChange;
  }

  /** length is the number of queued datagrams. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** peek returns the oldest datagram without dequeuing it. */
  peek(): Skb | undefined {
    return this.#items[this.#head];
  }

  /** shift dequeues the oldest datagram and uncharges it. */
  shift(): Skb | undefined {
    const skb = this.#items[this.#head];
    if (!skb) return undefined;
    this.#items[this.#head++] = undefined as unknown as Skb;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    this.rmemAlloc -= skb.truesize;
    return skb;
  }

  /** items lists the queued datagrams, oldest first (for inspection). */
  items(): readonly Skb[] {
    return this.#items.slice(this.#head);
  }

  /**
   * admits reports whether an skb of `truesize` may be queued: mirrors the check of
   * netlink_attachskb() and netlink_broadcast_deliver() on 6.18: after charging, the
   * queue must be within rcvbuf, or the skb must be alone (one skb of any size always
   * fits an empty socket), and the socket must not be congested.
   */
  admits(truesize: number): boolean {
    const rmem = this.rmemAlloc + truesize;
    return (rmem === truesize || rmem <= this.rcvbuf) && !this.congested;
  }

  /** push queues `skb` unconditionally (__netlink_sendskb): callers check admits() first. */
  push(skb: Skb): void {
    this.#items.push(skb);
    this.rmemAlloc += skb.truesize;
    this.#onChange();
  }

  /**
   * overrun mirrors netlink_overrun(): counts a drop and, unless NETLINK_NO_ENOBUFS is set,
   * latches the congested state and reports ENOBUFS once.
   */
  overrun(): void {
    if (!this.noEnobufs && !this.congested) {
      this.congested = true;
      this.setError(105 /* ENOBUFS */);
    }
    this.drops++;
  }

  /** setError sets sk_err and wakes readers (sk_error_report). */
  setError(errno: number): void {
    this.err = errno;
    this.#onChange();
  }

  /** takeError returns and clears a pending sk_err (sock_error()). */
  takeError(): number {
    const e = this.err;
    this.err = 0;
    return e;
  }

  /** wake mirrors netlink_rcv_wake(): an empty queue clears the congested latch and wakes blocked senders. */
  wake(): void {
    if (this.length === 0) this.congested = false;
    if (!this.congested) {
      this.#onChange();
      this.#wakeSenders();
    }
  }

  /** waitForRoom calls `resume` the next time a receive wakes this queue (or it is cleared). */
  waitForRoom(resume: () => void): void {
    this.#roomWaiters.push(resume);
  }

  #wakeSenders(): void {
    if (!this.#roomWaiters.length) return;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    queueMicrotask(() => {
      for (const w of waiters) w();
    });
  }

  /** clear drops everything queued (on close), releasing blocked senders to retry. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.rmemAlloc = 0;
    this.#wakeSenders();
  }
}
