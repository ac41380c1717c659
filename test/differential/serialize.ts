/** JSON for op sequences and transcripts crossing a process boundary (Uint8Array as hex). */

/** toJson encodes `value`, writing each Uint8Array as {"$u8": "<hex>"}. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? { $u8: Buffer.from(v).toString('hex') } : v));
}

/** fromJson decodes what toJson wrote. */
export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_k, v) => (v && typeof v === 'object' && typeof v.$u8 === 'string' ? new Uint8Array(Buffer.from(v.$u8, 'hex')) : v)) as T;
}
