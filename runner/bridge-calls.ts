/**
 * The system calls a shim forwards, performed on a SimSocket: each takes a request body
 * laid out as native/preload/nlsim-bridge.h says and returns the call's result (or -errno)
 * with the reply body. A body too short for its operation is EPROTO, never an exception.
 */
import { encodeSockaddr, toRawAddress } from '../sim/address.js';
import { getSockByPortid } from '../sim/delivery.js';
import { NetlinkError } from '../sim/errors.js';
import type { SimSocket } from '../sim/socket.js';
import { errnoNumber } from '../sim/uapi/errno.js';
import { MSG_CTRUNC, MSG_DONTWAIT } from '../sim/uapi/netlink.js';
import { HOST_LE, viewOf } from '../sim/wire/header.js';
import { BRIDGE_OP, RECV_REPLY_LEN, RECV_REQUEST_LEN } from './bridge-protocol.js';
import { encodeControlMessages, FULL_CONTROL_SIZE } from './control-messages.js';

/** CallResult is what a forwarded call answers. */
export interface CallResult {
  result: number;
  body: Uint8Array;
}

const EMPTY = new Uint8Array(0);
/** getsockopt buffers above this are cut (NETLINK_LIST_MEMBERSHIPS, the longest, needs 4 bytes per 32 groups). */
const MAX_OPTLEN = 1 << 16;
/** EPROTO as a reply: the request could not be read. */
export const PROTOCOL_ERROR: CallResult = { result: -errnoNumber('EPROTO'), body: EMPTY };

/** ok wraps a successful result. */
function ok(result: number, body: Uint8Array = EMPTY): CallResult {
  return { result, body };
}

/**
 * performCall runs operation `op` on `sock`. NetlinkErrors become -errno; anything else
 * thrown is a bug in nlsim and propagates to the server, which reports it.
 */
export async function performCall(sock: SimSocket, op: number, flags: number, body: Uint8Array): Promise<CallResult> {
  try {
    return await dispatch(sock, op, flags, body);
  } catch (e) {
    if (e instanceof NetlinkError) return { result: e.errno, body: EMPTY };
    throw e;
  }
}

async function dispatch(sock: SimSocket, op: number, flags: number, body: Uint8Array): Promise<CallResult> {
  const v = viewOf(body);
  switch (op) {
    case BRIDGE_OP.BIND:
      sock.bind(body.slice());
      return ok(0);
    case BRIDGE_OP.CONNECT:
      sock.connect(body.slice());
      return ok(0);
    case BRIDGE_OP.GETSOCKNAME:
      return ok(0, encodeSockaddr(sock.getsockname()));
    case BRIDGE_OP.GETPEERNAME:
      return ok(0, encodeSockaddr(sock.getpeername()));
    case BRIDGE_OP.SENDMSG: {
      if (body.length < 8) return PROTOCOL_ERROR;
      const timeoutMs = v.getUint32(0, HOST_LE);
      const addrlen = v.getUint32(4, HOST_LE);
      if (body.length < 8 + addrlen) return PROTOCOL_ERROR;
      const address = addrlen ? body.slice(8, 8 + addrlen) : null;
      return ok(await sendWaiting(sock, body.slice(8 + addrlen), address, flags, timeoutMs));
    }
    case BRIDGE_OP.RECVMSG: {
      if (body.length < RECV_REQUEST_LEN) return PROTOCOL_ERROR;
      const bufferSize = v.getUint32(0, HOST_LE);
      const controlSize = v.getUint32(4, HOST_LE);
      // recvmmsg() after its first datagram: the error is reported and stays in sk_err.
      const pending = sock.sk.queue.err;
      if (v.getUint32(8, HOST_LE) && pending) return { result: -pending, body: new Uint8Array(0) };
      return ok(...encodeReceived(sock, bufferSize, controlSize, flags));
    }
    case BRIDGE_OP.SETSOCKOPT: {
      if (body.length < 8) return PROTOCOL_ERROR;
      sock.setsockopt(v.getInt32(0, HOST_LE), v.getInt32(4, HOST_LE), body.slice(8));
      return ok(0);
    }
    case BRIDGE_OP.GETSOCKOPT: {
      if (body.length < 12) return PROTOCOL_ERROR;
      // Every option answers at most a few hundred bytes, so a huge buffer is cut to spare
      // the allocation; the bytes written and the optlen returned stay the kernel's.
      const optlen = Math.min(v.getInt32(8, HOST_LE), MAX_OPTLEN);
      const { data, optlen: written } = sock.getsockoptRaw(v.getInt32(0, HOST_LE), v.getInt32(4, HOST_LE), optlen);
      const out = new Uint8Array(4 + data.length);
      viewOf(out).setUint32(0, written, HOST_LE);
      out.set(data, 4);
      return ok(0, out);
    }
    default:
      return PROTOCOL_ERROR;
  }
}

/**
 * sendWaiting is sendmsg() that may block: a unicast to a full user socket waits until that
 * socket's owner receives (netlink_attachskb() sleeping), at most `timeoutMs` when non-zero
 * (SO_SNDTIMEO), and then fails with EAGAIN as Linux does. MSG_DONTWAIT never waits.
 */
async function sendWaiting(sock: SimSocket, data: Uint8Array, address: Uint8Array | null, flags: number, timeoutMs: number): Promise<number> {
  const deadline = timeoutMs ? performance.now() + timeoutMs : Infinity;
  for (;;) {
    try {
      return sock.sendto(data, address, flags);
    } catch (e) {
      if (!(e instanceof NetlinkError) || e.code !== 'EAGAIN' || flags & MSG_DONTWAIT) throw e;
      const dst = address === null ? sock.sk.dstPortid : toRawAddress(address, 'sendmsg').pid;
      const target = getSockByPortid(sock.sk, dst);
      if (typeof target === 'number' || target.isKernel) throw e;
      const left = deadline - performance.now();
      if (left <= 0) throw e;
      // A wake-up that comes after the timeout resolves a promise nobody awaits any more.
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resume) => {
        target.queue.waitForRoom(resume);
        if (left !== Infinity) timer = setTimeout(resume, left);
      });
      clearTimeout(timer);
    }
  }
}

/**
 * encodeReceived performs recvmsg() and lays out struct bridge_recv_reply, the msg_control
 * bytes and the data. The simulator is asked with room for every control message; the
 * caller's own control size then decides what put_cmsg() would have written.
 */
function encodeReceived(sock: SimSocket, bufferSize: number, controlSize: number, flags: number): [number, Uint8Array] {
  const r = sock.recvmsg({ bufferSize, flags, controlSize: FULL_CONTROL_SIZE });
  const control = encodeControlMessages(r, controlSize);
  const msgFlags = (r.flags & ~MSG_CTRUNC) | (control.truncated ? MSG_CTRUNC : 0);
  const out = new Uint8Array(RECV_REPLY_LEN + control.bytes.length + r.data.length);
  const v = viewOf(out);
  v.setUint32(0, msgFlags >>> 0, HOST_LE); // msg_flags
  v.setUint32(4, r.address.pid >>> 0, HOST_LE); // nl_pid
  v.setUint32(8, r.address.groups >>> 0, HOST_LE); // nl_groups
  v.setUint32(12, control.bytes.length, HOST_LE); // control_len
  out.set(control.bytes, RECV_REPLY_LEN);
  out.set(r.data, RECV_REPLY_LEN + control.bytes.length);
  return [r.length, out];
}
