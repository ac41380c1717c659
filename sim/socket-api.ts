/**
 * The socket interface shared by the simulator (SimSocket) and the real-kernel binding
 * (NativeSocket), so that one test body runs against both. It mirrors the system calls:
 * every method either returns what the call returns or throws a NetlinkError carrying the
 * errno Linux gives.
 *
 * @note Synchronous calls never block, on either backend: an empty receive queue or a full
 * receiver gives EAGAIN, as with MSG_DONTWAIT. `receive()` waits for a datagram instead.
 * Blocking in a single-threaded event loop would hang the program, and the kernel's answer
 * to a non-blocking call is the same errno a blocking call would give after SO_RCVTIMEO.
 */

/** SockaddrNl is struct sockaddr_nl: a port id and a 32-bit group mask. */
export interface SockaddrNl {
  /** nl_family. Defaults to AF_NETLINK (16) when encoding. */
  family?: number;
  /** nl_pid: the port id (u32). */
  pid: number;
  /** nl_groups: the group mask, bit g-1 for group g (u32). */
  groups: number;
}

/**
 * Address is what bind/connect/sendto accept: a structured sockaddr_nl, or the raw bytes of
 * a socket address (so tests can pass short, long or wrong-family addresses as Linux sees them).
 */
export type Address = SockaddrNl | Uint8Array;

/** RecvOptions are the arguments of recvmsg(). */
export interface RecvOptions {
  /** Size of the receive buffer (iov_len). Defaults to 32768. */
  bufferSize?: number;
  /** MSG_PEEK, MSG_TRUNC, MSG_DONTWAIT… Defaults to 0. */
  flags?: number;
  /** Bytes of ancillary buffer (msg_controllen). Defaults to 64. */
  controlSize?: number;
}

/** RecvResult is what recvmsg() returns. */
export interface RecvResult {
  /** The return value: bytes copied, or the full datagram length when MSG_TRUNC was passed. */
  length: number;
  /** The bytes copied into the buffer: min(bufferSize, datagram length). */
  data: Uint8Array;
  /** msg_flags: MSG_TRUNC when the datagram was longer than the buffer, MSG_CTRUNC… */
  flags: number;
  /** msg_name: the sender's port id and the delivery group as a mask (0 for unicast). */
  address: Required<SockaddrNl>;
  /** NETLINK_PKTINFO's group, present when the option is on and the control buffer fits it. */
  pktinfoGroup?: number;
  /** SCM_CREDENTIALS of the sender, present with SO_PASSCRED when the control buffer fits it. */
  credentials?: { pid: number; uid: number; gid: number };
}

/** NetlinkSocket is one AF_NETLINK socket. */
export interface NetlinkSocket {
  /** The protocol passed to socket(). */
  readonly protocol: number;
  /** SOCK_RAW or SOCK_DGRAM. */
  readonly type: number;

  bind(address: Address): void;
  connect(address: Address): void;
  getsockname(): Required<SockaddrNl>;
  getpeername(): Required<SockaddrNl>;
  /** send(2): to the connected peer, or to the kernel when unconnected. Returns bytes sent. */
  send(data: Uint8Array, flags?: number): number;
  /** sendto(2): `address` null means "no address" (msg_namelen 0). Returns bytes sent. */
  sendto(data: Uint8Array, address: Address | null, flags?: number): number;
  /** recvmsg(2), never blocking: an empty queue throws EAGAIN. */
  recvmsg(options?: RecvOptions): RecvResult;
  /**
   * Waits until recvmsg() would not give EAGAIN, then performs it: the blocking recvmsg(2).
   * With MSG_DONTWAIT in the flags, or on a SOCK_NONBLOCK socket, it does not wait.
   */
  receive(options?: RecvOptions): Promise<RecvResult>;
  /** setsockopt(2). A number is written as a 4-byte int; bytes are passed as they are. */
  setsockopt(level: number, name: number, value: number | Uint8Array): void;
  /** getsockopt(2) with a buffer of `optlen` bytes (default 4); returns the bytes written. */
  getsockopt(level: number, name: number, optlen?: number): Uint8Array;
  /**
   * getsockoptRaw is getsockopt(2) that also returns the optlen the kernel wrote back, which
   * may exceed the buffer (NETLINK_LIST_MEMBERSHIPS). `data` is the zero-initialised buffer
   * cut to min(buffer, returned optlen).
   */
  getsockoptRaw(level: number, name: number, optlen: number): { data: Uint8Array; optlen: number };
  /** poll(2) readiness: a mask of POLLIN, POLLOUT and POLLERR. */
  poll(): number;
  /**
   * onReadable registers a listener called (asynchronously) each time the socket becomes
   * readable (POLLIN or POLLERR), for event loops. Returns a function that unregisters it.
   */
  onReadable(listener: () => void): () => void;
  /** close(2). Further calls throw EBADF. */
  close(): void;
}

/** SocketOptions are the extra arguments of socket(). */
export interface SocketOptions {
  /** SOCK_NONBLOCK semantics for the socket's own flag (sync calls never block anyway). */
  nonblock?: boolean;
}

/** SocketFactory opens sockets: the simulator's kernel and the native binding are both one. */
export interface SocketFactory {
  /** socket(AF_NETLINK, type, protocol). `type` may carry SOCK_NONBLOCK / SOCK_CLOEXEC. */
  socket(type: number, protocol: number): NetlinkSocket;
}
