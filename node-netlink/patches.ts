/**
 * A registry of property patches, after mswjs/interceptors' patchesRegistry: a patch is
 * refused when the property is already patched (by this copy of nlsim or another one loaded
 * beside it), and every patch returns the function that restores the original.
 */
import { NlsimError } from '../sim/errors.js';

/** kPatched names the process-wide table of patched properties on globalThis. */
const kPatched = Symbol.for('nlsim.patches');

type PatchTable = WeakMap<object, Set<PropertyKey>>;

function table(): PatchTable {
  const g = globalThis as { [kPatched]?: PatchTable };
  g[kPatched] ??= new WeakMap();
  return g[kPatched];
}

/**
 * applyPatch replaces `owner[key]` with `value` (keeping the property's attributes) and
 * returns a restore function that puts the original descriptor back; calling it twice does
 * nothing. Throws ERR_NLSIM_INVALID_ARGUMENT when the property is patched already.
 */
export function applyPatch(owner: object, key: PropertyKey, value: unknown, what: string): () => void {
  const patched = table();
  let keys = patched.get(owner);
  if (keys?.has(key)) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${what} is already patched; restore the earlier patch first`);
  const original = Object.getOwnPropertyDescriptor(owner, key);
  if (!original) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${what} does not exist`);
  Object.defineProperty(owner, key, { ...original, ...('value' in original ? { value } : { get: () => value }) });
  if (!keys) patched.set(owner, (keys = new Set()));
  keys.add(key);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    Object.defineProperty(owner, key, original);
    keys.delete(key);
  };
}
