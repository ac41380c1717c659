/** `nlsim serve --socket PATH`: keeps one virtual kernel for many `nlsim run --socket` commands. */
import path from 'node:path';
import type { Command } from 'commander';
import { preloadLibraryPath } from '../../native/preload/index.js';
import { startBridgeHost } from '../../runner/bridge-host.js';
import { BRIDGE_SOCKET_ENV } from '../../runner/bridge-protocol.js';
import { addKernelFlags, type KernelFlags, type PreparedKernel, prepareKernel } from './kernel-flags.js';

/** ServeOptions are the command's flags. */
interface ServeOptions extends KernelFlags {
  socket: string;
  unprivileged?: boolean;
}

/** register adds the command to `program`. */
export function register(program: Command): void {
  const command = program
    .command('serve')
    .description('serve a virtual kernel on a unix socket until interrupted; programs reach it with NLSIM_SOCKET and LD_PRELOAD')
    .requiredOption('--socket <path>', 'the unix socket to listen on; in a directory of mode 0700, `nlsim uevent` may inject events through it')
    .option('--unprivileged', 'callers act as an ordinary user without capabilities (default: root)');
  addKernelFlags(command).action(async (options: ServeOptions) => {
    let prepared: PreparedKernel;
    try {
      prepared = await prepareKernel(options);
    } catch (e) {
      // One line, without the help text program.error() would print after it.
      console.error(`nlsim: ${(e as Error).message}`);
      return process.exit(2);
    }
    const host = await startBridgeHost({ socketPath: options.socket, unprivileged: options.unprivileged ?? false, kernel: prepared.kernel });
    console.error(`nlsim: serving a virtual kernel on ${host.server.path}`);
    if (!host.server.controlRequests) {
      console.error(`nlsim: nlsim uevent will be refused: ${path.dirname(host.server.path)} is not a private directory (mode 0700, owned by this user)`);
    }
    console.error(`nlsim: run programs with ${BRIDGE_SOCKET_ENV}=${host.server.path} LD_PRELOAD=${preloadLibraryPath()}, or nlsim run --socket ${host.server.path} -- CMD`);
    const stop = async () => {
      await host.close();
      process.exit((await prepared.finish()) ? 0 : 2);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
