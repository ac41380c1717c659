/**
 * Request/reply helpers for protocol tests: build a request, send it, and collect the
 * kernel's datagrams until the exchange is over (an NLMSG_ERROR or NLMSG_DONE for the
 * request's seq, or an empty queue). Works on any NetlinkSocket, so on both backends.
 */
import type { NetlinkSocket } from '../../sim/socket-api.js';
import { NLMSG_DONE, NLMSG_ERROR } from '../../sim/uapi/netlink.js';
import { type NlMessage, decodeMessages } from '../../sim/wire/messages.js';
import { encodeMessage, HOST_LE, viewOf } from '../../sim/wire/header.js';
import { decodeDone, decodeError, type DecodedDone, type DecodedError } from '../../sim/wire/nlmsgerr.js';
import { concat } from '../../sim/wire/concat.js';

export { concat };

/** Datagram is one received datagram and the messages in it. */
export interface Datagram {
  readonly data: Uint8Array;
  readonly messages: NlMessage[];
}

/** Exchange is everything a request produced. */
export interface Exchange {
  readonly datagrams: Datagram[];
  /** All messages, in order. */
  readonly messages: NlMessage[];
  /** The NLMSG_ERROR that ended the exchange, decoded. */
  readonly error?: DecodedError;
  /** The NLMSG_DONE that ended a dump, decoded. */
  readonly done?: DecodedDone;
}

/** attr encodes one attribute (nlattr + payload + padding). */
export function attr(type: number, payload: Uint8Array): Uint8Array {
  const len = 4 + payload.length;
  const out = new Uint8Array((len + 3) & ~3);
  const v = viewOf(out);
  v.setUint16(0, len, HOST_LE);
  v.setUint16(2, type, HOST_LE);
  out.set(payload, 4);
  return out;
}

/** attrU32 encodes a u32 attribute. */
export function attrU32(type: number, value: number): Uint8Array {
  const p = new Uint8Array(4);
  viewOf(p).setUint32(0, value >>> 0, HOST_LE);
  return attr(type, p);
}

/** attrString encodes a NUL-terminated string attribute. */
export function attrString(type: number, s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  const p = new Uint8Array(b.length + 1);
  p.set(b);
  return attr(type, p);
}


/** request builds one request message (nlmsg_pid 0). */
export function request(type: number, flags: number, payload: Uint8Array = new Uint8Array(0), seq = 1): Uint8Array {
  return encodeMessage({ type, flags, seq, pid: 0 }, payload);
}

/** receiveAll drains `sock` without blocking: every queued datagram (a dump advances on each recv). */
export function receiveAll(sock: NetlinkSocket, bufferSize = 65536): Datagram[] {
  const out: Datagram[] = [];
  for (;;) {
    let data: Uint8Array;
    try {
      data = sock.recvmsg({ bufferSize }).data;
    } catch (e) {
      if ((e as { code?: string }).code === 'EAGAIN') return out;
      throw e;
    }
    out.push({ data, messages: decodeMessages(data) });
  }
}

/**
 * exchange sends `data` to the kernel (port 0) and collects replies until an NLMSG_ERROR or
 * NLMSG_DONE for `seq` arrives (default: the first message's seq) or the queue is empty.
 */
export function exchange(sock: NetlinkSocket, data: Uint8Array, options: { seq?: number; bufferSize?: number } = {}): Exchange {
  const seq = options.seq ?? viewOf(data).getUint32(8, HOST_LE);
  sock.sendto(data, { pid: 0, groups: 0 });
  const datagrams: Datagram[] = [];
  let error: DecodedError | undefined;
  let done: DecodedDone | undefined;
  outer: for (;;) {
    let data: Uint8Array;
    try {
      data = sock.recvmsg({ bufferSize: options.bufferSize ?? 65536 }).data;
    } catch (e) {
      if ((e as { code?: string }).code === 'EAGAIN') break;
      throw e;
    }
    const messages = decodeMessages(data);
    datagrams.push({ data, messages });
    for (const m of messages) {
      if (m.header.seq !== seq) continue;
      if (m.header.type === NLMSG_ERROR) error = decodeError(m.payload, m.header.flags);
      else if (m.header.type === NLMSG_DONE) done = decodeDone(m.payload, m.header.flags);
      if (error || done) break outer;
    }
  }
  return { datagrams, messages: datagrams.flatMap((d) => d.messages), ...(error && { error }), ...(done && { done }) };
}
