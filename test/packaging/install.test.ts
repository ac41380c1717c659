/**
 * nlsim as its users get it: `npm pack`, then `npm install` of the tarball into an empty
 * project. The install script must build the native binding and the LD_PRELOAD shim from the
 * shipped sources (node-gyp from npm, node-addon-api as a dependency), the `nlsim` bin must
 * work through npm's symlink, and the package's entry points must import.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const linux = process.platform === 'linux';
if (!linux) console.warn('nlsim: the packaging test needs Linux (the native build)');

describe.skipIf(!linux)('the packed tarball, installed into an empty project', () => {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'nlsim-pkg-'));
    // dist/ is already built (npm ci ran prepare): pack without running it again.
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }));
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(dir, tarball)], { cwd: dir, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${install.stdout}\n${install.stderr}`);
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('built the native binding and the preload shim at install', () => {
    const native = path.join(dir, 'node_modules', 'nlsim', 'native', 'build');
    expect(existsSync(path.join(native, 'Release', 'nlsim_native.node'))).toBe(true);
    expect(existsSync(path.join(native, 'preload', 'nlsim-preload.so'))).toBe(true);
  });

  it('runs the nlsim bin through npm\'s symlink: --version and run', () => {
    const bin = path.join(dir, 'node_modules', '.bin', 'nlsim');
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+/);
    const out = execFileSync(bin, ['run', '--', 'sh', '-c', 'ip link add v0 type veth peer name v1 && ip -br link show'], { encoding: 'utf8' });
    expect(out).toMatch(/^lo\s+DOWN/m);
    expect(out).toMatch(/^v0@v1\s+DOWN/m);
  });

  it('imports the entry points a user names', () => {
    const script = [
      "import { createKernel } from 'nlsim';",
      "import { nativeAvailable } from 'nlsim/native';",
      "import { loadTopology } from 'nlsim/topology';",
      "const k = createKernel({ clock: 'manual' });",
      'console.log(typeof loadTopology, typeof k.socket, nativeAvailable().ok);',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
    expect(out.trim()).toBe('function function true');
  });
});
