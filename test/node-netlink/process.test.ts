// node-netlink behaviour visible only at the process level, on Linux and on the simulator.
// Each half runs in a child, so the test runner survives what the child does.
//
// - A receive-queue overrun ends the process with "Error in native callback" (on Linux a
//   C++ abort in the binding; see SimNativeNetlink#pollError).
// - Sockets left open while idle do not keep the process alive (node-netlink unrefs them).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./process-child.ts', import.meta.url));
const unavailable =
  process.platform !== 'linux' ? `not Linux (${process.platform})` : process.getuid?.() !== 0 ? 'not root: `unshare -n` needs CAP_SYS_ADMIN' : '';
const inCI = process.env.CI === 'true';
const skip = unavailable && !inCI ? ` (skipped: ${unavailable})` : '';

/** Ending is how a child ended. */
interface Ending {
  survived: boolean;
  nativeCallbackError: boolean;
  code: number | null;
  signal: string | null;
}

function run(which: string, where: 'sim' | 'real'): Promise<Ending> {
  const node = [process.execPath, '--import', 'tsx', child, which, where];
  const [command, ...args] = where === 'real' ? ['unshare', '-n', ...node] : node;
  return new Promise((resolve) => {
    execFile(command!, args, (error, stdout, stderr) => {
      const e = error as { code?: number; signal?: string } | null;
      resolve({
        survived: stdout.includes('survived'),
        nativeCallbackError: stderr.includes('Error in native callback'),
        code: e ? (e.code ?? null) : 0,
        signal: e?.signal ?? null,
      });
    });
  });
}

const CASES = {
  overrun: {
    sim: { survived: false, nativeCallbackError: true, code: 1, signal: null },
    real: { survived: false, nativeCallbackError: true, code: null, signal: 'SIGABRT' },
  },
  idle: {
    sim: { survived: true, nativeCallbackError: false, code: 0, signal: null },
    real: { survived: true, nativeCallbackError: false, code: 0, signal: null },
  },
} as const;

describe('node-netlink at the process level', () => {
  for (const [which, expected] of Object.entries(CASES)) {
    it(`${which} [sim]`, async () => {
      expect(await run(which, 'sim')).toEqual(expected.sim);
    });
    (skip ? it.skip : it)(`${which} [kernel]${skip}`, async () => {
      if (unavailable) throw new Error(`real kernel required with CI=true: ${unavailable}`);
      expect(await run(which, 'real')).toEqual(expected.real);
    });
  }
});
