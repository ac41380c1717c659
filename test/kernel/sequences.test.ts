/**
 * Property-based differential testing: fast-check generates sequences of socket operations
 * (socket, bind, connect, send with random flags, lengths and malformed headers, recv with
 * random flags and buffer sizes, setsockopt, getsockopt, close); each sequence runs on the
 * simulator and on the real kernel in a fresh namespace, and every result must agree.
 * Shrunk counterexamples are kept as regular tests in sequences-regressions.test.ts.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createHostKernel } from '../helpers/host-kernel.js';
import type { SocketFactory } from '../../sim/socket-api.js';
import { describeKernel } from '../helpers/backends.js';
import { execute, sideBySide } from '../differential/execute.js';
import { type Profile, sequenceArb } from '../differential/ops.js';
import { genericProfile, routeProfile, usersockProfile } from '../differential/profiles.js';

/**
 * Runs per protocol: 2000 in CI, 1000 locally unless NLSIM_DIFF_RUNS says otherwise (fewer
 * runs may miss one of the outcomes each test must reach).
 */
const numRuns = Number(process.env.NLSIM_DIFF_RUNS ?? (process.env.CI === 'true' ? 2000 : 1000));

function agree(profile: Profile, openNamespace: () => SocketFactory & { close(): void }, mustReach: string[]): void {
  const seen = new Map<string, number>();
  const tally = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
  fc.assert(
    fc.property(sequenceArb(profile), (ops) => {
      const sim = execute(createHostKernel(), ops, profile);
      const ns = openNamespace();
      let kernel;
      try {
        kernel = execute(ns, ops, profile);
      } finally {
        ns.close();
      }
      if (JSON.stringify(sim) !== JSON.stringify(kernel)) {
        throw new Error(`simulator and kernel disagree:\n${sideBySide(ops, sim, kernel)}`);
      }
      for (const e of sim) {
        if (typeof e.result === 'string') for (const part of e.result.split(',')) tally(part);
        else if (typeof e.result === 'number') tally('sent');
        else if (e.op.startsWith('recv')) {
          const r = e.result as { flags: number; address: { pid: unknown; groups: number }; messages?: { type: number; error?: number }[] };
          tally('received');
          if (r.address.groups) tally('received multicast');
          if (r.address.pid === 0) tally('received from the kernel');
          if (r.flags & 0x20) tally('MSG_TRUNC');
          for (const m of r.messages ?? []) if (m.type === 2) tally(m.error ? `NLMSG_ERROR ${m.error}` : 'ACK');
        }
      }
    }),
    { numRuns },
  );
  // The generator must reach the interesting paths, or agreement proves little.
  for (const outcome of mustReach) expect(seen.get(outcome) ?? 0, `no sequence produced ${outcome}`).toBeGreaterThan(0);
}

const socketOutcomes = ['ok', 'sent', 'received', 'received multicast', 'MSG_TRUNC', 'EAGAIN', 'ENOBUFS', 'EADDRINUSE', 'EINVAL', 'EMSGSIZE', 'ENOPROTOOPT', 'ESOCKTNOSUPPORT', 'EPROTONOSUPPORT', 'EOPNOTSUPP', 'ENODATA'];

describeKernel('operation sequences', (openNamespace) => {
  it(`agree on NETLINK_USERSOCK (${numRuns} sequences)`, () => {
    agree(usersockProfile, openNamespace, [...socketOutcomes, 'ECONNREFUSED']);
  }, 600_000);

  it(`agree on NETLINK_ROUTE with RTM_GETLINK requests (${numRuns} sequences)`, () => {
    agree(routeProfile, openNamespace, [...socketOutcomes, 'received from the kernel', 'ACK', 'NLMSG_ERROR -19', 'NLMSG_ERROR -22', 'NLMSG_ERROR -95']);
  }, 600_000);

  it(`agree on NETLINK_GENERIC with nlctrl requests (${numRuns} sequences)`, () => {
    agree(genericProfile, openNamespace, [...socketOutcomes, 'received from the kernel', 'ACK', 'NLMSG_ERROR -2', 'NLMSG_ERROR -22', 'NLMSG_ERROR -95']);
  }, 600_000);
});
