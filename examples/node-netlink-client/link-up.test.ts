// The client's tests, on a fresh virtual kernel per test, without root.
// (In a project of your own: import { test, expect } from 'nlsim/vitest'.) Destructuring
// `nodeNetlink` attaches node-netlink to the test's kernel for that test.
import { expect, test } from '../../vitest/index.js';
import { bringUp } from './link-up.js';

test('brings a veth up and sees the notification', async ({ net, nodeNetlink: _, traffic }) => {
  net.apply({ links: [{ name: 'veth0', kind: 'veth', peer: 'veth1', mtu: 1400 }] });

  await expect(bringUp('veth0')).resolves.toEqual({ index: 3, name: 'veth0', mtu: 1400, up: true });

  expect(traffic).toContainRequest({ type: 'RTM_SETLINK', header: { ifi_index: 3, ifi_flags: 1, ifi_change: 1 } });
  expect(traffic).toContainNotification({ type: 'RTM_NEWLINK', attrs: { IFLA_IFNAME: 'veth0', IFLA_OPERSTATE: expect.anything() } });
});

test('reports the kernel refusing an unknown interface', async ({ nodeNetlink: _, traffic }) => {
  await expect(bringUp('nosuch0')).rejects.toThrow('Request rejected: ENODEV');
  expect(traffic).toContainReply({ type: 'NLMSG_ERROR', error: 'ENODEV' });
});
