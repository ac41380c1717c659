/**
 * A small seedable generator, so that negative autobound port ids (random on Linux) are
 * repeatable in tests that ask for it.
 */
import { randomBytes } from 'node:crypto';

/** Random returns integers uniformly in [0, bound). */
export type Random = (bound: number) => number;

/**
 * createRandom returns a mulberry32 generator seeded with `seed`, or from the system's
 * entropy when no seed is given. Mirrors get_random_u32_below()'s contract, not its quality.
 */
export function createRandom(seed?: number): Random {
  let state = (seed ?? randomBytes(4).readUInt32LE(0)) >>> 0;
  return (bound: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u32 = (t ^ (t >>> 14)) >>> 0;
    return Math.floor((u32 / 2 ** 32) * bound);
  };
}
