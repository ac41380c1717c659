/**
 * Datagrams as sequences of netlink messages: walking them the way the kernel's request
 * loop does, and writing them the way the kernel builds replies (nlmsg_put … nlmsg_end).
 */
import { HOST_LE, type NlMsgHdr, readHeader, viewOf, writeHeader } from './header.js';
import { NLMSG_ALIGN, NLMSG_HDRLEN } from './align.js';
import { AttrWriter, type AttrWriterOptions } from './attr-writer.js';
import { NlsimError } from '../errors.js';

/** NlMessage is one message found in a datagram. */
export interface NlMessage {
  /** Offset of the message's header in the datagram. */
  offset: number;
  /** The decoded header; `len` is nlmsg_len as sent. */
  header: NlMsgHdr;
  /** The nlmsg_len − 16 payload bytes, a view of the datagram (not a copy). */
  payload: Uint8Array;
  /** The whole message (header + payload, nlmsg_len bytes), a view of the datagram. */
  bytes: Uint8Array;
}

/**
 * WalkStopReason says why walking ended: `'end'` all bytes consumed; `'trailing-bytes'`
 * 1–15 bytes left, too few for a header (ignored silently by the kernel); `'bad-length'`
 * a header with nlmsg_len < 16 or beyond the datagram (the kernel stops silently there).
 */
export type WalkStopReason = 'end' | 'trailing-bytes' | 'bad-length';

/** WalkResult records where and why `walkMessages` stopped. */
export interface WalkResult {
  /** Offset of the first byte not consumed (the datagram length for `'end'`). */
  stoppedAt: number;
  reason: WalkStopReason;
}

/**
 * walkMessages yields the messages of a datagram. Mirrors the loop of `netlink_rcv_skb()`:
 * it continues while ≥ 16 bytes remain, stops at a header whose nlmsg_len is < 16 or
 * larger than what remains, and finds the next message NLMSG_ALIGN(nlmsg_len) bytes on,
 * capped at the remaining length. It never throws.
 *
 * Where it stopped is the generator's return value and is also stored into `result`, if
 * given, once the walk completes (a `for…of` discards return values).
 */
export function* walkMessages(datagram: Uint8Array, result?: WalkResult): Generator<NlMessage, WalkResult, undefined> {
  let offset = 0;
  let reason: WalkStopReason | undefined;
  while (datagram.length - offset >= NLMSG_HDRLEN) {
    const remaining = datagram.length - offset;
    const header = readHeader(datagram, offset);
    if (header.len < NLMSG_HDRLEN || header.len > remaining) {
      reason = 'bad-length';
      break;
    }
    yield {
      offset,
      header,
      payload: datagram.subarray(offset + NLMSG_HDRLEN, offset + header.len),
      bytes: datagram.subarray(offset, offset + header.len),
    };
    offset += Math.min(NLMSG_ALIGN(header.len), remaining);
  }
  const done: WalkResult = {
    stoppedAt: offset,
    reason: reason ?? (offset === datagram.length ? 'end' : 'trailing-bytes'),
  };
  if (result !== undefined) Object.assign(result, done);
  return done;
}

/** decodeMessages returns every message `walkMessages` finds, as an array; see there for `result`. */
export function decodeMessages(datagram: Uint8Array, result?: WalkResult): NlMessage[] {
  return Array.from(walkMessages(datagram, result));
}

/**
 * concatMessages joins encoded messages into one datagram, zero-padding each to 4 bytes
 * so every message starts aligned, as the kernel lays out several messages in one skb.
 */
export function concatMessages(...msgs: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const m of msgs) total += NLMSG_ALIGN(m.length);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const m of msgs) {
    out.set(m, offset);
    offset += NLMSG_ALIGN(m.length);
  }
  return out;
}

/**
 * MessageWriter builds a datagram of one or more messages in one growable buffer.
 *
 * `begin()` reserves the header (mirrors `nlmsg_put()`), the body is written with `write()`
 * for fixed family headers and with `attrs` for attributes, and `end()` back-patches
 * nlmsg_len as the distance from the header to the tail (mirrors `nlmsg_end()`). Every
 * piece is padded to 4 bytes as the kernel pads it, so nlmsg_len is a multiple of 4 and each
 * message starts aligned. `encodingLength` is exactly the number of bytes `finish()` returns.
 */
export class MessageWriter {
  /** attrs writes the current message's attributes; it is the writer that owns the buffer. */
  readonly attrs: AttrWriter;
  /** Offset of the open message's header, or -1 between messages. */
  #start = -1;
  readonly #hdr = new Uint8Array(NLMSG_HDRLEN);

  constructor(options: AttrWriterOptions = {}) {
    this.attrs = new AttrWriter(options);
  }

  /** encodingLength is the number of bytes written so far, all padding included. */
  get encodingLength(): number {
    return this.attrs.length;
  }

  /**
   * begin starts a message with `header` (nlmsg_len is filled in by `end`) and returns the
   * offset of its header in the datagram. Mirrors `nlmsg_put()`.
   */
  begin(header: Omit<NlMsgHdr, 'len'>): number {
    if (this.#start >= 0) throw invalid('MessageWriter.begin: the previous message was not ended');
    writeHeader(this.#hdr, 0, { ...header, len: 0 });
    this.#start = this.attrs.raw(this.#hdr);
    return this.#start;
  }

  /**
   * write appends raw bytes to the open message (a family header such as genlmsghdr), zero-
   * padded to 4. Mirrors `nlmsg_append()`.
   */
  write(bytes: Uint8Array): void {
    this.#checkOpen('write');
    this.attrs.raw(bytes);
  }

  /** end closes the open message, back-patches its nlmsg_len and returns it. Mirrors `nlmsg_end()`. */
  end(): number {
    this.#checkOpen('end');
    const len = this.attrs.length - this.#start;
    // finishShared aliases the writer's buffer, so writing through it patches in place;
    // it also refuses when an attribute nest was left open inside the message.
    viewOf(this.attrs.finishShared()).setUint32(this.#start, len, HOST_LE);
    this.#start = -1;
    return len;
  }

  /** cancel drops the open message and everything written in it. Mirrors `nlmsg_cancel()`. */
  cancel(): void {
    this.#checkOpen('cancel');
    this.attrs.truncate(this.#start);
    this.#start = -1;
  }

  /** message writes one whole message: `begin(header)`, `fn(attrs)` if given, `end()`. Returns nlmsg_len. */
  message(header: Omit<NlMsgHdr, 'len'>, fn?: (w: AttrWriter) => void): number {
    this.begin(header);
    try {
      fn?.(this.attrs);
    } catch (err) {
      this.cancel();
      throw err;
    }
    return this.end();
  }

  /** finish returns a copy of the datagram. Throws if a message is still open. */
  finish(): Uint8Array {
    if (this.#start >= 0) throw invalid('MessageWriter.finish: a message is still open');
    return this.attrs.finish();
  }

  /** finishShared returns the datagram as a view valid until the next write or reset. */
  finishShared(): Uint8Array {
    if (this.#start >= 0) throw invalid('MessageWriter.finishShared: a message is still open');
    return this.attrs.finishShared();
  }

  /** reset forgets all messages and keeps the buffer for reuse. */
  reset(): void {
    this.attrs.reset();
    this.#start = -1;
  }

  #checkOpen(what: string): void {
    if (this.#start < 0) throw invalid(`MessageWriter.${what}: no message is open (call begin first)`);
  }
}

/** invalid builds the NlsimError for MessageWriter misuse. */
function invalid(message: string): NlsimError {
  return new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', message);
}
