// nlsim/vitest: fresh kernels, topology setup through rtnetlink, injection, traffic matchers.
import { createRequire } from 'node:module';
import { describe } from 'vitest';
import { expect, test } from '../../vitest/index.js';
import { NETLINK_GENERIC, NETLINK_KOBJECT_UEVENT, NETLINK_ROUTE, NLM_F_DUMP, NLM_F_REQUEST, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { decodeMessages } from '../../sim/wire/messages.js';
import type { VirtualKernel } from '../../sim/kernel.js';
import { DEFAULT_PROFILE } from '../../sim/profile.js';
import { RTM, RTNLGRP, RTNLGRP_LINK } from '../../protocols/route/core/uapi.js';

const { RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE } = RTNLGRP;
import { ifinfomsg } from '../../vitest/rtnl-client.js';

/** dumpLinkNames asks for every link with a plain socket, as a client would. */
function dumpLinkNames(kernel: VirtualKernel): string[] {
  const sock = kernel.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    sock.sendto(encodeMessage({ type: RTM.RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 1, pid: 0 }, ifinfomsg({})), null);
    const names: string[] = [];
    for (;;) {
      for (const m of decodeMessages(sock.recvmsg().data)) {
        if (m.header.type !== RTM.RTM_NEWLINK) return names;
        const text = new TextDecoder().decode(m.payload);
        names.push(/(?:^|\0)([a-z0-9]+)\0/.exec(text.slice(16))?.[1] ?? '?');
      }
    }
  } finally {
    sock.close();
  }
}

describe('kernel fixture', () => {
  // Both tests create the same link with NLM_F_EXCL: each must start from a fresh kernel.
  test.for(['first', 'second'])('%s test gets a kernel of its own', (_, { net, kernel }) => {
    net.apply({ links: [{ name: 'dummy0', kind: 'dummy' }] });
    expect(net.ifindex('dummy0')).toBe(2);
    expect(kernel.namespaces).toHaveLength(1);
  });
});

describe('kernelOptions', () => {
  test.scoped({ kernelOptions: { seed: 5, protocols: { generic: false } } });
  test('configure the kernel of each test in scope', ({ kernel }) => {
    expect(() => kernel.socket(SOCK_RAW, NETLINK_GENERIC)).toThrow(expect.objectContaining({ code: 'EPROTONOSUPPORT' }));
  });
});

describe('kernelOptions with a profile', () => {
  test.scoped({ kernelOptions: { seed: 1, profile: { ...DEFAULT_PROFILE, name: 'no-dummy', config: { ...DEFAULT_PROFILE.config, DUMMY: false } } } });
  test('pin the kernel build a test simulates: without the dummy driver a dummy link is an unknown type', ({ kernel, net }) => {
    expect(kernel.profile.name).toBe('no-dummy');
    expect(() => net.apply({ links: [{ name: 'd0', kind: 'dummy' }] })).toThrow(/EOPNOTSUPP.*Unknown device type/);
    net.apply({ links: [{ name: 'v0', kind: 'veth', peer: 'v1' }] });
  });
});

describe('net.apply', () => {
  test('creates links, enslaves and brings them up through rtnetlink', ({ net, traffic }) => {
    net.apply({
      links: [
        { name: 'br0', kind: 'bridge', up: true },
        { name: 'veth0', kind: 'veth', peer: 'veth1', master: 'br0', mtu: 1400, up: true },
        { name: 'veth1', up: true },
        { name: 'lo', up: true },
      ],
    });
    expect(['br0', 'veth0', 'veth1'].map((n) => net.ifindex(n))).toEqual([2, 4, 3]);
    // The setup socket's own requests and answers are not the test's traffic.
    expect(traffic.messages()).toEqual([]);
  });

  test('keeps the notifications setup caused for subscribed sockets', ({ net, kernel, traffic }) => {
    const monitor = kernel.socket(SOCK_RAW, NETLINK_ROUTE);
    monitor.bind({ pid: 0, groups: 1 << (RTNLGRP_LINK - 1) });
    net.apply({ links: [{ name: 'dummy0', kind: 'dummy', up: true }] });
    expect(traffic).toContainNotification({ type: 'RTM_NEWLINK', group: RTNLGRP_LINK, attrs: { IFLA_IFNAME: 'dummy0' } });
    expect(traffic.requests()).toEqual([]);
    monitor.close();
  });

  test('throws the NetlinkError of a refused request, naming it', ({ net }) => {
    net.apply({ links: [{ name: 'dummy0', kind: 'dummy' }] });
    expect(() => net.apply({ links: [{ name: 'dummy0', kind: 'dummy' }] })).toThrow(
      expect.objectContaining({ code: 'EEXIST', syscall: 'RTM_NEWLINK dummy0', source: 'ack' }),
    );
  });

  test('adds addresses and routes', ({ net, kernel, traffic }) => {
    const monitor = kernel.socket(SOCK_RAW, NETLINK_ROUTE);
    monitor.bind({ pid: 0, groups: (1 << (RTNLGRP_IPV4_IFADDR - 1)) | (1 << (RTNLGRP_IPV4_ROUTE - 1)) });
    net.apply({
      links: [{ name: 'dummy0', kind: 'dummy', up: true }],
      addresses: [
        { dev: 'dummy0', address: '10.0.0.1/24' },
        { dev: 'dummy0', address: 'fd00::1/64' },
      ],
      routes: [{ dst: '10.1.0.0/16', via: '10.0.0.254' }],
    });
    expect(traffic).toContainNotification({ type: 'RTM_NEWADDR', attrs: { IFA_LOCAL: '10.0.0.1', IFA_LABEL: 'dummy0' } });
    expect(traffic).toContainNotification({ type: 'RTM_NEWROUTE', header: { rtm_dst_len: 16 }, attrs: { RTA_DST: '10.1.0.0', RTA_GATEWAY: '10.0.0.254' } });
    expect(() => net.apply({ routes: [{ dst: '10.2.0.0/16', via: '192.168.9.9' }] })).toThrow(expect.objectContaining({ code: 'ENETUNREACH', syscall: 'RTM_NEWROUTE 10.2.0.0/16' }));
    monitor.close();
  });
});

describe('traffic', () => {
  test('records requests, replies and notifications with their names', ({ kernel, traffic }) => {
    expect(dumpLinkNames(kernel)).toEqual(['lo']);
    expect(traffic).toContainRequest({ type: 'RTM_GETLINK', flags: ['NLM_F_REQUEST', 'NLM_F_DUMP'] });
    expect(traffic).toContainReply({ type: 'RTM_NEWLINK', attrs: { IFLA_IFNAME: 'lo', IFLA_MTU: 65536 } });
    expect(traffic).toContainReply({ type: 'NLMSG_DONE', error: '0' });
    expect(traffic).not.toContainRequest({ type: 'RTM_DELLINK' });
    expect(traffic).not.toContainNotification({ type: 'RTM_NEWLINK' });
  });

  test('prints what was recorded when nothing matches', ({ kernel, traffic }) => {
    dumpLinkNames(kernel);
    expect(() => expect(traffic).toContainRequest({ type: 'RTM_NEWLINK' })).toThrow(/recorded:\n {2}→ NETLINK_ROUTE RTM_GETLINK \[NLM_F_REQUEST\|NLM_F_DUMP\] seq=1/);
  });

  test('clear() forgets, and patterns take asymmetric matchers', ({ kernel, traffic }) => {
    dumpLinkNames(kernel);
    traffic.clear();
    expect(traffic.messages()).toEqual([]);
    dumpLinkNames(kernel);
    expect(traffic).toContainReply({ type: 'RTM_NEWLINK', seq: 1, attrs: { IFLA_IFNAME: expect.stringMatching(/^l/) } });
  });
});

describe('injection', () => {
  test('net.notify multicasts a kernel message to a group', ({ net, kernel, traffic }) => {
    const monitor = kernel.socket(SOCK_RAW, NETLINK_ROUTE);
    monitor.bind({ pid: 0, groups: 1 << (RTNLGRP_LINK - 1) });
    expect(net.notify({ group: RTNLGRP_LINK, type: RTM.RTM_DELLINK, body: ifinfomsg({ index: 9 }) })).toBe(0);
    expect(net.notify({ group: 3, type: RTM.RTM_NEWNEIGH, body: new Uint8Array(12) })).toBe(-3); // ESRCH: no listener
    const got = monitor.recvmsg();
    expect([got.address, decodeMessages(got.data)[0]!.header.type]).toEqual([{ family: 16, pid: 0, groups: 1 }, RTM.RTM_DELLINK]);
    expect(traffic).toContainNotification({ type: 'RTM_DELLINK', group: RTNLGRP_LINK, header: { ifi_index: 9 } });
    monitor.close();
  });

  test('net.uevent sends a kernel uevent to group 1', ({ net, kernel, traffic }) => {
    const listener = kernel.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT);
    listener.bind({ pid: 0, groups: 1 });
    const seqnum = net.uevent({ action: 'add', devpath: '/devices/virtual/net/veth0', subsystem: 'net', env: { INTERFACE: 'veth0' } });
    expect(new TextDecoder().decode(listener.recvmsg().data).split('\0')[0]).toBe('add@/devices/virtual/net/veth0');
    expect(traffic).toContainNotification({ group: 1, uevent: { ACTION: 'add', INTERFACE: 'veth0', SEQNUM: String(seqnum) } });
    listener.close();
  });
});

describe('nodeNetlink fixture', () => {
  test('node-netlink talks to the test kernel', async ({ nodeNetlink, net, traffic }) => {
    net.apply({ links: [{ name: 'dummy0', kind: 'dummy' }] });
    const { createRtNetlink } = createRequire(import.meta.url)('netlink') as typeof import('netlink');
    const rt = createRtNetlink();
    const links = await rt.getLinks();
    rt.socket.close();
    expect(links.map((l) => l.attrs.ifname)).toEqual(['lo', 'dummy0']);
    expect(traffic).toContainRequest({ type: 'RTM_GETLINK', flags: ['NLM_F_DUMP', 'NLM_F_ACK'] });
    expect(nodeNetlink.namespaces).toHaveLength(1);
  });
});
