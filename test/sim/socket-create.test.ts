import { expect, it } from 'vitest';
import { NETLINK_USERSOCK, SO, SOCK, SOL_SOCKET, SOCK_DGRAM, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { describeBackends } from '../helpers/backends.js';
import { expectErrno } from '../helpers/expect-errno.js';
import { HOST_LE } from '../../sim/wire/header.js';

const int = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(0, HOST_LE);

describeBackends('socket()', (b) => {
  it.each([
    ['SOCK_STREAM', SOCK.SOCK_STREAM],
    ['SOCK_RDM', SOCK.SOCK_RDM],
    ['SOCK_SEQPACKET', SOCK.SOCK_SEQPACKET],
    ['SOCK_DCCP', SOCK.SOCK_DCCP],
    ['SOCK_PACKET', SOCK.SOCK_PACKET],
  ])('refuses %s with ESOCKTNOSUPPORT', (_name, type) => {
    expectErrno(() => b.socket(type, NETLINK_USERSOCK), 'ESOCKTNOSUPPORT');
  });

  it.each([
    ['type 11 (SOCK_MAX)', 11],
    ['type 15', 15],
    ['an unknown flag bit 0x100', SOCK_RAW | 0x100],
  ])('refuses %s with EINVAL before netlink sees it', (_name, type) => {
    expectErrno(() => b.socket(type, NETLINK_USERSOCK), 'EINVAL');
  });

  it.each([
    ['-1', -1],
    ['32 (MAX_LINKS)', 32],
    ['1 (unregistered)', 1],
    ['25 (no module)', 25],
  ])('refuses protocol %s with EPROTONOSUPPORT', (_name, protocol) => {
    expectErrno(() => b.socket(SOCK_RAW, protocol), 'EPROTONOSUPPORT');
  });

  it('accepts SOCK_RAW and SOCK_DGRAM, with SOCK_NONBLOCK and SOCK_CLOEXEC', () => {
    for (const type of [SOCK_RAW, SOCK_DGRAM, SOCK_RAW | SOCK.SOCK_NONBLOCK | SOCK.SOCK_CLOEXEC]) {
      const s = b.socket(type, NETLINK_USERSOCK);
      expect(s.getsockname()).toEqual({ family: 16, pid: 0, groups: 0 });
    }
  });

  it('reports SO_TYPE, SO_PROTOCOL, SO_DOMAIN and the default buffers', () => {
    const s = b.socket(SOCK_DGRAM, NETLINK_USERSOCK);
    expect(int(s.getsockopt(SOL_SOCKET, SO.SO_TYPE))).toBe(SOCK_DGRAM);
    expect(int(s.getsockopt(SOL_SOCKET, SO.SO_PROTOCOL))).toBe(NETLINK_USERSOCK);
    expect(int(s.getsockopt(SOL_SOCKET, SO.SO_DOMAIN))).toBe(16);
    expect(int(s.getsockopt(SOL_SOCKET, SO.SO_RCVBUF))).toBe(212992);
    expect(int(s.getsockopt(SOL_SOCKET, SO.SO_SNDBUF))).toBe(212992);
  });

  it('makes every call on a closed socket fail with EBADF', () => {
    const s = b.socket(SOCK_RAW, NETLINK_USERSOCK);
    s.close();
    expectErrno(() => s.getsockname(), 'EBADF');
    expectErrno(() => s.send(new Uint8Array(4)), 'EBADF');
    expectErrno(() => s.recvmsg(), 'EBADF');
    expectErrno(() => s.close(), 'EBADF');
  });
});
