/**
 * The profile of the kernel this process runs on: its build options from /proc/config.gz
 * (CONFIG_IKCONFIG_PROC) or /boot/config-$(uname -r), its net.core buffer sysctls from
 * /proc/sys. Where no configuration is readable, the options are asked of the kernel itself,
 * in a fresh network namespace (host-probes.ts), so nothing on the host changes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { NlsimError } from '../sim/errors.js';
import { type KernelProfile, PROFILES, type ProfileSysctl, profileFromConfig, profileFromJson, resolveProfile } from '../sim/profile.js';
import { probeKernelConfig } from './host-probes.js';

/** HostProfileSource says where detectHostProfile() read the build options. */
export type HostProfileSource = '/proc/config.gz' | `/boot/config-${string}` | 'probes';

/** HostProfile is the detected profile with where its options came from. */
export interface HostProfile extends KernelProfile {
  readonly source: HostProfileSource;
}

/** DetectOptions choose how detectHostProfile() reads the host. */
export interface DetectOptions {
  /** Ask the kernel (probes in a fresh namespace; root and the native binding needed) even where a configuration is readable. */
  probe?: boolean;
}

let cached: HostProfile | undefined;

/**
 * detectHostProfile returns the running kernel's profile, named "host". The result of the
 * default detection is computed once per process.
 */
export function detectHostProfile(options: DetectOptions = {}): HostProfile {
  if (!options.probe && cached) return cached;
  const sysctl = readSysctl();
  const uname = release();
  const found = options.probe ? undefined : readConfig(uname);
  let profile: HostProfile;
  if (found) {
    profile = { ...profileFromConfig(found.text, { name: 'host', release: uname, sysctl }), source: found.source };
  } else {
    profile = { name: 'host', release: uname, config: probeKernelConfig(), sysctl, source: 'probes' };
  }
  // The same checks as any profile (options only modelled as on are refused with a reason).
  const checked = { ...resolveProfile(profile), source: profile.source };
  if (!options.probe) cached = checked;
  return checked;
}

function readConfig(uname: string): { text: string; source: HostProfileSource } | undefined {
  try {
    return { text: gunzipSync(readFileSync('/proc/config.gz')).toString('utf8'), source: '/proc/config.gz' };
  } catch {
    // No CONFIG_IKCONFIG_PROC: distributions install the configuration under /boot instead.
  }
  const boot = `/boot/config-${uname}` as const;
  try {
    return { text: readFileSync(boot, 'utf8'), source: boot };
  } catch {
    return undefined;
  }
}

const SYSCTLS: readonly (readonly [keyof ProfileSysctl, string])[] = [
  ['rmemDefault', 'rmem_default'],
  ['wmemDefault', 'wmem_default'],
  ['rmemMax', 'rmem_max'],
  ['wmemMax', 'wmem_max'],
];

function readSysctl(): ProfileSysctl {
  const out: Record<string, number> = {};
  for (const [key, file] of SYSCTLS) {
    const path = `/proc/sys/net/core/${file}`;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `cannot read the host's ${path}: ${(e as Error).message}`);
    }
    const n = Number(text.trim());
    if (!Number.isInteger(n) || n <= 0) throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `${path}: expected a positive integer, got ${JSON.stringify(text.trim())}`);
    out[key] = n;
  }
  return out as unknown as ProfileSysctl;
}

/**
 * loadProfile resolves what `--kernel` and NLSIM_KERNEL accept: "host" (this machine's
 * kernel), a built-in profile's name, or a profile file (JSON, `nlsim profile show` writes
 * one). Errors name the file and what is wrong.
 */
export function loadProfile(spec: string): KernelProfile {
  if (spec === 'host') return detectHostProfile();
  if (PROFILES[spec]) return PROFILES[spec]!;
  if (!spec.endsWith('.json') && !existsSync(spec)) {
    throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `unknown kernel profile "${spec}": expected host, ${Object.keys(PROFILES).join(', ')} or a profile file (.json)`);
  }
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (e) {
    throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${spec}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${spec}: not JSON: ${(e as Error).message}`);
  }
  return profileFromJson(value, spec);
}
