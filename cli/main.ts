#!/usr/bin/env node
/**
 * The nlsim command line: commander, with one file per subcommand in cli/commands/.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';

// From the sources (cli/main.ts) or the build (dist/cli/main.js), package.json is at the root.
const pkgUrl = new URL(import.meta.url.includes('/dist/') ? '../../package.json' : '../package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(pkgUrl, 'utf8')) as { version: string; description: string };

/** buildProgram returns the commander program with every subcommand (exported for tests). */
export function buildProgram(): Command {
  // Positional options let `nlsim run CMD -x` hand -x to CMD rather than parse it.
  const program = new Command('nlsim').description(pkg.description).version(pkg.version).showHelpAfterError().enablePositionalOptions();
  for (const register of COMMANDS) register(program);
  return program;
}

/** isMain: this module is the program node runs, directly or through npm's bin symlink. */
function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/**
 * endQuietlyOnEpipe: a reader that goes away (`nlsim decode f | head`) ends the command with
 * exit status 0 and no stack trace, as a closed pipe ends a shell tool; other write errors
 * stay errors.
 */
function endQuietlyOnEpipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
}

if (isMain()) {
  endQuietlyOnEpipe();
  await buildProgram().parseAsync(process.argv);
}
