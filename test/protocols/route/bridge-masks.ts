/**
 * What bridge scenarios mask beyond link-differential.ts's renderings, and how they compare
 * timing Linux leaves open: port timers count down, Linux's own traffic through a forwarding
 * port changes counters, and a bridge's non-urgent linkwatch event may wait a second.
 */
import type { Outcome, Step } from './link-differential.js';

/**
 * maskBridgeLines replaces the bridge port timers (IFLA_BRPORT_MESSAGE_AGE_TIMER,
 * FORWARD_DELAY_TIMER, HOLD_TIMER), in AF_BRIDGE messages and in IFLA_INFO_SLAVE_DATA, by
 * whether they run. It also hides what the traffic Linux sends on its own (IPv6 DAD, MLD
 * reports, router solicitations) changes through a forwarding port: the learned FDB entries
 * (IFLA_BR_FDB_N_LEARNED), the snooped groups (IFLA_BRPORT_MCAST_N_GROUPS), and IF_RS_SENT
 * in IFLA_INET6_FLAGS (IPv6 timing, not the bridge's).
 */
export function maskBridgeLines(lines: string[]): string[] {
  let nest = '';
  return lines.map((l) => {
    if (/^ {2}info\.\d/.test(l)) nest = l.slice(2, 8);
    const af6 = /^ {2}af10\.1 ([0-9a-f]{2})([0-9a-f]{6})$/.exec(l);
    if (af6) return `  af10.1 ${(parseInt(af6[1]!, 16) & ~0x10).toString(16).padStart(2, '0')}${af6[2]} (RS_SENT masked)`;
    if ((nest === 'info.2' && l.startsWith('    data.48 ')) || (nest === 'info.5' && l.startsWith('    data.41 ')) || l.startsWith('  brport.41 ')) {
      return `${l.slice(0, l.lastIndexOf(' '))} <traffic>`;
    }
    const m = /^( {2}brport| {4}data)\.(21|22|23) ([0-9a-f]+)$/.exec(l);
    if (!m || (m[1] === '    data' && nest !== 'info.5')) return l;
    return `${m[1]}.${m[2]} ${/[1-9a-f]/.test(m[3]!) ? '<running>' : '0'}`;
  });
}

/**
 * bridgeOutcome masks an outcome (maskBridgeLines) and moves the notifications a step's
 * following wait steps saw into the step: Linux delays a bridge's non-urgent linkwatch event
 * (carrier off) by up to a second, nlsim runs it before the request returns.
 */
export function bridgeOutcome(o: Outcome, steps: Step[]): Outcome {
  const notifications = o.notifications.map(maskBridgeLines);
  let owner = 0;
  for (let i = 0; i < steps.length; i++) {
    if (steps[i]!.type === 0 && i > 0) {
      notifications[owner]!.push(...notifications[i]!);
      notifications[i] = [];
    } else owner = i;
  }
  return { replies: o.replies.map(maskBridgeLines), notifications };
}
