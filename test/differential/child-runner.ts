/**
 * Runs op sequences against the real kernel in this process's own network namespace and
 * prints the transcripts. The unprivileged differential test starts it as an ordinary user
 * without capabilities (setpriv) inside a fresh namespace (unshare -n), so the kernel's EPERM
 * paths can be compared with the simulator's. Input (stdin) and output (stdout) are JSON
 * written by serialize.ts.
 */
import { readFileSync } from 'node:fs';
import { nativeHost } from '../../native/index.js';
import { execute } from './execute.js';
import type { Op } from './ops.js';
import { fromJson, toJson } from './serialize.js';

const sequences = fromJson<Op[][]>(readFileSync(0, 'utf8'));
const transcripts = sequences.map((ops) => execute(nativeHost, ops));
process.stdout.write(toJson({ pid: process.pid, uid: process.getuid?.(), transcripts }));
