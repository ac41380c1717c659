import { expect, it } from 'vitest';
import { IFF, IFLA, IFLA_INFO, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK, RTNLGRP_LINK, VETH_INFO_PEER } from '../../../protocols/route/core/uapi.js';
import type { NetlinkSocket } from '../../../sim/socket-api.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REQUEST, NLMSG_ERROR } from '../../../sim/uapi/netlink.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import type { NlMessage } from '../../../sim/wire/messages.js';
import { describeBackends } from '../../helpers/backends.js';
import { attr, attrString, attrU32, concat, exchange, receiveAll, request } from '../../helpers/exchange.js';
import { ifinfo, routeSocket, useRoute } from './route-backend.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const REQ_ACK = NLM_F_REQUEST | NLM_F_ACK;
const linkinfo = (kind: string, ...data: Uint8Array[]) =>
  attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, kind), ...(data.length ? [attr(IFLA_INFO.IFLA_INFO_DATA, concat(...data))] : [])));
const vethPair = (a: string, b: string) =>
  ifinfo({}, attrString(IFLA.IFLA_IFNAME, a), linkinfo('veth', attr(VETH_INFO_PEER, ifinfo({}, attrString(IFLA.IFLA_IFNAME, b)))));

/** link summarises an RTM_NEWLINK/RTM_DELLINK: what these tests check. */
function link(m: NlMessage) {
  const v = new DataView(m.payload.buffer, m.payload.byteOffset);
  const a = new Map(attrsToArray(m.payload, 16).map((x) => [x.type, x.payload]));
  const u32 = (t: number) => (a.has(t) ? new DataView(a.get(t)!.buffer, a.get(t)!.byteOffset).getUint32(0, true) : undefined);
  return {
    type: m.header.type,
    seq: m.header.seq,
    index: v.getInt32(4, true),
    flags: v.getUint32(8, true),
    change: v.getUint32(12, true),
    name: new TextDecoder().decode(a.get(IFLA.IFLA_IFNAME)!.subarray(0, -1)),
    link: u32(IFLA.IFLA_LINK),
    operstate: a.get(IFLA.IFLA_OPERSTATE)![0],
    carrier: a.get(IFLA.IFLA_CARRIER)?.[0],
  };
}

const links = (s: NetlinkSocket) => receiveAll(s).flatMap((d) => d.messages.filter((m) => m.header.type !== NLMSG_ERROR).map(link));

/**
 * settle waits until the real kernel's linkwatch work ran: urgent events (a running device
 * whose iflink differs) within milliseconds, others (a device that is down) rate-limited to
 * one run per second for the whole kernel. The simulator runs it when the request is done.
 */
const settle = (b: { name: string }, ms = 50) => (b.name === 'kernel' ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
/** LINKWATCH_DELAY covers the one-second rate limit of non-urgent linkwatch events. */
const LINKWATCH_DELAY = 1100;

describeBackends('RTM_NEWLINK creating devices, RTM_DELLINK', (b) => {
  useRoute(b);
  const setup = () => ({ s: routeSocket(b, { extAck: true }), mon: routeSocket(b, { groups: 1 << (RTNLGRP_LINK - 1) }) });

  it('creates a veth pair: the peer first (ifindex 2, IFLA_LINK 0), then the device (ifindex 3, IFLA_LINK 2)', () => {
    const { s, mon } = setup();
    expect(exchange(s, request(RTM_NEWLINK, NEW, vethPair('v0', 'v1'))).error?.error).toBe(0);
    expect(links(mon)).toEqual([
      { type: RTM_NEWLINK, seq: 0, index: 2, flags: IFF.IFF_BROADCAST | IFF.IFF_MULTICAST, change: 0xffffffff, name: 'v1', link: 0, operstate: 2, carrier: 0 },
      { type: RTM_NEWLINK, seq: 0, index: 3, flags: IFF.IFF_BROADCAST | IFF.IFF_MULTICAST, change: 0xffffffff, name: 'v0', link: 2, operstate: 2, carrier: 0 },
    ]);
  });

  it('echoes the new device to the requester with NLM_F_ECHO (seq and port id), before the ACK', () => {
    const { s } = setup();
    const x = exchange(s, request(RTM_NEWLINK, NEW | NLM_F_ECHO, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'i0'), linkinfo('ifb')), 9));
    expect(x.messages.map((m) => [m.header.type, m.header.seq, m.header.pid === s.getsockname().pid])).toEqual([[RTM_NEWLINK, 9, true], [NLMSG_ERROR, 9, true]]);
    expect(link(x.messages[0]!)).toMatchObject({ name: 'i0', index: 2, flags: IFF.IFF_BROADCAST | IFF.IFF_NOARP });
  });

  it('follows the peer: one end up is LOWERLAYERDOWN without carrier; both up run with carrier', async () => {
    const { s, mon } = setup();
    exchange(s, request(RTM_NEWLINK, NEW, vethPair('v0', 'v1')));
    await settle(b, LINKWATCH_DELAY);
    exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 3, flags: IFF.IFF_UP, change: IFF.IFF_UP })));
    await settle(b);
    receiveAll(mon);
    const get = (index: number) => link(exchange(s, request(RTM_GETLINK, NLM_F_REQUEST, ifinfo({ index }))).messages[0]!);
    expect(get(3)).toMatchObject({ flags: IFF.IFF_UP | IFF.IFF_BROADCAST | IFF.IFF_MULTICAST, operstate: 3, carrier: 0 });
    exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 2, flags: IFF.IFF_UP, change: IFF.IFF_UP })));
    await settle(b);
    // The UP notification still shows the old operstate (no RUNNING), then linkwatch reports both ends.
    expect(links(mon).map((l) => [l.name, l.change, l.operstate, (l.flags & IFF.IFF_RUNNING) !== 0, l.carrier])).toEqual([
      ['v1', IFF.IFF_UP, 3, false, 1],
      ['v1', 0, 6, true, 1],
      ['v0', 0, 6, true, 1],
    ]);
  });

  it('deletes both ends of a veth pair: DOWN then DELLINK for each, both echoed with NLM_F_ECHO', async () => {
    const { s, mon } = setup();
    exchange(s, request(RTM_NEWLINK, NEW, vethPair('v0', 'v1')));
    await settle(b, LINKWATCH_DELAY);
    for (const index of [3, 2]) exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index, flags: IFF.IFF_UP, change: IFF.IFF_UP })));
    await settle(b);
    receiveAll(mon);
    const x = exchange(s, request(RTM_DELLINK, REQ_ACK | NLM_F_ECHO, ifinfo({ index: 3 }), 4));
    expect(x.messages.map((m) => m.header.type)).toEqual([RTM_DELLINK, RTM_DELLINK, NLMSG_ERROR]);
    expect(links(mon).map((l) => [l.type, l.name, l.change, l.seq, l.link])).toEqual([
      [RTM_NEWLINK, 'v0', IFF.IFF_UP | IFF.IFF_RUNNING, 0, 0],
      [RTM_NEWLINK, 'v1', IFF.IFF_UP | IFF.IFF_RUNNING, 0, 0],
      [RTM_DELLINK, 'v0', 0xffffffff, 4, 0],
      [RTM_DELLINK, 'v1', 0xffffffff, 4, 0],
    ]);
    const dump = exchange(s, request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, ifinfo({})));
    expect(dump.messages.filter((m) => m.header.type === RTM_NEWLINK).map((m) => link(m).name)).toEqual(['lo']);
  });

  it.each([
    ['an unknown kind', NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x'), linkinfo('nope')), -95, 'Unknown device type'],
    ['no IFLA_LINKINFO', NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x')), -95, 'Unknown device type'],
    ['a missing device without NLM_F_CREATE', REQ_ACK, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x'), linkinfo('veth')), -19, undefined],
    ['an existing name with NLM_F_EXCL', NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'lo'), linkinfo('veth')), -17, undefined],
    ['a veth MTU below 68 (veth_validate, no text)', NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x'), attrU32(IFLA.IFLA_MTU, 20), linkinfo('veth')), -22, undefined],
    ['a bridge MTU above its maximum', NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x'), attrU32(IFLA.IFLA_MTU, 70000), linkinfo('bridge')), -22, 'mtu greater than device maximum'],
    ['zero transmit queues', NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x'), attrU32(IFLA.IFLA_NUM_TX_QUEUES, 0), linkinfo('ifb')), -22, 'Invalid number of transmit queues'],
    ['an invalid name', NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'a/b'), linkinfo('ifb')), -22, undefined],
  ])('refuses %s', (_n, flags, payload, error, message) => {
    const { s, mon } = setup();
    const x = exchange(s, request(RTM_NEWLINK, flags, payload));
    expect([x.error?.error, x.error?.extack.message]).toEqual([error, message]);
    expect(links(mon)).toEqual([]);
  });

  it.each([
    ['lo (no rtnl_link_ops)', ifinfo({ index: 1 }), -95],
    ['a missing index', ifinfo({ index: 99 }), -19],
    ['a missing name', ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'zz')), -19],
    ['neither index nor name', ifinfo({}), -22],
  ])('RTM_DELLINK refuses %s', (_n, payload, error) => {
    expect(exchange(routeSocket(b), request(RTM_DELLINK, REQ_ACK, payload)).error?.error).toBe(error);
  });

  it('takes the lowest free veth%d name for unnamed ends, and an explicit ifindex does not move the allocator', () => {
    const { s, mon } = setup();
    exchange(s, request(RTM_NEWLINK, NEW, ifinfo({ index: 10 }, attrString(IFLA.IFLA_IFNAME, 'a'), linkinfo('veth'))));
    exchange(s, request(RTM_NEWLINK, NEW, ifinfo({}, linkinfo('veth'))));
    expect(links(mon).map((l) => [l.name, l.index])).toEqual([['veth0', 2], ['a', 10], ['veth1', 3], ['veth2', 4]]);
  });

  it('enslaves a device to a bridge with IFLA_MASTER and releases it with 0', () => {
    const { s } = setup();
    exchange(s, request(RTM_NEWLINK, NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b0'), linkinfo('bridge'))));
    exchange(s, request(RTM_NEWLINK, NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'i0'), linkinfo('ifb'))));
    const master = () => {
      const m = exchange(s, request(RTM_GETLINK, NLM_F_REQUEST, ifinfo({ index: 3 }))).messages[0]!;
      return attrsToArray(m.payload, 16).find((a) => a.type === IFLA.IFLA_MASTER)?.payload[0];
    };
    expect(exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 3 }, attrU32(IFLA.IFLA_MASTER, 2)))).error?.error).toBe(0);
    expect(master()).toBe(2);
    expect(exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 3 }, attrU32(IFLA.IFLA_MASTER, 1)))).error?.error).toBe(-95);
    expect(exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 3 }, attrU32(IFLA.IFLA_MASTER, 0)))).error?.error).toBe(0);
    expect(master()).toBeUndefined();
  });
});
