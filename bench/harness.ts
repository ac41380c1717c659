/**
 * The benchmark harness: what a workload is, how a round is timed, and how rounds on the
 * two kernels become one result. Workloads are macro benchmarks (batches of system calls
 * through the shared NetlinkSocket interface), so the harness is a plain loop timed with
 * performance.now() rather than a micro-benchmark library: each step already lasts
 * hundreds of microseconds, far above timer resolution.
 */
import { getHeapStatistics } from 'node:v8';
import type { VirtualKernel } from '../sim/kernel.js';
import type { SocketFactory } from '../sim/socket-api.js';

/** BackendName names the two kernels every workload runs on. */
export type BackendName = 'sim' | 'kernel';

/** BenchBackend is one kernel a workload runs on, fresh for that workload. */
export interface BenchBackend {
  readonly name: BackendName;
  /** Opens sockets: the virtual kernel, or a fresh network namespace of the real one. */
  readonly sockets: SocketFactory;
  /** The virtual kernel (sim backend only), for loading protocols. */
  readonly sim: VirtualKernel | undefined;
  /** The real kernel's namespace fd (kernel backend only), for programs run inside it. */
  readonly netnsFd?: number;
  /** Releases the kernel (closes the namespace). Sockets are closed by the workload. */
  close(): void;
}

/** Prepared is a workload set up on one backend, ready to run steps. */
export interface Prepared {
  /**
   * step runs one unit of work (a batch, a round trip, a whole dump) and returns how many
   * units of the workload's `unit` it delivered. It checks what it received (counts,
   * lengths) and throws when that is short, so a broken fast path cannot look fast.
   * Workloads that wait for another process (the preload path) return a promise.
   */
  step(): number | Promise<number>;
  /** close releases the workload's sockets (and servers). */
  close(): void | Promise<void>;
}

/** Workload is one benchmark, runnable on both kernels. */
export interface Workload {
  /** Table name, e.g. "usersock unicast 64 B". */
  readonly name: string;
  /** What step() counts, per second: 'msgs/s', 'round trips/s', 'deliveries/s'. */
  readonly unit: string;
  /** Report heap growth across a round (large dumps). */
  readonly heap?: boolean;
  /** The target sim/kernel ratio to report against (not asserted). */
  readonly target?: string;
  /**
   * prepare sets up sockets and kernel state on `backend` at `scale`. It throws
   * NotMeasurable when the backend cannot run the workload yet (a model the simulator lacks).
   */
  prepare(backend: BenchBackend, scale: Scale): Prepared | Promise<Prepared>;
}

/**
 * NotMeasurable is thrown by prepare() when a backend cannot run a workload yet, e.g. the
 * simulator refusing to create the routes a dump needs. The table reports the reason.
 */
export class NotMeasurable extends Error {
  override name = 'NotMeasurable';
}

/** Scale shrinks workloads: 'full' for the published table, 'tiny' for the smoke test. */
export type Scale = 'full' | 'tiny';

/** RoundResult is one timed round of one workload on one backend. */
export interface RoundResult {
  /** Units per second. */
  rate: number;
  /** Units delivered in the round. */
  units: number;
  /** heapUsed after the round minus before it, bytes (garbage included: an upper bound). */
  heapGrowth: number;
}

/** collectGarbage runs a full GC when node was started with --expose-gc; else does nothing. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const heapUsed = () => getHeapStatistics().used_heap_size;

/** The peak heap seen by sampleHeap() during the current round, when the round samples. */
let heapPeak = 0;
let sampling = false;

/**
 * sampleHeap records the current heap size into the running round's peak. Long steps (a
 * whole dump) call it as they go, so the peak includes what the step held mid-way.
 */
export function sampleHeap(): void {
  if (sampling) heapPeak = Math.max(heapPeak, heapUsed());
}

/**
 * timeRound runs `prepared.step()` until `durationMs` have passed (at least `minSteps`
 * times) and returns the rate. With `sampleHeap`, the heap is measured from a collected
 * baseline (when GC is exposed) and sampled after every step, so growth is the peak the
 * round reached: what it retained plus garbage not yet collected.
 */
export async function timeRound(prepared: Prepared, durationMs: number, options: { minSteps?: number; sampleHeap?: boolean } = {}): Promise<RoundResult> {
  const minSteps = options.minSteps ?? 1;
  const sampleHeap = options.sampleHeap ?? false;
  collectGarbage();
  const heapBefore = heapUsed();
  let units = 0;
  let steps = 0;
  heapPeak = heapBefore;
  sampling = sampleHeap;
  const start = performance.now();
  let now = start;
  try {
    while (steps < minSteps || now - start < durationMs) {
      // Synchronous steps are not awaited: an await per step would cost more than a small batch.
      const got = prepared.step();
      units += typeof got === 'number' ? got : await got;
      steps++;
      now = performance.now();
      if (sampleHeap) heapPeak = Math.max(heapPeak, heapUsed());
    }
  } finally {
    sampling = false;
  }
  heapPeak = Math.max(heapPeak, heapUsed());
  const seconds = (now - start) / 1000;
  return { rate: units / seconds, units, heapGrowth: heapPeak - heapBefore };
}

/** median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
