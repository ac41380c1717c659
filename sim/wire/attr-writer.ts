/**
 * AttrWriter: netlink attributes written in place into one growable buffer.
 *
 * The kernel builds a message by reserving room at the skb tail and back-patching lengths
 * (`nla_put`, `nla_nest_start` / `nla_nest_end`). This writer does the same over a
 * Uint8Array + DataView pair that doubles when full, so a nest costs one header write and
 * one patch instead of an allocation per attribute and per nest.
 */
import { HOST_LE, writeU16, writeU32 } from './header.js';
import { NLA_ALIGN, NLA_HDRLEN } from './align.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER } from '../uapi/netlink.js';
import { NlsimError } from '../errors.js';

/**
 * DEFAULT_INITIAL_SIZE is the first buffer size in bytes. Not benchmarked yet: it is a
 * guess that fits typical genetlink and small rtnetlink replies without growing.
 */
const DEFAULT_INITIAL_SIZE = 512;

/** MAX_NLA_LEN is the largest nla_len a u16 can carry. */
const MAX_NLA_LEN = 0xffff;

const U64_MAX = (1n << 64n) - 1n;
const S64_MIN = -(1n << 63n);
const S64_MAX = (1n << 63n) - 1n;

const textEncoder = new TextEncoder();

/**
 * ASCII_LOOP_MAX: strings up to this many UTF-16 units are copied by a JS loop when they
 * are ASCII (interface and family names); TextEncoder.encodeInto() and the subarray it needs
 * cost more than the loop below about this length (measured with an nlctrl/ifinfo-like
 * message of 11 short strings: encodeInto was 12% of AttrWriter's time).
 */
const ASCII_LOOP_MAX = 32;

/**
 * asciiInto copies `s` to `buf` at `at` when every unit is ASCII, returning the bytes
 * written, or -1 (having written garbage the caller overwrites) at the first non-ASCII unit.
 */
function asciiInto(s: string, buf: Uint8Array, at: number): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[at + i] = c;
  }
  return s.length;
}

/** AttrWriterOptions configure an AttrWriter. */
export interface AttrWriterOptions {
  /** Bytes allocated up front; the buffer doubles as needed. Defaults to 512. */
  initialSize?: number;
}

/** NestOptions configure `AttrWriter#nested`. */
export interface NestOptions {
  /**
   * Set NLA_F_NESTED on the nest's type. Defaults to true. Pass false to reproduce the many
   * kernel nests written with plain `nla_nest_start()`, such as nlctrl's CTRL_ATTR_OPS.
   */
  nestedFlag?: boolean;
}

/** invalid builds the NlsimError every argument check throws. */
function invalid(message: string): NlsimError {
  return new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', message);
}

/** checkInt throws unless `v` is an integer in [min, max]: a silently truncated value is a bug. */
function checkInt(v: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw invalid(`AttrWriter.${what}: ${String(v)} is not an integer in [${min}, ${max}]`);
  }
}

/** toBigInt converts a u64/s64 argument and checks its range. */
function toBigInt(v: bigint | number, min: bigint, max: bigint, what: string): bigint {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) {
    throw invalid(`AttrWriter.${what}: ${String(v)} is not a safe integer; pass a bigint`);
  }
  const b = BigInt(v);
  if (b < min || b > max) throw invalid(`AttrWriter.${what}: ${b} is out of range [${min}, ${max}]`);
  return b;
}

/**
 * AttrWriter encodes a sequence of netlink attributes (struct nlattr + payload + padding).
 *
 * Each attribute gets nla_len = 4 + unpadded payload length and is followed by zero padding
 * to a multiple of 4, as `nla_put()` does. Integers are written in host byte order except
 * `be16`/`be32`, which are big-endian and carry NLA_F_NET_BYTEORDER. Argument errors throw
 * NlsimError('ERR_NLSIM_INVALID_ARGUMENT') at once and leave the bytes written so far intact.
 */
export class AttrWriter {
  #buf: Uint8Array;
  /**
   * #dataView is created on first use by the 64-bit and big-endian writers (#view) and
   * dropped when the buffer grows. The common writers store bytes directly: a DataView costs
   * ~80 ns to create on Node 20, as much as a dozen attributes (nlsim bench, RTM_GETLINK
   * dump and nlctrl GETFAMILY profiles).
   */
  #dataView: DataView | null = null;
  #pos = 0;
  /** Offsets of the open nests, innermost last, so misuse is caught at endNest. */
  #nests: number[] = [];

  constructor(options: AttrWriterOptions = {}) {
    const size = options.initialSize ?? DEFAULT_INITIAL_SIZE;
    checkInt(size, 0, 0x7fffffff, 'constructor initialSize');
    this.#buf = new Uint8Array(size);
  }

  /** #view is a DataView of the current buffer; read it only after the #put that may grow it. */
  get #view(): DataView {
    return (this.#dataView ??= new DataView(this.#buf.buffer));
  }

  /** length is the number of bytes written so far, padding included. */
  get length(): number {
    return this.#pos;
  }

  /** u8 writes an NLA_U8 attribute. Mirrors `nla_put_u8()`. */
  u8(type: number, v: number): void {
    checkInt(v, 0, 0xff, 'u8');
    const at = this.#put(type, 1);
    this.#buf[at] = v;
  }

  /** u16 writes an NLA_U16 attribute in host byte order. Mirrors `nla_put_u16()`. */
  u16(type: number, v: number): void {
    checkInt(v, 0, 0xffff, 'u16');
    const at = this.#put(type, 2);
    writeU16(this.#buf, at, v);
  }

  /**
   * u32 writes an NLA_U32 attribute in host byte order. Mirrors `nla_put_u32()`. `v` is an
   * integer in [0, 2^32) or, with the same bits, in [-2^31, 0): what JavaScript's bitwise
   * operators give for a u32 whose top bit is set (`flags | IFA_F_PERMANENT`), as C's u32
   * arithmetic would keep it.
   */
  u32(type: number, v: number): void {
    checkInt(v, -0x80000000, 0xffffffff, 'u32');
    const at = this.#put(type, 4);
    writeU32(this.#buf, at, v);
  }

  /**
   * u64 writes an NLA_U64 attribute in host byte order. Mirrors `nla_put_u64_64bit()` on
   * architectures with efficient unaligned access, which add no PAD attribute before it.
   */
  u64(type: number, v: bigint | number): void {
    const b = toBigInt(v, 0n, U64_MAX, 'u64');
    const at = this.#put(type, 8);
    this.#view.setBigUint64(at, b, HOST_LE);
  }

  /** s8 writes an NLA_S8 attribute. Mirrors `nla_put_s8()`. */
  s8(type: number, v: number): void {
    checkInt(v, -0x80, 0x7f, 's8');
    const at = this.#put(type, 1);
    this.#buf[at] = v; // two's complement, as a Uint8Array stores it
  }

  /** s16 writes an NLA_S16 attribute in host byte order. Mirrors `nla_put_s16()`. */
  s16(type: number, v: number): void {
    checkInt(v, -0x8000, 0x7fff, 's16');
    const at = this.#put(type, 2);
    writeU16(this.#buf, at, v);
  }

  /** s32 writes an NLA_S32 attribute in host byte order. Mirrors `nla_put_s32()`. */
  s32(type: number, v: number): void {
    checkInt(v, -0x80000000, 0x7fffffff, 's32');
    const at = this.#put(type, 4);
    writeU32(this.#buf, at, v);
  }

  /** s64 writes an NLA_S64 attribute in host byte order. Mirrors `nla_put_s64()` (no PAD, as u64). */
  s64(type: number, v: bigint | number): void {
    const b = toBigInt(v, S64_MIN, S64_MAX, 's64');
    const at = this.#put(type, 8);
    this.#view.setBigInt64(at, b, HOST_LE);
  }

  /**
   * be16 writes an NLA_BE16 attribute: big-endian, with NLA_F_NET_BYTEORDER set on the type.
   * Mirrors `nla_put_net16()`.
   */
  be16(type: number, v: number): void {
    checkInt(v, 0, 0xffff, 'be16');
    this.#checkType(type);
    const at = this.#put(type | NLA_F_NET_BYTEORDER, 2);
    this.#view.setUint16(at, v, false);
  }

  /**
   * be32 writes an NLA_BE32 attribute: big-endian, with NLA_F_NET_BYTEORDER set on the type.
   * Mirrors `nla_put_net32()`.
   */
  be32(type: number, v: number): void {
    checkInt(v, -0x80000000, 0xffffffff, 'be32'); // the bits of a u32, as u32() takes them
    this.#checkType(type);
    const at = this.#put(type | NLA_F_NET_BYTEORDER, 4);
    this.#view.setUint32(at, v, false);
  }

  /** string writes `s` as UTF-8 followed by a NUL (NLA_NUL_STRING). Mirrors `nla_put_string()`. */
  string(type: number, s: string): void {
    this.#putString(type, s, true);
  }

  /** stringNoNul writes `s` as UTF-8 without a terminating NUL (NLA_STRING as some families send it). */
  stringNoNul(type: number, s: string): void {
    this.#putString(type, s, false);
  }

  /** bytes writes `b` verbatim as the payload (NLA_BINARY). Mirrors `nla_put()`. */
  bytes(type: number, b: Uint8Array): void {
    const at = this.#put(type, b.length);
    this.#buf.set(b, at);
  }

  /**
   * u32Array writes `values` as consecutive host-order 32-bit integers (negative ones wrap):
   * the payload of attributes that carry a C array or a struct of u32s (ipv6_store_devconf(),
   * IFLA_INET_CONF, struct ifla_cacheinfo), written in place without a temporary buffer.
   */
  u32Array(type: number, values: ArrayLike<number>): void {
    const at = this.#put(type, values.length * 4);
    const buf = this.#buf;
    for (let i = 0; i < values.length; i++) writeU32(buf, at + i * 4, values[i]!);
  }

  /** flag writes a zero-length NLA_FLAG attribute. Mirrors `nla_put_flag()`. */
  flag(type: number): void {
    this.#put(type, 0);
  }

  /**
   * nested writes a nest whose children are the attributes `fn` writes through `w` (this
   * writer). The nest's nla_len covers the children with their padding, as `nla_nest_end()`
   * computes it. If `fn` throws, the partial nest is removed and the error rethrown.
   */
  nested(type: number, fn: (w: AttrWriter) => void, options: NestOptions = {}): void {
    const token = this.beginNest(type, options.nestedFlag ?? true);
    try {
      fn(this);
    } catch (err) {
      this.cancelNest(token);
      throw err;
    }
    this.endNest(token);
  }

  /**
   * beginNest opens a nest and returns the token `endNest` needs. Mirrors `nla_nest_start()`
   * (`nestedFlag` true, the default) or `nla_nest_start_noflag()` (false).
   */
  beginNest(type: number, nestedFlag = true): number {
    this.#checkType(type);
    this.#ensure(NLA_HDRLEN);
    const token = this.#pos;
    writeU16(this.#buf, token, 0);
    writeU16(this.#buf, token + 2, nestedFlag ? type | NLA_F_NESTED : type);
    this.#pos += NLA_HDRLEN;
    this.#nests.push(token);
    return token;
  }

  /**
   * endNest closes the innermost nest, which must be `token`, and back-patches its nla_len.
   * Mirrors `nla_nest_end()`.
   *
   * @note The kernel silently truncates a nest longer than 65535 bytes to 16 bits; that
   * corrupts the stream, so here the nest is discarded and an NlsimError thrown instead.
   */
  endNest(token: number): void {
    if (this.#nests[this.#nests.length - 1] !== token) {
      throw invalid(`AttrWriter.endNest: ${token} is not the innermost open nest`);
    }
    const len = this.#pos - token;
    if (len > MAX_NLA_LEN) {
      this.cancelNest(token);
      throw invalid(`AttrWriter.endNest: nest of ${len} bytes exceeds nla_len's 65535`);
    }
    this.#nests.pop();
    writeU16(this.#buf, token, len);
  }

  /**
   * cancelNest removes the nest opened as `token`, with everything written in it and any
   * nest still open inside it. Mirrors `nla_nest_cancel()`.
   */
  cancelNest(token: number): void {
    const i = this.#nests.lastIndexOf(token);
    if (i < 0) throw invalid(`AttrWriter.cancelNest: ${token} is not an open nest`);
    this.#nests.length = i;
    this.#pos = token;
  }

  /**
   * truncate drops everything after the first `length` bytes, with any nest opened there.
   * Mirrors `nlmsg_trim()`; MessageWriter uses it to cancel a message.
   */
  truncate(length: number): void {
    checkInt(length, 0, this.#pos, 'truncate');
    while (this.#nests.length > 0 && this.#nests[this.#nests.length - 1]! >= length) this.#nests.pop();
    this.#pos = length;
  }

  /**
   * raw appends `b` verbatim, not as an attribute, then zero-pads to 4 bytes, and returns the
   * offset it was written at. It is for the fixed family headers (genlmsghdr, ifinfomsg…)
   * that precede attributes; it mirrors `nlmsg_append()`.
   */
  raw(b: Uint8Array): number {
    const total = NLA_ALIGN(b.length);
    this.#ensure(total);
    const at = this.#pos;
    const buf = this.#buf;
    buf.set(b, at);
    for (let i = at + b.length; i < at + total; i++) buf[i] = 0;
    this.#pos = at + total;
    return at;
  }

  /**
   * finish returns a copy of the bytes written. It throws if a nest is still open, because
   * its nla_len would still be 0.
   */
  finish(): Uint8Array {
    this.#checkClosed('finish');
    return this.#buf.slice(0, this.#pos);
  }

  /**
   * finishShared returns the bytes written as a view of the internal buffer, without
   * copying. The view is valid until the next write or reset. Throws like `finish`.
   */
  finishShared(): Uint8Array {
    this.#checkClosed('finishShared');
    return this.#buf.subarray(0, this.#pos);
  }

  /** reset forgets everything written (and any open nest) and keeps the buffer for reuse. */
  reset(): void {
    this.#pos = 0;
    this.#nests.length = 0;
  }

  #checkClosed(what: string): void {
    if (this.#nests.length > 0) throw invalid(`AttrWriter.${what}: ${this.#nests.length} nest(s) still open`);
  }

  #checkType(type: number): void {
    checkInt(type, 0, 0xffff, 'type');
  }

  /** #ensure makes room for `n` more bytes, doubling the buffer until they fit. */
  #ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let size = Math.max(this.#buf.length, 64);
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
    this.#dataView = null;
  }

  /**
   * #put reserves an attribute of `len` payload bytes: header written, padding zeroed (the
   * buffer is reused after reset, so it may hold old bytes). Returns the payload offset.
   */
  #put(type: number, len: number): number {
    this.#checkType(type);
    const nlaLen = NLA_HDRLEN + len;
    if (nlaLen > MAX_NLA_LEN) throw invalid(`AttrWriter: payload of ${len} bytes exceeds nla_len's 65535`);
    const total = NLA_ALIGN(nlaLen);
    this.#ensure(total);
    const at = this.#pos;
    const buf = this.#buf;
    writeU16(buf, at, nlaLen);
    writeU16(buf, at + 2, type);
    // At most 3 bytes of padding: a loop, not a fill() call, which costs more than it writes.
    for (let i = at + nlaLen; i < at + total; i++) buf[i] = 0;
    this.#pos = at + total;
    return at + NLA_HDRLEN;
  }

  /**
   * #putString encodes straight into the buffer: UTF-8 needs at most 3 bytes per UTF-16
   * unit, so room for that is made first and the header written once the length is known.
   */
  #putString(type: number, s: string, nul: boolean): void {
    this.#checkType(type);
    this.#ensure(NLA_ALIGN(NLA_HDRLEN + s.length * 3 + 1));
    const at = this.#pos;
    const data = at + NLA_HDRLEN;
    const written = s.length <= ASCII_LOOP_MAX ? asciiInto(s, this.#buf, data) : -1;
    if (written < 0) this.#putUtf8(at, type, s, nul);
    else this.#finishString(at, type, written, nul);
  }

  /** #putUtf8 encodes a non-ASCII or long string with TextEncoder straight into the buffer. */
  #putUtf8(at: number, type: number, s: string, nul: boolean): void {
    const data = at + NLA_HDRLEN;
    const { written } = textEncoder.encodeInto(s, this.#buf.subarray(data, data + s.length * 3));
    this.#finishString(at, type, written, nul);
  }

  /** #finishString writes the header, NUL and padding of a string attribute of `written` bytes. */
  #finishString(at: number, type: number, written: number, nul: boolean): void {
    const data = at + NLA_HDRLEN;
    const nlaLen = NLA_HDRLEN + written + (nul ? 1 : 0);
    if (nlaLen > MAX_NLA_LEN) throw invalid(`AttrWriter.string: ${written} bytes exceed nla_len's 65535`);
    const total = NLA_ALIGN(nlaLen);
    const buf = this.#buf;
    writeU16(buf, at, nlaLen);
    writeU16(buf, at + 2, type);
    // The NUL, if any, and the padding.
    for (let i = data + written; i < at + total; i++) buf[i] = 0;
    this.#pos = at + total;
  }
}

/** AttrPayload is a message payload: ready bytes, or attributes written by a callback. */
export type AttrPayload = Uint8Array | ((w: AttrWriter) => void);

/**
 * Writers lent by withPayload(). A fresh AttrWriter costs a 512-byte buffer: per message that
 * was a quarter of a GETFAMILY round trip and held small-message dumps to 0.75 M msgs/s
 * (nlsim bench). A pool rather than one writer, so a callback may itself encode.
 */
const pool: AttrWriter[] = [];

/**
 * withPayload calls `consume` with the bytes of `payload`. A callback payload is written into
 * a pooled writer whose bytes are valid only until `consume` returns: copy what you keep.
 */
export function withPayload<T>(payload: AttrPayload, consume: (bytes: Uint8Array) => T): T {
  if (payload instanceof Uint8Array) return consume(payload);
  const w = pool.pop() ?? new AttrWriter();
  w.reset();
  try {
    payload(w);
    return consume(w.finishShared());
  } finally {
    pool.push(w);
  }
}

/** encodePayload returns the bytes of `payload` in a buffer of their own (callbacks run on a pooled writer). */
export function encodePayload(payload: AttrPayload): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  return withPayload(payload, (bytes) => bytes.slice());
}
