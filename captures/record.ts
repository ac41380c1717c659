/**
 * Recording netlink traffic as an nlmon device would, into a pcap or pcapng file of link type
 * LINKTYPE_NETLINK (253).
 *
 * Two sources: the virtual kernel's taps (`recordKernel`), which see every datagram it moves
 * exactly where af_netlink's netlink_deliver_tap() sees them (a datagram to the kernel once,
 * each delivery to a user socket once, multicast copies included); and any NetlinkSocket
 * (`recordSocket`), which sees what one process sends and receives. The real kernel here has
 * no nlmon device, so the second is how captures/samples were recorded against Linux.
 *
 * Every record gets the cooked header nlmon's datagrams get on a packet socket: packet type
 * PACKET_OUTGOING (4) in both directions (nlmon transmits every skb, and dev_queue_xmit_nit()
 * marks transmitted clones outgoing, whatever af_netlink set), ARPHRD_NETLINK, protocol = family.
 */
import type { VirtualKernel } from '../sim/kernel.js';
import type { Skb } from '../sim/skb.js';
import type { TapDirection } from '../sim/delivery.js';
import type { NetlinkSocket, RecvOptions, RecvResult } from '../sim/socket-api.js';
import { MSG_PEEK, NETLINK } from '../sim/uapi/netlink.js';
import { type Capture, type CaptureFormat, type CaptureTimestamp, createCapture, encodeCapture, type NewRecord, writeCapture } from './capture.js';

/**
 * NLMON_PROTOCOLS are the protocols netlink_filter_tap() lets through to nlmon: others
 * (KOBJECT_UEVENT, AUDIT, SELINUX…) never reach a capture on Linux.
 */
export const NLMON_PROTOCOLS: ReadonlySet<number> = new Set([
  NETLINK.NETLINK_ROUTE,
  NETLINK.NETLINK_USERSOCK,
  NETLINK.NETLINK_SOCK_DIAG,
  NETLINK.NETLINK_NFLOG,
  NETLINK.NETLINK_XFRM,
  NETLINK.NETLINK_FIB_LOOKUP,
  NETLINK.NETLINK_NETFILTER,
  NETLINK.NETLINK_GENERIC,
]);

/** Clock returns the capture time of a datagram. */
export type Clock = () => CaptureTimestamp;

/**
 * wallClock reads the system clock with nanosecond resolution: Date.now() anchors it once,
 * process.hrtime gives the nanoseconds since, so timestamps never run backwards.
 */
export function wallClock(): Clock {
  const baseMs = BigInt(Date.now());
  const baseHr = process.hrtime.bigint();
  return () => {
    const ns = baseMs * 1_000_000n + (process.hrtime.bigint() - baseHr);
    return { seconds: Number(ns / 1_000_000_000n), nanoseconds: Number(ns % 1_000_000_000n) };
  };
}

/**
 * steppingClock gives 1 µs steps from `start`: reproducible files (tests, committed samples
 * that must not change when re-recorded with the same traffic).
 */
export function steppingClock(start: CaptureTimestamp = { seconds: 0, nanoseconds: 0 }): Clock {
  let n = BigInt(start.seconds) * 1_000_000_000n + BigInt(start.nanoseconds);
  return () => {
    const t = { seconds: Number(n / 1_000_000_000n), nanoseconds: Number(n % 1_000_000_000n) };
    n += 1000n;
    return t;
  };
}

/** RecorderOptions tune a CaptureRecorder. */
export interface RecorderOptions {
  /** File format. Defaults to 'pcap'. */
  format?: CaptureFormat;
  /** Timestamps. Defaults to wallClock(). */
  clock?: Clock;
  /**
   * Which protocols to keep: 'nlmon' (the default) drops what netlink_filter_tap() drops;
   * 'all' keeps everything, e.g. a module on NETLINK_TEST.
   */
  protocols?: 'nlmon' | 'all';
}

/** CaptureRecorder accumulates datagrams and turns them into a capture file. */
export class CaptureRecorder {
  readonly format: CaptureFormat;
  readonly #clock: Clock;
  readonly #all: boolean;
  readonly #records: NewRecord[] = [];

  constructor(options: RecorderOptions = {}) {
    this.format = options.format ?? 'pcap';
    this.#clock = options.clock ?? wallClock();
    this.#all = options.protocols === 'all';
  }

  /** add records one datagram of `protocol` (a copy: senders and receivers may reuse their buffers). */
  add(payload: Uint8Array, protocol: number, originalLength = payload.length): void {
    if (!this.#all && !NLMON_PROTOCOLS.has(protocol)) return;
    this.#records.push({ payload: payload.slice(), protocol, timestamp: this.#clock(), originalLength: Math.max(originalLength, payload.length) });
  }

  /** size is the number of datagrams recorded. */
  get size(): number {
    return this.#records.length;
  }

  /** capture returns what was recorded as a Capture, as tcpdump on nlmon would write it. */
  capture(): Capture {
    return createCapture(this.#records, { format: this.format });
  }

  /** encode returns the file image. */
  encode(): Uint8Array {
    return encodeCapture(this.capture());
  }

  /** write writes the file. */
  async write(path: string): Promise<void> {
    await writeCapture(path, this.capture());
  }
}

/** KernelRecording is a running recording of a virtual kernel. */
export interface KernelRecording {
  readonly recorder: CaptureRecorder;
  /** stop detaches the tap and writes the file. Further datagrams are not recorded. */
  stop(): Promise<void>;
}

/**
 * recordKernel is the virtual nlmon: it taps every datagram `kernel` moves, in both
 * directions, until stop() writes them to `path`.
 *
 * @note The kernel's taps cover all its namespaces, while a real nlmon device only sees its
 * own namespace's traffic: record a kernel whose traffic is in one namespace to get what Linux
 * would show.
 */
export function recordKernel(kernel: VirtualKernel, path: string, options: RecorderOptions = {}): KernelRecording {
  const recorder = new CaptureRecorder(options);
  const detach = kernel.addTap((skb: Skb, protocol: number, _direction: TapDirection) => recorder.add(skb.data, protocol));
  let stopped = false;
  return {
    recorder,
    async stop() {
      if (stopped) return;
      stopped = true;
      detach();
      await recorder.write(path);
    },
  };
}

/**
 * recordSocket wraps `sock` so that every datagram it sends (once, as the kernel's tap sees a
 * datagram to the kernel or to one peer) and every datagram it receives (not MSG_PEEKs, which
 * leave it queued) is added to `recorder`. Works for SimSocket and NativeSocket alike.
 *
 * @note A datagram sent to a multicast group reaches nlmon once per receiving socket; this
 * wrapper cannot know how many there are and records it once.
 */
export function recordSocket(sock: NetlinkSocket, recorder: CaptureRecorder): NetlinkSocket {
  const received = (options: RecvOptions | undefined, r: RecvResult): RecvResult => {
    if (!((options?.flags ?? 0) & MSG_PEEK)) recorder.add(r.data, sock.protocol, r.length);
    return r;
  };
  return {
    protocol: sock.protocol,
    type: sock.type,
    bind: (a) => sock.bind(a),
    connect: (a) => sock.connect(a),
    getsockname: () => sock.getsockname(),
    getpeername: () => sock.getpeername(),
    send(data, flags) {
      const n = sock.send(data, flags);
      recorder.add(data, sock.protocol);
      return n;
    },
    sendto(data, address, flags) {
      const n = sock.sendto(data, address, flags);
      recorder.add(data, sock.protocol);
      return n;
    },
    recvmsg: (options) => received(options, sock.recvmsg(options)),
    receive: async (options) => received(options, await sock.receive(options)),
    setsockopt: (level, name, value) => sock.setsockopt(level, name, value),
    getsockopt: (level, name, optlen) => sock.getsockopt(level, name, optlen),
    getsockoptRaw: (level, name, optlen) => sock.getsockoptRaw(level, name, optlen),
    poll: () => sock.poll(),
    onReadable: (listener) => sock.onReadable(listener),
    close: () => sock.close(),
  };
}
