/**
 * A doit whose reply does not fit the requester's receive buffer fails with that error
 * (rtnl_unicast() returns -EAGAIN to netlink_rcv_skb()), so an error ACK follows and is
 * dropped too: two drops, not one. Found by the differential sequences (SO_MEMINFO).
 */
import { expect, it } from 'vitest';
import { encodeIfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';
import { RTM } from '../../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_REQUEST, SO, SOL_SOCKET } from '../../../sim/uapi/netlink.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { describeBackends } from '../../helpers/backends.js';
import { concat, request } from '../../helpers/exchange.js';
import { routeSocket, useRoute } from './route-backend.js';

/** SK_MEMINFO_DROPS: the index of the drop counter in SO_MEMINFO. */
const SK_MEMINFO_DROPS = 8;

describeBackends('doit replies that overrun the requester', (b) => {
  useRoute(b);
  it('RTM_GETLINK of lo: the lost reply fails the request, whose error ACK is lost too', () => {
    const s = routeSocket(b);
    s.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, 0);
    // First a bare ACK (a non-request with NLM_F_ACK) that takes the small queue's room.
    s.sendto(concat(request(0x20, NLM_F_ACK, new Uint8Array(0), 1), request(RTM.RTM_GETLINK, NLM_F_REQUEST, encodeIfInfoMsg({ index: 1 }), 2)), { pid: 0, groups: 0 });
    const got: string[] = [];
    for (;;) {
      try {
        got.push(`type ${s.recvmsg({ bufferSize: 65536 }).data[4]}`);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EAGAIN') break;
        got.push(code ?? 'error');
      }
    }
    expect(got).toEqual(['ENOBUFS', 'type 2']);
    const drops = viewOf(s.getsockopt(SOL_SOCKET, SO.SO_MEMINFO, 36)).getUint32(SK_MEMINFO_DROPS * 4, HOST_LE);
    expect(drops).toBe(2);
  });
});
