import { expect, it } from 'vitest';
import { NETLINK_NO_ENOBUFS, NETLINK_USERSOCK, POLLERR, POLLIN, POLLOUT, SO, SOCK_RAW, SOL_NETLINK, SOL_SOCKET } from '../../sim/uapi/netlink.js';
import { HOST_LE } from '../../sim/wire/header.js';
import { describeBackends, describeSim } from '../helpers/backends.js';
import { expectErrno } from '../helpers/expect-errno.js';

const int = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(0, HOST_LE);

describeSim('blocking sends (KERNEL-SEMANTICS item 53)', (b) => {
  it('makes sendtoAsync wait for room in a full user receiver, and EAGAIN with MSG_DONTWAIT', async () => {
    const rx = b.sim.socket(SOCK_RAW, NETLINK_USERSOCK);
    const tx = b.sim.socket(SOCK_RAW, NETLINK_USERSOCK);
    rx.bind({ pid: 1000, groups: 0 });
    rx.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, 0);
    tx.sendto(new Uint8Array(16), { pid: 1000, groups: 0 });
    tx.sendto(new Uint8Array(16), { pid: 1000, groups: 0 });
    await expect(tx.sendtoAsync(new Uint8Array(16), { pid: 1000, groups: 0 }, 0x40)).rejects.toMatchObject({ code: 'EAGAIN' });
    let sent = false;
    const pending = tx.sendtoAsync(new Uint8Array([7]), { pid: 1000, groups: 0 }).then((n) => {
      sent = true;
      return n;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(sent).toBe(false);
    rx.recvmsg();
    expect(await pending).toBe(1);
    expect(rx.recvmsg().length).toBe(16);
    expect(Array.from(rx.recvmsg().data)).toEqual([7]);
  });

  it('releases a blocked sender with ECONNREFUSED when the receiver closes', async () => {
    const rx = b.sim.socket(SOCK_RAW, NETLINK_USERSOCK);
    const tx = b.sim.socket(SOCK_RAW, NETLINK_USERSOCK);
    rx.bind({ pid: 1000, groups: 0 });
    rx.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, 0);
    tx.sendto(new Uint8Array(16), { pid: 1000, groups: 0 });
    tx.sendto(new Uint8Array(16), { pid: 1000, groups: 0 });
    const pending = tx.sendtoAsync(new Uint8Array(1), { pid: 1000, groups: 0 });
    rx.close();
    await expect(pending).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describeBackends('receive buffers and accounting', (b) => {
  const setup = () => {
    const rx = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    const tx = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    rx.bind({ pid: 1000, groups: 1 });
    tx.bind({ pid: 2000, groups: 0 });
    return { rx, tx };
  };

  /** fill sends `len`-byte datagrams until EAGAIN; returns how many were queued. */
  const fill = (tx: ReturnType<typeof setup>['tx'], len: number, limit = 5000) => {
    let n = 0;
    for (; n < limit; n++) {
      try {
        tx.sendto(new Uint8Array(len), { pid: 1000, groups: 0 });
      } catch (e) {
        expect((e as { code: string }).code).toBe('EAGAIN');
        return n;
      }
    }
    return n;
  };

  it.each([
    [16, 256],
    [256, 256],
    [257, 166],
    [500, 166],
    [1000, 92],
    [3776, 48],
    [4000, 46],
    [8000, 24],
  ])('fits exactly as many %i-byte unicasts as Linux in the default buffer (%i)', (len, count) => {
    const { rx, tx } = setup();
    expect(fill(tx, len)).toBe(count);
    // the sender saw EAGAIN; the receiver has no error and no drop
    expect(rx.recvmsg({ bufferSize: 65536 }).length).toBe(len);
  });

  it('always admits one datagram into an empty socket, whatever its size', () => {
    const { rx, tx } = setup();
    rx.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, 0);
    expect(int(rx.getsockopt(SOL_SOCKET, SO.SO_RCVBUF))).toBe(2304);
    expect(tx.sendto(new Uint8Array(100000), { pid: 1000, groups: 0 })).toBe(100000);
    expectErrno(() => tx.sendto(new Uint8Array(1), { pid: 1000, groups: 0 }), 'EAGAIN');
  });

  it.each([
    [0, 2304],
    [1000, 2304],
    [2000, 4000],
    [65536, 131072],
    [10_000_000, 8388608],
  ])('sets SO_RCVBUF %i to max(2v, 2304) capped by rmem_max: %i', (v, expected) => {
    const { rx } = setup();
    rx.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, v);
    expect(int(rx.getsockopt(SOL_SOCKET, SO.SO_RCVBUF))).toBe(expected);
  });

  it.each([
    [0, 4608],
    [1, 4608],
    [4000, 8000],
  ])('sets SO_SNDBUF %i to max(2v, 4608): %i', (v, expected) => {
    const { tx } = setup();
    tx.setsockopt(SOL_SOCKET, SO.SO_SNDBUF, v);
    expect(int(tx.getsockopt(SOL_SOCKET, SO.SO_SNDBUF))).toBe(expected);
  });

  it('refuses a SOL_SOCKET value shorter than an int with EINVAL', () => {
    expectErrno(() => setup().rx.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, new Uint8Array(2)), 'EINVAL');
  });

  it('overruns a full multicast member: ENOBUFS first, then the queue, then the latch clears', () => {
    const { rx, tx } = setup();
    rx.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, 0); // 2304: two small multicasts (1088 each: kmalloc'd)
    const mcast = () => expectErrno(() => tx.sendto(new Uint8Array(16), { pid: 0, groups: 1 }), 'ECONNREFUSED');
    mcast();
    mcast();
    mcast(); // dropped: overrun
    expect(rx.poll()).toBe(POLLIN | POLLOUT | POLLERR);
    expectErrno(() => rx.recvmsg(), 'ENOBUFS');
    expect(rx.poll()).toBe(POLLIN | POLLOUT);
    rx.recvmsg(); // one of two queued
    mcast(); // refused: still congested although there is room
    rx.recvmsg(); // queue now empty: the latch clears
    expectErrno(() => rx.recvmsg(), 'EAGAIN');
    mcast();
    expect(rx.recvmsg().length).toBe(16);
  });

  it('reports ENOBUFS only once per congestion, and through SO_ERROR too', () => {
    const { rx, tx } = setup();
    rx.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, 0);
    for (let i = 0; i < 5; i++) expectErrno(() => tx.sendto(new Uint8Array(16), { pid: 0, groups: 1 }), 'ECONNREFUSED');
    expect(int(rx.getsockopt(SOL_SOCKET, SO.SO_ERROR))).toBe(105);
    expect(int(rx.getsockopt(SOL_SOCKET, SO.SO_ERROR))).toBe(0);
    expect(rx.recvmsg().length).toBe(16);
  });

  it('never reports ENOBUFS with NETLINK_NO_ENOBUFS, and setting it clears the latch', () => {
    const { rx, tx } = setup();
    rx.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, 0);
    rx.setsockopt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1);
    for (let i = 0; i < 4; i++) expectErrno(() => tx.sendto(new Uint8Array(16), { pid: 0, groups: 1 }), 'ECONNREFUSED');
    expect(rx.recvmsg().length).toBe(16);
    expect(rx.recvmsg().length).toBe(16);
    expectErrno(() => rx.recvmsg(), 'EAGAIN');
  });

  it('gives the sender EAGAIN, not the receiver ENOBUFS, for a full user-to-user unicast', () => {
    const { rx, tx } = setup();
    rx.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, 0);
    tx.sendto(new Uint8Array(16), { pid: 1000, groups: 0 });
    tx.sendto(new Uint8Array(16), { pid: 1000, groups: 0 });
    expectErrno(() => tx.sendto(new Uint8Array(16), { pid: 1000, groups: 0 }), 'EAGAIN');
    expect(rx.recvmsg().length).toBe(16);
    expect(rx.recvmsg().length).toBe(16);
    expectErrno(() => rx.recvmsg(), 'EAGAIN');
  });
});
