/**
 * `nlsim snapshot` and `--state FILE` through the real command line: a namespace of Linux
 * built by `ip`, snapshot by `nlsim snapshot --out` inside it, loaded with `nlsim run
 * --state` (and `nlsim serve --state`), and `ip` shows the same on both; malformed or
 * refused state files stop nlsim before the command runs, with the file and entry named.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelUnavailable, shimPath, start } from '../runner/run-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', '..', 'cli', 'main.ts');
const nlsimArgv = (...args: string[]) => [process.execPath, '--import', 'tsx', cli, ...args];
const nlsim = (...args: string[]) => start(nlsimArgv(...args)).done;

const SETUP = [
  'ip link set lo up',
  'ip link add br0 type bridge',
  'ip link add v0 type veth peer name v1',
  'ip link set v0 master br0',
  'ip link set br0 up',
  'ip link set v0 up',
  'ip link set v1 mtu 1400 up',
  'ip link add ifb0 type ifb',
  'ip addr add 10.0.0.1/24 dev v1',
  'ip addr add 172.16.0.1/16 brd + dev br0',
  'ip -6 addr add fd00::1/64 dev v1 nodad',
  'ip route add 10.1.0.0/16 via 10.0.0.254',
  'ip route add blackhole 10.3.0.0/16 table 100',
  'ip -6 route add fd02::/64 via fd00::2',
  'ip neigh add 10.0.0.2 lladdr 02:aa:bb:cc:dd:ee dev v1 nud permanent',
].join(' && ');

// Link-local addresses come up tentative on both kernels (nlsim runs DAD on its clock after
// loading the state); their local routes come with DAD's success, up to 2 s later. Both sides
// wait for it before they are read.
const SETTLED = 'for i in $(seq 100); do [ -z "$(ip -br -6 addr show tentative)" ] && break; sleep 0.1; done';

// -br leaves out DAD's tentative flag; routes are sorted (see round-trip.test.ts).
const SHOW = `${SETTLED}; ip -br link; ip -br addr; ip route show table all | sort; ip -6 route show table all | sort; ip neigh show nud permanent`;

let dir: string;
beforeAll(() => {
  shimPath();
  dir = mkdtempSync(path.join(tmpdir(), 'topo-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(kernelUnavailable !== '')('nlsim snapshot → nlsim run --state, against Linux', () => {
  it('ip shows the snapshot namespace and the virtual kernel alike', async () => {
    const file = path.join(dir, 'state.json');
    const real = await start(['unshare', '-n', 'sh', '-c', `${SETUP} && ${nlsimArgv('snapshot', '--out', file).join(' ')} && ${SHOW}`]).done;
    expect(real.status, real.stderr).toBe(0);
    expect(real.stderr).toBe('');
    const topology = JSON.parse(readFileSync(file, 'utf8')) as { nlsim: string; links: { name: string }[] };
    expect(topology.nlsim).toBe('topology/1');
    expect(topology.links.map((l) => l.name)).toEqual(['lo', 'br0', 'v1', 'v0', 'ifb0']);

    const sim = await nlsim('run', '--state', file, '--', 'sh', '-c', SHOW);
    expect(sim.stderr).toBe('');
    expect(sim.status).toBe(0);
    expect(sim.stdout).toBe(real.stdout);
  }, 60_000);

  it('writes to standard output without --out; a fresh namespace holds nothing a user made', async () => {
    const out = await start(['unshare', '-n', ...nlsimArgv('snapshot')]).done;
    expect(out.status, out.stderr).toBe(0);
    // A fresh namespace: lo, down, and nothing a user made.
    expect(out.stdout).toBe('{\n  "nlsim": "topology/1",\n  "links": []\n}\n');
    expect(out.stderr).toBe('');
  });
});

describe('nlsim run --state / serve --state', () => {
  it('loads a hand-written state file', async () => {
    const file = path.join(dir, 'hand.json');
    writeFileSync(
      file,
      JSON.stringify({
        nlsim: 'topology/1',
        links: [
          { name: 'lo', up: true },
          { name: 'eth0', kind: 'dummy', address: '02:00:00:00:00:01', up: true },
          { name: 'eth0.10', kind: 'vlan', link: 'eth0', vlanId: 10, up: true },
        ],
        addresses: [{ dev: 'eth0.10', address: '192.0.2.10/24' }],
        routes: [{ dst: 'default', via: '192.0.2.1' }],
      }),
    );
    const out = await nlsim('run', '--state', file, '--', 'sh', '-c', 'ip -o -4 addr; ip -o link show eth0.10; ip route');
    expect(out.stderr).toBe('');
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(/^1: lo +inet 127\.0\.0\.1\/8 scope host lo/);
    expect(lines[1]).toMatch(/^3: eth0\.10 +inet 192\.0\.2\.10\/24 scope global eth0\.10/);
    // vlan_dev_init(): a vlan takes its real device's flags, a dummy's NOARP without MULTICAST.
    expect(lines[2]).toMatch(/^3: eth0\.10@eth0: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 .*link\/ether 02:00:00:00:00:01 /);
    expect(lines.slice(3)).toEqual(['default via 192.0.2.1 dev eth0.10 ', '192.0.2.0/24 dev eth0.10 proto kernel scope link src 192.0.2.10 ', '']);
  });

  it.each([
    ['bad JSON', '{"nlsim": "topology/1",\n  "links": [,]}', ': invalid JSON at line 2 column 13: Unexpected token \',\''],
    ['an unknown field', '{"nlsim": "topology/1", "links": [{"name": "d0", "kind": "dummy", "mtuu": 1400}]}', ': links[0].mtuu: unknown field (expected name, kind, index, peer, link, vlanId, vlanProtocol, master, mtu, txqlen, address, up)'],
    ['no version', '{"links": []}', ': "nlsim": expected "topology/1" (the format version), got nothing'],
    ['a refused request', '{"nlsim": "topology/1", "links": [{"name": "d0", "kind": "dummy"}, {"name": "d0", "kind": "ifb"}]}', ': links[1] (d0): RTM_NEWLINK failed: EEXIST (File exists)'],
    ['a missing device', '{"nlsim": "topology/1", "addresses": [{"dev": "eth9", "address": "10.0.0.1/8"}]}', ': addresses[0] (10.0.0.1/8 dev eth9): RTM_GETLINK failed: ENODEV (No such device)'],
  ])('stops before the command on %s, naming the file and the entry', async (_, text, message) => {
    const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, text);
    const out = await nlsim('run', '--state', file, '--', 'sh', '-c', 'echo ran');
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(`nlsim: --state ${file}${message}\n`);
    expect(out.status).toBe(2);
  });

  it('names a file that cannot be read', async () => {
    const file = path.join(dir, 'missing.json');
    const out = await nlsim('run', '--state', file, '--', 'true');
    expect(out.stderr).toBe(`nlsim: --state ${file}: cannot read: ENOENT\n`);
    expect(out.status).toBe(2);
  });

  it('refuses --state together with --socket (the served kernel has its own)', async () => {
    const out = await nlsim('run', '--socket', path.join(dir, 'none.sock'), '--state', path.join(dir, 'x.json'), '--', 'true');
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('--state belongs to `nlsim serve` when --socket is given');
  });

  it('serve --state gives every program the state', async () => {
    const file = path.join(dir, 'served.json');
    writeFileSync(file, JSON.stringify({ nlsim: 'topology/1', links: [{ name: 'br0', kind: 'bridge' }, { name: 'v0', kind: 'veth', peer: 'v1', master: 'br0' }] }));
    const socketPath = path.join(dir, 'kernel.sock');
    const server = start(nlsimArgv('serve', '--socket', socketPath, '--state', file));
    await server.waitFor('nlsim: serving');
    const out = await nlsim('run', '--socket', socketPath, '--', 'ip', '-o', 'link', 'show', 'v0');
    server.kill();
    expect((await server.done).status).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/^4: v0@v1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 .*master br0 state DOWN/);
  }, 30_000);
});
