/**
 * Behaviour of NativeSocket against the real kernel, each test in a fresh network namespace
 * (NativeNamespace), never the host's. These pin what the oracle reports, so that the
 * differential tests can trust it.
 *
 * Needs Linux, the built addon (npm run build:native) and root. Without them the suite is
 * skipped with a warning, except in CI (CI=true), where that is a failure.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { NativeNamespace, type NativeSocket, nativeAvailable } from '../../native/index.js';
import { NetlinkError } from '../../sim/errors.js';
import {
  AF_UNSPEC,
  MSG_CTRUNC,
  MSG_PEEK,
  MSG_TRUNC,
  NETLINK_ADD_MEMBERSHIP,
  NETLINK_LIST_MEMBERSHIPS,
  NETLINK_PKTINFO,
  NETLINK_ROUTE,
  NETLINK_USERSOCK,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  POLLIN,
  POLLOUT,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOL_NETLINK,
  SOL_SOCKET,
  SO_RCVBUF,
} from '../../sim/uapi/netlink.js';
import { HOST_LE, encodeMessage, readHeader } from '../../sim/wire/header.js';

/** gate says whether this process can run the suite: addon built, root, namespaces allowed. */
function gate(): { ok: true } | { ok: false; reason: string } {
  const available = nativeAvailable();
  if (!available.ok) return available;
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not running as root (private network namespaces need CAP_SYS_ADMIN)' };
  try {
    NativeNamespace.create().close();
  } catch (error) {
    return { ok: false, reason: `cannot create a network namespace: ${(error as Error).message}` };
  }
  return { ok: true };
}

const status = gate();
if (!status.ok) {
  if (process.env.CI === 'true') {
    describe('native binding', () => {
      it('is available in CI', () => {
        throw new Error(`test/native cannot run: ${status.reason}`);
      });
    });
  } else {
    console.warn(`test/native skipped: ${status.reason}`);
  }
}
const describeNative = status.ok ? describe : describe.skip;

/** errnoOf runs `fn`, which must throw a NetlinkError, and returns its code. */
function errnoOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NetlinkError);
    return (error as NetlinkError).code;
  }
  throw new Error('expected a NetlinkError, but the call succeeded');
}

/** bytes returns `n` bytes counting up from `start`, so truncations are visible. */
function bytes(n: number, start = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
}

/** u32 reads a host-order u32. */
function u32(data: Uint8Array, offset = 0): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(offset, HOST_LE);
}

/** nextTurn resolves after pending I/O callbacks have had a chance to run. */
function nextTurn(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describeNative('NativeSocket on the real kernel, in a private network namespace', () => {
  let ns: NativeNamespace;
  let opened: NativeSocket[];

  beforeEach(() => {
    ns = NativeNamespace.create();
    opened = [];
  });

  afterEach(() => {
    for (const s of opened) {
      try {
        s.close();
      } catch {
        // already closed by the test
      }
    }
    ns.close();
  });

  /** open creates a socket in the test's namespace and closes it after the test. */
  function open(type: number, protocol: number): NativeSocket {
    const s = ns.socket(type, protocol);
    opened.push(s);
    return s;
  }

  /** usersockPair returns two bound NETLINK_USERSOCK sockets and their port ids. */
  function usersockPair(): { a: NativeSocket; b: NativeSocket; aPid: number; bPid: number } {
    const a = open(SOCK_RAW, NETLINK_USERSOCK);
    const b = open(SOCK_RAW, NETLINK_USERSOCK);
    a.bind({ pid: 0, groups: 0 });
    b.bind({ pid: 0, groups: 0 });
    return { a, b, aPid: a.getsockname().pid, bPid: b.getsockname().pid };
  }

  /**
   * multicast sends `data` to `groups` with nl_pid 0. netlink_sendmsg() broadcasts, then
   * also unicasts to nl_pid: port 0 of NETLINK_USERSOCK has no kernel socket, so the call
   * fails with ECONNREFUSED although the multicast copies were delivered.
   */
  function multicast(sender: NativeSocket, data: Uint8Array, groups: number): void {
    expect(errnoOf(() => sender.sendto(data, { pid: 0, groups }))).toBe('ECONNREFUSED');
  }

  describe('socket()', () => {
    it('passes type and protocol to the kernel, which rejects what netlink_create() rejects', () => {
      expect(errnoOf(() => open(1, NETLINK_USERSOCK))).toBe('ESOCKTNOSUPPORT'); // SOCK_STREAM
      expect(errnoOf(() => open(SOCK_RAW, 99))).toBe('EPROTONOSUPPORT'); // >= MAX_LINKS
    });

    it('reports the error like a system call: code, negative errno, syscall', () => {
      try {
        open(SOCK_RAW, 99);
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({ code: 'EPROTONOSUPPORT', errno: -93, syscall: 'socket' });
      }
    });

    it('exposes fd, protocol and the type without its flag bits', () => {
      const s = open(SOCK_DGRAM | SOCK_NONBLOCK, NETLINK_USERSOCK);
      expect(s.fd).toBeGreaterThanOrEqual(0);
      expect(s.type).toBe(SOCK_DGRAM);
      expect(s.protocol).toBe(NETLINK_USERSOCK);
    });
  });

  describe('bind() and addresses', () => {
    it('autobinds the first socket of the namespace to the process id, later ones elsewhere', () => {
      const { aPid, bPid } = usersockPair();
      expect(aPid).toBe(process.pid);
      // netlink_autobind()'s rover counts down from -4096: a u32 above 2^31, unsigned in JS.
      expect(bPid).not.toBe(process.pid);
      expect(bPid).toBeGreaterThanOrEqual(2 ** 31);
    });

    it('gives EADDRINUSE for a port id already bound', () => {
      const a = open(SOCK_RAW, NETLINK_USERSOCK);
      const b = open(SOCK_RAW, NETLINK_USERSOCK);
      a.bind({ pid: 4242, groups: 0 });
      expect(a.getsockname()).toEqual({ family: 16, pid: 4242, groups: 0 });
      expect(errnoOf(() => b.bind({ pid: 4242, groups: 0 }))).toBe('EADDRINUSE');
    });

    it('passes raw address bytes as they are: 4 bytes are too short', () => {
      const s = open(SOCK_RAW, NETLINK_USERSOCK);
      expect(errnoOf(() => s.bind(new Uint8Array([16, 0, 0, 0])))).toBe('EINVAL');
    });

    it('connects, and disconnects with a raw 2-byte AF_UNSPEC address', () => {
      const { a, bPid } = usersockPair();
      a.connect({ pid: bPid, groups: 0 });
      expect(a.getpeername()).toEqual({ family: 16, pid: bPid, groups: 0 });
      const unspec = new Uint8Array(2);
      new DataView(unspec.buffer).setUint16(0, AF_UNSPEC, HOST_LE);
      a.connect(unspec);
      expect(a.getpeername()).toEqual({ family: 16, pid: 0, groups: 0 });
    });
  });

  describe('sending and receiving', () => {
    it('delivers USERSOCK unicast with the sender in msg_name', () => {
      const { a, b, aPid, bPid } = usersockPair();
      expect(b.sendto(bytes(20), { pid: aPid, groups: 0 })).toBe(20);
      const r = a.recvmsg();
      expect(r.length).toBe(20);
      expect(r.data).toEqual(bytes(20));
      expect(r.flags).toBe(0);
      expect(r.address).toEqual({ family: 16, pid: bPid, groups: 0 });
      expect(r.pktinfoGroup).toBeUndefined();
    });

    it('sendto(data, null) uses no address: the connected peer, else the (absent) kernel socket', () => {
      const { a, b, aPid } = usersockPair();
      // NETLINK_USERSOCK has no kernel socket at port 0.
      expect(errnoOf(() => b.sendto(bytes(4), null))).toBe('ECONNREFUSED');
      b.connect({ pid: aPid, groups: 0 });
      expect(b.sendto(bytes(4), null)).toBe(4);
      expect(b.send(bytes(5))).toBe(5);
      expect(a.recvmsg().data).toEqual(bytes(4));
      expect(a.recvmsg().data).toEqual(bytes(5));
    });

    it('gives EAGAIN on an empty queue instead of blocking, and poll() agrees', () => {
      const { a, b, aPid } = usersockPair();
      expect(a.poll()).toBe(POLLOUT);
      expect(errnoOf(() => a.recvmsg())).toBe('EAGAIN');
      b.sendto(bytes(8), { pid: aPid, groups: 0 });
      expect(a.poll()).toBe(POLLIN | POLLOUT);
    });

    it('MSG_PEEK leaves the datagram queued', () => {
      const { a, b, aPid } = usersockPair();
      b.sendto(bytes(12), { pid: aPid, groups: 0 });
      expect(a.recvmsg({ flags: MSG_PEEK }).data).toEqual(bytes(12));
      expect(a.recvmsg().data).toEqual(bytes(12));
      expect(errnoOf(() => a.recvmsg())).toBe('EAGAIN');
    });

    it('truncates to the buffer; MSG_TRUNC makes the return value the full length', () => {
      const { a, b, aPid } = usersockPair();
      for (let i = 0; i < 3; i++) b.sendto(bytes(100), { pid: aPid, groups: 0 });

      const plain = a.recvmsg({ bufferSize: 10 });
      expect(plain).toMatchObject({ length: 10, flags: MSG_TRUNC });
      expect(plain.data).toEqual(bytes(10));

      const full = a.recvmsg({ bufferSize: 10, flags: MSG_TRUNC });
      expect(full).toMatchObject({ length: 100, flags: MSG_TRUNC });
      expect(full.data).toEqual(bytes(10));

      const empty = a.recvmsg({ bufferSize: 0 });
      expect(empty).toMatchObject({ length: 0, flags: MSG_TRUNC });
      expect(empty.data).toEqual(new Uint8Array(0));
    });

    it('reports the multicast group in msg_name and in a NETLINK_PKTINFO cmsg', () => {
      const { a, b, bPid } = usersockPair();
      a.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1);
      a.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 3);
      multicast(b, bytes(6), 1 << 2);
      multicast(b, bytes(6), 1 << 2);

      const r = a.recvmsg();
      expect(r.address).toEqual({ family: 16, pid: bPid, groups: 1 << 2 });
      expect(r.pktinfoGroup).toBe(3);

      // No control buffer: the kernel drops the cmsg and says so.
      const cut = a.recvmsg({ controlSize: 0 });
      expect(cut.pktinfoGroup).toBeUndefined();
      expect(cut.flags & MSG_CTRUNC).toBe(MSG_CTRUNC);
    });
  });

  describe('socket options', () => {
    it('NETLINK_LIST_MEMBERSHIPS reports the optlen it needs, beyond a short buffer', () => {
      const s = open(SOCK_RAW, NETLINK_ROUTE);
      // No group joined yet: the socket has no group bitmap, so optlen is 0.
      expect(s.getsockoptRaw(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, 4)).toEqual({ data: new Uint8Array(0), optlen: 0 });

      s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 1); // RTNLGRP_LINK
      const short = s.getsockoptRaw(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, 4);
      // rtnetlink has more than 32 groups, so the bitmap needs at least 8 bytes.
      expect(short.optlen).toBeGreaterThanOrEqual(8);
      expect(short.optlen % 4).toBe(0);
      expect(short.data.length).toBe(4);
      expect(u32(short.data)).toBe(1);
      expect(s.getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS)).toEqual(short.data);

      const full = s.getsockoptRaw(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, short.optlen);
      expect(full.optlen).toBe(short.optlen);
      expect(full.data.length).toBe(short.optlen);

      // The kernel writes whole u32 words only: with 6 bytes it fills 4, and the other 2
      // read as the zeroed buffer.
      const odd = s.getsockoptRaw(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, 6);
      expect(odd.optlen).toBe(short.optlen);
      expect(odd.data).toEqual(Uint8Array.from([...short.data, 0, 0]));
    });

    it('keeps u32 values unsigned: group 32 is bit 31', () => {
      const s = open(SOCK_RAW, NETLINK_USERSOCK);
      s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 32);
      const r = s.getsockoptRaw(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, 4);
      expect(r.optlen).toBe(4);
      expect(u32(r.data)).toBe(0x80000000);
    });

    it('passes lengths through: short option bytes and negative optlen reach the kernel', () => {
      const s = open(SOCK_RAW, NETLINK_USERSOCK);
      // Fewer than 4 bytes read as value 0, and group 0 does not exist.
      expect(errnoOf(() => s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, new Uint8Array(2)))).toBe('EINVAL');
      expect(errnoOf(() => s.getsockopt(SOL_NETLINK, NETLINK_PKTINFO, -1))).toBe('EINVAL');
      expect(errnoOf(() => s.setsockopt(0, NETLINK_PKTINFO, 1))).toBe('ENOPROTOOPT');
      s.setsockopt(SOL_SOCKET, SO_RCVBUF, 65536);
      // The kernel doubles SO_RCVBUF for its bookkeeping.
      expect(u32(s.getsockopt(SOL_SOCKET, SO_RCVBUF))).toBe(131072);
    });
  });

  describe('asynchronous receive', () => {
    it('receive() resolves once a later send arrives', async () => {
      const { a, b, aPid, bPid } = usersockPair();
      const pending = a.receive();
      await nextTurn();
      b.sendto(bytes(16), { pid: aPid, groups: 0 });
      const r = await pending;
      expect(r.data).toEqual(bytes(16));
      expect(r.address.pid).toBe(bPid);
    });

    it('receive() rejects with EBADF when the socket closes while it waits', async () => {
      const { a } = usersockPair();
      const pending = a.receive();
      a.close();
      await expect(pending).rejects.toMatchObject({ code: 'EBADF', syscall: 'recvmsg' });
    });

    it('onReadable fires for each arrival until unsubscribed', async () => {
      const { a, b, aPid } = usersockPair();
      const seen: number[] = [];
      let unsubscribe = (): void => {};
      const done = new Promise<void>((resolve) => {
        unsubscribe = a.onReadable(() => {
          seen.push(a.recvmsg().data[0]!);
          if (seen.length === 2) resolve();
        });
      });
      b.sendto(bytes(1, 7), { pid: aPid, groups: 0 });
      await nextTurn();
      b.sendto(bytes(1, 9), { pid: aPid, groups: 0 });
      await done;
      unsubscribe();
      b.sendto(bytes(1, 11), { pid: aPid, groups: 0 });
      await nextTurn();
      expect(seen).toEqual([7, 9]);
      expect(a.recvmsg().data).toEqual(bytes(1, 11));
    });

    it('onReadable keeps firing after an overrun (POLLERR makes libuv stop the poll handle)', async () => {
      const { a, b } = usersockPair();
      a.setsockopt(SOL_SOCKET, SO_RCVBUF, 0); // the kernel's minimum
      a.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 1);
      // Each wake drains until EAGAIN and records what came out, runs of data collapsed.
      const rounds: string[][] = [];
      let wake = (): void => {};
      const unsubscribe = a.onReadable(() => {
        const round: string[] = [];
        for (;;) {
          try {
            a.recvmsg();
            if (round.at(-1) !== 'data') round.push('data');
          } catch (error) {
            const code = (error as NetlinkError).code;
            if (code === 'EAGAIN') break;
            round.push(code);
          }
        }
        rounds.push(round);
        wake();
      });
      const nextWake = (): Promise<void> => new Promise((resolve) => (wake = resolve));

      let woke = nextWake();
      for (let i = 0; i < 64; i++) multicast(b, bytes(200), 1);
      await woke;
      // __skb_try_recv_datagram() checks sk_err before the queue, so the overrun's ENOBUFS
      // comes out first, ahead of the datagrams that did fit.
      expect(rounds).toEqual([['ENOBUFS', 'data']]);

      // Without re-arming after the POLLERR, this wake would never come.
      woke = nextWake();
      multicast(b, bytes(8), 1);
      await woke;
      expect(rounds).toEqual([['ENOBUFS', 'data'], ['data']]);
      unsubscribe();
    });
  });

  describe('close()', () => {
    it('makes every later call, a second close included, throw EBADF', () => {
      const { a } = usersockPair();
      a.close();
      expect(errnoOf(() => a.recvmsg())).toBe('EBADF');
      expect(errnoOf(() => a.sendto(bytes(1), { pid: 1, groups: 0 }))).toBe('EBADF');
      expect(errnoOf(() => a.getsockname())).toBe('EBADF');
      expect(errnoOf(() => a.poll())).toBe('EBADF');
      expect(errnoOf(() => a.onReadable(() => {}))).toBe('EBADF');
      expect(errnoOf(() => a.close())).toBe('EBADF');
    });

    it('does not leave a poll handle keeping the process alive', () => {
      // A child process: it must exit by itself once its sockets and subscriptions are gone.
      const native = fileURLToPath(new URL('../../native/index.ts', import.meta.url));
      const script = `
        const { NativeNamespace } = await import(${JSON.stringify(native)});
        const ns = NativeNamespace.create();
        const a = ns.socket(3, 2), b = ns.socket(3, 2);
        a.bind({ pid: 0, groups: 0 });
        const unsubscribe = b.onReadable(() => {});
        unsubscribe();
        a.onReadable(() => {});
        const pending = a.receive().catch((e) => console.log(e.code));
        setTimeout(() => a.close(), 10);
      `;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(child.signal).toBeNull();
      expect(child.stderr).toBe('');
      expect(child.stdout.trim()).toBe('EBADF');
      expect(child.status).toBe(0);
    });
  });

  describe('namespace isolation', () => {
    /** LinkInfo is what the test reads from one RTM_NEWLINK message. */
    interface LinkInfo {
      index: number;
      name: string;
      up: boolean;
    }

    const RTM_NEWLINK = 16;
    const RTM_GETLINK = 18;
    const IFLA_IFNAME = 3;
    const IFF_UP = 0x1;

    /** dumpLinks sends RTM_GETLINK with NLM_F_DUMP and collects the replies until NLMSG_DONE. */
    async function dumpLinks(s: NativeSocket): Promise<LinkInfo[]> {
      const ifinfomsg = new Uint8Array(16); // ifi_family AF_UNSPEC, everything else 0
      s.sendto(encodeMessage({ type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 1, pid: 0 }, ifinfomsg), {
        pid: 0,
        groups: 0,
      });
      const links: LinkInfo[] = [];
      for (;;) {
        const { data } = await s.receive();
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        for (let off = 0; off + 16 <= data.length; ) {
          const h = readHeader(data, off);
          if (h.type === NLMSG_DONE) return links;
          if (h.type === NLMSG_ERROR) throw new Error(`link dump failed: ${view.getInt32(off + 16, HOST_LE)}`);
          if (h.type === RTM_NEWLINK) links.push(parseLink(data, off, h.len));
          off += (h.len + 3) & ~3;
        }
      }
    }

    /** parseLink reads ifi_index, ifi_flags and IFLA_IFNAME from the message at `off`. */
    function parseLink(data: Uint8Array, off: number, len: number): LinkInfo {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const link: LinkInfo = {
        index: view.getInt32(off + 20, HOST_LE),
        name: '',
        up: (view.getUint32(off + 24, HOST_LE) & IFF_UP) !== 0,
      };
      for (let a = off + 32; a + 4 <= off + len; ) {
        const alen = view.getUint16(a, HOST_LE);
        if (alen < 4) break;
        if (view.getUint16(a + 2, HOST_LE) === IFLA_IFNAME) {
          link.name = new TextDecoder().decode(data.subarray(a + 4, a + alen)).replace(/\0.*$/s, '');
        }
        a += (alen + 3) & ~3;
      }
      return link;
    }

    // Fallback tunnel devices that loaded tunnel modules add to every new namespace
    // (net.core.fb_tunnels_only_for_init_net=0); they are not the host's interfaces.
    const FALLBACK_TUNNEL = /^(tunl|sit|ip6tnl|gre|gretap|erspan|ip_vti|ip6_vti|ip6gre|ip6erspan)0$/;

    it('a link dump in the namespace shows only lo, index 1, down', async () => {
      const s = open(SOCK_RAW, NETLINK_ROUTE);
      const links = (await dumpLinks(s)).filter((l) => !FALLBACK_TUNNEL.test(l.name));
      expect(links).toEqual([{ index: 1, name: 'lo', up: false }]);
    });

    it('each namespace has its own port table', () => {
      const other = NativeNamespace.create();
      try {
        const here = open(SOCK_RAW, NETLINK_USERSOCK);
        const there = other.socket(SOCK_RAW, NETLINK_USERSOCK);
        opened.push(there);
        here.bind({ pid: 0, groups: 0 });
        there.bind({ pid: 0, groups: 0 });
        // Both are the first socket of their namespace, so both get the process id...
        expect(here.getsockname().pid).toBe(process.pid);
        expect(there.getsockname().pid).toBe(process.pid);
        // ...and neither can reach the other.
        const probe = open(SOCK_RAW, NETLINK_USERSOCK);
        probe.bind({ pid: 0, groups: 0 });
        expect(errnoOf(() => there.sendto(bytes(1), { pid: probe.getsockname().pid, groups: 0 }))).toBe('ECONNREFUSED');
      } finally {
        other.close();
      }
    });

    it('a closed namespace refuses new sockets with EBADF', () => {
      const other = NativeNamespace.create();
      other.close();
      expect(errnoOf(() => other.socket(SOCK_RAW, NETLINK_USERSOCK))).toBe('EBADF');
      other.close(); // idempotent
    });
  });
});
