/**
 * IPv6 address labels, simulator against Linux: the default table dumped in its order with
 * the table's seq, lookups (prefix, v4-compatible, v4-mapped and loopback entries, devices),
 * labels added, replaced and deleted with their bare errors, strict and liberal checking.
 */
import { RTM } from '../../../protocols/route/core/uapi.js';
import { NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { createLink, ip } from './rt-steps.js';
import { ACK, describeRequests, DUMP, REQ, step, u32 } from './request-scenarios.js';

const ifal = (plen = 0, index = 0, o: { fam?: number; resv?: number; flags?: number; seq?: number } = {}) =>
  concat(Uint8Array.of(o.fam ?? 10, o.resv ?? 0, plen, o.flags ?? 0), u32(index), u32(o.seq ?? 0));
const addr = (text: string) => attr(1, ip(text));
const label = (v: number) => attrU32(2, v);
const dump = (p = ifal()) => step(RTM.RTM_GETADDRLABEL, DUMP, p);
const get = (text: string, index = 0, plen = 128) => step(RTM.RTM_GETADDRLABEL, REQ, concat(ifal(plen, index), addr(text)));
const add = (text: string, plen: number, l: number, index = 0, flags = ACK) => step(RTM.RTM_NEWADDRLABEL, flags, concat(ifal(plen, index), addr(text), label(l)));
const del = (text: string, plen: number, l: number, index = 0) => step(RTM.RTM_DELADDRLABEL, ACK, concat(ifal(plen, index), addr(text), label(l)));

describeRequests('RTM_*ADDRLABEL: simulator and Linux, message for message', [
  ['address label dumps and lookups', [
    dump(), dump(ifal(0, 0, { fam: 0 })), dump(ifal(0, 0, { fam: 2 })), dump(ifal(1)), dump(ifal(0, 1)), dump(ifal(0, 0, { seq: 5 })), dump(concat(ifal(), label(1))), dump(Uint8Array.of(10)),
    get('2001:db8::1'), get('::a00:1'), get('::ffff:a00:1'), get('::1'), get('::'), get('fe80::1'), get('fc01::1'), get('2001:10::5'), get('3ffe::1'), get('2002::1'), get('fec0::1'),
    get('2001:db8::1', 1), get('2001:db8::1', 99), get('2001:db8::1', 0, 64), step(RTM.RTM_GETADDRLABEL, REQ, ifal(128)), step(RTM.RTM_GETADDRLABEL, REQ, Uint8Array.of(10, 0, 128, 0)),
    step(RTM.RTM_GETADDRLABEL, REQ, concat(ifal(128, 0, { seq: 3 }), addr('::1'))), step(RTM.RTM_GETADDRLABEL, REQ, concat(ifal(128), addr('::1'), label(3))),
    step(RTM.RTM_GETADDRLABEL, REQ, concat(ifal(128), attr(1, new Uint8Array(8)))), step(RTM.RTM_GETADDRLABEL, ACK, concat(ifal(128, 0, { fam: 0 }), addr('::1'))),
    step(RTM.RTM_GETADDRLABEL, REQ, concat(ifal(128), addr('::1'), attrU32(7, 1))),
  ]],
  ['address labels added, replaced and deleted', [
    createLink('v0', 'veth'),
    add('2001:db8::1', 64, 99), dump(), get('2001:db8::5'), add('2001:db8::', 64, 100), add('2001:db8::', 64, 100, 0, ACK | NLM_F_REPLACE), get('2001:db8::5'),
    add('2001:db8::', 64, 7, 2), add('2001:db8::', 48, 8, 3), add('2001:db8::', 64, 9, 3), dump(), get('2001:db8::5', 2), get('2001:db8::5', 3), get('2001:db8::5', 1),
    add('::ffff:1.2.3.4', 120, 5), add('::ffff:1.2.3.4', 96, 5), add('::ffff:1.2.0.0', 80, 5), add('::1', 128, 4), add('::1', 100, 4), add('::a00:0', 96, 13), add('::', 0, 14, 2),
    add('2001:db8::', 129, 5), add('2001:db8::', 64, 0xffffffff), add('2001:db8::', 64, 5, 99), step(RTM.RTM_NEWADDRLABEL, ACK, concat(ifal(64), addr('2001:db8::'))),
    step(RTM.RTM_NEWADDRLABEL, ACK, concat(ifal(64), label(5))), step(RTM.RTM_NEWADDRLABEL, ACK, concat(ifal(64, 0, { fam: 2 }), addr('2001:db8::'), label(5))),
    dump(), get('::ffff:1.2.3.4'), get('::a00:1'), get('::1'),
    del('2001:db8::ff', 64, 0), del('2001:db8::', 64, 0), del('2001:db8::', 64, 0, 2), del('2001:db8::', 32, 0), del('2001:db8::', 64, 0xffffffff), del('::', 0, 1), dump(),
    step(RTM.RTM_DELLINK, ACK, ifal(0, 3, { fam: 0 })), dump(),
  ]],
]);
