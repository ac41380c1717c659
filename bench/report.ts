/**
 * Presenting results: the printed table and the JSON file of `nlsim bench --json`.
 */
import type { WorkloadResult } from './run.js';

/** formatRate renders a rate with a k/M suffix, three significant digits. */
export function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toPrecision(3)} M`;
  if (rate >= 1e3) return `${(rate / 1e3).toPrecision(3)} k`;
  return rate.toPrecision(3);
}

function formatBytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * formatTable renders the results as a fixed-width table: workload, unit, sim rate,
 * kernel rate, ratio, target, heap growth, then notes for rows that need one.
 */
export function formatTable(results: readonly WorkloadResult[]): string {
  const header = ['workload', 'unit', 'sim', 'kernel', 'sim/kernel', 'target', 'heap Δ sim/kernel'];
  const rows = results.map((r) => [
    r.name,
    r.unit,
    r.sim ? formatRate(r.sim.rate) : '—',
    r.kernel ? formatRate(r.kernel.rate) : '—',
    r.ratio === null ? '—' : `${r.ratio.toFixed(1)}×`,
    r.target ?? '',
    r.sim?.heapGrowth !== undefined || r.kernel?.heapGrowth !== undefined
      ? `${r.sim?.heapGrowth !== undefined ? formatBytes(r.sim.heapGrowth) : '—'} / ${r.kernel?.heapGrowth !== undefined ? formatBytes(r.kernel.heapGrowth) : '—'}`
      : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  // Text columns align left, numbers right.
  const pad = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const lines = [pad(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(pad)];
  const notes = results.filter((r) => r.note).map((r) => `  ${r.name}: ${r.note}`);
  if (notes.length) lines.push('', 'notes:', ...notes);
  return lines.join('\n');
}

/** BenchJson is the file `--json FILE` writes. */
export interface BenchJson {
  workloads: {
    name: string;
    /** Median rate on the simulator, or null when not measured. */
    sim: number | null;
    kernel: number | null;
    ratio: number | null;
    unit: string;
    target?: string;
    heapGrowth?: { sim: number | null; kernel: number | null };
    note?: string;
  }[];
}

/** toJson converts results to the `--json` shape (rates rounded to whole units). */
export function toJson(results: readonly WorkloadResult[]): BenchJson {
  return {
    workloads: results.map((r) => ({
      name: r.name,
      sim: r.sim ? Math.round(r.sim.rate) : null,
      kernel: r.kernel ? Math.round(r.kernel.rate) : null,
      ratio: r.ratio === null ? null : Math.round(r.ratio * 100) / 100,
      unit: r.unit,
      ...(r.target ? { target: r.target } : {}),
      ...(r.sim?.heapGrowth !== undefined || r.kernel?.heapGrowth !== undefined
        ? { heapGrowth: { sim: r.sim?.heapGrowth ?? null, kernel: r.kernel?.heapGrowth ?? null } }
        : {}),
      ...(r.note ? { note: r.note } : {}),
    })),
  };
}
