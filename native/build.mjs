// Builds the native binding (native/build/Release/nlsim_native.node) with node-gyp, using
// the Node headers already on the machine: nothing is downloaded. Runs from `npm install`
// (prepare) and `npm run build:native`. On systems other than Linux there is no AF_NETLINK,
// so it prints a notice and succeeds: the simulator itself installs everywhere.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = path.dirname(fileURLToPath(import.meta.url));

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

const script = nodeGypScript();
if (!script) {
  console.error('nlsim: cannot build the native binding: node-gyp is not installed');
  process.exit(1);
}
const args = [script, 'rebuild'];
const dir = nodeDir();
if (dir) args.push(`--nodedir=${dir}`);

const result = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: 'inherit' });
if (result.error) {
  console.error(`nlsim: cannot run node-gyp: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) {
  console.error(`nlsim: building the native binding failed (node-gyp exit status ${result.status ?? result.signal})`);
  process.exit(result.status || 1);
}

// The LD_PRELOAD shim for `nlsim run` (plain C, no Node headers): after node-gyp, whose
// rebuild empties native/build.
await import('./preload/build.mjs');
