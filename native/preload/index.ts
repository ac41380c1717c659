/**
 * Where the LD_PRELOAD shim is: native/preload/build.mjs compiles it (from `npm install`)
 * into native/build/preload/nlsim-preload.so.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * preloadLibraryPath returns the shim's path, seen from this module: beside the sources
 * (native/preload/index.ts) or two levels up from the build (dist/native/preload/index.js).
 */
export function preloadLibraryPath(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const compiled = /[\\/]dist[\\/]native[\\/]preload[\\/]$/.test(here);
  const relative = compiled ? '../../../native/build/preload/nlsim-preload.so' : '../build/preload/nlsim-preload.so';
  return fileURLToPath(new URL(relative, import.meta.url));
}

/** preloadAvailable tells whether the shim is built here, and if not, why. */
export function preloadAvailable(): { ok: true; path: string } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: `LD_PRELOAD of AF_NETLINK calls needs Linux (this is ${process.platform})` };
  const file = preloadLibraryPath();
  if (!existsSync(file)) return { ok: false, reason: `the preload shim is not built (${file} is missing); run "npm rebuild nlsim" (in a clone: "npm run build:native")` };
  return { ok: true, path: file };
}
