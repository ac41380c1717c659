import { expect, it } from 'vitest';
import { IFLA, RTEXT_FILTER, RTM_GETLINK, RTM_NEWLINK } from '../../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_DONE } from '../../../sim/uapi/netlink.js';
import { describeBackends } from '../../helpers/backends.js';
import { attrString, attrU32, attr, exchange, request } from '../../helpers/exchange.js';
import { CACHEINFO_OFFSET, LO_DOWN_FULL, LO_DOWN_VF_SKIP_STATS } from './lo-golden.js';
import { hex, ifinfo, routeSocket, useRoute } from './route-backend.js';

const GET = NLM_F_REQUEST;
const DUMP = NLM_F_REQUEST | NLM_F_DUMP;
const VF_SKIP_STATS = RTEXT_FILTER.RTEXT_FILTER_VF | RTEXT_FILTER.RTEXT_FILTER_SKIP_STATS;

/** masked returns a message's body as hex, with IFLA_INET6_CACHEINFO's tstamp and reachable_time zeroed. */
function masked(message: Uint8Array): string {
  const copy = message.slice();
  copy.fill(0, CACHEINFO_OFFSET, CACHEINFO_OFFSET + 8);
  return hex(copy.subarray(16));
}

function golden(h: string): string {
  const b = Buffer.from(h, 'hex');
  b.fill(0, CACHEINFO_OFFSET - 16, CACHEINFO_OFFSET - 16 + 8);
  return b.toString('hex');
}

describeBackends('RTM_GETLINK on a fresh namespace', (b) => {
  useRoute(b);

  it('answers a doit for ifindex 1 with lo, byte for byte as Linux 6.18', () => {
    const s = routeSocket(b);
    const x = exchange(s, request(RTM_GETLINK, GET, ifinfo({ index: 1 }), 7));
    expect(x.datagrams).toHaveLength(1);
    const [m] = x.messages;
    expect(m!.header).toEqual({ len: 1468, type: RTM_NEWLINK, flags: 0, seq: 7, pid: s.getsockname().pid });
    expect(masked(m!.bytes)).toBe(golden(LO_DOWN_FULL));
  });

  it('honours IFLA_EXT_MASK = VF|SKIP_STATS (iproute2): no IPv6 statistics, 1100 bytes', () => {
    const s = routeSocket(b);
    const x = exchange(s, request(RTM_GETLINK, GET, ifinfo({ index: 1 }, attrU32(IFLA.IFLA_EXT_MASK, VF_SKIP_STATS))));
    expect(x.messages[0]!.header.len).toBe(1100);
    expect(masked(x.messages[0]!.bytes)).toBe(golden(LO_DOWN_VF_SKIP_STATS));
  });

  it.each([
    ['IFLA_IFNAME "lo"', ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'lo'))],
    ['IFLA_ALT_IFNAME "lo" (primary names match too)', ifinfo({}, attrString(IFLA.IFLA_ALT_IFNAME, 'lo'))],
    ['ifindex 1 with a wrong name (the index wins)', ifinfo({ index: 1 }, attrString(IFLA.IFLA_IFNAME, 'nope'))],
    ['family AF_INET in the header', ifinfo({ family: 2, index: 1 })],
    ['an unknown attribute without strict checking', ifinfo({ index: 1 }, attrU32(99, 1))],
  ])('finds lo by %s', (_n, payload) => {
    const x = exchange(routeSocket(b), request(RTM_GETLINK, GET, payload));
    expect(x.messages.map((m) => [m.header.type, m.header.len])).toEqual([[RTM_NEWLINK, 1468]]);
  });

  it.each([
    ['a 1-byte payload', new Uint8Array([0]), -22, 'Invalid header for get link', 40],
    ['ifindex 0 and no name', ifinfo({}), -22, undefined, 52],
    ['an unknown ifindex', ifinfo({ index: 99 }), -19, undefined, 52],
    ['an unknown name', ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'nope')), -19, undefined, 64],
    ['ifindex 5 with the name "lo" (the index wins)', ifinfo({ index: 5 }, attrString(IFLA.IFLA_IFNAME, 'lo')), -19, undefined, 60],
  ])('refuses %s', (_n, payload, error, message, len) => {
    const s = routeSocket(b, { extAck: true });
    const x = exchange(s, request(RTM_GETLINK, GET, payload));
    expect(x.error?.error).toBe(error);
    expect(x.error?.extack.message).toBe(message);
    expect(x.messages[0]!.header.len).toBe(len + (message ? 32 : 0));
  });

  it('reports an IFLA_IFNAME longer than 15 bytes as ERANGE with offset and policy', () => {
    const s = routeSocket(b, { extAck: true });
    const x = exchange(s, request(RTM_GETLINK, GET, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x'.repeat(20)))));
    expect(x.error?.error).toBe(-34);
    expect(x.error?.extack.message).toBe('Attribute failed policy validation');
    expect(x.error?.extack.offset).toBe(32);
    expect(hex(x.error!.extack.policy!)).toBe('080007000f000000080001000b000000');
    expect(x.messages[0]!.header.len).toBe(148);
  });

  it.each([
    ['ifi_flags', ifinfo({ index: 1, flags: 1 }), 'Invalid values in header for get link request', undefined],
    ['ifi_type', ifinfo({ index: 1, type: 1 }), 'Invalid values in header for get link request', undefined],
    ['ifi_change', ifinfo({ index: 1, change: 1 }), 'Invalid values in header for get link request', undefined],
    ['an unknown attribute', ifinfo({ index: 1 }, attrU32(99, 1)), 'Unknown attribute type', 32],
    ['IFLA_MTU', ifinfo({ index: 1 }, attrU32(IFLA.IFLA_MTU, 1)), 'Unsupported attribute in get link request', undefined],
    ['a 1-byte payload', new Uint8Array([0]), 'Invalid header for get link', undefined],
  ])('with NETLINK_GET_STRICT_CHK refuses %s: EINVAL with the kernel text', (_n, payload, message, offset) => {
    const s = routeSocket(b, { extAck: true, strict: true });
    const x = exchange(s, request(RTM_GETLINK, GET, payload));
    expect(x.error?.error).toBe(-22);
    expect(x.error?.extack.message).toBe(message);
    expect(x.error?.extack.offset).toBe(offset);
  });

  it('ignores ifi_family in a strict doit', () => {
    const s = routeSocket(b, { strict: true });
    const x = exchange(s, request(RTM_GETLINK, GET, ifinfo({ index: 1, family: 2 })));
    expect(x.messages[0]!.header.type).toBe(RTM_NEWLINK);
  });
});

describeBackends('RTM_GETLINK dumps', (b) => {
  useRoute(b);

  it('sends lo in the first chunk and NLMSG_DONE alone in the next datagram', () => {
    const s = routeSocket(b);
    const x = exchange(s, request(RTM_GETLINK, DUMP | NLM_F_ACK, ifinfo({}), 3));
    expect(x.datagrams.map((d) => d.data.length)).toEqual([1468, 20]);
    const [lo, done] = x.messages;
    expect(lo!.header).toEqual({ len: 1468, type: RTM_NEWLINK, flags: NLM_F_MULTI, seq: 3, pid: s.getsockname().pid });
    expect(masked(lo!.bytes)).toBe(golden(LO_DOWN_FULL));
    expect(done!.header).toEqual({ len: 20, type: NLMSG_DONE, flags: NLM_F_MULTI, seq: 3, pid: s.getsockname().pid });
    expect(x.done?.error).toBe(0);
  });

  it.each([
    ['NLM_F_ROOT alone', 0x100, ifinfo({})],
    ['NLM_F_MATCH alone', 0x200, ifinfo({})],
    ['a legacy 1-byte rtgenmsg', NLM_F_DUMP, new Uint8Array([0])],
    ['family AF_INET (falls back to PF_UNSPEC)', NLM_F_DUMP, ifinfo({ family: 2 })],
    ['IFLA_IFNAME, ignored without strict checking', NLM_F_DUMP, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'lo'))],
    ['a bad attribute, ignored without strict checking', NLM_F_DUMP, ifinfo({}, attr(IFLA.IFLA_MTU, new Uint8Array(1)))],
  ])('dumps with %s', (_n, flags, payload) => {
    const x = exchange(routeSocket(b), request(RTM_GETLINK, NLM_F_REQUEST | flags, payload));
    expect(x.messages.map((m) => [m.header.type, m.header.len])).toEqual([[RTM_NEWLINK, 1468], [NLMSG_DONE, 20]]);
  });

  it('applies IFLA_EXT_MASK in a strict dump', () => {
    const s = routeSocket(b, { strict: true });
    const x = exchange(s, request(RTM_GETLINK, DUMP, ifinfo({}, attrU32(IFLA.IFLA_EXT_MASK, VF_SKIP_STATS))));
    expect(masked(x.messages[0]!.bytes)).toBe(golden(LO_DOWN_VF_SKIP_STATS));
  });

  it('ignores an empty request (nlmsg_len 16): no reply at all', () => {
    const x = exchange(routeSocket(b), request(RTM_GETLINK, NLM_F_REQUEST | 0x100));
    expect(x.datagrams).toEqual([]);
  });

  it.each([
    ['a 1-byte payload', new Uint8Array([0]), 'Invalid header for link dump', undefined, 56],
    ['ifi_flags', ifinfo({ flags: 1 }), 'Invalid values in header for link dump request', undefined, 72],
    ['an ifindex', ifinfo({ index: 1 }), 'Filter by device index not supported for link dumps', undefined, 76],
    ['an unknown attribute', ifinfo({}, attrU32(99, 1)), 'Unknown attribute type', 32, 56],
    ['IFLA_MTU', ifinfo({}, attrU32(IFLA.IFLA_MTU, 1)), 'Unsupported attribute in link dump request', undefined, 68],
    ['IFLA_IFNAME', ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'lo')), 'Unsupported attribute in link dump request', undefined, 68],
  ])('with strict checking ends at once with DONE −EINVAL for %s', (_n, payload, message, offset, len) => {
    const s = routeSocket(b, { extAck: true, strict: true });
    const x = exchange(s, request(RTM_GETLINK, DUMP, payload));
    expect(x.datagrams.map((d) => d.data.length)).toEqual([len]);
    expect(x.messages[0]!.header.flags).toBe(0x202);
    expect(x.done?.error).toBe(-22);
    expect(x.done?.extack.message).toBe(message);
    expect(x.done?.extack.offset).toBe(offset);
  });

  it('refuses a second dump on the same socket with EBUSY while DONE is pending', () => {
    const s = routeSocket(b);
    s.sendto(request(RTM_GETLINK, DUMP, ifinfo({}), 1), { pid: 0, groups: 0 });
    const second = exchange(s, request(RTM_GETLINK, DUMP, ifinfo({}), 2));
    // The first chunk, then the EBUSY error (which ends the exchange); DONE of dump 1 still pending.
    expect(second.messages.map((m) => [m.header.type, m.header.seq])).toEqual([[RTM_NEWLINK, 1], [2, 2]]);
    expect(second.error?.error).toBe(-16);
    // Dequeuing the error let the first dump run again: its DONE was queued then, before this reply.
    const rest = exchange(s, request(RTM_GETLINK, GET, ifinfo({ index: 1 }), 3));
    expect(rest.messages.map((m) => [m.header.type, m.header.seq])).toEqual([[NLMSG_DONE, 1], [RTM_NEWLINK, 3]]);
  });
});
