// Builds the LD_PRELOAD shim (native/build/preload/nlsim-preload.so) with the system C
// compiler ($CC, else cc). Run by native/build.mjs after the N-API binding, so that
// `npm install` builds both; nothing is downloaded.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const preloadDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(preloadDir, '..', 'build', 'preload');
const output = path.join(outDir, 'nlsim-preload.so');

const sources = readdirSync(preloadDir)
  .filter((f) => f.endsWith('.c'))
  .sort()
  .map((f) => path.join(preloadDir, f));
mkdirSync(outDir, { recursive: true });
const cc = process.env.CC || 'cc';
const args = ['-shared', '-fPIC', '-O2', '-g', '-Wall', '-Wextra', '-o', output, ...sources, '-ldl', '-lpthread'];
const result = spawnSync(cc, args, { stdio: 'inherit' });
// With --optional (native/build.mjs explains it) a failure only warns.
const optional = process.argv.includes('--optional');
function fail(message, status) {
  if (optional) {
    console.warn(`${message}\nnlsim: continuing without the preload shim; \`nlsim run\` and \`nlsim record\` need it (\`npm rebuild nlsim\` retries).`);
    process.exit(0);
  }
  console.error(message);
  process.exit(status);
}
if (result.error) fail(`nlsim: cannot run the C compiler '${cc}' to build the preload shim: ${result.error.message}`, 1);
if (result.status !== 0) fail(`nlsim: building the preload shim failed (${cc} exit status ${result.status ?? result.signal})`, result.status || 1);
