/**
 * Client scenarios written against node-netlink's public API only, as an application would
 * write them. Each one runs twice: in the test process against the virtual kernel (through
 * attachNodeNetlink), and in a child process under `unshare -n` against Linux
 * (real-kernel-child.ts). Results are plain JSON with machine-dependent values masked, so
 * the two runs can be compared with toEqual.
 */
import type * as Netlink from 'netlink';

/** NetlinkModule is what `require('netlink')` returns. */
export type NetlinkModule = typeof Netlink;

/** Outcome is one call's masked result, or the message of the error it rejected with. */
export type Outcome = { ok: unknown } | { error: string };

/** Scenario runs calls on fresh sockets and returns their outcomes, labelled, in order. */
export type Scenario = (nl: NetlinkModule) => Promise<Record<string, Outcome>>;

const NLM_F_CREATE = 0x400;
const NLM_F_EXCL = 0x200;
/** A sequence number no other request of a scenario uses, for the monitor's barrier. */
const BARRIER_SEQ = 0x7fff0000;

/** MASKED keys hold counters and timestamps, which depend on the clock, never on the model. */
const MASKED = new Set(['stats', 'stats64', 'cacheInfo']);
/** MAC_KEYS may hold random link-layer addresses (veth, bridge): masked unless all zeros (lo). */
const MAC_KEYS = new Set(['address', 'broadcast', 'permAddress']);

/** collectMacs gathers the random link-layer addresses of a result. */
function collectMacs(value: unknown, key: string, out: Set<string>): void {
  if (Buffer.isBuffer(value)) {
    if (MAC_KEYS.has(key) && value.length === 6 && value.some((b) => b !== 0 && b !== 0xff)) out.add(value.toString('hex'));
  } else if (Array.isArray(value)) for (const v of value) collectMacs(v, '', out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collectMacs(v, k, out);
}

/** hideMacs replaces, in a hex string, every byte-aligned occurrence of those MACs (bridge ids inside IFLA_LINKINFO). */
function hideMacs(hex: string, macs: Set<string>): string {
  if (!macs.size) return hex;
  let out = '';
  for (let at = 0; at < hex.length; ) {
    const mac = [...macs].find((m) => hex.startsWith(m, at));
    out += mac ? '<mac>' : hex.slice(at, at + 2);
    at += mac ? mac.length : 2;
  }
  return out;
}

/** mask turns a parsed result into comparable JSON: Buffers as hex, bigints as strings, MACs/stats/timestamps masked. */
export function mask(value: unknown): unknown {
  const macs = new Set<string>();
  collectMacs(value, '', macs);
  return maskValue(value, '', macs);
}

function maskValue(value: unknown, key: string, macs: Set<string>): unknown {
  if (MASKED.has(key) && value !== undefined) return '<masked>';
  if (MAC_KEYS.has(key) && Buffer.isBuffer(value) && value.length === 6 && value.some((b) => b !== 0)) return '<mac>';
  if (Buffer.isBuffer(value)) return hideMacs(value.toString('hex'), macs);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((v) => maskValue(v, '', macs));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = maskValue(v, k, macs);
    return out;
  }
  return value;
}

async function outcome(call: () => unknown): Promise<Outcome> {
  try {
    return { ok: mask(await call()) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** failure records every property of the binding's error a caller may look at. */
async function failure(call: () => unknown): Promise<Outcome> {
  try {
    return { ok: mask(await call()) };
  } catch (e) {
    const { name, message, errno, code, syscall } = e as Error & { errno?: number; code?: string; syscall?: string };
    return { error: JSON.stringify({ name, message, errno, code, syscall, isError: e instanceof Error }) };
  }
}

/** sendResult sends raw bytes on `sock` and resolves with the send callback's error details, or 'sent'. */
function sendResult(sock: Netlink.RawNetlinkSocket, data: Buffer, port: number): Promise<unknown> {
  return new Promise((resolve) => {
    sock.send(data, { port }, (err) => {
      const e = err as (Error & { errno?: number; code?: string; syscall?: string }) | undefined;
      resolve(e ? { name: e.name, message: e.message, errno: e.errno, code: e.code, syscall: e.syscall } : 'sent');
    });
  });
}

/** nextMessage resolves with the next datagram event (message or truncatedMessage) of a raw socket. */
function nextMessage(sock: Netlink.RawNetlinkSocket): Promise<unknown> {
  return new Promise((resolve) => {
    const done = (kind: string) => (msg: Buffer, rinfo: Netlink.MessageInfo) => {
      sock.removeAllListeners('message').removeAllListeners('truncatedMessage');
      resolve({ kind, length: msg.length, rinfo: { ...rinfo, port: rinfo.port === 0 ? 0 : 'user' } });
    };
    sock.on('message', done('message')).on('truncatedMessage', done('truncatedMessage'));
  });
}

/** getlinkRequest is an RTM_GETLINK dump request with the given seq and port. */
function getlinkRequest(seq: number, port: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(32, 0); // nlmsg_len
  b.writeUInt16LE(18, 4); // RTM_GETLINK
  b.writeUInt16LE(0x301, 6); // NLM_F_REQUEST | NLM_F_DUMP
  b.writeUInt32LE(seq, 8);
  b.writeUInt32LE(port, 12);
  return b; // + struct ifinfomsg, zero
}

/** attr encodes one rtattr (struct rtattr + payload, padded to 4), as a client builds IFLA_LINKINFO by hand. */
function attr(type: number, payload: Uint8Array): Buffer {
  const len = 4 + payload.length;
  const out = Buffer.alloc((len + 3) & ~3);
  out.writeUInt16LE(len, 0); // rta_len (host order; little-endian machines only, like the clients we test)
  out.writeUInt16LE(type, 2); // rta_type
  out.set(payload, 4);
  return out;
}

const cstr = (s: string) => Buffer.from(`${s}\0`);

/** linkinfo encodes IFLA_LINKINFO's payload: IFLA_INFO_KIND and, when given, IFLA_INFO_DATA. */
export function linkinfo(kind: string, data?: Buffer): Buffer {
  return Buffer.concat([attr(1, cstr(kind)), ...(data ? [attr(2, data)] : [])]);
}

/** vethPeer encodes IFLA_INFO_DATA for veth: VETH_INFO_PEER = ifinfomsg + IFLA_IFNAME. */
export function vethPeer(name: string): Buffer {
  return attr(1, Buffer.concat([Buffer.alloc(16), attr(3, cstr(name))]));
}

/**
 * monitor opens a socket subscribed to `groups` that collects notifications; `drain()` sends
 * a request on it and waits for the reply, so every notification queued before has been read.
 */
function monitor(nl: NetlinkModule, groups: (keyof typeof Netlink.rt.MulticastGroups)[]) {
  const sock = nl.createRtNetlink();
  for (const g of groups) sock.addMembership(g);
  const seen: unknown[] = [];
  sock.on('message', (msgs) => {
    for (const m of msgs) seen.push(mask(m));
  });
  return {
    async drain(): Promise<unknown[]> {
      await sock.getLink({ index: 1 }, {}, { seq: BARRIER_SEQ });
      return seen;
    },
    close: () => sock.socket.close(),
  };
}

/** names of the links a dump returns, in order. */
const names = (links: Netlink.rt.LinkMessage[]) => links.map((l) => l.attrs.ifname);

/** scenarios maps a name to its calls; every call runs on both kernels. */
export const scenarios: Record<string, Scenario> = {
  async 'getLinks and getLink on a fresh namespace'(nl) {
    const rt = nl.createRtNetlink();
    try {
      return {
        getLinks: await outcome(() => rt.getLinks()),
        'getLink index 1': await outcome(() => rt.getLink({ index: 1 })),
        'getLink ifname lo': await outcome(() => rt.getLink({}, { ifname: 'lo' })),
        'getLink missing index': await outcome(() => rt.getLink({ index: 77 })),
      };
    } finally {
      rt.socket.close();
    }
  },

  async 'setLink up, mtu, down with RTNLGRP_LINK notifications'(nl) {
    const rt = nl.createRtNetlink();
    const mon = monitor(nl, ['LINK']);
    try {
      const res: Record<string, Outcome> = {
        'setLink up': await outcome(() => rt.setLink({ index: 1, flags: { up: true }, change: { up: true } })),
        'getLink after up': await outcome(() => rt.getLink({ index: 1 })),
        'setLink mtu 9000': await outcome(() => rt.setLink({ index: 1 }, { mtu: 9000 })),
        'setLink down': await outcome(() => rt.setLink({ index: 1, flags: {}, change: { up: true } })),
        'setLink missing index': await outcome(() => rt.setLink({ index: 77 }, { mtu: 1500 })),
      };
      res.notifications = await outcome(() => mon.drain());
      return res;
    } finally {
      rt.socket.close();
      mon.close();
    }
  },

  async 'newLink veth pair'(nl) {
    const rt = nl.createRtNetlink();
    const mon = monitor(nl, ['LINK']);
    try {
      const create = { flags: NLM_F_CREATE | NLM_F_EXCL };
      const res: Record<string, Outcome> = {
        'newLink veth0/veth1': await outcome(() => rt.newLink({}, { ifname: 'veth0', linkinfo: linkinfo('veth', vethPeer('veth1')) }, create)),
        'link names': await outcome(async () => names(await rt.getLinks())),
        'getLink veth0': await outcome(() => rt.getLink({}, { ifname: 'veth0' })),
        'newLink veth0 again': await outcome(() => rt.newLink({}, { ifname: 'veth0', linkinfo: linkinfo('veth', vethPeer('veth2')) }, create)),
      };
      res.notifications = await outcome(() => mon.drain());
      // Only the ACK after this: bringing a veth up queues linkwatch work whose notification
      // and operstate change come later (rate-limited to one a second), a race on Linux.
      res['setLink veth1 up'] = await outcome(() => rt.setLink({ index: 2, flags: { up: true }, change: { up: true } }));
      return res;
    } finally {
      rt.socket.close();
      mon.close();
    }
  },

  async 'newLink bridge'(nl) {
    const rt = nl.createRtNetlink();
    try {
      const create = { flags: NLM_F_CREATE | NLM_F_EXCL };
      return {
        'newLink br0': await outcome(() => rt.newLink({}, { ifname: 'br0', linkinfo: linkinfo('bridge') }, create)),
        'link names': await outcome(async () => names(await rt.getLinks())),
        'getLink br0': await outcome(() => rt.getLink({}, { ifname: 'br0' })),
        'newLink unknown kind': await outcome(() => rt.newLink({}, { ifname: 'x0', linkinfo: linkinfo('nosuchkind') }, create)),
        'newLink veth0/veth1': await outcome(() => rt.newLink({}, { ifname: 'veth0', linkinfo: linkinfo('veth', vethPeer('veth1')) }, create)),
        'setLink veth0 master br0': await outcome(async () => rt.setLink({ index: (await rt.getLink({}, { ifname: 'veth0' }))[0]!.data.index }, { master: 2 })),
        'getLink veth0 enslaved': await outcome(() => rt.getLink({}, { ifname: 'veth0' })),
        'delLink br0': await outcome(() => rt.delLink({}, { ifname: 'br0' })),
        'link names after delLink': await outcome(async () => names(await rt.getLinks())),
        'getLink veth0 released': await outcome(() => rt.getLink({}, { ifname: 'veth0' })),
      };
    } finally {
      rt.socket.close();
    }
  },

  async 'newAddress and delAddress with RTNLGRP_IPV4_IFADDR notifications'(nl) {
    const rt = nl.createRtNetlink();
    const mon = monitor(nl, ['IPV4_IFADDR']);
    const ip = Buffer.from([10, 0, 0, 1]);
    const addr = { family: 2, prefixlen: 8, index: 1 };
    try {
      const res: Record<string, Outcome> = {
        newAddress: await outcome(() => rt.newAddress(addr, { local: ip, address: ip }, { flags: NLM_F_CREATE | NLM_F_EXCL })),
        'getAddresses after new': await outcome(() => rt.getAddresses({ family: 2 })),
        'newAddress again': await outcome(() => rt.newAddress(addr, { local: ip, address: ip }, { flags: NLM_F_CREATE | NLM_F_EXCL })),
        delAddress: await outcome(() => rt.delAddress(addr, { local: ip, address: ip })),
        'getAddresses after del': await outcome(() => rt.getAddresses({ family: 2 })),
        'delAddress missing': await outcome(() => rt.delAddress(addr, { local: ip, address: ip })),
      };
      res.notifications = await outcome(() => mon.drain());
      return res;
    } finally {
      rt.socket.close();
      mon.close();
    }
  },

  async 'newRoute, getRoutes and delRoute with RTNLGRP_IPV4_ROUTE notifications'(nl) {
    const rt = nl.createRtNetlink();
    const mon = monitor(nl, ['IPV4_ROUTE']);
    const ip = (...b: number[]) => Buffer.from(b);
    const create = { flags: NLM_F_CREATE | NLM_F_EXCL };
    // rtmsg: AF_INET, table main, protocol boot, scope universe, unicast.
    const route = { family: 2, dstLen: 16, table: 254, protocol: 3, scope: 0, type: 1 } as Netlink.rt.Route;
    try {
      const res: Record<string, Outcome> = {
        'setLink lo up': await outcome(() => rt.setLink({ index: 1, flags: { up: true }, change: { up: true } })),
        'newAddress 10.0.0.1/24': await outcome(() =>
          rt.newAddress({ family: 2, prefixlen: 24, index: 1 }, { local: ip(10, 0, 0, 1), address: ip(10, 0, 0, 1) }, create),
        ),
        'newRoute 10.1.0.0/16 via 10.0.0.254': await outcome(() => rt.newRoute(route, { dst: ip(10, 1, 0, 0), gateway: ip(10, 0, 0, 254) }, create)),
        'newRoute again': await outcome(() => rt.newRoute(route, { dst: ip(10, 1, 0, 0), gateway: ip(10, 0, 0, 254) }, create)),
        'newRoute unreachable gateway': await outcome(() => rt.newRoute(route, { dst: ip(10, 2, 0, 0), gateway: ip(192, 168, 9, 9) }, create)),
        'getRoutes IPv4': await outcome(() => rt.getRoutes({ family: 2 })),
        'getRoute 10.1.2.3': await outcome(() => rt.getRoute({ family: 2, dstLen: 32 } as Netlink.rt.Route, { dst: ip(10, 1, 2, 3) })),
        delRoute: await outcome(() => rt.delRoute(route, { dst: ip(10, 1, 0, 0), gateway: ip(10, 0, 0, 254) })),
        'delRoute missing': await outcome(() => rt.delRoute(route, { dst: ip(10, 1, 0, 0), gateway: ip(10, 0, 0, 254) })),
      };
      res.notifications = await outcome(() => mon.drain());
      return res;
    } finally {
      rt.socket.close();
      mon.close();
    }
  },

  async 'getRoute through a gateway on a veth and on lo'(nl) {
    const rt = nl.createRtNetlink();
    const ip = (...b: number[]) => Buffer.from(b);
    const create = { flags: NLM_F_CREATE | NLM_F_EXCL };
    const route = { family: 2, dstLen: 16, table: 254, protocol: 3, scope: 0, type: 1 } as Netlink.rt.Route;
    const up = { flags: { up: true as const }, change: { up: true as const } };
    const getRoute = (...dst: number[]) => rt.getRoute({ family: 2, dstLen: 32 } as Netlink.rt.Route, { dst: ip(...dst) });
    try {
      return {
        'newLink veth0/veth1': await outcome(() => rt.newLink({}, { ifname: 'veth0', linkinfo: linkinfo('veth', vethPeer('veth1')) }, create)),
        'veth1, veth0, lo up': await outcome(async () => {
          for (const index of [2, 3, 1]) await rt.setLink({ index, ...up });
        }),
        'addresses on veth0 and lo': await outcome(async () => {
          await rt.newAddress({ family: 2, prefixlen: 24, index: 3 }, { local: ip(10, 9, 0, 1), address: ip(10, 9, 0, 1) }, create);
          await rt.newAddress({ family: 2, prefixlen: 24, index: 1 }, { local: ip(10, 5, 0, 1), address: ip(10, 5, 0, 1) }, create);
        }),
        'routes via 10.9.0.254 and 10.5.0.254': await outcome(async () => {
          await rt.newRoute(route, { dst: ip(10, 8, 0, 0), gateway: ip(10, 9, 0, 254) }, create);
          await rt.newRoute(route, { dst: ip(10, 6, 0, 0), gateway: ip(10, 5, 0, 254) }, create);
        }),
        'getRoute via the veth gateway': await outcome(() => getRoute(10, 8, 1, 1)),
        'getRoute via the lo gateway': await outcome(() => getRoute(10, 6, 1, 1)),
      };
    } finally {
      rt.socket.close();
    }
  },

  async 'raw sockets: binding errors, options, truncation'(nl) {
    const NETLINK_ROUTE = 0;
    const a = new nl.RawNetlinkSocket(NETLINK_ROUTE, { localPort: 4242 } as Netlink.RawNetlinkSocketOptions);
    const small = new nl.RawNetlinkSocket(NETLINK_ROUTE, { messagePeeking: false, msgBufferSize: 64 } as Netlink.RawNetlinkSocketOptions);
    try {
      return {
        'bind to a port in use': await failure(() => new nl.RawNetlinkSocket(NETLINK_ROUTE, { localPort: 4242 } as Netlink.RawNetlinkSocketOptions)),
        'socket of protocol 32': await failure(() => new nl.RawNetlinkSocket(32)),
        'socket of NETLINK_USERSOCK': await failure(() => new nl.RawNetlinkSocket(2).close()),
        address: await failure(() => a.address()),
        'addMembership 0': await failure(() => a.addMembership(0)),
        'addMembership 99': await failure(() => a.addMembership(99)),
        'dropMembership 1 (not a member)': await failure(() => a.dropMembership(1)),
        'recv buffer 1000': await failure(() => {
          a.setRecvBufferSize(1000);
          return a.getRecvBufferSize();
        }),
        'recv buffer 0 means 32768': await failure(() => {
          a.setRecvBufferSize(0);
          return a.getRecvBufferSize();
        }),
        'send buffer default': await failure(() => a.getSendBufferSize()),
        'send to a missing port': await failure(() => sendResult(a, getlinkRequest(1, 4242), 777)),
        'send to the kernel': await failure(() => sendResult(a, getlinkRequest(1, 4242), 0)),
        'reply read with peeking': await failure(() => nextMessage(a)),
        'reply read into 64 bytes': await failure(() => {
          const got = nextMessage(small);
          small.send(getlinkRequest(1, small.address().port));
          return got;
        }),
        'address after close': await failure(() => {
          const s = new nl.RawNetlinkSocket(NETLINK_ROUTE);
          s.close();
          s.close(); // closing twice is allowed
          return s.address();
        }),
      };
    } finally {
      a.close();
      small.close();
    }
  },

  async 'generic netlink family lookup'(nl) {
    const gn = nl.createGenericNetlink();
    const { Commands } = nl.genl;
    try {
      return {
        'GET_FAMILY nlctrl': await outcome(() => gn.ctrlRequest(Commands.GET_FAMILY, { familyName: 'nlctrl' }, { flags: 0 })),
        'GET_FAMILY by id 16': await outcome(() => gn.ctrlRequest(Commands.GET_FAMILY, { familyId: 16 }, { flags: 0 })),
        'GET_FAMILY missing': await outcome(() => gn.ctrlRequest(Commands.GET_FAMILY, { familyName: 'nosuchfamily' }, { flags: 0 })),
      };
    } finally {
      gn.socket.close();
    }
  },
};
