/**
 * IPv6 address labels (net/ipv6/addrlabel.c, RFC 6724 policy table): RTM_GETADDRLABEL
 * (ip6addrlbl_get(), ip6addrlbl_dump()), RTM_NEWADDRLABEL and RTM_DELADDRLABEL
 * (ip6addrlbl_newdel()), all PF_INET6, on a per-namespace table that starts with
 * ip6addrlbl_init_table. Linux sends no notifications for address labels.
 */
import type { DumpControl } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_REPLACE } from '../../../sim/uapi/netlink.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import type { Rtnetlink } from '../core/index.js';
import type { LinkTable, NetworkState } from '../core/index.js';
import { AF_INET6, RTM } from '../core/uapi.js';

/** sizeof(struct ifaddrlblmsg): family, reserved, prefixlen, flags, u32 index, u32 seq. */
const IFADDRLBLMSG_LEN = 12;
const IFAL_ADDRESS = 1;
const IFAL_LABEL = 2;
const IFAL_MAX = 2;
/** IPV6_ADDR_LABEL_DEFAULT: not a label one may set. */
const IPV6_ADDR_LABEL_DEFAULT = 0xffffffff;
/** The ipv6_addr_type() bits an entry may be restricted to. */
const IPV6_ADDR_LOOPBACK = 0x10;
const IPV6_ADDR_MAPPED = 0x1000;
const IPV6_ADDR_COMPATV4 = 0x80;
/** ip6addrlbl_msgsize(). */
const MSGSIZE = 16 + IFADDRLBLMSG_LEN + 20 + 8;

/** IFAL_POLICY is ifal_policy: minimum lengths only. */
const IFAL_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[IFAL_ADDRESS] = { type: NLA.NLA_UNSPEC, len: 16 };
  p[IFAL_LABEL] = { type: NLA.NLA_UNSPEC, len: 4 };
  return p;
})();

/** Label is one struct ip6addrlbl_entry. */
interface Label {
  readonly prefix: Uint8Array;
  readonly prefixlen: number;
  readonly ifindex: number;
  readonly addrtype: number;
  readonly label: number;
}

/** LabelTable is net->ipv6.ip6addrlbl_table. */
interface LabelTable {
  entries: Label[];
  seq: number;
}

/** ip6addrlbl_init_table, in the order it is added. */
const INIT_TABLE: [prefix: number[], len: number, label: number][] = [
  [[], 0, 1],
  [[0xfc], 7, 5],
  [[0xfe, 0xc0], 10, 11],
  [[0x20, 0x02], 16, 2],
  [[0x3f, 0xfe], 16, 12],
  [[0x20, 0x01], 32, 6],
  [[0x20, 0x01, 0x00, 0x10], 28, 7],
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96, 4],
  [[], 96, 3],
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128, 0],
];

const tables = new WeakMap<LinkTable, LabelTable>();

/** tableOf returns a namespace's table, made by ip6addrlbl_net_init() the first time. */
function tableOf(links: LinkTable): LabelTable {
  let t = tables.get(links);
  if (!t) {
    t = { entries: [], seq: 0 };
    for (const [bytes, len, label] of INIT_TABLE) add(t, alloc(Uint8Array.from([...bytes, ...new Array<number>(16 - bytes.length).fill(0)]), len, 0, label), false);
    tables.set(links, t);
  }
  return t;
}

/** addrType returns the ipv6_addr_type() bits the table cares about: loopback, v4-compatible, v4-mapped. */
function addrType(a: Uint8Array): number {
  const v = viewOf(a);
  if (v.getUint32(0) || v.getUint32(4)) return 0;
  const w2 = v.getUint32(8);
  const w3 = v.getUint32(12);
  if (w2 === 0) return w3 === 0 ? 0 : w3 === 1 ? IPV6_ADDR_LOOPBACK : IPV6_ADDR_COMPATV4;
  return w2 === 0xffff ? IPV6_ADDR_MAPPED : 0;
}

/** prefixOf mirrors ipv6_addr_prefix(): the first `len` bits of `a`. */
function prefixOf(a: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const bits = Math.max(0, Math.min(8, len - i * 8));
    out[i] = a[i]! & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) => a.every((x, i) => x === b[i]);

/** alloc mirrors ip6addrlbl_alloc(): the masked prefix and the address type it is limited to. */
function alloc(prefix: Uint8Array, prefixlen: number, ifindex: number, label: number): Label {
  let addrtype = addrType(prefix);
  if (addrtype === IPV6_ADDR_MAPPED) {
    if (prefixlen > 96) throw new KernelError('EINVAL');
    if (prefixlen < 96) addrtype = 0;
  } else if (addrtype === IPV6_ADDR_COMPATV4) {
    if (prefixlen !== 96) addrtype = 0;
  } else if (addrtype === IPV6_ADDR_LOOPBACK) {
    if (prefixlen !== 128) addrtype = 0;
  }
  return { prefix: prefixOf(prefix, prefixlen), prefixlen, ifindex, addrtype, label };
}

/**
 * add mirrors __ip6addrlbl_add(): an entry with the same prefix, length and device is EEXIST
 * (replaced with NLM_F_REPLACE); otherwise the new one goes before the first entry with a
 * shorter prefix, or with as long a prefix and no device.
 */
function add(t: LabelTable, e: Label, replace: boolean): void {
  const i = t.entries.findIndex((p) => p.prefixlen === e.prefixlen && p.ifindex === e.ifindex && same(p.prefix, e.prefix));
  if (i >= 0) {
    if (!replace) throw new KernelError('EEXIST');
    t.entries[i] = e;
  } else {
    const j = t.entries.findIndex((p) => (p.prefixlen === e.prefixlen && !p.ifindex) || p.prefixlen < e.prefixlen);
    t.entries.splice(j < 0 ? t.entries.length : j, 0, e);
  }
  t.seq++;
}

/**
 * lookup mirrors __ipv6_addr_label() with ipv6_addr_type(): the first entry that matches the
 * address. The full type of a loopback or v4-compatible address carries unicast and scope
 * bits, so entries limited to those types (::1/128) never match; v4-mapped ones do.
 */
function lookup(t: LabelTable, addr: Uint8Array, ifindex: number): Label | undefined {
  const bits = addrType(addr);
  const IPV6_ADDR_UNICAST = 0x1;
  const type = bits === IPV6_ADDR_MAPPED ? bits : bits ? bits | IPV6_ADDR_UNICAST : 0;
  return t.entries.find((p) => (!p.ifindex || p.ifindex === ifindex) && (!p.addrtype || p.addrtype === type) && same(prefixOf(addr, p.prefixlen), p.prefix));
}

/** fill mirrors ip6addrlbl_fill(): the ifaddrlblmsg with the table's seq, IFAL_ADDRESS and IFAL_LABEL. */
function fill(w: AttrWriter, p: Label, seq: number): void {
  const h = new Uint8Array(IFADDRLBLMSG_LEN);
  h[0] = AF_INET6;
  h[2] = p.prefixlen;
  viewOf(h).setUint32(4, p.ifindex, HOST_LE);
  viewOf(h).setUint32(8, seq, HOST_LE);
  w.raw(h);
  w.bytes(IFAL_ADDRESS, p.prefix);
  w.u32(IFAL_LABEL, p.label);
}

/** registerAddrlabel installs ipv6_addr_label_rtnl_register()'s PF_INET6 handlers. */
export function registerAddrlabel(rtnl: Rtnetlink, state: NetworkState): void {
  rtnl.register(AF_INET6, RTM.RTM_NEWADDRLABEL, { doit: (ctx) => newdel(ctx, state) });
  rtnl.register(AF_INET6, RTM.RTM_DELADDRLABEL, { doit: (ctx) => newdel(ctx, state) });
  rtnl.register(AF_INET6, RTM.RTM_GETADDRLABEL, { doit: (ctx) => get(ctx, state), dumpit: (ctx) => dump(ctx, state) });
}

type Tb = (AttrView | undefined)[];

function parse(ctx: RequestContext, level: number): Tb {
  const r = nlmsgParse(ctx.message, IFADDRLBLMSG_LEN, IFAL_POLICY, IFAL_MAX, level);
  if (r.warning) Object.assign(ctx.extack, { message: r.warning });
  return r.attrs;
}

/** newdel mirrors ip6addrlbl_newdel(): bare EINVALs, ESRCH for a label that is not there. */
function newdel(ctx: RequestContext, state: NetworkState): void {
  const tb = parse(ctx, NL_VALIDATE.NL_VALIDATE_LIBERAL);
  const p = ctx.payload;
  if (p[0] !== AF_INET6 || p[2]! > 128) throw new KernelError('EINVAL');
  if (!tb[IFAL_ADDRESS] || !tb[IFAL_LABEL]) throw new KernelError('EINVAL');
  const prefix = tb[IFAL_ADDRESS]!.payload.subarray(0, 16);
  const label = tb[IFAL_LABEL]!.u32();
  if (label === IPV6_ADDR_LABEL_DEFAULT) throw new KernelError('EINVAL');
  const links = state.links(ctx.skb.sock.netns);
  const t = tableOf(links);
  const ifindex = viewOf(p).getUint32(4, HOST_LE);
  if (ctx.header.type === RTM.RTM_NEWADDRLABEL) {
    if (ifindex && !links.byIndex(ifindex)) throw new KernelError('EINVAL');
    add(t, alloc(prefix, p[2]!, ifindex, label), (ctx.header.flags & NLM_F_REPLACE) !== 0);
    return;
  }
  const want = prefixOf(prefix, p[2]!);
  const i = t.entries.findIndex((e) => e.prefixlen === p[2] && e.ifindex === ifindex && same(e.prefix, want));
  if (i < 0) throw new KernelError('ESRCH');
  // __ip6addrlbl_del() leaves the table's seq alone.
  t.entries.splice(i, 1);
}

/** get mirrors ip6addrlbl_get() with ip6addrlbl_valid_get_req(): the label of one address (/128). */
function get(ctx: RequestContext, state: NetworkState): number {
  if (ctx.payload.length < IFADDRLBLMSG_LEN) throw new KernelError('EINVAL', 'ipv6: Invalid header for addrlabel get request');
  let tb: Tb;
  const p = ctx.payload;
  if (!ctx.strictCheck) tb = parse(ctx, NL_VALIDATE.NL_VALIDATE_LIBERAL);
  else {
    if (p[1] || p[3] || viewOf(p).getUint32(8, HOST_LE)) throw new KernelError('EINVAL', 'ipv6: Invalid values in header for addrlabel get request');
    tb = parse(ctx, NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT);
    for (let i = 0; i <= IFAL_MAX; i++) if (tb[i] && i !== IFAL_ADDRESS) throw new KernelError('EINVAL', 'ipv6: Unsupported attribute in addrlabel get request');
  }
  if (p[0] !== AF_INET6 || p[2] !== 128) throw new KernelError('EINVAL');
  const links = state.links(ctx.skb.sock.netns);
  const ifindex = viewOf(p).getUint32(4, HOST_LE);
  if (ifindex && !links.byIndex(ifindex)) throw new KernelError('EINVAL');
  if (!tb[IFAL_ADDRESS]) throw new KernelError('EINVAL');
  const t = tableOf(links);
  const e = lookup(t, tb[IFAL_ADDRESS]!.payload.subarray(0, 16), ifindex)!;
  return ctx.reply(ctx.encode(RTM.RTM_NEWADDRLABEL, (w) => fill(w, e, t.seq)), { allocSize: MSGSIZE });
}

/** dump mirrors ip6addrlbl_dump() with ip6addrlbl_valid_dump_req() under strict checking. */
function dump(ctx: RequestContext, state: NetworkState): DumpControl {
  const t = tableOf(state.links(ctx.skb.sock.netns));
  return {
    dump: (chunk, d) => {
      if (d.strictCheck) {
        const m = d.requestMessage;
        let message: string | undefined;
        if (m.length - 16 < IFADDRLBLMSG_LEN) message = 'ipv6: Invalid header for address label dump request';
        else if (m[17] || m[18] || m[19] || viewOf(m).getUint32(20, HOST_LE) || viewOf(m).getUint32(24, HOST_LE)) message = 'ipv6: Invalid values in header for address label dump request';
        else if (m.length - 16 > IFADDRLBLMSG_LEN) message = 'ipv6: Invalid data after header for address label dump request';
        if (message) {
          d.extack.message = message;
          return -22;
        }
      }
      let idx = (d.args[0] as number | undefined) ?? 0;
      for (; idx < t.entries.length; idx++) if (!chunk.put(RTM.RTM_NEWADDRLABEL, (w) => fill(w, t.entries[idx]!, t.seq))) break;
      d.args[0] = idx;
      return chunk.length;
    },
  };
}
