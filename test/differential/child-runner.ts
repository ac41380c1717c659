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
import { maskLinkMessages } from './masks.js';
import type { Op } from './ops.js';
import { fromJson, toJson } from './serialize.js';

const { sequences, profile } = fromJson<{ sequences: Op[][]; profile: string }>(readFileSync(0, 'utf8'));
// the same masks as the simulator's transcripts get (profiles hold functions, not JSON)
const mask = profile === 'route' ? maskLinkMessages : undefined;
const transcripts = sequences.map((ops) => execute(nativeHost, ops, { mask }));
process.stdout.write(toJson({ pid: process.pid, uid: process.getuid?.(), transcripts }));
