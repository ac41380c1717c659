/**
 * IPv4 addresses as numbers (0x0a000001 is 10.0.0.1, the value of ntohl()) and the prefix
 * arithmetic of include/net/ip.h / inet_hashtables: masks, matching, zeronet and loopback.
 */

/** inetMask mirrors inet_make_mask(): the netmask of a prefix length. */
export function inetMask(plen: number): number {
  return plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
}

/** inetMaskLen mirrors inet_mask_len(). */
export function inetMaskLen(mask: number): number {
  let n = 0;
  while (n < 32 && mask & (0x80000000 >>> n)) n++;
  return n;
}

/** ipv4Read reads 4 network-order bytes. */
export function ipv4Read(b: Uint8Array, o = 0): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** ipv4Bytes writes `a` as 4 network-order bytes. */
export function ipv4Bytes(a: number): Uint8Array {
  return Uint8Array.of(a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff);
}

/** ipv4String renders dotted quad text. */
export function ipv4String(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** isZeronet mirrors ipv4_is_zeronet(): 0.0.0.0/8. */
export const isZeronet = (a: number) => a >>> 24 === 0;
/** isLoopback mirrors ipv4_is_loopback(): 127.0.0.0/8. */
export const isLoopback = (a: number) => a >>> 24 === 127;
/** isMulticast mirrors ipv4_is_multicast(): 224.0.0.0/4. */
export const isMulticast = (a: number) => a >>> 28 === 0xe;
/** isLbcast mirrors ipv4_is_lbcast(): 255.255.255.255. */
export const isLbcast = (a: number) => a === 0xffffffff;
/** INADDR_LOOPBACK: 127.0.0.1. */
export const INADDR_LOOPBACK = 0x7f000001;
