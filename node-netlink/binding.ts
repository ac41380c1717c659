/**
 * Finding node-netlink's native binding: the exports object of its .node file, the very
 * object dist/raw.js holds (`require('node-gyp-build')(__dirname + '/..')`), so a property
 * swapped on it is what raw.js reads the next time it constructs a socket.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NlsimError } from '../sim/errors.js';

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

/** resolvePackageDir returns the directory of the `netlink` package a require from `from` would load. */
function resolvePackageDir(from: string | undefined): string {
  const bases = from ? [from] : [join(process.cwd(), 'index.js'), import.meta.url];
  const failures: string[] = [];
  for (const base of bases) {
    const url = base.startsWith('file:') ? base : pathToFileURL(base.endsWith('/') ? join(base, 'index.js') : base).href;
    try {
      return dirname(createRequire(url).resolve('netlink/package.json'));
    } catch (e) {
      failures.push((e as Error).message.split('\n')[0]!);
    }
  }
  throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `cannot find the netlink package (node-netlink): ${failures.join('; ')}`);
}

/**
 * loadBinding returns the binding's exports object, loading it the way raw.js does (through
 * the node-gyp-build that netlink itself depends on), so both get the same cached object.
 */
export function loadBinding(options: LocateOptions = {}): NodeNetlinkBinding {
  const dir = resolvePackageDir(options.from);
  const requireFromRaw = createRequire(join(dir, 'dist', 'raw.js'));
  let binding: unknown;
  try {
    const nodeGypBuild = requireFromRaw('node-gyp-build') as (dir: string) => unknown;
    binding = nodeGypBuild(join(dir, 'dist', '..'));
  } catch (e) {
    throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `node-netlink's native binding did not load from ${dir}: ${(e as Error).message}`);
  }
  if (typeof binding !== 'object' || binding === null || typeof (binding as NodeNetlinkBinding).NativeNetlink !== 'function') {
    throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `the binding loaded from ${dir} has no NativeNetlink class (is it node-netlink 0.3.x?)`);
  }
  return binding as NodeNetlinkBinding;
}
