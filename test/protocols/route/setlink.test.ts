import { expect, it } from 'vitest';
import { IFF, IFLA, RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK, RTNLGRP_LINK } from '../../../protocols/route/core/uapi.js';
import { decodeIfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';
import { NLM_F_ACK, NLM_F_ECHO, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import type { NlMessage } from '../../../sim/wire/messages.js';
import type { NetlinkSocket } from '../../../sim/socket-api.js';
import { describeBackends } from '../../helpers/backends.js';
import { attr, attrString, attrU32, exchange, receiveAll, request } from '../../helpers/exchange.js';
import { ifinfo, routeSocket, useRoute } from './route-backend.js';

const REQ_ACK = NLM_F_REQUEST | NLM_F_ACK;
const UP_FLAGS = IFF.IFF_UP | IFF.IFF_LOOPBACK | IFF.IFF_RUNNING | IFF.IFF_LOWER_UP;

/** summary decodes what a test checks of an RTM_NEWLINK: header fields, flags, change and a few attributes. */
function summary(m: NlMessage) {
  const ifm = decodeIfInfoMsg(m.payload);
  const attrs = new Map(attrsToArray(m.payload, 16).map((a) => [a.type, a.payload]));
  const u32 = (t: number) => new DataView(attrs.get(t)!.buffer, attrs.get(t)!.byteOffset).getUint32(0, true);
  const str = (t: number) => new TextDecoder().decode(attrs.get(t)!.subarray(0, -1));
  return {
    seq: m.header.seq,
    pid: m.header.pid,
    flags: ifm.flags,
    change: ifm.change,
    name: str(IFLA.IFLA_IFNAME),
    mtu: u32(IFLA.IFLA_MTU),
    txqlen: u32(IFLA.IFLA_TXQLEN),
    operstate: attrs.get(IFLA.IFLA_OPERSTATE)![0],
    qdisc: str(IFLA.IFLA_QDISC),
    len: m.header.len,
  };
}

function notifications(mon: NetlinkSocket) {
  return receiveAll(mon).flatMap((d) => d.messages.map(summary));
}

describeBackends('RTM_SETLINK / RTM_NEWLINK on lo', (b) => {
  useRoute(b);

  const setup = () => ({ s: routeSocket(b, { extAck: true }), mon: routeSocket(b, { groups: 1 << (RTNLGRP_LINK - 1) }) });
  const get = (s: NetlinkSocket) => summary(exchange(s, request(RTM_GETLINK, NLM_F_REQUEST, ifinfo({ index: 1 }), 99)).messages[0]!);

  it('brings lo up: ACK, one notification (seq 0, pid 0, change IFF_UP), then UNKNOWN and noqueue', () => {
    const { s, mon } = setup();
    const x = exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 1, flags: IFF.IFF_UP, change: IFF.IFF_UP })));
    expect(x.error?.error).toBe(0);
    const n = notifications(mon);
    expect(n).toEqual([{ seq: 0, pid: 0, flags: UP_FLAGS, change: IFF.IFF_UP, name: 'lo', mtu: 65536, txqlen: 1000, operstate: 0, qdisc: 'noqueue', len: 1468 }]);
    expect(get(s)).toMatchObject({ flags: UP_FLAGS, change: 0, operstate: 0, qdisc: 'noqueue' });
    exchange(s, request(RTM_NEWLINK, REQ_ACK, ifinfo({ index: 1, flags: 0, change: IFF.IFF_UP })));
    expect(notifications(mon).map((m) => [m.flags, m.change, m.operstate, m.qdisc])).toEqual([[IFF.IFF_LOOPBACK, IFF.IFF_UP, 2, 'noqueue']]);
  });

  it('sends nothing when nothing changes', () => {
    const { s, mon } = setup();
    for (const p of [ifinfo({ index: 1 }), ifinfo({ index: 1, change: IFF.IFF_UP }), ifinfo({ index: 1 }, attrU32(IFLA.IFLA_MTU, 65536), attrU32(IFLA.IFLA_TXQLEN, 1000), attrString(IFLA.IFLA_IFNAME, 'lo'))]) {
      expect(exchange(s, request(RTM_SETLINK, REQ_ACK, p)).error?.error).toBe(0);
    }
    expect(notifications(mon)).toEqual([]);
  });

  it('does not echo the notification to the requester, even with NLM_F_ECHO', () => {
    const { s, mon } = setup();
    const x = exchange(s, request(RTM_SETLINK, REQ_ACK | NLM_F_ECHO, ifinfo({ index: 1 }, attrU32(IFLA.IFLA_MTU, 1500))));
    expect(x.messages.map((m) => m.header.type)).toEqual([2]);
    expect(notifications(mon).map((m) => m.mtu)).toEqual([1500]);
  });

  it('applies MTU, name, flags and txqlen in that order, one notification each', () => {
    const { s, mon } = setup();
    const p = ifinfo({ index: 1, flags: IFF.IFF_UP, change: IFF.IFF_UP }, attrU32(IFLA.IFLA_TXQLEN, 7), attrString(IFLA.IFLA_IFNAME, 'lo2'), attrU32(IFLA.IFLA_MTU, 9000));
    expect(exchange(s, request(RTM_SETLINK, REQ_ACK, p)).error?.error).toBe(0);
    expect(notifications(mon).map((m) => [m.mtu, m.name, m.flags, m.change, m.txqlen])).toEqual([
      [9000, 'lo', IFF.IFF_LOOPBACK, 0, 1000],
      [9000, 'lo2', IFF.IFF_LOOPBACK, 0, 1000],
      [9000, 'lo2', UP_FLAGS, IFF.IFF_UP, 1000],
      [9000, 'lo2', UP_FLAGS, 0, 7],
    ]);
    expect(get(s)).toMatchObject({ name: 'lo2', mtu: 9000, txqlen: 7 });
  });

  it('treats ifi_change 0 as "all flags": PROMISC alone also takes lo down', () => {
    const { s, mon } = setup();
    exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 1, flags: IFF.IFF_UP, change: IFF.IFF_UP })));
    receiveAll(mon);
    exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 1, flags: IFF.IFF_PROMISC, change: 0 })));
    expect(notifications(mon).map((m) => [m.flags, m.change])).toEqual([[IFF.IFF_LOOPBACK | IFF.IFF_PROMISC, IFF.IFF_UP | IFF.IFF_PROMISC]]);
  });

  it('renames by index, selects by name without renaming, and allows renaming while up', () => {
    const { s } = setup();
    exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 1, flags: IFF.IFF_UP, change: IFF.IFF_UP })));
    expect(exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 1 }, attrString(IFLA.IFLA_IFNAME, 'up0')))).error?.error).toBe(0);
    expect(exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'up0'), attrU32(IFLA.IFLA_MTU, 1400)))).error?.error).toBe(0);
    expect(get(s)).toMatchObject({ name: 'up0', mtu: 1400 });
  });

  it.each([
    ['ifindex 0 and no name', ifinfo({}), -22, undefined],
    ['an unknown ifindex', ifinfo({ index: 99 }), -19, undefined],
    ['MTU −1 (an int below min_mtu)', ifinfo({ index: 1 }, attrU32(IFLA.IFLA_MTU, 0xffffffff)), -22, 'mtu less than device minimum'],
    ['a 1-byte IFLA_MTU', ifinfo({ index: 1 }, attr(IFLA.IFLA_MTU, new Uint8Array([1]))), -34, 'Attribute failed policy validation'],
    ['a 16-byte name', ifinfo({ index: 1 }, attrString(IFLA.IFLA_IFNAME, 'x'.repeat(16))), -34, 'Attribute failed policy validation'],
    ['a 1-byte payload', new Uint8Array([0]), -22, 'Invalid header length'],
  ])('refuses %s', (_n, payload, error, message) => {
    const { s } = setup();
    const x = exchange(s, request(RTM_SETLINK, REQ_ACK, payload));
    expect(x.error?.error).toBe(error);
    expect(x.error?.extack.message).toBe(message);
  });

  it('accepts MTU 0 and 70000 on lo (min 0, no max); IPv4 leaves below 68 and comes back', () => {
    const { s } = setup();
    const afSpec = () => {
      const m = exchange(s, request(RTM_GETLINK, NLM_F_REQUEST, ifinfo({ index: 1 }))).messages[0]!;
      const spec = attrsToArray(m.payload, 16).find((a) => a.type === IFLA.IFLA_AF_SPEC)!;
      return attrsToArray(spec.payload).map((a) => a.type);
    };
    expect(exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 1 }, attrU32(IFLA.IFLA_MTU, 70000)))).error?.error).toBe(0);
    expect(exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 1 }, attrU32(IFLA.IFLA_MTU, 0)))).error?.error).toBe(0);
    expect(afSpec()).toEqual([10]);
    exchange(s, request(RTM_SETLINK, REQ_ACK, ifinfo({ index: 1 }, attrU32(IFLA.IFLA_MTU, 1500))));
    expect(afSpec()).toEqual([2, 10]);
  });

  it.each([
    ['NLM_F_EXCL on an existing device', 0x200, ifinfo({ index: 1 }), -17],
    ['NLM_F_REPLACE on an existing device', 0x100, ifinfo({ index: 1 }), -95],
    ['an unknown name without NLM_F_CREATE', 0, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'foo')), -19],
    ['no index and no name', 0, ifinfo({}), -19],
  ])('RTM_NEWLINK answers %s', (_n, flags, payload, error) => {
    const { s } = setup();
    expect(exchange(s, request(RTM_NEWLINK, REQ_ACK | flags, payload)).error?.error).toBe(error);
  });
});
