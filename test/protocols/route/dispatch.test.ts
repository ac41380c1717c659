import { expect, it } from 'vitest';
import { IFLA, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK } from '../../../protocols/route/core/uapi.js';
import { userCredentials } from '../../../sim/credentials.js';
import { NETLINK_ROUTE, NLM_F_ACK, NLM_F_CAPPED, NLM_F_REQUEST, NLMSG_ERROR, SOCK_RAW } from '../../../sim/uapi/netlink.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { describeBackends, describeSim } from '../../helpers/backends.js';
import { expectErrno } from '../../helpers/expect-errno.js';
import { attrU32, concat, exchange, receiveAll, request } from '../../helpers/exchange.js';
import { hex, ifinfo, routeSocket, useRoute } from './route-backend.js';

const REQ_ACK = NLM_F_REQUEST | NLM_F_ACK;

describeBackends('rtnetlink_rcv_msg() dispatch', (b) => {
  useRoute(b);

  it('refuses a type above RTM_MAX with EOPNOTSUPP, echoing the payload', () => {
    const s = routeSocket(b);
    const x = exchange(s, request(200, NLM_F_REQUEST, new TextEncoder().encode('xyz1'), 5));
    expect(x.messages[0]!.header).toMatchObject({ len: 40, type: NLMSG_ERROR, flags: 0 });
    expect(x.error?.error).toBe(-95);
    expect(hex(x.error!.requestPayload!)).toBe('78797a31');
  });

  it.each([124, 23, 31, 123])('answers type %i (no handler) with EOPNOTSUPP', (type) => {
    const x = exchange(routeSocket(b), request(type, NLM_F_REQUEST, ifinfo({})));
    expect(x.error?.error).toBe(-95);
  });

  it('ignores an empty RTM_SETLINK (nlmsg_len 16): nothing without NLM_F_ACK, a capped ACK with it', () => {
    const s = routeSocket(b);
    expect(exchange(s, request(RTM_SETLINK, NLM_F_REQUEST)).datagrams).toEqual([]);
    const x = exchange(s, request(RTM_SETLINK, REQ_ACK, undefined, 9));
    expect(x.messages[0]!.header).toMatchObject({ len: 36, type: NLMSG_ERROR, flags: NLM_F_CAPPED, seq: 9 });
    expect(x.error?.error).toBe(0);
  });

  it('ACKs a message without NLM_F_REQUEST only when it asks, without running it', () => {
    const s = routeSocket(b);
    expect(exchange(s, request(RTM_GETLINK, 0, ifinfo({ index: 1 }))).datagrams).toEqual([]);
    const x = exchange(s, request(RTM_GETLINK, NLM_F_ACK, ifinfo({ index: 1 })));
    expect(x.messages.map((m) => m.header.type)).toEqual([NLMSG_ERROR]);
    expect(x.error?.error).toBe(0);
  });

  it('stops a batch silently at a bad nlmsg_len: ACKs after it are never sent', () => {
    const s = routeSocket(b);
    const ack = (seq: number) => request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 1 }), seq);
    const bad = encodeMessage({ len: 8, type: RTM_SETLINK, flags: REQ_ACK, seq: 2, pid: 0 });
    s.sendto(concat(ack(1), bad, ack(3)), { pid: 0, groups: 0 });
    const got = receiveAll(s).flatMap((d) => d.messages.map((m) => m.header.seq));
    expect(got).toEqual([1]);
  });

  it('answers RTM_DELLINK with NLM_F_BULK with EOPNOTSUPP', () => {
    const x = exchange(routeSocket(b), request(RTM_DELLINK, NLM_F_REQUEST | 0x200, ifinfo({ index: 1 })));
    expect(x.error?.error).toBe(-95);
  });
});

describeSim('rtnetlink permissions of an unprivileged caller', (b) => {
  useRoute(b);
  const user = () => b.sim.socket(SOCK_RAW, NETLINK_ROUTE, { credentials: userCredentials() });

  it('refuses RTM_SETLINK with EPERM', () => {
    const s = user();
    const x = exchange(s, request(RTM_SETLINK, NLM_F_REQUEST, ifinfo({ index: 1 }, attrU32(IFLA.IFLA_MTU, 1500))));
    expect(x.error?.error).toBe(-1);
  });

  it('lets an empty RTM_SETLINK through before the permission check (no error)', () => {
    const s = user();
    expect(exchange(s, request(RTM_SETLINK, NLM_F_REQUEST)).datagrams).toEqual([]);
  });

  it('lets anyone GET and dump', () => {
    const s = user();
    expect(exchange(s, request(RTM_GETLINK, NLM_F_REQUEST, ifinfo({ index: 1 }))).messages[0]!.header.len).toBe(1468);
  });

  it('lets non-root join RTNLGRP_LINK but not groups 30 and 31', () => {
    const s = user();
    s.bind({ pid: 0, groups: 1 });
    expectErrno(() => user().bind({ pid: 0, groups: 1 << 29 }), 'EPERM');
    expectErrno(() => user().bind({ pid: 0, groups: 1 << 30 }), 'EPERM');
  });
});

describeSim('NETLINK_ROUTE at boot', (b) => {
  it('is built into createKernel(): registerRoute() returns the booted handle', async () => {
    const { registerRoute } = await import('../../../protocols/route/index.js');
    const first = registerRoute(b.sim);
    expect(registerRoute(b.sim, { seed: 7 })).toBe(first);
    expect(first.table.name).toBe('NETLINK_ROUTE');
    const x = exchange(b.sim.socket(SOCK_RAW, NETLINK_ROUTE), request(RTM_GETLINK, NLM_F_REQUEST, ifinfo({ index: 1 })));
    expect(x.messages[0]!.header.len).toBe(1468);
  });

  it('is left out with { route: false }', async () => {
    const { createKernel } = await import('../../../protocols/index.js');
    expectErrno(() => createKernel({ protocols: { route: false } }).socket(SOCK_RAW, NETLINK_ROUTE), 'EPROTONOSUPPORT');
  });
});
