/**
 * The bridge protocol between the LD_PRELOAD shim (native/preload/) and the bridge server:
 * every number and offset mirrors native/preload/nlsim-bridge.h, which is the reference.
 * Frames travel over AF_UNIX stream connections on one machine, so integers are in host
 * byte order. See docs/decisions/0003-preload-runner.md for why the channel looks like this.
 */
import { concat } from '../sim/wire/concat.js';
import { HOST_LE, viewOf } from '../sim/wire/header.js';

/** BRIDGE_SOCKET_ENV names the environment variable that points the shim at the server. */
export const BRIDGE_SOCKET_ENV = 'NLSIM_SOCKET';
/** BRIDGE_RECORD_ENV set to "1" puts the shim in record mode (real sockets, datagrams reported). */
export const BRIDGE_RECORD_ENV = 'NLSIM_RECORD';

/** BRIDGE_OP are the request operations (enum bridge_op). */
export const BRIDGE_OP = {
  SOCKET: 1,
  BIND: 2,
  CONNECT: 3,
  GETSOCKNAME: 4,
  GETPEERNAME: 5,
  SENDMSG: 6,
  RECVMSG: 7,
  SETSOCKOPT: 8,
  GETSOCKOPT: 9,
  CLOSE: 10,
  LOOKUP: 11,
  UEVENT: 12,
  RECORD: 13,
  DEV_IOCTL: 14,
} as const;

/** BRIDGE_UEVENT_UDEV in the flags of a UEVENT request asks for the libudev format (group 2). */
export const BRIDGE_UEVENT_UDEV = 1;
/** RECORD_DIRECTION are the values of bridge_record_body.direction. */
export const RECORD_DIRECTION = { SENT: 0, RECEIVED: 1 } as const;
/** RECORD_BODY_LEN is sizeof(struct bridge_record_body), which precedes the datagram's bytes. */
export const RECORD_BODY_LEN = 24;

/** DEV_IOCTL_VERSION is the bridge_dev_ioctl_body version this side speaks. */
export const DEV_IOCTL_VERSION = 1;
/** DEV_IOCTL_NULL_BUF in bridge_dev_ioctl_body.flags: SIOCGIFCONF without a buffer (count only). */
export const DEV_IOCTL_NULL_BUF = 1;
/** DEV_LIST as bridge_dev_ioctl_body.cmd lists every device: records {u32 index; char name[16]}. */
export const DEV_LIST = 0;
/** IFREQ_LEN is sizeof(struct ifreq) on LP64 Linux. */
export const IFREQ_LEN = 40;
/** DEV_IOCTL_BODY_LEN is sizeof(struct bridge_dev_ioctl_body). */
export const DEV_IOCTL_BODY_LEN = 64;

/** DevIoctlRequest is a decoded struct bridge_dev_ioctl_body. */
export interface DevIoctlRequest {
  version: number;
  /** The ioctl request number (or DEV_LIST). */
  cmd: number;
  /** The socket's domain: AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET… */
  family: number;
  flags: number;
  /** SIOCGIFCONF's ifc_len. */
  ifcLen: number;
  /** The caller's struct ifreq (IFREQ_LEN bytes). */
  ifr: Uint8Array;
}

/** encodeDevIoctlBody lays out struct bridge_dev_ioctl_body (tests speak as a shim). */
export function encodeDevIoctlBody(r: DevIoctlRequest): Uint8Array {
  const out = new Uint8Array(DEV_IOCTL_BODY_LEN);
  const v = viewOf(out);
  v.setUint32(0, r.version, HOST_LE); // version
  v.setUint32(4, r.cmd >>> 0, HOST_LE); // cmd
  v.setInt32(8, r.family, HOST_LE); // family
  v.setUint32(12, r.flags >>> 0, HOST_LE); // flags
  v.setInt32(16, r.ifcLen, HOST_LE); // ifc_len
  out.set(r.ifr.subarray(0, IFREQ_LEN), 24); // ifr
  return out;
}

/** decodeDevIoctlBody reads a DEV_IOCTL body, or returns undefined when it is short. */
export function decodeDevIoctlBody(body: Uint8Array): DevIoctlRequest | undefined {
  if (body.length < DEV_IOCTL_BODY_LEN) return undefined;
  const v = viewOf(body);
  return {
    version: v.getUint32(0, HOST_LE),
    cmd: v.getUint32(4, HOST_LE),
    family: v.getInt32(8, HOST_LE),
    flags: v.getUint32(12, HOST_LE),
    ifcLen: v.getInt32(16, HOST_LE),
    ifr: body.slice(24, 24 + IFREQ_LEN),
  };
}

/** REQUEST_HEADER_LEN is sizeof(struct bridge_request). */
export const REQUEST_HEADER_LEN = 24;
/** REPLY_HEADER_LEN is sizeof(struct bridge_reply). */
export const REPLY_HEADER_LEN = 16;
/** RECV_REQUEST_LEN is sizeof(struct bridge_recv_body): buffer size, control size, keep_error. */
export const RECV_REQUEST_LEN = 12;
/** RECV_REPLY_LEN is sizeof(struct bridge_recv_reply), which precedes msg_control and the data. */
export const RECV_REPLY_LEN = 16;
/** BRIDGE_MAX_FRAME refuses frames larger than any netlink datagram could make (EPROTO). */
export const BRIDGE_MAX_FRAME = 64 << 20;
/**
 * BRIDGE_TOKEN and BRIDGE_TOKEN_ERROR make up a readiness token: the byte is the virtual
 * socket's state when written (datagrams queued, an error pending), the last one current.
 */
export const BRIDGE_TOKEN = 0x01;
export const BRIDGE_TOKEN_ERROR = 0x02;

/** BridgeRequest is a decoded struct bridge_request and its body. */
export interface BridgeRequest {
  op: number;
  /** The virtual socket: the inode of the program's end of its data connection. */
  key: bigint;
  /** getpid() of the caller. */
  pid: number;
  /** MSG_* flags for SENDMSG and RECVMSG. */
  flags: number;
  body: Uint8Array;
}

/** encodeRequest returns the bytes of a request frame (tests and tools speak as a shim). */
export function encodeRequest(req: BridgeRequest): Uint8Array {
  const out = new Uint8Array(REQUEST_HEADER_LEN + req.body.length);
  const v = viewOf(out);
  v.setUint32(0, out.length, HOST_LE); // len
  v.setUint32(4, req.op, HOST_LE); // op
  v.setBigUint64(8, req.key, HOST_LE); // key
  v.setInt32(16, req.pid, HOST_LE); // pid
  v.setUint32(20, req.flags >>> 0, HOST_LE); // flags
  out.set(req.body, REQUEST_HEADER_LEN);
  return out;
}

/** decodeRequest reads a whole request frame (its length already checked by FrameReader). */
export function decodeRequest(frame: Uint8Array): BridgeRequest {
  const v = viewOf(frame);
  return {
    op: v.getUint32(4, HOST_LE),
    key: v.getBigUint64(8, HOST_LE),
    pid: v.getInt32(16, HOST_LE),
    flags: v.getUint32(20, HOST_LE),
    body: frame.subarray(REQUEST_HEADER_LEN),
  };
}

/** BridgeReply is a struct bridge_reply and its body. */
export interface BridgeReply {
  /** The call's return value, or -errno. */
  result: number;
  /** Stale readiness tokens the shim must remove from the data connection. */
  drain: number;
  body: Uint8Array;
}

/** encodeReply returns the bytes of a reply frame. */
export function encodeReply(reply: BridgeReply): Uint8Array {
  const out = new Uint8Array(REPLY_HEADER_LEN + reply.body.length);
  const v = viewOf(out);
  v.setUint32(0, out.length, HOST_LE); // len
  v.setInt32(4, reply.result, HOST_LE); // result
  v.setUint32(8, reply.drain, HOST_LE); // drain
  v.setUint32(12, 0, HOST_LE); // reserved
  out.set(reply.body, REPLY_HEADER_LEN);
  return out;
}

/** decodeReply reads a whole reply frame. */
export function decodeReply(frame: Uint8Array): BridgeReply {
  const v = viewOf(frame);
  return { result: v.getInt32(4, HOST_LE), drain: v.getUint32(8, HOST_LE), body: frame.subarray(REPLY_HEADER_LEN) };
}

/**
 * FrameReader cuts a byte stream into frames, each starting with its u32 length. A length
 * below `minLength` or above BRIDGE_MAX_FRAME makes the stream unreadable from there on:
 * push() then returns 'invalid'.
 */
export class FrameReader {
  readonly #minLength: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  constructor(minLength: number) {
    this.#minLength = minLength;
  }

  /** push adds bytes and returns the complete frames now available, or 'invalid'. */
  push(chunk: Uint8Array): Uint8Array[] | 'invalid' {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.#buffered < 4) return frames;
      const head = this.#take(4, false);
      const len = viewOf(head).getUint32(0, HOST_LE);
      if (len < this.#minLength || len > BRIDGE_MAX_FRAME) return 'invalid';
      if (this.#buffered < len) return frames;
      frames.push(this.#take(len, true));
    }
  }

  /** #take returns the first `n` buffered bytes, removing them when `consume`. */
  #take(n: number, consume: boolean): Uint8Array {
    const joined = this.#chunks.length === 1 ? this.#chunks[0]! : concat(...this.#chunks);
    this.#chunks = [joined];
    const out = joined.subarray(0, n);
    if (consume) {
      this.#chunks = joined.length > n ? [joined.subarray(n)] : [];
      this.#buffered -= n;
    }
    return out;
  }
}

/** RecordedDatagram is a decoded RECORD body: one datagram a program's real socket moved. */
export interface RecordedDatagram {
  /** CLOCK_REALTIME of the crossing, seconds and nanoseconds. */
  seconds: number;
  nanoseconds: number;
  /** The socket's netlink family. */
  protocol: number;
  /** RECORD_DIRECTION.SENT or RECEIVED. */
  direction: number;
  /** The datagram's full length (data may be shorter: a truncated receive). */
  length: number;
  data: Uint8Array;
}

/** encodeRecordBody lays out struct bridge_record_body and the bytes (tests speak as a shim). */
export function encodeRecordBody(r: RecordedDatagram): Uint8Array {
  const out = new Uint8Array(RECORD_BODY_LEN + r.data.length);
  const v = viewOf(out);
  v.setBigInt64(0, BigInt(r.seconds), HOST_LE); // tv_sec
  v.setUint32(8, r.nanoseconds, HOST_LE); // tv_nsec
  v.setUint32(12, r.protocol, HOST_LE); // protocol
  v.setUint32(16, r.direction, HOST_LE); // direction
  v.setUint32(20, r.length, HOST_LE); // length
  out.set(r.data, RECORD_BODY_LEN);
  return out;
}

/** decodeRecordBody reads a RECORD body, or returns undefined when it is too short or inconsistent. */
export function decodeRecordBody(body: Uint8Array): RecordedDatagram | undefined {
  if (body.length < RECORD_BODY_LEN) return undefined;
  const v = viewOf(body);
  const seconds = Number(v.getBigInt64(0, HOST_LE));
  const nanoseconds = v.getUint32(8, HOST_LE);
  const length = v.getUint32(20, HOST_LE);
  const data = body.subarray(RECORD_BODY_LEN);
  if (seconds < 0 || nanoseconds >= 1e9 || length < data.length) return undefined;
  return { seconds, nanoseconds, protocol: v.getUint32(12, HOST_LE), direction: v.getUint32(16, HOST_LE), length, data };
}
