/**
 * Helpers the workloads share: building requests, receiving with a count check, and the
 * truesize arithmetic that sizes receive buffers to hold a whole batch on both kernels.
 */
import type { NetlinkSocket } from '../../sim/socket-api.js';
import { kernelTruesize, userUnicastTruesize } from '../../sim/skb.js';
import { POLLERR, POLLIN, SO, SOL_SOCKET } from '../../sim/uapi/netlink.js';
import { encodeMessage } from '../../sim/wire/header.js';

/** BenchError is a workload receiving something other than what it sent for. */
export class BenchError extends Error {
  override name = 'BenchError';
}

/** check throws a BenchError with `message` unless `ok`. */
export function check(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new BenchError(message());
}

/**
 * forceRcvbuf gives `sock` room for `bytes` of queued truesize. SO_RCVBUFFORCE (root)
 * passes net.core.rmem_max; both kernels double the value, as Linux stores it.
 */
export function forceRcvbuf(sock: NetlinkSocket, bytes: number): void {
  sock.setsockopt(SOL_SOCKET, SO.SO_RCVBUFFORCE, Math.ceil(bytes / 2) + 4096);
}

/** unicastCost is what one user-to-user unicast of `len` bytes charges the receiver. */
export const unicastCost = userUnicastTruesize;
/** multicastCost is what one multicast copy of `len` bytes charges each member. */
export const multicastCost = kernelTruesize;

/** message returns one netlink message of exactly `size` bytes (header plus zero payload). */
export function message(type: number, flags: number, size: number, seq = 0): Uint8Array {
  return encodeMessage({ type, flags, seq, pid: 0 }, new Uint8Array(size - 16));
}

/**
 * drainExpect receives exactly `count` datagrams of `length` bytes each, then checks that
 * the queue is empty (EAGAIN). Any other outcome is a BenchError.
 */
export function drainExpect(sock: NetlinkSocket, count: number, length: number, bufferSize: number): void {
  for (let i = 0; i < count; i++) {
    const r = sock.recvmsg({ bufferSize });
    check(r.length === length, () => `datagram ${i} of ${count}: ${r.length} bytes, expected ${length}`);
  }
  expectEmpty(sock, count);
}

/**
 * expectEmpty checks that `sock` has nothing more queued after `received` datagrams. It asks
 * poll() rather than provoking EAGAIN: an exception costs ~7 us on either backend here (the
 * stack capture), which would swamp fan-out steps that check 1000 sockets.
 */
export function expectEmpty(sock: NetlinkSocket, received: number): void {
  check((sock.poll() & (POLLIN | POLLERR)) === 0, () => `more queued after ${received} datagrams (poll ${sock.poll()})`);
}
