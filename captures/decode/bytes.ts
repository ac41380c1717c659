/**
 * Byte-order-aware reads and the text forms of addresses. Captures may come from a host of the
 * other byte order (tcpdump-pr878/netlink-be.pcap), so unlike sim/wire, which speaks the host's
 * order, the decoder reads every host-order field in the capture's order.
 */

/** Bytes reads fixed-size fields from a datagram in one byte order; reads past the end give undefined. */
export { formatAddress, formatIPv4, formatIPv6, formatMac } from '../../sim/wire/addr-text.js';

export class Bytes {
  readonly buf: Uint8Array;
  readonly le: boolean;
  readonly #view: DataView;

  constructor(buf: Uint8Array, le: boolean) {
    this.buf = buf;
    this.le = le;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** fits is true when `size` bytes are available at `at`. */
  fits(at: number, size: number): boolean {
    return at >= 0 && at + size <= this.buf.length;
  }
  u8(at: number): number {
    return this.#view.getUint8(at);
  }
  u16(at: number): number {
    return this.#view.getUint16(at, this.le);
  }
  u32(at: number): number {
    return this.#view.getUint32(at, this.le);
  }
  s32(at: number): number {
    return this.#view.getInt32(at, this.le);
  }
  u64(at: number): bigint {
    return this.#view.getBigUint64(at, this.le);
  }
  s64(at: number): bigint {
    return this.#view.getBigInt64(at, this.le);
  }
  be16(at: number): number {
    return this.#view.getUint16(at, false);
  }
  be32(at: number): number {
    return this.#view.getUint32(at, false);
  }
  be64(at: number): bigint {
    return this.#view.getBigUint64(at, false);
  }
  /** hex renders `[at, at+len)` as lowercase hex. */
  hex(at: number, len: number): string {
    return toHex(this.buf.subarray(at, at + len));
  }
}

/** toHex renders bytes as lowercase hex without separators. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** bigToScalar keeps a u64 a number while it is exact, else a decimal string (JSON has no bigint). */
export function bigToScalar(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** cString decodes bytes up to the first NUL as UTF-8. */
export function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? b : b.subarray(0, nul));
}
