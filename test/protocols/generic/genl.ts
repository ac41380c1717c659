/**
 * Helpers for generic netlink tests: request builders, an exchange that sends one datagram
 * and collects every datagram queued in reply, and a backend-aware socket opener that
 * registers NETLINK_GENERIC on the simulator (createKernel does not).
 */
import { beforeEach } from 'vitest';
import { registerGeneric, type GenericHandle } from '../../../protocols/generic/index.js';
import type { NetlinkSocket } from '../../../sim/socket-api.js';
import { NETLINK_EXT_ACK, NETLINK_GENERIC, SOCK_RAW, SOL_NETLINK } from '../../../sim/uapi/netlink.js';
import { decodeMessages, type NlMessage } from '../../../sim/wire/messages.js';
import type { Backend } from '../../helpers/backends.js';

/** attr encodes one attribute: header, payload, padding. */
export function attr(type: number, payload: Uint8Array | number[]): Uint8Array {
  const p = Uint8Array.from(payload);
  const len = 4 + p.length;
  const out = new Uint8Array((len + 3) & ~3);
  new DataView(out.buffer).setUint16(0, len, true);
  new DataView(out.buffer).setUint16(2, type, true);
  out.set(p, 4);
  return out;
}

/** u16 / u32 / str are little-endian payload builders. */
export const u16 = (v: number) => [v & 0xff, v >> 8];
export const u32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];
export const str = (s: string, nul = true) => [...Buffer.from(s), ...(nul ? [0] : [])];

/** GenlRequest describes one request message. */
export interface GenlRequest {
  type?: number;
  flags?: number;
  seq?: number;
  cmd: number;
  version?: number;
  reserved?: number;
  /** Bytes after the genlmsghdr (attributes, or any junk). */
  body?: Uint8Array | Uint8Array[];
  /** Override the payload entirely (for short headers). */
  payload?: Uint8Array;
}

/** request encodes a genetlink request; type defaults to nlctrl, flags to REQUEST. */
export function request(r: GenlRequest): Uint8Array {
  const body = Array.isArray(r.body) ? Buffer.concat(r.body) : (r.body ?? new Uint8Array(0));
  const payload = r.payload ?? Uint8Array.from([r.cmd, r.version ?? 1, (r.reserved ?? 0) & 0xff, (r.reserved ?? 0) >> 8, ...body]);
  const out = new Uint8Array(16 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, out.length, true);
  v.setUint16(4, r.type ?? 0x10, true);
  v.setUint16(6, r.flags ?? 1, true);
  v.setUint32(8, r.seq ?? 7, true);
  out.set(payload, 16);
  return out;
}

/** drainAll receives datagrams until EAGAIN. */
export function drainAll(s: NetlinkSocket, bufferSize = 32768): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (;;) {
    try {
      out.push(s.recvmsg({ bufferSize }).data);
    } catch (e) {
      if ((e as { code?: string }).code === 'EAGAIN') return out;
      throw e;
    }
  }
}

/** exchange sends `req` and returns the datagrams queued in reply, split into messages. */
export function exchange(s: NetlinkSocket, req: Uint8Array, bufferSize = 32768): NlMessage[][] {
  s.send(req);
  return drainAll(s, bufferSize).map((d) => decodeMessages(d));
}

/** hex renders bytes as lowercase hex. */
export const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** unhex decodes a hex literal with spaces, `|` and `#` comments. */
export function unhex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/#[^\n]*/g, '').replace(/[\s|·]/g, ''), 'hex'));
}

/**
 * genlSockets registers NETLINK_GENERIC on the simulator before each test and returns an
 * opener of bound generic sockets (EXT_ACK on unless asked otherwise).
 */
export function genlSockets(b: Backend): { open(extAck?: boolean): NetlinkSocket; generic(): GenericHandle | undefined } {
  let handle: GenericHandle | undefined;
  beforeEach(() => {
    handle = b.sim ? registerGeneric(b.sim) : undefined;
  });
  return {
    open(extAck = true) {
      const s = b.socket(SOCK_RAW, NETLINK_GENERIC);
      s.bind({ pid: 0, groups: 0 });
      if (extAck) s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
      return s;
    },
    generic: () => handle,
  };
}
