/**
 * The host's kernel profile: the feature probes (native/host-probes.ts) checked against the
 * configuration the kernel was built from (/proc/config.gz), and the profile readers of
 * sim/profile.ts on a recorded build of this project's machines and on malformed input.
 *
 * The probes need root and the native binding, the recorded build ../shared beside the clone.
 * Without them those tests are skipped with a printed reason, except with CI=true, where
 * that is a failure.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { detectHostProfile } from '../../native/host-profile.js';
import { probeKernelConfig } from '../../native/host-probes.js';
import { NlsimError } from '../../sim/errors.js';
import { CONFIG_OPTIONS, DEFAULT_PROFILE, type KernelConfig, type KernelProfile, PROFILES, profileFromConfig, profileFromJson, resolveProfile } from '../../sim/profile.js';
import { kernelUnavailable } from '../helpers/backends.js';

const inCI = process.env.CI === 'true';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const NO_MROUTE_CONFIG = path.resolve(repoRoot, '../shared/kernel-builds/6.18.44-no-mroute/config');

/**
 * describeNeeding declares `body` when `missing` is '' (nothing missing); otherwise skips it
 * with the reason printed, or, with CI=true, declares it with tests that fail saying why.
 */
function describeNeeding(name: string, missing: string, body: () => void): void {
  if (!missing) {
    describe(name, body);
  } else if (inCI) {
    describe(name, () => {
      it('can run in CI', () => {
        throw new Error(`${name}: required with CI=true: ${missing}`);
      });
    });
  } else {
    console.warn(`nlsim: "${name}" skipped: ${missing}`);
    describe.skip(`${name} (skipped: ${missing})`, body);
  }
}

/** thrown runs `fn`, which must throw an NlsimError, and returns its code and message. */
function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NlsimError);
    return { code: (e as NlsimError).code, message: (e as Error).message };
  }
  throw new Error('expected an NlsimError, but the call succeeded');
}

const hostSource = detectHostProfile().source;
const probeMissing = kernelUnavailable || (hostSource === 'probes' ? 'no kernel configuration is readable here to check the probes against' : '');

describeNeeding('feature probes against the kernel configuration', probeMissing, () => {
  it(`probing the running kernel gives the options of ${hostSource}`, () => {
    const before = readdirSync('/sys/class/net').sort();
    const probed = detectHostProfile({ probe: true });
    expect(probed.source).toBe('probes');
    expect(probed.config).toEqual(detectHostProfile().config);
    // The probes ran in a namespace of their own: the host's links are what they were.
    expect(readdirSync('/sys/class/net').sort()).toEqual(before);
  });

  it('returns every modelled option, each a boolean, with dependencies holding', () => {
    const config = probeKernelConfig();
    expect(Object.keys(config).sort()).toEqual([...CONFIG_OPTIONS].sort());
    for (const o of CONFIG_OPTIONS) expect(typeof config[o]).toBe('boolean');
    // Already resolved: resolveProfile() applying Kconfig's dependencies changes nothing.
    expect(resolveProfile({ ...DEFAULT_PROFILE, name: 'probed', config }).config).toEqual(config);
  });
});

const noMrouteMissing = existsSync(NO_MROUTE_CONFIG) ? '' : `${NO_MROUTE_CONFIG} is missing (../shared beside the clone)`;

describeNeeding('profileFromConfig on the 6.18.44-no-mroute build', noMrouteMissing, () => {
  it('reads the options of the recorded build', () => {
    const profile = profileFromConfig(readFileSync(NO_MROUTE_CONFIG, 'utf8'), { name: 'no-mroute', release: '6.18.44' });
    const expected: KernelConfig = {
      IPV6: true, IP_MULTIPLE_TABLES: true, IPV6_MULTIPLE_TABLES: true,
      IP_MROUTE: false, IP_MROUTE_MULTIPLE_TABLES: false, IPV6_MROUTE: false, IPV6_MROUTE_MULTIPLE_TABLES: false,
      BRIDGE: true, BRIDGE_IGMP_SNOOPING: true, VETH: true, IFB: true, DUMMY: false, VLAN_8021Q: false,
      NET_SCHED: true, NET_SCH_HTB: true, NET_SCH_TBF: true, NET_SCH_INGRESS: true,
    };
    expect(profile.config).toEqual(expected);
    expect(profile).toMatchObject({ name: 'no-mroute', release: '6.18.44', sysctl: PROFILES.default!.sysctl });
    // The built-in "no-mroute" profile is this build but for the drivers it names all on.
    expect({ ...profile.config, DUMMY: true, VLAN_8021Q: true }).toEqual(PROFILES['no-mroute']!.config);
  });

  it('turns an option on with =y or =m in the same text', () => {
    const text = readFileSync(NO_MROUTE_CONFIG, 'utf8')
      .replace('# CONFIG_IP_MROUTE is not set', 'CONFIG_IP_MROUTE=y\nCONFIG_IP_MROUTE_MULTIPLE_TABLES=y')
      .replace('# CONFIG_DUMMY is not set', 'CONFIG_DUMMY=m');
    const { config } = profileFromConfig(text, { name: 'x', release: '6.18.44' });
    expect(config).toMatchObject({ IP_MROUTE: true, IP_MROUTE_MULTIPLE_TABLES: true, DUMMY: true, IPV6_MROUTE: false });
  });
});

describe('profileFromConfig', () => {
  it('applies Kconfig dependencies: an option is off when what it depends on is', () => {
    const text = ['CONFIG_IPV6=y', 'CONFIG_IP_MULTIPLE_TABLES=y', 'CONFIG_IPV6_MROUTE_MULTIPLE_TABLES=y', 'CONFIG_IP_MROUTE_MULTIPLE_TABLES=y', 'CONFIG_NET_SCH_HTB=y', 'CONFIG_BRIDGE_IGMP_SNOOPING=y'].join('\n');
    const { config } = profileFromConfig(text, { name: 'x', release: '6.18' });
    expect(config).toMatchObject({ IPV6: true, IP_MULTIPLE_TABLES: true, IP_MROUTE_MULTIPLE_TABLES: false, IPV6_MROUTE_MULTIPLE_TABLES: false, NET_SCH_HTB: false, BRIDGE_IGMP_SNOOPING: false });
  });

  it('refuses a text without CONFIG_ lines', () => {
    expect(thrown(() => profileFromConfig('hello\n', { name: 'x', release: '6.18' }))).toEqual({
      code: 'ERR_NLSIM_INVALID_ARGUMENT',
      message: 'kernel profile "x": no CONFIG_ lines in the kernel configuration',
    });
  });
});

describe('profileFromJson', () => {
  const invalid = (value: unknown) => {
    const e = thrown(() => profileFromJson(value, 'p.json'));
    expect(e.code).toBe('ERR_NLSIM_INVALID_ARGUMENT');
    return e.message;
  };
  const F = { nlsim: 'profile/1' };

  it('reads the options that differ from a base, dependencies applied', () => {
    const p = profileFromJson({ ...F, name: 'mine', base: 'no-mroute', config: { DUMMY: false }, sysctl: { rmemMax: 8388608 } }, 'p.json');
    expect(p.name).toBe('mine');
    expect(p.release).toBe('6.18.44');
    expect(p.config).toEqual({ ...PROFILES['no-mroute']!.config, DUMMY: false });
    expect(p.sysctl.rmemMax).toBe(8388608);
    expect(profileFromJson({ ...F, config: { IP_MROUTE: false } }, 'p.json').config.IP_MROUTE_MULTIPLE_TABLES).toBe(false);
  });

  it('refuses a wrong or missing format version', () => {
    expect(invalid({ nlsim: 'profile/2' })).toBe('p.json: "nlsim": expected "profile/1" (the format version), got "profile/2"');
    expect(invalid({ name: 'x' })).toBe('p.json: "nlsim": expected "profile/1" (the format version), got nothing');
    expect(invalid([F])).toBe('p.json: expected a JSON object');
    expect(invalid(null)).toBe('p.json: expected a JSON object');
  });

  it('refuses unknown keys, options and sysctls', () => {
    expect(invalid({ ...F, kernel: '6.18' })).toBe('p.json: unknown key "kernel"');
    expect(invalid({ ...F, config: { MROUTE: false } })).toBe(`p.json: config.MROUTE: not a modelled option (modelled: ${CONFIG_OPTIONS.join(', ')})`);
    expect(invalid({ ...F, sysctl: { rmem: 1 } })).toBe('p.json: sysctl.rmem: not a modelled sysctl (modelled: rmemDefault, wmemDefault, rmemMax, wmemMax)');
    expect(invalid({ ...F, base: 'fedora' })).toBe('p.json: "base": expected one of default, no-mroute, got "fedora"');
  });

  it('refuses bad values', () => {
    expect(invalid({ ...F, config: { IP_MROUTE: 'no' } })).toBe('p.json: config.IP_MROUTE: expected true or false, got "no"');
    expect(invalid({ ...F, config: { VETH: 1 } })).toBe('p.json: config.VETH: expected true or false, got 1');
    expect(invalid({ ...F, sysctl: { rmemMax: 0 } })).toBe('p.json: sysctl.rmemMax: expected a positive integer, got 0');
    expect(invalid({ ...F, config: [] })).toBe('p.json: "config": expected an object');
    expect(invalid({ ...F, name: 7 })).toBe('p.json: "name": expected a string');
    expect(invalid({ ...F, name: 'x', config: { IPV6: false } })).toBe('p.json: kernel profile "x": a kernel without CONFIG_IPV6 is not modelled yet');
  });
});

describe('resolveProfile', () => {
  const withConfig = (config: Partial<KernelConfig>): KernelProfile => ({ ...DEFAULT_PROFILE, name: 'x', config: { ...DEFAULT_PROFILE.config, ...config } });

  it('refuses a kernel without IPv6, which is not modelled', () => {
    expect(thrown(() => resolveProfile(withConfig({ IPV6: false })))).toEqual({
      code: 'ERR_NLSIM_NOT_SUPPORTED',
      message: 'kernel profile "x": a kernel without CONFIG_IPV6 is not modelled yet',
    });
    expect(thrown(() => resolveProfile(withConfig({ IPV6: false, BRIDGE_IGMP_SNOOPING: false }))).message).toBe(
      'kernel profile "x": a kernel without CONFIG_IPV6, CONFIG_BRIDGE_IGMP_SNOOPING is not modelled yet',
    );
  });

  it('refuses a missing option and an unknown name; applies dependencies', () => {
    const { IFB: _, ...noIfb } = DEFAULT_PROFILE.config;
    expect(thrown(() => resolveProfile({ ...DEFAULT_PROFILE, name: 'x', config: noIfb as KernelConfig }))).toEqual({
      code: 'ERR_NLSIM_INVALID_ARGUMENT',
      message: 'kernel profile "x": config.IFB must be true or false',
    });
    expect(thrown(() => resolveProfile('fedora')).message).toBe('unknown kernel profile "fedora" (built in: default, no-mroute)');
    expect(resolveProfile(withConfig({ NET_SCHED: false })).config).toMatchObject({ NET_SCH_HTB: false, NET_SCH_TBF: false, NET_SCH_INGRESS: false });
    expect(resolveProfile(undefined)).toBe(DEFAULT_PROFILE);
  });
});
