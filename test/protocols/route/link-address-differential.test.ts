/**
 * MAC address changes and renames of existing devices, simulator against Linux, message for
 * message: IFLA_ADDRESS through do_setlink() (dev_set_mac_address_user(): eth_mac_addr()'s
 * EADDRNOTAVAIL, ifb's missing ndo_set_mac_address, validate_linkmsg()'s length check, the
 * NETDEV_CHANGEADDR notifiers: RTM_NEWLINK, then ARP and ND entries flushed, PERMANENT ones
 * too; a bridge following its lowest port address), and IFLA_IFNAME on an existing device
 * (dev_change_name(): RTM_NEWLINK, then RTM_DELNETCONF + RTM_NEWNETCONF for inet and inet6,
 * the rollback of a name sysctl refuses, EEXIST against names and altnames).
 * Every device gets a fixed address, so addresses are compared unmasked.
 */
import { encodeIfInfoMsg, type IfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';
import { IFF, RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import type { NlMessage } from '../../../sim/wire/messages.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { describeScenarios, type ScenarioCase } from './compare-scenario.js';
import { render, renderLink, type Step } from './link-differential.js';
import { ACK, REQ, step } from './request-scenarios.js';
import { ALL_GROUPS, group, NEW, neigh, NUD_PERMANENT, up } from './rt-steps.js';

const ifi = (m: Partial<IfInfoMsg>, ...a: Uint8Array[]) => concat(encodeIfInfoMsg(m), ...a);
const mac = (...b: number[]) => Uint8Array.from(b);
const m2 = (n: number) => mac(2, 0, 0, 0, 0, n);
/** setlink changes device `index` with `attrs` (RTM_SETLINK). */
const setlink = (index: number, ...a: Uint8Array[]): Step => step(RTM.RTM_SETLINK, ACK, ifi({ index }, ...a));
const address = (a: Uint8Array) => attr(1, a);
const name = (n: string) => attrString(3, n);
const mtu = (v: number) => attrU32(4, v);
const getlink = (index: number) => step(RTM.RTM_GETLINK, REQ, ifi({ index }));

/** veth creates `n` (address `a`) with peer `n`p (address `b`): the peer is registered first. */
function veth(n: string, a: Uint8Array, b: Uint8Array): Step {
  const peer = attr(2, attr(1, ifi({}, name(`${n}p`), address(b))));
  return step(RTM.RTM_NEWLINK, NEW, ifi({}, name(n), address(a), attr(18, concat(attrString(1, 'veth'), peer))));
}
/** link creates a device of `kind` (ifb, bridge) with an optional address. */
const link = (n: string, kind: string, ...a: Uint8Array[]) => step(RTM.RTM_NEWLINK, NEW, ifi({}, name(n), ...a, attr(18, attrString(1, kind))));

const NETCONF = group(RTNLGRP.RTNLGRP_IPV4_NETCONF) | group(RTNLGRP.RTNLGRP_IPV6_NETCONF);
const LINK = group(RTNLGRP.RTNLGRP_LINK);

/** unmasked renders link messages with their addresses (every device here has a chosen one). */
const unmasked = (m: NlMessage) => (m.header.type === 16 || m.header.type === 17 ? renderLink(m, { mac: false }).map(maskRandom) : render(m));
/** CHOSEN matches the addresses the scenarios set; a bridge's own random address is masked until a port or the user replaces it. */
const CHOSEN = /^IFLA_ADDRESS (02000000|000000000000$|010000000001$|030000000009$|010203040506$)/;
const maskRandom = (line: string) => (line.startsWith('IFLA_ADDRESS ') && !CHOSEN.test(line) ? 'IFLA_ADDRESS <random>' : line);

const scenarios: [string, Step[], number][] = [
  ['MAC changes of a veth, lo and ifb: neighbours flushed (PERMANENT too), the same address again, errors', [
    veth('v0', m2(1), m2(2)), link('ifb0', 'ifb', address(m2(0x70))),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT }, '10.0.0.2', m2(0x20)),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT }, '10.0.0.3', m2(0x21)),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT }, '2001:db8::2', m2(0x22)),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD_PERMANENT }, '10.0.0.4', m2(0x23)),
    setlink(3, address(m2(5))), getlink(3), getlink(2),
    setlink(3, address(m2(5))),
    setlink(3, address(mac(1, 0, 0, 0, 0, 1))), setlink(3, address(mac(0, 0, 0, 0, 0, 0))), setlink(3, address(mac(3, 0, 0, 0, 0, 9))),
    setlink(3, address(mac(2, 0, 0, 0))), setlink(3, address(new Uint8Array(0))), setlink(3, address(mac(2, 0, 0, 0, 0, 6, 7, 8))),
    setlink(4, address(m2(7))),
    setlink(1, address(m2(8))), setlink(1, address(mac(0, 0, 0, 0, 0, 0))), getlink(1),
    // A live change: up without carrier (the peer is down), so addrconf stays quiet.
    up(3), setlink(3, address(m2(9))),
    // Address before MTU before name: a bad MTU fails after the address changed.
    setlink(3, address(m2(10)), mtu(1400), name('w0')), setlink(3, address(m2(11)), mtu(10)), getlink(3),
    setlink(3, address(mac(1, 2, 3, 4, 5, 6)), mtu(1300)),
    // IFLA_BROADCAST: copied as it is, then NETDEV_CHANGEADDR (neighbours flushed again).
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT }, '10.0.0.9', m2(0x29)),
    setlink(3, attr(2, mac(0xff, 0xff, 0, 0, 0, 1))), setlink(3, attr(2, mac(1, 2, 3))), setlink(3, attr(2, mac(0, 0, 0, 0, 0, 0, 9))), getlink(3),
    setlink(4, attr(2, m2(0x70))), setlink(1, attr(2, m2(0x71))), getlink(1),
    setlink(3, address(m2(0x14)), attr(2, mac(0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), name('v9')),
    // RTM_NEWLINK on an existing device goes through do_setlink() as well.
    step(RTM.RTM_NEWLINK, ACK, ifi({ index: 3 }, address(m2(12)))),
    step(RTM.RTM_NEWLINK, ACK, ifi({}, name('w0'), address(m2(13)))),
  ], ALL_GROUPS | NETCONF],
  ['a bridge follows its lowest port address until the user sets one; port and bridge address errors', [
    veth('v0', m2(0x30), m2(0x31)), veth('v1', m2(0x40), m2(0x41)), link('br0', 'bridge'),
    setlink(3, attrU32(10, 6)), setlink(5, attrU32(10, 6)), getlink(6),
    setlink(3, address(m2(0x50))), getlink(6),
    setlink(5, address(m2(0x10))), getlink(6),
    setlink(3, address(m2(0x05))),
    setlink(3, address(m2(0x05))),
    // The bridge's own address set to the one it has: NET_ADDR_SET all the same, it stops following.
    setlink(6, address(m2(0x05))), setlink(5, address(m2(0x02))), getlink(6),
    setlink(6, address(mac(1, 0, 0, 0, 0, 1))), setlink(6, address(mac(0, 0, 0, 0, 0, 0))), setlink(6, address(mac(2, 0))),
    setlink(6, address(m2(0x60))), getlink(6),
    setlink(3, address(m2(0x01))), getlink(6),
    step(RTM.RTM_SETLINK, ACK, ifi({ index: 6, flags: IFF.IFF_UP, change: IFF.IFF_UP }, address(m2(0x61)))),
  ], LINK],
  ['renames: RTM_NEWLINK then DELNETCONF/NEWNETCONF for inet and inet6; refused names roll back; errors', [
    veth('v0', m2(1), m2(2)), link('br0', 'bridge', address(m2(3))),
    setlink(3, name('w0')), getlink(3),
    up(2), setlink(2, name('w1')),
    setlink(3, name('w0')),
    setlink(3, name('all')), setlink(3, name('default')), getlink(3),
    setlink(3, name('w1')), setlink(3, name('br0')), setlink(3, name('lo')),
    step(RTM.RTM_NEWLINKPROP, ACK, ifi({ index: 3 }, attr(52 | 0x8000, attrString(53, 'alt0')))),
    setlink(3, name('alt0')),
    setlink(3, name('a%d')), setlink(3, name('a%d')), setlink(3, name('b%d%d')), setlink(3, name('a b')), setlink(3, name('a/b')), setlink(3, name('..')),
    setlink(1, name('lo2')), setlink(1, name('lo')),
    // A bridge port: br_device_event() sends no AF_BRIDGE report for a rename.
    setlink(2, attrU32(10, 4)), setlink(2, name('p0')),
    // Without IPv6 (MTU below 1280) nothing refuses "all".
    setlink(3, mtu(1000)), setlink(3, name('all')), getlink(3), setlink(3, name('x0')),
    // Rename and MTU in one request: MTU first.
    setlink(3, name('y0'), mtu(1500)),
  ], LINK | NETCONF],
];

describeScenarios(
  'IFLA_ADDRESS and IFLA_IFNAME on existing links: simulator and Linux, message for message',
  scenarios.flatMap(([n, steps, groups]) => [false, true].map((strict): ScenarioCase => [`${n}${strict ? ' (strict)' : ''}`, steps, { groups, strict }])),
  { render: unmasked },
);
