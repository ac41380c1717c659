/**
 * Addresses found in attributes, as text: link-layer addresses as colon-separated hex, IPv4
 * dotted, IPv6 as inet_ntop(3) writes it (RFC 5952). The capture decoder and topology
 * snapshots both print addresses with these.
 */

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
