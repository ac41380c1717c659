/**
 * The bodies of RTM_NEWQDISC / RTM_DELQDISC and RTM_NEWTCLASS messages: tc_fill_qdisc() and
 * tc_fill_tclass() (sch_api.c) with the statistics gen_stats.c writes for them.
 *
 * @note nlsim moves no packets, so every counter is zero. On Linux a device that is up with
 * carrier and IPv6 counts the MLD reports and router solicitations it sends by itself.
 */
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE } from '../../../sim/wire/header.js';
import { mqLeaf, type Qdisc } from './qdisc.js';
import { encodeTcMsg, PFIFO_FAST_BANDS, PRIO2BAND, TC_H_ROOT, TC_PRIO_COUNT, TCA, TCA_STATS, tcHMin } from './uapi.js';

/** sizeof(struct gnet_stats_basic): u64 bytes, u32 packets, 4 bytes of tail padding. */
const GNET_STATS_BASIC_LEN = 16;
/** sizeof(struct gnet_stats_queue): qlen, backlog, drops, requeues, overlimits. */
const GNET_STATS_QUEUE_LEN = 20;
/** sizeof(struct tc_stats): u64 bytes, seven u32, padded to 8. */
const TC_STATS_LEN = 40;

/** prioQopt mirrors pfifo_fast_dump()'s struct tc_prio_qopt: bands, then the priomap. */
function prioQopt(): Uint8Array {
  const b = new Uint8Array(4 + TC_PRIO_COUNT);
  new DataView(b.buffer).setInt32(0, PFIFO_FAST_BANDS, HOST_LE);
  b.set(PRIO2BAND, 4);
  return b;
}

/**
 * writeStats mirrors gnet_stats_start_copy_compat() … gnet_stats_finish_copy() for a qdisc or
 * class without a rate estimator or xstats: TCA_STATS2 holding TCA_STATS_BASIC (packets fit
 * in 32 bits, so no TCA_STATS_PKT64) and TCA_STATS_QUEUE, then the compat TCA_STATS. The
 * nest is written without NLA_F_NESTED (gnet_stats_copy() puts a plain attribute and fixes
 * its length at the end). No TCA_PAD is needed on 64-bit x86.
 */
function writeStats(w: AttrWriter): void {
  const nest = w.beginNest(TCA.TCA_STATS2, false);
  w.bytes(TCA_STATS.TCA_STATS_BASIC, new Uint8Array(GNET_STATS_BASIC_LEN));
  w.bytes(TCA_STATS.TCA_STATS_QUEUE, new Uint8Array(GNET_STATS_QUEUE_LEN));
  w.endNest(nest);
  w.bytes(TCA.TCA_STATS, new Uint8Array(TC_STATS_LEN));
}

/**
 * fillQdisc mirrors tc_fill_qdisc() after nlmsg_put(): struct tcmsg (tcm_parent is `clid`,
 * tcm_info the reference count), TCA_KIND, the kind's dump (pfifo_fast: the priomap; the fifos: their
 * limit; ingress and clsact: an empty nest; noqueue and mq: nothing), TCA_HW_OFFLOAD 0, the statistics.
 */
export function fillQdisc(w: AttrWriter, q: Qdisc, clid: number): void {
  w.raw(encodeTcMsg({ family: 0, ifindex: q.dev.ifindex, handle: q.handle, parent: clid, info: q.refcnt }));
  w.string(TCA.TCA_KIND, q.kind);
  if (q.kind === 'pfifo_fast') w.bytes(TCA.TCA_OPTIONS, prioQopt());
  else if (q.limit !== undefined) w.u32(TCA.TCA_OPTIONS, q.limit); // fifo_dump(): struct tc_fifo_qopt
  else if (q.ingress) w.endNest(w.beginNest(TCA.TCA_OPTIONS, false)); // ingress_dump(): an empty nest
  w.u8(TCA.TCA_HW_OFFLOAD, 0);
  writeStats(w);
}

/**
 * fillClass mirrors tc_fill_tclass() for class `cl` of `q`: for mq, mq_dump_class() (parent
 * TC_H_ROOT, handle the queue number, tcm_info the leaf's handle) and mq_dump_class_stats()
 * (the leaf's counters); ingress and clsact have neither, so their classes report the
 * qdisc's handle as handle and parent and an empty TCA_STATS2.
 */
export function fillClass(w: AttrWriter, q: Qdisc, cl: number): void {
  const mq = q.kind === 'mq';
  const info = mq ? mqLeaf(q, cl - 1).handle : 0;
  w.raw(encodeTcMsg({ family: 0, ifindex: q.dev.ifindex, handle: mq ? (q.handle | tcHMin(cl)) >>> 0 : q.handle, parent: mq ? TC_H_ROOT : q.handle, info }));
  w.string(TCA.TCA_KIND, q.kind);
  if (mq) writeStats(w);
  else {
    w.endNest(w.beginNest(TCA.TCA_STATS2, false));
    w.bytes(TCA.TCA_STATS, new Uint8Array(TC_STATS_LEN));
  }
}
