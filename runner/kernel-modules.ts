/**
 * Loading user-written kernel modules into the kernel a bridge server hosts (`nlsim run
 * --module FILE`, `nlsim serve --module FILE`): a JavaScript or TypeScript file whose default
 * export, or `register` export, is a function taking the VirtualKernel, as a C module's init
 * function takes nothing and calls netlink_kernel_create().
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NlsimError } from '../sim/errors.js';
import type { VirtualKernel } from '../sim/kernel.js';

/** KernelModuleInit is what a module file exports: it registers its protocols in `kernel`. */
export type KernelModuleInit = (kernel: VirtualKernel) => void | Promise<void>;

/** TYPESCRIPT_FILE matches the extensions that need tsx to be imported. */
const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

let tsxRegistered: Promise<void> | undefined;

/**
 * enableTypeScript registers tsx's ESM loader once, so that `import()` of a .ts file works
 * from the compiled CLI too. tsx is a devDependency of nlsim: a project using TypeScript
 * modules installs it itself (`npm i -D tsx`).
 */
function enableTypeScript(file: string): Promise<void> {
  tsxRegistered ??= (async () => {
    let api: { register: () => unknown };
    try {
      api = (await import('tsx/esm/api')) as { register: () => unknown };
    } catch {
      throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${file}: loading a TypeScript module needs the tsx package (npm i -D tsx), or compile it to .js`);
    }
    api.register();
  })();
  return tsxRegistered;
}

/**
 * loadKernelModule imports `file` and runs its init function on `kernel`. Throws NlsimError
 * (ERR_NLSIM_INVALID_ARGUMENT) with the file named when it is missing or exports no function;
 * an error thrown by the init function propagates with the file named in front.
 */
export async function loadKernelModule(kernel: VirtualKernel, file: string): Promise<void> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${file}: no such file`);
  if (TYPESCRIPT_FILE.test(absolute)) await enableTypeScript(file);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (e) {
    throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${file}: cannot load: ${(e as Error).message.split('\n')[0]}`);
  }
  const init = typeof exports.default === 'function' ? exports.default : exports.register;
  if (typeof init !== 'function') {
    throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${file}: exports neither a default function nor register(kernel)`);
  }
  try {
    await (init as KernelModuleInit)(kernel);
  } catch (e) {
    throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${file}: init failed: ${(e as Error).message}`);
  }
}
