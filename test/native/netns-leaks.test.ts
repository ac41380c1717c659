/**
 * The sweep of what dead namespaces leak into fresh ones (native/netns-leaks.ts): Linux keeps
 * a device-less proxy neighbour entry after its namespace dies, and a later namespace at the
 * same address sees it. Whether a new namespace reuses the address is the allocator's choice,
 * so the test puts device-less entries into a namespace itself and sweeps that namespace.
 */
import { expect, it } from 'vitest';
import { sweepLeakedProxyNeighbours } from '../../native/netns-leaks.js';
import { RTM } from '../../protocols/route/core/uapi.js';
import { describeKernel } from '../helpers/backends.js';
import { attr, concat } from '../helpers/exchange.js';
import { NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_ERROR, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { decodeMessages } from '../../sim/wire/messages.js';

const ndm = (family: number, ifindex = 0) => concat(Uint8Array.of(family, 0, 0, 0), new Uint8Array(Int32Array.of(ifindex).buffer), Uint8Array.of(0x80, 0, 0x08, 0));

describeKernel('a fresh namespace without the proxy entries of dead ones', (openNamespace) => {
  it('sweepLeakedProxyNeighbours deletes the device-less proxy entries and nothing else', () => {
    const ns = openNamespace();
    const s = ns.socket(SOCK_RAW, NETLINK_ROUTE);
    try {
      const ask = (type: number, flags: number, payload: Uint8Array) => {
        s.send(encodeMessage({ type, flags: NLM_F_REQUEST | flags, seq: 1, pid: 0 }, payload));
        return decodeMessages(s.recvmsg({ bufferSize: 1 << 16 }).data);
      };
      const added = [
        ask(RTM.RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE, concat(ndm(2), attr(1, Uint8Array.of(10, 9, 0, 1)))),
        ask(RTM.RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE, concat(ndm(2), attr(1, Uint8Array.of(10, 9, 0, 3)))),
        // On lo: an entry with a device dies with it and is not a leak; the sweep keeps it.
        ask(RTM.RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE, concat(ndm(2, 1), attr(1, Uint8Array.of(10, 9, 0, 2)))),
      ];
      for (const [m] of added) expect([m!.header.type, new DataView(m!.payload.buffer, m!.payload.byteOffset).getInt32(0, true)]).toEqual([NLMSG_ERROR, 0]);

      expect(sweepLeakedProxyNeighbours(ns)).toBe(2);
      const left = ask(RTM.RTM_GETNEIGH, NLM_F_DUMP, ndm(0)).filter((m) => m.header.type === RTM.RTM_NEWNEIGH);
      expect(left.map((m) => [m.payload[0], new DataView(m.payload.buffer, m.payload.byteOffset).getInt32(4, true)])).toEqual([[2, 1]]);
      expect(sweepLeakedProxyNeighbours(ns)).toBe(0);
    } finally {
      s.close();
      ns.close();
    }
  });
});
