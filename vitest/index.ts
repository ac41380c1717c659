/**
 * nlsim/vitest: a vitest fixture giving each test a fresh virtual kernel, helpers that set
 * up its state through netlink, a recording of the traffic the test produced, and matchers
 * for it.
 *
 * ```ts
 * import { test, expect } from 'nlsim/vitest';
 * test('creates the link', async ({ net, traffic }) => {
 *   net.apply({ links: [{ name: 'br0', kind: 'bridge', up: true }] });
 *   await myClient.doSomething();
 *   expect(traffic).toContainRequest({ type: 'RTM_NEWLINK', attrs: { IFLA_IFNAME: 'veth0' } });
 * });
 * ```
 */
import { test as base } from 'vitest';
import { type VirtualKernel } from '../sim/kernel.js';
import { createKernel, type KernelOptions } from '../protocols/index.js';
import { attachNodeNetlink } from '../node-netlink/index.js';
import { Net } from './net.js';
import { Traffic } from './traffic.js';
import './matchers.js';

export { expect } from 'vitest';
export { Net, type Notification } from './net.js';
export { Traffic, formatMessage, type Datagram, type MessageSummary, type AttrValue } from './traffic.js';
export type { MessagePattern, TrafficMatchers } from './matchers.js';
export type { AddressSpec, LinkSpec, RouteSpec, Topology } from './topology.js';

/** NlsimFixtures are what a test function may destructure. */
export interface NlsimFixtures {
  /**
   * Options of the test's kernel. Defaults to `{ seed: 1 }`, so autobound port ids repeat.
   * Override with `test.scoped({ kernelOptions })` in a describe block. (An override through
   * test.extend does not reach `kernel`: vitest binds dependents to the fixture they were
   * declared with.)
   */
  kernelOptions: KernelOptions;
  /** A fresh virtual kernel, booted with every built-in protocol. */
  kernel: VirtualKernel;
  /** Everything the kernel delivered during the test (recording starts before the test body). */
  traffic: Traffic;
  /** Setup and injection helpers for the kernel's initial namespace. */
  net: Net;
  /**
   * node-netlink attached to the test's kernel for the duration of the test (nlsim/node-netlink).
   * The value is the kernel. Tests using it cannot run concurrently: the binding is one.
   */
  nodeNetlink: VirtualKernel;
}

/** test is vitest's test with nlsim's fixtures. */
export const test = base.extend<NlsimFixtures>({
  kernelOptions: [{ seed: 1 }, { injected: false }],
  kernel: async ({ kernelOptions }, use) => {
    await use(createKernel(kernelOptions));
  },
  traffic: async ({ kernel }, use) => {
    const traffic = new Traffic(kernel);
    await use(traffic);
    traffic.stop();
  },
  net: async ({ kernel, traffic }, use) => {
    await use(new Net(kernel, traffic));
  },
  nodeNetlink: async ({ kernel }, use) => {
    const restore = attachNodeNetlink(kernel);
    try {
      await use(kernel);
    } finally {
      restore();
    }
  },
});

/** it is `test`, under the name some suites prefer. */
export const it = test;
