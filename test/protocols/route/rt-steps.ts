/** Request builders for address, route, neighbour and rule scenarios (shared by the differential tests). */
import { encodeIfAddrMsg, type IfAddrMsg } from '../../../protocols/route/core/ifaddrmsg.js';
import { encodeRtMsg, type RtMsg } from '../../../protocols/route/core/rtmsg.js';
import { IFA, IFF, RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import type { Step } from './link-differential.js';
import { encodeIfInfoMsg, type IfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';

const ifinfo = (m: Partial<IfInfoMsg>, ...attrs: Uint8Array[]) => concat(encodeIfInfoMsg(m), ...attrs);

/** ip parses dotted IPv4 or (full or ::-abbreviated) IPv6 text into bytes. */
export function ip(text: string): Uint8Array {
  if (!text.includes(':')) return Uint8Array.from(text.split('.').map(Number));
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** group is the bind() mask bit of an RTNLGRP_* group. */
export const group = (g: number) => 1 << (g - 1);
/** ALL_GROUPS: link, IPv4/IPv6 address and route, neighbour and rule notifications. */
export const ALL_GROUPS = [
  RTNLGRP.RTNLGRP_LINK, RTNLGRP.RTNLGRP_IPV4_IFADDR, RTNLGRP.RTNLGRP_IPV6_IFADDR, RTNLGRP.RTNLGRP_IPV4_ROUTE, RTNLGRP.RTNLGRP_IPV6_ROUTE,
  RTNLGRP.RTNLGRP_NEIGH, RTNLGRP.RTNLGRP_IPV4_RULE, RTNLGRP.RTNLGRP_IPV6_RULE,
].reduce((m, g) => m | group(g), 0);
/** ADDR_ROUTE_GROUPS: address and route notifications of both families. */
export const ADDR_ROUTE_GROUPS = [RTNLGRP.RTNLGRP_IPV4_IFADDR, RTNLGRP.RTNLGRP_IPV6_IFADDR, RTNLGRP.RTNLGRP_IPV4_ROUTE, RTNLGRP.RTNLGRP_IPV6_ROUTE].reduce(
  (m, g) => m | group(g),
  0,
);

const ACK = NLM_F_REQUEST | NLM_F_ACK;
/** NEW: a create request with ACK and EXCL (ip addr add / ip route add). */
export const NEW = ACK | NLM_F_CREATE | NLM_F_EXCL;

/** up / down set IFF_UP on a device. */
export const up = (index: number): Step => ({ type: RTM.RTM_SETLINK, flags: ACK, payload: ifinfo({ index, flags: IFF.IFF_UP, change: IFF.IFF_UP }) });
export const down = (index: number): Step => ({ type: RTM.RTM_SETLINK, flags: ACK, payload: ifinfo({ index, flags: 0, change: IFF.IFF_UP }) });

/** createLink creates a device of `kind` named `name` (veth pairs get `name`p as peer). */
export function createLink(name: string, kind: string, ...extra: Uint8Array[]): Step {
  const data = kind === 'veth' ? [attr(2, attr(1, ifinfo({}, attrString(3, `${name}p`))))] : [];
  return { type: RTM.RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(3, name), ...extra, attr(18, concat(attrString(1, kind), ...data))) };
}

/** addr builds an address request: ifaddrmsg plus IFA_LOCAL (and IFA_ADDRESS for IPv6). */
export function addrMsg(type: number, flags: number, m: Partial<IfAddrMsg>, address: string | null, ...attrs: Uint8Array[]): Step {
  const fam = m.family ?? (address?.includes(':') ? 10 : 2);
  const a = address === null ? [] : fam === 10 ? [attr(IFA.IFA_ADDRESS, ip(address))] : [attr(IFA.IFA_LOCAL, ip(address))];
  return { type, flags, payload: concat(encodeIfAddrMsg({ ...m, family: fam }), ...a, ...attrs) };
}
/** addAddr / delAddr: ip addr add / del ADDRESS/PLEN dev INDEX. */
export const addAddr = (index: number, cidr: string, m: Partial<IfAddrMsg> = {}, ...attrs: Uint8Array[]) => {
  const [a, plen] = cidr.split('/') as [string, string];
  return addrMsg(RTM.RTM_NEWADDR, NEW, { prefixlen: Number(plen), index, ...m }, a, ...attrs);
};
export const delAddr = (index: number, cidr: string, m: Partial<IfAddrMsg> = {}, ...attrs: Uint8Array[]) => {
  const [a, plen] = cidr.split('/') as [string, string];
  return addrMsg(RTM.RTM_DELADDR, ACK, { prefixlen: Number(plen), index, ...m }, a, ...attrs);
};
/** dumpAddr: RTM_GETADDR dump for `family`. */
export const dumpAddr = (family = 0, m: Partial<IfAddrMsg> = {}, ...attrs: Uint8Array[]): Step => ({
  type: RTM.RTM_GETADDR,
  flags: NLM_F_REQUEST | NLM_F_DUMP,
  payload: concat(encodeIfAddrMsg({ ...m, family }), ...attrs),
});

/** rt builds a route request: rtmsg then attributes. */
export const rt = (type: number, flags: number, m: Partial<RtMsg>, ...attrs: Uint8Array[]): Step => ({ type, flags, payload: concat(encodeRtMsg(m), ...attrs) });
/** dst / gw / oif / prio / table: RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PRIORITY, RTA_TABLE. */
export const dst = (a: string) => attr(1, ip(a));
export const gw = (a: string) => attr(5, ip(a));
export const oif = (i: number) => attrU32(4, i);
export const prio = (p: number) => attrU32(6, p);
export const table = (t: number) => attrU32(15, t);
export const prefsrc = (a: string) => attr(7, ip(a));
/** dumpRoute: RTM_GETROUTE dump for `family`. */
export const dumpRoute = (family = 0, m: Partial<RtMsg> = {}, ...attrs: Uint8Array[]): Step => rt(RTM.RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, { ...m, family }, ...attrs);
/** addRoute / delRoute: ip route add/del with rtmsg fields (main table, static, universe, unicast by default). */
export const addRoute = (m: Partial<RtMsg>, ...attrs: Uint8Array[]) =>
  rt(RTM.RTM_NEWROUTE, NEW, { family: 2, table: 254, protocol: 3, scope: 0, type: 1, ...m }, ...attrs);
export const delRoute = (m: Partial<RtMsg>, ...attrs: Uint8Array[]) => rt(RTM.RTM_DELROUTE, ACK, { family: 2, table: 254, scope: 255, ...m }, ...attrs);
/** getRoute: ip route get (RTM_GETROUTE doit). */
export const getRoute = (m: Partial<RtMsg>, ...attrs: Uint8Array[]) => rt(RTM.RTM_GETROUTE, NLM_F_REQUEST, { family: 2, ...m }, ...attrs);

/** ndmsg builds struct ndmsg: family, ifindex, state, flags, type. */
export function ndmsg(m: { family?: number; index?: number; state?: number; flags?: number; type?: number }): Uint8Array {
  const b = new Uint8Array(12);
  b[0] = m.family ?? 0;
  const v = new DataView(b.buffer);
  v.setInt32(4, m.index ?? 0, true);
  v.setUint16(8, m.state ?? 0, true);
  b[10] = m.flags ?? 0;
  b[11] = m.type ?? 0;
  return b;
}
/** NUD_PERMANENT: a static neighbour entry. */
export const NUD_PERMANENT = 0x80;
/** neigh builds a neighbour request (NDA_DST, optional NDA_LLADDR). */
export const neigh = (type: number, flags: number, m: Parameters<typeof ndmsg>[0], address: string | null, lladdr?: Uint8Array, ...attrs: Uint8Array[]): Step => ({
  type,
  flags,
  payload: concat(ndmsg({ family: address?.includes(':') ? 10 : 2, ...m }), ...(address ? [attr(1, ip(address))] : []), ...(lladdr ? [attr(2, lladdr)] : []), ...attrs),
});
/** fibRuleHdr builds struct fib_rule_hdr. */
export function fibRuleHdr(m: { family?: number; dstLen?: number; srcLen?: number; tos?: number; table?: number; action?: number; flags?: number }): Uint8Array {
  const b = new Uint8Array(12);
  b[0] = m.family ?? 0;
  b[1] = m.dstLen ?? 0;
  b[2] = m.srcLen ?? 0;
  b[3] = m.tos ?? 0;
  b[4] = m.table ?? 0;
  b[7] = m.action ?? 0;
  new DataView(b.buffer).setUint32(8, m.flags ?? 0, true);
  return b;
}
/** rule builds a rule request. */
export const rule = (type: number, flags: number, m: Parameters<typeof fibRuleHdr>[0], ...attrs: Uint8Array[]): Step => ({ type, flags, payload: concat(fibRuleHdr(m), ...attrs) });
