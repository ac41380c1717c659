// node-netlink, unmodified, against the virtual kernel and against Linux: every scenario of
// scenarios.ts runs in this process on a fresh VirtualKernel (attachNodeNetlink) and in a
// child process under `unshare -n` (a fresh network namespace of the real kernel), and each
// call's parsed outcome must be equal on both.
//
// Why a child process for the real half: node-netlink creates its socket inside the C++
// constructor of its own binding, so the socket lands in the namespace of the calling thread
// at that moment. nlsim's addon can only place the sockets it creates itself
// (docs/decisions/0001); a child started under `unshare -n` runs node-netlink exactly as a
// user runs it, in a namespace of its own, with nothing of this process shared.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createHostKernel } from '../helpers/host-kernel.js';
import { attachNodeNetlink } from '../../node-netlink/index.js';
import { type NetlinkModule, type Outcome, scenarios } from './scenarios.js';

const nl = createRequire(import.meta.url)('netlink') as NetlinkModule;
const child = fileURLToPath(new URL('./real-kernel-child.ts', import.meta.url));

/**
 * KNOWN_GAPS lists calls on which the simulator still disagrees with Linux, `scenario / call`
 * → reason. They run as `it.fails`: when the model catches up the test fails, and the entry
 * must go. Nothing else may differ.
 */
const KNOWN_GAPS: Record<string, string> = {};

const unavailable =
  process.platform !== 'linux' ? `not Linux (${process.platform})` : process.getuid?.() !== 0 ? 'not root: `unshare -n` needs CAP_SYS_ADMIN' : '';
const inCI = process.env.CI === 'true';

async function runReal(name: string): Promise<Record<string, Outcome>> {
  const { stdout } = await promisify(execFile)('unshare', ['-n', process.execPath, '--import', 'tsx', child, name], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as Record<string, Outcome>;
}

async function runSim(name: string): Promise<Record<string, Outcome>> {
  const restore = attachNodeNetlink(createHostKernel({ seed: 7 }));
  try {
    return await scenarios[name]!(nl);
  } finally {
    restore();
  }
}

const skipReason = unavailable && !inCI ? ` (skipped: ${unavailable})` : '';
const names = Object.keys(scenarios);
// Both halves run while the file is collected, so that each call becomes a test of its own.
const realResults = unavailable ? undefined : await Promise.all(names.map(runReal));
const simResults: Record<string, Outcome>[] = [];
for (const name of names) simResults.push(await runSim(name));

(skipReason ? describe.skip : describe)(`node-netlink scenarios, simulator vs Linux${skipReason}`, () => {
  names.forEach((name, i) => {
    const sim = simResults[i]!;
    describe(name, () => {
      it('makes the same calls on both kernels', () => {
        if (!realResults) throw new Error(`real kernel required with CI=true: ${unavailable}`);
        expect(Object.keys(sim)).toEqual(Object.keys(realResults[i]!));
      });
      for (const call of Object.keys(sim)) {
        const gap = KNOWN_GAPS[`${name} / ${call}`];
        (gap ? it.fails : it)(`${call}${gap ? ` (known gap: ${gap})` : ''}`, () => {
          if (!realResults) throw new Error(`real kernel required with CI=true: ${unavailable}`);
          expect(sim[call]).toEqual(realResults[i]![call]);
        });
      }
    });
  });
});
