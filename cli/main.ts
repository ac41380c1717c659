#!/usr/bin/env node
/**
 * The nlsim command line. Subcommands register themselves here as they are built
 * (run, serve, decode, replay, record, bench).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { errnoMessage, errnoName, errnoNumber, type ErrnoName, ERRNO } from '../sim/uapi/errno.js';

const pkg = JSON.parse(readFileSync(new URL(import.meta.url.includes('/dist/') ? '../../package.json' : '../package.json', import.meta.url), 'utf8')) as { version: string; description: string };

/** buildProgram returns the commander program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('nlsim')
    .description(pkg.description)
    .version(pkg.version)
    .showHelpAfterError();

  program
    .command('errno')
    .description('print the Linux name, number and text of an errno (as NLMSG_ERROR carries it, e.g. -98)')
    .argument('<errno>', 'a name such as EADDRINUSE, or a number such as 98 or -98')
    .action((arg: string) => {
      const name = /^-?\d+$/.test(arg) ? errnoName(Number(arg)) : (arg.toUpperCase() in ERRNO ? (arg.toUpperCase() as ErrnoName) : undefined);
      if (!name) return program.error(`nlsim: unknown errno '${arg}'`, { exitCode: 2 });
      console.log(`${name} ${errnoNumber(name)} ${errnoMessage(name)}`);
    });

  return program;
}

await buildProgram().parseAsync(process.argv);
