import { expect, it } from 'vitest';
import { MSG_CTRUNC, MSG_DONTWAIT, SOCK_NONBLOCK, MSG_PEEK, MSG_TRUNC, MSG_OOB, NETLINK_PKTINFO, NETLINK_USERSOCK, POLLIN, POLLOUT, SOCK_RAW, SOL_NETLINK } from '../../sim/uapi/netlink.js';
import { describeBackends } from '../helpers/backends.js';
import { expectErrno } from '../helpers/expect-errno.js';

describeBackends('recvmsg()', (b) => {
  const setup = () => {
    const rx = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    const tx = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    rx.bind({ pid: 1000, groups: 0 });
    tx.bind({ pid: 2000, groups: 0 });
    const send = (bytes: number[]) => tx.sendto(new Uint8Array(bytes), { pid: 1000, groups: 0 });
    return { rx, tx, send };
  };

  it('gives EAGAIN on an empty queue', () => {
    expectErrno(() => setup().rx.recvmsg(), 'EAGAIN');
  });

  it('returns one datagram per call, in order', () => {
    const { rx, send } = setup();
    send([1]);
    send([2, 2]);
    expect(rx.recvmsg().length).toBe(1);
    expect(rx.recvmsg().length).toBe(2);
  });

  it('leaves the datagram queued with MSG_PEEK', () => {
    const { rx, send } = setup();
    send([1, 2, 3]);
    expect(Array.from(rx.recvmsg({ flags: MSG_PEEK }).data)).toEqual([1, 2, 3]);
    expect(Array.from(rx.recvmsg({ flags: MSG_PEEK }).data)).toEqual([1, 2, 3]);
    expect(Array.from(rx.recvmsg().data)).toEqual([1, 2, 3]);
    expectErrno(() => rx.recvmsg(), 'EAGAIN');
  });

  it('truncates to the buffer, flags MSG_TRUNC and discards the rest', () => {
    const { rx, send } = setup();
    send([1, 2, 3, 4, 5, 6]);
    send([7]);
    const r = rx.recvmsg({ bufferSize: 4 });
    expect(r.length).toBe(4);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4]);
    expect(r.flags & MSG_TRUNC).toBe(MSG_TRUNC);
    expect(Array.from(rx.recvmsg().data)).toEqual([7]);
  });

  it('returns the full length when MSG_TRUNC is passed, even with a 0-byte buffer and MSG_PEEK', () => {
    const { rx, send } = setup();
    send(new Array(300).fill(1));
    const peek = rx.recvmsg({ bufferSize: 0, flags: MSG_PEEK | MSG_TRUNC });
    expect(peek.length).toBe(300);
    expect(peek.data.length).toBe(0);
    const r = rx.recvmsg({ bufferSize: 10, flags: MSG_TRUNC });
    expect(r.length).toBe(300);
    expect(r.data.length).toBe(10);
    expect(r.flags & MSG_TRUNC).toBe(MSG_TRUNC);
  });

  it('consumes the datagram on a 0-byte read without MSG_TRUNC, returning 0 with MSG_TRUNC set', () => {
    const { rx, send } = setup();
    send([1, 2]);
    const r = rx.recvmsg({ bufferSize: 0 });
    expect(r.length).toBe(0);
    expect(r.flags & MSG_TRUNC).toBe(MSG_TRUNC);
    expectErrno(() => rx.recvmsg(), 'EAGAIN');
  });

  it('refuses MSG_OOB with EOPNOTSUPP', () => {
    expectErrno(() => setup().rx.recvmsg({ flags: MSG_OOB }), 'EOPNOTSUPP');
  });

  it('adds a NETLINK_PKTINFO group to every message when asked, and MSG_CTRUNC when it does not fit', () => {
    const { rx, send } = setup();
    rx.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1);
    send([1]);
    send([2]);
    send([3]);
    const r = rx.recvmsg();
    expect(r.pktinfoGroup).toBe(0);
    expect(r.flags & MSG_CTRUNC).toBe(0);
    const small = rx.recvmsg({ controlSize: 16 });
    expect(small.flags & MSG_CTRUNC).toBe(MSG_CTRUNC);
    expect(small.pktinfoGroup).toBeUndefined();
    const none = rx.recvmsg({ controlSize: 0 });
    expect(none.flags & MSG_CTRUNC).toBe(MSG_CTRUNC);
  });

  it('reports the multicast group in PKTINFO', () => {
    const { rx, tx } = setup();
    rx.bind({ pid: 1000, groups: 1 << 6 });
    rx.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1);
    expectErrno(() => tx.sendto(new Uint8Array([1]), { pid: 0, groups: 1 << 6 }), 'ECONNREFUSED');
    const r = rx.recvmsg();
    expect(r.pktinfoGroup).toBe(7);
    expect(r.address.groups).toBe(1 << 6);
  });

  it('polls POLLOUT always and POLLIN while something is queued', () => {
    const { rx, send } = setup();
    expect(rx.poll()).toBe(POLLOUT);
    send([1]);
    expect(rx.poll()).toBe(POLLOUT | POLLIN);
    rx.recvmsg();
    expect(rx.poll()).toBe(POLLOUT);
  });

  it('resolves receive() when a datagram arrives later', async () => {
    const { rx, send } = setup();
    const pending = rx.receive();
    setTimeout(() => send([4, 2]), 5);
    const r = await pending;
    expect(Array.from(r.data)).toEqual([4, 2]);
  });

  it('does not wait in receive() with MSG_DONTWAIT or on a SOCK_NONBLOCK socket', async () => {
    const { rx } = setup();
    await expect(rx.receive({ flags: MSG_DONTWAIT })).rejects.toMatchObject({ code: 'EAGAIN' });
    const nb = b.socket(SOCK_RAW | SOCK_NONBLOCK, NETLINK_USERSOCK);
    await expect(nb.receive()).rejects.toMatchObject({ code: 'EAGAIN' });
  });

  it('calls onReadable listeners when a datagram arrives', async () => {
    const { rx, send } = setup();
    const fired = new Promise<void>((resolve) => {
      const off = rx.onReadable(() => {
        off();
        resolve();
      });
    });
    send([1]);
    await fired;
    expect(rx.recvmsg().length).toBe(1);
  });

  it('rejects a pending receive() with EBADF when the socket closes', async () => {
    const { rx } = setup();
    const pending = rx.receive();
    setTimeout(() => rx.close(), 5);
    await expect(pending).rejects.toMatchObject({ code: 'EBADF' });
  });
});
