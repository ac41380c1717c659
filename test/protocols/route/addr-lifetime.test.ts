/** The aging pass both address families run (addr-lifetime.ts), on plain address records. */
import { describe, expect, it } from 'vitest';
import { ageAddresses, type AgingAddress, INFINITY_LIFE_TIME } from '../../../protocols/route/core/addr-lifetime.js';
import { IFA_F } from '../../../protocols/route/core/uapi.js';

const addr = (name: string, preferredLft: number, validLft: number, flags = 0): AgingAddress & { name: string } => ({ name, flags, tstamp: 1000, preferredLft, validLft });

describe('ageAddresses', () => {
  it('deprecates once, removes at the valid lifetime and says when it is due next', () => {
    const a = addr('a', 3, 7);
    const list = [a];
    const seen: string[] = [];
    const actions = { remove: (x: typeof a) => (seen.push(`remove ${x.name}`), list.splice(list.indexOf(x), 1)), announce: (x: typeof a) => seen.push(`announce ${x.name}`) };
    expect(ageAddresses([list], 1000 + 150, actions)).toBe(1300);
    expect(seen).toEqual([]);
    // 20 ms early still counts as the whole second (ADDRCONF_TIMER_FUZZ_MINUS).
    expect(ageAddresses([list], 1298, actions)).toBe(1700);
    expect(ageAddresses([list], 1500, actions)).toBe(1700);
    expect(seen).toEqual(['announce a']);
    expect(a.flags & IFA_F.IFA_F_DEPRECATED).toBeTruthy();
    expect(ageAddresses([list], 1700, actions)).toBe(Infinity);
    expect(seen).toEqual(['announce a', 'remove a']);
  });

  it('leaves permanent and infinite addresses alone and skips those an earlier removal took', () => {
    const primary = addr('primary', 0, 1);
    const secondary = addr('secondary', 0, 1);
    const list = [primary, secondary, addr('permanent', 0, 0, IFA_F.IFA_F_PERMANENT), addr('forever', INFINITY_LIFE_TIME, INFINITY_LIFE_TIME)];
    const removed: string[] = [];
    // Deleting a primary takes its secondaries with it, as inet_del_ifa() does.
    const remove = (x: AgingAddress & { name: string }) => {
      removed.push(x.name);
      list.splice(list.indexOf(x), x === primary ? 2 : 1);
    };
    expect(ageAddresses([list], 5000, { remove, announce: () => expect.unreachable() })).toBe(Infinity);
    expect(removed).toEqual(['primary']);
    expect(list.map((x) => x.name)).toEqual(['permanent', 'forever']);
  });
});
