/**
 * Traffic control, simulator against Linux: the default qdiscs devices get (noop while down,
 * noqueue on veth/bridge/lo, pfifo_fast on a single-queue ifb, mq with per-queue pfifo_fast
 * on a multi-queue one) through RTM_GETQDISC dumps and doits, RTM_DELQDISC/RTM_NEWQDISC
 * errors, mq's classes, filter/chain/action requests and dumps, with and without strict
 * checking, the RTNLGRP_TC group watched throughout (a qdisc get answers there; devices coming,
 * going up, down and away send nothing), and dumps split across datagrams.
 *
 * Masked: the bytes and packets counters of TCA_STATS_BASIC and TCA_STATS. Linux counts the
 * MLD reports an up device with carrier sends by itself; nlsim moves no packets.
 */
import { expect, it } from 'vitest';
import { encodeTcMsg, type TcMsg } from '../../../protocols/route/sched/uapi.js';
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import type { SocketFactory } from '../../../sim/socket-api.js';
import { NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REQUEST, NLM_F_ROOT, SOCK_RAW } from '../../../sim/uapi/netlink.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { decodeMessages, type NlMessage } from '../../../sim/wire/messages.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { describeScenarios, type ScenarioCase } from './compare-scenario.js';
import { render as renderOther, runScenario, type Step } from './link-differential.js';
import { createLink, down, group, up } from './rt-steps.js';

const REQ = NLM_F_REQUEST;
const ACK = NLM_F_REQUEST | NLM_F_ACK;
const DUMP = NLM_F_REQUEST | NLM_F_DUMP;
const CREATE = ACK | NLM_F_CREATE | NLM_F_EXCL;
const TC_GROUPS = group(RTNLGRP.RTNLGRP_TC) | group(RTNLGRP.RTNLGRP_LINK);

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const TC_TYPES = new Set([36, 37, 38, 40, 41, 42, 44, 45, 46, 48, 49, 50, 100, 101, 102]);

/** maskCounters zeroes the u64 bytes and u32 packets at the start of a gnet_stats_basic or tc_stats. */
const maskCounters = (p: Uint8Array) => {
  const out = p.slice();
  out.fill(0, 0, 12);
  return out;
};

/** renderTc renders a tc message: header, tcmsg, attributes, TCA_STATS2 opened, counters masked. */
function renderTc(m: NlMessage): string[] {
  const h = m.header;
  const head = m.header.type >= 48 && m.header.type <= 50 ? 4 : 20;
  const lines = [`nlmsg type=${h.type} len=${h.len} flags=${h.flags} seq=${h.seq} pid=${h.pid === 0 ? 0 : 'requester'}`, `msg ${hex(m.payload.subarray(0, head))}`];
  for (const a of attrsToArray(m.payload, head)) {
    if (head === 20 && a.type === 7) {
      lines.push(`  TCA_STATS2 flags=${a.flags}`);
      for (const s of attrsToArray(a.payload)) lines.push(`    stats.${s.type} flags=${s.flags} ${hex(s.type === 1 ? maskCounters(s.payload) : s.payload)}`);
    } else if (head === 20 && a.type === 3) lines.push(`  TCA_STATS ${hex(maskCounters(a.payload))}`);
    else lines.push(`  attr.${a.type} flags=${a.flags} ${hex(a.payload)}`);
  }
  return lines;
}

/** render renders tc messages with renderTc, the rest (errors, links) as the link tests do. */
const render = (m: NlMessage) => (TC_TYPES.has(m.header.type) ? renderTc(m) : renderOther(m));

/** tcm builds struct tcmsg. */
const tcm = (m: Partial<TcMsg>) => encodeTcMsg({ family: 0, ifindex: 0, handle: 0, parent: 0, info: 0, ...m });
const ROOT = 0xffffffff;
const INGRESS = 0xfffffff1;
const MAGIC_BLOCK = -1;
/** kind is TCA_KIND. */
const kind = (k: string) => attrString(1, k);
/** tc builds a tc request of `type` from a tcmsg and attributes. */
const tc = (type: number, flags: number, m: Partial<TcMsg>, ...attrs: Uint8Array[]): Step => ({ type, flags, payload: concat(tcm(m), ...attrs) });
/** tcamsg is struct tcamsg. */
const tcamsg = Uint8Array.of(0, 0, 0, 0);
/** actTab builds TCA_ACT_TAB with one action (TCA_ACT_KIND, TCA_ACT_INDEX as given). */
const actTab = (...a: Uint8Array[]) => attr(1, attr(1, concat(...a)));
/** bitfield32 is struct nla_bitfield32. */
const bitfield32 = (type: number, value: number, selector: number) => attr(type, new Uint8Array(Uint32Array.of(value, selector).buffer));
/** ntxq is IFLA_NUM_TX_QUEUES. */
const ntxq = (n: number) => attrU32(31, n);
/** dellink deletes device `index`. */
const dellink = (index: number): Step => ({ type: RTM.RTM_DELLINK, flags: ACK, payload: concat(Uint8Array.of(0, 0, 0, 0), new Uint8Array(Int32Array.of(index).buffer), new Uint8Array(8)) });

/** Devices: lo 1, i0 2 (up) / i0p 3 (down), br0 4 (down), ifb0 5 (up), ifb1 6 with 3 tx queues (up). */
const setup: Step[] = [createLink('i0', 'veth'), createLink('br0', 'bridge'), createLink('ifb0', 'ifb'), createLink('ifb1', 'ifb', ntxq(3)), up(2), up(5), up(6)];

const { RTM_GETQDISC, RTM_DELQDISC, RTM_NEWQDISC, RTM_GETTCLASS, RTM_NEWTCLASS, RTM_DELTCLASS, RTM_GETTFILTER, RTM_NEWTFILTER, RTM_DELTFILTER, RTM_GETCHAIN, RTM_NEWCHAIN, RTM_GETACTION, RTM_DELACTION } = RTM;

const qdiscRequests: Step[] = [
  tc(RTM_GETQDISC, DUMP, {}), tc(RTM_GETQDISC, DUMP, { ifindex: 5 }), tc(RTM_GETQDISC, DUMP, { ifindex: 99, parent: ROOT }),
  tc(RTM_GETQDISC, DUMP, {}, attr(10, new Uint8Array(0))), tc(RTM_GETQDISC, DUMP | NLM_F_ACK, {}),
  { type: RTM_GETQDISC, flags: DUMP, payload: Uint8Array.of(0) }, { type: RTM_GETQDISC, flags: DUMP, payload: new Uint8Array(16) },
  tc(RTM_GETQDISC, DUMP, {}, attr(11, Uint8Array.of(1, 0))), tc(RTM_GETQDISC, DUMP, {}, attr(10, Uint8Array.of(1))), tc(RTM_GETQDISC, DUMP, {}, Uint8Array.of(4, 0)),
  tc(RTM_GETQDISC, REQ, { ifindex: 2, parent: ROOT }), tc(RTM_GETQDISC, ACK, { ifindex: 5, parent: ROOT }), tc(RTM_GETQDISC, REQ | NLM_F_ECHO, { ifindex: 6, parent: ROOT }),
  tc(RTM_GETQDISC, ACK | NLM_F_ECHO, { ifindex: 1, parent: ROOT }), tc(RTM_GETQDISC, ACK, { ifindex: 3, parent: ROOT }), tc(RTM_GETQDISC, ACK, { ifindex: 4, parent: ROOT }),
  tc(RTM_GETQDISC, ACK, { ifindex: 5, parent: ROOT, handle: 0x10000 }), tc(RTM_GETQDISC, ACK, { ifindex: 5, parent: ROOT }, kind('noqueue')),
  tc(RTM_GETQDISC, ACK | NLM_F_ECHO, { ifindex: 5, parent: ROOT }, kind('pfifo_fast')), tc(RTM_GETQDISC, ACK, { ifindex: 5, parent: ROOT }, attr(1, new TextEncoder().encode('pfifo_fast'))),
  tc(RTM_GETQDISC, ACK, { ifindex: 5 }), tc(RTM_GETQDISC, ACK, { ifindex: 5, handle: 0x10000 }), tc(RTM_GETQDISC, ACK, { ifindex: 6, parent: 0x10000 }),
  tc(RTM_GETQDISC, ACK, { ifindex: 6, parent: 1 }), tc(RTM_GETQDISC, ACK, { ifindex: 2, parent: INGRESS }), tc(RTM_GETQDISC, ACK, { ifindex: 2, parent: 0xfffffff2 }),
  tc(RTM_GETQDISC, ACK, { ifindex: 99, parent: ROOT }), tc(RTM_GETQDISC, ACK, { ifindex: 0, parent: ROOT }), { type: RTM_GETQDISC, flags: ACK, payload: new Uint8Array(8) },
  tc(RTM_GETQDISC, ACK, { ifindex: 5, parent: ROOT }, attr(5, Uint8Array.of(1, 2, 3))),
  tc(RTM_DELQDISC, ACK, { ifindex: 5, parent: ROOT }), tc(RTM_DELQDISC, ACK, { ifindex: 5 }), tc(RTM_DELQDISC, ACK, { ifindex: 2, parent: INGRESS }),
  tc(RTM_DELQDISC, ACK, { ifindex: 6, parent: ROOT }, kind('mq')), tc(RTM_DELQDISC, ACK, { ifindex: 3, parent: ROOT }, kind('noop')), tc(RTM_DELQDISC, ACK, { ifindex: 99, parent: ROOT }),
  tc(RTM_NEWQDISC, ACK, { ifindex: 5, parent: ROOT }, kind('pfifo')), tc(RTM_NEWQDISC, CREATE, { ifindex: 5, parent: ROOT }, kind('nosuch')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 5, parent: ROOT }), tc(RTM_NEWQDISC, CREATE, { ifindex: 5, parent: ROOT }, kind('noop')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 5, parent: ROOT, handle: 0x10001 }, kind('pfifo')), tc(RTM_NEWQDISC, CREATE, { ifindex: 5 }, kind('pfifo')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 5, handle: 0x10000 }, kind('pfifo')), tc(RTM_NEWQDISC, CREATE, { ifindex: 5, parent: 0x10001 }, kind('pfifo')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 99, parent: ROOT }, kind('pfifo')), tc(RTM_NEWQDISC, ACK, { ifindex: 5, parent: ROOT, handle: 0x10000 }),
  // A refused ingress request still gives the device its ingress queue (with noop_qdisc).
  tc(RTM_GETQDISC, ACK, { ifindex: 5, parent: INGRESS }), tc(RTM_NEWQDISC, ACK, { ifindex: 5, parent: INGRESS }, kind('ingress')),
  tc(RTM_GETQDISC, ACK, { ifindex: 5, parent: INGRESS }), tc(RTM_GETQDISC, ACK, { ifindex: 5, parent: INGRESS, handle: 0xffff0000 }),
  tc(RTM_GETQDISC, ACK, { ifindex: 5, parent: INGRESS }, kind('noop')), tc(RTM_DELQDISC, ACK, { ifindex: 5, parent: INGRESS }), tc(RTM_GETQDISC, DUMP, {}),
];

const classRequests: Step[] = [
  tc(RTM_GETTCLASS, DUMP, { ifindex: 6 }), tc(RTM_GETTCLASS, DUMP, { ifindex: 5 }), tc(RTM_GETTCLASS, DUMP, { ifindex: 3 }), tc(RTM_GETTCLASS, DUMP, { ifindex: 99 }),
  tc(RTM_GETTCLASS, DUMP, { ifindex: 6, parent: 0x10000 }), tc(RTM_GETTCLASS, DUMP, { ifindex: 6, parent: 2 }), tc(RTM_GETTCLASS, DUMP, { ifindex: 6, parent: ROOT }),
  { type: RTM_GETTCLASS, flags: DUMP, payload: Uint8Array.of(0) }, tc(RTM_GETTCLASS, DUMP, { ifindex: 6 }, attr(11, Uint8Array.of(1))),
  tc(RTM_GETTCLASS, ACK, { ifindex: 6, handle: 1 }), tc(RTM_GETTCLASS, ACK, { ifindex: 6, parent: ROOT, handle: 0x10001 }),
  tc(RTM_GETTCLASS, ACK, { ifindex: 6, parent: 0x20000, handle: 0x10001 }), tc(RTM_GETTCLASS, ACK, { ifindex: 99 }),
  tc(RTM_NEWTCLASS, CREATE, { ifindex: 5, parent: ROOT, handle: 0x10001 }), tc(RTM_DELTCLASS, ACK, { ifindex: 6, handle: 1 }),
];

const filterRequests: Step[] = [
  tc(RTM_GETTFILTER, DUMP, { ifindex: 2 }), tc(RTM_GETTFILTER, DUMP, { ifindex: 6 }), tc(RTM_GETTFILTER, DUMP, { ifindex: 6, parent: 0x10001 }),
  tc(RTM_GETTFILTER, DUMP, { ifindex: 99 }), tc(RTM_GETTFILTER, DUMP, { ifindex: MAGIC_BLOCK, parent: 1 }), tc(RTM_GETTFILTER, DUMP, { ifindex: 2, parent: 0xfffffff2 }),
  tc(RTM_GETTFILTER, DUMP, { ifindex: 2 }, bitfield32(15, 1, 1)), tc(RTM_GETTFILTER, DUMP, { ifindex: 2 }, bitfield32(15, 2, 2)), tc(RTM_GETTFILTER, DUMP, { ifindex: 2 }, attr(11, Uint8Array.of(1))),
  tc(RTM_GETTFILTER, DUMP, { ifindex: 2 }, attr(1, Uint8Array.of(1))), { type: RTM_GETTFILTER, flags: DUMP, payload: Uint8Array.of(0) },
  tc(RTM_GETTFILTER, ACK, { ifindex: 5 }), tc(RTM_GETTFILTER, ACK, { ifindex: 5, info: 0x10003 }), tc(RTM_GETTFILTER, ACK, { ifindex: 6, info: 0x10003 }),
  tc(RTM_GETTFILTER, ACK, { ifindex: 3, info: 0x10003 }), tc(RTM_GETTFILTER, ACK, { ifindex: 5, parent: 0x10000, info: 0x10003 }), tc(RTM_GETTFILTER, ACK, { ifindex: 99, info: 0x10003 }),
  tc(RTM_GETTFILTER, ACK, { ifindex: MAGIC_BLOCK, parent: 1, info: 0x10003 }), tc(RTM_GETTFILTER, ACK, { ifindex: MAGIC_BLOCK, parent: 1, info: 0x10003 }, kind('a-very-long-filter-kind')),
  tc(RTM_NEWTFILTER, ACK, { ifindex: 5 }, kind('u32')), tc(RTM_NEWTFILTER, CREATE, { ifindex: 5 }, kind('u32')), tc(RTM_NEWTFILTER, CREATE, { ifindex: 6, info: 0x10003 }, kind('u32')),
  tc(RTM_DELTFILTER, ACK, { ifindex: 5, info: 3 }), tc(RTM_DELTFILTER, ACK, { ifindex: 5 }), tc(RTM_DELTFILTER, ACK, { ifindex: 5 }, kind('u32')),
  tc(RTM_GETCHAIN, DUMP, { ifindex: 2 }), tc(RTM_GETCHAIN, DUMP, { ifindex: 6 }), tc(RTM_GETCHAIN, DUMP, { ifindex: 2 }, attr(11, Uint8Array.of(1))),
  tc(RTM_GETCHAIN, DUMP, { ifindex: 2 }, bitfield32(15, 2, 2)), tc(RTM_GETCHAIN, ACK, { ifindex: 5 }), tc(RTM_GETCHAIN, ACK, { ifindex: 6 }),
  tc(RTM_GETCHAIN, ACK, { ifindex: MAGIC_BLOCK, parent: 7 }), tc(RTM_NEWCHAIN, CREATE, { ifindex: 5 }, attrU32(11, 3)), tc(RTM_GETCHAIN, ACK, { ifindex: 99 }),
];

const actionRequests: Step[] = [
  { type: RTM_GETACTION, flags: DUMP, payload: concat(tcamsg, actTab(kind('gact'))) }, { type: RTM_GETACTION, flags: DUMP, payload: concat(tcamsg, actTab(kind('mirred'))) },
  { type: RTM_GETACTION, flags: DUMP, payload: tcamsg }, { type: RTM_GETACTION, flags: DUMP, payload: concat(tcamsg, actTab(kind('mirred')), bitfield32(2, 1, 1)) },
  { type: RTM_GETACTION, flags: DUMP, payload: concat(tcamsg, actTab(kind('mirred')), bitfield32(2, 8, 8)) }, { type: RTM_GETACTION, flags: DUMP, payload: Uint8Array.of(0) },
  { type: RTM_GETACTION, flags: ACK, payload: tcamsg }, { type: RTM_GETACTION, flags: ACK, payload: concat(tcamsg, actTab(kind('mirred'))) },
  { type: RTM_GETACTION, flags: ACK, payload: concat(tcamsg, actTab(kind('gact'), attrU32(3, 1))) }, { type: RTM_GETACTION, flags: ACK, payload: concat(tcamsg, actTab(kind('mirred'), attrU32(3, 1))) },
  { type: RTM_GETACTION, flags: ACK, payload: concat(tcamsg, actTab(kind('mirred'), attr(3, Uint8Array.of(1)))) },
  { type: RTM_DELACTION, flags: ACK, payload: concat(tcamsg, actTab(kind('mirred'), attrU32(3, 7))) },
  { type: RTM_GETACTION, flags: ACK, payload: concat(tcamsg, attr(1, new Uint8Array(0))) }, { type: RTM_GETACTION, flags: REQ | NLM_F_ECHO, payload: concat(tcamsg, attr(1, attr(2, Uint8Array.of(1)))) }, { type: RTM_DELACTION, flags: ACK | NLM_F_ROOT, payload: concat(tcamsg, attr(1, new Uint8Array(0))) },
];

const REPLACE = ACK | NLM_F_CREATE | 0x100; // NLM_F_REPLACE
/** opts is TCA_OPTIONS with a raw payload; limit is a fifo's struct tc_fifo_qopt. */
const opts = (p: Uint8Array) => attr(2, p);
const limit = (n: number) => opts(new Uint8Array(Uint32Array.of(n).buffer));

/** Devices: ifb0 2, ifb1 3 (3 tx queues), i0 4 / i0p 5; qdiscs added, replaced, changed and deleted. */
const graftRequests: Step[] = [
  createLink('ifb0', 'ifb'), createLink('ifb1', 'ifb', ntxq(3)), createLink('i0', 'veth'),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: ROOT, handle: 0x10000 }, kind('pfifo')), tc(RTM_GETQDISC, DUMP, {}),
  up(2), up(3), up(4), tc(RTM_GETQDISC, DUMP, {}),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 3, parent: ROOT, handle: 0x20000 }, kind('bfifo'), limit(3000)),
  tc(RTM_NEWQDISC, REPLACE, { ifindex: 2, parent: ROOT, handle: 0x10000 }, kind('pfifo'), limit(5)),
  tc(RTM_NEWQDISC, REPLACE | NLM_F_ECHO, { ifindex: 2, parent: ROOT, handle: 0x30000 }, kind('pfifo_head_drop')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: INGRESS, handle: 0xffff0000 }, kind('ingress')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: INGRESS, handle: 0xffff0000 }, kind('clsact')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 3, parent: INGRESS }, kind('clsact')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 4, parent: ROOT, handle: 0x40000 }, kind('noqueue')),
  tc(RTM_GETQDISC, DUMP, {}), tc(RTM_GETQDISC, REQ, { ifindex: 2, parent: INGRESS }), tc(RTM_GETQDISC, REQ | NLM_F_ECHO, { ifindex: 3, parent: ROOT }),
  tc(RTM_GETQDISC, ACK, { ifindex: 2, handle: 0x30000 }), tc(RTM_GETQDISC, ACK, { ifindex: 2, handle: 0xffff0000 }), tc(RTM_GETQDISC, ACK, { ifindex: 2, parent: 0x30001 }),
  tc(RTM_GETTCLASS, DUMP, { ifindex: 3 }), tc(RTM_GETTCLASS, DUMP, { ifindex: 2 }), tc(RTM_GETTCLASS, ACK, { ifindex: 3, handle: 0x20001 }), tc(RTM_GETTCLASS, ACK, { ifindex: 2, handle: 0xffff0001 }),
  tc(RTM_GETTFILTER, DUMP, { ifindex: 2, parent: 0xfffffff2 }), tc(RTM_GETTFILTER, DUMP, { ifindex: 3, parent: 0xfffffff3 }), tc(RTM_GETCHAIN, DUMP, { ifindex: 3, parent: 0xfffffff2 }),
  tc(RTM_GETTFILTER, ACK, { ifindex: 3, parent: 0xffff0007, info: 0x10003 }), tc(RTM_GETTFILTER, ACK, { ifindex: 3, parent: 0xffff0000, info: 0x10003 }),
  tc(RTM_GETTFILTER, ACK, { ifindex: 3, parent: 0x20000, info: 0x10003 }), tc(RTM_GETCHAIN, ACK, { ifindex: 3, parent: 0xffff0009 }),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 3, parent: ROOT, handle: 0x50000 }, kind('noqueue')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 3, parent: ROOT }, kind('bfifo')), tc(RTM_NEWQDISC, ACK, { ifindex: 3, parent: ROOT }, kind('bfifo'), limit(100)),
  tc(RTM_NEWQDISC, ACK, { ifindex: 3, handle: 0x20000 }, limit(200)), tc(RTM_NEWQDISC, ACK, { ifindex: 3, handle: 0x20000 }, kind('pfifo'), limit(200)),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 3, handle: 0x20000 }), tc(RTM_NEWQDISC, ACK, { ifindex: 3, handle: 0x20000 }, opts(Uint8Array.of(1, 2))),
  tc(RTM_NEWQDISC, ACK, { ifindex: 4, handle: 0x40000 }, limit(1)), tc(RTM_NEWQDISC, ACK, { ifindex: 4, handle: 0x40000 }),
  tc(RTM_NEWQDISC, ACK, { ifindex: 2, parent: INGRESS, handle: 0xffff0000 }, limit(1)),
  tc(RTM_NEWQDISC, REPLACE, { ifindex: 3, parent: ROOT, handle: 0x60000 }, kind('mq')), tc(RTM_GETQDISC, DUMP, {}), tc(RTM_GETTCLASS, DUMP, { ifindex: 3 }),
  tc(RTM_GETQDISC, ACK | NLM_F_ECHO, { ifindex: 3, parent: 0x60002 }), tc(RTM_GETQDISC, ACK, { ifindex: 3, parent: 0x60009 }), tc(RTM_DELQDISC, ACK, { ifindex: 3, parent: 0x60002 }),
  tc(RTM_GETQDISC, ACK, { ifindex: 2, parent: 0x30002 }),
  tc(RTM_DELQDISC, ACK, { ifindex: 2, parent: INGRESS }), tc(RTM_DELQDISC, ACK, { ifindex: 2, parent: INGRESS }), tc(RTM_DELQDISC, ACK | NLM_F_ECHO, { ifindex: 2, parent: ROOT }),
  tc(RTM_DELQDISC, ACK, { ifindex: 3, parent: ROOT }, kind('bfifo')), tc(RTM_DELQDISC, ACK, { ifindex: 3, parent: ROOT, handle: 0x60000 }), tc(RTM_GETQDISC, DUMP, {}),
  down(4), tc(RTM_DELQDISC, ACK, { ifindex: 4, parent: ROOT }), tc(RTM_GETQDISC, DUMP, {}), up(4), tc(RTM_GETQDISC, DUMP, {}),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: ROOT, handle: 0x80000 }, kind('bfifo')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: ROOT, handle: 0x90000 }, kind('pfifo'), opts(Uint8Array.of(1, 2))),
  tc(RTM_NEWQDISC, REPLACE, { ifindex: 2, parent: ROOT, handle: 0x90000 }, kind('mq')), tc(RTM_NEWQDISC, REPLACE, { ifindex: 2, parent: ROOT, handle: 0x90000 }, kind('ingress')),
  tc(RTM_NEWQDISC, REPLACE, { ifindex: 5, parent: INGRESS }, kind('pfifo')), tc(RTM_NEWQDISC, REPLACE, { ifindex: 5, parent: INGRESS }, kind('clsact'), attrU32(13, 0)),
  tc(RTM_NEWQDISC, REPLACE, { ifindex: 5, parent: ROOT, handle: 0x90000 }, kind('pfifo'), attrU32(13, 5)), tc(RTM_NEWQDISC, REPLACE, { ifindex: 5, parent: INGRESS }, kind('ingress'), attrU32(14, 5)),
  tc(RTM_NEWQDISC, REPLACE, { ifindex: 3, parent: ROOT, handle: 0x90000 }, kind('mq'), attr(5, Uint8Array.of(0, 0))),
  tc(RTM_NEWQDISC, REPLACE, { ifindex: 5, parent: INGRESS }, kind('ingress')), tc(RTM_NEWQDISC, REPLACE, { ifindex: 5, parent: INGRESS }, kind('clsact')),
  tc(RTM_GETQDISC, DUMP, {}), dellink(2), dellink(4), tc(RTM_GETQDISC, DUMP, {}),
];

/**
 * Device: ifb0 2 with 4 tx queues under a grafted mq 6:, qdiscs grafted below its classes.
 * Handles are explicit where a qdisc is created: Linux allocates 8001:, 8002:… from one
 * counter for every namespace, so what it hands out depends on what ran before.
 */
const classGraftRequests: Step[] = [
  createLink('ifb0', 'ifb', ntxq(4)), up(2), tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: ROOT, handle: 0x60000 }, kind('mq')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x60001, handle: 0x70000 }, kind('pfifo')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x60003, handle: 0x100000 }, kind('bfifo')),
  tc(RTM_NEWQDISC, CREATE | NLM_F_ECHO, { ifindex: 2, parent: 0x60002, handle: 0x80000 }, kind('pfifo_fast')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x60004 }, kind('noqueue')), tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x60004, handle: 0x90000 }, kind('mq')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x60004, handle: 0x90000 }, kind('clsact')),
  tc(RTM_NEWQDISC, REPLACE, { ifindex: 2, parent: 0x60003, handle: 0x110000 }, kind('pfifo')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x60001, handle: 0x70000 }, kind('pfifo')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x60001, handle: 0x120000 }, kind('pfifo')),
  tc(RTM_GETQDISC, DUMP, {}), tc(RTM_GETTCLASS, DUMP, { ifindex: 2 }), tc(RTM_GETTCLASS, ACK | NLM_F_ECHO, { ifindex: 2, handle: 0x60003 }),
  tc(RTM_GETQDISC, ACK, { ifindex: 2, parent: 0x60001 }), tc(RTM_GETQDISC, ACK | NLM_F_ECHO, { ifindex: 2, handle: 0x110000 }),
  tc(RTM_NEWQDISC, ACK, { ifindex: 2, handle: 0x70000 }, limit(9)), tc(RTM_NEWQDISC, REPLACE, { ifindex: 2, parent: 0x60001, handle: 0x70000 }, kind('pfifo'), limit(4)),
  tc(RTM_DELQDISC, ACK, { ifindex: 2, parent: 0x60001 }), tc(RTM_DELQDISC, ACK, { ifindex: 2, parent: 0x60001 }), tc(RTM_GETQDISC, ACK, { ifindex: 2, parent: 0x60001 }),
  tc(RTM_GETQDISC, DUMP, {}), tc(RTM_GETTCLASS, DUMP, { ifindex: 2 }),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x60005, handle: 0xd0000 }, kind('pfifo')), tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x70001, handle: 0xd0000 }, kind('pfifo')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x110000, handle: 0xd0000 }, kind('pfifo')), tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x60001, handle: 0xd0000 }, kind('ingress')),
  tc(RTM_NEWQDISC, CREATE, { ifindex: 2, parent: 0x60001, handle: 0xf0000 }, kind('pfifo'), limit(3)), tc(RTM_GETQDISC, DUMP, {}),
  tc(RTM_NEWQDISC, REPLACE, { ifindex: 2, parent: ROOT, handle: 0xe0000 }, kind('mq')), tc(RTM_GETQDISC, DUMP, {}), tc(RTM_DELQDISC, ACK, { ifindex: 2, parent: ROOT }), tc(RTM_GETQDISC, DUMP, {}),
];

/** datagrams sends one dump and renders its datagrams (length, then each message's type and length). */
function datagrams(factory: SocketFactory, step: Step, bufferSize: number): string[] {
  const s = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    s.bind({ pid: 0, groups: 0 });
    s.sendto(encodeMessage({ type: step.type, flags: step.flags, seq: 1, pid: 0 }, step.payload), { pid: 0, groups: 0 });
    const out: string[] = [];
    for (;;) {
      let data: Uint8Array;
      try {
        data = s.recvmsg({ bufferSize }).data;
      } catch (e) {
        if ((e as { code?: string }).code === 'EAGAIN') return out;
        throw e;
      }
      out.push(`${data.length} ${decodeMessages(data).map((m) => `${m.header.type}/${m.header.len}/${m.header.flags}`).join(' ')}`);
    }
  } finally {
    s.close();
  }
}

const scenarios: ScenarioCase[] = [
  ['qdiscs: dumps, gets answered on RTNLGRP_TC, delete and create errors', [...setup, ...qdiscRequests], {}],
  ['qdiscs with strict checking (tc checks nothing strictly)', [...setup, ...qdiscRequests], { strict: true }],
  ['mq classes: dumps and class requests', [...setup, ...classRequests], {}],
  ['filters and chains: empty dumps, errors of a qdisc without blocks', [...setup, ...filterRequests], {}],
  ['filters and chains with strict checking', [...setup, ...filterRequests], { strict: true }],
  ['actions: empty dumps of any kind, get and delete errors', actionRequests, {}],
  ['qdiscs added, replaced, changed and deleted at the root and on the ingress queue, with their notifications', graftRequests, {}],
  ['qdiscs grafted below the classes of an mq: hash order, class leaves, changes, deletions', classGraftRequests, {}],
  ['devices come, go up, down and away: no RTM_NEWQDISC or RTM_DELQDISC on their own', [
    createLink('ifb0', 'ifb'), up(2), tc(RTM_GETQDISC, DUMP, {}), down(2), tc(RTM_GETQDISC, DUMP, {}), up(2), dellink(2),
    createLink('v0', 'veth', ntxq(2)), up(3), createLink('ifb1', 'ifb', ntxq(2)), up(5), tc(RTM_GETQDISC, DUMP, {}), dellink(5), dellink(3), tc(RTM_GETQDISC, DUMP, {}),
  ], {}],
];

/** pidOf writes a numeric port id in replies as `<portid>` (renderTc shows `requester` for the requester's). */
const pidOf = (lines: string[]) => lines.map((l) => l.replace(/pid=\d+/, 'pid=<portid>'));

/** tcPause gives Linux linkwatch's 30 ms after link, address, route and neighbour requests; tc requests act at once. */
const tcPause = (step: Step) => (step.type < 36 ? 30 : 0);

describeScenarios('traffic control: simulator and Linux, message for message', scenarios, { groups: TC_GROUPS, render, replies: pidOf, pauseMs: tcPause });

describeKernel('traffic control dumps across datagrams: simulator and Linux', (openNamespace) => {
  it('qdisc and class dumps of a 64-queue device resume across datagrams', async () => {
    const ns = openNamespace();
    try {
      const sim = createHostKernel();
      const prep = [createLink('ifb0', 'ifb', ntxq(64)), up(2), createLink('i0', 'veth'), up(3), up(4)];
      await runScenario(ns, prep, { real: true, groups: TC_GROUPS, render, pauseMs: tcPause });
      await runScenario(sim, prep, { real: false, groups: TC_GROUPS, render });
      for (const step of [tc(RTM_GETQDISC, DUMP, {}), tc(RTM_GETTCLASS, DUMP, { ifindex: 2 })]) {
        for (const size of [4096, 8192, 32768]) {
          expect({ type: step.type, size, datagrams: datagrams(sim, step, size) }).toEqual({ type: step.type, size, datagrams: datagrams(ns, step, size) });
        }
      }
    } finally {
      ns.close();
    }
  }, 60_000);
});
