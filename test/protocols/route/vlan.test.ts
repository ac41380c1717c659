/**
 * vlan devices on the simulator, checked against what the kernel source says (net/8021q:
 * vlan_netlink.c, vlan_dev.c, vlan.c): the test machine lacks the 8021q module, so no
 * differential test is possible. Each test names the functions whose behaviour it checks.
 */
import { describe, expect, it } from 'vitest';
import { encodeIfInfoMsg, type IfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';
import { IFF, IFLA, RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createKernel } from '../../../protocols/index.js';
import type { NetlinkSocket } from '../../../sim/socket-api.js';
import { NETLINK_EXT_ACK, NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, SOCK_RAW, SOL_NETLINK } from '../../../sim/uapi/netlink.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import { decodeMessages, type NlMessage } from '../../../sim/wire/messages.js';
import { attr, attrString, attrU32, concat, exchange, request } from '../../helpers/exchange.js';

const ACK = NLM_F_REQUEST | NLM_F_ACK;
const NEW = ACK | NLM_F_CREATE | NLM_F_EXCL;
const ifi = (m: Partial<IfInfoMsg>, ...a: Uint8Array[]) => concat(encodeIfInfoMsg(m), ...a);
const u16 = (t: number, v: number) => attr(t, new Uint8Array(Uint16Array.of(v).buffer));
const be16 = (t: number, v: number) => attr(t, Uint8Array.of(v >> 8, v & 0xff));
const pair = (t: number, a: number, b: number) => attr(t, new Uint8Array(Uint32Array.of(a >>> 0, b >>> 0).buffer));
const mac = (n: number) => Uint8Array.of(2, 0, 0, 0, 0, n);
/** vlanInfo is IFLA_LINKINFO for a vlan with IFLA_INFO_DATA `data` (none when undefined). */
const vlanInfo = (...data: Uint8Array[]) => attr(IFLA.IFLA_LINKINFO, concat(attrString(1, 'vlan'), ...(data.length ? [attr(2, concat(...data))] : [])));
const id = (v: number) => u16(1, v);
const flags = (f: number, mask: number) => pair(2, f, mask);
const qos = (t: 3 | 4, ...maps: [number, number][]) => attr(t, concat(...maps.map(([from, to]) => pair(1, from, to))));

/** Link is what the tests read from an RTM_NEWLINK/RTM_DELLINK. */
interface Link {
  type: number;
  index: number;
  flags: number;
  change: number;
  name: string;
  attrs: Map<number, Uint8Array>;
  data: Map<number, Uint8Array>;
  dataFlags: Map<number, number>;
}

function parseLink(m: NlMessage): Link {
  const v = new DataView(m.payload.buffer, m.payload.byteOffset);
  const attrs = new Map<number, Uint8Array>();
  const data = new Map<number, Uint8Array>();
  const dataFlags = new Map<number, number>();
  for (const a of attrsToArray(m.payload, 16)) {
    attrs.set(a.type, a.payload);
    if (a.type === IFLA.IFLA_LINKINFO) {
      for (const x of attrsToArray(a.payload)) {
        if (x.type !== 2) continue;
        for (const y of attrsToArray(x.payload)) {
          data.set(y.type, y.payload);
          dataFlags.set(y.type, y.flags);
        }
      }
    }
  }
  const name = new TextDecoder().decode(attrs.get(IFLA.IFLA_IFNAME)!.subarray(0, -1));
  return { type: m.header.type, index: v.getInt32(4, true), flags: v.getUint32(8, true), change: v.getUint32(12, true), name, attrs, data, dataFlags };
}

const u32 = (b: Uint8Array | undefined) => new DataView(b!.buffer, b!.byteOffset).getUint32(0, true);
const hex = (b: Uint8Array | undefined) => Buffer.from(b!).toString('hex');

/** Sim is one virtual kernel with a request socket and a RTNLGRP_LINK monitor. */
class Sim {
  readonly k = createKernel();
  readonly s: NetlinkSocket;
  readonly mon: NetlinkSocket;
  #seq = 0;
  constructor() {
    this.s = this.k.socket(SOCK_RAW, NETLINK_ROUTE);
    this.s.bind({ pid: 0, groups: 0 });
    this.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    this.mon = this.k.socket(SOCK_RAW, NETLINK_ROUTE);
    this.mon.bind({ pid: 0, groups: 1 << (RTNLGRP.RTNLGRP_LINK - 1) });
  }
  /** req sends one request and returns its errno (0 on success) and extack message. */
  req(type: number, flags: number, payload: Uint8Array): { errno: number; message?: string } {
    const ex = exchange(this.s, request(type, flags, payload, ++this.#seq));
    return { errno: ex.error?.error ?? 0, message: ex.error?.extack.message };
  }
  newlink(name: string, ...a: Uint8Array[]) {
    return this.req(RTM.RTM_NEWLINK, NEW, ifi({}, attrString(IFLA.IFLA_IFNAME, name), ...a));
  }
  veth(name: string, ...a: Uint8Array[]) {
    return this.newlink(name, ...a, attr(IFLA.IFLA_LINKINFO, concat(attrString(1, 'veth'), attr(2, attr(1, ifi({}, attrString(3, `${name}p`)))))));
  }
  setlink(index: number, m: Partial<IfInfoMsg>, ...a: Uint8Array[]) {
    return this.req(RTM.RTM_SETLINK, ACK, ifi({ index, ...m }, ...a));
  }
  up = (index: number) => this.setlink(index, { flags: IFF.IFF_UP, change: IFF.IFF_UP });
  down = (index: number) => this.setlink(index, { flags: 0, change: IFF.IFF_UP });
  get(index: number): Link {
    const ex = exchange(this.s, request(RTM.RTM_GETLINK, NLM_F_REQUEST, ifi({ index }), ++this.#seq));
    return parseLink(ex.datagrams[0]!.messages[0]!);
  }
  /** events drains the monitor: the link messages since the last call. */
  events(): Link[] {
    const out: Link[] = [];
    for (;;) {
      try {
        out.push(...decodeMessages(this.mon.recvmsg({ bufferSize: 65536 }).data).map(parseLink));
      } catch (e) {
        if ((e as { code?: string }).code === 'EAGAIN') return out;
        throw e;
      }
    }
  }
}

const EINVAL = -22;
const ENODEV = -19;
const EEXIST = -17;
const ERANGE = -34;
const EOPNOTSUPP = -95;
const ENETDOWN = -100;
const EPROTONOSUPPORT = -93;
const EADDRNOTAVAIL = -99;

/** world: veth v0 (index 3, peer v0p index 2, both down) with vlan v0.5 (index 4) on it. */
function world(...extra: Uint8Array[]): Sim {
  const sim = new Sim();
  expect(sim.veth('v0', attr(IFLA.IFLA_ADDRESS, mac(1))).errno).toBe(0);
  expect(sim.newlink('v0.5', attrU32(IFLA.IFLA_LINK, 3), vlanInfo(id(5), ...extra)).errno).toBe(0);
  return sim;
}

describe('vlan creation (vlan_newlink(), register_vlan_dev(), vlan_dev_init())', () => {
  it('copies flags, carrier, addresses and MTU from the real device; the real device is reported first (NETDEV_CHANGEUPPER)', () => {
    const sim = new Sim();
    sim.veth('v0', attr(IFLA.IFLA_ADDRESS, mac(1)), attrU32(IFLA.IFLA_MTU, 1400));
    sim.events();
    expect(sim.newlink('v0.5', attrU32(IFLA.IFLA_LINK, 3), vlanInfo(id(5))).errno).toBe(0);
    const ev = sim.events();
    expect(ev.map((e) => [e.type, e.name])).toEqual([[RTM.RTM_NEWLINK, 'v0'], [RTM.RTM_NEWLINK, 'v0.5']]);
    const v = sim.get(4);
    expect(v.flags).toBe(IFF.IFF_BROADCAST | IFF.IFF_MULTICAST);
    expect(v.attrs.get(IFLA.IFLA_CARRIER)![0]).toBe(0); // the veth has no carrier (its peer is down)
    expect(u32(v.attrs.get(IFLA.IFLA_CARRIER_CHANGES))).toBe(0); // copied as state in ndo_init: not counted
    expect(hex(v.attrs.get(IFLA.IFLA_ADDRESS))).toBe('020000000001'); // NET_ADDR_STOLEN
    expect(hex(v.attrs.get(IFLA.IFLA_BROADCAST))).toBe('ffffffffffff');
    expect(u32(v.attrs.get(IFLA.IFLA_MTU))).toBe(1400);
    expect(u32(v.attrs.get(IFLA.IFLA_MAX_MTU))).toBe(65535);
    expect(u32(v.attrs.get(IFLA.IFLA_TXQLEN))).toBe(1000); // IFF_NO_QUEUE keeps ether_setup()'s length
    expect(u32(v.attrs.get(IFLA.IFLA_LINK))).toBe(3);
    // vlan_fill_info(): nla_put_be16() (no NLA_F_NET_BYTEORDER), the id, REORDER_HDR with mask ~0.
    expect(hex(v.data.get(5))).toBe('8100');
    expect(v.dataFlags.get(5)).toBe(0);
    expect(hex(v.data.get(1))).toBe('0500');
    expect(hex(v.data.get(2))).toBe('01000000ffffffff');
    expect(v.data.has(3) || v.data.has(4)).toBe(false);
  });

  it('takes NOARP from an ifb and an address given at creation (not stolen)', () => {
    const sim = new Sim();
    sim.newlink('ifb0', attr(IFLA.IFLA_LINKINFO, attrString(1, 'ifb')));
    expect(sim.newlink('i.7', attrU32(IFLA.IFLA_LINK, 2), attr(IFLA.IFLA_ADDRESS, mac(9)), vlanInfo(id(7))).errno).toBe(0);
    const v = sim.get(3);
    expect(v.flags & IFF.IFF_NOARP).toBeTruthy();
    expect(v.flags & IFF.IFF_MULTICAST).toBe(0);
    expect(hex(v.attrs.get(IFLA.IFLA_ADDRESS))).toBe('020000000009');
  });

  it('refuses what vlan_validate(), vlan_newlink() and vlan_check_real_dev() refuse', () => {
    const sim = world();
    const mk = (...a: Uint8Array[]) => sim.newlink('x', ...a);
    const link3 = attrU32(IFLA.IFLA_LINK, 3);
    expect(mk(link3, vlanInfo())).toEqual({ errno: EINVAL, message: '8021q: VLAN properties not specified' });
    expect(mk(link3, vlanInfo(attr(9, new Uint8Array(0))))).toEqual({ errno: EINVAL, message: '8021q: VLAN id not specified' });
    expect(mk(vlanInfo(id(6)))).toEqual({ errno: EINVAL, message: '8021q: link not specified' });
    expect(mk(attrU32(IFLA.IFLA_LINK, 99), vlanInfo(id(6)))).toEqual({ errno: ENODEV, message: '8021q: link does not exist' });
    expect(mk(link3, vlanInfo(id(4095)))).toEqual({ errno: ERANGE, message: '8021q: Invalid VLAN id' });
    expect(mk(link3, vlanInfo(id(6), be16(5, 0x0800)))).toEqual({ errno: EPROTONOSUPPORT, message: '8021q: Invalid VLAN protocol' });
    expect(mk(link3, vlanInfo(id(6), flags(0x20, 0x20)))).toEqual({ errno: EINVAL, message: '8021q: Invalid VLAN flags' });
    // Flags outside the mask pass vlan_validate(); a mask beyond the known flags fails
    // vlan_dev_change_flags() without a message.
    expect(mk(link3, vlanInfo(id(6), flags(0, 0x20)))).toEqual({ errno: EINVAL, message: undefined });
    expect(mk(link3, vlanInfo(id(6), qos(4, [1, 2]), attr(4, attr(1, Uint8Array.of(1)))))).toMatchObject({ errno: ERANGE });
    expect(mk(link3, vlanInfo(id(6), attr(4, attr(1, Uint8Array.of(1, 2)))))).toEqual({ errno: ERANGE, message: '8021q: Invalid ingress QOS map' });
    expect(mk(link3, vlanInfo(id(6), attr(3, attr(1, Uint8Array.of(1, 2)))))).toEqual({ errno: ERANGE, message: '8021q: Invalid egress QOS map' });
    expect(mk(link3, attr(IFLA.IFLA_ADDRESS, Uint8Array.of(1, 0, 0, 0, 0, 1)), vlanInfo(id(6)))).toEqual({ errno: EADDRNOTAVAIL, message: '8021q: Invalid link address' });
    expect(mk(link3, attr(IFLA.IFLA_ADDRESS, Uint8Array.of(2, 0, 0)), vlanInfo(id(6)))).toEqual({ errno: EINVAL, message: '8021q: Invalid link address' });
    // vlan_check_real_dev(): lo is not ARPHRD_ETHER; one vlan per protocol and id.
    expect(mk(attrU32(IFLA.IFLA_LINK, 1), vlanInfo(id(6)))).toEqual({ errno: EOPNOTSUPP, message: '8021q: VLANs not supported on device' });
    expect(mk(link3, vlanInfo(id(5)))).toEqual({ errno: EEXIST, message: '8021q: VLAN device already exists' });
    expect(mk(link3, vlanInfo(id(5), be16(5, 0x88a8))).errno).toBe(0); // 802.1ad id 5 is another vlan
    // The MTU may not exceed the real device's: plain EINVAL (not ERANGE), no message.
    expect(sim.newlink('y', link3, attrU32(IFLA.IFLA_MTU, 1501), vlanInfo(id(8)))).toEqual({ errno: EINVAL, message: undefined });
    expect(sim.newlink('y', link3, attrU32(IFLA.IFLA_MTU, 1500), vlanInfo(id(8))).errno).toBe(0);
  });
});

describe('vlan changelink (vlan_changelink(), vlan_dev_set_*_priority(), vlan_fill_info())', () => {
  it('changes flags under their mask and fills the QoS maps in map order', () => {
    const sim = world();
    const change = (...d: Uint8Array[]) => sim.req(RTM.RTM_NEWLINK, ACK, ifi({ index: 4 }, vlanInfo(...d)));
    expect(change(flags(0x4 | 0x10, 0x4 | 0x10 | 0x1)).errno).toBe(0);
    expect(hex(sim.get(4).data.get(2))).toBe('14000000ffffffff');
    expect(change(qos(4, [1, 7], [3, 2], [9, 5]), qos(3, [17, 3], [1, 6], [2, 0])).errno).toBe(0);
    const v = sim.get(4);
    // ingress: {from: vlan prio, to: skb prio} for map[0..7]; [9,5] lands on 9 & 7 = 1, replacing 7.
    expect(hex(v.data.get(4))).toBe(['0c000100', '01000000', '05000000', '0c000100', '03000000', '02000000'].join(''));
    // egress: buckets by skb prio & 0xF (17 then 1 in bucket 1, newest first: 1, 17; then 2);
    // only mappings with a priority are counted, but every mapping is listed.
    expect(hex(v.data.get(3))).toBe(['0c000100', '01000000', '06000000', '0c000100', '11000000', '03000000', '0c000100', '02000000', '00000000'].join(''));
    // The id and protocol of an existing vlan do not change; a vlan request without data is refused.
    expect(change(id(9)).errno).toBe(0);
    expect(hex(sim.get(4).data.get(1))).toBe('0500');
    expect(sim.req(RTM.RTM_NEWLINK, ACK, ifi({ index: 4 }, vlanInfo()))).toEqual({ errno: EINVAL, message: '8021q: VLAN properties not specified' });
    // Mapping every egress priority back to 0 removes the nest; ingress likewise.
    expect(change(qos(3, [17, 0], [1, 0]), qos(4, [1, 0], [3, 0])).errno).toBe(0);
    expect(sim.get(4).data.has(3) || sim.get(4).data.has(4)).toBe(false);
  });
});

describe('vlan open and stop (vlan_dev_open(), vlan_dev_stop())', () => {
  it('refuses to open while the real device is down (ENETDOWN) unless LOOSE_BINDING', () => {
    const sim = world();
    expect(sim.up(4).errno).toBe(ENETDOWN);
    expect(sim.req(RTM.RTM_NEWLINK, ACK, ifi({ index: 4 }, vlanInfo(flags(4, 4)))).errno).toBe(0);
    expect(sim.up(4).errno).toBe(0);
    expect(sim.get(4).flags & IFF.IFF_UP).toBeTruthy();
  });

  it('takes the carrier of the real device when opened and drops it (counted) when stopped', () => {
    const sim = world();
    sim.up(2);
    sim.up(3);
    expect(sim.get(3).attrs.get(IFLA.IFLA_CARRIER)![0]).toBe(1);
    const v = sim.get(4);
    expect(v.flags & IFF.IFF_UP).toBeTruthy(); // NETDEV_UP of the real device opened it
    expect(v.attrs.get(IFLA.IFLA_CARRIER)![0]).toBe(1);
    expect(v.flags & IFF.IFF_LOWER_UP).toBeTruthy();
    sim.down(4);
    const d = sim.get(4);
    expect(d.attrs.get(IFLA.IFLA_CARRIER)![0]).toBe(0);
    expect(u32(d.attrs.get(IFLA.IFLA_CARRIER_DOWN_COUNT))).toBe(1);
  });
});

describe('vlan_dev_change_rx_flags(), vlan_dev_open(), vlan_dev_stop(): PROMISC and ALLMULTI reach the real device', () => {
  it('counts the real device promiscuous (reported) and allmulti (silent) while the vlan is up', () => {
    const sim = world();
    sim.up(3);
    sim.events();
    const real = () => sim.get(3);
    const promisc = { flags: IFF.IFF_PROMISC, change: IFF.IFF_PROMISC };
    expect(sim.setlink(4, promisc).errno).toBe(0);
    expect(u32(real().attrs.get(IFLA.IFLA_PROMISCUITY))).toBe(1);
    // __dev_set_promiscuity() on the real device notifies (change IFF_PROMISC) before the vlan's own report.
    expect(sim.events().map((e) => [e.name, e.change])).toEqual([['v0', IFF.IFF_PROMISC], ['v0.5', IFF.IFF_PROMISC]]);
    expect(real().flags & IFF.IFF_PROMISC).toBe(0); // dev_get_flags() shows only what user space asked for
    sim.setlink(4, { flags: IFF.IFF_ALLMULTI, change: IFF.IFF_ALLMULTI });
    expect(u32(real().attrs.get(IFLA.IFLA_ALLMULTI))).toBe(1);
    sim.down(4); // vlan_dev_stop() gives both back
    expect(u32(real().attrs.get(IFLA.IFLA_PROMISCUITY))).toBe(0);
    expect(u32(real().attrs.get(IFLA.IFLA_ALLMULTI))).toBe(0);
    sim.up(4); // vlan_dev_open() takes them again
    expect(u32(real().attrs.get(IFLA.IFLA_PROMISCUITY))).toBe(1);
    expect(u32(real().attrs.get(IFLA.IFLA_ALLMULTI))).toBe(1);
    sim.setlink(4, { flags: 0, change: IFF.IFF_PROMISC | IFF.IFF_ALLMULTI });
    expect(u32(real().attrs.get(IFLA.IFLA_PROMISCUITY))).toBe(0);
    expect(u32(real().attrs.get(IFLA.IFLA_ALLMULTI))).toBe(0);
  });
});

describe('vlan_device_event() for the real device', () => {
  it('NETDEV_UP opens vlans without LOOSE_BINDING, NETDEV_DOWN closes them together (change IFF_UP|IFF_RUNNING)', () => {
    const sim = world();
    sim.newlink('v0.6', attrU32(IFLA.IFLA_LINK, 3), vlanInfo(id(6)));
    sim.newlink('v0.7', attrU32(IFLA.IFLA_LINK, 3), vlanInfo(id(7), flags(4, 4)));
    sim.events();
    sim.up(3);
    const up = sim.events().filter((e) => e.change & IFF.IFF_UP);
    expect(up.map((e) => [e.name, e.change])).toEqual([['v0', IFF.IFF_UP], ['v0.5', IFF.IFF_UP], ['v0.6', IFF.IFF_UP]]);
    expect(sim.get(6).flags & IFF.IFF_UP).toBe(0); // loose binding: stays down
    sim.up(6);
    sim.events();
    sim.down(3);
    // dev_close_many() over a list built with list_add(): the higher id first; v0.7 stays up.
    const down = sim.events().filter((e) => e.change & IFF.IFF_UP);
    expect(down.map((e) => [e.name, e.change])).toEqual([['v0', IFF.IFF_UP], ['v0.6', IFF.IFF_UP | IFF.IFF_RUNNING], ['v0.5', IFF.IFF_UP | IFF.IFF_RUNNING]]);
    expect(sim.get(6).flags & IFF.IFF_UP).toBeTruthy();
  });

  it('NETDEV_CHANGE transfers the carrier (not with BRIDGE_BINDING)', () => {
    const sim = world();
    sim.newlink('v0.6', attrU32(IFLA.IFLA_LINK, 3), vlanInfo(id(6), flags(0x10, 0x10)));
    sim.up(3);
    sim.up(4);
    expect(sim.get(4).attrs.get(IFLA.IFLA_CARRIER)![0]).toBe(0);
    sim.up(2); // the peer: v0 gets its carrier, linkwatch's NETDEV_CHANGE passes it on
    expect(sim.get(4).attrs.get(IFLA.IFLA_CARRIER)![0]).toBe(1);
    expect(sim.get(5).attrs.get(IFLA.IFLA_CARRIER)![0]).toBe(0);
    sim.down(2);
    expect(sim.get(4).attrs.get(IFLA.IFLA_CARRIER)![0]).toBe(0);
  });

  it('NETDEV_CHANGEMTU shrinks larger vlans; a vlan cannot grow past its real device (ERANGE)', () => {
    const sim = world();
    sim.newlink('v0.6', attrU32(IFLA.IFLA_LINK, 3), attrU32(IFLA.IFLA_MTU, 1000), vlanInfo(id(6)));
    sim.events();
    expect(sim.setlink(3, {}, attrU32(IFLA.IFLA_MTU, 1200)).errno).toBe(0);
    expect(sim.events().map((e) => [e.name, u32(e.attrs.get(IFLA.IFLA_MTU))])).toEqual([['v0', 1200], ['v0.5', 1200]]);
    expect(u32(sim.get(5).attrs.get(IFLA.IFLA_MTU))).toBe(1000);
    expect(sim.setlink(4, {}, attrU32(IFLA.IFLA_MTU, 1300))).toEqual({ errno: ERANGE, message: undefined });
    expect(u32(sim.get(4).attrs.get(IFLA.IFLA_MTU))).toBe(1200);
  });

  it('NETDEV_CHANGEADDR: an up vlan with a stolen address follows; one with its own address does not', () => {
    const sim = world();
    sim.newlink('v0.6', attrU32(IFLA.IFLA_LINK, 3), attr(IFLA.IFLA_ADDRESS, mac(6)), vlanInfo(id(6)));
    sim.up(3);
    sim.events();
    expect(sim.setlink(3, {}, attr(IFLA.IFLA_ADDRESS, mac(0x33))).errno).toBe(0);
    const ev = sim.events();
    expect(ev.map((e) => [e.name, hex(e.attrs.get(IFLA.IFLA_ADDRESS))])).toEqual([['v0', '020000000033'], ['v0.5', '020000000033']]);
    expect(hex(sim.get(5).attrs.get(IFLA.IFLA_ADDRESS))).toBe('020000000006');
    // A vlan that is down catches up when it opens (vlan_dev_open() → vlan_dev_inherit_address()).
    sim.down(4);
    sim.setlink(3, {}, attr(IFLA.IFLA_ADDRESS, mac(0x34)));
    expect(hex(sim.get(4).attrs.get(IFLA.IFLA_ADDRESS))).toBe('020000000033');
    sim.up(4);
    expect(hex(sim.get(4).attrs.get(IFLA.IFLA_ADDRESS))).toBe('020000000034');
    // Set by the user, the address stays (NET_ADDR_SET); invalid ones are refused.
    expect(sim.setlink(4, {}, attr(IFLA.IFLA_ADDRESS, Uint8Array.of(1, 0, 0, 0, 0, 1))).errno).toBe(EADDRNOTAVAIL);
    sim.setlink(4, {}, attr(IFLA.IFLA_ADDRESS, mac(0x44)));
    sim.setlink(3, {}, attr(IFLA.IFLA_ADDRESS, mac(0x35)));
    expect(hex(sim.get(4).attrs.get(IFLA.IFLA_ADDRESS))).toBe('020000000044');
    // Setting the stolen address it has makes it NET_ADDR_SET too: it no longer follows.
    sim.newlink('v0.8', attrU32(IFLA.IFLA_LINK, 3), vlanInfo(id(8)));
    sim.up(6);
    sim.setlink(6, {}, attr(IFLA.IFLA_ADDRESS, mac(0x35)));
    sim.setlink(3, {}, attr(IFLA.IFLA_ADDRESS, mac(0x36)));
    expect(hex(sim.get(6).attrs.get(IFLA.IFLA_ADDRESS))).toBe('020000000035');
  });

  it('NETDEV_UNREGISTER unregisters the vlans in one batch, before the real device is reported gone', () => {
    const sim = world();
    sim.newlink('v0.6', attrU32(IFLA.IFLA_LINK, 3), vlanInfo(id(6)));
    sim.up(3);
    sim.events();
    expect(sim.req(RTM.RTM_DELLINK, ACK, ifi({ index: 3 })).errno).toBe(0);
    const ev = sim.events().map((e) => [e.type === RTM.RTM_DELLINK ? 'del' : 'new', e.name, e.change]);
    expect(ev).toEqual([
      ['new', 'v0', IFF.IFF_UP | IFF.IFF_RUNNING], // dev_close_many() of the veth pair (v0p was down)
      ['new', 'v0.6', IFF.IFF_UP | IFF.IFF_RUNNING], // its NETDEV_DOWN closes the vlans
      ['new', 'v0.5', IFF.IFF_UP | IFF.IFF_RUNNING],
      ['del', 'v0.5', 0xffffffff], // v0's NETDEV_UNREGISTER: the vlans, nested, in group order
      ['del', 'v0.6', 0xffffffff],
      ['del', 'v0', 0xffffffff],
      ['del', 'v0p', 0xffffffff],
    ]);
  });

  it('deleting a vlan reports its real device first (netdev_upper_dev_unlink())', () => {
    const sim = world();
    sim.events();
    expect(sim.req(RTM.RTM_DELLINK, ACK, ifi({ index: 4 })).errno).toBe(0);
    expect(sim.events().map((e) => [e.type, e.name])).toEqual([[RTM.RTM_NEWLINK, 'v0'], [RTM.RTM_DELLINK, 'v0.5']]);
  });
});
