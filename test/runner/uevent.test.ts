/**
 * `nlsim uevent` against a running `nlsim serve`: a python3 uevent listener served by the
 * same kernel receives the kernel format (group 1, from port 0, credentials pid 0 uid 0
 * gid 0 as Linux gives a kernel broadcast) and the libudev format (group 2, from udevd's
 * port, with udevd's credentials).
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProgram, shimPath, start } from './run-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', '..', 'cli', 'main.ts');
const nlsim = (...args: string[]) => start([process.execPath, '--import', 'tsx', cli, ...args]);

describe('nlsim uevent', () => {
  let server: RunningProgram | undefined;
  beforeAll(() => {
    shimPath();
  });
  afterEach(async () => {
    server?.kill();
    await server?.done;
    server = undefined;
  });

  /** serve starts `nlsim serve` on a socket in `dir` and waits until it listens. */
  async function serve(dir: string): Promise<string> {
    const socketPath = path.join(dir, 'kernel.sock');
    server = nlsim('serve', '--socket', socketPath);
    await server.waitFor('nlsim: serving');
    return socketPath;
  }

  it('delivers a kernel event and a udevd event to a listener on groups 1 and 2', async () => {
    const socketPath = await serve(mkdtempSync(path.join(tmpdir(), 'nlsim-uevent-')));
    const listener = nlsim('run', '--socket', socketPath, '--', 'python3', path.join(here, 'uevent-listener.py'), '2');
    await listener.waitFor('listening');
    const event = ['add', '/devices/virtual/net/x0', '--subsystem', 'net', '--env', 'INTERFACE=x0', '--env', 'IFINDEX=7'];
    const kernel = await nlsim('uevent', '--socket', socketPath, ...event).done;
    expect(kernel.stderr).toBe('');
    expect(kernel.status).toBe(0);
    const udev = await nlsim('uevent', '--socket', socketPath, ...event, '--udev').done;
    expect(udev.stderr).toBe('');
    expect(udev.status).toBe(0);
    const out = await listener.done;
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(
      'listening\n' +
        "kernel from 0 groups 1 creds (0, 0, 0) ['add@/devices/virtual/net/x0', 'ACTION=add', 'DEVPATH=/devices/virtual/net/x0', 'SUBSYSTEM=net', 'INTERFACE=x0', 'IFINDEX=7', 'SEQNUM=1']\n" +
        // udevd (port and pid 1, root) re-sends the event it processed, with its SEQNUM.
        "udev from 1 groups 2 creds (1, 0, 0) ['ACTION=add', 'DEVPATH=/devices/virtual/net/x0', 'SUBSYSTEM=net', 'INTERFACE=x0', 'IFINDEX=7', 'SEQNUM=1']\n",
    );
  }, 30_000);

  it('is refused by a server whose socket directory others can enter', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nlsim-uevent-open-'));
    chmodSync(dir, 0o755);
    const socketPath = await serve(dir);
    // serve says so when it starts (the test times out if it does not).
    await server!.waitFor('nlsim uevent will be refused');
    const out = await nlsim('uevent', '--socket', socketPath, 'add', '/devices/virtual/net/x0').done;
    expect(out.stderr).toBe("nlsim uevent: EPERM: the server refuses control requests: its socket's directory is not private (mode 0700, owned by its user)\n");
    expect(out.status).toBe(1);
  }, 30_000);

  it('says so in one line when no server listens, or a property is malformed', async () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'nlsim-uevent-none-')), 'none.sock');
    const none = await nlsim('uevent', '--socket', missing, 'add', '/x').done;
    expect(none.stderr).toBe(`nlsim uevent: no nlsim server answers at ${missing} (ENOENT)\n`);
    expect(none.status).toBe(1);
    const bad = await nlsim('uevent', '--socket', missing, '--env', 'NOVALUE', 'add', '/x').done;
    expect(bad.stderr).toBe('nlsim uevent: --env NOVALUE: expected KEY=VALUE\n');
    expect(bad.status).toBe(2);
  }, 30_000);
});
