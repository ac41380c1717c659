/**
 * Feature probes: the build options of the running kernel asked of the kernel itself, in a
 * fresh network namespace, for hosts whose configuration is not readable.
 */
import { NlsimError } from '../sim/errors.js';
import type { KernelConfig } from '../sim/profile.js';

/** probeKernelConfig asks the running kernel which modelled options it was built with. */
export function probeKernelConfig(): KernelConfig {
  throw new NlsimError('ERR_NLSIM_NOT_SUPPORTED', 'no kernel configuration is readable (/proc/config.gz, /boot/config-*) and feature probes are not written yet');
}
