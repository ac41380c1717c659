/**
 * The simulated side of a differential test is the kernel build it is compared with: a
 * virtual kernel with the host's profile (its /proc/config.gz), so that the suite passes on a
 * host with or without multicast routing, dummy, vlan… and compares what that host can show.
 * Behaviour of builds the host is not is checked against recorded Linux captures instead
 * (test/captures/kernel-builds.test.ts).
 */
import { type VirtualKernel } from '../../sim/kernel.js';
import { createKernel, type KernelOptions } from '../../protocols/index.js';
import { DEFAULT_PROFILE, type KernelProfile } from '../../sim/profile.js';
import { detectHostProfile } from '../../native/host-profile.js';

/**
 * hostProfile is the profile of the kernel the tests run on. Where it cannot be read (no
 * configuration, and no root for probes) the real-kernel half cannot run either, so outside
 * CI the simulator-only half goes on with the default profile, saying so; in CI it is an error.
 */
export const hostProfile: KernelProfile = (() => {
  try {
    return detectHostProfile();
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    console.warn(`nlsim: the host's kernel profile is unknown (${(e as Error).message}); simulating the default profile`);
    return DEFAULT_PROFILE;
  }
})();

/** createHostKernel is createKernel() with the host's profile: the sim side of a differential test. */
export function createHostKernel(options: KernelOptions = {}): VirtualKernel {
  return createKernel({ profile: hostProfile, ...options });
}
