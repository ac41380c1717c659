/**
 * Finding node-netlink's native binding: the exports object of its .node file, the very
 * object dist/raw.js holds (`require('node-gyp-build')(__dirname + '/..')`), so a property
 * swapped on it is what raw.js reads the next time it constructs a socket.
 *
 * Where the binding cannot load (macOS, Windows, a platform without a prebuild), raw.js
 * cannot load either. There nlsim hands raw.js a stand-in exports object instead, through
 * the node-gyp-build module netlink requires, so node-netlink still runs on the simulator.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NlsimError } from '../sim/errors.js';
import { applyPatch } from './patches.js';

/** NodeNetlinkBinding is the part of the binding's exports nlsim swaps. */
export interface NodeNetlinkBinding {
  NativeNetlink: unknown;
}

/** LocateOptions tell where to look for the `netlink` package. */
export interface LocateOptions {
  /**
   * A file or directory from which `require('netlink')` is resolved, as in that file.
   * Defaults to the current working directory, then to nlsim's own location.
   */
  from?: string;
}

/** LoadedBinding is the binding object to patch and what undoes the loading (for stand-ins). */
export interface LoadedBinding {
  binding: NodeNetlinkBinding;
  /** true when the real binding did not load and raw.js gets a stand-in. */
  standIn: boolean;
  release: () => void;
}

type NodeGypBuild = (dir: string) => unknown;

/** kStandIns keeps one stand-in per netlink directory, process-wide: raw.js holds the first one it got. */
const kStandIns = Symbol.for('nlsim.node-netlink.stand-ins');

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** resolvePackageDir returns the directory of the `netlink` package a require from `from` would load. */
function resolvePackageDir(from: string | undefined): string {
  const bases = from ? [from] : [join(process.cwd(), 'index.js'), import.meta.url];
  const failures: string[] = [];
  for (const base of bases) {
    const url = base.startsWith('file:') ? base : pathToFileURL(isDirectory(base) ? join(base, 'index.js') : base).href;
    try {
      return dirname(createRequire(url).resolve('netlink/package.json'));
    } catch (e) {
      failures.push((e as Error).message.split('\n')[0]!);
    }
  }
  throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `cannot find the netlink package (node-netlink): ${failures.join('; ')}`);
}

/** standInFor returns the stand-in exports object for `dir`; unpatched, its class fails as loading did. */
function standInFor(dir: string, loadError: Error): NodeNetlinkBinding {
  const g = globalThis as { [kStandIns]?: Map<string, NodeNetlinkBinding> };
  const map = (g[kStandIns] ??= new Map());
  let standIn = map.get(dir);
  if (!standIn) {
    standIn = {
      NativeNetlink: class NativeNetlink {
        constructor() {
          throw loadError;
        }
      },
    };
    map.set(dir, standIn);
  }
  return standIn;
}

/**
 * loadBinding returns the binding's exports object, loading it the way raw.js does (through
 * the node-gyp-build that netlink itself depends on), so both get the same cached object. If
 * it does not load, node-gyp-build is wrapped so that raw.js gets a stand-in for this
 * package until `release()`.
 */
export function loadBinding(options: LocateOptions = {}): LoadedBinding {
  const dir = resolvePackageDir(options.from);
  const requireFromRaw = createRequire(join(dir, 'dist', 'raw.js'));
  const ngbPath = requireFromRaw.resolve('node-gyp-build');
  const nodeGypBuild = requireFromRaw(ngbPath) as NodeGypBuild;
  let binding: unknown;
  try {
    binding = nodeGypBuild(join(dir, 'dist', '..'));
  } catch (e) {
    return standInBinding(dir, ngbPath, e as Error);
  }
  if (typeof binding !== 'object' || binding === null || typeof (binding as NodeNetlinkBinding).NativeNetlink !== 'function') {
    throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `the binding loaded from ${dir} has no NativeNetlink class (is it node-netlink 0.3.x?)`);
  }
  return { binding: binding as NodeNetlinkBinding, standIn: false, release: () => {} };
}

/** standInBinding wraps node-gyp-build (its cached module's exports) to answer `dir` with a stand-in. */
function standInBinding(dir: string, ngbPath: string, loadError: Error): LoadedBinding {
  const mod = createRequire(ngbPath).cache[ngbPath];
  if (!mod) throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `node-netlink's binding did not load (${loadError.message}) and node-gyp-build is not a CommonJS module here`);
  const original = mod.exports as NodeGypBuild;
  const standIn = standInFor(dir, loadError);
  const wrapper = Object.assign((d: string) => (resolve(d) === dir ? standIn : original(d)), original);
  const release = applyPatch(mod, 'exports', wrapper, 'node-gyp-build (for node-netlink without its binding)');
  return { binding: standIn, standIn: true, release };
}
