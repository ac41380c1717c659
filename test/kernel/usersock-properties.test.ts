/**
 * Property-based differential testing: fast-check generates sequences of socket operations
 * (socket, bind, connect, send with random flags, lengths and malformed headers, recv with
 * random flags and buffer sizes, setsockopt, getsockopt, close); each sequence runs on the
 * simulator and on the real kernel in a fresh namespace, and every result must agree.
 * Shrunk counterexamples are kept as regular tests in usersock-regressions.test.ts.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createKernel } from '../../sim/kernel.js';
import { NETLINK_USERSOCK } from '../../sim/uapi/netlink.js';
import { describeKernel } from '../helpers/backends.js';
import { execute, sideBySide } from '../differential/execute.js';
import { sequenceArb } from '../differential/ops.js';

/** Runs per property: at least 2000 in CI, fewer locally unless NLSIM_DIFF_RUNS says otherwise. */
const numRuns = Number(process.env.NLSIM_DIFF_RUNS ?? (process.env.CI === 'true' ? 2000 : 300));

describeKernel('USERSOCK operation sequences', (openNamespace) => {
  it(`agree between the simulator and Linux (${numRuns} sequences)`, () => {
    const seen = new Map<string, number>();
    const tally = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
    fc.assert(
      fc.property(sequenceArb([NETLINK_USERSOCK]), (ops) => {
        const sim = execute(createKernel(), ops);
        const ns = openNamespace();
        let kernel;
        try {
          kernel = execute(ns, ops);
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
            const r = e.result as { flags: number; address: { groups: number }; messages?: { type: number }[] };
            tally('received');
            if (r.address.groups) tally('received multicast');
            if (r.flags & 0x20) tally('MSG_TRUNC');
            if (r.messages?.some((m) => m.type === 2)) tally('received NLMSG_ERROR-typed message');
          }
        }
      }),
      { numRuns },
    );
    // The generator must reach the interesting paths, or agreement proves little.
    for (const outcome of ['ok', 'sent', 'received', 'received multicast', 'MSG_TRUNC', 'EAGAIN', 'ENOBUFS', 'ECONNREFUSED', 'EADDRINUSE', 'EINVAL', 'EMSGSIZE', 'ENOPROTOOPT', 'ESOCKTNOSUPPORT', 'EPROTONOSUPPORT', 'EOPNOTSUPP', 'ENODATA']) {
      expect(seen.get(outcome) ?? 0, `no sequence produced ${outcome}`).toBeGreaterThan(0);
    }
  }, 600_000);
});
