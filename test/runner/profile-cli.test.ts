/**
 * `nlsim profile` and `--kernel`, through the real command line as a user would: the host's
 * profile as this machine's configuration says, a profile file written by `detect --json`
 * read back by `run --kernel` and NLSIM_KERNEL, and one-line errors for what is wrong.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_OPTIONS } from '../../sim/profile.js';
import { hostProfile } from '../helpers/host-kernel.js';
import { start } from './run-helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = path.join(root, 'cli', 'main.ts');
const nlsim = (args: string[], env: NodeJS.ProcessEnv = process.env) => start([process.execPath, '--import', 'tsx', cli, ...args], env).done;
const dir = mkdtempSync(path.join(tmpdir(), 'nlsim-profile-'));

describe('nlsim profile', () => {
  it("detect prints every option as this machine's configuration has it", async () => {
    const out = await nlsim(['profile', 'detect']);
    expect(out.status).toBe(0);
    for (const o of CONFIG_OPTIONS) expect(out.stdout).toContain(`\n  ${o}: ${hostProfile.config[o]}\n`);
  });

  it('detect --json writes a file that run --kernel and NLSIM_KERNEL read back', async () => {
    const json = await nlsim(['profile', 'detect', '--json']);
    expect(json.status).toBe(0);
    const file = path.join(dir, 'host.json');
    writeFileSync(file, json.stdout);
    const shown = await nlsim(['profile', 'show', '--json', file]);
    expect(JSON.parse(shown.stdout)).toEqual(JSON.parse(json.stdout));
    // IPv6 netconf has mc_forwarding exactly when the build has CONFIG_IPV6_MROUTE.
    const mc = hostProfile.config.IPV6_MROUTE;
    const flag = await nlsim(['run', '--kernel', file, '--', 'ip', '-6', 'netconf', 'show', 'dev', 'lo']);
    expect(flag.stderr).toBe('');
    expect(flag.stdout.includes('mc_forwarding')).toBe(mc);
    const env = await nlsim(['run', '--', 'ip', '-6', 'netconf', 'show', 'dev', 'lo'], { ...process.env, NLSIM_KERNEL: file });
    expect(env.stdout).toBe(flag.stdout);
  });

  it('list names the built-in profiles and what sets them apart', async () => {
    const out = await nlsim(['profile', 'list']);
    expect(out.stdout).toMatch(/^default\tLinux 6\.18\tevery modelled option on$/m);
    expect(out.stdout).toMatch(/^no-mroute\tLinux 6\.18\.44\tIP_MROUTE off, IP_MROUTE_MULTIPLE_TABLES off, IPV6_MROUTE off, IPV6_MROUTE_MULTIPLE_TABLES off$/m);
  });

  it.each([
    [['profile', 'show', 'nosuch'], 'nlsim: unknown kernel profile "nosuch": expected host, default, no-mroute or a profile file (.json)\n'],
    [['run', '--kernel', 'nosuch.json', '--', 'true'], 'nlsim: --kernel nosuch.json: no such file\n'],
  ])('%j fails in one line', async (args, message) => {
    const out = await nlsim(args);
    expect(out.status).toBe(2);
    expect(out.stderr).toBe(message);
  });

  it('refuses --kernel together with --socket (the served kernel is configured where it is served)', async () => {
    const out = await nlsim(['run', '--socket', path.join(dir, 'none.sock'), '--kernel', 'no-mroute', '--', 'true']);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('nlsim: --kernel belongs to `nlsim serve` when --socket is given');
  });

  it('a profile file with an unknown option is refused, naming the file and the option', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ nlsim: 'profile/1', config: { IP_MROUTE: false, CONFIG_FOO: true } }));
    const out = await nlsim(['profile', 'show', file]);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`^nlsim: ${file.replace(/[.]/g, '\\.')}: config\\.CONFIG_FOO: not a modelled option \\(modelled: IPV6, `));
  });
});
