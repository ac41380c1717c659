/**
 * Error classes of nlsim. Users match on `.code`; `instanceof` works across two loaded copies
 * of nlsim because each class brands its instances with a registered symbol (as undici does).
 */
import { type ErrnoName, errnoMessage, errnoNumber } from './uapi/errno.js';

const kNetlinkError = Symbol.for('nlsim.error.NetlinkError');
const kKernelError = Symbol.for('nlsim.error.KernelError');
const kNlsimError = Symbol.for('nlsim.error.NlsimError');
const kDecodeError = Symbol.for('nlsim.error.DecodeError');

/** ExtAck is the extended-ACK information a handler attaches to an error or a warning. */
export interface ExtAck {
  /** NLMSGERR_ATTR_MSG: a human-readable text. */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute from the request's nlmsghdr. */
  offset?: number;
  /** NLMSGERR_ATTR_COOKIE: opaque bytes (at most 20). */
  cookie?: Uint8Array;
  /** NLMSGERR_ATTR_POLICY: the already-encoded NL_POLICY_TYPE_ATTR_* nest payload. */
  policy?: Uint8Array;
  /** NLMSGERR_ATTR_MISS_TYPE: the missing attribute's type. */
  missingType?: number;
  /** NLMSGERR_ATTR_MISS_NEST: offset of the nest that lacks it. */
  missingNest?: number;
}

/**
 * brand marks a class's prototype with its registered symbol, so `instanceof` recognises
 * instances made by another loaded copy of nlsim (Symbol.hasInstance checks the brand).
 * On the prototype rather than each instance: defining a property per error made throwing
 * EAGAIN measurably slower.
 */
function brand(cls: { prototype: object }, key: symbol): void {
  Object.defineProperty(cls.prototype, key, { value: true });
}

/** Where a NetlinkError came from: a failed system call, an NLMSG_ERROR, or an NLMSG_DONE. */
export type ErrorSource = 'syscall' | 'ack' | 'done';

/**
 * NetlinkError is a Linux errno raised by a socket call, shaped like Node's SystemError:
 * `code` is the errno name, `errno` the negative number, `syscall` the failing call.
 */
export class NetlinkError extends Error {
  readonly code: ErrnoName;
  readonly errno: number;
  readonly syscall: string;
  readonly source: ErrorSource;
  readonly extack: ExtAck | undefined;

  constructor(code: ErrnoName, syscall: string, options: { source?: ErrorSource; extack?: ExtAck } = {}) {
    super(`${syscall} ${code}: ${errnoMessage(code)}${options.extack?.message ? ` (${options.extack.message})` : ''}`);
    this.name = 'NetlinkError';
    this.code = code;
    this.errno = -errnoNumber(code);
    this.syscall = syscall;
    this.source = options.source ?? 'syscall';
    this.extack = options.extack;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && kNetlinkError in value;
  }
}

/**
 * KernelError is what a protocol handler throws (or returns) inside the virtual kernel:
 * an errno plus optional extended-ACK data. The request loop turns it into an NLMSG_ERROR.
 */
export class KernelError extends Error {
  readonly code: ErrnoName;
  readonly errno: number;
  readonly extack: ExtAck | undefined;

  constructor(code: ErrnoName, extack?: ExtAck | string) {
    const ext = typeof extack === 'string' ? { message: extack } : extack;
    super(`${code}: ${ext?.message ?? errnoMessage(code)}`);
    this.name = 'KernelError';
    this.code = code;
    this.errno = -errnoNumber(code);
    this.extack = ext;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && kKernelError in value;
  }
}

/** NlsimErrorCode lists the stable codes of library misuse errors. */
export type NlsimErrorCode =
  | 'ERR_NLSIM_INVALID_ARGUMENT'
  | 'ERR_NLSIM_PROTOCOL_REGISTERED'
  | 'ERR_NLSIM_SOCKET_CLOSED'
  | 'ERR_NLSIM_NATIVE_UNAVAILABLE'
  | 'ERR_NLSIM_NOT_SUPPORTED';

/** NlsimError reports misuse of nlsim's own API (not a kernel errno). */
export class NlsimError extends Error {
  readonly code: NlsimErrorCode;

  constructor(code: NlsimErrorCode, message: string) {
    super(message);
    this.name = 'NlsimError';
    this.code = code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && kNlsimError in value;
  }
}

/** DecodeError reports malformed bytes: where (`offset`) and, for files, which file. */
export class DecodeError extends Error {
  readonly code = 'ERR_NLSIM_DECODE' as const;
  readonly offset: number;
  readonly file: string | undefined;

  constructor(message: string, offset: number, file?: string) {
    super(`${file ? `${file}: ` : ''}${message} at byte offset ${offset}`);
    this.name = 'DecodeError';
    this.offset = offset;
    this.file = file;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && kDecodeError in value;
  }
}

brand(NetlinkError, kNetlinkError);
brand(KernelError, kKernelError);
brand(NlsimError, kNlsimError);
brand(DecodeError, kDecodeError);
