/**
 * AttrReader: an iterator over netlink attributes with typed getters and a sticky error.
 *
 * You loop with `next()`, switch on `type`, read with a getter and check `err()` once at
 * the end, so decoding code stays a flat switch without a check after every read. Walking
 * follows the kernel's `nla_for_each_attr` / `nla_ok` rule exactly, so what this reader
 * sees is what a kernel parser would see, including where it stops on a malformed stream.
 */
import { HOST_LE, viewOf } from './header.js';
import { NLA_ALIGN, NLA_HDRLEN } from './align.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK } from '../uapi/netlink.js';
import { DecodeError, NlsimError } from '../errors.js';

const textDecoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/**
 * AttrReader walks the attributes in `buf[offset, end)`.
 *
 * `baseOffset` is the position of `buf[0]` relative to the origin offsets are reported
 * against, usually the nlmsghdr of the message: a reader over a message's payload
 * subarray passes 16 there, so `offset` and DecodeError offsets are what extack's
 * NLMSGERR_ATTR_OFFS wants. Nested readers share `buf` and inherit it.
 *
 * Getters never throw: a payload of the wrong length sets a sticky DecodeError (the first
 * one wins, and a nested reader's error also lands in its parent) and returns 0, 0n, '' or
 * an empty array. Once an error is set, `next()` returns false.
 */
export class AttrReader {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  readonly #base: number;
  readonly #end: number;
  /** The reader this one was made from by nested(); it receives this reader's first error. */
  #parent: AttrReader | undefined = undefined;
  /** Offset in #buf of the next attribute header to examine. */
  #next: number;
  /** Offset in #buf of the current attribute header, or -1 before the first / after the last. */
  #cur = -1;
  #len = 0;
  #rawType = 0;
  #err: DecodeError | undefined;

  constructor(buf: Uint8Array, offset = 0, end = buf.length, baseOffset = 0) {
    if (!Number.isInteger(offset) || !Number.isInteger(end) || offset < 0 || end > buf.length || offset > end) {
      throw new NlsimError(
        'ERR_NLSIM_INVALID_ARGUMENT',
        `AttrReader: range [${offset}, ${end}) is not within a buffer of ${buf.length} bytes`,
      );
    }
    this.#buf = buf;
    this.#view = viewOf(buf);
    this.#next = offset;
    this.#end = end;
    this.#base = baseOffset;
  }

  /**
   * next advances to the next attribute and returns true, or returns false when none is
   * left, the next one is malformed, or an error is set. Mirrors `nla_ok()` + `nla_next()`:
   * an attribute needs remaining >= 4, nla_len >= 4 and nla_len <= remaining, and the next
   * one starts NLA_ALIGN(nla_len) later (capped at the end, so the last need not be padded).
   */
  next(): boolean {
    this.#cur = -1;
    this.#rawType = 0;
    if (this.#err !== undefined) return false;
    const remaining = this.#end - this.#next;
    if (remaining < NLA_HDRLEN) return false;
    const nlaLen = this.#view.getUint16(this.#next, HOST_LE);
    if (nlaLen < NLA_HDRLEN || nlaLen > remaining) return false;
    this.#cur = this.#next;
    this.#len = nlaLen - NLA_HDRLEN;
    this.#rawType = this.#view.getUint16(this.#next + 2, HOST_LE);
    this.#next += Math.min(NLA_ALIGN(nlaLen), remaining);
    return true;
  }

  /** type is the current attribute's type without NLA_F_NESTED / NLA_F_NET_BYTEORDER. Mirrors `nla_type()`. */
  get type(): number {
    return this.#rawType & NLA_TYPE_MASK;
  }

  /** typeFlags is the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits of the current attribute's type. */
  get typeFlags(): number {
    return this.#rawType & (NLA_F_NESTED | NLA_F_NET_BYTEORDER);
  }

  /** length is the current attribute's payload length (nla_len − 4). Mirrors `nla_len()`. */
  get length(): number {
    return this.#cur < 0 ? 0 : this.#len;
  }

  /** offset is where the current attribute's header is, counted from the baseOffset origin. */
  get offset(): number {
    return this.#base + (this.#cur < 0 ? this.#next : this.#cur);
  }

  /**
   * leftover is the number of bytes not consumed: after `next()` returned false, the bytes
   * the kernel reports as "bytes leftover after parsing attributes" (trailing garbage, an
   * nla_len below 4 or beyond the end). 0 for a well-formed stream.
   */
  leftover(): number {
    return this.#end - this.#next;
  }

  /** err returns the sticky error, if any getter or nested reader found malformed data. */
  err(): DecodeError | undefined {
    return this.#err;
  }

  /**
   * errOrLeftover returns `err()`, or else a DecodeError if bytes were left over: the strict
   * check a client decoding kernel output wants (the kernel's liberal parsers only warn).
   */
  errOrLeftover(): DecodeError | undefined {
    if (this.#err !== undefined) return this.#err;
    const left = this.leftover();
    if (left > 0) return new DecodeError(`${left} bytes leftover after parsing attributes`, this.#base + this.#next);
    return undefined;
  }

  /** bytes returns a copy of the current payload. */
  bytes(): Uint8Array {
    const p = this.#payload('bytes');
    return p < 0 ? new Uint8Array(0) : this.#buf.slice(p, p + this.#len);
  }

  /** view returns the current payload as a view of the input, without copying. */
  view(): Uint8Array {
    const p = this.#payload('view');
    return p < 0 ? EMPTY : this.#buf.subarray(p, p + this.#len);
  }

  /** u8 reads an NLA_U8 payload (exactly 1 byte). */
  u8(): number {
    const p = this.#fixed(1, 'u8');
    return p < 0 ? 0 : this.#view.getUint8(p);
  }

  /** u16 reads an NLA_U16 payload (exactly 2 bytes, host order). */
  u16(): number {
    const p = this.#fixed(2, 'u16');
    return p < 0 ? 0 : this.#view.getUint16(p, HOST_LE);
  }

  /** u32 reads an NLA_U32 payload (exactly 4 bytes, host order). */
  u32(): number {
    const p = this.#fixed(4, 'u32');
    return p < 0 ? 0 : this.#view.getUint32(p, HOST_LE);
  }

  /** u64 reads an NLA_U64 payload (exactly 8 bytes, host order) as a bigint. */
  u64(): bigint {
    const p = this.#fixed(8, 'u64');
    return p < 0 ? 0n : this.#view.getBigUint64(p, HOST_LE);
  }

  /** s8 reads an NLA_S8 payload. */
  s8(): number {
    const p = this.#fixed(1, 's8');
    return p < 0 ? 0 : this.#view.getInt8(p);
  }

  /** s16 reads an NLA_S16 payload (host order). */
  s16(): number {
    const p = this.#fixed(2, 's16');
    return p < 0 ? 0 : this.#view.getInt16(p, HOST_LE);
  }

  /** s32 reads an NLA_S32 payload (host order). */
  s32(): number {
    const p = this.#fixed(4, 's32');
    return p < 0 ? 0 : this.#view.getInt32(p, HOST_LE);
  }

  /** s64 reads an NLA_S64 payload (host order) as a bigint. */
  s64(): bigint {
    const p = this.#fixed(8, 's64');
    return p < 0 ? 0n : this.#view.getBigInt64(p, HOST_LE);
  }

  /** be16 reads a big-endian NLA_BE16 payload, whether or not NLA_F_NET_BYTEORDER is set (the kernel never checks it). */
  be16(): number {
    const p = this.#fixed(2, 'be16');
    return p < 0 ? 0 : this.#view.getUint16(p, false);
  }

  /** be32 reads a big-endian NLA_BE32 payload. */
  be32(): number {
    const p = this.#fixed(4, 'be32');
    return p < 0 ? 0 : this.#view.getUint32(p, false);
  }

  /**
   * string decodes the payload as UTF-8 up to the first NUL (or the whole payload if it has
   * none), which is what `nla_strscpy()` keeps. Invalid UTF-8 becomes U+FFFD.
   */
  string(): string {
    const p = this.#payload('string');
    if (p < 0) return '';
    const payload = this.#buf.subarray(p, p + this.#len);
    const nul = payload.indexOf(0);
    return textDecoder.decode(nul < 0 ? payload : payload.subarray(0, nul));
  }

  /** flag returns true for a zero-length payload (NLA_FLAG); any payload sets the error. */
  flag(): boolean {
    return this.#fixed(0, 'flag') >= 0;
  }

  /**
   * nested returns a reader over the current payload. It shares the input and baseOffset,
   * and its first error becomes this reader's error too. NLA_F_NESTED is not required: many
   * kernel nests are written without it.
   */
  nested(): AttrReader {
    const p = this.#payload('nested');
    const start = p < 0 ? this.#next : p;
    const child = new AttrReader(this.#buf, start, p < 0 ? start : p + this.#len, this.#base);
    child.#parent = this;
    return child;
  }

  /** #fail records the first error here and in every ancestor that has none yet. */
  #fail(message: string, at: number): void {
    const err = new DecodeError(message, this.#base + at);
    for (let r: AttrReader | undefined = this; r !== undefined; r = r.#parent) {
      if (r.#err === undefined) r.#err = err;
    }
  }

  /** #payload returns the current payload offset, or -1 (error set) when there is no current attribute. */
  #payload(what: string): number {
    if (this.#cur < 0) {
      this.#fail(`AttrReader.${what}() called without a current attribute`, this.#next);
      return -1;
    }
    return this.#cur + NLA_HDRLEN;
  }

  /** #fixed is #payload plus a check that the payload is exactly `size` bytes. */
  #fixed(size: number, what: string): number {
    const p = this.#payload(what);
    if (p < 0) return -1;
    if (this.#len !== size) {
      this.#fail(`attribute type ${this.type}: ${what} wants ${size} payload bytes, got ${this.#len}`, this.#cur);
      return -1;
    }
    return p;
  }
}

/** AttrEntry is one attribute as `attrsToArray` returns it. */
export interface AttrEntry {
  /** Type without the flag bits. */
  type: number;
  /** NLA_F_NESTED / NLA_F_NET_BYTEORDER bits. */
  flags: number;
  /** Offset of the attribute header from the baseOffset origin. */
  offset: number;
  /** The payload, a view of the input (not a copy). */
  payload: Uint8Array;
}

/**
 * parseAttrs maps each attribute type in `buf[offset, end)` to its payload (a view, not a
 * copy); for a repeated type the last one wins, as in `nla_parse()`. It stops where the
 * kernel would stop and never throws on malformed bytes.
 */
export function parseAttrs(buf: Uint8Array, offset = 0, end = buf.length): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const r = new AttrReader(buf, offset, end);
  while (r.next()) out.set(r.type, r.view());
  return out;
}

/** attrsToArray lists the attributes in `buf[offset, end)` in order, repeats included. */
export function attrsToArray(buf: Uint8Array, offset = 0, end = buf.length, baseOffset = 0): AttrEntry[] {
  const out: AttrEntry[] = [];
  const r = new AttrReader(buf, offset, end, baseOffset);
  while (r.next()) out.push({ type: r.type, flags: r.typeFlags, offset: r.offset, payload: r.view() });
  return out;
}
