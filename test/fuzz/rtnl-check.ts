/**
 * The route fuzzer's referee: runs a sequence of actions (rtnl-grammar.ts) against a fresh
 * virtual kernel and checks after every request what Linux guarantees whatever the input:
 *
 * - sendto() and recvmsg() return or throw a NetlinkError with a Linux errno, nothing else;
 *   so do the kernel's timers when time passes;
 * - every answer is well-formed netlink; each request that asked for an ACK, or failed, gets
 *   exactly one NLMSG_ERROR (netlink_rcv_skb()), a dump ends with exactly one NLMSG_DONE or
 *   NLMSG_ERROR, and nothing answers a request twice;
 * - every dump of every object type still succeeds and parses, so no request left the state
 *   half-applied in a way a reader trips on;
 * - notifications on a monitor socket of every group are well-formed (or ENOBUFS when it overflows).
 *
 * A violation throws a FuzzViolation naming the action; fast-check shrinks the sequence.
 */
import { createKernel } from '../../protocols/index.js';
import { IFLA, RTM, RTNLGRP_MAX } from '../../protocols/route/core/uapi.js';
import type { VirtualKernel } from '../../sim/kernel.js';
import { NetlinkError } from '../../sim/errors.js';
import { errnoName } from '../../sim/uapi/errno.js';
import {
  MSG_DONTWAIT, NETLINK_ADD_MEMBERSHIP, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR,
  NLMSG_MIN_TYPE, SO_RCVBUF, SOCK_RAW, SOL_NETLINK, SOL_SOCKET,
} from '../../sim/uapi/netlink.js';
import type { NetlinkSocket } from '../../sim/socket-api.js';
import { attrsToArray } from '../../sim/wire/attr-reader.js';
import { encodeMessage, HOST_LE } from '../../sim/wire/header.js';
import { decodeMessages, type NlMessage, type WalkResult } from '../../sim/wire/messages.js';
import type { Action, Request } from './rtnl-grammar.js';
import { cat, nla, text } from './rtnl-values.js';

/** FuzzViolation is a broken invariant: what happened, at which step of the sequence. */
export class FuzzViolation extends Error {}

/** Stats counts what a run did, for `npm run fuzz`. */
export interface FuzzStats {
  messages: number;
  acks: number;
  errors: number;
  dumps: number;
}

/** The fixed header length of each dump's family header (what the consistency dumps send). */
const DUMPS: [type: number, header: Uint8Array][] = [
  [RTM.RTM_GETLINK, new Uint8Array(16)],
  [RTM.RTM_GETADDR, new Uint8Array(8)],
  [RTM.RTM_GETROUTE, new Uint8Array(12)],
  [RTM.RTM_GETNEIGH, new Uint8Array(12)],
  [RTM.RTM_GETNEIGH, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0)], // proxy entries
  [RTM.RTM_GETNEIGH, Uint8Array.of(7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)], // the bridges' fdb
  [RTM.RTM_GETRULE, new Uint8Array(12)],
  [RTM.RTM_GETNEXTHOP, new Uint8Array(8)],
  [RTM.RTM_GETQDISC, new Uint8Array(20)],
  [RTM.RTM_GETNETCONF, new Uint8Array(4)],
  [RTM.RTM_GETMULTICAST, Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0)],
  [RTM.RTM_GETMULTICAST, Uint8Array.of(10, 0, 0, 0, 0, 0, 0, 0)],
  [RTM.RTM_GETANYCAST, Uint8Array.of(10, 0, 0, 0, 0, 0, 0, 0)],
  [RTM.RTM_GETADDRLABEL, Uint8Array.of(10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)],
  [RTM.RTM_GETNEIGHTBL, new Uint8Array(4)],
  [RTM.RTM_GETNSID, new Uint8Array(4)],
  [RTM.RTM_GETMDB, Uint8Array.of(7, 0, 0, 0, 0, 0, 0, 0)],
  [RTM.RTM_GETSTATS, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)],
];

/** header lengths of the family headers, for walking attributes of answers. */
const FAMILY_HEADER: Record<number, number> = {
  [RTM.RTM_NEWLINK]: 16, [RTM.RTM_DELLINK]: 16, [RTM.RTM_NEWADDR]: 8, [RTM.RTM_DELADDR]: 8, [RTM.RTM_NEWROUTE]: 12, [RTM.RTM_DELROUTE]: 12,
  [RTM.RTM_NEWNEIGH]: 12, [RTM.RTM_DELNEIGH]: 12, [RTM.RTM_NEWRULE]: 12, [RTM.RTM_DELRULE]: 12, [RTM.RTM_NEWNEXTHOP]: 8, [RTM.RTM_DELNEXTHOP]: 8,
  [RTM.RTM_NEWQDISC]: 20, [RTM.RTM_DELQDISC]: 20, [RTM.RTM_NEWTCLASS]: 20, [RTM.RTM_NEWTFILTER]: 20, [RTM.RTM_NEWNETCONF]: 4, [RTM.RTM_DELNETCONF]: 4,
  [RTM.RTM_GETMULTICAST]: 8, [RTM.RTM_GETANYCAST]: 8, [RTM.RTM_NEWADDRLABEL]: 12, [RTM.RTM_NEWNEIGHTBL]: 4, [RTM.RTM_NEWNSID]: 4, [RTM.RTM_NEWMDB]: 8,
  [RTM.RTM_NEWSTATS]: 12,
};

const ifinfo = (index: number, flags = 0, change = 0) => {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setInt32(4, index, HOST_LE);
  v.setUint32(8, flags, HOST_LE);
  v.setUint32(12, change, HOST_LE);
  return h;
};
const newlink = (name: string, kind: string, data?: Uint8Array) =>
  cat(ifinfo(0), nla(IFLA.IFLA_IFNAME, text(name)), nla(IFLA.IFLA_LINKINFO, cat(nla(1, text(kind)), ...(data ? [nla(2, data)] : []))));

/**
 * SETUP puts the objects the grammar's pools name in place: lo (1), a veth pair v0p/v0
 * (2, 3), a bridge b0 (4), a dummy d0 (5), an ifb i0 (6), all up.
 */
const SETUP: [number, number, Uint8Array][] = [
  [RTM.RTM_SETLINK, 0, ifinfo(1, 1, 1)],
  [RTM.RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, newlink('v0', 'veth', nla(1, cat(ifinfo(0), nla(IFLA.IFLA_IFNAME, text('v0p')))))],
  [RTM.RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, newlink('b0', 'bridge')],
  [RTM.RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, newlink('d0', 'dummy')],
  [RTM.RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, newlink('i0', 'ifb')],
  // All up, so addresses make routes at once and a device going down flushes them.
  ...[2, 3, 4, 5, 6].map((index): [number, number, Uint8Array] => [RTM.RTM_SETLINK, 0, ifinfo(index, 1, 1)]),
];

/** isDumpRequest says whether rtnetlink_rcv_msg() would start a dump: a GET with either bit of NLM_F_DUMP. */
const isDumpRequest = (type: number, flags: number) => (type & 3) === 2 && (flags & NLM_F_DUMP) !== 0;

/** errnoOf reads the error of an NLMSG_ERROR or NLMSG_DONE (0 when too short to hold one). */
function errnoOf(m: NlMessage): number {
  return m.payload.length >= 4 ? new DataView(m.payload.buffer, m.payload.byteOffset).getInt32(0, HOST_LE) : 0;
}

/** FuzzRun is one sequence's kernel and sockets. */
export class FuzzRun {
  readonly kernel: VirtualKernel;
  readonly #req: NetlinkSocket;
  readonly #check: NetlinkSocket;
  readonly #monitor: NetlinkSocket;
  readonly stats: FuzzStats = { messages: 0, acks: 0, errors: 0, dumps: 0 };
  #seq = 1000;
  #step = 0;
  /** consistencyEvery: run the dumps of every object type after every n-th request (1: each). */
  readonly #consistencyEvery: number;

  constructor(options: { seed?: number; consistencyEvery?: number } = {}) {
    this.kernel = createKernel({ seed: options.seed ?? 1, clock: 'manual' });
    this.#consistencyEvery = options.consistencyEvery ?? 1;
    this.#req = this.kernel.socket(SOCK_RAW, NETLINK_ROUTE);
    this.#req.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    this.#check = this.kernel.socket(SOCK_RAW, NETLINK_ROUTE);
    this.#monitor = this.kernel.socket(SOCK_RAW, NETLINK_ROUTE);
    this.#monitor.setsockopt(SOL_SOCKET, SO_RCVBUF, 1 << 20);
    for (let g = 1; g <= RTNLGRP_MAX; g++) this.#monitor.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g);
    for (const [type, flags, payload] of SETUP) {
      const answer = this.#exchange(this.#check, encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_ACK | flags, seq: 1, pid: 0 }, payload));
      const err = answer.find((m) => m.header.type === NLMSG_ERROR);
      if (!err || errnoOf(err) !== 0) throw new Error(`fuzz setup: request type ${type} failed (${err ? errnoOf(err) : 'no answer'})`);
    }
  }

  /** run plays `actions`, checking after each; throws a FuzzViolation at the first broken invariant. */
  run(actions: readonly Action[]): void {
    for (const a of actions) this.apply(a);
  }

  /** apply plays one action and checks the invariants. */
  apply(a: Action): void {
    this.#step++;
    switch (a.kind) {
      case 'wait':
        this.#guard(`advancing the clock ${a.ms} ms`, () => this.kernel.clock.advance(a.ms));
        break;
      case 'strict':
        this.#guard('setsockopt(NETLINK_GET_STRICT_CHK)', () => this.#req.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, a.on ? 1 : 0));
        break;
      case 'send':
        this.#send(a.request);
        if (this.stats.messages % this.#consistencyEvery === 0) this.#consistent();
        break;
    }
    this.#drainMonitor();
  }

  close(): void {
    for (const s of [this.#req, this.#check, this.#monitor]) s.close();
  }

  #send(r: Request): void {
    const datagram = r.datagram.slice();
    const view = new DataView(datagram.buffer);
    const seqs = r.messages.map((m) => {
      const seq = ++this.#seq;
      view.setUint32(m.offset + 8, seq, HOST_LE);
      return seq;
    });
    this.stats.messages += r.messages.length;
    const sent = this.#guard('sendto()', () => this.#req.sendto(datagram, null));
    const answers = this.#readAll(this.#req, 'recvmsg() of the answers');
    if (sent === undefined) {
      if (answers.length) this.#fail(`sendto() failed, yet ${answers.length} answers came`, r);
      return;
    }
    // Answers are in request order; each request's own are contiguous (one request at a time).
    const bySeq = new Map<number, NlMessage[]>();
    for (const m of answers) {
      if (!seqs.includes(m.header.seq)) this.#fail(`an answer with seq ${m.header.seq}, which no request of this datagram had`, r);
      let list = bySeq.get(m.header.seq);
      if (!list) bySeq.set(m.header.seq, (list = []));
      list.push(m);
    }
    r.messages.forEach((m, i) => {
      const got = bySeq.get(seqs[i]!) ?? [];
      const ends = got.filter((x) => x.header.type === NLMSG_ERROR || x.header.type === NLMSG_DONE);
      if (ends.length > 1) this.#fail(`request ${i} (type ${m.type}) got ${ends.length} NLMSG_ERROR/NLMSG_DONE`, r);
      const last = got[got.length - 1];
      if (ends.length === 1 && last !== ends[0]) this.#fail(`request ${i} (type ${m.type}) got answers after its NLMSG_ERROR/NLMSG_DONE`, r);
      for (const e of ends) {
        const err = errnoOf(e);
        if (err > 0 || (err < 0 && errnoName(-err) === undefined)) this.#fail(`request ${i} (type ${m.type}) got error ${err}, not a Linux errno`, r);
        if (e.header.type === NLMSG_ERROR) {
          if (err) this.stats.errors++;
          else this.stats.acks++;
        } else this.stats.dumps++;
      }
      for (const x of got) this.#wellFormed(x, `the answer to request ${i}`, r);
      // A broken length ends the walk of the datagram at that message: Linux answers nothing from there on.
      if (r.broken) return;
      // rtnetlink_rcv_msg() ignores a message without even an rtgenmsg (netlink_rcv_skb() still ACKs it).
      const request = (m.flags & NLM_F_REQUEST) !== 0 && m.type >= NLMSG_MIN_TYPE && m.payloadLength > 0;
      const dump = request && isDumpRequest(m.type, m.flags);
      if (dump) {
        if (ends.length !== 1) this.#fail(`dump request ${i} (type ${m.type}) did not end with exactly one NLMSG_DONE or NLMSG_ERROR`, r);
      } else if (m.flags & NLM_F_ACK) {
        if (ends.length !== 1 || ends[0]!.header.type !== NLMSG_ERROR) this.#fail(`request ${i} (type ${m.type}) asked for an ACK and got ${ends.length} NLMSG_ERROR`, r);
      } else if (ends.length === 1 && (ends[0]!.header.type !== NLMSG_ERROR || errnoOf(ends[0]!) === 0)) {
        this.#fail(`request ${i} (type ${m.type}) asked for no ACK and got one`, r);
      }
    });
  }

  /** #consistent dumps every object type on a socket of its own: each must end in NLMSG_DONE with error 0 and parse. */
  #consistent(): void {
    for (const [type, header] of DUMPS) {
      const seq = ++this.#seq;
      this.#guard(`sendto() of the consistency dump ${type}`, () => this.#check.sendto(encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 }, header), null));
      const got = this.#readAll(this.#check, `the consistency dump ${type}`);
      const last = got[got.length - 1];
      if (!last || last.header.type !== NLMSG_DONE || errnoOf(last) !== 0) {
        throw new FuzzViolation(`step ${this.#step}: the dump of type ${type} after it failed: ${last ? `type ${last.header.type} error ${errnoOf(last)}` : 'no answer'}`);
      }
      for (const m of got) this.#wellFormed(m, `the consistency dump ${type}`, null);
    }
  }

  /** #drainMonitor reads every notification; ENOBUFS (an overrun) is Linux's answer too. */
  #drainMonitor(): void {
    for (;;) {
      let data: Uint8Array;
      try {
        data = this.#monitor.recvmsg({ bufferSize: 1 << 16, flags: MSG_DONTWAIT }).data;
      } catch (e) {
        if (e instanceof NetlinkError && e.code === 'EAGAIN') return;
        if (e instanceof NetlinkError && e.code === 'ENOBUFS') continue;
        throw new FuzzViolation(`step ${this.#step}: the monitor's recvmsg() threw ${describe(e)}`);
      }
      for (const m of this.#walk(data, 'a notification')) this.#wellFormed(m, 'a notification', null);
    }
  }

  /** #exchange sends one message on `s` and reads its answers. */
  #exchange(s: NetlinkSocket, message: Uint8Array): NlMessage[] {
    s.sendto(message, null);
    return this.#readAll(s, 'setup');
  }

  /** #readAll reads until EAGAIN; the sim fills a dump's next skb inside each recvmsg(). */
  #readAll(s: NetlinkSocket, what: string): NlMessage[] {
    const out: NlMessage[] = [];
    for (;;) {
      let data: Uint8Array;
      try {
        data = s.recvmsg({ bufferSize: 1 << 17, flags: MSG_DONTWAIT }).data;
      } catch (e) {
        if (e instanceof NetlinkError && e.code === 'EAGAIN') return out;
        if (e instanceof NetlinkError) throw new FuzzViolation(`step ${this.#step}: ${what}: recvmsg() failed with ${e.code}`);
        throw new FuzzViolation(`step ${this.#step}: ${what}: recvmsg() threw ${describe(e)}`);
      }
      out.push(...this.#walk(data, what));
    }
  }

  /** #walk splits a datagram the kernel sent; it must be whole messages, nothing left over. */
  #walk(data: Uint8Array, what: string): NlMessage[] {
    const result: WalkResult = { stoppedAt: 0, reason: 'end' };
    const ms = decodeMessages(data, result);
    if (result.reason !== 'end') throw new FuzzViolation(`step ${this.#step}: ${what}: a malformed datagram from the kernel (${result.reason} at ${result.stoppedAt})`);
    return ms;
  }

  /** #wellFormed checks that a message's attributes tile its payload after the family header. */
  #wellFormed(m: NlMessage, what: string, r: Request | null): void {
    const hdr = FAMILY_HEADER[m.header.type];
    if (hdr === undefined || m.payload.length < hdr) return;
    try {
      let end = hdr;
      for (const a of attrsToArray(m.payload, hdr)) end = a.offset + 4 + a.payload.length;
      if (((end + 3) & ~3) < m.payload.length) throw new Error(`${m.payload.length - end} bytes after the last attribute`);
    } catch (e) {
      const message = `${what} (type ${m.header.type}) is malformed: ${(e as Error).message}`;
      if (r) this.#fail(message, r);
      throw new FuzzViolation(`step ${this.#step}: ${message}`);
    }
  }

  /** #guard runs a kernel call: a NetlinkError with a Linux errno is an answer; anything else a violation. */
  #guard<T>(what: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof NetlinkError && errnoName(-e.errno) !== undefined) return undefined;
      throw new FuzzViolation(`step ${this.#step}: ${what} threw ${describe(e)}`);
    }
  }

  #fail(message: string, r: Request): never {
    throw new FuzzViolation(`step ${this.#step}: ${message}\n  datagram ${Buffer.from(r.datagram).toString('hex')}`);
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 6).join('\n')}`;
  return String(e);
}
