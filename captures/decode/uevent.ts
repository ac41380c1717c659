/**
 * NETLINK_KOBJECT_UEVENT datagrams are not netlink messages: the kernel sends
 * "action@devpath\0KEY=VALUE\0…", and udevd re-broadcasts events with a binary header
 * starting "libudev\0" (magic 0xfeedcafe, big-endian) whose properties follow at an offset.
 */
import type { UeventNode } from './model.js';

const LIBUDEV = 'libudev\0';
const UDEV_MAGIC = 0xfeedcafe;
/** The libudev header: prefix[8], magic be32, header_size u32, properties_off u32, properties_len u32, then filters. */
const LIBUDEV_MIN = 24;

/** splitStrings splits NUL-separated text, dropping the empty tail. */
function splitStrings(b: Uint8Array): string[] {
  const text = new TextDecoder().decode(b);
  const parts = text.split('\0');
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * decodeUevent decodes a uevent datagram, or returns undefined when it is neither form (then
 * the caller falls back to netlink messages or hex). `le` is the byte order of libudev's
 * host-order header fields.
 */
export function decodeUevent(payload: Uint8Array, le: boolean): UeventNode | undefined {
  const head = new TextDecoder().decode(payload.subarray(0, 8));
  if (head === LIBUDEV && payload.length >= LIBUDEV_MIN) {
    const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    if (v.getUint32(8, false) !== UDEV_MAGIC) return undefined;
    const off = v.getUint32(16, le);
    const len = v.getUint32(20, le);
    if (off > payload.length || off + len > payload.length) return undefined;
    return { source: 'libudev', properties: splitStrings(payload.subarray(off, off + len)) };
  }
  const at = payload.indexOf(0x40); // '@'
  const nul = payload.indexOf(0);
  if (at <= 0 || (nul >= 0 && at > nul)) return undefined;
  const strings = splitStrings(payload);
  const [summary, ...properties] = strings;
  if (summary === undefined || !properties.every((p) => p.includes('='))) return undefined;
  return { source: 'kernel', summary, properties };
}
