/**
 * The plausible half of the route fuzzer's grammar: requests shaped as iproute2 builds them
 * (`ip link add … type veth|bridge|vlan`, `ip addr add … peer … brd … valid_lft …`,
 * `ip route add|replace|append … via … table … metric …`, rules, neighbours, nexthop groups,
 * `tc qdisc|class|filter`), each argument drawn from small pools with the wire type's
 * boundaries mixed in. These get past the parsers, so sequences of them build and tear down
 * shared state (a broadcast route two addresses share, a nexthop a route and a group use, a
 * bridge port's vlan), which is where the model's consistency is tested. Any of them may get
 * one mutation on top (rtnl-grammar.ts).
 */
import fc from 'fast-check';
import { RTM } from '../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST } from '../../sim/uapi/netlink.js';
import { be16, cat, le16, le32, nla, text, U32_EDGES, v6 } from './rtnl-values.js';

type Message = [type: number, flags: number, payload: Uint8Array];

const REQ = NLM_F_REQUEST | NLM_F_ACK;
const ADD = REQ | NLM_F_CREATE | NLM_F_EXCL;
const verb = fc.constantFrom(ADD, ADD, REQ | NLM_F_CREATE | NLM_F_REPLACE, REQ | NLM_F_CREATE | NLM_F_APPEND, REQ | NLM_F_REPLACE, REQ);

/** opt adds an attribute with probability 1/(n+1). */
const opt = (arb: fc.Arbitrary<Uint8Array>, n = 2) => fc.oneof({ weight: n, arbitrary: fc.constant(new Uint8Array(0)) }, { weight: 1, arbitrary: arb });
const edge32 = (...likely: number[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...likely) }, { weight: 1, arbitrary: fc.constantFrom(...U32_EDGES) });
const u32a = (t: number, ...likely: number[]) => edge32(...likely).map((v) => nla(t, le32(v)));
const u8a = (t: number, ...likely: number[]) => fc.constantFrom(...likely).map((v) => nla(t, Uint8Array.of(v)));
const u16a = (t: number, ...likely: number[]) => fc.constantFrom(...likely).map((v) => nla(t, le16(v)));

const dev = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(1, 1, 2, 3, 4, 5, 6) }, { weight: 1, arbitrary: fc.constantFrom(0, 7, 0x80000001) });
const NEW_NAMES = ['v1', 'v1p', 'b1', 'd1', 'i1', 'vl0', 'vl1', 'v0', 'lo'];
const name = fc.constantFrom(...NEW_NAMES);
const ifinfo = (index: number, flags = 0, change = 0, family = 0) => cat(Uint8Array.of(family, 0, 0, 0), le32(index), le32(flags), le32(change));
const mac = fc.constantFrom(1, 2, 3, 0x30).map((n) => Uint8Array.of(2, 0, 0, 0, 0, n));

// ---- links ----

const linkinfo = (kind: string, data?: Uint8Array) => nla(18, cat(nla(1, text(kind)), ...(data ? [nla(2 | 0x8000, data)] : [])));
const vethAdd = fc.tuple(name, name, fc.constantFrom(0, 0, 0, 10, 0x7fffffff, 0x80000001), opt(mac.map((m) => nla(1, m))), opt(u32a(4, 1500, 68, 9000, 65535, 65536))).map(
  ([n, p, peerIndex, addr, mtu]) => cat(ifinfo(0), nla(3, text(n)), addr, mtu, linkinfo('veth', nla(1, cat(ifinfo(peerIndex), nla(3, text(p)))))),
);
const bridgeOpts = fc.array(fc.oneof(u8a(7, 0, 1), u32a(5, 0, 1), u32a(4, 0, 100, 30000), u16a(6, 0, 0x8000, 0xffff), u8a(23, 0, 1), u32a(1, 200, 3000), u8a(16, 0, 1), u16a(39, 1, 4094, 4095)), { maxLength: 3 }).map((xs) => cat(...xs));
const bridgeAdd = fc.tuple(name, opt(mac.map((m) => nla(1, m))), bridgeOpts).map(([n, addr, o]) => cat(ifinfo(0), nla(3, text(n)), addr, linkinfo('bridge', o.length ? o : undefined)));
const simpleAdd = fc.tuple(name, fc.constantFrom('dummy', 'ifb', 'bond', 'nosuch'), opt(u32a(4, 1500, 0, 68))).map(([n, k, mtu]) => cat(ifinfo(0), nla(3, text(n)), mtu, linkinfo(k)));
const vlanAdd = fc.tuple(name, dev, fc.constantFrom(0, 1, 100, 4094, 4095), fc.constantFrom(0x8100, 0x88a8, 0x0800)).map(([n, link, id, proto]) =>
  cat(ifinfo(0), nla(3, text(n)), nla(5, le32(link)), linkinfo('vlan', cat(nla(1, le16(id)), nla(5 | 0x4000, be16(proto))))),
);
const linkAdd = fc.oneof(vethAdd, bridgeAdd, simpleAdd, vlanAdd).map((p): Message => [RTM.RTM_NEWLINK, ADD, p]);
const linkSet = fc.tuple(dev, fc.oneof(
  fc.constantFrom(ifinfo(0, 1, 1), ifinfo(0, 0, 1), ifinfo(0, 1, 0xffffffff), ifinfo(0, 0x100, 0x100), ifinfo(0, 0x1000, 0x1000)).map((h) => [h, new Uint8Array(0)] as const),
  u32a(4, 1500, 1280, 1279, 68, 67, 65535, 65536, 0).map((a) => [ifinfo(0), a] as const),
  dev.map((m) => [ifinfo(0), nla(10, le32(m))] as const),
  fc.constant([ifinfo(0), nla(10, le32(0))] as const),
  mac.map((m) => [ifinfo(0), nla(1, m)] as const),
  name.map((n) => [ifinfo(0), nla(3, text(n))] as const),
  fc.constantFrom(0, 1, 2, 3, 4).map((m) => [ifinfo(0), nla(26, nla(10, nla(8, Uint8Array.of(m))))] as const),
  u32a(13, 0, 1000, 0xffffffff).map((a) => [ifinfo(0), a] as const),
)).map(([index, [h, a]]): Message => {
  const head = h.slice();
  head.set(le32(index), 4);
  return [RTM.RTM_SETLINK, REQ, cat(head, a)];
});
const linkDel = fc.oneof(dev.map((i) => ifinfo(i)), name.map((n) => cat(ifinfo(0), nla(3, text(n))))).map((p): Message => [RTM.RTM_DELLINK, REQ, p]);

// ---- addresses ----

const IP4 = [[10, 0, 0, 1], [10, 0, 0, 2], [10, 0, 1, 1], [10, 3, 0, 0], [10, 3, 1, 3], [10, 1, 3, 4], [127, 0, 0, 2], [192, 168, 1, 1], [224, 0, 0, 5], [0, 0, 0, 0], [255, 255, 255, 255]].map((a) => Uint8Array.from(a));
const ip4 = fc.constantFrom(...IP4);
const IP6 = [v6([0x20, 1, 0xd, 0xb8], [1]), v6([0x20, 1, 0xd, 0xb8], [2]), v6([0x20, 1, 0xd, 0xb8, 0, 1], [1]), v6([0xfe, 0x80], [1]), v6([], [1]), v6([0xff, 2], [1]), v6([])];
const ip6 = fc.constantFrom(...IP6);
const plen4 = fc.constantFrom(0, 8, 16, 24, 24, 30, 31, 32, 32, 33);
const plen6 = fc.constantFrom(0, 48, 64, 64, 127, 128, 128, 129);
const lifetimes = fc.tuple(fc.constantFrom(0, 1, 30, 0xffffffff), fc.constantFrom(1, 30, 60, 0xffffffff)).map(([pref, valid]) => nla(6, cat(le32(pref), le32(valid), le32(0), le32(0))));
/** Peers and broadcasts from pools of three, so that two addresses share one now and then (a route both own). */
const peer4 = fc.constantFrom(...[[10, 1, 0, 0], [10, 0, 1, 6], [10, 0, 0, 2]].map((a) => Uint8Array.from(a)));
const brd4 = fc.constantFrom(...[[10, 1, 3, 4], [10, 0, 0, 255], [255, 255, 255, 255]].map((a) => Uint8Array.from(a)));
const addr4 = fc.tuple(verb, plen4, dev, ip4, opt(peer4.map((p) => nla(1, p)), 1), opt(brd4.map((b) => nla(4, b)), 1), opt(fc.constantFrom('lo', 'lo:1', 'd0:x', 'v0', 'a'.repeat(16)).map((l) => nla(3, text(l)))),
  opt(edge32(0x80, 0x200, 0x80000000, 0x400).map((f) => nla(8, le32(f)))), opt(lifetimes), opt(u32a(9, 0, 100, 0xffffffff)), fc.constantFrom(0, 0, 200, 253, 254)).map(
  ([flags, plen, index, local, peer, brd, label, ifaFlags, lft, metric, scope]): Message => [RTM.RTM_NEWADDR, flags, cat(Uint8Array.of(2, plen, 0, scope), le32(index), nla(2, local), peer, brd, label, ifaFlags, lft, metric)],
);
const addr6 = fc.tuple(verb, plen6, dev, ip6, opt(ip6.map((p) => nla(2, p)), 4), opt(edge32(0x02, 0x200, 0x02 | 0x200, 0x100, 0x80000002).map((f) => nla(8, le32(f)))), opt(lifetimes), opt(u32a(9, 0, 100))).map(
  ([flags, plen, index, a, peer, ifaFlags, lft, metric]): Message => [RTM.RTM_NEWADDR, flags, cat(Uint8Array.of(10, plen, 0, 0), le32(index), nla(1, a), peer, ifaFlags, lft, metric)],
);
const addrDel = fc.oneof(
  fc.tuple(plen4, dev, opt(ip4.map((l) => nla(2, l)), 1), opt(ip4.map((p) => nla(1, p)))).map(([plen, index, local, peer]) => cat(Uint8Array.of(2, plen, 0, 0), le32(index), local, peer)),
  fc.tuple(plen6, dev, ip6).map(([plen, index, a]) => cat(Uint8Array.of(10, plen, 0, 0), le32(index), nla(1, a))),
).map((p): Message => [RTM.RTM_DELADDR, REQ, p]);

// ---- routes ----

const TABLES = [254, 254, 255, 100, 0, 253];
const RTN = [1, 1, 1, 2, 3, 6, 7, 8, 9, 10, 5, 0, 12];
const route = (family: number) => {
  const ip = family === 10 ? ip6 : ip4;
  const plen = family === 10 ? plen6 : plen4;
  return fc.tuple(fc.constantFrom(RTM.RTM_NEWROUTE, RTM.RTM_NEWROUTE, RTM.RTM_DELROUTE, RTM.RTM_GETROUTE), verb, plen, fc.constantFrom(...TABLES), fc.constantFrom(...RTN), fc.constantFrom(0, 0, 253, 254, 200, 255), fc.constantFrom(3, 3, 4, 2, 16),
    opt(ip.map((d) => nla(1, d)), 1), opt(ip.map((g) => nla(5, g))), opt(dev.map((i) => nla(4, le32(i))), 1), opt(u32a(6, 0, 1, 100, 1024, 0xffffffff)), opt(u32a(15, 100, 254, 255, 0x10000, 0xffffffff), 3),
    opt(ip.map((s) => nla(7, s)), 3), opt(fc.constantFrom(2, 1, 3).map((n) => nla(30, le32(n))), 4),
    opt(fc.tuple(ip, dev, ip, dev).map(([g1, d1, g2, d2]) => nla(9, cat(le16(8 + 4 + g1.length), Uint8Array.of(0, 0), le32(d1), nla(5, g1), le16(8 + 4 + g2.length), Uint8Array.of(0, 1), le32(d2), nla(5, g2)))), 4),
    opt(fc.constantFrom(1280, 1500, 0, 0xffffffff).map((m) => nla(8, nla(2, le32(m)))), 4), fc.constantFrom(0, 0, 0x100, 0x2000)).map(
    ([type, flags, dl, table, rtn, scope, proto, dst, gw, oif, prio, tb32, prefsrc, nhid, mp, metrics, rtmFlags]): Message => [
      type, type === RTM.RTM_NEWROUTE ? flags : type === RTM.RTM_GETROUTE ? NLM_F_REQUEST : REQ,
      cat(Uint8Array.of(family, dl, 0, 0, table, proto, scope, rtn), le32(rtmFlags), dst, gw, oif, prio, tb32, prefsrc, nhid, mp, metrics),
    ],
  );
};

// ---- rules, neighbours, nexthops ----

const rule = fc.tuple(fc.constantFrom(RTM.RTM_NEWRULE, RTM.RTM_NEWRULE, RTM.RTM_DELRULE), fc.constantFrom(2, 10), fc.constantFrom(0, 8, 24, 32), fc.constantFrom(254, 255, 100, 0), fc.constantFrom(1, 1, 2, 3, 4, 6, 7, 8),
  opt(u32a(6, 0, 1, 100, 32766, 32767, 0xffffffff), 1), opt(u32a(15, 100, 0x10000)), opt(u32a(4, 100, 0, 1)), opt(fc.constantFrom('lo', 'v0', 'nosuch').map((n) => nla(3, text(n)))),
  opt(u32a(10, 1, 0xffffffff)), opt(u8a(21, 0, 4, 255)), opt(u32a(14, 0, 24, 0xffffffff))).map(
  ([type, fam, len, table, action, prio, tb32, goto_, iif, mark, proto, supp]): Message => {
    const src = len ? (fam === 10 ? nla(2, IP6[0]!) : nla(2, IP4[0]!)) : new Uint8Array(0);
    return [type, type === RTM.RTM_NEWRULE ? ADD : REQ, cat(Uint8Array.of(fam, 0, len, 0, table, 0, 0, action), le32(0), src, prio, tb32, goto_, iif, mark, proto, supp)];
  },
);
const neigh = fc.tuple(fc.constantFrom(RTM.RTM_NEWNEIGH, RTM.RTM_NEWNEIGH, RTM.RTM_DELNEIGH, RTM.RTM_GETNEIGH), verb, fc.constantFrom(2, 2, 10, 7), dev, fc.constantFrom(0x80, 0x80, 0x40, 0x02, 0x04, 0x08, 0x20, 0),
  fc.constantFrom(0, 0, 0x08, 0x80, 0x02, 0x04, 0x10), opt(mac.map((m) => nla(2, m)), 1), opt(fc.constantFrom(1, 5, 4094, 4095).map((v) => nla(5, le16(v))))).map(
  ([type, flags, fam, index, state, ntf, ll, vlan]): Message => {
    const dst = fam === 7 ? new Uint8Array(0) : nla(1, fam === 10 ? IP6[0]! : IP4[1]!);
    return [type, type === RTM.RTM_NEWNEIGH ? flags : type === RTM.RTM_GETNEIGH ? NLM_F_REQUEST : REQ, cat(Uint8Array.of(fam, 0, 0, 0), le32(index), le16(state), Uint8Array.of(ntf, 0), dst, ll, vlan)];
  },
);
const nhId = fc.constantFrom(1, 2, 3, 4, 0, 0xffffffff);
const nexthop = fc.tuple(fc.constantFrom(RTM.RTM_NEWNEXTHOP, RTM.RTM_NEWNEXTHOP, RTM.RTM_DELNEXTHOP, RTM.RTM_GETNEXTHOP), verb, nhId, fc.oneof(
  fc.tuple(fc.constantFrom(2, 10), dev, fc.boolean()).map(([fam, oif, gw]) => [fam, cat(nla(5, le32(oif)), gw ? nla(6, fam === 10 ? IP6[1]! : IP4[1]!) : new Uint8Array(0))] as const),
  fc.constant([0, nla(4, new Uint8Array(0))] as const),
  fc.tuple(fc.array(fc.tuple(nhId, fc.constantFrom(0, 1, 255)), { minLength: 1, maxLength: 3 }), fc.constantFrom(0, 1)).map(([members, type]) =>
    [0, cat(nla(2, cat(...members.map(([id, w]) => cat(le32(id), Uint8Array.of(w, 0, 0, 0))))), nla(3, le16(type)), ...(type === 1 ? [nla(12, nla(1, le16(8)))] : []))] as const),
)).map(([type, flags, id, [fam, rest]]): Message => [type, type === RTM.RTM_NEWNEXTHOP ? flags : type === RTM.RTM_GETNEXTHOP ? NLM_F_REQUEST : REQ, cat(Uint8Array.of(fam, 0, 3, 0), le32(0), nla(1, le32(id)), type === RTM.RTM_NEWNEXTHOP ? rest : new Uint8Array(0))]);

// ---- traffic control ----

const tcHandle = fc.constantFrom(0, 0x10000, 0x20000, 0x10001, 0xffffffff, 0xfffffff1, 0xffff0000);
const tc = fc.tuple(fc.constantFrom(RTM.RTM_NEWQDISC, RTM.RTM_NEWQDISC, RTM.RTM_DELQDISC, RTM.RTM_NEWTCLASS, RTM.RTM_DELTCLASS, RTM.RTM_NEWTFILTER, RTM.RTM_DELTFILTER), verb, dev, tcHandle, tcHandle,
  fc.constantFrom('pfifo', 'bfifo', 'htb', 'tbf', 'ingress', 'clsact', 'noqueue', 'pfifo_fast', 'basic', 'matchall'),
  fc.oneof(fc.constant(new Uint8Array(0)), fc.constantFrom(0, 1, 1000, 0xffffffff).map((l) => nla(2, le32(l))), fc.uint8Array({ minLength: 20, maxLength: 44 }).map((b) => nla(2, nla(1, b)))), fc.constantFrom(0, 0x10003, 0x10800)).map(
  ([type, flags, index, handle, parent, kind, options, info]): Message => [type, type === RTM.RTM_DELQDISC || type === RTM.RTM_DELTCLASS || type === RTM.RTM_DELTFILTER ? REQ : flags,
    cat(Uint8Array.of(0, 0, 0, 0), le32(index), le32(handle), le32(parent), le32(info), nla(1, text(kind)), options)],
);

/** Dumps, as programs send them (with and without filters). */
const dump = fc.tuple(fc.constantFrom(RTM.RTM_GETLINK, RTM.RTM_GETADDR, RTM.RTM_GETROUTE, RTM.RTM_GETNEIGH, RTM.RTM_GETRULE, RTM.RTM_GETNEXTHOP, RTM.RTM_GETQDISC, RTM.RTM_GETTCLASS, RTM.RTM_GETTFILTER, RTM.RTM_GETNETCONF, RTM.RTM_GETSTATS),
  fc.constantFrom(0, 2, 10, 7), dev).map(([type, fam, index]): Message => {
  const len = ({ [RTM.RTM_GETLINK]: 16, [RTM.RTM_GETADDR]: 8, [RTM.RTM_GETNEXTHOP]: 8, [RTM.RTM_GETNETCONF]: 4, [RTM.RTM_GETSTATS]: 12 } as Record<number, number>)[type] ?? (type >= RTM.RTM_GETQDISC && type <= RTM.RTM_GETTFILTER ? 20 : 12);
  const h = new Uint8Array(len);
  h[0] = fam;
  if (len >= 8 && type !== RTM.RTM_GETADDR) h.set(le32(index), 4);
  if (type === RTM.RTM_GETSTATS) h.set(le32(1), 8);
  return [type, NLM_F_REQUEST | NLM_F_DUMP, h];
});

/** plausibleMessage is one request as a program would send it. */
export const plausibleMessage: fc.Arbitrary<Message> = fc.oneof(
  { weight: 4, arbitrary: linkAdd },
  { weight: 5, arbitrary: linkSet },
  { weight: 2, arbitrary: linkDel },
  { weight: 6, arbitrary: addr4 },
  { weight: 3, arbitrary: addr6 },
  { weight: 3, arbitrary: addrDel },
  { weight: 5, arbitrary: route(2) },
  { weight: 3, arbitrary: route(10) },
  { weight: 2, arbitrary: rule },
  { weight: 3, arbitrary: neigh },
  { weight: 3, arbitrary: nexthop },
  { weight: 3, arbitrary: tc },
  { weight: 2, arbitrary: dump },
);
