/**
 * Nexthop objects (net/ipv4/nexthop.c): RTM_GETNEXTHOP (rtm_get_nexthop(), rtm_dump_nexthop()),
 * RTM_DELNEXTHOP (rtm_del_nexthop()) and RTM_GETNEXTHOPBUCKET (rtm_get_nexthop_bucket(),
 * rtm_dump_nexthop_bucket()) over a namespace that has no nexthop objects: every request is
 * validated as Linux validates it, dumps are empty and lookups by id answer ENOENT.
 *
 * @note Creating nexthop objects (RTM_NEWNEXTHOP) is not modelled yet: it is refused with
 * EOPNOTSUPP, so the table stays empty and RTNLGRP_NEXTHOP never carries a notification.
 * nexthop.c always parses strictly (nlmsg_parse()), with and without NETLINK_GET_STRICT_CHK.
 */
import type { DumpControl, DumpState } from '../../sim/dump.js';
import { KernelError } from '../../sim/errors.js';
import type { RequestContext } from '../../sim/request-loop.js';
import { HOST_LE, viewOf } from '../../sim/wire/header.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, parseAttrs, type Policy } from '../../sim/wire/policy.js';
import type { Rtnetlink } from './rtnetlink.js';
import { RTM } from './uapi.js';

/** NHA holds the nexthop attributes (linux/nexthop.h). */
export const NHA = {
  NHA_ID: 1, NHA_GROUP: 2, NHA_GROUP_TYPE: 3, NHA_BLACKHOLE: 4, NHA_OIF: 5, NHA_GATEWAY: 6, NHA_ENCAP_TYPE: 7, NHA_ENCAP: 8, NHA_GROUPS: 9,
  NHA_MASTER: 10, NHA_FDB: 11, NHA_RES_GROUP: 12, NHA_RES_BUCKET: 13, NHA_OP_FLAGS: 14, NHA_GROUP_STATS: 15, NHA_HW_STATS_ENABLE: 16,
  NHA_HW_STATS_USED: 17,
} as const;
/** NHA_RES_BUCKET_* (linux/nexthop.h; PAD shares 0 with UNSPEC): the attributes nested in NHA_RES_BUCKET. */
const NHA_RES_BUCKET_INDEX = 1;
const NHA_RES_BUCKET_NH_ID = 3;
/** sizeof(struct nhmsg). */
export const NHMSG_LEN = 8;
/** NHA_OP_FLAGS_DUMP_ALL: NHA_OP_FLAG_DUMP_STATS | NHA_OP_FLAG_DUMP_HW_STATS. */
const NHA_OP_FLAGS_DUMP_ALL = 0x3;
const INT_MAX = 0x7fffffff;
const STRICT = NL_VALIDATE.NL_VALIDATE_STRICT;

/** policyOf builds a policy array of `maxtype` + 1 entries (ARRAY_SIZE()), entry 0 starting strict checks at 1. */
function policyOf(maxtype: number, entries: [number, Policy[number]][]): Policy {
  const p: Policy[number][] = new Array(maxtype + 1).fill(undefined);
  p[0] = { type: NLA.NLA_UNSPEC, strictStartType: 1 };
  for (const [t, e] of entries) p[t] = e;
  return p;
}

const U32 = { type: NLA.NLA_U32 } as const;
const OP_FLAGS = { type: NLA.NLA_U32, mask: NHA_OP_FLAGS_DUMP_ALL } as const;
/** rtm_nh_policy_get, rtm_nh_policy_del, rtm_nh_policy_dump, rtm_nh_policy_dump_bucket, rtm_nh_policy_get_bucket. */
const POLICY_GET = policyOf(NHA.NHA_OP_FLAGS, [[NHA.NHA_ID, U32], [NHA.NHA_OP_FLAGS, OP_FLAGS]]);
const POLICY_DEL = policyOf(NHA.NHA_ID, [[NHA.NHA_ID, U32]]);
const POLICY_DUMP = policyOf(NHA.NHA_OP_FLAGS, [
  [NHA.NHA_OIF, U32], [NHA.NHA_GROUPS, { type: NLA.NLA_FLAG }], [NHA.NHA_MASTER, U32], [NHA.NHA_FDB, { type: NLA.NLA_FLAG }], [NHA.NHA_OP_FLAGS, OP_FLAGS],
]);
const RES_BUCKET_DUMP = policyOf(NHA_RES_BUCKET_NH_ID, [[NHA_RES_BUCKET_NH_ID, U32]]);
const RES_BUCKET_GET = policyOf(NHA_RES_BUCKET_INDEX, [[NHA_RES_BUCKET_INDEX, { type: NLA.NLA_U16 }]]);
const POLICY_DUMP_BUCKET = policyOf(NHA.NHA_RES_BUCKET, [
  [NHA.NHA_ID, U32], [NHA.NHA_OIF, U32], [NHA.NHA_MASTER, U32], [NHA.NHA_RES_BUCKET, { type: NLA.NLA_NESTED }],
]);
const POLICY_GET_BUCKET = policyOf(NHA.NHA_RES_BUCKET, [[NHA.NHA_ID, U32], [NHA.NHA_RES_BUCKET, { type: NLA.NLA_NESTED }]]);

type Tb = (AttrView | undefined)[];

/** parse mirrors nlmsg_parse() with sizeof(struct nhmsg): strict, whatever the socket asked. */
function parse(message: Uint8Array, policy: Policy): Tb {
  return nlmsgParse(message, NHMSG_LEN, policy, policy.length - 1, STRICT).attrs;
}

/** parseNested mirrors nla_parse_nested() of `attr` in `message`: strict; offsets count from the message. */
function parseNested(message: Uint8Array, attr: AttrView, policy: Policy): Tb {
  return parseAttrs(message.subarray(0, attr.offset + 4 + attr.length), attr.offset + 4, policy, policy.length - 1, STRICT).attrs;
}

/** headerClean is true when nh_protocol, resvd, nh_scope and nh_flags are all zero. */
function headerClean(message: Uint8Array): boolean {
  const p = message.subarray(16);
  return !p[1] && !p[2] && !p[3] && !viewOf(p).getUint32(4, HOST_LE);
}

/** validGetDel mirrors nh_valid_get_del_req(): the header, then a non-zero NHA_ID. */
function validGetDel(message: Uint8Array, tb: Tb): number {
  if (!headerClean(message)) throw new KernelError('EINVAL', 'Invalid values in header');
  if (!tb[NHA.NHA_ID]) throw new KernelError('EINVAL', 'Nexthop id is missing');
  const id = tb[NHA.NHA_ID]!.u32();
  if (!id) throw new KernelError('EINVAL', 'Invalid nexthop id');
  return id;
}

/** validDumpCommon mirrors __nh_valid_dump_req(): device and master indexes, then the header. */
function validDumpCommon(message: Uint8Array, tb: Tb): void {
  if (tb[NHA.NHA_OIF] && tb[NHA.NHA_OIF]!.u32() > INT_MAX) throw new KernelError('EINVAL', 'Invalid device index');
  if (tb[NHA.NHA_MASTER] && tb[NHA.NHA_MASTER]!.u32() > INT_MAX) throw new KernelError('EINVAL', 'Invalid master device index');
  if (!headerClean(message)) throw new KernelError('EINVAL', 'Invalid values in header for nexthop dump request');
}

/**
 * emptyDump runs `validate` on the first round (errors end the dump in NLMSG_DONE, as the
 * dumpit returns them) and puts nothing: the namespace has no nexthop objects.
 */
function emptyDump(validate: (d: DumpState) => void): DumpControl {
  return {
    dump: (_chunk, d) => {
      try {
        validate(d);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        Object.assign(d.extack, e.extack);
        return e.errno;
      }
      return 0;
    },
  };
}

/** registerNexthop installs nexthop_init()'s handlers (PF_INET and PF_INET6 fall back to PF_UNSPEC's). */
export function registerNexthop(rtnl: Rtnetlink): void {
  rtnl.register(0, RTM.RTM_NEWNEXTHOP, { doit: () => { throw new KernelError('EOPNOTSUPP', 'nlsim: nexthop objects are not modelled yet'); } });
  rtnl.register(0, RTM.RTM_DELNEXTHOP, { doit: (ctx) => lookup(ctx, POLICY_DEL) });
  rtnl.register(0, RTM.RTM_GETNEXTHOP, { doit: (ctx) => lookup(ctx, POLICY_GET), dumpit: () => emptyDump((d) => validDumpCommon(d.requestMessage, parse(d.requestMessage, POLICY_DUMP))) });
  rtnl.register(0, RTM.RTM_GETNEXTHOPBUCKET, { doit: getBucket, dumpit: () => emptyDump(validDumpBucket) });
}

/** lookup mirrors rtm_get_nexthop() / rtm_del_nexthop(): a valid id that names no nexthop is ENOENT. */
function lookup(ctx: RequestContext, policy: Policy): never {
  validGetDel(ctx.message, parse(ctx.message, policy));
  throw new KernelError('ENOENT');
}

/** getBucket mirrors rtm_get_nexthop_bucket() with nh_valid_get_bucket_req(). */
function getBucket(ctx: RequestContext): never {
  const tb = parse(ctx.message, POLICY_GET_BUCKET);
  validGetDel(ctx.message, tb);
  if (!tb[NHA.NHA_RES_BUCKET]) throw new KernelError('EINVAL', 'Bucket information is missing');
  const res = parseNested(ctx.message, tb[NHA.NHA_RES_BUCKET]!, RES_BUCKET_GET);
  if (!res[NHA_RES_BUCKET_INDEX]) throw new KernelError('EINVAL', 'Bucket index is missing');
  throw new KernelError('ENOENT');
}

/**
 * validDumpBucket mirrors nh_valid_dump_bucket_req() and the start of
 * rtm_dump_nexthop_bucket(): the outer parse reports no extack (it is given none), a nexthop
 * id to filter on must exist (ENOENT).
 */
function validDumpBucket(d: DumpState): void {
  let tb: Tb;
  try {
    tb = parse(d.requestMessage, POLICY_DUMP_BUCKET);
  } catch (e) {
    if (e instanceof KernelError) throw new KernelError(e.code);
    throw e;
  }
  let id = 0;
  if (tb[NHA.NHA_ID]) {
    id = tb[NHA.NHA_ID]!.u32();
    if (!id) throw new KernelError('EINVAL', 'Invalid nexthop id');
  }
  if (tb[NHA.NHA_RES_BUCKET]) {
    const res = parseNested(d.requestMessage, tb[NHA.NHA_RES_BUCKET]!, RES_BUCKET_DUMP);
    if (res[NHA_RES_BUCKET_NH_ID] && !res[NHA_RES_BUCKET_NH_ID]!.u32()) throw new KernelError('EINVAL', 'Invalid nexthop id');
  }
  validDumpCommon(d.requestMessage, tb);
  if (id) throw new KernelError('ENOENT');
}
