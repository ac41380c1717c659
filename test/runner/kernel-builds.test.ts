/**
 * `nlsim run --kernel PROFILE` prints what iproute2 printed on that Linux build: the recordings
 * of captures/samples/kernel-builds (and ../shared/kernel-builds) hold the text of their
 * commands, so the builds this machine is not are compared with Linux's own output too, e.g.
 * `ip -6 netconf show` with and without mc_forwarding, `ip -6 mroute show` answered by ip6mr.c
 * or by rtnl_dump_all()'s unicast routes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { profileFromConfig, profileToJson } from '../../sim/profile.js';
import { start } from './run-helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = path.join(root, 'cli', 'main.ts');
const nlsim = (...args: string[]) => start([process.execPath, '--import', 'tsx', cli, ...args]).done;
const tmp = mkdtempSync(path.join(tmpdir(), 'nlsim-builds-'));

/** The commands of the netconf-rules-mroute recordings (../shared/kernel-builds/README.md), each printing stderr too. */
const MROUTE_COMMANDS = [
  'ip link add v0 type veth peer name v1', 'ip link set lo up', 'ip -4 netconf show', 'ip -6 netconf show', 'ip rule show', 'ip -6 rule show',
  'ip mroute show', 'ip -6 mroute show', 'ip link set v0 name vx0', 'ip -6 netconf show dev vx0', 'ip link del vx0',
];

/** Case is one recorded text and the script that printed it. */
interface Case {
  name: string;
  /** `--kernel` for the build: its profile.json, or one written from its config. */
  profile: string;
  script: string;
  expected: string;
}

function casesIn(dir: string): Case[] {
  if (!existsSync(dir)) return [];
  const cases: Case[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const d = path.join(dir, e.name);
    let profile = path.join(d, 'profile.json');
    if (!existsSync(profile)) {
      const built = profileFromConfig(readFileSync(path.join(d, 'config'), 'utf8'), { name: e.name, release: readFileSync(path.join(d, 'uname-r.txt'), 'utf8').trim() });
      profile = path.join(tmp, `${e.name}.json`);
      writeFileSync(profile, JSON.stringify(profileToJson(built)));
    }
    const mroute = path.join(d, 'netconf-rules-mroute.txt');
    if (existsSync(mroute)) cases.push({ name: `${e.name}/netconf-rules-mroute.txt`, profile, script: MROUTE_COMMANDS.map((c) => `${c} 2>&1`).join('\n'), expected: readFileSync(mroute, 'utf8') });
    const iproute2 = path.join(d, 'iproute2.txt');
    if (existsSync(iproute2)) {
      // record.sh's form: "== CMD", what it printed, "status N".
      const text = readFileSync(iproute2, 'utf8');
      const commands = [...text.matchAll(/^== (.*)$/gm)].map((m) => m[1]!);
      cases.push({ name: `${e.name}/iproute2.txt`, profile, script: commands.map((c) => `echo "== ${c}"; ${c} 2>&1; echo "status $?"`).join('\n'), expected: text });
    }
  }
  return cases;
}

const cases = [...casesIn(path.join(root, 'captures/samples/kernel-builds')), ...casesIn(path.resolve(root, '../shared/kernel-builds'))];
/** MAC addresses are random per run. */
const mask = (s: string) => s.replace(/\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b/g, '<mac>');

describe('nlsim run --kernel BUILD prints what iproute2 printed on that Linux build', () => {
  it('has recordings of builds with and without multicast routing', () => {
    const names = cases.map((c) => c.name).join(' ');
    expect(names).toMatch(/no-mroute/);
    expect(names).toMatch(/um-mroute/);
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const out = await nlsim('run', '--kernel', c.profile, '--', 'sh', '-c', c.script);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(mask(out.stdout)).toBe(mask(c.expected));
  }, 60_000);
});
