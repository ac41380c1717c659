/**
 * The chaotic half of the route fuzzer's grammar: for every message type the route model
 * handles, its family header and any of the attributes its handler reads, each drawn from
 * the value pools and boundaries of rtnl-values.ts, in any number and order, with garbage
 * attributes mixed in. Most of these requests are refused, and that is their point.
 */
import fc from 'fast-check';
import { RTM } from '../../protocols/route/core/uapi.js';
import { NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST } from '../../sim/uapi/netlink.js';
import { type AttrArb, le16, le32, cat, u8, u16, u32, ifindex, addr, mac, a, aU8, aU16, aBe16, aU32, aIdx, aU64, aFlag, aBin, aStr, aName, aAddr, nest, attrs, scalars, family, ifinfomsg } from './rtnl-values.js';

// ---- links ----

const ipv4Conf = nest(1, [fc.integer({ min: 1, max: 34 }).chain((t) => aU32(t, 0, 1, 2))], 3);
const afSpec = nest(26, [
  nest(2, [ipv4Conf], 1),
  nest(10, [aU8(8), aAddr(7, 10), aU32(1), aBin(2, 12), aU8(9)], 3),
  nest(7, [aU16(0), aU16(1), aU16(2)], 2),
], 2);
const PEER_LINK: AttrArb[] = [aName(3), a(1, mac), aU32(4, 68, 1280, 1500, 65535), aU32(13), aU32(19, 1, 0x7fffffff), aU32(28, 1)];
const vethData = nest(2, [a(1, fc.tuple(ifinfomsg(), attrs(PEER_LINK, 3)).map(([h, rest]) => cat(h, rest)))], 1);
const vlanData = nest(2, [aU16(1), aBin(2, 8), aBe16(5, 0x8100, 0x88a8, 0x0800)], 3);
const bridgeData = nest(2, scalars(48), 4);
const linkinfo = nest(18, [
  aStr(1, 'veth', 'bridge', 'dummy', 'ifb', 'vlan', 'bond', 'vxlan', 'nosuch'),
  vethData, vlanData, bridgeData,
  nest(5, scalars(42), 3),
], 3);
const LINK_ATTRS: AttrArb[] = [
  aName(3), aName(3), linkinfo, linkinfo, aU32(4, 0, 67, 68, 1279, 1280, 1500, 9000, 65535, 65536), aIdx(5), aIdx(10), aU32(13, 0, 1000),
  aU8(16), aU8(17), a(1, mac), a(2, mac), aU32(27), afSpec, aU32(29, 1, 8, 0xffffffff), aName(53), aU32(31, 0, 1, 4096), aU32(32, 0, 1, 4096),
  aU8(33), aU8(39), aU32(40, 0, 65536), aU32(41, 0, 65535), aU32(46, 0, 0xffffffff), a(49, ifindex.map(le32)), aU32(50), aU32(51), aU32(19, 1, 0x7fffffff),
  nest(52, [aName(53)], 3), aStr(20, 'a', ''), nest(43, scalars(8), 2), aU32(58), aU32(59),
];
const linkMsg = fc.tuple(ifinfomsg(), attrs(LINK_ATTRS, 5)).map(([h, rest]) => cat(h, rest));

// ---- addresses ----

const prefixlen = fc.oneof(fc.constantFrom(0, 8, 24, 31, 32, 64, 127, 128, 129, 255), u8);
const scope = fc.oneof(fc.constantFrom(0, 200, 253, 254, 255), u8);
const cacheinfo = fc.tuple(u32, u32, u32, u32).map((xs) => cat(...xs.map(le32)));
const IFA_FLAG_EDGES = [0, 0x02, 0x10, 0x80, 0x100, 0x200, 0x400, 0x800, 0x80000000, 0xffffffff];
const addrMsg = family.chain((fam) =>
  fc.tuple(prefixlen, u8, scope, ifindex, attrs([
    aAddr(1, fam), aAddr(2, fam), aAddr(2, fam), aName(3), aAddr(4, fam), aAddr(5, fam), a(6, cacheinfo), aU32(8, ...IFA_FLAG_EDGES), aU32(9), aU8(11), aU32(10),
  ], 5)).map(([plen, flags, sc, index, rest]) => cat(Uint8Array.of(fam, plen, flags, sc), le32(index), rest)),
);

// ---- routes ----

const rtnexthop = (fam: number) =>
  fc.tuple(fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 40 })), u8, u8, ifindex, attrs([aAddr(5, fam), aU32(11), a(20, fc.tuple(fc.constantFrom(2, 10), addr(fam)).map(([f, x]) => cat(le16(f), x)))], 2)).map(
    ([len, flags, hops, index, inner]) => cat(le16(len < 0 ? 8 + inner.length : len), Uint8Array.of(flags, hops), le32(index), inner),
  );
const RT_TABLES = [0, 1, 252, 253, 254, 255, 100, 0xffffffff];
const routeAttrs = (fam: number): AttrArb[] => [
  aAddr(1, fam), aAddr(1, fam), aAddr(2, fam), aIdx(3), aIdx(4), aIdx(4), aAddr(5, fam), aU32(6), aAddr(7, fam),
  nest(8, [fc.integer({ min: 1, max: 18 }).chain((t) => aU32(t, 0, 1, 1500)), aStr(16, 'cubic', 'reno', 'nosuch')], 3),
  a(9, fc.array(rtnexthop(fam), { maxLength: 3 }).map((hs) => cat(...hs))), aU32(11), aU32(15, ...RT_TABLES), aU32(16), aU8(22), aU16(21),
  a(20, fc.tuple(fc.constantFrom(2, 10, 0), addr(fam)).map(([f, x]) => cat(le16(f), x))), aU16(21), aBin(24, 12), aU32(25), aU32(27), aU8(28), aU8(29),
  aU16(30), aU16(31), aU32(30, 1, 2, 3, 4, 5), aU32(32, 1, 2, 3), aU32(32, 1, 2, 3),
];
const rtmsg = (fam: number) =>
  fc.tuple(prefixlen, prefixlen, u8, fc.oneof(fc.constantFrom(...RT_TABLES.map((t) => t & 0xff)), u8), fc.oneof(fc.constantFrom(0, 2, 3, 4, 16), u8), scope,
    fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), u8), fc.oneof(fc.constantFrom(0, 0x100, 0x200, 0x1000, 0x2000, 0x4000), u32)).map(
    ([dl, sl, tos, table, proto, sc, type, flags]) => cat(Uint8Array.of(fam, dl, sl, tos, table, proto, sc, type), le32(flags)),
  );
const routeMsg = family.chain((fam) => fc.tuple(rtmsg(fam), attrs(routeAttrs(fam), 5)).map(([h, rest]) => cat(h, rest)));

// ---- neighbours ----

const NUD = [0, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80];
const NTF = [0, 0x02, 0x04, 0x08, 0x10, 0x40, 0x80];
const neighMsg = fc.constantFrom(2, 10, 7, 0, 2, 10, 129).chain((fam) =>
  fc.tuple(ifindex, fc.oneof(fc.constantFrom(...NUD), u16), fc.oneof(fc.constantFrom(...NTF), u8), u8, attrs([
    aAddr(1, fam), aAddr(1, fam), a(2, mac), a(2, mac), a(3, cacheinfo), aU32(4), aU16(5), aBe16(6), aU32(7), aIdx(8), aIdx(9), aU8(12), aU32(13, 1, 2),
    aU32(15, 0, 1, 2, 0x80000000), aU16(16), aU8(17), nest(14, scalars(4), 2),
  ], 4)).map(([index, state, flags, type, rest]) => cat(Uint8Array.of(fam, 0, 0, 0), le32(index), le16(state), Uint8Array.of(flags, type), rest)),
);

// ---- rules ----

const ruleMsg = family.chain((fam) =>
  fc.tuple(prefixlen, prefixlen, u8, fc.oneof(fc.constantFrom(0, 254, 255, 100), u8), fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8), u8), fc.oneof(fc.constantFrom(0, 2, 0x10000), u32),
    attrs([
      aAddr(1, fam), aAddr(2, fam), aName(3), aU32(4, 0, 1, 100, 32766), aU32(6, 0, 1, 100, 32766, 32767, 0xffffffff), aU32(10), aU32(11), aU64(12), aU32(13), aU32(14), aU32(15, ...RT_TABLES),
      aU32(16), aName(17), aU8(19), aBin(20, 8), aU8(21), aU8(22), aBin(23, 4), aBin(24, 4), aU8(25), aU32(26), aU32(27),
    ], 5)).map(([dl, sl, tos, table, action, flags, rest]) => cat(Uint8Array.of(fam, dl, sl, tos, table, 0, 0, action), le32(flags), rest)),
);

// ---- nexthops ----

const nhGroup = fc.array(fc.tuple(fc.constantFrom(1, 2, 3, 4, 0, 0xffffffff), u8), { maxLength: 4 }).map((es) => cat(...es.map(([id, w]) => cat(le32(id), Uint8Array.of(w, 0, 0, 0)))));
const nexthopMsg = fc.constantFrom(0, 2, 10, 7).chain((fam) =>
  fc.tuple(u8, u8, fc.oneof(fc.constantFrom(0, 1, 4, 0x20), u32), attrs([
    aU32(1, 1, 2, 3, 4, 0xffffffff), aU32(1, 1, 2, 3), a(2, nhGroup), aU16(3), aFlag(4), aIdx(5), aIdx(5), aAddr(6, fam), aU16(7), aBin(8, 8), aFlag(9), aIdx(10), aFlag(11),
    nest(12, [aU16(1), aU32(2), aU32(3)], 3), aU32(14, 0, 1), aU32(16, 0, 1),
  ], 5)).map(([sc, proto, flags, rest]) => cat(Uint8Array.of(fam, sc, proto, 0), le32(flags), rest)),
);

// ---- traffic control ----

const TC_HANDLES = [0, 0x10000, 0x20000, 0x10001, 0xffff0000, 0xffffffff, 0xfffffff1, 0xfffffff2, 0xffff0001];
const tcHandle = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TC_HANDLES) }, { weight: 1, arbitrary: u32 });
const tcmsg = fc.tuple(fc.constantFrom(0, 0, 0, 2, 10), ifindex, tcHandle, tcHandle, u32).map(([f, index, handle, parent, info]) => cat(Uint8Array.of(f, 0, 0, 0), le32(index), le32(handle), le32(parent), le32(info)));
const TC_KINDS = ['pfifo', 'bfifo', 'pfifo_fast', 'noqueue', 'htb', 'tbf', 'ingress', 'clsact', 'prio', 'fq_codel', 'mq', 'netem', 'basic', 'matchall', 'u32', 'flower', 'nosuch'];
const tcOptions = fc.oneof(
  nest(2, [aBin(1, 44), aBin(2, 20), aBin(3, 16), aBin(4, 16), aU32(5), aU64(6), aU64(7), aU32(6)], 3),
  aBin(2, 40),
  nest(2, scalars(12), 3),
);
const tcMsg = fc.tuple(tcmsg, attrs([aStr(1, ...TC_KINDS), aStr(1, ...TC_KINDS), tcOptions, aBin(5, 8), aU32(11), aU32(13), aU32(14), aU32(15), aBin(16, 8)], 4)).map(([h, rest]) => cat(h, rest));
const actionMsg = fc.tuple(u8, attrs([nest(1, [nest(1, [aStr(1, 'gact', 'mirred', 'nosuch'), nest(2, scalars(6), 2), aU32(3), aBin(4, 8)], 3)], 2), aBin(2, 8), aU32(3)], 3)).map(([f, rest]) => cat(Uint8Array.of(f, 0, 0, 0), rest));

// ---- the rest ----

const netconfMsg = fc.tuple(family, attrs([a(1, fc.constantFrom(-1, -2, 1, 2, 3, 99, 0).map(le32)), aU32(2)], 2)).map(([f, rest]) => cat(Uint8Array.of(f, 0, 0, 0), rest));
const addrlabelMsg = fc.tuple(fc.constantFrom(10, 10, 2, 0), prefixlen, u8, ifindex, u32, attrs([aAddr(1, 10), aU32(2, 0, 1, 0xffffffff)], 3)).map(([f, plen, flags, index, seq, rest]) =>
  cat(Uint8Array.of(f, 0, plen, flags), le32(index), le32(seq), rest),
);
const nsidMsg = fc.tuple(fc.constantFrom(0, 2), attrs([a(1, fc.constantFrom(-1, 0, 1, 2, 0x7fffffff).map(le32)), aU32(2, 1, process.pid), aU32(3, 0, 1, 99), a(4, fc.constantFrom(-1, 0, 1).map(le32))], 3)).map(([f, rest]) => cat(Uint8Array.of(f, 0, 0, 0), rest));
const neightblMsg = fc.tuple(fc.constantFrom(0, 2, 10, 7), attrs([aStr(1, 'arp_cache', 'ndisc_cache', 'nosuch'), aU32(2), aU32(3), aU32(4), nest(6, [aIdx(1), ...scalars(20)], 3), aU64(8)], 4)).map(([f, rest]) =>
  cat(Uint8Array.of(f, 0, 0, 0), rest),
);
const statsMsg = fc.tuple(fc.constantFrom(0, 2, 7, 10), ifindex, fc.oneof(fc.constantFrom(0, 1, 2, 0x1e, 0x3e), u32), attrs([aBin(1, 8), aU32(1)], 2)).map(([f, index, mask, rest]) =>
  cat(Uint8Array.of(f, 0, 0, 0), le32(index), le32(mask), rest),
);
const mdbMsg = fc.tuple(fc.constantFrom(7, 0), ifindex, attrs([aBin(1, 40), nest(2, scalars(6), 2)], 2)).map(([f, index, rest]) => cat(Uint8Array.of(f, 0, 0, 0), le32(index), rest));
const linkpropMsg = fc.tuple(ifinfomsg(), attrs([nest(52, [aName(53), aName(53)], 3), aName(3)], 2)).map(([h, rest]) => cat(h, rest));
const genMsg = family.map((f) => Uint8Array.of(f, 0, 0, 0));

/** PAYLOADS maps each message type to the grammar of its payload. */
const PAYLOADS: [number[], fc.Arbitrary<Uint8Array>, number][] = [
  [[RTM.RTM_NEWLINK, RTM.RTM_SETLINK, RTM.RTM_DELLINK, RTM.RTM_GETLINK], linkMsg, 14],
  [[RTM.RTM_NEWADDR, RTM.RTM_DELADDR, RTM.RTM_GETADDR, RTM.RTM_GETMULTICAST, RTM.RTM_GETANYCAST], addrMsg, 12],
  [[RTM.RTM_NEWROUTE, RTM.RTM_DELROUTE, RTM.RTM_GETROUTE], routeMsg, 12],
  [[RTM.RTM_NEWNEIGH, RTM.RTM_DELNEIGH, RTM.RTM_GETNEIGH], neighMsg, 8],
  [[RTM.RTM_NEWRULE, RTM.RTM_DELRULE, RTM.RTM_GETRULE], ruleMsg, 6],
  [[RTM.RTM_NEWNEXTHOP, RTM.RTM_DELNEXTHOP, RTM.RTM_GETNEXTHOP, RTM.RTM_GETNEXTHOPBUCKET], nexthopMsg, 6],
  [[RTM.RTM_NEWQDISC, RTM.RTM_DELQDISC, RTM.RTM_GETQDISC, RTM.RTM_NEWTCLASS, RTM.RTM_DELTCLASS, RTM.RTM_GETTCLASS, RTM.RTM_NEWTFILTER, RTM.RTM_DELTFILTER, RTM.RTM_GETTFILTER, RTM.RTM_NEWCHAIN, RTM.RTM_DELCHAIN, RTM.RTM_GETCHAIN], tcMsg, 6],
  [[RTM.RTM_NEWACTION, RTM.RTM_DELACTION, RTM.RTM_GETACTION], actionMsg, 1],
  [[RTM.RTM_GETNETCONF], netconfMsg, 1],
  [[RTM.RTM_NEWADDRLABEL, RTM.RTM_DELADDRLABEL, RTM.RTM_GETADDRLABEL], addrlabelMsg, 1],
  [[RTM.RTM_NEWNSID, RTM.RTM_DELNSID, RTM.RTM_GETNSID], nsidMsg, 1],
  [[RTM.RTM_GETNEIGHTBL, RTM.RTM_SETNEIGHTBL], neightblMsg, 1],
  [[RTM.RTM_GETSTATS, RTM.RTM_SETSTATS], statsMsg, 1],
  [[RTM.RTM_NEWMDB, RTM.RTM_DELMDB, RTM.RTM_GETMDB], mdbMsg, 1],
  [[RTM.RTM_NEWLINKPROP, RTM.RTM_DELLINKPROP], linkpropMsg, 1],
  [[RTM.RTM_NEWNETCONF, RTM.RTM_NEWPREFIX, RTM.RTM_NEWVLAN, RTM.RTM_GETDCB, 15, 0x13f, 3, 2, 1], genMsg, 1],
];

/** Flags: a request, with ACK mostly, and the create/replace/dump modifiers in their common and odd combinations. */
export const flags = fc.tuple(
  fc.oneof({ weight: 20, arbitrary: fc.constant(NLM_F_REQUEST) }, { weight: 1, arbitrary: fc.constant(0) }),
  fc.oneof({ weight: 4, arbitrary: fc.constant(NLM_F_ACK) }, { weight: 1, arbitrary: fc.constant(0) }),
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(0, NLM_F_CREATE | NLM_F_EXCL, NLM_F_CREATE, NLM_F_CREATE | NLM_F_REPLACE, NLM_F_REPLACE, NLM_F_DUMP) },
    { weight: 1, arbitrary: fc.constantFrom(NLM_F_CREATE | NLM_F_APPEND, NLM_F_APPEND, NLM_F_EXCL, NLM_F_ECHO | NLM_F_CREATE, NLM_F_ECHO, NLM_F_DUMP | NLM_F_EXCL) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
  ),
).map(([r, ack, rest]) => r | ack | rest);

/** message is one rtnetlink message: its type, flags and payload. */
export const chaosMessage = fc.oneof(...PAYLOADS.map(([types, payload, weight]) => ({ weight, arbitrary: fc.tuple(fc.constantFrom(...types), flags, payload) })));

