/**
 * The NETLINK_TEST kernel module for `nlsim run --module`: loads the TypeScript version of
 * the seeds' module (protocols/examples/netlink-test.ts) into the kernel nlsim hosts.
 * A module file's default export (or `register` export) receives the VirtualKernel.
 */
import type { VirtualKernel } from '../../sim/kernel.js';
import { loadNetlinkTest } from '../../protocols/examples/netlink-test.js';

/** The module's init function, as module_init() names one in C. */
export default function init(kernel: VirtualKernel): void {
  loadNetlinkTest(kernel);
}
