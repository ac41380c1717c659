/**
 * Several network namespaces in one virtual kernel: port ids, memberships and kernel sockets
 * are per namespace (KERNEL-SEMANTICS items 10, 190). On Linux the same is checked by every
 * [kernel] test, each of which runs in a namespace of its own.
 */
import { describe, expect, it } from 'vitest';
import { createKernel } from '../../protocols/index.js';
import { NETLINK_USERSOCK, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { expectErrno } from '../helpers/expect-errno.js';

describe('network namespaces', () => {
  it('keeps port ids per namespace: the same id binds in each, and autobind starts at the pid in each', () => {
    const kernel = createKernel();
    const other = kernel.createNamespace('other');
    const a = kernel.socket(SOCK_RAW, NETLINK_USERSOCK);
    const b = kernel.socket(SOCK_RAW, NETLINK_USERSOCK, { netns: other });
    a.bind({ pid: 0, groups: 0 });
    b.bind({ pid: 0, groups: 0 });
    expect(a.getsockname().pid).toBe(process.pid);
    expect(b.getsockname().pid).toBe(process.pid);
  });

  it('delivers unicast and multicast only within a namespace', () => {
    const kernel = createKernel();
    const other = kernel.createNamespace();
    const rx = kernel.socket(SOCK_RAW, NETLINK_USERSOCK);
    rx.bind({ pid: 500, groups: 1 });
    const tx = kernel.socket(SOCK_RAW, NETLINK_USERSOCK, { netns: other });
    expectErrno(() => tx.sendto(new Uint8Array([1]), { pid: 500, groups: 0 }), 'ECONNREFUSED');
    expectErrno(() => tx.sendto(new Uint8Array([1]), { pid: 0, groups: 1 }), 'ECONNREFUSED');
    expectErrno(() => rx.recvmsg(), 'EAGAIN');
  });

  it('gives every namespace its own kernel sockets, including for protocols registered later', () => {
    const kernel = createKernel();
    const early = kernel.createNamespace();
    kernel.registerProtocol({ protocol: 25, input: () => {} });
    const late = kernel.createNamespace();
    for (const ns of [kernel.initNet, early, late]) expect(ns.protocols[25]?.kernelSocket?.netns).toBe(ns);
  });
});
