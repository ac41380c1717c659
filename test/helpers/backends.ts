/**
 * One test body, two kernels: every behaviour test in test/sim runs against the virtual
 * kernel and, where the native binding and root are available, against the real kernel in
 * a fresh network namespace. Assertions inside the body are therefore checked against Linux
 * itself, not only against what we believe Linux does.
 *
 * Without the binding or root the kernel backend is skipped with a printed reason; with
 * CI=true it is never skipped: its tests fail instead.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import { type VirtualKernel } from '../../sim/kernel.js';
import { createHostKernel } from './host-kernel.js';
import type { NetlinkSocket, SocketFactory } from '../../sim/socket-api.js';

/** Backend is one kernel a test body runs against. */
export interface Backend {
  readonly name: 'sim' | 'kernel';
  /** socket() on this backend's fresh kernel; closed after the test. */
  socket(type: number, protocol: number): NetlinkSocket;
  /** The pid autobind tries first (this process's pid on both). */
  readonly pid: number;
  /** The virtual kernel, on the sim backend only. */
  readonly sim: VirtualKernel | undefined;
}

interface NativeModule {
  nativeAvailable(): { ok: true } | { ok: false; reason: string };
  NativeNamespace: { create(): SocketFactory & { close(): void } };
}

let nativeModule: NativeModule | null = null;
let nativeReason = '';
try {
  nativeModule = (await import('../../native/index.js')) as unknown as NativeModule;
  const avail = nativeModule.nativeAvailable();
  if (!avail.ok) nativeReason = avail.reason;
  else if (process.getuid?.() !== 0) nativeReason = 'not running as root: a fresh network namespace needs CAP_SYS_ADMIN';
} catch (e) {
  nativeReason = `native binding failed to load: ${(e as Error).message}`;
}

/** kernelUnavailable is why the real-kernel backend cannot run here ('' when it can). */
export const kernelUnavailable = nativeReason;
const inCI = process.env.CI === 'true';
let warned = false;

/**
 * describeBackends declares `body` once per backend. Tests that can only run on the
 * simulator (unprivileged callers, injected kernel modules) use describeSim instead.
 */
export function describeBackends(name: string, body: (b: Backend) => void): void {
  describe(`${name} [sim]`, () => body(simBackend()));
  if (kernelUnavailable && !inCI) {
    if (!warned) {
      warned = true;
      console.warn(`nlsim: real-kernel differential tests skipped: ${kernelUnavailable}`);
    }
    describe.skip(`${name} [kernel] (skipped: ${kernelUnavailable})`, () => body(kernelBackend()));
    return;
  }
  describe(`${name} [kernel]`, () => body(kernelBackend()));
}

/** describeSim declares `body` for the simulator only. */
export function describeSim(name: string, body: (b: Backend & { readonly sim: VirtualKernel }) => void): void {
  describe(`${name} [sim]`, () => body(simBackend() as Backend & { readonly sim: VirtualKernel }));
}

function tracked(open: (type: number, protocol: number) => NetlinkSocket, sockets: NetlinkSocket[]) {
  return (type: number, protocol: number) => {
    const s = open(type, protocol);
    sockets.push(s);
    return s;
  };
}

function closeAll(sockets: NetlinkSocket[]): void {
  for (const s of sockets.splice(0)) {
    try {
      s.close();
    } catch {
      // already closed by the test
    }
  }
}

function simBackend(): Backend {
  let kernel: VirtualKernel | undefined;
  const sockets: NetlinkSocket[] = [];
  beforeEach(() => {
    kernel = createHostKernel({ seed: 42 });
  });
  afterEach(() => closeAll(sockets));
  return {
    name: 'sim',
    pid: process.pid,
    get sim() {
      return kernel;
    },
    socket: tracked((t, p) => kernel!.socket(t, p), sockets),
  };
}

function kernelBackend(): Backend {
  let ns: (SocketFactory & { close(): void }) | undefined;
  const sockets: NetlinkSocket[] = [];
  beforeEach(() => {
    if (kernelUnavailable) throw new Error(`real kernel required with CI=true: ${kernelUnavailable}`);
    ns = nativeModule!.NativeNamespace.create();
  });
  afterEach(() => {
    closeAll(sockets);
    ns?.close();
  });
  return {
    name: 'kernel',
    pid: process.pid,
    sim: undefined,
    socket: tracked((t, p) => ns!.socket(t, p), sockets),
  };
}

/**
 * describeKernel declares tests that need the real kernel (differential runs that drive both
 * kernels themselves). `openNamespace()` returns a fresh namespace of the real kernel; the
 * caller closes it. Skipped with a reason without root or the binding, unless CI=true.
 */
export function describeKernel(name: string, body: (openNamespace: () => SocketFactory & { close(): void }) => void): void {
  const open = () => {
    if (kernelUnavailable) throw new Error(`real kernel required with CI=true: ${kernelUnavailable}`);
    return nativeModule!.NativeNamespace.create();
  };
  if (kernelUnavailable && !inCI) {
    if (!warned) {
      warned = true;
      console.warn(`nlsim: real-kernel differential tests skipped: ${kernelUnavailable}`);
    }
    describe.skip(`${name} [kernel] (skipped: ${kernelUnavailable})`, () => body(open));
    return;
  }
  describe(`${name} [kernel]`, () => body(open));
}
