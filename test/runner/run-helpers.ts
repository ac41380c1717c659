/**
 * Running programs for the runner tests: under the LD_PRELOAD shim with an in-process bridge
 * server, or on the real kernel in a fresh network namespace (`unshare -n`), the oracle.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { preloadAvailable } from '../../native/preload/index.js';
import { type BridgeHost, preloadEnvironment, startBridgeHost } from '../../runner/bridge-host.js';
import { createKernel } from '../../protocols/index.js';
import type { KernelProfile } from '../../sim/profile.js';
import { createHostKernel } from '../helpers/host-kernel.js';

/** RunOutput is what a finished program left. */
export interface RunOutput {
  stdout: string;
  stderr: string;
  /** Exit status, or 128+N when killed by signal N. */
  status: number;
}

/** RunningProgram is a started program: write to its stdin, wait for a line, await its end. */
export interface RunningProgram {
  write(text: string): void;
  /** waitFor resolves once stdout or stderr contains `text`. */
  waitFor(text: string): Promise<void>;
  /** kill sends SIGTERM. */
  kill(): void;
  done: Promise<RunOutput>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const inCI = process.env.CI === 'true';

/** start runs argv with `env`, collecting output. */
export function start(argv: string[], env: NodeJS.ProcessEnv = process.env): RunningProgram {
  const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const seen = (text: string) => stdout.includes(text) || stderr.includes(text);
  const wake = () => {
    for (const w of waiters.splice(0)) {
      if (seen(w.text)) w.resolve();
      else waiters.push(w);
    }
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    wake();
  });
  const done = new Promise<RunOutput>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ stdout, stderr, status: code ?? 128 + (signal ? 1 : 0) }));
  });
  return {
    write: (text) => child.stdin.write(text),
    waitFor: (text) =>
      new Promise((resolve) => {
        if (seen(text)) resolve();
        else waiters.push({ text, resolve });
      }),
    kill: () => child.kill('SIGTERM'),
    done,
  };
}

/** shimPath returns the built shim, or throws saying how to build it. */
export function shimPath(): string {
  const shim = preloadAvailable();
  if (!shim.ok) throw new Error(shim.reason);
  return shim.path;
}

/** preloadEnvironmentFor is the environment that sends netlink calls to the server at `socketPath`. */
export function preloadEnvironmentFor(socketPath: string): NodeJS.ProcessEnv {
  return preloadEnvironment(process.env, shimPath(), socketPath);
}

/** simEnv is the environment that sends a program's netlink calls to `host`. */
export function simEnv(host: BridgeHost): NodeJS.ProcessEnv {
  return preloadEnvironment(process.env, shimPath(), host.server.path);
}

/**
 * runSim runs argv against a fresh virtual kernel and returns its output. The kernel has the
 * host's profile, runKernel()'s build, unless a test of the simulator alone names another.
 */
export async function runSim(argv: string[], options: { unprivileged?: boolean; profile?: KernelProfile | string } = {}): Promise<RunOutput> {
  const kernel = options.profile === undefined ? createHostKernel() : createKernel({ profile: options.profile });
  const host = await startBridgeHost({ unprivileged: options.unprivileged ?? false, kernel });
  try {
    return await start(argv, simEnv(host)).done;
  } finally {
    await host.close();
  }
}

/**
 * runKernel runs argv on the real kernel in a fresh network namespace. The device-less proxy
 * neighbours that dead namespaces leak into new ones (native/netns-leaks.ts) are deleted
 * before argv starts, so the namespace is as fresh as runSim()'s kernel.
 */
export function runKernel(argv: string[]): Promise<RunOutput> {
  return start(['unshare', '-n', 'sh', '-c', SWEEP_LEAKED_PROXIES, 'sh', ...argv]).done;
}

/** A device-less entry is a line `ADDRESS proxy` (an entry with a device names it: `dev X`). */
const SWEEP_LEAKED_PROXIES = 'ip -4 neigh show proxy | while read -r a rest; do [ "$rest" = proxy ] && ip -4 neigh del proxy "$a"; done; exec "$@"';

/**
 * kernelUnavailable says why the real-kernel oracle cannot run here ('' when it can): it
 * needs root to create a network namespace. Under CI=true it is never skipped.
 */
export const kernelUnavailable: string = (() => {
  if (inCI) return '';
  if (process.getuid?.() !== 0) return 'not running as root: unshare -n needs CAP_SYS_ADMIN';
  const probe = spawnSync('unshare', ['-n', 'true']);
  return probe.status === 0 ? '' : `unshare -n failed: ${probe.stderr?.toString().trim() || probe.error?.message}`;
})();

/** compileProbe builds test/runner/netlink-probe.c into a temporary directory. */
export function compileProbe(): string {
  return compileProgram('netlink-probe.c');
}

/**
 * compileProgram builds the C file `source` of test/runner into a temporary directory that
 * every user may enter (unprivileged runs execute it as nobody).
 */
export function compileProgram(source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nlsim-probe-'));
  chmodSync(dir, 0o755);
  const out = path.join(dir, path.basename(source, '.c'));
  const cc = spawnSync(process.env.CC || 'cc', ['-O1', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', out, path.join(here, source)], {
    encoding: 'utf8',
  });
  if (cc.status !== 0) throw new Error(`compiling ${source} failed: ${cc.stderr || cc.error?.message}`);
  return out;
}
