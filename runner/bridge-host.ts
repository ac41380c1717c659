/**
 * Hosting a virtual kernel for programs run under the LD_PRELOAD shim: a kernel, its bridge
 * server on a unix socket, and the environment that points the shim at it. `nlsim run`
 * uses a private directory; `nlsim serve` a path of the user's choosing.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type VirtualKernel } from '../sim/kernel.js';
import { createKernel } from '../protocols/index.js';
import { NlsimError } from '../sim/errors.js';
import { BridgeServer } from './bridge-server.js';
import { BRIDGE_SOCKET_ENV } from './bridge-protocol.js';

/** BridgeHostOptions configure startBridgeHost(). */
export interface BridgeHostOptions {
  /** Callers act as an ordinary user. Defaults to false (root with every capability). */
  unprivileged?: boolean;
  /** The socket path. Defaults to `bridge.sock` in a new private directory (mode 0700). */
  socketPath?: string;
  /** The kernel to serve. Defaults to createKernel(). */
  kernel?: VirtualKernel;
}

/** BridgeHost is a running kernel and server. */
export interface BridgeHost {
  readonly kernel: VirtualKernel;
  readonly server: BridgeServer;
  /** close stops the server and removes its socket (and the private directory). */
  close(): Promise<void>;
}

/** startBridgeHost boots a kernel and serves it. */
export async function startBridgeHost(options: BridgeHostOptions = {}): Promise<BridgeHost> {
  const kernel = options.kernel ?? createKernel();
  let dir: string | undefined;
  let socketPath = options.socketPath;
  if (socketPath === undefined) {
    dir = mkdtempSync(path.join(tmpdir(), 'nlsim-'));
    chmodSync(dir, 0o700);
    socketPath = path.join(dir, 'bridge.sock');
  } else {
    // Programs may change directory: NLSIM_SOCKET must not depend on theirs.
    socketPath = path.resolve(socketPath);
    await removeStaleSocket(socketPath);
  }
  // Control requests (nlsim uevent) need proof that the client is our user: only our user
  // can reach a socket inside a directory that is ours with mode 0700.
  const controlRequests = dir !== undefined || isPrivateDirectory(path.dirname(socketPath));
  const server = await BridgeServer.listen(socketPath, { kernel, unprivileged: options.unprivileged ?? false, controlRequests });
  return {
    kernel,
    server,
    async close() {
      await server.close();
      rmSync(dir ?? socketPath, { recursive: dir !== undefined, force: true });
    },
  };
}

/** isPrivateDirectory: owned by this process's user, and no access for group or others. */
export function isPrivateDirectory(dir: string): boolean {
  try {
    const st = statSync(dir);
    return st.isDirectory() && (st.mode & 0o077) === 0 && st.uid === process.getuid?.();
  } catch {
    return false;
  }
}

/**
 * removeStaleSocket deletes a socket file nobody listens on any more (a server that was
 * killed), and refuses to take over one that still answers.
 */
async function removeStaleSocket(socketPath: string): Promise<void> {
  const answered = await new Promise<boolean | 'missing'>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ENOENT' ? 'missing' : false));
  });
  if (answered === true) {
    throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${socketPath} is in use by a running server`);
  }
  if (answered === false) rmSync(socketPath, { force: true });
}

/**
 * preloadEnvironment returns `env` with the shim preloaded (before any LD_PRELOAD already
 * there) and NLSIM_SOCKET naming the server.
 */
export function preloadEnvironment(env: NodeJS.ProcessEnv, library: string, socketPath: string): NodeJS.ProcessEnv {
  const preload = env.LD_PRELOAD ? `${library} ${env.LD_PRELOAD}` : library;
  return { ...env, LD_PRELOAD: preload, [BRIDGE_SOCKET_ENV]: socketPath };
}
