/**
 * ErrnoException: the error objects node-netlink's binding throws and passes to callbacks
 * (src/binding.cc, ErrnoException()), rebuilt from a NetlinkError of the virtual kernel.
 */
import { getSystemErrorMap } from 'node:util';
import { errnoMessage, errnoNumber, type ErrnoName } from '../sim/uapi/errno.js';
import { NetlinkError } from '../sim/errors.js';

/** ErrnoException is the shape of the binding's errors, as netlink/dist/raw.d.ts declares it. */
export interface ErrnoException extends Error {
  name: 'ErrnoException';
  /** The failed call: 'socket', 'bind', 'sendmsg', 'recvmsg', 'setsockopt'… */
  syscall: string;
  /** The Linux errno, positive: the binding passes C's `errno` as it is. */
  errno: number;
  /** The errno's name, as libuv's uv_err_name() gives it. */
  code: string;
}

let uvMessages: Map<string, string> | undefined;

/**
 * uvMessage returns libuv's uv_strerror() text for `code` ("address already in use"), which
 * the binding puts in its messages. Looked up by name, so it is right on any platform.
 * @note Node's map is keyed by this platform's numbers; the wire and the binding use Linux
 * numbers, so only the name is trusted. Names libuv lacks fall back to glibc's text.
 */
function uvMessage(code: ErrnoName): string {
  if (!uvMessages) {
    uvMessages = new Map();
    for (const [name, message] of getSystemErrorMap().values()) uvMessages.set(name, message);
  }
  return uvMessages.get(code) ?? errnoMessage(code);
}

/**
 * errnoException builds the binding's error: message `${message}: ${uv_strerror}`, name
 * 'ErrnoException', the positive Linux errno, its name as `code`, and the system call.
 */
export function errnoException(code: ErrnoName, syscall: string, message: string): ErrnoException {
  const error = new Error(`${message}: ${uvMessage(code)}`) as ErrnoException;
  // Set after construction, as Napi::Error::Set does: the stack still begins "Error: …".
  error.name = 'ErrnoException';
  error.errno = errnoNumber(code);
  error.code = code;
  error.syscall = syscall;
  return error;
}

/**
 * rethrowAs runs `call` and turns a NetlinkError it throws into the binding's ErrnoException
 * for `syscall` with the binding's `message`. Other errors pass unchanged.
 */
export function rethrowAs<T>(syscall: string, message: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw asErrnoException(error, syscall, message);
  }
}

/** asErrnoException converts a NetlinkError; anything else is returned as it is. */
export function asErrnoException(error: unknown, syscall: string, message: string): unknown {
  return error instanceof NetlinkError ? errnoException(error.code, syscall, message) : error;
}
