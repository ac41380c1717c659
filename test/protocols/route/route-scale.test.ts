/**
 * Many routes: 10 000 blackhole routes added out of order are held and dumped in fib_trie
 * order, lazily (the dump produces chunks as the receiver reads), and stay cheap to hold.
 */
import { expect, it } from 'vitest';
import { encodeRtMsg } from '../../../protocols/route/core/rtmsg.js';
import { RTM } from '../../../protocols/route/core/uapi.js';
import { NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { describeSim } from '../../helpers/backends.js';
import { attr, concat, request } from '../../helpers/exchange.js';
import { routeSocket, useRoute } from './route-backend.js';

const N = 10000;

describeSim('10 000 blackhole routes', (b) => {
  useRoute(b);
  it('are dumped in key order whatever the insertion order, one chunk per read', () => {
    const s = routeSocket(b);
    for (let i = 0; i < N; i++) {
      // A permutation of 0..N-1 (7919 is prime and coprime with N).
      const k = (i * 7919) % N;
      const payload = concat(encodeRtMsg({ family: 2, dstLen: 32, table: 254, protocol: 4, type: 6 }), attr(1, Uint8Array.of(10, 0, k >> 8, k & 255)));
      s.sendto(request(RTM.RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, payload, i), { pid: 0, groups: 0 });
    }
    s.sendto(request(RTM.RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, encodeRtMsg({ family: 2 }), 1), { pid: 0, groups: 0 });
    const keys: number[] = [];
    let done = false;
    let reads = 0;
    while (!done) {
      const data = s.recvmsg({ bufferSize: 32768 }).data;
      reads++;
      for (const m of decodeMessages(data)) {
        if (m.header.type === 3) done = true;
        else keys.push((m.payload[m.payload.length - 2]! << 8) | m.payload[m.payload.length - 1]!);
      }
    }
    expect(keys).toEqual(Array.from({ length: N }, (_, i) => i));
    // One chunk per read (about 32 KiB of 44-byte messages): produced as the reader drains.
    expect(reads).toBeGreaterThan(10);
  });
});
