/**
 * Socket buffers as the virtual kernel queues them, and what each one costs a receive
 * buffer (skb->truesize). Getting truesize right is what makes exactly as many messages
 * fit in a socket as on Linux (256 small ones in the default 212992-byte buffer).
 */

/** Skb is one datagram in flight: the bytes plus the NETLINK_CB() control block. */
export interface Skb {
  /** The datagram. Shared, never mutated after queuing (multicast hands one buffer to all). */
  readonly data: Uint8Array;
  /** What the receiver's rmem_alloc is charged while this skb is queued. */
  readonly truesize: number;
  /** NETLINK_CB(skb).portid: the sender's port id, 0 for the kernel. */
  readonly portid: number;
  /** NETLINK_CB(skb).dst_group: the group it was sent to, 0 for plain unicast. */
  readonly dstGroup: number;
  /** NETLINK_CB(skb).creds: the sender's credentials at send time ({0,0,0} for the kernel). */
  readonly creds: { pid: number; uid: number; gid: number };
  /**
   * @internal true while the receive queue holding this skb is the only holder of `data`,
   * and `data` spans its whole ArrayBuffer: recvmsg() may then hand the bytes over instead
   * of copying them (the copy a real kernel makes into the user's buffer). Only user
   * unicasts are created so; a tap that sees the skb clears it, since it may keep the bytes.
   */
  exclusive?: boolean;
}

/** KERNEL_CREDS are the credentials of kernel-originated messages. */
export const KERNEL_CREDS = Object.freeze({ pid: 0, uid: 0, gid: 0 });

// Sizes on x86_64 Linux 6.18 with 4 KiB pages, measured (see KERNEL-SEMANTICS.md §H item 95).
/** sizeof(struct sk_buff) rounded as SKB_TRUESIZE adds it. */
const SKB_STRUCT = 256;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)). */
const SHINFO = 320;
/** SKB_SMALL_HEAD_CACHE_SIZE: heads this small come from a dedicated 576-byte cache. */
const SMALL_HEAD = 576;
const PAGE_SIZE = 4096;

/** NLMSG_GOODSIZE is SKB_WITH_OVERHEAD(PAGE_SIZE): the default dump chunk and reply size. */
export const NLMSG_GOODSIZE = PAGE_SIZE - SHINFO; // 3776
/** MAX_RECVMSG_LEN is SKB_WITH_OVERHEAD(32768), the cap on remembered recvmsg sizes. */
export const MAX_RECVMSG_LEN = 32768 - SHINFO; // 32448

const align64 = (n: number) => (n + 63) & ~63;

function nextPow2(n: number): number {
  let p = 64;
  while (p < n) p *= 2;
  return p;
}

/** kmallocHead returns the bytes kmalloc_reserve() hands out for a head of `size` data bytes. */
function kmallocHead(size: number): number {
  const obj = align64(size) + SHINFO;
  return obj <= SMALL_HEAD ? SMALL_HEAD : nextPow2(obj);
}

/**
 * kernelTruesize is the truesize of alloc_skb(size): kmalloc power-of-two buckets (or the
 * small-head cache), plus the sk_buff struct. Used for kernel skbs and multicast sends.
 */
export function kernelTruesize(size: number): number {
  return kmallocHead(size) + SKB_STRUCT;
}

/**
 * userUnicastTruesize mirrors netlink_alloc_large_skb() for a unicast send of `len` bytes:
 * heads up to a page come from kmalloc; larger ones from kvmalloc, which is not rounded to a
 * power of two.
 */
export function userUnicastTruesize(len: number): number {
  if (align64(len) + SHINFO > PAGE_SIZE) return align64(len) + SHINFO + SKB_STRUCT;
  return kernelTruesize(len);
}

/**
 * trimmedTruesize mirrors netlink_trim(): a kernel skb allocated with `allocSize` bytes but
 * holding only `len` is shrunk (re-allocated) when more than half its truesize is unused,
 * which is why a 36-byte ACK costs 832 whatever size the kernel first asked for.
 */
export function trimmedTruesize(len: number, allocSize: number): number {
  const truesize = kernelTruesize(allocSize);
  const room = kmallocHead(allocSize) - SHINFO;
  const delta = room - len;
  if (delta * 2 < truesize) return truesize;
  return kernelTruesize(len);
}

/** dumpChunkTruesize is the truesize of a dump chunk allocated with alloc_skb(size) and never trimmed. */
export const dumpChunkTruesize = kernelTruesize;
