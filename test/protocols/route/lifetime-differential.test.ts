/**
 * Finite address lifetimes, simulator against Linux: IPv4 (check_lifetime) and IPv6
 * (addrconf_verify) addresses become DEPRECATED when their preferred lifetime runs out and go
 * when their valid lifetime does; an IPv6 dynamic address's prefix route carries an expiry
 * and is collected by the FIB's garbage collector (ip6_rt_gc_interval) rather than deleted
 * with the address: exactly 30 s after it was made on nlsim, 30–37 s on Linux (its collector
 * also runs for other reasons and re-arms on rounded times), so the scenario waits 38 s. Waits fall in the middle of seconds, since Linux may act up to a
 * quarter second late; a route's remaining lifetime in dumps is compared by sign only (it
 * depends on the exact moment of the dump).
 */
import { expect, it } from 'vitest';
import { RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, concat } from '../../helpers/exchange.js';
import { runScenario, type Step, wait } from './link-differential.js';
import { ADDR_ROUTE_GROUPS, addAddr, createLink, dumpAddr, dumpRoute, group, up } from './rt-steps.js';

const IFA_F_NODAD = 0x02;
const IFA_CACHEINFO = 6;
const GROUPS = ADDR_ROUTE_GROUPS | group(RTNLGRP.RTNLGRP_LINK);
/** lifetimes: IFA_CACHEINFO with preferred and valid lifetimes (seconds). */
const lifetimes = (preferred: number, valid: number) => {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, preferred, true);
  v.setUint32(4, valid, true);
  return attr(IFA_CACHEINFO, b);
};
const genModeNone = (index: number): Step => ({ type: 19, flags: 5, payload: concat(Uint8Array.of(0, 0, 0, 0, index, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), attr(26, attr(10, attr(8, Uint8Array.of(1))))) });

// ifindex: v0p 2, v0 3 (no link-local addresses: nothing else runs on timers).
const setup: Step[] = [createLink('v0', 'veth'), genModeNone(2), genModeNone(3), up(3), up(2)];
const scenarios: [string, Step[]][] = [
  ['IPv4 and IPv6 addresses deprecated, then deleted, two seconds apart', [
    ...setup,
    addAddr(3, '2001:db8::9/64', { flags: IFA_F_NODAD }, lifetimes(3, 7)), addAddr(3, '10.3.0.1/24', {}, lifetimes(1, 5)),
    dumpAddr(0), dumpRoute(10), wait(8500), dumpAddr(0), dumpRoute(10),
  ]],
  ['an expired prefix route collected by the garbage collector; a permanent address of the prefix keeps it', [
    ...setup,
    addAddr(3, '2001:db8:1::9/64', { flags: IFA_F_NODAD }, lifetimes(1, 2)),
    // (Events a second apart: addresses due together go in the order of a hash Linux seeds per namespace.)
    addAddr(3, '2001:db8:2::9/64', { flags: IFA_F_NODAD }, lifetimes(3, 4)), addAddr(3, '2001:db8:2::8/64', { flags: IFA_F_NODAD }),
    // The dump comes two seconds after the last lifetime event (2::9 deleted at 4 s): Linux's
    // lifetime work runs on a rounded-up timer and was over half a second late on a busy
    // machine, so no event is due near a step's end.
    wait(6000), dumpRoute(10), wait(34000), dumpRoute(10),
  ]],
];

/** bySign keeps only the sign of a route's remaining lifetime in dump replies. */
const bySign = (lines: string[]) => lines.map((l) => l.replace(/expires=(-?\d+)/, (_m, v: string) => `expires=${Math.sign(Number(v))}`));

describeKernel('address lifetimes: simulator and Linux, message for message', (openNamespace) => {
  it.each(scenarios)('%s', async (_name, steps) => {
    const ns = openNamespace();
    try {
      const real = await runScenario(ns, steps, { real: true, groups: GROUPS });
      const sim = await runScenario(createHostKernel({ clock: 'manual' }), steps, { real: false, groups: GROUPS });
      for (let i = 0; i < steps.length; i++) {
        expect({ step: i + 1, replies: bySign(sim.replies[i]!) }).toEqual({ step: i + 1, replies: bySign(real.replies[i]!) });
        expect({ step: i + 1, notifications: sim.notifications[i] }).toEqual({ step: i + 1, notifications: real.notifications[i] });
      }
      expect(real.notifications.flat().join('\n')).toMatch(/nlmsg type=21/);
    } finally {
      ns.close();
    }
  }, 60_000);
});
