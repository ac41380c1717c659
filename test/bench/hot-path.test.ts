/**
 * Guards for the simulator's fast paths that `nlsim bench` drove: whatever is shared or
 * handed over without a copy internally, every receiver must still get bytes of its own,
 * as from the copy a real kernel makes into each user buffer. Runs on both kernels.
 */
import { expect, it } from 'vitest';
import { describeBackends } from '../helpers/backends.js';
import { NETLINK_USERSOCK, SOCK_RAW } from '../../sim/uapi/netlink.js';

describeBackends('fast-path copy semantics', (b) => {
  const pair = () => {
    const tx = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    const rx = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    tx.bind({ pid: 0, groups: 0 });
    rx.bind({ pid: 0, groups: 0 });
    return { tx, rx, to: { pid: rx.getsockname().pid, groups: 0 } };
  };

  it('a Node Buffer changed after sendto() does not change what is received', () => {
    const { tx, rx, to } = pair();
    const buf = Buffer.alloc(20, 1);
    tx.sendto(buf, to);
    buf.fill(9);
    expect([...rx.recvmsg().data]).toEqual(new Array(20).fill(1));
  });

  it('a received unicast is a buffer of its own, even after MSG_PEEK', () => {
    const { tx, rx, to } = pair();
    const data = new Uint8Array(64).fill(3);
    tx.sendto(data, to);
    const peeked = rx.recvmsg({ flags: 2 /* MSG_PEEK */ }).data;
    peeked.fill(7);
    const got = rx.recvmsg().data;
    expect([...got]).toEqual(new Array(64).fill(3));
    expect(got.byteOffset).toBe(0);
    expect(got.buffer.byteLength).toBe(64);
    got.fill(5);
    expect([...data]).toEqual(new Array(64).fill(3));
  });

  it('a truncated receive gets only the bytes that fit', () => {
    const { tx, rx, to } = pair();
    tx.sendto(new Uint8Array(64).fill(4), to);
    const r = rx.recvmsg({ bufferSize: 16 });
    expect(r.data.length).toBe(16);
    expect(r.data.buffer.byteLength).toBe(16);
  });

  it('multicast members each get bytes of their own', () => {
    const tx = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    const m1 = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    const m2 = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    tx.bind({ pid: 0, groups: 0 });
    m1.bind({ pid: 0, groups: 1 });
    m2.bind({ pid: 0, groups: 1 });
    tx.sendto(new Uint8Array(32).fill(6), { pid: m1.getsockname().pid, groups: 1 });
    const a = m1.recvmsg().data;
    a.fill(0);
    expect([...m2.recvmsg().data]).toEqual(new Array(32).fill(6));
  });
});

it('a tap that keeps a unicast datagram keeps the bytes sent, whatever the receiver does [sim]', async () => {
  const { createKernel } = await import('../../protocols/index.js');
  const kernel = createKernel();
  const kept: Uint8Array[] = [];
  kernel.addTap((skb) => kept.push(skb.data));
  const tx = kernel.socket(SOCK_RAW, NETLINK_USERSOCK);
  const rx = kernel.socket(SOCK_RAW, NETLINK_USERSOCK);
  tx.bind({ pid: 0, groups: 0 });
  rx.bind({ pid: 0, groups: 0 });
  tx.sendto(new Uint8Array(24).fill(8), { pid: rx.getsockname().pid, groups: 0 });
  rx.recvmsg().data.fill(0);
  expect([...kept[0]!]).toEqual(new Array(24).fill(8));
});
