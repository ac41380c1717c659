/**
 * Shared helpers for the capture tests: where the third-party captures live, what SOURCES.md
 * says about each, and small byte builders.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import type { ByteOrder, CaptureRecord } from '../../captures/capture.js';
import { concat } from '../../sim/wire/concat.js';

export { concat };

/** SHARED_CAPTURES is /work/shared/captures (X/shared/captures from a clone at X/main). */
export const SHARED_CAPTURES = fileURLToPath(new URL('../../../shared/captures/', import.meta.url));

/** RealCapture is one row of SOURCES.md's table, plus facts checked by hand with xxd. */
export interface RealCapture {
  path: string;
  /** Byte order of the pcap file header. */
  fileByteOrder: ByteOrder;
  /** Byte order of the netlink payloads (the capturing host's). */
  payloadOrder: ByteOrder;
  records: number;
  /** Netlink messages over all records (SOURCES.md, or counted by hand for netlink-be). */
  messages: number;
  snaplen: number;
  /** The netlink families seen. */
  protocols: number[];
}

/** REAL_CAPTURES lists the real nlmon captures in SHARED_CAPTURES. */
export const REAL_CAPTURES: RealCapture[] = [
  { path: 'pyroute2/nl0.pcap', fileByteOrder: 'LE', payloadOrder: 'LE', records: 19, messages: 34, snaplen: 262144, protocols: [0, 16] },
  { path: 'tcpdump-pr878/netlink-le.pcap', fileByteOrder: 'LE', payloadOrder: 'LE', records: 7, messages: 8, snaplen: 262144, protocols: [0, 12] },
  // A big-endian host's capture in a little-endian file (and tcpdump's older 65535 snaplen).
  { path: 'tcpdump-pr878/netlink-be.pcap', fileByteOrder: 'LE', payloadOrder: 'BE', records: 2, messages: 2, snaplen: 65535, protocols: [0] },
  { path: 'nldecap/two_packets_le.pcap', fileByteOrder: 'LE', payloadOrder: 'LE', records: 2, messages: 4, snaplen: 262144, protocols: [0] },
  // The same packets with only the file header byte-swapped.
  { path: 'nldecap/two_packets_be.pcap', fileByteOrder: 'BE', payloadOrder: 'LE', records: 2, messages: 4, snaplen: 262144, protocols: [0] },
];

/** NOT_NETLINK lists the two Ethernet captures a netlink reader must refuse. */
export const NOT_NETLINK = ['nldecap/1pkt_not_netlink_le.pcap', 'nldecap/1pkt_not_netlink_be.pcap'];

/** sharedPath returns the absolute path of a shared capture. */
export function sharedPath(rel: string): string {
  return SHARED_CAPTURES + rel;
}

/** sharedBytes reads a shared capture as a plain Uint8Array. */
export function sharedBytes(rel: string): Uint8Array {
  const b = readFileSync(sharedPath(rel));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** coreFields keeps what a record means, dropping where it sat in a file. */
export function coreFields(r: CaptureRecord): Omit<CaptureRecord, 'fileOffset' | 'pcapng' | 'payload'> & { payload: number[] } {
  const out: Omit<CaptureRecord, 'fileOffset' | 'pcapng' | 'payload'> & { payload: number[] } = {
    index: r.index,
    timestamp: { ...r.timestamp },
    originalLength: r.originalLength,
    protocol: r.protocol,
    packetType: r.packetType,
    payload: Array.from(r.payload),
  };
  if (r.ifindex !== undefined) out.ifindex = r.ifindex;
  if (r.link !== undefined) out.link = { ...r.link, address: new Uint8Array(r.link.address) };
  return out;
}

/** Bytes builds little files field by field, in one byte order. */
export class Bytes {
  readonly #parts: number[] = [];
  constructor(readonly le: boolean) {}
  u8(n: number): this {
    this.#parts.push(n & 0xff);
    return this;
  }
  u16(n: number): this {
    const b = [n & 0xff, (n >>> 8) & 0xff];
    this.#parts.push(...(this.le ? b : b.reverse()));
    return this;
  }
  u32(n: number): this {
    const b = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
    this.#parts.push(...(this.le ? b : b.reverse()));
    return this;
  }
  u64(n: bigint): this {
    const hi = Number((n >> 32n) & 0xffffffffn);
    const lo = Number(n & 0xffffffffn);
    return this.le ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }
  bytes(b: ArrayLike<number>): this {
    this.#parts.push(...Array.from(b));
    return this;
  }
  pad4(): this {
    while (this.#parts.length % 4) this.#parts.push(0);
    return this;
  }
  get length(): number {
    return this.#parts.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}

/** nlmsg builds one netlink message (header + body) in `order`, unpadded. */
export function nlmsg(order: ByteOrder, type: number, flags: number, body: ArrayLike<number> = [], seq = 1, pid = 0): Uint8Array {
  return new Bytes(order === 'LE').u32(16 + body.length).u16(type).u16(flags).u32(seq).u32(pid).bytes(body).done();
}


/**
 * hex decodes a grouped hex literal: whitespace is ignored and `#` starts a comment that runs
 * to the end of the line, so expected bytes can be annotated field by field.
 */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/#[^\n]*/g, '').replace(/\s/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex literal: ${s}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** toHex renders bytes as lowercase hex in 4-byte groups, for readable diffs. */
export function toHex(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < b.length; i += 4) groups.push(Array.from(b.subarray(i, i + 4), (x) => x.toString(16).padStart(2, '0')).join(''));
  return groups.join(' ');
}
