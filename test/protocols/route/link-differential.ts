/**
 * Differential scenarios for links: the same requests on the simulator and on a fresh
 * namespace of the real kernel, with every reply and every RTNLGRP_LINK notification
 * rendered attribute by attribute, so a test compares the two renderings and a mismatch
 * names the attribute. Only what differs between two runs of Linux itself is masked: MAC
 * addresses (random), IFLA_INET6_CACHEINFO's tstamp and reachable_time, and traffic
 * counters (IFLA_STATS64, IFLA_STATS, IPv6 and ICMPv6 statistics: Linux sends MLD and
 * router solicitations on its own).
 */
import { IFF, IFLA, RTNLGRP_LINK } from '../../../protocols/route/core/uapi.js';
import type { KernelClock } from '../../../sim/clock.js';
import type { NetlinkSocket, SocketFactory } from '../../../sim/socket-api.js';
import { NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_ROUTE, SOCK_RAW, SOL_NETLINK } from '../../../sim/uapi/netlink.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import { encodeMessage, readU32 } from '../../../sim/wire/header.js';
import { decodeMessages, type NlMessage } from '../../../sim/wire/messages.js';
import { renderRt } from './rt-render.js';

/** hex renders bytes as lowercase hex. */
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

const NAMES = new Map<number, string>(Object.entries(IFLA).map(([k, v]) => [v, k]));
const MASKED_ADDRESSES = new Set<number>([IFLA.IFLA_ADDRESS, IFLA.IFLA_PERM_ADDRESS]);

/** renderLink renders one RTM_NEWLINK/RTM_DELLINK as lines: header, ifinfomsg, attributes (AF_SPEC and LINKINFO opened). */
export function renderLink(m: NlMessage, masks: { mac: boolean } = { mac: true }): string[] {
  const lines = [`nlmsg type=${m.header.type} len=${m.header.len} flags=${m.header.flags} seq=${m.header.seq}`, `ifinfomsg ${hex(m.payload.subarray(0, 16))}`];
  const ifiFlags = m.payload.length >= 16 ? readU32(m.payload, 8) : 0;
  for (const a of attrsToArray(m.payload, 16)) {
    const name = NAMES.get(a.type) ?? String(a.type);
    if (a.type === IFLA.IFLA_AF_SPEC) {
      lines.push(`${name} flags=${a.flags}`);
      for (const fam of attrsToArray(a.payload)) {
        for (const x of attrsToArray(fam.payload)) {
          let p = x.payload;
          if (fam.type === 10 && x.type === 5) {
            p = p.slice();
            p.fill(0, 4, 12); // IFLA_INET6_CACHEINFO: tstamp, reachable_time
          }
          if (fam.type === 10 && (x.type === 3 || x.type === 6)) p = maskCounters(p);
          lines.push(`  af${fam.type}.${x.type} ${hex(p)}`);
        }
      }
    } else if (a.type === IFLA.IFLA_LINKINFO) {
      lines.push(`${name} flags=${a.flags}`);
      let kind = '';
      for (const x of attrsToArray(a.payload)) {
        if (x.type === 2 || x.type === 5) {
          lines.push(`  info.${x.type} flags=${x.flags}`);
          // Bridge and bridge-port ids embed a MAC address.
          const ids = x.type === 2 && kind === 'bridge' ? [10, 11] : x.type === 5 ? [13, 14] : [];
          const data = attrsToArray(x.payload);
          // IFLA_BR_GC_TIMER reads 0 or a tick at random where br_fdb_cleanup() keeps re-arming
          // itself: on an up bridge (it reads 0 while it runs), and on any bridge whose
          // ageing time (IFLA_BR_AGEING_TIME, 4) is 0 once setting it started the collector
          // (every 10 ms: 0 or 1 centisecond left). Elsewhere it is compared as running or not.
          const ageingZero = data.some((y) => y.type === 4 && y.payload.every((b) => b === 0));
          const gcRandom = x.type === 2 && kind === 'bridge' && ((ifiFlags & IFF.IFF_UP) !== 0 || ageingZero);
          for (const y of data) {
            // Bridge timers (16–19) count down: only whether one runs is compared.
            const timer = x.type === 2 && kind === 'bridge' && y.type >= 16 && y.type <= 19;
            const value = timer && y.type === 19 && gcRandom ? '<armed or running>' : timer ? (y.payload.some((b) => b) ? '<running>' : '0') : ids.includes(y.type) && masks.mac ? maskMac(y.payload, 2) : hex(y.payload);
            lines.push(`    data.${y.type} ${value}`);
          }
        } else {
          if (x.type === 1) kind = new TextDecoder().decode(x.payload.subarray(0, -1));
          lines.push(`  info.${x.type} ${hex(x.payload)}`);
        }
      }
    } else if (a.type === IFLA.IFLA_PROTINFO && m.payload[0] === 10) {
      // inet6_fill_ifinfo(): the inet6_dev, masked as in IFLA_AF_SPEC.
      lines.push(`${name} flags=${a.flags}`);
      for (const x of attrsToArray(a.payload)) {
        let p = x.payload;
        if (x.type === 5) {
          p = p.slice();
          p.fill(0, 4, 12);
        }
        if (x.type === 3 || x.type === 6) p = maskCounters(p);
        lines.push(`  inet6.${x.type} ${hex(p)}`);
      }
    } else if (a.type === IFLA.IFLA_PROTINFO && m.payload[0] === 7) {
      lines.push(`${name} flags=${a.flags}`);
      for (const y of attrsToArray(a.payload)) lines.push(`  brport.${y.type} ${[13, 14].includes(y.type) && masks.mac ? maskMac(y.payload, 2) : hex(y.payload)}`);
    } else if (masks.mac && MASKED_ADDRESSES.has(a.type) && m.payload[2] === 1 && m.payload[3] === 0) {
      lines.push(`${name} ${maskMac(a.payload, 0)}`);
    } else if (a.type === IFLA.IFLA_STATS64 || a.type === IFLA.IFLA_STATS) {
      lines.push(`${name} (${a.payload.length} bytes of counters)`);
    } else lines.push(`${name} ${hex(a.payload)}`);
  }
  return lines;
}

/** maskMac hides the 6-byte address at `from` unless it is all zeros (a bridge without ports shows zeros). */
function maskMac(p: Uint8Array, from: number): string {
  const mac = p.subarray(from, from + 6);
  return mac.every((b) => b === 0) ? hex(p) : `${hex(p.subarray(0, from))}<mac>${hex(p.subarray(from + 6))}`;
}

/** maskCounters keeps an snmp6 block's count (its first u64) and zeroes the counters. */
function maskCounters(p: Uint8Array): Uint8Array {
  const out = p.slice();
  out.fill(0, 8);
  return out;
}

/** render renders any message: links attribute by attribute, others as hex. */
export function render(m: NlMessage): string[] {
  if (m.header.type === 16 || m.header.type === 17) return renderLink(m);
  const rt = renderRt(m);
  if (rt) return rt;
  return [`nlmsg type=${m.header.type} len=${m.header.len} flags=${m.header.flags} seq=${m.header.seq} ${hex(m.payload)}`];
}

/** Step is one request of a scenario: type, flags and payload (seq is the step's number). */
export interface Step {
  type: number;
  flags: number;
  payload: Uint8Array;
  /** Before sending, wait this long on the real kernel (its timers: DAD, linkwatch). Nothing is sent when type is 0. */
  waitMs?: number;
  /**
   * On a wait step: what arrives during it is compared as the previous step's. For the work
   * Linux queues to run at once after a request (addrconf_dad_work() of an address that needs
   * no DAD), which a busy machine may run only after the request's pause; nlsim runs it before
   * the request returns.
   */
  lateWork?: boolean;
}

/** wait is a step that sends nothing and waits `ms` (on the simulator: advances its clock). */
export const wait = (ms: number, options: { lateWork?: boolean } = {}): Step => ({ type: 0, flags: 0, payload: new Uint8Array(0), waitMs: ms, ...options });

/** foldLateWork moves the notifications of `lateWork` wait steps into the step before them. */
export function foldLateWork(o: Outcome, steps: Step[]): Outcome {
  if (!steps.some((s) => s.lateWork)) return o;
  const notifications = o.notifications.map((n) => [...n]);
  steps.forEach((s, i) => {
    if (!s.lateWork || i === 0) return;
    notifications[i - 1]!.push(...notifications[i]!);
    notifications[i] = [];
  });
  return { ...o, notifications };
}

/** Outcome is what a scenario produced, rendered: per step the replies, then the notifications. */
export interface Outcome {
  replies: string[][];
  notifications: string[][];
}

/** drain reads every queued datagram of `s`. */
function drain(s: NetlinkSocket): NlMessage[] {
  const out: NlMessage[] = [];
  for (;;) {
    try {
      out.push(...decodeMessages(s.recvmsg({ bufferSize: 65536 }).data));
    } catch (e) {
      if ((e as { code?: string }).code === 'EAGAIN') return out;
      throw e;
    }
  }
}

/**
 * runScenario sends `steps` one by one (seq = index + 1) on a socket with NETLINK_EXT_ACK,
 * with a monitor bound to `groups` (default RTNLGRP_LINK). On the real kernel it waits for
 * linkwatch after each step.
 */
export async function runScenario(
  factory: SocketFactory,
  steps: Step[],
  options: {
    groups?: number;
    real: boolean;
    strict?: boolean;
    render?: (m: NlMessage) => string[];
    /** How long Linux is given after each request before its replies are read. Defaults to 30 ms (linkwatch's urgent events). */
    pauseMs?: (step: Step) => number;
  },
): Promise<Outcome> {
  const draw = options.render ?? render; // unmasked MACs for scenarios that choose every address
  const s = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  s.bind({ pid: 0, groups: 0 });
  s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
  if (options.strict) s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
  const mon = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  mon.bind({ pid: 0, groups: options.groups ?? 1 << (RTNLGRP_LINK - 1) });
  const replies: string[][] = [];
  const notifications: string[][] = [];
  try {
    for (const [i, step] of steps.entries()) {
      if (step.waitMs && options.real) await new Promise((r) => setTimeout(r, step.waitMs));
      // The simulator's timers (DAD, solicitations) run on its clock, moved ahead instead.
      else if (step.waitMs && 'clock' in factory) (factory as { clock: KernelClock }).clock.advance(step.waitMs);
      if (step.type === 0) {
        replies.push([]);
        notifications.push(drain(mon).flatMap(draw));
        continue;
      }
      s.sendto(encodeMessage({ type: step.type, flags: step.flags, seq: i + 1, pid: 0 }, step.payload), { pid: 0, groups: 0 });
      // Linkwatch runs from a workqueue: urgent events within milliseconds, events of devices
      // that are down rate-limited to one run a second for the whole kernel, so a step that
      // creates devices waits that out.
      if (options.real) await new Promise((r) => setTimeout(r, options.pauseMs?.(step) ?? 30));
      const reply = drain(s);
      const created = step.type === 16 && step.flags & 0x400 && reply.some((m) => m.header.type === 2 && m.payload.subarray(0, 4).every((x) => x === 0));
      if (options.real && created) await new Promise((r) => setTimeout(r, 1100));
      replies.push(reply.flatMap(draw));
      notifications.push(drain(mon).flatMap(draw));
    }
  } finally {
    s.close();
    mon.close();
  }
  return { replies, notifications };
}

/**
 * datagramsOf sends one dump request and reads its datagrams with `bufferSize`-byte reads
 * (default 32768, iproute2's), rendering each as its length and messages (type, name, length).
 */
export function datagramsOf(factory: SocketFactory, step: Step, bufferSize = 32768): string[] {
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
      const names = decodeMessages(data).map((m) => {
        const a = m.header.type === 16 ? attrsToArray(m.payload, 16).find((x) => x.type === IFLA.IFLA_IFNAME) : undefined;
        return `${m.header.type}:${a ? new TextDecoder().decode(a.payload.subarray(0, -1)) : ''}:${m.header.len}`;
      });
      out.push(`${data.length} ${names.join(' ')}`);
    }
  } finally {
    s.close();
  }
}
