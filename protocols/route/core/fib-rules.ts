/**
 * Policy routing rules (net/core/fib_rules.c): per namespace, one rules list per family in
 * rules_ops registration order (AF_INET, RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR, AF_INET6),
 * each born with its default rules (fib_default_rule_add()), and RTM_NEWRULE, RTM_DELRULE
 * and RTM_GETRULE dumps with RTNLGRP_IPV4_RULE / RTNLGRP_IPV6_RULE notifications.
 */
import type { KernelConfig } from '../../../sim/profile.js';
import type { DumpControl } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLM_F_EXCL } from '../../../sim/uapi/netlink.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import { notify } from './rtnl-notify.js';
import { RTNL_FAMILY_IP6MR, RTNL_FAMILY_IPMR } from './uapi.js';
import type { Rtnetlink } from './rtnetlink.js';
import type { LinkTable, NetworkState } from './state.js';
import { FIB_RULE_HDR_LEN, RT_TABLE, RTM, RTNLGRP, RTPROT } from './uapi.js';

/** FRA holds the rule attributes nlsim models (linux/fib_rules.h). */
export const FRA = {
  FRA_DST: 1,
  FRA_SRC: 2,
  FRA_IIFNAME: 3,
  FRA_GOTO: 4,
  FRA_PRIORITY: 6,
  FRA_FWMARK: 10,
  FRA_FLOW: 11,
  FRA_TUN_ID: 12,
  FRA_SUPPRESS_IFGROUP: 13,
  FRA_SUPPRESS_PREFIXLEN: 14,
  FRA_TABLE: 15,
  FRA_FWMASK: 16,
  FRA_OIFNAME: 17,
  FRA_PAD: 18,
  FRA_L3MDEV: 19,
  FRA_UID_RANGE: 20,
  FRA_PROTOCOL: 21,
  FRA_IP_PROTO: 22,
  FRA_SPORT_RANGE: 23,
  FRA_DPORT_RANGE: 24,
  FRA_DSCP: 25,
  FRA_FLOWLABEL: 26,
  FRA_FLOWLABEL_MASK: 27,
  FRA_SPORT_MASK: 28,
  FRA_DPORT_MASK: 29,
  FRA_DSCP_MASK: 30,
} as const;
/** FRA_MAX on 6.18. */
export const FRA_MAX = 30;
/** FR_ACT_TO_TBL / FR_ACT_GOTO. */
export const FR_ACT_TO_TBL = 1;
const FR_ACT_GOTO = 2;
/** FIB_RULE_IIF_DETACHED / FIB_RULE_OIF_DETACHED: the named device does not exist. */
const FIB_RULE_IIF_DETACHED = 0x8;
const FIB_RULE_OIF_DETACHED = 0x10;
/** FIB_RULE_NLMSG_SIZE stands for nlmsg_new(fib_rule_nlmsg_size()). */
const FIB_RULE_NLMSG_SIZE = 16 + 192;

/** FIB_RULE_POLICY is fib_rule_policy (FRA_GENERIC_POLICY plus the families' own). */
const FIB_RULE_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[0] = { type: NLA.NLA_UNSPEC, strictStartType: FRA.FRA_DSCP };
  p[FRA.FRA_IIFNAME] = { type: NLA.NLA_STRING, len: 15 };
  p[FRA.FRA_OIFNAME] = { type: NLA.NLA_STRING, len: 15 };
  for (const t of [FRA.FRA_PRIORITY, FRA.FRA_FWMARK, FRA.FRA_FWMASK, FRA.FRA_TABLE, FRA.FRA_SUPPRESS_PREFIXLEN, FRA.FRA_SUPPRESS_IFGROUP, FRA.FRA_GOTO, FRA.FRA_FLOW]) p[t] = { type: NLA.NLA_U32 };
  p[FRA.FRA_TUN_ID] = { type: NLA.NLA_U64 };
  p[FRA.FRA_L3MDEV] = { type: NLA.NLA_U8 };
  p[FRA.FRA_UID_RANGE] = { type: NLA.NLA_UNSPEC, len: 8 };
  p[FRA.FRA_PROTOCOL] = { type: NLA.NLA_U8 };
  p[FRA.FRA_IP_PROTO] = { type: NLA.NLA_U8 };
  p[FRA.FRA_SPORT_RANGE] = { type: NLA.NLA_UNSPEC, len: 4 };
  p[FRA.FRA_DPORT_RANGE] = { type: NLA.NLA_UNSPEC, len: 4 };
  // The DSCP, flow label and port mask selectors (6.15 and later): parsed as Linux parses
  // them, then refused as not modelled yet (the MODELLED check in the request).
  p[FRA.FRA_DSCP] = { type: NLA.NLA_U8, max: 63 };
  p[FRA.FRA_FLOWLABEL] = { type: NLA.NLA_BE32 };
  p[FRA.FRA_FLOWLABEL_MASK] = { type: NLA.NLA_BE32 };
  p[FRA.FRA_SPORT_MASK] = { type: NLA.NLA_U16 };
  p[FRA.FRA_DPORT_MASK] = { type: NLA.NLA_U16 };
  p[FRA.FRA_DSCP_MASK] = { type: NLA.NLA_U8, mask: 63 };
  return p;
})();

/** FibRule is one rule (struct fib_rule with its family part). */
export interface FibRule {
  pref: number;
  table: number;
  action: number;
  flags: number;
  tos: number;
  srcLen: number;
  dstLen: number;
  src: Uint8Array | null;
  dst: Uint8Array | null;
  iifname: string;
  oifname: string;
  mark: number;
  markMask: number;
  target: number;
  protocol: number;
  suppressPrefixlen: number;
  suppressIfgroup: number;
  flow: number;
}

/** RulesOps is one family's struct fib_rules_ops with its rules list. */
export class RulesOps {
  readonly family: number;
  readonly nlgroup: number;
  readonly addrSize: number;
  readonly rules: FibRule[] = [];

  constructor(family: number, nlgroup: number, addrSize: number, defaults: [number, number][]) {
    this.family = family;
    this.nlgroup = nlgroup;
    this.addrSize = addrSize;
    for (const [pref, table] of defaults) this.rules.push(newRule({ pref, table, action: FR_ACT_TO_TBL, protocol: RTPROT.RTPROT_KERNEL }));
  }

  /** defaultPref mirrors fib_default_rule_pref(): one below the second rule's preference. */
  defaultPref(): number {
    const second = this.rules[1];
    return second?.pref ? second.pref - 1 : 0;
  }

  /** insert mirrors fib_nl_newrule()'s placement: after every rule of lower or equal preference. */
  insert(rule: FibRule): void {
    let i = 0;
    while (i < this.rules.length && this.rules[i]!.pref <= rule.pref) i++;
    this.rules.splice(i, 0, rule);
  }
}

function newRule(r: Partial<FibRule>): FibRule {
  return {
    pref: 0, table: 0, action: 0, flags: 0, tos: 0, srcLen: 0, dstLen: 0, src: null, dst: null, iifname: '', oifname: '', mark: 0, markMask: 0, target: 0,
    protocol: 0, suppressPrefixlen: -1, suppressIfgroup: -1, flow: 0, ...r,
  };
}

/**
 * FibRules is one namespace's rules (net->rules_ops), in fib_rules_register() order:
 * fib4_rules_init(), ipmr_rules_init() (with CONFIG_IP_MROUTE_MULTIPLE_TABLES),
 * ip6mr_rules_init() (with CONFIG_IPV6_MROUTE_MULTIPLE_TABLES), fib6_rules_init().
 * Without its option a multicast family has no rules: a request for it is EAFNOSUPPORT.
 */
export class FibRules {
  readonly ops: RulesOps[];

  constructor(config: KernelConfig) {
    this.ops = [new RulesOps(2, RTNLGRP.RTNLGRP_IPV4_RULE, 4, [[0, RT_TABLE.RT_TABLE_LOCAL], [0x7ffe, RT_TABLE.RT_TABLE_MAIN], [0x7fff, RT_TABLE.RT_TABLE_DEFAULT]])];
    if (config.IP_MROUTE_MULTIPLE_TABLES) this.ops.push(new RulesOps(RTNL_FAMILY_IPMR, RTNLGRP.RTNLGRP_IPV4_RULE, 4, [[0x7fff, RT_TABLE.RT_TABLE_DEFAULT]]));
    if (config.IPV6_MROUTE_MULTIPLE_TABLES) this.ops.push(new RulesOps(RTNL_FAMILY_IP6MR, RTNLGRP.RTNLGRP_IPV6_RULE, 16, [[0x7fff, RT_TABLE.RT_TABLE_MAIN]]));
    this.ops.push(new RulesOps(10, RTNLGRP.RTNLGRP_IPV6_RULE, 16, [[0, RT_TABLE.RT_TABLE_LOCAL], [0x7ffe, RT_TABLE.RT_TABLE_MAIN]]));
  }

  /** lookup mirrors lookup_rules_ops(). */
  lookup(family: number): RulesOps | undefined {
    return this.ops.find((o) => o.family === family);
  }
}

/**
 * FibRulesFamilyOps are the hooks a family registers with its rules (fib_rules_ops):
 * ipv4/'s fib4_rule_configure() and fib4_rule_delete().
 */
export interface FibRulesFamilyOps {
  /** configure checks a new rule the family's way and notes that rules are in use. */
  configure(rule: FibRule): void;
  /** delete is told of a rule that went. */
  delete(rule: FibRule): void;
}

const rulesOf = new WeakMap<LinkTable, FibRules>();

/** rulesFor returns a namespace's rules, creating the defaults (fib_rules_net_init) on first use. */
export function rulesFor(links: LinkTable): FibRules {
  let r = rulesOf.get(links);
  if (!r) {
    const rules = new FibRules(links.config);
    r = rules;
    rulesOf.set(links, rules);
  }
  return r;
}

/** fillRule mirrors fib_nl_fill_rule() with the family's fill(). */
export function fillRule(w: AttrWriter, ops: RulesOps, rule: FibRule, links: LinkTable): void {
  let flags = rule.flags;
  if (rule.iifname && !links.byName(rule.iifname)) flags |= FIB_RULE_IIF_DETACHED;
  if (rule.oifname && !links.byName(rule.oifname)) flags |= FIB_RULE_OIF_DETACHED;
  const h = new Uint8Array(FIB_RULE_HDR_LEN);
  const mr = ops.family === RTNL_FAMILY_IPMR || ops.family === RTNL_FAMILY_IP6MR;
  h[0] = ops.family;
  h[1] = mr ? 0 : rule.dstLen;
  h[2] = mr ? 0 : rule.srcLen;
  h[3] = mr ? 0 : rule.tos;
  h[4] = rule.table < 256 ? rule.table : RT_TABLE.RT_TABLE_COMPAT;
  h[7] = rule.action;
  viewOf(h).setUint32(8, flags >>> 0, HOST_LE);
  w.raw(h);
  w.u32(FRA.FRA_TABLE, rule.table);
  w.u32(FRA.FRA_SUPPRESS_PREFIXLEN, rule.suppressPrefixlen >>> 0);
  w.u8(FRA.FRA_PROTOCOL, rule.protocol);
  if (rule.iifname) w.string(FRA.FRA_IIFNAME, rule.iifname);
  if (rule.oifname) w.string(FRA.FRA_OIFNAME, rule.oifname);
  if (rule.pref) w.u32(FRA.FRA_PRIORITY, rule.pref);
  if (rule.mark) w.u32(FRA.FRA_FWMARK, rule.mark);
  if (rule.markMask || rule.mark) w.u32(FRA.FRA_FWMASK, rule.markMask);
  if (rule.target) w.u32(FRA.FRA_GOTO, rule.target);
  if (rule.suppressIfgroup !== -1) w.u32(FRA.FRA_SUPPRESS_IFGROUP, rule.suppressIfgroup >>> 0);
  if (mr) return;
  if (rule.dstLen && rule.dst) w.bytes(FRA.FRA_DST, rule.dst);
  if (rule.srcLen && rule.src) w.bytes(FRA.FRA_SRC, rule.src);
  if (rule.flow) w.u32(FRA.FRA_FLOW, rule.flow);
}

type Tb = (AttrView | undefined)[];
const MODELLED = new Set<number>([
  FRA.FRA_DST, FRA.FRA_SRC, FRA.FRA_IIFNAME, FRA.FRA_OIFNAME, FRA.FRA_PRIORITY, FRA.FRA_FWMARK, FRA.FRA_FWMASK, FRA.FRA_TABLE,
  FRA.FRA_SUPPRESS_PREFIXLEN, FRA.FRA_SUPPRESS_IFGROUP, FRA.FRA_PROTOCOL, FRA.FRA_FLOW,
]);

/** RuleOps binds the rule handlers to one kernel's network state. */
export class RuleOps {
  readonly #state: NetworkState;

  constructor(state: NetworkState) {
    this.#state = state;
  }

  /** register installs fib_rules_init()'s PF_UNSPEC handlers. */
  register(rtnl: Rtnetlink): void {
    rtnl.register(0, RTM.RTM_NEWRULE, { doit: (ctx) => this.newRule(ctx) });
    rtnl.register(0, RTM.RTM_DELRULE, { doit: (ctx) => this.delRule(ctx) });
    rtnl.register(0, RTM.RTM_GETRULE, { dumpit: (ctx) => this.dumpRules(ctx) });
  }

  /** #parse mirrors the start of fib_nl_newrule()/fib_nl_delrule() and fib_nl2rule(). */
  #parse(ctx: RequestContext): { ops: RulesOps; rule: FibRule; tb: Tb; links: LinkTable } {
    if (ctx.payload.length < FIB_RULE_HDR_LEN) throw new KernelError('EINVAL', 'Invalid msg length');
    const links = this.#state.links(ctx.skb.sock.netns);
    const ops = rulesFor(links).lookup(ctx.payload[0]!);
    if (!ops) throw new KernelError('EAFNOSUPPORT', 'Rule family not supported');
    let r: ReturnType<typeof nlmsgParse>;
    try {
      r = nlmsgParse(ctx.message, FIB_RULE_HDR_LEN, FIB_RULE_POLICY, FRA_MAX, NL_VALIDATE.NL_VALIDATE_LIBERAL);
    } catch (e) {
      // fib_newrule()/fib_delrule() replace the policy's message, keeping the attribute it named.
      if (e instanceof KernelError) throw new KernelError(e.code, { ...e.extack, message: 'Error parsing msg' });
      throw e;
    }
    if (r.warning) Object.assign(ctx.extack, { message: r.warning });
    const tb = r.attrs;
    for (let i = 1; i <= FRA_MAX; i++) {
      if (tb[i] && !MODELLED.has(i)) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: this rule attribute is not modelled yet', offset: tb[i]!.offset });
    }
    const p = ctx.payload;
    const rule = newRule({ dstLen: p[1]!, srcLen: p[2]!, tos: p[3]!, table: tb[FRA.FRA_TABLE]?.u32() ?? p[4]!, action: p[7]!, flags: viewOf(p).getUint32(8, HOST_LE) });
    // fib_nl2rule(): an address is read only with its length (and Linux words the two apart).
    const addr = (t: number, len: number, message: string) => {
      const a = tb[t];
      if (!len) return null;
      if (!a || len > ops.addrSize * 8 || a.length !== ops.addrSize) throw new KernelError('EINVAL', message);
      return a.payload.slice(0, ops.addrSize);
    };
    rule.src = addr(FRA.FRA_SRC, rule.srcLen, 'Invalid source address');
    rule.dst = addr(FRA.FRA_DST, rule.dstLen, 'Invalid dst address');
    if (tb[FRA.FRA_PRIORITY]) rule.pref = tb[FRA.FRA_PRIORITY]!.u32();
    if (tb[FRA.FRA_IIFNAME]) rule.iifname = tb[FRA.FRA_IIFNAME]!.string();
    if (tb[FRA.FRA_OIFNAME]) rule.oifname = tb[FRA.FRA_OIFNAME]!.string();
    if (tb[FRA.FRA_FWMARK]) {
      rule.mark = tb[FRA.FRA_FWMARK]!.u32();
      if (rule.mark) rule.markMask = 0xffffffff;
    }
    if (tb[FRA.FRA_FWMASK]) rule.markMask = tb[FRA.FRA_FWMASK]!.u32();
    if (tb[FRA.FRA_SUPPRESS_PREFIXLEN]) rule.suppressPrefixlen = tb[FRA.FRA_SUPPRESS_PREFIXLEN]!.u32() | 0;
    if (tb[FRA.FRA_SUPPRESS_IFGROUP]) rule.suppressIfgroup = tb[FRA.FRA_SUPPRESS_IFGROUP]!.u32() | 0;
    if (tb[FRA.FRA_PROTOCOL]) rule.protocol = tb[FRA.FRA_PROTOCOL]!.u8();
    if (tb[FRA.FRA_FLOW]) rule.flow = tb[FRA.FRA_FLOW]!.u32();
    if (rule.action === FR_ACT_GOTO) throw new KernelError('EOPNOTSUPP', 'nlsim: goto rules are not modelled yet');
    return { ops, rule, tb, links };
  }

  /** newRule mirrors fib_nl_newrule(). */
  newRule(ctx: RequestContext): void {
    const { ops, rule, tb, links } = this.#parse(ctx);
    if (!tb[FRA.FRA_PRIORITY]) rule.pref = ops.defaultPref();
    if (ctx.header.flags & NLM_F_EXCL && ops.rules.some((r) => sameRule(r, rule))) throw new KernelError('EEXIST');
    links.fibRulesOps.get(ops.family)?.configure(rule);
    ops.insert(rule);
    this.#notify(ctx, RTM.RTM_NEWRULE, ops, rule, links);
  }

  /** delRule mirrors fib_nl_delrule() with rule_find(). */
  delRule(ctx: RequestContext): void {
    const { ops, rule, tb, links } = this.#parse(ctx);
    const userPriority = tb[FRA.FRA_PRIORITY] !== undefined;
    const found = ops.rules.find(
      (r) =>
        (!rule.action || r.action === rule.action) &&
        (!rule.table || r.table === rule.table) &&
        (!userPriority || r.pref === rule.pref) &&
        (!rule.iifname || r.iifname === rule.iifname) &&
        (!rule.oifname || r.oifname === rule.oifname) &&
        (!rule.mark || r.mark === rule.mark) &&
        (!tb[FRA.FRA_FWMASK] || r.markMask === rule.markMask) &&
        (!tb[FRA.FRA_SUPPRESS_PREFIXLEN] || r.suppressPrefixlen === rule.suppressPrefixlen) &&
        (!tb[FRA.FRA_PROTOCOL] || r.protocol === rule.protocol) &&
        (!rule.srcLen || (r.srcLen === rule.srcLen && eq(r.src, rule.src))) &&
        (!rule.dstLen || (r.dstLen === rule.dstLen && eq(r.dst, rule.dst))) &&
        (!rule.tos || r.tos === rule.tos),
    );
    if (!found) throw new KernelError('ENOENT');
    ops.rules.splice(ops.rules.indexOf(found), 1);
    links.fibRulesOps.get(ops.family)?.delete(found);
    this.#notify(ctx, RTM.RTM_DELRULE, ops, found, links);
  }

  #notify(ctx: RequestContext, type: number, ops: RulesOps, rule: FibRule, links: LinkTable): void {
    notify({ ks: ctx.kernelSocket, req: { portid: ctx.portid, header: ctx.header } }, type, 0, ops.nlgroup, (w) => fillRule(w, ops, rule, links), FIB_RULE_NLMSG_SIZE);
  }

  /** dumpRules mirrors fib_nl_dumprule() with fib_valid_dumprule_req() for strict requests. */
  dumpRules(ctx: RequestContext): DumpControl {
    const links = this.#state.links(ctx.skb.sock.netns);
    const all = rulesFor(links);
    const family = ctx.payload[0]!;
    let opsList: RulesOps[] | undefined;
    // The checks run inside the dump: their errors end it in NLMSG_DONE.
    const check = (): RulesOps[] => {
      if (ctx.strictCheck) {
        if (ctx.payload.length < FIB_RULE_HDR_LEN) throw new KernelError('EINVAL', 'Invalid header for fib rule dump request');
        const p = ctx.payload;
        if (p[1] || p[2] || p[3] || p[4] || p[5] || p[6] || p[7] || viewOf(p).getUint32(8, HOST_LE)) {
          throw new KernelError('EINVAL', 'Invalid values in header for fib rule dump request');
        }
        if (ctx.payload.length > FIB_RULE_HDR_LEN) throw new KernelError('EINVAL', 'Invalid data after header in fib rule dump request');
      }
      if (!family) return all.ops;
      const ops = all.lookup(family);
      if (!ops) throw new KernelError('EAFNOSUPPORT');
      return [ops];
    };
    return {
      dump: (chunk, d) => {
        if (!opsList) {
          try {
            opsList = check();
          } catch (e) {
            if (!(e instanceof KernelError)) throw e;
            opsList = [];
            Object.assign(d.extack, e.extack);
            return e.errno;
          }
        }
        for (let oi = (d.args[0] as number | undefined) ?? 0; oi < opsList.length; oi++) {
          const ops = opsList[oi]!;
          for (let i = (d.args[1] as number | undefined) ?? 0; i < ops.rules.length; i++) {
            const rule = ops.rules[i]!;
            if (!chunk.put(RTM.RTM_NEWRULE, (w) => fillRule(w, ops, rule, links))) return chunk.length ? chunk.length : -90;
            d.args[1] = i + 1;
          }
          d.args[0] = oi + 1;
          d.args[1] = 0;
        }
        return 0;
      },
    };
  }
}

function eq(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** sameRule mirrors rule_exists(): every field equal. */
function sameRule(a: FibRule, b: FibRule): boolean {
  return (
    a.action === b.action && a.table === b.table && a.pref === b.pref && a.iifname === b.iifname && a.oifname === b.oifname && a.mark === b.mark &&
    a.markMask === b.markMask && a.suppressPrefixlen === b.suppressPrefixlen && a.suppressIfgroup === b.suppressIfgroup && a.protocol === b.protocol &&
    a.srcLen === b.srcLen && a.dstLen === b.dstLen && eq(a.src, b.src) && eq(a.dst, b.dst) && a.tos === b.tos && a.flow === b.flow
  );
}
