/**
 * The nlsim subcommands. Each lives in its own file and exports register(program);
 * add new ones to this list.
 */
import type { Command } from 'commander';
import { register as bench } from './bench.js';
import { register as decode } from './decode.js';
import { register as errno } from './errno.js';
import { register as profile } from './profile.js';
import { register as record } from './record.js';
import { register as replay } from './replay.js';
import { register as run } from './run.js';
import { register as serve } from './serve.js';
import { register as snapshot } from './snapshot.js';
import { register as uevent } from './uevent.js';

/** COMMANDS registers every subcommand, in the order `nlsim --help` lists them. */
export const COMMANDS: ((program: Command) => void)[] = [errno, bench, decode, replay, run, serve, snapshot, uevent, record, profile];
