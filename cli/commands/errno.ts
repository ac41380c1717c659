/** `nlsim errno`: the Linux name, number and text of an errno. */
import type { Command } from 'commander';
import { ERRNO, type ErrnoName, errnoMessage, errnoName, errnoNumber } from '../../sim/uapi/errno.js';

/** register adds the command to `program`. */
export function register(program: Command): void {
  program
    .command('errno')
    .description('print the Linux name, number and text of an errno (as NLMSG_ERROR carries it, e.g. -98)')
    .argument('<errno>', 'a name such as EADDRINUSE, or a number such as 98 or -98')
    .action((arg: string) => {
      const upper = arg.toUpperCase();
      const name = /^-?\d+$/.test(arg) ? errnoName(Number(arg)) : upper in ERRNO ? (upper as ErrnoName) : undefined;
      if (!name) return program.error(`nlsim: unknown errno '${arg}'`, { exitCode: 2 });
      console.log(`${name} ${errnoNumber(name)} ${errnoMessage(name)}`);
    });
}
