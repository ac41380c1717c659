/**
 * The two kernels a benchmark compares: a fresh virtual kernel (createKernel() plus
 * NETLINK_ROUTE), and a fresh network namespace of the real kernel through the native
 * binding. Both hand out sockets through the same SocketFactory, so a workload's code is
 * identical on both: the kernel side pays the N-API crossing and the system call, as any
 * Node client of the real kernel would.
 */
import { createKernel } from '../protocols/index.js';
import { registerRoute } from '../protocols/route/index.js';
import { NETLINK_ROUTE } from '../sim/uapi/netlink.js';
import type { BenchBackend } from './harness.js';

/** openSim boots a virtual kernel with every built-in protocol and NETLINK_ROUTE. */
export function openSim(): BenchBackend {
  const kernel = createKernel({ seed: 1 });
  // createKernel() does not load rtnetlink (yet); later versions may, so do it only once.
  if (!kernel.table(NETLINK_ROUTE)) registerRoute(kernel, { seed: 1 });
  return { name: 'sim', sockets: kernel, sim: kernel, close: () => {} };
}

interface NativeModule {
  nativeAvailable(): { ok: true } | { ok: false; reason: string };
  NativeNamespace: { create(): BenchBackend['sockets'] & { readonly fd: number; close(): void } };
}

let native: NativeModule | undefined;

/**
 * kernelUnavailable says why the real kernel cannot be benchmarked here (no binding, not
 * root), or returns undefined when it can. Loads the binding on first use.
 */
export async function kernelUnavailable(): Promise<string | undefined> {
  try {
    native ??= (await import('../native/index.js')) as unknown as NativeModule;
  } catch (e) {
    return `native binding failed to load: ${(e as Error).message}`;
  }
  const avail = native.nativeAvailable();
  if (!avail.ok) return avail.reason;
  if (process.getuid?.() !== 0) return 'not root: a fresh network namespace needs CAP_SYS_ADMIN';
  return undefined;
}

/** openKernel creates a fresh network namespace of the real kernel. Call kernelUnavailable() first. */
export function openKernel(): BenchBackend {
  if (!native) throw new Error('openKernel() before kernelUnavailable()');
  const ns = native.NativeNamespace.create();
  return { name: 'kernel', sockets: ns, sim: undefined, netnsFd: ns.fd, close: () => ns.close() };
}
