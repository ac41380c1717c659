/** Assertions on errno-carrying errors. */
import { expect } from 'vitest';
import type { ErrnoName } from '../../sim/uapi/errno.js';

/** expectErrno asserts that `fn` throws an error whose `code` is `code`, and returns it. */
export function expectErrno(fn: () => unknown, code: ErrnoName): Error & { code: string; errno: number } {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected ${code}, but nothing was thrown`).toBeDefined();
  expect((thrown as { code?: string }).code, String(thrown)).toBe(code);
  return thrown as Error & { code: string; errno: number };
}

/** sockaddr returns the raw bytes of an address: family, pad, pid, groups, cut or extended to `len`. */
export function rawSockaddr(family: number, pid: number, groups: number, len = 12): Uint8Array {
  const out = new Uint8Array(Math.max(len, 12));
  const v = new DataView(out.buffer);
  v.setUint16(0, family, true);
  v.setUint32(4, pid >>> 0, true);
  v.setUint32(8, groups >>> 0, true);
  return out.subarray(0, len);
}
