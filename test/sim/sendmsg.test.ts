import { expect, it } from 'vitest';
import { MSG_OOB, NETLINK_USERSOCK, SO, SOCK_RAW, SOL_SOCKET, AF_NETLINK } from '../../sim/uapi/netlink.js';
import { MSG } from '../../sim/uapi/netlink.js';
import { describeBackends } from '../helpers/backends.js';
import { expectErrno, rawSockaddr } from '../helpers/expect-errno.js';

describeBackends('sendmsg() on NETLINK_USERSOCK', (b) => {
  const open = () => b.socket(SOCK_RAW, NETLINK_USERSOCK);
  const pair = () => {
    const rx = open();
    const tx = open();
    rx.bind({ pid: 1000, groups: 0 });
    tx.bind({ pid: 2000, groups: 0 });
    return { rx, tx };
  };

  it('delivers user-to-user datagrams byte for byte, unvalidated (3 garbage bytes stay 3 bytes)', () => {
    const { rx, tx } = pair();
    expect(tx.sendto(new Uint8Array([9, 8, 7]), { pid: 1000, groups: 0 })).toBe(3);
    const r = rx.recvmsg();
    expect(r.length).toBe(3);
    expect(Array.from(r.data)).toEqual([9, 8, 7]);
    expect(r.address).toEqual({ family: 16, pid: 2000, groups: 0 });
    expect(r.flags).toBe(0);
  });

  it('sends to its own port id', () => {
    const { rx } = pair();
    rx.sendto(new Uint8Array([1]), { pid: 1000, groups: 0 });
    expect(rx.recvmsg().address.pid).toBe(1000);
  });

  it('refuses a missing port with ECONNREFUSED, and port 0 too (USERSOCK has no kernel socket)', () => {
    const { tx } = pair();
    expectErrno(() => tx.sendto(new Uint8Array([1]), { pid: 4321, groups: 0 }), 'ECONNREFUSED');
    expectErrno(() => tx.sendto(new Uint8Array([1]), null), 'ECONNREFUSED');
    expectErrno(() => tx.send(new Uint8Array([1])), 'ECONNREFUSED');
  });

  it('checks MSG_OOB, then an empty payload, then the address', () => {
    const { tx } = pair();
    expectErrno(() => tx.sendto(new Uint8Array(0), rawSockaddr(AF_NETLINK, 1000, 0, 4), MSG_OOB), 'EOPNOTSUPP');
    expectErrno(() => tx.sendto(new Uint8Array(0), rawSockaddr(AF_NETLINK, 1000, 0, 4)), 'ENODATA');
    expectErrno(() => tx.sendto(new Uint8Array(1), rawSockaddr(AF_NETLINK, 1000, 0, 4)), 'EINVAL');
    expectErrno(() => tx.sendto(new Uint8Array(1), rawSockaddr(2, 1000, 0)), 'EINVAL');
  });

  it('ignores other flags such as MSG_CONFIRM and MSG_MORE', () => {
    const { rx, tx } = pair();
    expect(tx.sendto(new Uint8Array([5]), { pid: 1000, groups: 0 }, MSG.MSG_CONFIRM | MSG.MSG_MORE | MSG.MSG_NOSIGNAL)).toBe(1);
    expect(rx.recvmsg().length).toBe(1);
  });

  it('autobinds an unbound sender before sending', () => {
    const { rx } = pair();
    const s = open();
    s.sendto(new Uint8Array([1]), { pid: 1000, groups: 0 });
    expect(s.getsockname().pid).toBe(b.pid);
    expect(rx.recvmsg().address.pid).toBe(b.pid);
  });

  it('refuses datagrams larger than sndbuf − 32 with EMSGSIZE (212960 by default; 4576 after SO_SNDBUF 1)', () => {
    const { rx, tx } = pair();
    expectErrno(() => tx.sendto(new Uint8Array(212961), { pid: 1000, groups: 0 }), 'EMSGSIZE');
    expect(tx.sendto(new Uint8Array(212960), { pid: 1000, groups: 0 })).toBe(212960);
    expect(rx.recvmsg({ bufferSize: 300000 }).length).toBe(212960);
    tx.setsockopt(SOL_SOCKET, SO.SO_SNDBUF, 1);
    expectErrno(() => tx.sendto(new Uint8Array(4577), { pid: 1000, groups: 0 }), 'EMSGSIZE');
    expect(tx.sendto(new Uint8Array(4576), { pid: 1000, groups: 0 })).toBe(4576);
  });

  it('sends to the connected peer with send(), and to the kernel when unconnected', () => {
    const { rx, tx } = pair();
    tx.connect({ pid: 1000, groups: 0 });
    expect(tx.send(new Uint8Array([4, 4]))).toBe(2);
    expect(rx.recvmsg().length).toBe(2);
  });
});

describeBackends('multicast on NETLINK_USERSOCK (root)', (b) => {
  const open = () => b.socket(SOCK_RAW, NETLINK_USERSOCK);

  it('delivers to every member except the sender, with the group as a mask in msg_name', () => {
    const m1 = open();
    const m2 = open();
    const other = open();
    m1.bind({ pid: 11, groups: 0b100 });
    m2.bind({ pid: 12, groups: 0b110 });
    other.bind({ pid: 13, groups: 0b001 });
    const tx = open();
    tx.bind({ pid: 14, groups: 0b100 });
    // A group send also unicasts to pid 0: nobody there on USERSOCK, so ECONNREFUSED after delivery.
    expectErrno(() => tx.sendto(new Uint8Array([1, 2, 3, 4]), { pid: 0, groups: 0b100 }), 'ECONNREFUSED');
    for (const m of [m1, m2]) {
      const r = m.recvmsg();
      expect(r.address).toEqual({ family: 16, pid: 14, groups: 0b100 });
      expect(Array.from(r.data)).toEqual([1, 2, 3, 4]);
    }
    expectErrno(() => other.recvmsg(), 'EAGAIN');
    expectErrno(() => tx.recvmsg(), 'EAGAIN');
  });

  it('uses only the lowest set bit of nl_groups', () => {
    const g1 = open();
    const g2 = open();
    g1.bind({ pid: 21, groups: 0b01 });
    g2.bind({ pid: 22, groups: 0b10 });
    const tx = open();
    expectErrno(() => tx.sendto(new Uint8Array([1]), { pid: 0, groups: 0b11 }), 'ECONNREFUSED');
    expect(g1.recvmsg().address.groups).toBe(0b01);
    expectErrno(() => g2.recvmsg(), 'EAGAIN');
  });

  it('gives the unicast target one copy only (the multicast skips its port id), flagged with the group', () => {
    const target = open();
    const member = open();
    target.bind({ pid: 31, groups: 0b1 });
    member.bind({ pid: 32, groups: 0b1 });
    const tx = open();
    expect(tx.sendto(new Uint8Array([7]), { pid: 31, groups: 0b1 })).toBe(1);
    expect(target.recvmsg().address).toEqual({ family: 16, pid: tx.getsockname().pid, groups: 1 });
    expectErrno(() => target.recvmsg(), 'EAGAIN');
    expect(member.recvmsg().length).toBe(1);
  });

  it('skips unbound members (port id 0) when the unicast destination is 0', () => {
    const unbound = open();
    unbound.setsockopt(270, 1, 1); // NETLINK_ADD_MEMBERSHIP 1, no bind
    expect(unbound.getsockname()).toEqual({ family: 16, pid: 0, groups: 1 });
    const bound = open();
    bound.bind({ pid: 41, groups: 1 });
    const tx = open();
    expectErrno(() => tx.sendto(new Uint8Array([1]), { pid: 0, groups: 1 }), 'ECONNREFUSED');
    expect(bound.recvmsg().length).toBe(1);
    expectErrno(() => unbound.recvmsg(), 'EAGAIN');
  });

  it('reaches members joined with NETLINK_ADD_MEMBERSHIP the same as bound ones, and stops after DROP', () => {
    const m = open();
    m.bind({ pid: 51, groups: 0 });
    m.setsockopt(270, 1, 5);
    const tx = open();
    expectErrno(() => tx.sendto(new Uint8Array([1]), { pid: 0, groups: 1 << 4 }), 'ECONNREFUSED');
    expect(m.recvmsg().address.groups).toBe(1 << 4);
    m.setsockopt(270, 2, 5);
    expectErrno(() => tx.sendto(new Uint8Array([1]), { pid: 0, groups: 1 << 4 }), 'ECONNREFUSED');
    expectErrno(() => m.recvmsg(), 'EAGAIN');
  });

  it('multicasts from a connected socket with send() the same way', () => {
    const m = open();
    m.bind({ pid: 61, groups: 0b1000 });
    const tx = open();
    tx.connect({ pid: 0, groups: 0b1000 });
    expectErrno(() => tx.send(new Uint8Array([3])), 'ECONNREFUSED');
    expect(m.recvmsg().address.groups).toBe(0b1000);
  });
});
