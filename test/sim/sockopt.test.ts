import { expect, it } from 'vitest';
import { NETLINK_OPT, NETLINK_USERSOCK, SOCK_RAW, SOL_NETLINK } from '../../sim/uapi/netlink.js';
import { HOST_LE } from '../../sim/wire/header.js';
import { describeBackends, describeSim } from '../helpers/backends.js';
import { expectErrno } from '../helpers/expect-errno.js';
import { userCredentials } from '../../sim/credentials.js';

const int = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(0, HOST_LE);
const words = (b: Uint8Array) => Array.from({ length: b.length >> 2 }, (_, i) => new DataView(b.buffer, b.byteOffset).getUint32(i * 4, HOST_LE));
const { NETLINK_ADD_MEMBERSHIP: ADD, NETLINK_DROP_MEMBERSHIP: DROP, NETLINK_LIST_MEMBERSHIPS: LIST } = NETLINK_OPT;

describeBackends('SOL_NETLINK options', (b) => {
  const open = () => b.socket(SOCK_RAW, NETLINK_USERSOCK);

  it.each([1, 2, 3, 4, 5, 8, 10, 11, 12])('accepts setsockopt name %i', (name) => {
    expect(() => open().setsockopt(SOL_NETLINK, name, 1)).not.toThrow();
  });

  it.each([0, 6, 7, 9, 13, 99])('refuses setsockopt name %i with ENOPROTOOPT', (name) => {
    expectErrno(() => open().setsockopt(SOL_NETLINK, name, 1), 'ENOPROTOOPT');
  });

  it.each([3, 4, 5, 8, 9, 10, 11, 12])('accepts getsockopt name %i', (name) => {
    expect(open().getsockopt(SOL_NETLINK, name).length).toBeLessThanOrEqual(4);
  });

  it.each([0, 1, 2, 6, 7, 13])('refuses getsockopt name %i with ENOPROTOOPT', (name) => {
    expectErrno(() => open().getsockopt(SOL_NETLINK, name), 'ENOPROTOOPT');
  });

  it('refuses levels other than SOL_SOCKET and SOL_NETLINK with ENOPROTOOPT', () => {
    expectErrno(() => open().setsockopt(6, 1, 1), 'ENOPROTOOPT');
    expectErrno(() => open().getsockopt(6, 1), 'ENOPROTOOPT');
  });

  it.each([
    NETLINK_OPT.NETLINK_PKTINFO,
    NETLINK_OPT.NETLINK_BROADCAST_ERROR,
    NETLINK_OPT.NETLINK_NO_ENOBUFS,
    NETLINK_OPT.NETLINK_CAP_ACK,
    NETLINK_OPT.NETLINK_EXT_ACK,
    NETLINK_OPT.NETLINK_GET_STRICT_CHK,
  ])('toggles boolean option %i: any non-zero is on and reads back 1', (name) => {
    const s = open();
    expect(int(s.getsockopt(SOL_NETLINK, name))).toBe(0);
    s.setsockopt(SOL_NETLINK, name, 0x100);
    expect(int(s.getsockopt(SOL_NETLINK, name))).toBe(1);
    // optlen < 4 reads as 0: the option is cleared
    s.setsockopt(SOL_NETLINK, name, new Uint8Array(2).fill(1));
    expect(int(s.getsockopt(SOL_NETLINK, name))).toBe(0);
  });

  it('refuses a boolean getsockopt with optlen < 4 with EINVAL, and a negative optlen too', () => {
    expectErrno(() => open().getsockopt(SOL_NETLINK, NETLINK_OPT.NETLINK_PKTINFO, 3), 'EINVAL');
    expectErrno(() => open().getsockopt(SOL_NETLINK, NETLINK_OPT.NETLINK_PKTINFO, -1), 'EINVAL');
    expectErrno(() => open().getsockopt(SOL_NETLINK, 99, -1), 'EINVAL');
  });

  it('checks membership groups: 0 and above the count are EINVAL, optlen 0 means 0', () => {
    const s = open();
    expectErrno(() => s.setsockopt(SOL_NETLINK, ADD, 0), 'EINVAL');
    expectErrno(() => s.setsockopt(SOL_NETLINK, ADD, 33), 'EINVAL');
    expectErrno(() => s.setsockopt(SOL_NETLINK, ADD, new Uint8Array(0)), 'EINVAL');
    s.setsockopt(SOL_NETLINK, ADD, 32);
    s.setsockopt(SOL_NETLINK, ADD, 32); // joining twice is fine
    s.setsockopt(SOL_NETLINK, DROP, 3); // leaving a group not joined is fine
    expect(s.getsockname().groups).toBe(0x80000000);
  });

  it('lists memberships as whole u32 words and always returns the full optlen', () => {
    const s = open();
    expect(s.getsockoptRaw(SOL_NETLINK, LIST, 16).optlen).toBe(0);
    s.setsockopt(SOL_NETLINK, ADD, 1);
    s.setsockopt(SOL_NETLINK, ADD, 32);
    const full = s.getsockoptRaw(SOL_NETLINK, LIST, 16);
    expect(full.optlen).toBe(4);
    expect(words(full.data)).toEqual([0x80000001]);
    const short = s.getsockoptRaw(SOL_NETLINK, LIST, 3);
    expect(short.optlen).toBe(4);
    expect(Array.from(short.data)).toEqual([0, 0, 0]);
  });

  it('drops every membership with bind(groups 0) except those above 32', () => {
    const s = open();
    s.bind({ pid: 0, groups: 0xff });
    s.bind({ pid: b.pid, groups: 0 });
    expect(s.getsockname().groups).toBe(0);
    expect(words(s.getsockoptRaw(SOL_NETLINK, LIST, 4).data)).toEqual([0]);
  });
});

describeSim('SOL_NETLINK options for an unprivileged caller (KERNEL-SEMANTICS items 127, 132, 147)', (b) => {
  const user = () => b.sim.socket(SOCK_RAW, NETLINK_USERSOCK, { credentials: userCredentials() });

  it('refuses ADD and DROP membership on USERSOCK with EPERM (checked before the group number)', () => {
    expectErrno(() => user().setsockopt(SOL_NETLINK, ADD, 1), 'EPERM');
    expectErrno(() => user().setsockopt(SOL_NETLINK, DROP, 0), 'EPERM');
  });

  it('refuses NETLINK_LISTEN_ALL_NSID without CAP_NET_BROADCAST, even to clear it', () => {
    expectErrno(() => user().setsockopt(SOL_NETLINK, NETLINK_OPT.NETLINK_LISTEN_ALL_NSID, 0), 'EPERM');
  });

  it('refuses SO_RCVBUFFORCE without CAP_NET_ADMIN', () => {
    expectErrno(() => user().setsockopt(1, 33, 100000), 'EPERM');
  });
});

describeBackends('SOL_SOCKET options about a peer, which a netlink socket never has', (b) => {
  const SOL_SOCKET = 1;
  const [SO_PEERCRED, SO_PEERNAME, SO_PEERGROUPS, SO_PEERPIDFD] = [17, 28, 59, 77];
  const open = () => b.socket(SOCK_RAW, NETLINK_USERSOCK);

  it('SO_PEERCRED is {pid 0, uid -1, gid -1}, cut to optlen', () => {
    const s = open();
    expect(Buffer.from(s.getsockoptRaw(SOL_SOCKET, SO_PEERCRED, 40).data).toString('hex')).toBe(
      '00000000' + // pid
        'ffffffff' + // uid
        'ffffffff', // gid
    );
    expect(s.getsockoptRaw(SOL_SOCKET, SO_PEERCRED, 8).optlen).toBe(8);
  });

  it('SO_PEERNAME is the connect() destination; EINVAL when optlen exceeds it', () => {
    const s = open();
    s.bind({ pid: 0, groups: 0 });
    s.connect({ pid: 4242, groups: 4 });
    const name = s.getsockoptRaw(SOL_SOCKET, SO_PEERNAME, 12);
    expect(name.optlen).toBe(12);
    expect(words(name.data)).toEqual([16, 4242, 4]); // AF_NETLINK + pad, nl_pid, nl_groups
    expect(s.getsockoptRaw(SOL_SOCKET, SO_PEERNAME, 5).data.length).toBe(5);
    expectErrno(() => s.getsockoptRaw(SOL_SOCKET, SO_PEERNAME, 16), 'EINVAL');
  });

  it.each([
    ['SO_PEERGROUPS', SO_PEERGROUPS],
    ['SO_PEERPIDFD', SO_PEERPIDFD],
  ])('%s fails with ENODATA', (_name, name) => {
    expectErrno(() => open().getsockoptRaw(SOL_SOCKET, name, 64), 'ENODATA');
  });
});

describeBackends('SO_PASSSEC and SO_PASSPIDFD', (b) => {
  const SOL_SOCKET = 1;
  const [SO_PASSSEC, SO_PASSPIDFD] = [34, 76];
  const open = () => b.socket(SOCK_RAW, NETLINK_USERSOCK);

  it('SO_PASSSEC is a flag netlink keeps (any non-zero value sets it)', () => {
    const s = open();
    expect(int(s.getsockopt(SOL_SOCKET, SO_PASSSEC))).toBe(0);
    s.setsockopt(SOL_SOCKET, SO_PASSSEC, -5);
    expect(int(s.getsockopt(SOL_SOCKET, SO_PASSSEC))).toBe(1);
    s.setsockopt(SOL_SOCKET, SO_PASSSEC, 0);
    expect(int(s.getsockopt(SOL_SOCKET, SO_PASSSEC))).toBe(0);
  });

  it('SO_PASSPIDFD is for unix sockets: EOPNOTSUPP both ways', () => {
    const s = open();
    expectErrno(() => s.setsockopt(SOL_SOCKET, SO_PASSPIDFD, 1), 'EOPNOTSUPP');
    expectErrno(() => s.getsockopt(SOL_SOCKET, SO_PASSPIDFD), 'EOPNOTSUPP');
  });
});
