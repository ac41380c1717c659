/**
 * Counterexamples the differential sequences found, kept as regular tests on both kernels.
 */
import { expect, it } from 'vitest';
import { MSG_CTRUNC, NETLINK_GENERIC, NETLINK_USERSOCK, SO, SOCK_RAW, SOL_SOCKET } from '../../sim/uapi/netlink.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { describeBackends } from '../helpers/backends.js';
import { expectErrno } from '../helpers/expect-errno.js';

describeBackends('differential regressions', (b) => {
  it('charges a dump chunk before filling it: refused unless it stays strictly below rcvbuf or the queue is empty', () => {
    const outcomes: string[] = [];
    for (const half of [2592, 2593]) {
      const s = b.socket(SOCK_RAW, NETLINK_GENERIC);
      s.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, half); // rcvbuf 5184, then 5186
      s.send(encodeMessage({ type: 0x10, flags: 0x1, seq: 1, pid: 0 }, new Uint8Array(4))); // cmd 0: EOPNOTSUPP, 832 queued
      // CTRL_CMD_GETPOLICY dump for nlctrl: a 3776-byte chunk costs 4352
      s.send(encodeMessage({ type: 0x10, flags: 0x305, seq: 2, pid: 0 }, new Uint8Array([10, 0, 0, 0, 6, 0, 1, 0, 0x10, 0, 0, 0])));
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) {
        try {
          const r = s.recvmsg({ bufferSize: 65536 });
          seen.push(String(r.length));
        } catch (e) {
          seen.push((e as { code: string }).code);
        }
      }
      outcomes.push(seen.join(' '));
      s.close();
    }
    // 5184: the first chunk is refused, the dump start fails with an ENOBUFS error ACK (48
    // bytes), the retry inside the next recvmsg fails too (sk_err), and the dump resumes once
    // the queue is empty.
    expect(outcomes).toEqual(['40 ENOBUFS 48 424 20 EAGAIN', '40 424 20 EAGAIN EAGAIN EAGAIN']);
  });

  it('truncates SCM_CREDENTIALS (SO_PASSCRED) into a missing control buffer with MSG_CTRUNC', () => {
    const rx = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    const tx = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    rx.bind({ pid: 700, groups: 0 });
    rx.setsockopt(SOL_SOCKET, SO.SO_PASSCRED, 1);
    for (let i = 0; i < 2; i++) tx.sendto(new Uint8Array([i]), { pid: 700, groups: 0 });
    const none = rx.recvmsg({ controlSize: 0 });
    expect(none.flags & MSG_CTRUNC).toBe(MSG_CTRUNC);
    expect(none.credentials).toBeUndefined();
    const full = rx.recvmsg({ controlSize: 64 });
    expect(full.flags & MSG_CTRUNC).toBe(0);
    expect(full.credentials).toEqual({ pid: process.pid, uid: 0, gid: 0 });
  });

  it('sets MSG_CTRUNC for SO_PASSSEC only when there is no control buffer at all', () => {
    const s = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    s.bind({ pid: 701, groups: 0 });
    s.setsockopt(SOL_SOCKET, SO.SO_PASSSEC, 1);
    const flags = [0, 8, 64].map((controlSize) => {
      s.sendto(new Uint8Array(4), { pid: 701, groups: 0 });
      return s.recvmsg({ controlSize }).flags & MSG_CTRUNC;
    });
    expect(flags).toEqual([MSG_CTRUNC, 0, 0]);
  });

  it('stores generic SOL_SOCKET flags such as SO_DEBUG and SO_PRIORITY, and refuses SO_TYPE', () => {
    const s = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    s.setsockopt(SOL_SOCKET, SO.SO_DEBUG, 5);
    s.setsockopt(SOL_SOCKET, SO.SO_PRIORITY, 32);
    expect(Array.from(s.getsockopt(SOL_SOCKET, SO.SO_DEBUG))).toEqual([1, 0, 0, 0]);
    expect(Array.from(s.getsockopt(SOL_SOCKET, SO.SO_PRIORITY))).toEqual([32, 0, 0, 0]);
    expectErrno(() => s.setsockopt(SOL_SOCKET, SO.SO_TYPE, 1), 'ENOPROTOOPT');
  });
});
