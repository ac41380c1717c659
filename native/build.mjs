// Builds the native binding (native/build/Release/nlsim_native.node) with node-gyp, using
// the Node headers already on the machine: nothing is downloaded. On systems other than
// Linux there is no AF_NETLINK, so it prints a notice and succeeds: the simulator itself
// installs everywhere.
//
// `npm run build:native` always rebuilds. Lifecycle scripts pass flags:
// - `--if-needed` (install, prepare): nothing to do when both outputs are newer than every
//   source, so a clone's `npm ci` builds once, not at install and again at prepare;
// - `--optional` (install, which also runs when nlsim is installed from a registry): a failed
//   build warns and lets the install succeed, since only `nlsim run`/`record` and the
//   real-kernel backend need the native code; they say so when it is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = path.dirname(fileURLToPath(import.meta.url));
const ifNeeded = process.argv.includes('--if-needed');
const optional = process.argv.includes('--optional');
const OUTPUTS = [path.join(nativeDir, 'build', 'Release', 'nlsim_native.node'), path.join(nativeDir, 'build', 'preload', 'nlsim-preload.so')];

/** fail ends the build: an error, or only a warning for an optional build. */
function fail(message, status = 1) {
  if (optional) {
    console.warn(`${message}\nnlsim: continuing without the native code; \`nlsim run\` and the real-kernel backend need it (\`npm rebuild nlsim\` retries).`);
    process.exit(0);
  }
  console.error(message);
  process.exit(status);
}

/** upToDate: every output exists and is newer than every source file. */
function upToDate() {
  const sources = [path.join(nativeDir, 'binding.gyp')];
  for (const dir of ['src', 'preload']) {
    for (const f of readdirSync(path.join(nativeDir, dir))) if (/\.(c|cc|h)$/.test(f)) sources.push(path.join(nativeDir, dir, f));
  }
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  return OUTPUTS.every((f) => existsSync(f) && statSync(f).mtimeMs >= newest);
}

if (process.platform !== 'linux') {
  console.log(`nlsim: skipping the native binding (AF_NETLINK needs Linux; this is ${process.platform})`);
  process.exit(0);
}

/**
 * nodeGypScript finds node-gyp's CLI: our devDependency first, else the copy npm bundles
 * (npm exports its path as npm_config_node_gyp to lifecycle scripts).
 */
function nodeGypScript() {
  const require = createRequire(path.join(nativeDir, '..', 'package.json'));
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return process.env.npm_config_node_gyp;
  }
}

/**
 * nodeDir picks the Node headers: npm's nodedir setting, else the distribution's headers
 * in /usr/include/node, else undefined (node-gyp then uses its own cache or downloads).
 */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  if (existsSync('/usr/include/node/node_api.h')) return '/usr';
  return undefined;
}

if (ifNeeded && upToDate()) process.exit(0);

const script = nodeGypScript();
if (!script) fail('nlsim: cannot build the native binding: node-gyp is not installed');
const args = [script, 'rebuild'];
const dir = nodeDir();
if (dir) args.push(`--nodedir=${dir}`);

const result = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: 'inherit' });
if (result.error) fail(`nlsim: cannot run node-gyp: ${result.error.message}`);
if (result.status !== 0) fail(`nlsim: building the native binding failed (node-gyp exit status ${result.status ?? result.signal})`, result.status || 1);

// The LD_PRELOAD shim for `nlsim run` (plain C, no Node headers): after node-gyp, whose
// rebuild empties native/build.
await import('./preload/build.mjs');
