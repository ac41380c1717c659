/**
 * The real-kernel backend: NativeSocket implements NetlinkSocket over AF_NETLINK sockets of
 * the Linux kernel, through the N-API addon built from native/src (native/build.mjs). It is
 * the oracle of nlsim's differential tests, so it passes every argument to the kernel as
 * given and reports exactly the errno the kernel returns.
 *
 * Tests open sockets in a private network namespace (NativeNamespace) and never in the
 * host's; `nativeHost` exists for tools that read the real machine.
 * See docs/decisions/0001-in-process-network-namespaces.md.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { NetlinkError, NlsimError } from '../sim/errors.js';
import type { Address, NetlinkSocket, RecvOptions, RecvResult, SockaddrNl, SocketFactory } from '../sim/socket-api.js';
import { errnoName } from '../sim/uapi/errno.js';
import { AF_NETLINK, MSG_DONTWAIT, SOCK_NONBLOCK, SOCKADDR_NL_LEN } from '../sim/uapi/netlink.js';
import { HOST_LE } from '../sim/wire/header.js';
import { sweepLeakedProxyNeighbours } from './netns-leaks.js';

/** NativeAddress is what the addon returns for a sockaddr_nl. */
type NativeAddress = Required<SockaddrNl>;

/** NativeWatcher is the addon's FdWatcher: a libuv poll handle calling back on readability. */
interface NativeWatcher {
  close(): void;
}

/** NativeBinding is the addon's surface (native/src/socket-calls.cc, fd-watcher.cc). */
interface NativeBinding {
  socket(type: number, protocol: number, netnsFd: number): number;
  createNetns(): number;
  close(fd: number): void;
  bind(fd: number, address: Uint8Array): void;
  connect(fd: number, address: Uint8Array): void;
  getsockname(fd: number): NativeAddress;
  getpeername(fd: number): NativeAddress;
  send(fd: number, data: Uint8Array, flags: number): number;
  sendto(fd: number, data: Uint8Array, address: Uint8Array | null, flags: number): number;
  recvmsg(fd: number, bufferSize: number, flags: number, controlSize: number): RecvResult;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): void;
  getsockopt(fd: number, level: number, name: number, optlen: number): { data: Uint8Array; optlen: number };
  poll(fd: number): number;
  FdWatcher: new (fd: number, listener: () => void) => NativeWatcher;
}

/**
 * binaryPath is where native/build.mjs puts the addon, seen from this module: beside it when
 * run from source (native/index.ts), two levels up when run compiled (dist/native/index.js).
 */
function binaryPath(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const compiled = /[\\/]dist[\\/]native[\\/]$/.test(here);
  const relative = compiled ? '../../native/build/Release/nlsim_native.node' : './build/Release/nlsim_native.node';
  return fileURLToPath(new URL(relative, import.meta.url));
}

let loaded: { binding: NativeBinding } | { reason: string } | undefined;

/** loadBinding loads the addon once and remembers the outcome, success or failure. */
function loadBinding(): { binding: NativeBinding } | { reason: string } {
  loaded ??= tryLoad();
  return loaded;
}

function tryLoad(): { binding: NativeBinding } | { reason: string } {
  if (process.platform !== 'linux') {
    return { reason: `AF_NETLINK sockets exist only on Linux (this is ${process.platform})` };
  }
  const require = createRequire(import.meta.url);
  const file = binaryPath();
  if (!existsSync(file)) {
    return { reason: `the native binding is not built (${file} is missing); run "npm rebuild nlsim" (in a clone: "npm run build:native")` };
  }
  try {
    return { binding: require(file) as NativeBinding };
  } catch (error) {
    return { reason: `loading ${file} failed: ${(error as Error).message}` };
  }
}

/** binding returns the addon or throws NlsimError ERR_NLSIM_NATIVE_UNAVAILABLE saying why not. */
function binding(): NativeBinding {
  const result = loadBinding();
  if ('reason' in result) {
    throw new NlsimError('ERR_NLSIM_NATIVE_UNAVAILABLE', `nlsim native binding unavailable: ${result.reason}`);
  }
  return result.binding;
}

/** nativeAvailable tells whether the addon can be loaded here, and if not, why. */
export function nativeAvailable(): { ok: true } | { ok: false; reason: string } {
  const result = loadBinding();
  return 'reason' in result ? { ok: false, reason: result.reason } : { ok: true };
}

/**
 * toNetlinkError converts the addon's error (an Error with a positive `errno` and a
 * `syscall`) into a NetlinkError. Anything else (a TypeError from misuse) passes unchanged.
 */
function toNetlinkError(error: unknown, syscall: string): unknown {
  if (!(error instanceof Error) || typeof (error as { errno?: unknown }).errno !== 'number') return error;
  const num = (error as Error & { errno: number }).errno;
  const call = (error as { syscall?: unknown }).syscall;
  const name = typeof call === 'string' ? call : syscall;
  const code = errnoName(num);
  if (code === undefined) {
    return new NlsimError('ERR_NLSIM_NOT_SUPPORTED', `${name} failed with errno ${num}, which nlsim's Linux errno table lacks`);
  }
  return new NetlinkError(code, name);
}

/** sys runs one addon call, turning a failed system call into a NetlinkError. */
function sys<T>(syscall: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toNetlinkError(error, syscall);
  }
}

/** encodeAddress returns the bytes of `address`: raw bytes as they are, or a 12-byte sockaddr_nl. */
function encodeAddress(address: Address): Uint8Array {
  if (address instanceof Uint8Array) return address;
  const out = new Uint8Array(SOCKADDR_NL_LEN);
  const view = new DataView(out.buffer);
  view.setUint16(0, (address.family ?? AF_NETLINK) & 0xffff, HOST_LE); // nl_family
  view.setUint16(2, 0, HOST_LE); // nl_pad
  view.setUint32(4, address.pid >>> 0, HOST_LE); // nl_pid
  view.setUint32(8, address.groups >>> 0, HOST_LE); // nl_groups
  return out;
}

/** encodeInt returns a number as the 4-byte host-order int setsockopt() expects. */
function encodeInt(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, value | 0, HOST_LE);
  return out;
}

/** checkSize throws ERR_NLSIM_INVALID_ARGUMENT unless `value` is a u32-sized byte count. */
function checkSize(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${name} must be an integer from 0 to 2^31-1, got ${value}`);
  }
  return value;
}

/** SOCK_TYPE_MASK strips SOCK_NONBLOCK / SOCK_CLOEXEC from a socket() type (include/linux/net.h). */
const SOCK_TYPE_MASK = 0xf;

/** Subscription is one interest in readability: a listener, and what to do if the socket closes. */
interface Subscription {
  onReadable: () => void;
  onClose?: () => void;
}

/**
 * NativeSocket is one real AF_NETLINK socket of the kernel.
 *
 * @note The fd is non-blocking and every send/recv passes MSG_DONTWAIT: a synchronous call
 * in the event loop must never block (see sim/socket-api.ts). The fd is also close-on-exec.
 * @note onReadable is level-triggered, like poll(2): while data stays queued, listeners are
 * called again on every turn of the event loop. Read, or unsubscribe.
 */
export class NativeSocket implements NetlinkSocket {
  /** The kernel's file descriptor. It keeps its value after close(), when calls give EBADF. */
  readonly fd: number;
  readonly protocol: number;
  /** SOCK_RAW or SOCK_DGRAM (the socket() type without its flag bits). */
  readonly type: number;
  readonly #native: NativeBinding;
  /** SOCK_NONBLOCK was passed to socket(): receive() does not wait. */
  readonly #nonblock: boolean;
  #closed = false;
  #watcher: NativeWatcher | undefined;
  readonly #subscriptions = new Set<Subscription>();

  /**
   * @internal Sockets come from NativeNamespace.socket() or nativeHost.socket(); this wraps
   * an AF_NETLINK fd that is already open and takes ownership of it.
   */
  constructor(fd: number, type: number, protocol: number) {
    this.#native = binding();
    this.fd = fd;
    this.type = type & SOCK_TYPE_MASK;
    this.#nonblock = (type & SOCK_NONBLOCK) !== 0;
    this.protocol = protocol;
  }

  /** #fdFor returns the fd for `syscall`, or throws EBADF once closed (the number may be reused). */
  #fdFor(syscall: string): number {
    if (this.#closed) throw new NetlinkError('EBADF', syscall);
    return this.fd;
  }

  bind(address: Address): void {
    const fd = this.#fdFor('bind');
    sys('bind', () => this.#native.bind(fd, encodeAddress(address)));
  }

  connect(address: Address): void {
    const fd = this.#fdFor('connect');
    sys('connect', () => this.#native.connect(fd, encodeAddress(address)));
  }

  getsockname(): Required<SockaddrNl> {
    const fd = this.#fdFor('getsockname');
    return sys('getsockname', () => this.#native.getsockname(fd));
  }

  getpeername(): Required<SockaddrNl> {
    const fd = this.#fdFor('getpeername');
    return sys('getpeername', () => this.#native.getpeername(fd));
  }

  send(data: Uint8Array, flags = 0): number {
    const fd = this.#fdFor('send');
    return sys('send', () => this.#native.send(fd, data, flags >>> 0));
  }

  sendto(data: Uint8Array, address: Address | null, flags = 0): number {
    const fd = this.#fdFor('sendto');
    const addr = address === null ? null : encodeAddress(address);
    return sys('sendto', () => this.#native.sendto(fd, data, addr, flags >>> 0));
  }

  recvmsg(options: RecvOptions = {}): RecvResult {
    const fd = this.#fdFor('recvmsg');
    const bufferSize = checkSize('bufferSize', options.bufferSize ?? 32768);
    const controlSize = checkSize('controlSize', options.controlSize ?? 64);
    const flags = (options.flags ?? 0) >>> 0;
    return sys('recvmsg', () => this.#native.recvmsg(fd, bufferSize, flags, controlSize));
  }

  /**
   * receive tries recvmsg() and, on EAGAIN, waits for readability and tries again. It
   * rejects with the first other error, or with EBADF if the socket is closed meanwhile.
   * With MSG_DONTWAIT or a SOCK_NONBLOCK socket it does not wait: EAGAIN rejects at once.
   */
  receive(options: RecvOptions = {}): Promise<RecvResult> {
    if (this.#nonblock || (options.flags ?? 0) & MSG_DONTWAIT) {
      try {
        return Promise.resolve(this.recvmsg(options));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<RecvResult>((resolve, reject) => {
      // attempt returns true once the promise is settled, false to keep waiting.
      const attempt = (): boolean => {
        try {
          resolve(this.recvmsg(options));
        } catch (error) {
          if (error instanceof NetlinkError && error.code === 'EAGAIN') return false;
          reject(error);
        }
        return true;
      };
      if (attempt()) return;
      const unsubscribe = this.#subscribe({
        onReadable: () => {
          if (attempt()) unsubscribe();
        },
        onClose: () => reject(new NetlinkError('EBADF', 'recvmsg')),
      });
    });
  }

  setsockopt(level: number, name: number, value: number | Uint8Array): void {
    const fd = this.#fdFor('setsockopt');
    const bytes = typeof value === 'number' ? encodeInt(value) : value;
    sys('setsockopt', () => this.#native.setsockopt(fd, level, name, bytes));
  }

  getsockopt(level: number, name: number, optlen = 4): Uint8Array {
    return this.getsockoptRaw(level, name, optlen).data;
  }

  /**
   * getsockoptRaw is getsockopt() that also returns the optlen the kernel wrote back, which
   * may exceed the buffer (NETLINK_LIST_MEMBERSHIPS reports the size it needs). `data`
   * holds min(buffer, optlen) bytes. A negative optlen goes to the kernel as is.
   */
  getsockoptRaw(level: number, name: number, optlen = 4): { data: Uint8Array; optlen: number } {
    const fd = this.#fdFor('getsockopt');
    return sys('getsockopt', () => this.#native.getsockopt(fd, level, name, optlen | 0));
  }

  poll(): number {
    const fd = this.#fdFor('poll');
    return sys('poll', () => this.#native.poll(fd));
  }

  onReadable(listener: () => void): () => void {
    this.#fdFor('poll');
    return this.#subscribe({ onReadable: listener });
  }

  close(): void {
    const fd = this.#fdFor('close');
    this.#closed = true;
    // Stop polling before the fd goes: epoll must not keep a descriptor number that the
    // next open() may hand out again.
    this.#stopWatching();
    const pending = [...this.#subscriptions];
    this.#subscriptions.clear();
    try {
      sys('close', () => this.#native.close(fd));
    } finally {
      for (const s of pending) s.onClose?.();
    }
  }

  /** #subscribe adds `s`, starting the fd's single poll handle if needed; returns its remover. */
  #subscribe(s: Subscription): () => void {
    if (this.#watcher === undefined) {
      this.#watcher = sys('poll', () => new this.#native.FdWatcher(this.fd, () => this.#dispatch()));
    }
    this.#subscriptions.add(s);
    return () => {
      if (!this.#subscriptions.delete(s)) return;
      if (this.#subscriptions.size === 0) this.#stopWatching();
    };
  }

  /** #stopWatching closes the poll handle so that it no longer keeps the process alive. */
  #stopWatching(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  /**
   * #dispatch calls every current subscriber once. A subscriber removed by an earlier one
   * in the same round is skipped; a throwing listener does not starve the others, and the
   * first error is rethrown afterwards as the program's uncaught exception.
   */
  #dispatch(): void {
    let failure: { error: unknown } | undefined;
    for (const s of [...this.#subscriptions]) {
      if (!this.#subscriptions.has(s)) continue;
      try {
        s.onReadable();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}

/** openSocket creates a socket in the namespace `netnsFd` refers to (-1: the current one). */
function openSocket(type: number, protocol: number, netnsFd: number): NativeSocket {
  const native = binding();
  const fd = sys('socket', () => native.socket(type, protocol, netnsFd));
  return new NativeSocket(fd, type, protocol);
}

/** NativeSocketFactory is a SocketFactory whose sockets are NativeSockets. */
export interface NativeSocketFactory extends SocketFactory {
  socket(type: number, protocol: number): NativeSocket;
}

/**
 * NativeNamespace is a fresh network namespace of the real kernel, created in-process (as
 * `unshare -n` would: only `lo`, and down). Its sockets live in it for their whole life.
 * Needs root (CAP_SYS_ADMIN). See docs/decisions/0001-in-process-network-namespaces.md.
 */
export class NativeNamespace implements NativeSocketFactory {
  readonly #native: NativeBinding;
  readonly #fd: number;
  #closed = false;

  private constructor(native: NativeBinding, fd: number) {
    this.#native = native;
    this.#fd = fd;
  }

  /**
   * create unshares a new network namespace and returns it; the caller stays where it was.
   * What dead namespaces leaked into it (netns-leaks.ts) is swept first, so it is as fresh
   * as the simulator's.
   */
  static create(): NativeNamespace {
    const native = binding();
    const ns = new NativeNamespace(native, sys('unshare', () => native.createNetns()));
    sweepLeakedProxyNeighbours(ns);
    return ns;
  }

  /** fd is the namespace's file descriptor (/proc/thread-self/ns/net of the new namespace). */
  get fd(): number {
    return this.#fd;
  }

  /** socket opens socket(AF_NETLINK, type, protocol) inside the namespace. EBADF after close(). */
  socket(type: number, protocol: number): NativeSocket {
    if (this.#closed) throw new NetlinkError('EBADF', 'setns');
    return openSocket(type, protocol, this.#fd);
  }

  /**
   * close releases the namespace's fd; idempotent. Sockets already open keep the namespace
   * alive until they close too.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    sys('close', () => this.#native.close(this.#fd));
  }
}

/** nativeHost opens sockets in the process's own network namespace: the real machine. */
export const nativeHost: NativeSocketFactory = {
  socket(type: number, protocol: number): NativeSocket {
    return openSocket(type, protocol, -1);
  },
};

// The host's kernel profile (what `nlsim profile detect` prints) and `--kernel`'s resolution.
export { detectHostProfile, loadProfile } from './host-profile.js';
export type { DetectOptions, HostProfile, HostProfileSource } from './host-profile.js';
