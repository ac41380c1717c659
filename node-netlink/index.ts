/**
 * nlsim/node-netlink: runs node-netlink (npm `netlink` 0.3.x) unmodified against a virtual
 * kernel. attachNodeNetlink() swaps the socket class of node-netlink's native binding for a
 * simulated one, so every socket node-netlink opens afterwards (createRtNetlink(),
 * createGenericNetlink(), createNetlink(), new RawNetlinkSocket()) is a SimSocket.
 */
import type { VirtualKernel } from '../sim/kernel.js';
import { loadBinding, type LocateOptions } from './binding.js';
import { applyPatch } from './patches.js';
import { createSimNativeNetlink, type SimBindingOptions } from './sim-native-netlink.js';

export { simSocketOf } from './sim-native-netlink.js';
export type { MessageInfo, SimBindingOptions } from './sim-native-netlink.js';
export type { ErrnoException } from './errno-exception.js';
export type { LocateOptions } from './binding.js';

/** AttachOptions choose the namespace and identity of the sockets and where node-netlink is. */
export interface AttachOptions extends SimBindingOptions, LocateOptions {}

/**
 * attachNodeNetlink makes every socket node-netlink opens from now on a socket of `kernel`,
 * and returns the function that puts the real binding back (sockets already open stay as
 * they are). Sockets opened before the call stay real.
 *
 * Where node-netlink's binding cannot load (not Linux, no prebuild), call it before the
 * first `require('netlink')`: raw.js then gets a stand-in binding and node-netlink runs on
 * the simulator all the same. (raw.js keeps it: after restore, new sockets fail with the
 * binding's load error, as they would without nlsim.)
 *
 * Throws ERR_NLSIM_INVALID_ARGUMENT when node-netlink is attached already (to any kernel),
 * and ERR_NLSIM_NOT_SUPPORTED when the netlink package or its binding cannot be loaded.
 */
export function attachNodeNetlink(kernel: VirtualKernel, options: AttachOptions = {}): () => void {
  const { binding, release } = loadBinding(options);
  let restore: () => void;
  try {
    restore = applyPatch(binding, 'NativeNetlink', createSimNativeNetlink(kernel, options), "node-netlink's NativeNetlink");
  } catch (e) {
    release();
    throw e;
  }
  return () => {
    restore();
    release();
  };
}
