/**
 * iproute2's genl under `nlsim run` against Linux in a fresh namespace: `genl ctrl get id 16`
 * identical; `genl ctrl list` identical for nlctrl's block (Linux lists more families than
 * nlsim registers, and the simulator lists only nlctrl).
 */
import { describe, expect, it } from 'vitest';
import { kernelUnavailable, runKernel, runSim } from './run-helpers.js';

const describeKernel = kernelUnavailable ? describe.skip : describe;
if (kernelUnavailable) console.warn(`nlsim: genl differential tests skipped: ${kernelUnavailable}`);

/** blocks splits `genl ctrl list` output into one block per family, keyed by name. */
function blocks(out: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const block of out.split(/\n(?=\nName: )/)) {
    const name = /Name: (\S+)/.exec(block)?.[1];
    if (name) map.set(name, block.trim());
  }
  return map;
}

describeKernel('genl under nlsim run [kernel]', () => {
  it('genl ctrl get id 16', async () => {
    const argv = ['genl', 'ctrl', 'get', 'id', '16'];
    const [real, sim] = await Promise.all([runKernel(argv), runSim(argv)]);
    expect(real.status, real.stderr).toBe(0);
    expect(sim).toEqual(real);
    expect(sim.stdout).toContain('Name: nlctrl');
  });

  it('genl ctrl list: the nlctrl block, and only the families nlsim registers', async () => {
    const argv = ['genl', 'ctrl', 'list'];
    const [real, sim] = await Promise.all([runKernel(argv), runSim(argv)]);
    expect(real.status, real.stderr).toBe(0);
    expect(sim.status, sim.stderr).toBe(0);
    const realBlocks = blocks(real.stdout);
    const simBlocks = blocks(sim.stdout);
    expect([...simBlocks.keys()]).toEqual(['nlctrl']);
    expect(simBlocks.get('nlctrl')).toBe(realBlocks.get('nlctrl'));
    expect(realBlocks.size).toBeGreaterThan(1);
  });
});
