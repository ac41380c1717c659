/**
 * The libudev wire format: what udevd multicasts to NETLINK_KOBJECT_UEVENT group 2 after
 * processing a kernel uevent. A 40-byte header (struct monitor_netlink_header in systemd's
 * sd-device monitor) followed by the properties as KEY=VALUE strings, each NUL-terminated.
 */

/** UDEV_MONITOR_MAGIC, stored big-endian in the header. */
export const UDEV_MONITOR_MAGIC = 0xfeedcafe;
/** The header's size: prefix[8] then eight u32 fields. */
export const LIBUDEV_HEADER_SIZE = 40;

/**
 * murmurHash2 is Austin Appleby's MurmurHash2 (32-bit), seed as given: udev hashes the
 * subsystem and devtype with it (seed 0) so listeners can filter in the kernel with BPF.
 */
export function murmurHash2(data: Uint8Array, seed = 0): number {
  const m = 0x5bd1e995;
  let h = (seed ^ data.length) >>> 0;
  let i = 0;
  for (; i + 4 <= data.length; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = data.length - i;
  if (rest >= 3) h ^= data[i + 2]! << 16;
  if (rest >= 2) h ^= data[i + 1]! << 8;
  if (rest >= 1) {
    h ^= data[i]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h >>> 0;
}

/** UdevMessage is one decoded libudev message. */
export interface UdevMessage {
  properties: Record<string, string>;
  subsystemHash: number;
  devtypeHash: number;
}

const utf8 = new TextEncoder();

/**
 * encodeLibudev builds a libudev message from `properties` (SUBSYSTEM and DEVTYPE feed the
 * filter hashes; tags are not modelled, so the tag bloom filter is 0). Header fields other
 * than the magic and the hashes are in host byte order, as udevd writes them.
 */
export function encodeLibudev(properties: Record<string, string>, littleEndian: boolean): Uint8Array {
  const body = utf8.encode(Object.entries(properties).map(([k, v]) => `${k}=${v}\0`).join(''));
  const out = new Uint8Array(LIBUDEV_HEADER_SIZE + body.length);
  out.set(utf8.encode('libudev\0'), 0);
  const v = new DataView(out.buffer);
  v.setUint32(8, UDEV_MONITOR_MAGIC, false);
  v.setUint32(12, LIBUDEV_HEADER_SIZE, littleEndian);
  v.setUint32(16, LIBUDEV_HEADER_SIZE, littleEndian);
  v.setUint32(20, body.length, littleEndian);
  const hash = (s: string | undefined) => (s === undefined ? 0 : murmurHash2(utf8.encode(s)));
  v.setUint32(24, hash(properties.SUBSYSTEM), false);
  v.setUint32(28, hash(properties.DEVTYPE), false);
  out.set(body, LIBUDEV_HEADER_SIZE);
  return out;
}

/** decodeLibudev parses a libudev message, or returns undefined when it is not one. */
export function decodeLibudev(data: Uint8Array, littleEndian: boolean): UdevMessage | undefined {
  if (data.length < LIBUDEV_HEADER_SIZE || new TextDecoder().decode(data.subarray(0, 8)) !== 'libudev\0') return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (v.getUint32(8, false) !== UDEV_MONITOR_MAGIC) return undefined;
  const off = v.getUint32(16, littleEndian);
  const len = v.getUint32(20, littleEndian);
  if (off + len > data.length) return undefined;
  return {
    properties: parseProperties(data.subarray(off, off + len)),
    subsystemHash: v.getUint32(24, false),
    devtypeHash: v.getUint32(28, false),
  };
}

/** parseProperties splits NUL-terminated KEY=VALUE strings (strings without '=' are skipped). */
export function parseProperties(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of new TextDecoder().decode(bytes).split('\0')) {
    const eq = s.indexOf('=');
    if (eq > 0) out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}
