/**
 * Masks for values that differ between two runs of Linux itself, applied to received
 * datagrams before the simulator's and the kernel's transcripts are compared. Only truly
 * random or time-dependent fields are zeroed, in place on a copy, so lengths and layout
 * still count.
 */
import { IFLA } from '../../protocols/route/core/uapi.js';
import { HOST_LE } from '../../sim/wire/header.js';

const AF_INET6 = 10;
const IFLA_INET6_STATS = 3;
const IFLA_INET6_CACHEINFO = 5;
const IFLA_INET6_ICMP6STATS = 6;

/**
 * forEachAttr calls `fn(type, payloadStart, payloadEnd)` for each attribute in [start, end);
 * an attribute cut short (a datagram truncated by MSG_TRUNC) is visited up to `end`.
 */
function forEachAttr(b: Uint8Array, start: number, end: number, fn: (type: number, from: number, to: number) => void): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = start;
  while (end - off >= 4) {
    const len = v.getUint16(off, HOST_LE);
    if (len < 4) return;
    if (len > end - off) {
      fn(v.getUint16(off + 2, HOST_LE) & 0x3fff, off + 4, end);
      return;
    }
    fn(v.getUint16(off + 2, HOST_LE) & 0x3fff, off + 4, off + len);
    off += (len + 3) & ~3;
  }
}

/**
 * maskLinkMessages zeroes, in every RTM_NEWLINK/RTM_DELLINK of a datagram, the traffic
 * counters (IFLA_STATS, IFLA_STATS64, IPv6 and ICMPv6 statistics: Linux sends MLD and router
 * solicitations on its own) and IFLA_INET6_CACHEINFO's tstamp and reachable_time (time since
 * boot; random), in IFLA_AF_SPEC and in the IFLA_PROTINFO of AF_INET6 link dumps. Returns a
 * masked copy.
 */
export function maskLinkMessages(data: Uint8Array): Uint8Array {
  const out = data.slice();
  const v = new DataView(out.buffer);
  let off = 0;
  while (out.length - off >= 16) {
    const len = v.getUint32(off, HOST_LE);
    const type = v.getUint16(off + 4, HOST_LE);
    if (len < 16) break;
    // A message cut short by MSG_TRUNC is masked as far as it goes.
    const end = Math.min(off + len, out.length);
    if ((type === 16 || type === 17) && end - off >= 32) {
      const family = out[off + 16];
      forEachAttr(out, off + 32, end, (t, from, to) => {
        if (t === IFLA.IFLA_STATS || t === IFLA.IFLA_STATS64) out.fill(0, from, to);
        // inet6_fill_ifinfo() (AF_INET6 link dumps) carries the inet6_dev in IFLA_PROTINFO.
        if (t === IFLA.IFLA_PROTINFO && family === AF_INET6) {
          forEachAttr(out, from, to, (x, xfrom, xto) => {
            if (x === IFLA_INET6_CACHEINFO) out.fill(0, xfrom + 4, Math.min(xfrom + 12, xto));
            if (x === IFLA_INET6_STATS || x === IFLA_INET6_ICMP6STATS) out.fill(0, Math.min(xfrom + 8, xto), xto);
          });
          return;
        }
        if (t !== IFLA.IFLA_AF_SPEC) return;
        forEachAttr(out, from, to, (family, ffrom, fto) => {
          if (family !== AF_INET6) return;
          forEachAttr(out, ffrom, fto, (x, xfrom, xto) => {
            if (x === IFLA_INET6_CACHEINFO) out.fill(0, xfrom + 4, Math.min(xfrom + 12, xto));
            // an snmp6 block: its first u64 is the number of counters, kept
            if (x === IFLA_INET6_STATS || x === IFLA_INET6_ICMP6STATS) out.fill(0, Math.min(xfrom + 8, xto), xto);
          });
        });
      });
    }
    if (len > out.length - off) break;
    off += Math.min((len + 3) & ~3, out.length - off);
  }
  return out;
}
