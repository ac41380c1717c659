/** `nlsim serve --socket PATH`: keeps one virtual kernel for many `nlsim run --socket` commands. */
import type { Command } from 'commander';
import { preloadLibraryPath } from '../../native/preload/index.js';
import { startBridgeHost } from '../../sim/transport/bridge-host.js';
import { BRIDGE_SOCKET_ENV } from '../../sim/transport/bridge-protocol.js';

/** ServeOptions are the command's flags. */
interface ServeOptions {
  socket: string;
  unprivileged?: boolean;
}

/** register adds the command to `program`. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('serve a virtual kernel on a unix socket until interrupted; programs reach it with NLSIM_SOCKET and LD_PRELOAD')
    .requiredOption('--socket <path>', 'the unix socket to listen on')
    .option('--unprivileged', 'callers act as an ordinary user without capabilities (default: root)')
    .action(async (options: ServeOptions) => {
      const host = await startBridgeHost({ socketPath: options.socket, unprivileged: options.unprivileged ?? false });
      console.error(`nlsim: serving a virtual kernel on ${host.server.path}`);
      console.error(`nlsim: run programs with ${BRIDGE_SOCKET_ENV}=${host.server.path} LD_PRELOAD=${preloadLibraryPath()}, or nlsim run --socket ${host.server.path} -- CMD`);
      const stop = async () => {
        await host.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
