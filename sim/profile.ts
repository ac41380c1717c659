/**
 * Kernel profiles: which Linux build a virtual kernel behaves as. There is no single "Linux":
 * distributions build the same release with different options, and what netlink answers
 * depends on them (an IPv6 netconf message has NETCONFA_MC_FORWARDING only with
 * CONFIG_IPV6_MROUTE; RTNL_FAMILY_IPMR requests reach ipmr.c only with CONFIG_IP_MROUTE and
 * fall back to the AF_UNSPEC handlers otherwise). A profile names the options that change
 * netlink behaviour and the sysctl defaults that size sockets; every model reads it from the
 * kernel instead of assuming a build.
 *
 * The profile of the machine the process runs on comes from its /proc/config.gz
 * (`detectHostProfile()` in native/host-profile.ts); `profileFromConfig()` turns any
 * kernel configuration text into one.
 */
import { NlsimError } from './errors.js';

/**
 * KernelConfig holds the build options nlsim models, named as in Kconfig without `CONFIG_`.
 * `true` is built in or a module (`=y` or `=m`: the kernel loads a module on first use).
 */
export interface KernelConfig {
  /** IPv6 (net/ipv6). Only `true` is modelled. */
  readonly IPV6: boolean;
  /** IPv4 policy routing: AF_INET fib rules. Only `true` is modelled. */
  readonly IP_MULTIPLE_TABLES: boolean;
  /** IPv6 policy routing: AF_INET6 fib rules. Only `true` is modelled. */
  readonly IPV6_MULTIPLE_TABLES: boolean;
  /** IPv4 multicast routing (net/ipv4/ipmr.c): RTNL_FAMILY_IPMR routes and links. */
  readonly IP_MROUTE: boolean;
  /** Several IPv4 multicast tables chosen by RTNL_FAMILY_IPMR rules (ipmr_rules_init()). */
  readonly IP_MROUTE_MULTIPLE_TABLES: boolean;
  /** IPv6 multicast routing (net/ipv6/ip6mr.c): RTNL_FAMILY_IP6MR routes, NETCONFA_MC_FORWARDING in IPv6 netconf. */
  readonly IPV6_MROUTE: boolean;
  /** Several IPv6 multicast tables chosen by RTNL_FAMILY_IP6MR rules. */
  readonly IPV6_MROUTE_MULTIPLE_TABLES: boolean;
  /** The bridge (net/bridge): link kind "bridge". */
  readonly BRIDGE: boolean;
  /** IGMP/MLD snooping of the bridge. Only `true` is modelled. */
  readonly BRIDGE_IGMP_SNOOPING: boolean;
  /** drivers/net/veth.c: link kind "veth". */
  readonly VETH: boolean;
  /** drivers/net/ifb.c: link kind "ifb". */
  readonly IFB: boolean;
  /** drivers/net/dummy.c: link kind "dummy". */
  readonly DUMMY: boolean;
  /** net/8021q: link kind "vlan". */
  readonly VLAN_8021Q: boolean;
  /** The traffic-control core (net/sched/sch_api.c, cls_api.c): RTM_*QDISC, *TCLASS, *TFILTER, *CHAIN. */
  readonly NET_SCHED: boolean;
  /** sch_htb: qdisc kind "htb". */
  readonly NET_SCH_HTB: boolean;
  /** sch_tbf: qdisc kind "tbf". */
  readonly NET_SCH_TBF: boolean;
  /** sch_ingress: qdisc kinds "ingress" and "clsact". */
  readonly NET_SCH_INGRESS: boolean;
}

/** ConfigOption is the name of one modelled build option. */
export type ConfigOption = keyof KernelConfig;

/** ProfileSysctl holds the sysctl defaults a profile gives a new kernel (net.core.*mem_*). */
export interface ProfileSysctl {
  /** net.core.rmem_default: a new socket's SO_RCVBUF. */
  readonly rmemDefault: number;
  /** net.core.wmem_default: a new socket's SO_SNDBUF. */
  readonly wmemDefault: number;
  /** net.core.rmem_max: the cap on SO_RCVBUF. */
  readonly rmemMax: number;
  /** net.core.wmem_max: the cap on SO_SNDBUF. */
  readonly wmemMax: number;
}

/** KernelProfile is one kernel build: its release, its options and its sysctl defaults. */
export interface KernelProfile {
  /** What to call it: a built-in name, "host", or what a profile file says. */
  readonly name: string;
  /** `uname -r` of the build; nlsim models 6.18's behaviour whatever it says. */
  readonly release: string;
  readonly config: KernelConfig;
  readonly sysctl: ProfileSysctl;
}

/** CONFIG_OPTIONS lists every modelled option, in KernelConfig's order. */
export const CONFIG_OPTIONS: readonly ConfigOption[] = [
  'IPV6', 'IP_MULTIPLE_TABLES', 'IPV6_MULTIPLE_TABLES', 'IP_MROUTE', 'IP_MROUTE_MULTIPLE_TABLES', 'IPV6_MROUTE',
  'IPV6_MROUTE_MULTIPLE_TABLES', 'BRIDGE', 'BRIDGE_IGMP_SNOOPING', 'VETH', 'IFB', 'DUMMY', 'VLAN_8021Q', 'NET_SCHED',
  'NET_SCH_HTB', 'NET_SCH_TBF', 'NET_SCH_INGRESS',
];

/**
 * ALWAYS_ON are options nlsim models only as built in: a profile without one is refused
 * rather than simulated as if it had it.
 */
const ALWAYS_ON: readonly ConfigOption[] = ['IPV6', 'IP_MULTIPLE_TABLES', 'IPV6_MULTIPLE_TABLES', 'BRIDGE_IGMP_SNOOPING'];

/**
 * DEPENDS_ON mirrors Kconfig's `depends on` for the modelled options: an option is off
 * when what it depends on is off, whatever the configuration text says of it.
 */
const DEPENDS_ON: Partial<Record<ConfigOption, readonly ConfigOption[]>> = {
  IP_MROUTE_MULTIPLE_TABLES: ['IP_MROUTE', 'IP_MULTIPLE_TABLES'],
  IPV6_MROUTE: ['IPV6'],
  IPV6_MULTIPLE_TABLES: ['IPV6'],
  IPV6_MROUTE_MULTIPLE_TABLES: ['IPV6_MROUTE', 'IPV6_MULTIPLE_TABLES'],
  BRIDGE_IGMP_SNOOPING: ['BRIDGE'],
  NET_SCH_HTB: ['NET_SCHED'],
  NET_SCH_TBF: ['NET_SCHED'],
  NET_SCH_INGRESS: ['NET_SCHED'],
};

const ALL_ON = Object.fromEntries(CONFIG_OPTIONS.map((o) => [o, true])) as Record<ConfigOption, boolean>;

/** The sysctl defaults of a stock 6.18 kernel (and of this project's machines). */
const STOCK_SYSCTL: ProfileSysctl = { rmemDefault: 212992, wmemDefault: 212992, rmemMax: 4194304, wmemMax: 4194304 };

/**
 * PROFILES are the built-in profiles. "default" is what createKernel() boots: Linux 6.18 with
 * every modelled option (the build nlsim's models were first compared with). "no-mroute" is
 * the 6.18.44 build of this project's other machines, without IPv4 and IPv6 multicast routing.
 */
export const PROFILES: Readonly<Record<string, KernelProfile>> = {
  default: { name: 'default', release: '6.18', config: ALL_ON, sysctl: STOCK_SYSCTL },
  'no-mroute': {
    name: 'no-mroute',
    release: '6.18.44',
    config: { ...ALL_ON, IP_MROUTE: false, IP_MROUTE_MULTIPLE_TABLES: false, IPV6_MROUTE: false, IPV6_MROUTE_MULTIPLE_TABLES: false },
    sysctl: STOCK_SYSCTL,
  },
};

/** DEFAULT_PROFILE is the profile createKernel() uses without one. */
export const DEFAULT_PROFILE: KernelProfile = PROFILES.default!;

/**
 * resolveProfile returns the profile `profile` names (a built-in name) or is, checked: every
 * option present and a boolean, dependencies applied, no option off that only has a model on.
 */
export function resolveProfile(profile: KernelProfile | string | undefined): KernelProfile {
  if (profile === undefined) return DEFAULT_PROFILE;
  if (typeof profile === 'string') {
    const named = PROFILES[profile];
    if (!named) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `unknown kernel profile "${profile}" (built in: ${Object.keys(PROFILES).join(', ')})`);
    return named;
  }
  for (const o of CONFIG_OPTIONS) {
    if (typeof profile.config?.[o] !== 'boolean') throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `kernel profile "${profile.name}": config.${o} must be true or false`);
  }
  const off = ALWAYS_ON.filter((o) => !profile.config[o]);
  if (off.length) {
    throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `kernel profile "${profile.name}": a kernel without ${off.map((o) => `CONFIG_${o}`).join(', ')} is not modelled yet`);
  }
  return { ...profile, config: applyDependencies(profile.config) };
}

function applyDependencies(config: KernelConfig): KernelConfig {
  const out: Record<ConfigOption, boolean> = { ...config };
  // Kconfig's dependencies are acyclic; two passes settle chains of two (IPV6 → IPV6_MROUTE → *_MULTIPLE_TABLES).
  for (let pass = 0; pass < 2; pass++) {
    for (const [o, deps] of Object.entries(DEPENDS_ON) as [ConfigOption, ConfigOption[]][]) if (deps.some((d) => !out[d])) out[o] = false;
  }
  return out;
}

/** parseKernelConfig reads a kernel .config: `CONFIG_X=value` and `# CONFIG_X is not set` lines. */
export function parseKernelConfig(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const set = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (set) values.set(set[1]!, set[2]!);
    const unset = /^# CONFIG_([A-Za-z0-9_]+) is not set$/.exec(line);
    if (unset) values.set(unset[1]!, 'n');
  }
  return values;
}

/**
 * profileFromConfig builds the profile of the kernel whose configuration is `text` (the
 * contents of /proc/config.gz or /boot/config-*): an option is on when it is `y` or `m`.
 * An option the text does not mention is off, as Kconfig writes every visible option.
 */
export function profileFromConfig(text: string, options: { name: string; release: string; sysctl?: ProfileSysctl }): KernelProfile {
  const values = parseKernelConfig(text);
  if (values.size === 0) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `kernel profile "${options.name}": no CONFIG_ lines in the kernel configuration`);
  const config = Object.fromEntries(CONFIG_OPTIONS.map((o) => [o, values.get(o) === 'y' || values.get(o) === 'm'])) as Record<ConfigOption, boolean>;
  return { name: options.name, release: options.release, config: applyDependencies(config), sysctl: options.sysctl ?? STOCK_SYSCTL };
}

/** PROFILE_FORMAT is the version tag of a profile file. */
export const PROFILE_FORMAT = 'profile/1';

/** profileToJson returns the profile as a profile file's object (`nlsim profile show`). */
export function profileToJson(profile: KernelProfile): Record<string, unknown> {
  return { nlsim: PROFILE_FORMAT, name: profile.name, release: profile.release, config: { ...profile.config }, sysctl: { ...profile.sysctl } };
}

/**
 * profileFromJson reads a profile file's object: `"nlsim": "profile/1"`, a name, and the
 * options and sysctls that differ from `base` (a built-in profile, "default" when absent).
 * `where` names the file in errors.
 */
export function profileFromJson(value: unknown, where: string): KernelProfile {
  const fail = (what: string): never => {
    throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${where}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected a JSON object');
  const v = value as Record<string, unknown>;
  if (v.nlsim !== PROFILE_FORMAT) fail(`"nlsim": expected "${PROFILE_FORMAT}" (the format version), got ${v.nlsim === undefined ? 'nothing' : JSON.stringify(v.nlsim)}`);
  for (const key of Object.keys(v)) if (!['nlsim', 'name', 'release', 'base', 'config', 'sysctl'].includes(key)) fail(`unknown key "${key}"`);
  const baseName = v.base ?? 'default';
  if (typeof baseName !== 'string' || !PROFILES[baseName]) fail(`"base": expected one of ${Object.keys(PROFILES).join(', ')}, got ${JSON.stringify(baseName)}`);
  const base = PROFILES[baseName as string]!;
  const config: Record<string, boolean> = { ...base.config };
  for (const [key, on] of Object.entries(objectAt(v, 'config', fail))) {
    if (!(CONFIG_OPTIONS as readonly string[]).includes(key)) fail(`config.${key}: not a modelled option (modelled: ${CONFIG_OPTIONS.join(', ')})`);
    if (typeof on !== 'boolean') fail(`config.${key}: expected true or false, got ${JSON.stringify(on)}`);
    config[key] = on as boolean;
  }
  const sysctl: Record<string, number> = { ...base.sysctl };
  for (const [key, n] of Object.entries(objectAt(v, 'sysctl', fail))) {
    if (!(key in STOCK_SYSCTL)) fail(`sysctl.${key}: not a modelled sysctl (modelled: ${Object.keys(STOCK_SYSCTL).join(', ')})`);
    if (!Number.isInteger(n) || (n as number) <= 0) fail(`sysctl.${key}: expected a positive integer, got ${JSON.stringify(n)}`);
    sysctl[key] = n as number;
  }
  for (const key of ['name', 'release'] as const) if (v[key] !== undefined && typeof v[key] !== 'string') fail(`"${key}": expected a string`);
  const profile: KernelProfile = {
    name: (v.name as string | undefined) ?? where,
    release: (v.release as string | undefined) ?? base.release,
    config: config as unknown as KernelConfig,
    sysctl: sysctl as unknown as ProfileSysctl,
  };
  try {
    return resolveProfile(profile);
  } catch (e) {
    return fail((e as Error).message);
  }
}

function objectAt(v: Record<string, unknown>, key: string, fail: (what: string) => never): Record<string, unknown> {
  const o = v[key];
  if (o === undefined) return {};
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail(`"${key}": expected an object`);
  return o as Record<string, unknown>;
}

/** profileDifferences lists the options two profiles disagree on, as `IP_MROUTE: true → false`. */
export function profileDifferences(from: KernelProfile, to: KernelProfile): string[] {
  return CONFIG_OPTIONS.filter((o) => from.config[o] !== to.config[o]).map((o) => `${o}: ${from.config[o]} → ${to.config[o]}`);
}
