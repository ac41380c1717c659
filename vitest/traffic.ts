/**
 * Traffic: every datagram a test's kernel delivered, recorded through a kernel tap (what an
 * nlmon device would capture) and decoded with captures/decode into messages whose types,
 * flags and attributes have their uapi names, for assertions and readable failure output.
 */
import type { Tap, TapDirection } from '../sim/delivery.js';
import type { VirtualKernel } from '../sim/kernel.js';
import { protocolName } from '../sim/uapi/netlink.js';
import { HOST_LE } from '../sim/wire/header.js';
import { decodeDatagram, type DatagramNode } from '../captures/decode/message.js';
import { newContext } from '../captures/decode/family.js';
import type { AttrNode, MessageNode } from '../captures/decode/model.js';

/** Datagram is one delivered datagram, as the tap saw it. */
export interface Datagram {
  direction: TapDirection;
  protocol: number;
  /** The sender's port id (0: the kernel). */
  portId: number;
  /** The multicast group it went to, 0 for unicast. */
  group: number;
  bytes: Uint8Array;
  decoded: DatagramNode;
}

/** AttrValue is a decoded attribute: its value, text, hex, or its nested attributes by name. */
export type AttrValue = string | number | boolean | null | { [name: string]: AttrValue } | AttrValue[];

/** MessageSummary is one netlink message of the traffic, flattened for matching. */
export interface MessageSummary {
  direction: TapDirection;
  /** 'request' (to the kernel), 'reply' (unicast to a socket) or 'notification' (to a group). */
  kind: 'request' | 'reply' | 'notification';
  protocol: string;
  /** The message type's name (`RTM_NEWLINK`, `NLMSG_ERROR`, `CTRL_CMD_GETFAMILY`…). */
  type: string;
  /** Flag names (`NLM_F_REQUEST`, `NLM_F_CREATE`…). */
  flags: string[];
  seq: number;
  pid: number;
  group: number;
  /** For NLMSG_ERROR: `ACK` or the errno name; for NLMSG_DONE: '0' or the errno name. */
  error?: string;
  /** The family header's fields by name (ifi_index, ifa_prefixlen…). */
  header: Record<string, AttrValue>;
  /** Top-level attributes by name; a repeated attribute becomes an array. */
  attrs: Record<string, AttrValue>;
  /** Uevent properties, for KOBJECT_UEVENT datagrams. */
  uevent?: Record<string, string>;
}

function attrValue(a: AttrNode): AttrValue {
  if (a.attrs) return attrsByName(a.attrs);
  if (a.fields) return Object.fromEntries(a.fields.map((f) => [f.name, f.text ?? f.value]));
  if (a.values) return a.values;
  if (a.value !== undefined) return a.value;
  return a.hex ?? a.text ?? null;
}

function attrsByName(attrs: AttrNode[]): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  const repeated = new Set<string>();
  for (const a of attrs) {
    const v = attrValue(a);
    const prev = out[a.name];
    if (prev === undefined) out[a.name] = v;
    else if (repeated.has(a.name)) (prev as AttrValue[]).push(v);
    else {
      out[a.name] = [prev, v];
      repeated.add(a.name);
    }
  }
  return out;
}

function summarize(d: Datagram, m: MessageNode): MessageSummary {
  const s: MessageSummary = {
    direction: d.direction,
    kind: d.direction === 'to-kernel' ? 'request' : d.group ? 'notification' : 'reply',
    protocol: protocolName(d.protocol),
    type: m.header.typeName,
    flags: m.header.flagNames,
    seq: m.header.seq,
    pid: m.header.pid,
    group: d.group,
    header: Object.fromEntries((m.familyHeader?.fields ?? []).map((f) => [f.name, f.value])),
    attrs: attrsByName(m.attrs ?? []),
  };
  if (m.error) s.error = m.error.errno;
  if (m.done) s.error = m.done.errno;
  return s;
}

function ueventSummary(d: Datagram): MessageSummary | undefined {
  const u = d.decoded.uevent;
  if (!u) return undefined;
  const props = Object.fromEntries(u.properties.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  return { direction: d.direction, kind: 'notification', protocol: protocolName(d.protocol), type: `uevent ${u.source}`, flags: [], seq: 0, pid: d.portId, group: d.group, header: {}, attrs: {}, uevent: props };
}

/** formatMessage renders one message on one line, for failure output and debugging. */
export function formatMessage(m: MessageSummary): string {
  const arrow = m.kind === 'request' ? '→' : '←';
  const where = m.kind === 'notification' ? ` group ${m.group}` : '';
  const err = m.error !== undefined ? ` ${m.error}` : '';
  const attrs = Object.entries(m.uevent ?? m.attrs)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .slice(0, 6)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return `${arrow} ${m.protocol} ${m.type}${err} [${m.flags.join('|')}] seq=${m.seq}${where}${attrs ? ` ${attrs}` : ''}`;
}

/**
 * Traffic records the datagrams a kernel delivers from creation until stop(). Exchanges of
 * the fixture's own setup socket are left out (see `excluding`); what setup caused other
 * sockets to receive (notifications) is kept, since clients saw it.
 */
export class Traffic {
  readonly datagrams: Datagram[] = [];
  readonly #stop: () => void;
  #excluded: number | undefined;
  readonly #ctx = newContext();

  constructor(kernel: VirtualKernel) {
    const tap: Tap = (skb, protocol, direction) => {
      if (this.#excluded !== undefined) {
        if (direction === 'to-kernel' ? skb.portid === this.#excluded : skb.dstGroup === 0) return;
      }
      const bytes = new Uint8Array(skb.data);
      this.datagrams.push({ direction, protocol, portId: skb.portid, group: skb.dstGroup, bytes, decoded: decodeDatagram(bytes, protocol, HOST_LE, this.#ctx) });
    };
    this.#stop = kernel.addTap(tap);
  }

  /**
   * excluding runs synchronous setup work whose requests come from `portId`, leaving its
   * requests and the unicast answers out of the record. (The virtual kernel answers inside
   * sendto(), so during `work` every unicast from the kernel is an answer to the setup socket.)
   */
  excluding<T>(portId: number, work: () => T): T {
    this.#excluded = portId;
    try {
      return work();
    } finally {
      this.#excluded = undefined;
    }
  }

  /** messages lists every message recorded, in delivery order. */
  messages(): MessageSummary[] {
    return this.datagrams.flatMap((d) => {
      const u = ueventSummary(d);
      return u ? [u] : d.decoded.messages.map((m) => summarize(d, m));
    });
  }

  /** requests lists messages sent to the kernel. */
  requests(): MessageSummary[] {
    return this.messages().filter((m) => m.kind === 'request');
  }

  /** replies lists unicast messages to sockets (answers, ACKs, dumps). */
  replies(): MessageSummary[] {
    return this.messages().filter((m) => m.kind === 'reply');
  }

  /** notifications lists messages delivered to multicast groups (one per receiving socket). */
  notifications(): MessageSummary[] {
    return this.messages().filter((m) => m.kind === 'notification');
  }

  /** clear forgets what was recorded so far. */
  clear(): void {
    this.datagrams.length = 0;
  }

  /** stop ends the recording. */
  stop(): void {
    this.#stop();
  }

  /** toString lists the messages one per line. */
  toString(): string {
    return this.messages().map(formatMessage).join('\n');
  }
}
