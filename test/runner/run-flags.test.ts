/**
 * `nlsim run` / `nlsim serve` with --pcap (the virtual nlmon) and --module (a user's kernel
 * module), driven through the real command line as a user would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { shimPath, start } from './run-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const cli = path.join(root, 'cli', 'main.ts');
const nlsim = (...args: string[]) => start([process.execPath, '--import', 'tsx', cli, ...args]).done;

describe('nlsim run --pcap', () => {
  let dir: string;
  beforeAll(() => {
    shimPath();
    dir = mkdtempSync(path.join(tmpdir(), 'nlsim-pcap-'));
  });

  it.each(['pcap', 'pcapng'])('records genl ctrl get name nlctrl as %s: decode shows request and reply, replay matches', async (format) => {
    const file = path.join(dir, `genl.${format}`);
    const run = await nlsim('run', '--pcap', file, '--pcap-format', format, '--', 'genl', 'ctrl', 'get', 'name', 'nlctrl');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Name: nlctrl');

    const decoded = await nlsim('decode', file);
    expect(decoded.status, decoded.stderr).toBe(0);
    const packets = decoded.stdout.split('\n').filter((l) => l.startsWith('Packet '));
    // The request (genl asks for an ACK), the reply, the ACK.
    expect(packets).toHaveLength(3);
    expect(packets[0]).toContain('NETLINK_GENERIC (16), to-kernel');
    expect(packets[1]).toContain('NETLINK_GENERIC (16), from-kernel');
    expect(packets[2]).toContain('NETLINK_GENERIC (16), from-kernel');
    expect(decoded.stdout).toContain('cmd: 3 (CTRL_CMD_GETFAMILY)');
    expect(decoded.stdout).toContain('cmd: 1 (CTRL_CMD_NEWFAMILY)');
    expect(decoded.stdout).toContain('Error: 0 (ACK)');

    const replayed = await nlsim('replay', file);
    expect(replayed.stdout).toContain('1 requests: 1 match, 0 mismatch');
    expect(replayed.status).toBe(0);
  }, 30_000);

  it('refuses a --pcap file in a directory that does not exist before running the command', async () => {
    const file = path.join(dir, 'missing', 'x.pcap');
    const out = await nlsim('run', '--pcap', file, '--', 'sh', '-c', 'echo ran');
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(`nlsim: --pcap ${file}: no such directory ${path.dirname(file)}\n`);
    expect(out.status).toBe(2);
  });

  it('refuses --pcap together with --socket (the served kernel records itself)', async () => {
    const out = await nlsim('run', '--socket', path.join(dir, 'none.sock'), '--pcap', path.join(dir, 'x.pcap'), '--', 'true');
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('--pcap belongs to `nlsim serve` when --socket is given');
  });

  it('serve --pcap writes the traffic of every program it served when it stops', async () => {
    const socketPath = path.join(dir, 'kernel.sock');
    const file = path.join(dir, 'served.pcap');
    const server = start([process.execPath, '--import', 'tsx', cli, 'serve', '--socket', socketPath, '--pcap', file]);
    await server.waitFor('nlsim: serving');
    const first = await nlsim('run', '--socket', socketPath, '--', 'genl', 'ctrl', 'get', 'name', 'nlctrl');
    const second = await nlsim('run', '--socket', socketPath, '--', 'ip', 'link', 'show', 'lo');
    expect(first.status, first.stderr).toBe(0);
    expect(second.status, second.stderr).toBe(0);
    server.kill();
    expect((await server.done).status).toBe(0);
    const replayed = await nlsim('replay', file);
    expect(replayed.stdout).toMatch(/^record 0: nlctrl .*MATCH/m);
    expect(replayed.stdout).toMatch(/RTM_GETLINK .*MATCH/);
    expect(replayed.stdout).toContain(' 0 mismatch');
    expect(replayed.status).toBe(0);
  }, 30_000);
});

describe('nlsim run --module', () => {
  let user: string;
  let dir: string;
  beforeAll(() => {
    shimPath();
    dir = mkdtempSync(path.join(tmpdir(), 'nlsim-module-'));
    user = path.join(dir, 'netlink-test-user');
    const source = path.join(root, 'examples', 'netlink-test', 'netlink-test-user.c');
    const cc = spawnSync(process.env.CC || 'cc', ['-Wall', '-Wextra', '-Werror', '-o', user, source], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`compiling netlink-test-user.c failed: ${cc.stderr || cc.error?.message}`);
  });

  it('runs the seeds\' C user program unmodified against the TypeScript NETLINK_TEST module', async () => {
    const out = await nlsim('run', '--module', path.join(root, 'examples', 'netlink-test', 'module.ts'), '--', user, '3');
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(
      'Received message payload: recv 1 messages from user\nReceived message payload: recv 2 messages from user\nReceived message payload: recv 3 messages from user\n',
    );
    expect(out.status).toBe(0);
  }, 30_000);

  it('without the module, the program gets EPROTONOSUPPORT as on a kernel without it', async () => {
    const out = await nlsim('run', '--', user, '1');
    expect(out.stderr).toBe('socket(NETLINK_TEST): Protocol not supported\n');
    expect(out.status).toBe(1);
  });

  it('loads JavaScript modules through `register`, in order, and names a bad module in one line', async () => {
    const first = path.join(dir, 'first.mjs');
    const second = path.join(dir, 'second.mjs');
    // The second module sees what the first registered: modules load in the order given.
    writeFileSync(first, 'export function register(kernel) { kernel.registerProtocol({ protocol: 30, input: () => {} }); }\n');
    writeFileSync(second, 'export default (kernel) => { if (!kernel.table(30)) throw new Error("30 missing"); }\n');
    const script = 'import socket; socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 30); print("opened")';
    const ok = await nlsim('run', '--module', first, '--module', second, '--', 'python3', '-c', script);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('opened\n');

    const bad = path.join(dir, 'bad.mjs');
    writeFileSync(bad, 'export const notAFunction = 1;\n');
    const refused = await nlsim('run', '--module', bad, '--', 'true');
    expect(refused.stderr).toBe(`nlsim: --module ${bad}: exports neither a default function nor register(kernel)\n`);
    expect(refused.status).toBe(2);
    const missing = await nlsim('run', '--module', path.join(dir, 'missing.ts'), '--', 'true');
    expect(missing.stderr).toBe(`nlsim: --module ${path.join(dir, 'missing.ts')}: no such file\n`);
  }, 30_000);
});
