/**
 * The simulated side of a differential test is the kernel build it is compared with: a
 * virtual kernel with the host's profile (its /proc/config.gz), so that the suite passes on a
 * host with or without multicast routing, dummy, vlan… and compares what that host can show.
 * Behaviour of builds the host is not is checked against recorded Linux captures instead
 * (test/captures/kernel-builds.test.ts).
 */
import { createKernel, type KernelOptions, type VirtualKernel } from '../../sim/kernel.js';
import type { KernelProfile } from '../../sim/profile.js';
import { detectHostProfile } from '../../native/host-profile.js';

/** hostProfile is the profile of the kernel the tests run on. */
export const hostProfile: KernelProfile = detectHostProfile();

/** createHostKernel is createKernel() with the host's profile: the sim side of a differential test. */
export function createHostKernel(options: KernelOptions = {}): VirtualKernel {
  return createKernel({ profile: hostProfile, ...options });
}
