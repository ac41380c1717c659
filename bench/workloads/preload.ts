/**
 * The preload path: an unmodified program, `ip -br link show`, run as a child process. On the
 * simulator it runs under the LD_PRELOAD shim against this benchmark's virtual kernel (the
 * bridge server `nlsim run` uses, started in-process); on the real kernel it runs through
 * `nsenter --net` in the benchmark's fresh namespace. A step is one run, checked to exit 0
 * and print exactly the namespace's one device, lo. Process start-up is most of the cost on
 * both sides; what differs is the shim and its bridge round trips against real syscalls.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { preloadAvailable } from '../../native/preload/index.js';
import { preloadEnvironment, startBridgeHost } from '../../runner/bridge-host.js';
import { NotMeasurable, type Workload } from '../harness.js';
import { check } from './common.js';

const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p));
const NSENTER = ['/usr/bin/nsenter', '/bin/nsenter', '/usr/sbin/nsenter'].find((p) => existsSync(p));
const ARGS = ['-br', 'link', 'show'];

/** run spawns `file args` with `env` and resolves to its exit status and stdout. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** expectLoOnly checks one run's outcome: status 0 and a single line for lo. */
function expectLoOnly(r: { status: number | null; stdout: string; stderr: string }): number {
  const lines = r.stdout.trim().split('\n');
  check(r.status === 0 && lines.length === 1 && /^lo\s/.test(lines[0]!), () => `ip exited ${r.status}: ${JSON.stringify(r.stdout)} ${JSON.stringify(r.stderr)}`);
  return 1;
}

/**
 * SCRIPT is a 50-command ip session: 10 veth pairs created, both ends brought up, an MTU set
 * on each, then the pairs deleted (40 commands), and 10 `ip -br link show` along the way;
 * it ends with only lo, so every run starts from the same state.
 */
const SCRIPT = (ip: string) =>
  [
    'set -e',
    ...Array.from({ length: 10 }, (_, i) => [
      `${ip} link add v${i}a type veth peer name v${i}b`,
      `${ip} link set v${i}a up`,
      `${ip} link set v${i}b up`,
      `${ip} link set v${i}a mtu 9000`,
      `${ip} -br link show >/dev/null`,
    ]).flat(),
    ...Array.from({ length: 10 }, (_, i) => `${ip} link del v${i}a`),
    `${ip} -br link show`,
  ].join('\n');

/** preloadWorkload: `ip -br link show` under the shim vs in a real namespace. */
export function preloadWorkload(): Workload {
  return shellWorkload('ip -br link show (nlsim run shim vs nsenter)', (ip) => [ip, ARGS]);
}

/** ipScriptWorkload: a 50-command ip session (sh -c) under the shim vs in a real namespace. */
export function ipScriptWorkload(): Workload {
  return shellWorkload('50-command ip script (nlsim run shim vs nsenter)', (ip) => ['/bin/sh', ['-c', SCRIPT(ip)]]);
}

/** shellWorkload runs the command `argv(ip)` builds, checking it ends with only lo listed. */
function shellWorkload(name: string, argv: (ip: string) => [string, string[]]): Workload {
  return {
    name,
    unit: 'runs/s',
    async prepare(backend) {
      if (!IP) throw new NotMeasurable('iproute2 `ip` is not installed');
      if (backend.name === 'sim') {
        const shim = preloadAvailable();
        if (!shim.ok) throw new NotMeasurable(shim.reason);
        const host = await startBridgeHost({ kernel: backend.sim });
        const env = preloadEnvironment(process.env, shim.path, host.server.path);
        const [file, args] = argv(IP);
        return {
          step: async () => expectLoOnly(await run(file, args, env)),
          close: () => host.close(),
        };
      }
      if (!NSENTER || backend.netnsFd === undefined) throw new NotMeasurable('nsenter is not installed');
      const [file, rest] = argv(IP);
      const args = [`--net=/proc/${process.pid}/fd/${backend.netnsFd}`, file, ...rest];
      return {
        step: async () => expectLoOnly(await run(NSENTER, args, process.env)),
        close: () => {},
      };
    },
  };
}
