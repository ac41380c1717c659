/**
 * The msg_control bytes a recvmsg(2) caller finds, laid out by put_cmsg() (net/core/scm.c)
 * into a buffer of the caller's size: the shim copies them as they are.
 */
import type { RecvResult } from '../sim/socket-api.js';
import { SOL_NETLINK, SOL_SOCKET } from '../sim/uapi/netlink.js';
import { HOST_LE, viewOf } from '../sim/wire/header.js';

/** sizeof(struct cmsghdr) on LP64: size_t cmsg_len, int cmsg_level, int cmsg_type. */
const CMSGHDR = 16;
const CMSG_ALIGN = (n: number) => (n + 7) & ~7;
const NETLINK_PKTINFO = 3;
const SCM_CREDENTIALS = 2;

/** A buffer that holds every control message a netlink receive can carry (24 + 32 bytes). */
export const FULL_CONTROL_SIZE = 64;

/**
 * encodeControlMessages lays out the control messages of `r` (received with
 * FULL_CONTROL_SIZE, so none was cut) into `size` bytes as put_cmsg() does: a message that
 * does not fit whole is cut to the room left and sets MSG_CTRUNC, and none is written when
 * less than a cmsghdr is left. Returns the bytes written (msg_controllen) and whether any
 * message was cut.
 */
export function encodeControlMessages(r: RecvResult, size: number): { bytes: Uint8Array; truncated: boolean } {
  const messages: { level: number; type: number; data: Uint8Array }[] = [];
  if (r.pktinfoGroup !== undefined) messages.push({ level: SOL_NETLINK, type: NETLINK_PKTINFO, data: u32s([r.pktinfoGroup]) });
  if (r.credentials) {
    const { pid, uid, gid } = r.credentials;
    messages.push({ level: SOL_SOCKET, type: SCM_CREDENTIALS, data: u32s([pid, uid, gid]) });
  }
  const out = new Uint8Array(Math.min(size, FULL_CONTROL_SIZE));
  const v = viewOf(out);
  let at = 0;
  let truncated = false;
  for (const m of messages) {
    const left = size - at;
    if (left < CMSGHDR) {
      truncated = true;
      continue;
    }
    let cmlen = CMSGHDR + m.data.length;
    if (left < cmlen) {
      truncated = true;
      cmlen = left;
    }
    v.setBigUint64(at, BigInt(cmlen), HOST_LE); // cmsg_len
    v.setInt32(at + 8, m.level, HOST_LE); // cmsg_level
    v.setInt32(at + 12, m.type, HOST_LE); // cmsg_type
    out.set(m.data.subarray(0, cmlen - CMSGHDR), at + CMSGHDR);
    at += Math.min(CMSG_ALIGN(CMSGHDR + m.data.length), left);
  }
  return { bytes: out.subarray(0, at), truncated };
}

function u32s(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const v = viewOf(out);
  values.forEach((x, i) => v.setUint32(i * 4, x >>> 0, HOST_LE));
  return out;
}
