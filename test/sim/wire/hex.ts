/**
 * hex helpers for wire tests: expected bytes are written as grouped hex literals
 * ("0800 0100 | 2a000000  # OFFS 42"): spaces, newlines, `|` separators and `#` comments
 * (to the end of the line) are ignored.
 */

/** hex decodes a grouped hex literal into bytes. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/#[^\n]*/g, '').replace(/[\s|·]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex literal: ${s}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** toHex renders bytes as lowercase hex, 4-byte groups separated by spaces, for readable diffs. */
export function toHex(b: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < b.length; i += 4) {
    parts.push(Array.from(b.subarray(i, i + 4), (x) => x.toString(16).padStart(2, '0')).join(''));
  }
  return parts.join(' ');
}
