/**
 * Smoke test of `nlsim bench`: every workload runs at tiny size on the simulator (and on the
 * real kernel when available) and delivers what it claims. Rates are never asserted; the
 * workloads check their own received counts and throw when short.
 */
import { describe, expect, it } from 'vitest';
import { kernelUnavailable, openKernel, openSim } from '../../bench/backends.js';
import { NotMeasurable, type Prepared, timeRound } from '../../bench/harness.js';
import { formatTable, toJson } from '../../bench/report.js';
import { runBench } from '../../bench/run.js';
import { WORKLOADS } from '../../bench/workloads/index.js';

const noKernel = await kernelUnavailable();

describe('bench workloads at tiny size', () => {
  const backends = noKernel ? [openSim] : [openSim, openKernel];
  for (const workload of WORKLOADS) {
    for (const open of backends) {
      it(`${workload.name} [${open === openSim ? 'sim' : 'kernel'}]`, async () => {
        const backend = open();
        try {
          let prepared: Prepared;
          try {
            prepared = await workload.prepare(backend, 'tiny');
          } catch (e) {
            // Only the simulator may lack a model, and it must say which request it refused.
            if (!(e instanceof NotMeasurable) || backend.name !== 'sim') throw e;
            expect(e.message).toMatch(/refused with E[A-Z]+/);
            return;
          }
          try {
            const first = await prepared.step();
            expect(first).toBeGreaterThan(0);
            // A second step on the same sockets must deliver as much again.
            expect(await prepared.step()).toBe(first);
            expect((await timeRound(prepared, 0)).units).toBe(first);
          } finally {
            await prepared.close();
          }
        } finally {
          backend.close();
        }
      });
    }
  }
});

describe('bench report', () => {
  it('runs the table end to end and writes the JSON shape', async () => {
    const results = await runBench(WORKLOADS.slice(0, 1), { rounds: 1, durationMs: 1, warmupMs: 0, scale: 'tiny', simOnly: false });
    const json = toJson(results);
    expect(json.workloads).toHaveLength(1);
    const [row] = json.workloads;
    expect(row).toMatchObject({ name: WORKLOADS[0]!.name, unit: 'msgs/s' });
    expect(row!.sim).toBeGreaterThan(0);
    if (noKernel) expect(row!.kernel).toBeNull();
    else expect(row!.ratio).toBeCloseTo(row!.sim! / row!.kernel!, 1);
    expect(formatTable(results)).toContain(WORKLOADS[0]!.name);
  });
});
