/**
 * `nlsim bench`'s user errors: one line on stderr, exit status 2, found before anything is
 * measured (a mistyped --json path or --filter once cost a whole run, and printed the help).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bench = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', `${root}cli/main.ts`, 'bench', '--sim-only', '--quick', ...args], { encoding: 'utf8', cwd: root, timeout: 30_000 });

describe('nlsim bench refuses bad arguments at once', () => {
  it.each([
    [['--json', '/nonexistent-dir/results.json'], /^nlsim bench: --json \/nonexistent-dir\/results\.json: no such directory \(\/nonexistent-dir\)$/],
    [['--filter', 'no-such-workload'], /^nlsim bench: --filter 'no-such-workload' matches no workload; the workloads are: .*usersock unicast 64 B/],
    [['--rounds', 'abc'], /^nlsim bench: --rounds must be a positive integer, got 'abc'$/],
  ])('%j', (args, message) => {
    const r = bench(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
