/**
 * nlsim: an in-process virtual kernel that behaves like Linux's af_netlink. This file is the
 * package's public surface (`import … from 'nlsim'`): the virtual kernel (sim/) and
 * createKernel(), which boots it with the protocols a stock kernel has (protocols/).
 * Everything else is internal.
 */
export * from './sim/index.js';
export { createKernel, loadBuiltinProtocols } from './protocols/index.js';
export type { BuiltinProtocols, KernelOptions } from './protocols/index.js';
