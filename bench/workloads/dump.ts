/**
 * Large rtnetlink dumps: RTM_GETROUTE over N blackhole routes and RTM_GETLINK over N links.
 * The state is built through netlink itself (RTM_NEWROUTE, RTM_NEWLINK kind "veth": the
 * test machines' kernel has no dummy driver, and veth pairs are what containers make), so
 * one setup works on both kernels; a simulator whose route model cannot create that state
 * yet answers the first request with an error, and the workload reports "not measurable
 * yet" with that error instead of dumping something else.
 *
 * A step is one whole dump, received with iproute2's 32 KiB buffer; it counts the
 * RTM_NEWROUTE/RTM_NEWLINK messages and checks there are exactly N before NLMSG_DONE.
 */
import { IFLA, RTEXT_FILTER, RTM } from '../../protocols/route/core/uapi.js';
import { errnoName } from '../../sim/uapi/errno.js';
import type { NetlinkSocket } from '../../sim/socket-api.js';
import { NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { AttrWriter } from '../../sim/wire/attr-writer.js';
import { encodeMessage, readU16, readU32, writeU32 } from '../../sim/wire/header.js';
import { type BenchBackend, NotMeasurable, sampleHeap, type Workload } from '../harness.js';
import { check } from './common.js';

/** linux/rtnetlink.h and if_link.h values the setup needs (not yet in protocols/route/uapi.ts). */
const AF_INET = 2;
const RT_TABLE_MAIN = 254;
const RTPROT_STATIC = 4;
const RT_SCOPE_UNIVERSE = 0;
const RTN_BLACKHOLE = 6;
const RTA_DST = 1;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const VETH_INFO_PEER = 1;

/** Requests per datagram while building state: their ACKs (832 B truesize each) fit the default rcvbuf. */
const SETUP_BATCH = 200;
const RECV_BUFFER = 32768;

/**
 * applyAll sends `messages` (each asking for an ACK) in datagrams of SETUP_BATCH, and checks
 * that every ACK is 0. The first refusal throws NotMeasurable on the simulator (its model
 * lacks the feature) and a plain error on the kernel.
 */
function applyAll(backend: BenchBackend, sock: NetlinkSocket, messages: Uint8Array[], what: string): void {
  for (let i = 0; i < messages.length; i += SETUP_BATCH) {
    const batch = messages.slice(i, i + SETUP_BATCH);
    const datagram = new Uint8Array(batch.reduce((n, m) => n + m.length, 0));
    let off = 0;
    for (const m of batch) {
      datagram.set(m, off);
      off += m.length;
    }
    sock.send(datagram);
    for (let acked = 0; acked < batch.length; ) {
      const data = sock.recvmsg({ bufferSize: RECV_BUFFER }).data;
      for (let o = 0; o + 16 <= data.length; o += (readU32(data, o) + 3) & ~3) {
        check(readU16(data, o + 4) === NLMSG_ERROR, () => `${what}: expected an ACK, got type ${readU16(data, o + 4)}`);
        const err = readU32(data, o + 16) | 0;
        if (err !== 0) {
          const text = `${what} refused with ${errnoName(err) ?? err}`;
          if (backend.name === 'sim') throw new NotMeasurable(`the simulator's route model: ${text}`);
          throw new Error(`${backend.name}: ${text}`);
        }
        acked++;
      }
    }
  }
}

/**
 * dumpCount sends `request` (its seq bumped) and receives the whole dump, returning how many
 * messages of `type` it carried. Throws on NLMSG_ERROR, a DONE with an error, or a
 * message of another request.
 */
function dumpCount(sock: NetlinkSocket, request: Uint8Array, type: number): number {
  const seq = (readU32(request, 8) + 1) >>> 0;
  writeU32(request, 8, seq);
  sock.send(request);
  let count = 0;
  let datagrams = 0;
  for (;;) {
    const data = sock.recvmsg({ bufferSize: RECV_BUFFER }).data;
    // Long dumps: let the harness see the heap while the dump runs, not only after it.
    if ((++datagrams & 15) === 0) sampleHeap();
    for (let o = 0; o + 16 <= data.length; ) {
      const len = readU32(data, o);
      const t = readU16(data, o + 4);
      check(readU32(data, o + 8) === seq, () => `a message of seq ${readU32(data, o + 8)} in the dump of seq ${seq}`);
      if (t === NLMSG_DONE) {
        const err = readU32(data, o + 16) | 0;
        check(err === 0, () => `NLMSG_DONE with ${errnoName(err) ?? err}`);
        return count;
      }
      check(t !== NLMSG_ERROR, () => `NLMSG_ERROR ${readU32(data, o + 16) | 0} instead of a dump`);
      if (t === type) count++;
      o += (len + 3) & ~3;
    }
  }
}

/** blackhole builds RTM_NEWROUTE "blackhole 10.x.y.z/32" for route `i` (i < 2^24). */
function blackhole(i: number): Uint8Array {
  const w = new AttrWriter({ initialSize: 32 });
  // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags (u32).
  w.raw(Uint8Array.of(AF_INET, 32, 0, 0, RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_BLACKHOLE, 0, 0, 0, 0));
  w.bytes(RTA_DST, Uint8Array.of(10, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff));
  return encodeMessage({ type: RTM.RTM_NEWROUTE, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq: i + 1, pid: 0 }, w.finish());
}

/** vethPair builds RTM_NEWLINK "name type veth peer name peer". */
function vethPair(name: string, peer: string, seq: number): Uint8Array {
  const w = new AttrWriter({ initialSize: 96 });
  w.raw(new Uint8Array(16)); // struct ifinfomsg, all zero
  w.string(IFLA.IFLA_IFNAME, name);
  w.nested(IFLA.IFLA_LINKINFO, (info) => {
    info.string(IFLA_INFO_KIND, 'veth');
    info.nested(IFLA_INFO_DATA, (data) => {
      // VETH_INFO_PEER: the peer's struct ifinfomsg, then its IFLA attributes.
      data.nested(VETH_INFO_PEER, (p) => {
        p.raw(new Uint8Array(16));
        p.string(IFLA.IFLA_IFNAME, peer);
      });
    });
  });
  return encodeMessage({ type: RTM.RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, pid: 0 }, w.finish());
}

/** routeDumpWorkload dumps `routes` IPv4 blackhole routes of the main table. */
export function routeDumpWorkload(label: string, routes: number): Workload {
  return {
    name: `RTM_GETROUTE dump, ${label} routes`,
    unit: 'msgs/s',
    heap: true,
    target: routes >= 100_000 ? '≥ 1 M msgs/s, heap < 50 MB' : undefined,
    prepare(backend, scale) {
      const n = scale === 'tiny' ? 5 : routes;
      const sock = backend.sockets.socket(SOCK_RAW, NETLINK_ROUTE);
      try {
        sock.bind({ pid: 0, groups: 0 });
        applyAll(backend, sock, Array.from({ length: n }, (_, i) => blackhole(i)), 'RTM_NEWROUTE blackhole');
      } catch (e) {
        sock.close();
        throw e;
      }
      // struct rtmsg with rtm_family AF_INET, as `ip route show table all` without filters.
      const request = encodeMessage({ type: RTM.RTM_GETROUTE, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 0, pid: 0 }, Uint8Array.of(AF_INET, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
      return {
        step() {
          const got = dumpCount(sock, request, RTM.RTM_NEWROUTE);
          check(got === n, () => `the dump carried ${got} routes, expected ${n}`);
          return got;
        },
        close: () => sock.close(),
      };
    },
  };
}

/** linkDumpWorkload dumps lo plus `pairs` veth pairs: 1 + 2 × pairs links. */
export function linkDumpWorkload(pairs: number): Workload {
  const links = 1 + 2 * pairs;
  return {
    name: `RTM_GETLINK dump, ${links} links (lo + ${pairs} veth pairs)`,
    unit: 'msgs/s',
    heap: true,
    prepare(backend, scale) {
      const p = scale === 'tiny' ? 2 : pairs;
      const n = 1 + 2 * p;
      const sock = backend.sockets.socket(SOCK_RAW, NETLINK_ROUTE);
      try {
        sock.bind({ pid: 0, groups: 0 });
        applyAll(backend, sock, Array.from({ length: p }, (_, i) => vethPair(`va${i}`, `vb${i}`, i + 1)), 'RTM_NEWLINK type veth');
      } catch (e) {
        sock.close();
        throw e;
      }
      // What `ip link show` asks: ifinfomsg plus IFLA_EXT_MASK VF|SKIP_STATS.
      const w = new AttrWriter();
      w.raw(new Uint8Array(16));
      w.u32(IFLA.IFLA_EXT_MASK, RTEXT_FILTER.RTEXT_FILTER_VF | RTEXT_FILTER.RTEXT_FILTER_SKIP_STATS);
      const request = encodeMessage({ type: RTM.RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 0, pid: 0 }, w.finish());
      return {
        step() {
          const got = dumpCount(sock, request, RTM.RTM_NEWLINK);
          check(got === n, () => `the dump carried ${got} links, expected ${n}`);
          return got;
        },
        close: () => sock.close(),
      };
    },
  };
}
