/**
 * BridgeServer: the unix-socket server the LD_PRELOAD shim talks to. It maps each data
 * connection (the fd a program holds in place of an AF_NETLINK socket) to a SimSocket of one
 * VirtualKernel, performs the calls that arrive on the per-process control connections, and
 * keeps every data connection readable exactly while its virtual socket is: one token byte
 * sits in the connection while the virtual socket has a datagram or an error to report.
 * See docs/decisions/0003-preload-runner.md.
 */
import net from 'node:net';
import { debuglog } from 'node:util';
import { type Credentials, rootCredentials, userCredentials } from '../sim/credentials.js';
import { NetlinkError } from '../sim/errors.js';
import type { VirtualKernel } from '../sim/kernel.js';
import type { SimSocket } from '../sim/socket.js';
import { errnoNumber } from '../sim/uapi/errno.js';
import { POLLERR, POLLIN } from '../sim/uapi/netlink.js';
import { HOST_LE, viewOf } from '../sim/wire/header.js';
import { performCall, PROTOCOL_ERROR, type CallResult } from './bridge-calls.js';
import { performUevent } from './bridge-control.js';
import { performDevIoctl } from './bridge-dev-ioctl.js';
import {
  BRIDGE_OP,
  BRIDGE_TOKEN,
  BRIDGE_TOKEN_ERROR,
  type BridgeRequest,
  decodeRequest,
  encodeReply,
  FrameReader,
  REQUEST_HEADER_LEN,
} from './bridge-protocol.js';

const log = debuglog('nlsim');
/** The token bytes, by state: index 1 data, 2 error, 3 both. */
const TOKENS = [0, BRIDGE_TOKEN, BRIDGE_TOKEN_ERROR, BRIDGE_TOKEN | BRIDGE_TOKEN_ERROR].map((b) => new Uint8Array([b]));
const KNOWN_OPS = new Set<number>(Object.values(BRIDGE_OP));

/** BridgeServerOptions configure a BridgeServer. */
export interface BridgeServerOptions {
  /** The kernel whose sockets programs get. */
  kernel: VirtualKernel;
  /**
   * Callers act as an ordinary user without capabilities (userCredentials) instead of root
   * with every capability. Defaults to false.
   */
  unprivileged?: boolean;
  /**
   * Answer control requests (UEVENT) instead of EPERM: only when connecting to the socket
   * proves being the server's user (a private directory). Defaults to false.
   */
  controlRequests?: boolean;
}

/** Entry is one virtual socket and the data connection that stands for it. */
interface Entry {
  readonly key: bigint;
  readonly sock: SimSocket;
  readonly conn: net.Socket;
  /**
   * Token bytes written to the connection and not yet drained: 0 while the socket is not
   * readable; 1, or more when its state changed since its last call.
   */
  tokens: number;
  /** The state the last token byte carries (0 when there is none). */
  state: number;
  /** False until the SOCKET reply is written: a token must never precede it. */
  ready: boolean;
  stopListening: () => void;
}

/** BridgeServer serves one VirtualKernel on a unix socket. Create it with BridgeServer.listen(). */
export class BridgeServer {
  /** The socket path (what NLSIM_SOCKET must name). */
  readonly path: string;
  readonly #kernel: VirtualKernel;
  readonly #unprivileged: boolean;
  readonly #controlRequests: boolean;
  readonly #server: net.Server;
  readonly #entries = new Map<bigint, Entry>();
  readonly #connections = new Set<net.Socket>();

  private constructor(path: string, options: BridgeServerOptions) {
    this.path = path;
    this.#kernel = options.kernel;
    this.#unprivileged = options.unprivileged ?? false;
    this.#controlRequests = options.controlRequests ?? false;
    this.#server = net.createServer((conn) => this.#accept(conn));
  }

  /** listen starts a server on `path` (which must not exist) and resolves once it accepts. */
  static listen(path: string, options: BridgeServerOptions): Promise<BridgeServer> {
    const server = new BridgeServer(path, options);
    return new Promise((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(path, () => {
        server.#server.off('error', reject);
        resolve(server);
      });
    });
  }

  /** controlRequests tells whether control requests (UEVENT) are answered rather than refused with EPERM. */
  get controlRequests(): boolean {
    return this.#controlRequests;
  }

  /** socketCount is the number of virtual sockets programs hold open. */
  get socketCount(): number {
    return this.#entries.size;
  }

  /** close stops accepting, drops every connection and closes every virtual socket. */
  close(): Promise<void> {
    for (const conn of this.#connections) conn.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(conn: net.Socket): void {
    this.#connections.add(conn);
    const reader = new FrameReader(REQUEST_HEADER_LEN);
    let queue = Promise.resolve();
    let isData = false;
    let framesSeen = 0;
    conn.on('data', (chunk: Buffer) => {
      // A data connection carries one request, SOCKET; the shim never writes to it again.
      if (isData) return;
      const frames = reader.push(chunk);
      if (frames === 'invalid') {
        log('bridge: unreadable frame length, closing the connection');
        this.#write(conn, { ...PROTOCOL_ERROR, drain: 0 });
        conn.end();
        isData = true; // ignore whatever follows
        return;
      }
      for (const frame of frames) {
        const req = decodeRequest(frame);
        if (framesSeen++ === 0 && req.op === BRIDGE_OP.SOCKET) {
          isData = true;
          queue = queue.then(() => this.#openSocket(conn, req)).catch((e: unknown) => this.#internalError(conn, req, e));
          return;
        }
        queue = queue.then(() => this.#control(conn, req)).catch((e: unknown) => this.#internalError(conn, req, e));
      }
    });
    conn.on('error', (e) => log('bridge: connection error %s', e.message));
    // The end of a data connection is the last close() of its fd in every process: the
    // virtual socket closes then. 'end' comes in the same loop phase as the EOF itself;
    // 'close' only after the handle is torn down, later than a CLOSE request answered at
    // setImmediate, so both are watched.
    const ended = () => {
      for (const entry of this.#entries.values()) if (entry.conn === conn) this.#release(entry);
    };
    conn.on('end', ended);
    conn.on('close', () => {
      this.#connections.delete(conn);
      ended();
    });
  }

  #credentials(pid: number): Credentials {
    return this.#unprivileged ? userCredentials(pid) : rootCredentials(pid);
  }

  /** #openSocket answers the SOCKET request that opens a data connection. */
  #openSocket(conn: net.Socket, req: BridgeRequest): void {
    if (req.body.length < 8) {
      this.#write(conn, { ...PROTOCOL_ERROR, drain: 0 });
      conn.end();
      return;
    }
    const v = viewOf(req.body);
    let sock: SimSocket;
    try {
      sock = this.#kernel.socket(v.getInt32(0, HOST_LE), v.getInt32(4, HOST_LE), { credentials: this.#credentials(req.pid) });
    } catch (e) {
      if (!(e instanceof NetlinkError)) throw e;
      this.#write(conn, { result: e.errno, drain: 0, body: new Uint8Array(0) });
      conn.end();
      return;
    }
    const stale = this.#entries.get(req.key);
    if (stale) this.#release(stale);
    const entry: Entry = { key: req.key, sock, conn, tokens: 0, state: 0, ready: false, stopListening: () => {} };
    this.#entries.set(req.key, entry);
    this.#write(conn, { result: 0, drain: 0, body: new Uint8Array(0) });
    entry.ready = true;
    entry.stopListening = sock.onReadable(() => this.#push(entry));
  }

  /** #control performs one request of a control connection and writes its reply. */
  async #control(conn: net.Socket, req: BridgeRequest): Promise<void> {
    let result: CallResult;
    let drain = 0;
    const entry = this.#entries.get(req.key);
    if (!KNOWN_OPS.has(req.op) || req.op === BRIDGE_OP.SOCKET || req.op === BRIDGE_OP.RECORD) {
      // RECORD belongs to a recorder (record mode), never to a kernel's server.
      result = PROTOCOL_ERROR;
    } else if (req.op === BRIDGE_OP.UEVENT) {
      result = this.#controlRequests ? performUevent(this.#kernel, req.flags, req.body) : { result: -errnoNumber('EPERM'), body: new Uint8Array(0) };
    } else if (req.op === BRIDGE_OP.DEV_IOCTL) {
      // Any socket of the program, not only a virtual one (key 0): the namespace is a
      // virtual socket's own (sock_net()), else the one programs under `nlsim run` live in,
      // the initial namespace of the virtual kernel.
      const netns = entry?.sock.sk.netns ?? this.#kernel.initNet;
      result = performDevIoctl(this.#kernel, netns, this.#credentials(req.pid), req.body);
      // A change may notify the socket it was made on: its token goes out before the reply.
      if (entry) this.#push(entry);
    } else if (req.op === BRIDGE_OP.CLOSE) {
      // The descriptor's close() happened before this request was sent; if it was the last
      // one, the end of its data connection is already in this loop iteration's events.
      // Answering after them means close() returns with the port id free, as on Linux.
      await new Promise((resume) => setImmediate(resume));
      result = { result: 0, body: new Uint8Array(0) };
    } else if (!entry) {
      result = { result: -errnoNumber('EBADF'), body: new Uint8Array(0) };
    } else if (req.op === BRIDGE_OP.LOOKUP) {
      result = { result: 0, body: new Uint8Array(0) };
    } else {
      // The kernel reads `current` at each call: a child that inherited the socket
      // autobinds and sends with its own pid.
      entry.sock.credentials.pid = req.pid;
      result = await performCall(entry.sock, req.op, req.flags, req.body);
      drain = this.#sync(entry);
    }
    // A call may have made other sockets readable (a unicast, a multicast, an ACK): their
    // tokens go out before this reply, so the caller sees them readable once it returns.
    for (const other of this.#entries.values()) if (other !== entry) this.#push(other);
    this.#write(conn, { ...result, drain });
  }

  /**
   * #sync brings the token of `entry` in line with its virtual socket after a call on it:
   * writes a byte when it became readable or its state changed, and returns how many bytes
   * the caller must drain: all when it is not readable any more, else all but the newest
   * (only the program side can read its own connection).
   */
  #sync(entry: Entry): number {
    if (!entry.ready || entry.sock.sk.closed || entry.conn.destroyed) return 0;
    const state = tokenState(entry.sock.poll());
    if (state !== 0) {
      this.#push(entry);
      const drain = entry.tokens - 1;
      entry.tokens = 1;
      return drain;
    }
    const drain = entry.tokens;
    entry.tokens = 0;
    entry.state = 0;
    return drain;
  }

  /**
   * #push writes a token byte when the socket is readable in a state its last byte does not
   * say (a first datagram, an error set or cleared); draining waits for a call on it.
   */
  #push(entry: Entry): void {
    if (!entry.ready || entry.sock.sk.closed || entry.conn.destroyed) return;
    const state = tokenState(entry.sock.poll());
    if (state !== 0 && state !== entry.state) {
      entry.conn.write(TOKENS[state]!);
      entry.tokens++;
      entry.state = state;
    }
  }

  /** #release closes the virtual socket of a data connection that ended. */
  #release(entry: Entry): void {
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
    entry.stopListening();
    if (!entry.sock.sk.closed) entry.sock.close();
    entry.conn.destroy();
  }

  /**
   * #internalError answers a request that hit a bug in nlsim (anything but a NetlinkError)
   * with EIO and says so on stderr: the program gets an errno, the server keeps serving.
   */
  #internalError(conn: net.Socket, req: BridgeRequest, e: unknown): void {
    console.error(`nlsim: internal error in bridge operation ${req.op}:`, e);
    this.#write(conn, { result: -errnoNumber('EIO'), drain: 0, body: new Uint8Array(0) });
  }

  #write(conn: net.Socket, reply: CallResult & { drain: number }): void {
    if (!conn.destroyed) conn.write(encodeReply({ result: reply.result, drain: reply.drain, body: reply.body }));
  }
}

/** tokenState turns poll() bits into a token byte: BRIDGE_TOKEN for POLLIN, BRIDGE_TOKEN_ERROR for POLLERR. */
function tokenState(mask: number): number {
  return (mask & POLLIN ? BRIDGE_TOKEN : 0) | (mask & POLLERR ? BRIDGE_TOKEN_ERROR : 0);
}
