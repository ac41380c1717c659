/**
 * `nlsim profile`: the kernel builds nlsim can simulate. `show` prints a profile (a built-in
 * one, a file, or "host"), `detect` this machine's, `list` the built-in ones; `--json` writes
 * the profile file format that `--kernel FILE` and `createKernel({ profile })` read.
 */
import type { Command } from 'commander';
import { detectHostProfile, type HostProfile, loadProfile } from '../../native/host-profile.js';
import { CONFIG_OPTIONS, type KernelProfile, PROFILES, profileDifferences, profileToJson } from '../../sim/profile.js';

interface ShowOptions {
  json?: boolean;
}

/** register adds the command to `program`. */
export function register(program: Command): void {
  const profile = program.command('profile').description('the kernel builds nlsim simulates: which options change what netlink answers (see "Which kernel is simulated" in the README)');
  profile
    .command('show')
    .description('print a kernel profile: its release, build options and sysctl defaults')
    .argument('[profile]', `host, ${Object.keys(PROFILES).join(', ')}, or a profile file`, 'default')
    .option('--json', 'print the profile file (for --kernel FILE and NLSIM_KERNEL) instead of the summary')
    .action((spec: string, options: ShowOptions) => {
      let p: KernelProfile;
      try {
        p = loadProfile(spec);
      } catch (e) {
        return fail((e as Error).message, 2);
      }
      print(p, options);
    });
  profile
    .command('detect')
    .description("print this machine's kernel profile, from /proc/config.gz or /boot/config-$(uname -r), else from probes of the kernel in a fresh network namespace")
    .option('--probe', 'ask the kernel (root and the native binding needed) even where the configuration is readable')
    .option('--json', 'print the profile file (commit it, then pin CI with --kernel FILE or NLSIM_KERNEL=FILE) instead of the summary')
    .action((options: ShowOptions & { probe?: boolean }) => {
      let p: HostProfile;
      try {
        p = detectHostProfile({ probe: options.probe ?? false });
      } catch (e) {
        return fail((e as Error).message, 1);
      }
      print(p, options);
    });
  profile
    .command('list')
    .description('list the built-in profiles and how each differs from "default"')
    .action(() => {
      for (const p of Object.values(PROFILES)) {
        const diff = profileDifferences(PROFILES.default!, p);
        console.log(`${p.name}\tLinux ${p.release}\t${diff.length ? diff.map((d) => d.replace(/: true → false$/, ' off').replace(/: false → true$/, ' on')).join(', ') : 'every modelled option on'}`);
      }
    });
}

/** fail reports `message` in one line (not followed by the help, which says nothing about a profile) and exits. */
function fail(message: string, status: number): never {
  console.error(`nlsim: ${message}`);
  return process.exit(status);
}

function print(p: KernelProfile, options: ShowOptions): void {
  if (options.json) {
    console.log(JSON.stringify(profileToJson(p), null, 2));
    return;
  }
  const source = (p as Partial<HostProfile>).source;
  const lines = [`${p.name}: Linux ${p.release}${source ? ` (options from ${source})` : ''}`, 'config:'];
  for (const o of CONFIG_OPTIONS) lines.push(`  ${o}: ${p.config[o]}`);
  lines.push('sysctl:');
  for (const [k, v] of Object.entries(p.sysctl)) lines.push(`  ${k}: ${v}`);
  console.log(lines.join('\n'));
}
