/**
 * getifaddrs() under `nlsim run` lists the virtual kernel's devices and addresses exactly
 * as glibc's lists Linux's in a fresh namespace (the shim builds the list from the same
 * two netlink dumps, native/preload/ifaddrs-calls.c): a C probe printing every field, Node's
 * os.networkInterfaces() and python3 through ctypes, over dumps of several datagrams, with
 * repeated and concurrent calls. Without a server it fails as socket() does; under
 * valgrind (when installed) repeated calls leak nothing.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileProgram, kernelUnavailable, preloadEnvironmentFor, runKernel, runSim, start } from './run-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const describeKernel = kernelUnavailable ? describe.skip : describe;
if (kernelUnavailable) console.warn(`nlsim: getifaddrs differential tests skipped: ${kernelUnavailable}`);
// The memory check needs valgrind (.ci/run installs it): skipped with a reason elsewhere, never in CI.
const valgrind = spawnSync('valgrind', ['--version']).status === 0 || process.env.CI === 'true';
if (!valgrind) console.warn('nlsim: getifaddrs memory check skipped: valgrind is not installed');

describe('getifaddrs() under nlsim run', () => {
  let probe: string;
  beforeAll(() => {
    probe = compileProgram('getifaddrs-probe.c');
  });

  describeKernel('against Linux [kernel]', () => {
    it('lists links, then IPv4 and IPv6 addresses, as glibc does on Linux: the probe, Node and python3 ctypes', async () => {
      const argv = ['sh', path.join(here, 'scripts', 'getifaddrs.sh'), probe];
      const [real, sim] = await Promise.all([runKernel(argv), runSim(argv)]);
      expect(real.status, real.stderr).toBe(0);
      expect(sim.status, sim.stderr).toBe(0);
      expect(sim.stderr).toBe(real.stderr);
      expect(sim.stdout).toBe(real.stdout);
      expect(sim.stdout).toContain('veth0:x flags=0x11043 addr=inet:10.0.0.4');
      expect(sim.stdout).toContain('"scopeid": 2');
      expect(sim.stdout).toContain('renamed3 flags=0x1002 addr=inet6:2001:db8:3::1');
      expect(sim.stdout).toContain('8 threads done');
    }, 30_000);
  });

  it('fails with ECONNREFUSED and one line on stderr when the server is not there, as socket() does', async () => {
    const env = preloadEnvironmentFor(path.join(here, 'no-such-server.sock'));
    const out = await start([probe], env).done;
    expect(out.stdout).toBe('getifaddrs -> ECONNREFUSED\n');
    expect(out.stderr).toMatch(/^nlsim: the nlsim server at .* is gone/);
    expect(out.status).toBe(1);
  });

  it.skipIf(!valgrind)('repeated calls leak nothing and touch no freed or foreign memory (valgrind)', async () => {
    const out = await runSim(['valgrind', '-q', '--leak-check=full', '--errors-for-leak-kinds=definite,indirect', '--error-exitcode=9', probe, 'repeat', '20']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('lo flags=0x8 addr=packet:if1:type772');
  }, 30_000);
});
