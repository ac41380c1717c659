/**
 * Byte-order-aware reads and the text forms of addresses. Captures may come from a host of the
 * other byte order (tcpdump-pr878/netlink-be.pcap), so unlike sim/wire, which speaks the host's
 * order, the decoder reads every host-order field in the capture's order.
 */

/** Bytes reads fixed-size fields from a datagram in one byte order; reads past the end give undefined. */
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

/** formatMac renders a link-layer address as colon-separated lowercase hex (any length). */
export function formatMac(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

/** formatIPv4 renders 4 bytes in dotted quad. */
export function formatIPv4(b: Uint8Array): string {
  return Array.from(b).join('.');
}

/**
 * formatIPv6 renders 16 bytes as RFC 5952 text: lowercase, leading zeros dropped, the longest
 * run of two or more zero groups (the first on a tie) written `::`, and IPv4-mapped addresses
 * with a dotted tail, as inet_ntop(3) writes them.
 */
export function formatIPv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${formatIPv4(b.subarray(12, 16))}`;
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/** formatAddress renders an address by its length: IPv4, IPv6, or link-layer hex. */
export function formatAddress(b: Uint8Array): string {
  if (b.length === 4) return formatIPv4(b);
  if (b.length === 16) return formatIPv6(b);
  return formatMac(b);
}

/** cString decodes bytes up to the first NUL as UTF-8. */
export function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? b : b.subarray(0, nul));
}
