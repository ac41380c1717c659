/**
 * Differential testing of an unprivileged caller: the same operation sequences run on the
 * simulator with ordinary-user credentials and, on Linux, in a child process that runs as
 * nobody (uid 65534) without any capability inside a fresh network namespace. This is where
 * the NL_CFG_F_NONROOT_* rules and the EPERM paths are compared with the kernel.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createHostKernel } from '../helpers/host-kernel.js';
import { userCredentials } from '../../sim/credentials.js';
import { describeKernel } from '../helpers/backends.js';
import { type Entry, execute, sideBySide } from '../differential/execute.js';
import { type Op, sequenceArb } from '../differential/ops.js';
import { genericProfile, routeProfile, usersockProfile } from '../differential/profiles.js';
import { fromJson, toJson } from '../differential/serialize.js';

const count = Number(process.env.NLSIM_DIFF_RUNS ?? (process.env.CI === 'true' ? 2000 : 1000));
const root = new URL('../../', import.meta.url).pathname;

/** runUnprivileged runs `sequences` on Linux as nobody without capabilities, in a fresh namespace. */
function runUnprivileged(sequences: Op[][], profile: string): { pid: number; uid: number; transcripts: Entry[][] } {
  const out = execFileSync(
    'unshare',
    ['-n', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--', process.execPath, '--import', 'tsx', 'test/differential/child-runner.ts'],
    { cwd: root, input: toJson({ sequences, profile }), maxBuffer: 1 << 30, encoding: 'utf8' },
  );
  return fromJson(out);
}

describeKernel('operation sequences of an unprivileged user', () => {
  it.each([
    ['NETLINK_USERSOCK', usersockProfile],
    ['NETLINK_ROUTE', routeProfile],
    ['NETLINK_GENERIC', genericProfile],
  ] as const)(`agree on %s (${count} sequences)`, (_name, profile) => {
    const sequences = fc.sample(sequenceArb(profile), count);
    const kernel = runUnprivileged(sequences, profile === routeProfile ? 'route' : 'plain');
    expect(kernel.uid).toBe(65534);
    const credentials = userCredentials(kernel.pid);
    let eperm = 0;
    sequences.forEach((ops, i) => {
      const sim = execute(createHostKernel({ credentials }), ops, profile);
      if (JSON.stringify(sim) !== JSON.stringify(kernel.transcripts[i])) {
        throw new Error(`sequence ${i}: simulator and kernel disagree:\n${sideBySide(ops, sim, kernel.transcripts[i]!)}`);
      }
      eperm += sim.filter((e) => e.result === 'EPERM').length;
    });
    // the sequences must reach the permission checks, or agreement proves little
    expect(eperm).toBeGreaterThan(0);
  }, 600_000);
});
