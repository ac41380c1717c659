/**
 * What a dead namespace leaves behind in the real kernel, swept from a fresh one.
 *
 * Linux (6.18 here, probed) never frees a proxy neighbour entry that has no device
 * (`ip neigh add proxy 10.0.0.2`, pneigh_lookup() with dev NULL) when its namespace dies:
 * pneigh_ifdown_and_unlock() runs per device, and the entry stays in the table, tagged with
 * the address of the dead `struct net`. A later namespace that the allocator places at the
 * same address sees the entry as its own in RTM_GETNEIGH NTF_PROXY dumps (pneigh_net() == net).
 * So an entry like that in a namespace nobody has touched yet is such a leak by definition:
 * deleting it there (pneigh_delete() matches on the same net) makes the namespace as fresh as
 * it claims to be, and frees the entry for good. Only IPv4 has such entries: IPv6's
 * pndisc_constructor() refuses one without a device (ENOBUFS from pneigh_create()).
 */
import { AF_INET, RTM } from '../protocols/route/core/uapi.js';
import type { SocketFactory } from '../sim/socket-api.js';
import { MSG_DONTWAIT, NETLINK_ROUTE, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, SOCK_RAW } from '../sim/uapi/netlink.js';
import { parseAttrs } from '../sim/wire/attr-reader.js';
import { AttrWriter } from '../sim/wire/attr-writer.js';
import { encodeMessage, HOST_LE } from '../sim/wire/header.js';
import { decodeMessages } from '../sim/wire/messages.js';

/** NTF_PROXY (linux/neighbour.h) and NDA_DST. */
const NTF_PROXY = 0x08;
const NDA_DST = 1;
const NDMSG_LEN = 12;

/** ndmsg builds a struct ndmsg: family, ifindex, flags (state and type 0). */
function ndmsg(family: number, flags: number): Uint8Array {
  const h = new Uint8Array(NDMSG_LEN);
  h[0] = family;
  h[10] = flags;
  return h;
}

/**
 * sweepLeakedProxyNeighbours deletes every device-less proxy entry that a fresh namespace
 * shows and returns how many it deleted.
 */
export function sweepLeakedProxyNeighbours(ns: SocketFactory): number {
  const s = ns.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    s.send(encodeMessage({ type: RTM.RTM_GETNEIGH, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 1, pid: 0 }, ndmsg(AF_INET, NTF_PROXY)));
    const leaked: Uint8Array[] = [];
    for (let done = false; !done; ) {
      // rtnetlink fills every dump skb inside sendmsg()/recvmsg(): a non-blocking read never waits.
      for (const m of decodeMessages(s.recvmsg({ bufferSize: 1 << 16, flags: MSG_DONTWAIT }).data)) {
        if (m.header.type === NLMSG_DONE || m.header.type === NLMSG_ERROR) done = true;
        else if (m.header.type === RTM.RTM_NEWNEIGH && m.payload.length >= NDMSG_LEN) {
          const ifindex = new DataView(m.payload.buffer, m.payload.byteOffset).getInt32(4, HOST_LE);
          const dst = parseAttrs(m.payload, NDMSG_LEN).get(NDA_DST);
          if (ifindex === 0 && dst) leaked.push(dst.slice());
        }
      }
    }
    for (const dst of leaked) {
      const w = new AttrWriter();
      w.raw(ndmsg(AF_INET, NTF_PROXY));
      w.bytes(NDA_DST, dst);
      s.send(encodeMessage({ type: RTM.RTM_DELNEIGH, flags: NLM_F_REQUEST | NLM_F_ACK, seq: 2, pid: 0 }, w.finish()));
      s.recvmsg({ bufferSize: 1 << 12, flags: MSG_DONTWAIT }); // its ACK
    }
    return leaked.length;
  } finally {
    s.close();
  }
}
