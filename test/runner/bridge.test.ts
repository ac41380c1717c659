/**
 * The bridge server and the shim at their edges: requests the protocol does not know,
 * a server that answers nonsense, a server that goes away, unprivileged callers, and the
 * `nlsim run` / `nlsim serve` commands.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BridgeHost, startBridgeHost } from '../../runner/bridge-host.js';
import {
  BRIDGE_OP,
  decodeReply,
  DEV_IOCTL_VERSION,
  DEV_LIST,
  encodeDevIoctlBody,
  encodeRequest,
  FrameReader,
  IFREQ_LEN,
  REPLY_HEADER_LEN,
} from '../../runner/bridge-protocol.js';
import { errnoNumber } from '../../sim/uapi/errno.js';
import { createKernel } from '../../protocols/index.js';
import { compileProbe, preloadEnvironmentFor, runSim, shimPath, simEnv, start } from './run-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', '..', 'cli', 'main.ts');

/** RawClient speaks the bridge protocol directly, as a shim would. */
class RawClient {
  readonly #conn: net.Socket;
  readonly #reader = new FrameReader(REPLY_HEADER_LEN);
  readonly #replies: Uint8Array[] = [];
  #waiting: (() => void) | undefined;
  closed: Promise<void>;

  constructor(socketPath: string) {
    this.#conn = net.connect(socketPath);
    this.#conn.on('data', (chunk) => {
      const frames = this.#reader.push(chunk);
      if (frames !== 'invalid') this.#replies.push(...frames);
      this.#waiting?.();
    });
    this.closed = new Promise((resolve) => this.#conn.once('close', () => resolve()));
  }

  send(bytes: Uint8Array): void {
    this.#conn.write(bytes);
  }

  async reply(): Promise<{ result: number; drain: number; body: Uint8Array }> {
    while (!this.#replies.length) await new Promise<void>((resolve) => (this.#waiting = resolve));
    return decodeReply(this.#replies.shift()!);
  }

  close(): void {
    this.#conn.destroy();
  }
}

function request(op: number, body: Uint8Array = new Uint8Array(0), key = 1n): Uint8Array {
  return encodeRequest({ op, key, pid: process.pid, flags: 0, body });
}

describe('bridge server', () => {
  let host: BridgeHost;
  beforeEach(async () => {
    host = await startBridgeHost();
  });
  afterEach(async () => {
    await host.close();
  });

  it('answers an unknown operation with EPROTO and keeps the connection', async () => {
    const client = new RawClient(host.server.path);
    client.send(request(99));
    expect((await client.reply()).result).toBe(-errnoNumber('EPROTO'));
    // RECORD is for a recorder (nlsim record), not for a kernel's server.
    client.send(request(BRIDGE_OP.RECORD, new Uint8Array(24)));
    expect((await client.reply()).result).toBe(-errnoNumber('EPROTO'));
    client.send(request(BRIDGE_OP.LOOKUP));
    expect((await client.reply()).result).toBe(-errnoNumber('EBADF'));
    client.close();
  });

  it('answers DEV_IOCTL without a socket, and EPROTO to a short body or another version', async () => {
    const client = new RawClient(host.server.path);
    const ifr = new Uint8Array(IFREQ_LEN);
    ifr.set(new TextEncoder().encode('lo'));
    const body = (cmd: number, version = DEV_IOCTL_VERSION) => encodeDevIoctlBody({ version, cmd, family: 1, flags: 0, ifcLen: 0, ifr });
    client.send(request(BRIDGE_OP.DEV_IOCTL, body(0x8933), 0n)); // SIOCGIFINDEX
    const reply = await client.reply();
    expect(reply.result).toBe(0);
    expect(new DataView(reply.body.buffer, reply.body.byteOffset).getInt32(16, true)).toBe(1);
    client.send(request(BRIDGE_OP.DEV_IOCTL, body(DEV_LIST), 0n));
    const list = await client.reply();
    expect(Buffer.from(list.body).toString('hex')).toBe('01000000' + '6c6f' + '00'.repeat(14));
    client.send(request(BRIDGE_OP.DEV_IOCTL, body(0x8933, 2), 0n));
    expect((await client.reply()).result).toBe(-errnoNumber('EPROTO'));
    client.send(request(BRIDGE_OP.DEV_IOCTL, body(0x8933).subarray(0, 60), 0n));
    expect((await client.reply()).result).toBe(-errnoNumber('EPROTO'));
    client.close();
  });

  it('answers SOCKET on a control connection with EPROTO', async () => {
    const client = new RawClient(host.server.path);
    client.send(request(BRIDGE_OP.LOOKUP));
    await client.reply();
    client.send(request(BRIDGE_OP.SOCKET, new Uint8Array(8)));
    expect((await client.reply()).result).toBe(-errnoNumber('EPROTO'));
    client.close();
  });

  it('answers a frame shorter than a header with EPROTO, then hangs up', async () => {
    const client = new RawClient(host.server.path);
    client.send(new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0]));
    expect((await client.reply()).result).toBe(-errnoNumber('EPROTO'));
    await client.closed;
  });

  it('answers a SOCKET request without its body with EPROTO, and a short SENDMSG body too', async () => {
    const data = new RawClient(host.server.path);
    data.send(request(BRIDGE_OP.SOCKET, new Uint8Array(4)));
    expect((await data.reply()).result).toBe(-errnoNumber('EPROTO'));
    await data.closed;

    const sock = new RawClient(host.server.path);
    const body = new Uint8Array(8);
    new DataView(body.buffer).setInt32(0, 3, true); // SOCK_RAW
    new DataView(body.buffer).setInt32(4, 2, true); // NETLINK_USERSOCK
    sock.send(request(BRIDGE_OP.SOCKET, body, 42n));
    expect((await sock.reply()).result).toBe(0);
    expect(host.server.socketCount).toBe(1);
    const control = new RawClient(host.server.path);
    control.send(request(BRIDGE_OP.SENDMSG, new Uint8Array(2), 42n));
    expect((await control.reply()).result).toBe(-errnoNumber('EPROTO'));
    control.send(request(BRIDGE_OP.GETSOCKNAME, new Uint8Array(0), 42n));
    const name = await control.reply();
    expect(name.result).toBe(0);
    expect(name.body.length).toBe(12);
    sock.close();
    control.send(request(BRIDGE_OP.CLOSE, new Uint8Array(0), 42n));
    await control.reply();
    expect(host.server.socketCount).toBe(0);
    control.close();
  });
});

describe('a bug in a kernel module', () => {
  it('fails the call with EIO and keeps the server serving', async () => {
    const kernel = createKernel();
    kernel.registerProtocol({
      protocol: 30,
      input: () => {
        throw new TypeError('a bug in a module');
      },
    });
    const host = await startBridgeHost({ kernel });
    const errors: unknown[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const script = `
import socket, errno
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 30)
try:
    s.send(b"x" * 16)
except OSError as e:
    print("send:", errno.errorcode[e.errno])
print("bound:", s.getsockname()[0] == __import__("os").getpid())
`;
      const out = await start(['python3', '-c', script], simEnv(host)).done;
      expect(out.stdout).toBe('send: EIO\nbound: True\n');
      expect(errors).toHaveLength(1);
    } finally {
      console.error = originalError;
      await host.close();
    }
  });
});

describe('bridge host', () => {
  it('listens in a private directory (mode 0700) and removes it on close', async () => {
    const host = await startBridgeHost();
    const dir = path.dirname(host.server.path);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await host.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('takes over a socket file nobody listens on, and refuses one in use', async () => {
    const socketPath = path.join(mkdtempSync(path.join(tmpdir(), 'nlsim-stale-')), 'kernel.sock');
    // A server that died without cleaning up leaves its socket file behind.
    const stale = spawnSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(socketPath)})`]);
    expect(stale.status).toBe(0);
    expect(existsSync(socketPath)).toBe(true);
    const host = await startBridgeHost({ socketPath });
    await expect(startBridgeHost({ socketPath })).rejects.toMatchObject({ code: 'ERR_NLSIM_INVALID_ARGUMENT' });
    await host.close();
    expect(existsSync(socketPath)).toBe(false);
  });
});

describe('the shim at the edges', () => {
  let probe: string;
  beforeAll(() => {
    probe = compileProbe();
  });

  it('fails socket() with EPROTO when the server answers something unreadable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nlsim-fake-'));
    const fake = net.createServer((conn) => conn.end(Buffer.from([4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])));
    const socketPath = path.join(dir, 'fake.sock');
    await new Promise<void>((resolve) => fake.listen(socketPath, resolve));
    try {
      const out = await start([probe, 'socket'], preloadEnvironmentFor(socketPath)).done;
      expect(out.stdout).toBe('socket: EPROTO\n');
    } finally {
      fake.close();
    }
  });

  it('fails calls with ECONNRESET and one line on stderr once the server is gone', async () => {
    const host = await startBridgeHost();
    const program = start([probe, 'hold'], preloadEnvironmentFor(host.server.path));
    await program.waitFor('ready');
    await host.close();
    program.write('go\n');
    const out = await program.done;
    expect(out.stdout).toBe('bind: 0\nready\nsendto after: ECONNRESET\nrecv after: ECONNRESET\nsocket after: ECONNREFUSED\n');
    expect(out.stderr).toMatch(/^nlsim: the nlsim server at .* is gone \(.*\); netlink calls fail with ECONNRESET\n$/);
  });

  it('ends a blocking recv with ECONNRESET when the server goes away', async () => {
    const host = await startBridgeHost();
    const program = start([probe, 'block'], preloadEnvironmentFor(host.server.path));
    await program.waitFor('ready');
    await host.close();
    const out = await program.done;
    expect(out.stdout).toBe('bind: 0\nready\nrecv blocked: ECONNRESET\n');
    expect(out.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('frees the port of a process that exits before the next process binds it', async () => {
    const loop = `for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do ${probe} bind 4100; done`;
    const out = await runSim(['sh', '-c', loop]);
    expect(out.stdout).toBe('bind: 0\n'.repeat(20));
  });

  it('fails socket() with ECONNREFUSED when nothing listens', async () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'nlsim-none-')), 'none.sock');
    const out = await start([probe, 'socket'], preloadEnvironmentFor(missing)).done;
    expect(out.stdout).toBe('socket: ECONNREFUSED\n');
    expect(out.stderr).toContain('is gone');
  });
});

const UNPRIVILEGED_SCRIPT = `
import socket, errno
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 2)
try:
    s.bind((0, 1)); print("bind groups: ok")
except OSError as e:
    print("bind groups:", errno.errorcode[e.errno])
t = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 2)
t.bind((0, 0))
t.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
t.sendto(b"me", t.getsockname())
data, anc, flags, addr = t.recvmsg(16, 64)
print("uid gid:", __import__("struct").unpack("=iII", anc[0][2])[1:])
`;

describe('credentials', () => {
  it('makes callers root by default and an ordinary user with unprivileged', async () => {
    const root = await runSim(['python3', '-c', UNPRIVILEGED_SCRIPT]);
    expect(root.stderr).toBe('');
    expect(root.stdout).toBe('bind groups: ok\nuid gid: (0, 0)\n');
    const user = await runSim(['python3', '-c', UNPRIVILEGED_SCRIPT], { unprivileged: true });
    expect(user.stdout).toBe('bind groups: EPERM\nuid gid: (65534, 65534)\n');
  });
});

const RECEIVER = `
import os, socket
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 2)
s.bind((4000, 0))
os.write(1, b"listening\\n")
data, addr = s.recvfrom(64)
os.write(1, b"got " + data + (b" from a process" if addr[0] > 0 else b" from the kernel") + b"\\n")
`;
const SENDER = `
import os, socket, time
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 2)
for _ in range(1000):
    try:
        s.sendto(b"hi", (4000, 0)); break
    except ConnectionRefusedError:
        time.sleep(0.01)
os.write(1, b"sent\\n")
`;

describe('the nlsim command', () => {
  beforeAll(() => {
    shimPath();
  });

  it('run exits with the command status and gives every descendant the same kernel', async () => {
    const status = await start([process.execPath, '--import', 'tsx', cli, 'run', '--', 'sh', '-c', 'exit 3']).done;
    expect(status.status).toBe(3);
    const script = `python3 -c '${RECEIVER}' & python3 -c '${SENDER}'; wait`;
    const out = await start([process.execPath, '--import', 'tsx', cli, 'run', '--', 'sh', '-c', script]).done;
    expect(out.stderr).toBe('');
    expect(out.stdout.split('\n').sort().join('\n')).toBe('\ngot hi from a process\nlistening\nsent');
    expect(out.status).toBe(0);
  });

  it('run hands every argument after the command name to the command, options included', async () => {
    const out = await start([process.execPath, '--import', 'tsx', cli, 'run', 'python3', '-c', 'import sys; print(sys.argv[1:])', '-x', '--unprivileged']).done;
    expect(out.stdout).toBe("['-x', '--unprivileged']\n");
  });

  it('serve keeps one kernel for commands run with --socket', async () => {
    const socketPath = path.join(mkdtempSync(path.join(tmpdir(), 'nlsim-serve-')), 'kernel.sock');
    const server = start([process.execPath, '--import', 'tsx', cli, 'serve', '--socket', socketPath]);
    await server.waitFor('nlsim: serving');
    try {
      const receiver = start([process.execPath, '--import', 'tsx', cli, 'run', '--socket', socketPath, '--', 'python3', '-c', RECEIVER]);
      await receiver.waitFor('listening');
      const sender = await start([process.execPath, '--import', 'tsx', cli, 'run', '--socket', socketPath, '--', 'python3', '-c', SENDER]).done;
      expect(sender.stdout).toBe('sent\n');
      expect((await receiver.done).stdout).toBe('listening\ngot hi from a process\n');
    } finally {
      server.kill();
      await server.done;
    }
  });
});
