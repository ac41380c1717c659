/**
 * Executes an op sequence on one kernel and records a normalised transcript: the only
 * values rewritten are the truly random ones, negative autobound port ids, which become
 * N1, N2… in order of first appearance (the first autobind of a process gets its pid,
 * which is the same on both kernels).
 */
import type { NetlinkSocket, SocketFactory } from '../../sim/socket-api.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { concatMessages, decodeMessages } from '../../sim/wire/messages.js';
import { decodeError } from '../../sim/wire/nlmsgerr.js';
import { HOST_LE } from '../../sim/wire/header.js';
import type { Op, Payload, PidRef } from './ops.js';

/** Entry is one op and what it returned (or the errno it failed with). */
export interface Entry {
  op: string;
  result: unknown;
}

const isAutobindNegative = (pid: number) => pid >= 0x80000000 && pid <= 0xffffefff;

class Normaliser {
  readonly #names = new Map<number, string>();

  learn(pid: number): void {
    if (isAutobindNegative(pid) && !this.#names.has(pid)) this.#names.set(pid, `N${this.#names.size + 1}`);
  }

  pid(pid: number): number | string {
    return this.#names.get(pid) ?? pid;
  }

  /** bytes renders `data` as hex with every known autobound id (as it appears in host order) named. */
  bytes(data: Uint8Array): string {
    let hex = Buffer.from(data).toString('hex');
    for (const [pid, name] of this.#names) {
      const b = Buffer.alloc(4);
      if (HOST_LE) b.writeUInt32LE(pid);
      else b.writeUInt32BE(pid);
      hex = hex.split(b.toString('hex')).join(`<${name}>`);
    }
    return hex;
  }

  /** messages summarises a datagram that parses as netlink messages, for readable diffs. */
  messages(data: Uint8Array): unknown[] | undefined {
    const msgs = decodeMessages(data);
    if (!msgs.length) return undefined;
    return msgs.map((m) => {
      const h = { len: m.header.len, type: m.header.type, flags: `0x${m.header.flags.toString(16)}`, seq: m.header.seq, pid: this.pid(m.header.pid) };
      if (m.header.type === 2 && m.payload.length >= 20) {
        try {
          const e = decodeError(m.payload, m.header.flags);
          return { ...h, error: e.error, extack: e.extack.message };
        } catch {
          return h;
        }
      }
      return h;
    });
  }
}

function buildPayload(p: Payload): Uint8Array {
  if ('raw' in p) return p.raw;
  return concatMessages(
    ...p.messages.map((m) => {
      const len = Math.max(0, 16 + m.body.length + m.lenDelta);
      return encodeMessage({ type: m.type, flags: m.flags, seq: m.seq, pid: m.pid, len }, m.body);
    }),
  );
}

function errorOf(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (!code || !/^E[A-Z0-9]+$/.test(code)) throw e;
  return code;
}

/** ExecuteOptions adjust what a transcript records. */
export interface ExecuteOptions {
  /** mask returns a copy of a received datagram with values that vary between runs of Linux zeroed. */
  mask?: (data: Uint8Array) => Uint8Array;
}

/** execute runs `ops` against `factory` and returns the transcript. Sockets are closed at the end. */
export function execute(factory: SocketFactory, ops: readonly Op[], options: ExecuteOptions = {}): Entry[] {
  const slots: (NetlinkSocket | null)[] = [null, null, null, null];
  const n = new Normaliser();
  const out: Entry[] = [];
  const resolve = (ref: PidRef) => ('literal' in ref ? ref.literal : (slots[ref.slot]?.getsockname().pid ?? 0));
  const learnAll = () => {
    for (const s of slots) if (s) n.learn(s.getsockname().pid);
  };
  const addr = (a: { pid: number; groups: number }) => ({ pid: n.pid(a.pid), groups: a.groups });

  for (const o of ops) {
    const s = slots[o.slot];
    const label = `${o.op}#${o.slot}`;
    if (o.op !== 'socket' && !s) {
      out.push({ op: label, result: 'no socket' });
      continue;
    }
    let result: unknown;
    try {
      switch (o.op) {
        case 'socket':
          if (s) s.close();
          slots[o.slot] = null;
          slots[o.slot] = factory.socket(o.type, o.protocol);
          result = 'ok';
          break;
        case 'bind':
          s!.bind({ pid: resolve(o.pid), groups: o.groups });
          result = 'ok';
          break;
        case 'bindRaw': {
          const raw = new Uint8Array(o.len);
          if (o.len >= 2) new DataView(raw.buffer).setUint16(0, o.family, HOST_LE);
          s!.bind(raw);
          result = 'ok';
          break;
        }
        case 'connect':
          s!.connect({ pid: resolve(o.pid), groups: o.groups });
          result = 'ok';
          break;
        case 'disconnect':
          s!.connect(new Uint8Array(2));
          result = 'ok';
          break;
        case 'send': {
          const data = buildPayload(o.payload);
          result = o.dst ? s!.sendto(data, { pid: resolve(o.dst.pid), groups: o.dst.groups }, o.flags) : s!.send(data, o.flags);
          break;
        }
        case 'flood': {
          const results: (number | string)[] = [];
          const to = { pid: resolve(o.dst.pid), groups: o.dst.groups };
          for (let i = 0; i < o.count; i++) {
            try {
              results.push(s!.sendto(new Uint8Array(o.len).fill(i), to));
            } catch (e) {
              results.push(errorOf(e));
            }
          }
          result = results.join(',');
          break;
        }
        case 'recv': {
          const r = s!.recvmsg({ bufferSize: o.bufferSize, flags: o.flags, controlSize: o.controlSize });
          learnAll();
          const data = options.mask ? options.mask(r.data) : r.data;
          result = { length: r.length, flags: r.flags, address: addr(r.address), pktinfo: r.pktinfoGroup, credentials: r.credentials, messages: n.messages(data), data: n.bytes(data) };
          break;
        }
        case 'setsockopt':
          s!.setsockopt(o.level, o.name, o.value);
          result = 'ok';
          break;
        case 'getsockopt': {
          const r = s!.getsockoptRaw(o.level, o.name, o.optlen);
          // SO_PEERNAME and friends carry port ids: the autobound ones are named as elsewhere
          result = { optlen: r.optlen, data: n.bytes(r.data) };
          break;
        }
        case 'names':
          learnAll();
          result = { name: addr(s!.getsockname()), peer: addr(s!.getpeername()) };
          break;
        case 'close':
          s!.close();
          slots[o.slot] = null;
          result = 'ok';
          break;
      }
    } catch (e) {
      result = errorOf(e);
    }
    learnAll();
    out.push({ op: label, result });
  }
  // the final state of every socket, so that a divergence in what is queued is caught too
  for (const [i, s] of slots.entries()) {
    if (!s) continue;
    out.push({ op: `final#${i}`, result: { name: addr(s.getsockname()), poll: s.poll() } });
    s.close();
  }
  return out;
}

/** sideBySide renders two transcripts in two columns, marking where they first differ. */
export function sideBySide(ops: readonly Op[], sim: Entry[], kernel: Entry[]): string {
  const lines: string[] = [];
  const width = 70;
  const fmt = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));
  let marked = false;
  for (let i = 0; i < Math.max(sim.length, kernel.length); i++) {
    const a = fmt(sim[i]?.result);
    const b = fmt(kernel[i]?.result);
    const differs = a !== b;
    const mark = differs && !marked ? '>>' : '  ';
    if (differs) marked = true;
    const op = ops[i] ? JSON.stringify(ops[i], (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)) : sim[i]?.op ?? kernel[i]?.op;
    lines.push(`${mark} ${i}: ${op}`);
    if (differs) {
      lines.push(`     sim:    ${a.slice(0, width * 3)}`);
      lines.push(`     kernel: ${b.slice(0, width * 3)}`);
    } else lines.push(`     both:   ${a.slice(0, width * 2)}`);
  }
  return lines.join('\n');
}
