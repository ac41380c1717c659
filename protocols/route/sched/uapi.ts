/**
 * Traffic-control constants of the uapi headers (linux/rtnetlink.h, linux/pkt_sched.h,
 * linux/gen_stats.h, linux/pkt_cls.h) as Linux 6.18 defines them.
 */
import { HOST_LE } from '../../../sim/wire/header.js';

/** TCMSG_LEN is sizeof(struct tcmsg): family, 3 pad bytes, ifindex, handle, parent, info. */
export const TCMSG_LEN = 20;
/** TCAMSG_LEN is sizeof(struct tcamsg): family and 3 pad bytes. */
export const TCAMSG_LEN = 4;

/** TCA holds the TCA_* attributes of qdisc, class, filter and chain messages. */
export const TCA = {
  TCA_KIND: 1,
  TCA_OPTIONS: 2,
  TCA_STATS: 3,
  TCA_XSTATS: 4,
  TCA_RATE: 5,
  TCA_FCNT: 6,
  TCA_STATS2: 7,
  TCA_STAB: 8,
  TCA_PAD: 9,
  TCA_DUMP_INVISIBLE: 10,
  TCA_CHAIN: 11,
  TCA_HW_OFFLOAD: 12,
  TCA_INGRESS_BLOCK: 13,
  TCA_EGRESS_BLOCK: 14,
  TCA_DUMP_FLAGS: 15,
  TCA_EXT_WARN_MSG: 16,
} as const;
/** TCA_MAX on 6.18. */
export const TCA_MAX = 16;

/** TCA_STATS holds the attributes nested in TCA_STATS2 (gnet_stats). */
export const TCA_STATS = {
  TCA_STATS_BASIC: 1,
  TCA_STATS_RATE_EST: 2,
  TCA_STATS_QUEUE: 3,
  TCA_STATS_APP: 4,
  TCA_STATS_RATE_EST64: 5,
  TCA_STATS_PAD: 6,
  TCA_STATS_BASIC_HW: 7,
  TCA_STATS_PKT64: 8,
} as const;

/** TCA_ROOT holds the attributes of action messages (struct tcamsg). */
export const TCA_ROOT = {
  TCA_ACT_TAB: 1,
  TCA_ROOT_FLAGS: 2,
  TCA_ROOT_COUNT: 3,
  TCA_ROOT_TIME_DELTA: 4,
  TCA_ROOT_EXT_WARN_MSG: 5,
} as const;
/** TCA_ROOT_MAX on 6.18. */
export const TCA_ROOT_MAX = 5;

/** TCA_ACT holds the attributes of one action (nested in TCA_ACT_TAB's numbered entries). */
export const TCA_ACT = {
  TCA_ACT_KIND: 1,
  TCA_ACT_OPTIONS: 2,
  TCA_ACT_INDEX: 3,
  TCA_ACT_STATS: 4,
  TCA_ACT_PAD: 5,
  TCA_ACT_COOKIE: 6,
  TCA_ACT_FLAGS: 7,
  TCA_ACT_HW_STATS: 8,
  TCA_ACT_USED_HW_STATS: 9,
  TCA_ACT_IN_HW_COUNT: 10,
} as const;
/** TCA_ACT_MAX on 6.18. */
export const TCA_ACT_MAX = 10;
/** TCA_ACT_MAX_PRIO: the most actions one request names. */
export const TCA_ACT_MAX_PRIO = 32;
/** TC_COOKIE_MAX_SIZE: the longest action cookie. */
export const TC_COOKIE_MAX_SIZE = 16;

/** TCA_DUMP_FLAGS_TERSE: the one valid bit of a filter dump's TCA_DUMP_FLAGS. */
export const TCA_DUMP_FLAGS_TERSE = 1;
/** TCA_ACT_FLAG_LARGE_DUMP_ON | TCA_ACT_FLAG_TERSE_DUMP: the valid bits of TCA_ROOT_FLAGS. */
export const TCA_ROOT_FLAGS_VALID = 1 | 2;
/** TCA_ACT_FLAGS_NO_PERCPU_STATS | SKIP_HW | SKIP_SW: the valid bits of TCA_ACT_FLAGS. */
export const TCA_ACT_FLAGS_VALID = 1 | 2 | 4;
/** TCA_ACT_HW_STATS_ANY: the valid bits of TCA_ACT_HW_STATS. */
export const TCA_ACT_HW_STATS_ANY = 1 | 2;

/** TC_H_ROOT: the parent of a root qdisc. */
export const TC_H_ROOT = 0xffffffff;
/** TC_H_INGRESS: the parent of an ingress or clsact qdisc (ffff:fff1). */
export const TC_H_INGRESS = 0xfffffff1;
/** TCM_IFINDEX_MAGIC_BLOCK: tcm_ifindex of a request that names a shared block by index. */
export const TCM_IFINDEX_MAGIC_BLOCK = 0xffffffff;

/** TC_H_MAJ: the major half of a handle. */
export const tcHMaj = (h: number) => (h & 0xffff0000) >>> 0;
/** TC_H_MIN: the minor half of a handle. */
export const tcHMin = (h: number) => h & 0x0000ffff;
/** TC_H_MAKE: a handle from a major and a minor. */
export const tcHMake = (maj: number, min: number) => (tcHMaj(maj) | tcHMin(min)) >>> 0;

/** TC_PRIO_MAX + 1: the length of a priomap. */
export const TC_PRIO_COUNT = 16;
/** PFIFO_FAST_BANDS: pfifo_fast's band count. */
export const PFIFO_FAST_BANDS = 3;
/** sch_default_prio2band: pfifo_fast's fixed priomap (sch_generic.c). */
export const PRIO2BAND: readonly number[] = [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];

/** TcMsg is struct tcmsg. */
export interface TcMsg {
  family: number;
  ifindex: number;
  handle: number;
  parent: number;
  info: number;
}

/** decodeTcMsg reads struct tcmsg at `offset` (host order); missing bytes read as zero. */
export function decodeTcMsg(b: Uint8Array, offset = 0): TcMsg {
  const p = new Uint8Array(TCMSG_LEN);
  p.set(b.subarray(offset, offset + TCMSG_LEN));
  const v = new DataView(p.buffer);
  return { family: p[0]!, ifindex: v.getInt32(4, HOST_LE), handle: v.getUint32(8, HOST_LE), parent: v.getUint32(12, HOST_LE), info: v.getUint32(16, HOST_LE) };
}

/** encodeTcMsg writes struct tcmsg (host order, pads zero). */
export function encodeTcMsg(m: TcMsg): Uint8Array {
  const p = new Uint8Array(TCMSG_LEN);
  const v = new DataView(p.buffer);
  p[0] = m.family;
  v.setInt32(4, m.ifindex, HOST_LE);
  v.setUint32(8, m.handle >>> 0, HOST_LE);
  v.setUint32(12, m.parent >>> 0, HOST_LE);
  v.setUint32(16, m.info >>> 0, HOST_LE);
  return p;
}
