/**
 * SimNativeNetlink: a stand-in for the `NativeNetlink` class of node-netlink's binding
 * (netlink/src/binding.cc, class Socket), backed by a SimSocket of a virtual kernel. It keeps
 * the binding's method contract: the same arguments, return values, thrown errors and
 * callback timing, so node-netlink's JavaScript (dist/raw.js) runs on it unchanged.
 */
import type { Credentials } from '../sim/credentials.js';
import { NetlinkError } from '../sim/errors.js';
import type { VirtualKernel } from '../sim/kernel.js';
import type { NetNamespace } from '../sim/netns.js';
import type { SimSocket } from '../sim/socket.js';
import type { RecvResult } from '../sim/socket-api.js';
import {
  MSG_PEEK,
  MSG_TRUNC,
  NETLINK_ADD_MEMBERSHIP,
  NETLINK_DROP_MEMBERSHIP,
  POLLERR,
  POLLIN,
  SO_RCVBUF,
  SO_SNDBUF,
  SOCK_CLOEXEC,
  SOCK_RAW,
  SOL_NETLINK,
  SOL_SOCKET,
} from '../sim/uapi/netlink.js';
import { concat } from '../sim/wire/concat.js';
import { HOST_LE } from '../sim/wire/header.js';
import { asErrnoException, rethrowAs } from './errno-exception.js';

/** MessageInfo is the `rinfo` the binding passes with each datagram. */
export interface MessageInfo {
  port: number;
  groups: number;
  /** The datagram's full length, present when it did not fit the buffer. */
  truncated?: number;
}

/** ReadCallback and ErrorCallback are the functions raw.js passes to the constructor. */
export type ReadCallback = (this: unknown, msg: Buffer, rinfo: MessageInfo) => void;
/** ErrorCallback receives receive errors other than EAGAIN (ENOBUFS after an overrun…). */
export type ErrorCallback = (this: unknown, error: Error) => void;
/** SendCallback gets undefined, or the sendmsg ErrnoException. */
export type SendCallback = (this: unknown, error?: Error) => void;

/** SimBindingOptions choose where the simulated sockets live and who opens them. */
export interface SimBindingOptions {
  /** The namespace sockets are opened in. Defaults to the kernel's initial namespace. */
  netns?: NetNamespace;
  /** The caller's identity. Defaults to the kernel's default credentials (root). */
  credentials?: Credentials;
}

/** NativeNetlinkConstructor is the binding's exported class, real or simulated. */
export type NativeNetlinkConstructor = new (protocol: number, msgBuffer: number, read: ReadCallback, error: ErrorCallback) => object;

/** RECV_BATCH is Recvmsg()'s `count`: datagrams read per readiness event, against starvation. */
const RECV_BATCH = 32;

const sockets = new WeakMap<object, SimSocket>();

/** simSocketOf returns the SimSocket behind a simulated binding object (RawNetlinkSocket's `__native`). */
export function simSocketOf(native: object): SimSocket | undefined {
  return sockets.get(native);
}

/** toU32 is Napi::Number's uint32_t conversion: ToUint32, and an Error for a non-number. */
function toU32(value: unknown): number {
  if (typeof value !== 'number') throw new Error('A number was expected');
  return value >>> 0;
}

/** toI32 is Napi::Number's int32_t conversion. */
function toI32(value: unknown): number {
  if (typeof value !== 'number') throw new Error('A number was expected');
  return value | 0;
}

/** gather concatenates the iovecs of a send: one Buffer (any ArrayBufferView) or an array of them. */
function gather(data: unknown): Uint8Array {
  const view = (v: unknown): Uint8Array | undefined => (ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : undefined);
  const one = view(data);
  if (one) return one;
  if (!Array.isArray(data)) throw new TypeError('Invalid data -- must be Buffer or Array of Buffers');
  const parts = data.map((item) => {
    const part = view(item);
    if (!part) throw new TypeError('Invalid data -- must be Buffer or Array of Buffers');
    return part;
  });
  return concat(...parts);
}

/** SendRequest is one queued send: the bytes, the destination and the completion callback. */
interface SendRequest {
  data: Uint8Array;
  port: number;
  groups: number;
  callback: SendCallback;
}

/**
 * createSimNativeNetlink returns a class with NativeNetlink's contract whose sockets are
 * SimSockets of `kernel`.
 *
 * @note Timing follows the binding. sendmsg() runs inside send(), so the kernel has answered
 * (and queued its reply) when send() returns, but nothing reaches JavaScript synchronously:
 * the send callback comes on a later turn of the event loop (the binding's 0 ms timer) and
 * replies after it (its uv_poll readiness, here SimSocket.onReadable). node-netlink
 * registers a request after send() returns, and relies on this.
 * @note The binding's fd is blocking, so its sendmsg() to a full user socket sleeps until
 * the receiver drains it (a hang if the receiver is in the same process). The simulation
 * waits for room without blocking (SimSocket.sendtoAsync) and completes the send then.
 */
export function createSimNativeNetlink(kernel: VirtualKernel, options: SimBindingOptions = {}): NativeNetlinkConstructor {
  return class NativeNetlink {
    readonly #sock: SimSocket;
    readonly #msgBuffer: number;
    readonly #read: ReadCallback;
    readonly #error: ErrorCallback;
    #open = true;
    /** The poll handle is started (bind, or a send that had to wait). */
    #watching = false;
    #unsubscribe: (() => void) | undefined;
    #tickScheduled = false;
    readonly #completed: { req: SendRequest; status: Error | undefined }[] = [];
    /** Stands for the uv_poll handle's reference on the event loop. */
    #keepAlive: NodeJS.Timeout | undefined;
    #referenced = true;
    readonly #writeQueue: SendRequest[] = [];
    #sending = false;

    constructor(protocol: unknown, msgBuffer: unknown, read: ReadCallback, error: ErrorCallback) {
      const proto = toI32(protocol);
      this.#msgBuffer = toU32(msgBuffer);
      this.#read = read;
      this.#error = error;
      // The binding keeps the callbacks as read-only, hidden properties of the object.
      Object.defineProperty(this, 'readCallback', { value: read });
      Object.defineProperty(this, 'errorCallback', { value: error });
      this.#sock = rethrowAs('socket', "Couldn't create netlink socket", () =>
        kernel.socket(SOCK_RAW | SOCK_CLOEXEC, proto, { netns: options.netns, credentials: options.credentials }),
      );
      sockets.set(this, this.#sock);
    }

    #checkOpen(): void {
      if (!this.#open) throw new Error('Netlink socket is closed');
    }

    bind(port: unknown, groups: unknown): void {
      const pid = toU32(port);
      const mask = toU32(groups);
      this.#checkOpen();
      rethrowAs('bind', "Couldn't bind netlink socket", () => this.#sock.bind({ pid, groups: mask }));
      this.#watch();
    }

    send(port: unknown, groups: unknown, data: unknown, callback: SendCallback): void {
      const req: SendRequest = { port: toU32(port), groups: toU32(groups), data: new Uint8Array(0), callback };
      this.#checkOpen();
      req.data = gather(data);
      const idle = this.#writeQueue.length === 0 && !this.#sending;
      this.#writeQueue.push(req);
      if (idle) this.#flush();
    }

    /** #flush mirrors Sendmsg(): sends queued requests in order until one has to wait. */
    #flush(): void {
      while (this.#open && this.#writeQueue.length) {
        const req = this.#writeQueue[0]!;
        let status: Error | undefined;
        try {
          this.#sock.sendto(req.data, { pid: req.port, groups: req.groups });
        } catch (e) {
          if (e instanceof NetlinkError && e.code === 'EAGAIN') return this.#waitForRoom(req);
          status = asErrnoException(e, 'sendmsg', 'Error when sending Netlink message') as Error;
        }
        this.#writeQueue.shift();
        this.#complete(req, status);
      }
    }

    /** #waitForRoom blocks this socket's queue (not the event loop) until `req` fits. */
    #waitForRoom(req: SendRequest): void {
      this.#sending = true;
      this.#watch();
      this.#sock.sendtoAsync(req.data, { pid: req.port, groups: req.groups }).then(
        () => this.#afterWait(req, undefined),
        (e: unknown) => this.#afterWait(req, asErrnoException(e, 'sendmsg', 'Error when sending Netlink message') as Error),
      );
    }

    #afterWait(req: SendRequest, status: Error | undefined): void {
      this.#sending = false;
      if (!this.#open) return;
      this.#writeQueue.shift();
      this.#complete(req, status);
      this.#flush();
    }

    /** #complete queues the send callback for the next turn (Feed() starts a 0 ms timer). */
    #complete(req: SendRequest, status: Error | undefined): void {
      this.#completed.push({ req, status });
      this.#schedule();
    }

    /** #watch starts reading on readiness and takes the event-loop reference the poll handle holds. */
    #watch(): void {
      if (this.#watching) return;
      this.#watching = true;
      this.#unsubscribe = this.#sock.onReadable(() => this.#schedule());
      this.#keepAlive = setInterval(() => {}, 0x7fffffff);
      if (!this.#referenced) this.#keepAlive.unref();
      if (this.#sock.poll() & (POLLIN | POLLERR)) this.#schedule();
    }

    #schedule(): void {
      if (this.#tickScheduled) return;
      this.#tickScheduled = true;
      setImmediate(() => this.#tick());
    }

    /**
     * #tick is one turn of the binding's event loop: completed sends first (the timers phase,
     * RunCompleted()), and datagrams on a later turn (the poll phase, Recvmsg()), after the
     * promise jobs the callbacks started, so code awaiting a send sees it complete before the
     * reply arrives, as it does on Linux when send() is called outside a timer callback.
     */
    #tick(): void {
      this.#tickScheduled = false;
      if (!this.#open) return;
      if (this.#completed.length) {
        for (const { req, status } of this.#completed.splice(0)) {
          req.callback.call(this, status);
          if (!this.#open) return; // a callback may close the socket
        }
        this.#schedule();
        return;
      }
      if (!this.#watching) return;
      if (this.#sock.poll() & POLLERR) return this.#pollError();
      this.#recvBatch();
      // uv_poll is level-triggered: what is left is read on the next turn.
      if (this.#open && this.#sock.poll() & (POLLIN | POLLERR)) this.#schedule();
    }

    /**
     * #pollError mirrors PollHandler() with a failed status. A pending socket error (ENOBUFS
     * after a receive-queue overrun) makes epoll report POLLERR, which uv_poll passes on as
     * UV_EBADF without reading. The binding then builds ErrnoException(env, EBADF, NULL, …):
     * a NULL syscall makes Napi::String::New throw a C++ exception, and the process aborts
     * with "Error in native callback" (seen on Linux 6.18, node-netlink 0.3.0). The
     * simulation cannot abort the process, so it closes the socket and throws the same error
     * from the event loop, where it is uncaught as well.
     */
    #pollError(): never {
      this.close();
      throw new Error('Error in native callback', {
        cause: new Error(
          "node-netlink's binding got POLLERR on its socket (pending ENOBUFS: the receive queue overran) and, on Linux, aborts the process here",
        ),
      });
    }

    /** #recvBatch mirrors Recvmsg(): peek for the size (or use msgBuffer), read, call back. */
    #recvBatch(): void {
      for (let count = RECV_BATCH; count > 0 && this.#open; count--) {
        let r: RecvResult;
        try {
          let size = this.#msgBuffer;
          if (size === 0) size = this.#sock.recvmsg({ bufferSize: 1, flags: MSG_PEEK | MSG_TRUNC, controlSize: 0 }).length;
          r = this.#sock.recvmsg({ bufferSize: size, flags: MSG_TRUNC, controlSize: 0 });
        } catch (e) {
          if (!(e instanceof NetlinkError) || e.code !== 'EAGAIN') {
            this.#error.call(this, asErrnoException(e, 'recvmsg', 'Error when receiving Netlink message') as Error);
          }
          return;
        }
        const buf = Buffer.from(r.data.buffer, r.data.byteOffset, r.data.length);
        const rinfo: MessageInfo = { port: r.address.pid, groups: r.address.groups };
        if (r.flags & MSG_TRUNC) rinfo.truncated = r.length;
        this.#read.call(this, buf, rinfo);
      }
    }

    close(): void {
      if (!this.#open) return;
      this.#open = false;
      this.#unsubscribe?.();
      clearInterval(this.#keepAlive);
      this.#writeQueue.length = 0;
      this.#completed.length = 0;
      this.#sock.close();
    }

    ref(): void {
      this.#checkOpen();
      this.#referenced = true;
      this.#keepAlive?.ref();
    }

    unref(): void {
      this.#checkOpen();
      this.#referenced = false;
      this.#keepAlive?.unref();
    }

    address(): { port: number; groups: number } {
      this.#checkOpen();
      const a = rethrowAs('getsockname', "Couldn't get socket address", () => this.#sock.getsockname());
      return { port: a.pid, groups: a.groups };
    }

    addMembership(group: unknown): void {
      const g = toU32(group);
      this.#checkOpen();
      rethrowAs('setsockopt', "Couldn't add membership", () => this.#sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g | 0));
    }

    dropMembership(group: unknown): void {
      const g = toU32(group);
      this.#checkOpen();
      rethrowAs('setsockopt', "Couldn't drop membership", () => this.#sock.setsockopt(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, g | 0));
    }

    getRecvBufferSize(): number {
      this.#checkOpen();
      return this.#getInt(SO_RCVBUF, "Couldn't get receive buffer size");
    }

    setRecvBufferSize(size: unknown): void {
      this.#setSize(SO_RCVBUF, size, "Couldn't set receive buffer size");
    }

    getSendBufferSize(): number {
      this.#checkOpen();
      return this.#getInt(SO_SNDBUF, "Couldn't get send buffer size");
    }

    setSendBufferSize(size: unknown): void {
      this.#setSize(SO_SNDBUF, size, "Couldn't set send buffer size");
    }

    #getInt(name: number, message: string): number {
      const bytes = rethrowAs('getsockopt', message, () => this.#sock.getsockopt(SOL_SOCKET, name, 4));
      return new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, HOST_LE);
    }

    /** #setSize mirrors Set*BufferSize(): a size of 0 or less means 32768. */
    #setSize(name: number, size: unknown, message: string): void {
      let n = toI32(size);
      this.#checkOpen();
      if (n <= 0) n = 32768;
      rethrowAs('setsockopt', message, () => this.#sock.setsockopt(SOL_SOCKET, name, n));
    }
  };
}
