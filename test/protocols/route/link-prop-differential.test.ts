/**
 * Alternative interface names, simulator against Linux: RTM_NEWLINKPROP / RTM_DELLINKPROP
 * with their errors (duplicates, primary names, other devices' names, lengths, missing
 * NLA_F_NESTED, netns attributes), the RTM_NEWLINK a device that is up announces, the
 * IFLA_PROP_LIST of link replies, dumps and RTM_DELLINK, and lookups by alternative name.
 */
import { expect, it } from 'vitest';
import { encodeIfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import type { SocketFactory } from '../../../sim/socket-api.js';
import { NETLINK_ROUTE, SOCK_RAW } from '../../../sim/uapi/netlink.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { createLink, group, up } from './rt-steps.js';
import { ACK, describeRequests, DUMP, REQ, step } from './request-scenarios.js';

const ifi = (index: number, ...a: Uint8Array[]) => concat(encodeIfInfoMsg({ index }), ...a);
const plist = (...names: string[]) => attr(52 | 0x8000, concat(...names.map((n) => attrString(53, n))));
const add = (index: number, ...names: string[]) => step(RTM.RTM_NEWLINKPROP, ACK, ifi(index, plist(...names)));
const del = (index: number, ...names: string[]) => step(RTM.RTM_DELLINKPROP, ACK, ifi(index, plist(...names)));
const LINK = group(RTNLGRP.RTNLGRP_LINK);

describeRequests('RTM_NEWLINKPROP / RTM_DELLINKPROP: simulator and Linux, message for message', [
  ['alternative names on a veth that is down, then up', [
    createLink('v0', 'veth'),
    add(2, 'foo'), step(RTM.RTM_GETLINK, REQ, ifi(2)), step(RTM.RTM_GETLINK, REQ, ifi(0, attrString(3, 'foo'))), step(RTM.RTM_GETLINK, REQ, ifi(0, attrString(53, 'foo'))),
    add(2, 'foo'), add(3, 'foo'), add(2, 'v0'), add(2, 'v0p'), add(2, 'bar', 'baz'), add(2, 'a/b'), add(2, ''), add(2, 'x'.repeat(127)), add(2, 'y'.repeat(128)),
    step(RTM.RTM_NEWLINKPROP, ACK, ifi(2)), step(RTM.RTM_NEWLINKPROP, ACK, ifi(0)), add(99, 'q'), step(RTM.RTM_NEWLINKPROP, ACK, ifi(0, attrString(3, 'foo'), plist('q2'))),
    step(RTM.RTM_NEWLINKPROP, ACK, ifi(0, attrString(53, 'nosuch'), plist('q3'))), step(RTM.RTM_NEWLINKPROP, ACK, ifi(2, attr(52, attrString(53, 'nonest')))),
    step(RTM.RTM_NEWLINKPROP, ACK, ifi(2, attr(52 | 0x8000, attrU32(3, 5)))), step(RTM.RTM_NEWLINKPROP, ACK, ifi(2, attrU32(19, 1), plist('pid'))),
    step(RTM.RTM_NEWLINKPROP, ACK, ifi(2, attr(52 | 0x8000, attr(53, Uint8Array.of(0x6e, 0x6f, 0x6e, 0x75, 0x6c))))),
    up(2), add(2, 'up1'), del(2, 'up1'), add(2, 'ok1', 'v0', 'ok2'), del(2, 'foo'), del(2, 'foo'), del(2, 'v0p'), del(2, 'bar'), del(3, 'baz'), del(2, 'ok1', 'nosuch', 'baz'),
    step(RTM.RTM_GETLINKPROP, ACK, ifi(2)), step(RTM.RTM_GETLINK, DUMP, ifi(0)),
    step(RTM.RTM_NEWLINK, ACK, ifi(0, attrString(3, 'baz'))), step(RTM.RTM_SETLINK, ACK, ifi(0, attrString(53, 'baz'))),
    step(RTM.RTM_NEWLINK, ACK | 0x400 | 0x200, ifi(0, attrString(3, 'baz'), attr(18, attrString(1, 'bridge')))),
    step(RTM.RTM_DELLINK, ACK, ifi(0, attrString(53, 'baz'))),
  ], LINK],
  ['alternative names of a bridge port that is up (the bridge stays down)', [
    createLink('br0', 'bridge'), createLink('v0', 'veth'), step(RTM.RTM_SETLINK, ACK, ifi(3, attrU32(10, 2))), up(3), up(4),
    add(3, 'port0'), add(2, 'bridge0'), step(RTM.RTM_GETLINK, REQ, ifi(0, attrString(3, 'port0'))), del(3, 'port0'), step(RTM.RTM_DELLINK, ACK, ifi(0, attrString(53, 'bridge0'))),
  ], LINK],
]);

/** propListHeader returns the raw nla_type of IFLA_PROP_LIST in device `index`'s RTM_NEWLINK (flags included). */
function propListHeader(factory: SocketFactory, index: number): number | undefined {
  const s = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    s.bind({ pid: 0, groups: 0 });
    s.sendto(encodeMessage({ type: RTM.RTM_GETLINK, flags: REQ, seq: 1, pid: 0 }, ifi(index)), { pid: 0, groups: 0 });
    const [m] = decodeMessages(s.recvmsg({ bufferSize: 65536 }).data);
    return attrsToArray(m!.payload, 16).find((a) => a.type === 52)?.flags;
  } finally {
    s.close();
  }
}

describeKernel('IFLA_PROP_LIST is a nest with NLA_F_NESTED: simulator and Linux', (openNamespace) => {
  it('reports the same nla_type bits', () => {
    const ns = openNamespace();
    try {
      const sim = createHostKernel();
      for (const f of [ns, sim] as SocketFactory[]) {
        const s = f.socket(SOCK_RAW, NETLINK_ROUTE);
        s.bind({ pid: 0, groups: 0 });
        s.sendto(encodeMessage({ type: RTM.RTM_NEWLINKPROP, flags: ACK, seq: 1, pid: 0 }, ifi(1, plist('loop'))), { pid: 0, groups: 0 });
        s.recvmsg();
        s.close();
      }
      expect(propListHeader(sim, 1)).toBe(propListHeader(ns, 1));
    } finally {
      ns.close();
    }
  });
});
