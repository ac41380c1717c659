/** `nlsim run -- CMD ARGS…`: runs a command whose netlink sockets live in a virtual kernel. */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { preloadAvailable } from '../../native/preload/index.js';
import { type BridgeHost, preloadEnvironment, startBridgeHost } from '../../runner/bridge-host.js';
import { addKernelFlags, type KernelFlags, type PreparedKernel, prepareKernel } from './kernel-flags.js';

/** RunOptions are the command's flags. */
interface RunOptions extends KernelFlags {
  unprivileged?: boolean;
  socket?: string;
}

/** register adds the command to `program`. */
export function register(program: Command): void {
  const command = program
    .command('run')
    .description('run a command with LD_PRELOAD so that its AF_NETLINK sockets (and its children\'s) use one virtual kernel')
    .option('--unprivileged', 'callers act as an ordinary user without capabilities (default: root)')
    .option('--socket <path>', 'use the kernel of a running `nlsim serve` instead of starting one');
  addKernelFlags(command)
    .argument('<command...>', 'the command and its arguments (after --, or from the first word that is not an option of run)')
    .passThroughOptions()
    .action(async (argv: string[], options: RunOptions, self: Command) => {
      const shim = preloadAvailable();
      if (!shim.ok) return program.error(`nlsim: ${shim.reason}`, { exitCode: 2 });
      if (options.socket !== undefined) {
        // The served kernel is configured where it is served.
        const given: [string, boolean][] = [
          ['--unprivileged', options.unprivileged === true],
          ['--kernel', self.getOptionValueSource('kernel') === 'cli'],
          ['--pcap', options.pcap !== undefined],
          ['--module', (options.module?.length ?? 0) > 0],
          ['--state', options.state !== undefined],
        ];
        const own = given.find(([, set]) => set)?.[0];
        if (own) return program.error(`nlsim: ${own} belongs to \`nlsim serve\` when --socket is given`, { exitCode: 2 });
      }
      let host: BridgeHost | undefined;
      let prepared: PreparedKernel | undefined;
      if (options.socket === undefined) {
        try {
          prepared = await prepareKernel(options);
        } catch (e) {
          // One line, without the help text program.error() would print after it.
          console.error(`nlsim: ${(e as Error).message}`);
          return process.exit(2);
        }
        host = await startBridgeHost({ unprivileged: options.unprivileged ?? false, kernel: prepared.kernel });
      }
      // Absolute, so that a command that changes directory still finds the server.
      const socketPath = options.socket === undefined ? host!.server.path : path.resolve(options.socket);
      const status = await runCommand(argv, preloadEnvironment(process.env, shim.path, socketPath));
      await host?.close();
      const written = (await prepared?.finish()) ?? true;
      process.exit(written || status !== 0 ? status : 2);
    });
}

/** runCommand runs `command` and resolves to the shell's idea of its status (128+N for signal N). */
export function runCommand(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [file, ...args] = command;
  return new Promise((resolve) => {
    const child = spawn(file!, args, { stdio: 'inherit', env });
    // The terminal's signals reach the child through its process group; a kill aimed at
    // nlsim alone is passed on so that the command can end cleanly.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    const ignore = () => {};
    process.on('SIGTERM', forward);
    process.on('SIGINT', ignore);
    child.once('error', (e) => {
      console.error(`nlsim: cannot run ${file}: ${e.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', forward);
      process.off('SIGINT', ignore);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
