/**
 * Running the workloads: each one on the simulator and on the real kernel, back to back
 * and interleaved round by round (so machine noise hits both alike), reporting medians.
 */
import { kernelUnavailable, openKernel, openSim } from './backends.js';
import { type BackendName, type BenchBackend, median, NotMeasurable, type Prepared, type Scale, timeRound, type Workload } from './harness.js';

/** BenchOptions tune a run. */
export interface BenchOptions {
  /** Timed rounds per backend; the median is reported. Defaults to 5. */
  rounds: number;
  /** Milliseconds per round. Defaults to 1000. */
  durationMs: number;
  /** Untimed warm-up per backend before the rounds, ms (lets the JIT settle). Defaults to durationMs / 2. */
  warmupMs: number;
  /** Workload size: 'tiny' for smoke tests. Defaults to 'full'. */
  scale: Scale;
  /** Skip the real kernel even when it is available. Defaults to false. */
  simOnly: boolean;
  /** Only workloads whose name contains this (case-insensitive). */
  filter?: string;
  /** Called with progress lines. */
  log?: (line: string) => void;
}

/** BackendResult is one backend's measurement of one workload. */
export interface BackendResult {
  /** Median rate over the rounds, in the workload's unit. */
  rate: number;
  /** Every round's rate. */
  rounds: number[];
  /** Units delivered over all rounds (proof that the workload ran). */
  units: number;
  /** Median heap growth per round, bytes (workloads that report it). */
  heapGrowth?: number;
}

/** WorkloadResult is one row of the table. */
export interface WorkloadResult {
  name: string;
  unit: string;
  target?: string;
  /** null when not measured on that backend, with the reason in `note`. */
  sim: BackendResult | null;
  kernel: BackendResult | null;
  /** sim rate / kernel rate, when both were measured. */
  ratio: number | null;
  note?: string;
}

const OPENERS: Record<BackendName, () => BenchBackend> = { sim: openSim, kernel: openKernel };

/** runBench runs `workloads` and returns one result per workload. */
export async function runBench(workloads: readonly Workload[], options: BenchOptions): Promise<WorkloadResult[]> {
  const log = options.log ?? (() => {});
  const noKernel = options.simOnly ? 'skipped (--sim-only)' : await kernelUnavailable();
  if (noKernel) log(`real kernel not measured: ${noKernel}`);
  const selected = options.filter ? workloads.filter((w) => w.name.toLowerCase().includes(options.filter!.toLowerCase())) : workloads;
  const results: WorkloadResult[] = [];
  for (const w of selected) {
    log(`${w.name} …`);
    results.push(await runWorkload(w, options, noKernel));
  }
  return results;
}

/** Opened is a workload prepared on one backend. */
interface Opened {
  backend: BenchBackend;
  prepared: Prepared;
  rates: number[];
  heap: number[];
  units: number;
}

async function runWorkload(w: Workload, options: BenchOptions, noKernel: string | undefined): Promise<WorkloadResult> {
  const result: WorkloadResult = { name: w.name, unit: w.unit, target: w.target, sim: null, kernel: null, ratio: null };
  const names: BackendName[] = noKernel ? ['sim'] : ['sim', 'kernel'];
  const notes: string[] = [];
  const opened: Opened[] = [];
  try {
    for (const name of names) {
      const backend = OPENERS[name]();
      try {
        opened.push({ backend, prepared: await w.prepare(backend, options.scale), rates: [], heap: [], units: 0 });
      } catch (e) {
        backend.close();
        if (!(e instanceof NotMeasurable)) throw e;
        notes.push(`not measurable yet on ${name}: ${e.message}`);
      }
    }
    // The kernel is still measured when the simulator cannot run the workload yet: the
    // number it will have to beat.
    for (const o of opened) await timeRound(o.prepared, options.warmupMs);
    for (let r = 0; r < options.rounds; r++) {
      for (const o of opened) {
        const round = await timeRound(o.prepared, options.durationMs, { sampleHeap: w.heap });
        o.rates.push(round.rate);
        o.heap.push(round.heapGrowth);
        o.units += round.units;
      }
    }
  } finally {
    for (const o of opened) {
      await o.prepared.close();
      o.backend.close();
    }
  }
  for (const o of opened) {
    const r: BackendResult = { rate: median(o.rates), rounds: o.rates, units: o.units };
    if (w.heap) r.heapGrowth = median(o.heap);
    result[o.backend.name] = r;
  }
  if (noKernel) notes.push(`kernel: ${noKernel}`);
  if (result.sim && result.kernel) result.ratio = result.sim.rate / result.kernel.rate;
  if (notes.length) result.note = notes.join('; ');
  return result;
}
