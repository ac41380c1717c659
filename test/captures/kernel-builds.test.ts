/**
 * Kernel builds this machine is not: Linux's own answers, recorded on each build
 * (captures/samples/kernel-builds/*: `record.sh`, with the build's profile; and
 * ../shared/kernel-builds/*, with the build's whole configuration), replayed against a virtual
 * kernel with that build's profile. Every request must match. Each capture must also tell the
 * builds apart: replayed against a profile whose options differ, something mismatches, so a
 * model that ignored the profile would fail here whatever the host is.
 *
 * The recordings are of iproute2, which turns on NETLINK_GET_STRICT_CHK; a capture holds no
 * socket options, so the replay is told.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../captures/capture.js';
import { replayCapture, type ReplayReport } from '../../captures/replay.js';
import { loadProfile } from '../../native/host-profile.js';
import { createKernel } from '../../protocols/index.js';
import { type KernelProfile, PROFILES, profileDifferences, profileFromConfig } from '../../sim/profile.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const inCI = process.env.CI === 'true';

/**
 * How a folder's replay.json says to replay one capture. `strictCheck`: the recorded program
 * had NETLINK_GET_STRICT_CHK on (iproute2 does; the default). `compare`: the request types
 * compared, when the build's release is not the one nlsim models (6.18) and other answers
 * differ by release, not by build option; `why` says so.
 */
interface CaptureSpec {
  strictCheck?: boolean;
  compare?: string[];
  why?: string;
}

/** Build is one recorded kernel build: its profile and its captures. */
interface Build {
  name: string;
  profile: KernelProfile;
  captures: { file: string; spec: CaptureSpec }[];
}

function pcapsIn(dir: string): string[] {
  // Sorted, so that the tests' names and order do not depend on the file system.
  return readdirSync(dir).filter((f) => f.endsWith('.pcap') || f.endsWith('.pcapng')).sort().map((f) => path.join(dir, f));
}

/**
 * builds reads a folder of recordings, one folder per build: its profile (profile.json, as
 * `nlsim profile detect --json` wrote it, or the build's kernel configuration in `config`
 * with `uname-r.txt`) and its captures.
 */
function builds(dir: string): Build[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const d = path.join(dir, e.name);
      const profile = existsSync(path.join(d, 'profile.json'))
        ? loadProfile(path.join(d, 'profile.json'))
        : profileFromConfig(readFileSync(path.join(d, 'config'), 'utf8'), { name: e.name, release: readFileSync(path.join(d, 'uname-r.txt'), 'utf8').trim() });
      const manifest = path.join(d, 'replay.json');
      const specs = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { captures: Record<string, CaptureSpec> }).captures : {};
      return { name: e.name, profile, captures: pcapsIn(d).map((file) => ({ file, spec: specs[path.basename(file)] ?? {} })) };
    });
}

const samples = builds(path.join(repo, 'captures/samples/kernel-builds'));
const sharedDir = path.resolve(repo, '../shared/kernel-builds');
const shared = existsSync(sharedDir) ? builds(sharedDir) : [];

async function replay(file: string, spec: CaptureSpec, profile: KernelProfile): Promise<ReplayReport> {
  const r = replayCapture(await readCapture(file), { strictCheck: spec.strictCheck ?? true, kernel: () => createKernel({ seed: 1, profile }) });
  return spec.compare ? { ...r, requests: r.requests.filter((v) => spec.compare!.includes(v.request)) } : r;
}

/** failures lists the requests that did not match, with their differences. */
function failures(r: ReplayReport): string[] {
  return r.requests.filter((v) => v.verdict !== 'match').map((v) => `record ${v.record} ${v.request}: ${v.verdict}: ${v.differences.join('; ')}`);
}

const titled = (b: Build) => b.captures.map((c) => [`${path.basename(c.file)}${c.spec.compare ? ` (${c.spec.compare.join(', ')} only: ${c.spec.why})` : ''}`, c] as const);

/** A profile differing from `profile` in multicast routing, what these captures are about. */
function flipped(profile: KernelProfile): KernelProfile {
  const on = !profile.config.IP_MROUTE;
  return {
    ...profile,
    name: `${profile.name} with multicast routing ${on ? 'on' : 'off'}`,
    config: { ...profile.config, IP_MROUTE: on, IP_MROUTE_MULTIPLE_TABLES: on, IPV6_MROUTE: on, IPV6_MROUTE_MULTIPLE_TABLES: on },
  };
}

function declare(builds: Build[]): void {
  for (const build of builds) {
    describe(`${build.name} (${profileDifferences(PROFILES.default!, build.profile).join(', ') || 'as the default profile'})`, () => {
      it('has captures', () => expect(build.captures.length).toBeGreaterThan(0));
      it.each(titled(build))("%s: every request answered as Linux did, with the build's profile", async (_name, c) => {
        const r = await replay(c.file, c.spec, build.profile);
        expect(failures(r)).toEqual([]);
        expect(r.requests.length).toBeGreaterThan(2);
      });
      it.each(titled(build))('%s: a profile with multicast routing flipped answers differently', async (_name, c) => {
        const r = await replay(c.file, c.spec, flipped(build.profile));
        expect(r.requests.filter((v) => v.verdict === 'mismatch').length).toBeGreaterThan(0);
      });
    });
  }
}

describe('recordings of Linux kernel builds in captures/samples/kernel-builds', () => {
  it('cover builds with and without multicast routing, whatever this host is', () => {
    expect(new Set(samples.map((b) => b.profile.config.IPV6_MROUTE))).toEqual(new Set([false, true]));
  });
  declare(samples);
  // The built-in profile users name is the build these machines run: it must answer as the recording.
  it('the built-in "no-mroute" profile answers as the 6.18.44 build without multicast routing', async () => {
    const build = samples.find((b) => b.name === '6.18.44-no-mroute')!;
    for (const c of build.captures) expect(failures(await replay(c.file, c.spec, PROFILES['no-mroute']!))).toEqual([]);
  });
});

if (shared.length || inCI) {
  describe('recordings of Linux kernel builds in ../shared/kernel-builds', () => {
    it('are there', () => expect(shared.length).toBeGreaterThan(0));
    declare(shared);
  });
} else {
  console.warn(`nlsim: ../shared/kernel-builds not found at ${sharedDir}: its recordings are not replayed`);
}
