/**
 * Programs run unmodified under the LD_PRELOAD shim print exactly what they print on the
 * real kernel in a fresh network namespace: our C probe, python3's socket module and
 * iproute2's genl.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileProbe, kernelUnavailable, runKernel, runSim } from './run-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const describeKernel = kernelUnavailable ? describe.skip : describe;
if (kernelUnavailable) console.warn(`nlsim: runner differential tests skipped: ${kernelUnavailable}`);

describeKernel('nlsim run prints what the real kernel prints [kernel]', () => {
  let probe: string;
  beforeAll(() => {
    probe = compileProbe();
  });

  it('netlink-probe: errors, autobind, unicast, multicast, PEEK/TRUNC, ENOBUFS, ACKs, dumps, poll, blocking, fork and exec', async () => {
    const [real, sim] = await Promise.all([runKernel([probe]), runSim([probe])]);
    expect(real.status, real.stderr).toBe(0);
    expect(sim.stderr).toBe('');
    expect(sim.status).toBe(0);
    expect(sim.stdout).toBe(real.stdout);
    // The run covered every section (a probe that stopped early would compare equal too).
    expect(sim.stdout).toContain('exec child status: 0');
  });

  it('python3 socket module', async () => {
    const argv = ['python3', path.join(here, 'python-probe.py')];
    const [real, sim] = await Promise.all([runKernel(argv), runSim(argv)]);
    expect(real.status, real.stderr).toBe(0);
    expect(sim.stderr).toBe('');
    expect(sim.stdout).toBe(real.stdout);
    expect(sim.stdout).toContain('bind closed: EBADF');
  });

  it('genl ctrl get name nlctrl', async () => {
    const argv = ['genl', 'ctrl', 'get', 'name', 'nlctrl'];
    const [real, sim] = await Promise.all([runKernel(argv), runSim(argv)]);
    expect(real.status, real.stderr).toBe(0);
    expect(sim).toEqual(real);
    expect(sim.stdout).toContain('Name: nlctrl');
  });

  it('ip link show (iproute2 on NETLINK_ROUTE)', async () => {
    const argv = ['ip', 'link', 'show'];
    const [real, sim] = await Promise.all([runKernel(argv), runSim(argv)]);
    expect(real.status, real.stderr).toBe(0);
    expect(sim).toEqual(real);
  });

  it('a python3 link monitor sees the notification of the ip it runs', async () => {
    const argv = ['python3', path.join(here, 'route-monitor.py')];
    const [real, sim] = await Promise.all([runKernel(argv), runSim(argv)]);
    expect(real.status, real.stderr).toBe(0);
    expect(sim).toEqual(real);
    expect(sim.stdout).toContain('type 16 index 1 up True');
  });

  it('genl ctrl get name of a missing family fails the same way', async () => {
    const argv = ['genl', 'ctrl', 'get', 'name', 'nosuchfamily'];
    const [real, sim] = await Promise.all([runKernel(argv), runSim(argv)]);
    expect(real.status).not.toBe(0);
    expect(sim).toEqual(real);
  });
});
