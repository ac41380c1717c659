/**
 * Device ioctls under `nlsim run` describe the virtual kernel's devices, byte for byte as
 * Linux in a fresh namespace: the getters on every socket family, SIOCGIFCONF, the errors,
 * glibc's and python3's interface-name functions, the setters with the notifications ip
 * monitor sees, and the capability checks of an unprivileged caller.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileProgram, kernelUnavailable, runKernel, runSim } from './run-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const describeKernel = kernelUnavailable ? describe.skip : describe;
if (kernelUnavailable) console.warn(`nlsim: device ioctl differential tests skipped: ${kernelUnavailable}`);

/** Requests an unprivileged caller may and may not make, on lo and on a missing device. */
const UNPRIVILEGED = [
  'unix:GIFINDEX:lo', 'inet:GIFFLAGS:lo', 'inet:GIFADDR:lo', 'nametoindex:lo',
  'unix:SIFFLAGS:lo:9', 'inet:SIFFLAGS:lo:9', 'inet:SIFFLAGS:nosuch:9', 'inet:SIFFLAGS:lo+1:0', 'netlink:SIFMTU:lo:1000',
  'unix:SIFNAME:lo:x', 'unix:SIFNAME:nosuch:x', 'unix:SIFTXQLEN:lo:5', 'unix:SIFHWADDR:lo:02:00:00:00:00:01',
  'unix:SIFMAP:lo', 'unix:SIFMETRIC:nosuch:1', 'inet:SIFADDR:lo:10.0.0.1',
];

describeKernel('device ioctls under nlsim run [kernel]', () => {
  let probe: string;
  beforeAll(() => {
    probe = compileProgram('dev-ioctl-probe.c');
  });

  it.each([
    ['getters on unix, inet, inet6, netlink and packet sockets, SIOCGIFCONF, aliases, errors, if_nametoindex, python3, ip -6 addr show', 'dev-ioctl-reads.sh', 'qlen 77'],
    ['setters under ip monitor all: flags, promisc, alias down, MTU, txqlen, name, hardware and broadcast address, ifconfig-style IPv4 addresses', 'dev-ioctl-writes.sh', '[ADDR]2: veth1    inet 10.1.0.1 peer 10.1.0.9/24'],
  ])('%s', async (_name, script, marker) => {
    const argv = ['sh', path.join(here, 'scripts', script), probe];
    const [real, sim] = await Promise.all([runKernel(argv), runSim(argv)]);
    expect(real.status, real.stderr).toBe(0);
    expect(sim.status, sim.stderr).toBe(0);
    expect(sim.stderr).toBe(real.stderr);
    expect(sim.stdout).toBe(real.stdout);
    expect(sim.stdout).toContain(marker);
  }, 30_000);

  it('an unprivileged caller reads but gets EPERM for every change, before ENODEV', async () => {
    const [real, sim] = await Promise.all([
      runKernel(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', probe, ...UNPRIVILEGED]),
      runSim([probe, ...UNPRIVILEGED], { unprivileged: true }),
    ]);
    expect(real.status, real.stderr).toBe(0);
    expect(sim).toEqual(real);
    expect(sim.stdout).toContain('unix:SIFNAME:nosuch:x -> -1 EPERM');
  });
});
