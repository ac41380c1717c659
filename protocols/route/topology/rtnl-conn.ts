/**
 * RtnlConnection: a minimal synchronous rtnetlink client over any NetlinkSocket (a virtual
 * kernel's SimSocket or a real NativeSocket), for applying and snapshotting topologies.
 *
 * Synchronous works on both kernels: rtnetlink handles a request inside sendmsg(), so its
 * answer is queued when sendto() returns, and the rest of a dump is produced inside
 * recvmsg() as the queue drains (netlink_recvmsg() calls netlink_dump()).
 */
import { NetlinkError } from '../../../sim/errors.js';
import type { NetlinkSocket } from '../../../sim/socket-api.js';
import { errnoName } from '../../../sim/uapi/errno.js';
import { MSG_TRUNC, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR } from '../../../sim/uapi/netlink.js';
import { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { encodeMessage, HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { decodeMessages, type NlMessage } from '../../../sim/wire/messages.js';
import { decodeError } from '../../../sim/wire/nlmsgerr.js';
import { encodeIfInfoMsg } from '../core/index.js';
import { IFLA, RTM } from '../core/uapi.js';
import { concat } from '../../../sim/wire/concat.js';

// Larger than any dump chunk Linux builds (at most 32 KiB plus headers), so nothing is truncated.
const RECV_BUFFER = 65536;

/** RtnlConnection sends one request at a time on `sock` (bound by the caller or autobound on send). */
export class RtnlConnection {
  readonly sock: NetlinkSocket;
  #seq = 0;

  constructor(sock: NetlinkSocket) {
    this.sock = sock;
  }

  /**
   * request sends `type` with `flags | NLM_F_REQUEST | NLM_F_ACK` and returns the messages
   * answered before the ACK. A refused request throws a NetlinkError whose `syscall` is
   * `what` and which carries the extended ACK.
   */
  request(type: number, flags: number, body: Uint8Array, what: string): NlMessage[] {
    const seq = this.#send(type, flags | NLM_F_ACK, body);
    const answers: NlMessage[] = [];
    for (;;) {
      for (const msg of this.#receive(what)) {
        if (msg.header.seq !== seq) continue;
        if (msg.header.type !== NLMSG_ERROR) {
          answers.push(msg);
          continue;
        }
        const { error, extack } = decodeError(msg.payload, msg.header.flags);
        if (error === 0) return answers;
        throw new NetlinkError(errnoName(-error) ?? 'EINVAL', what, { source: 'ack', extack });
      }
    }
  }

  /** dump sends `type` with NLM_F_DUMP and returns every message up to NLMSG_DONE. */
  dump(type: number, body: Uint8Array, what: string): NlMessage[] {
    const seq = this.#send(type, NLM_F_DUMP, body);
    const out: NlMessage[] = [];
    for (;;) {
      for (const msg of this.#receive(what)) {
        if (msg.header.seq !== seq) continue;
        if (msg.header.type === NLMSG_DONE) return out;
        if (msg.header.type === NLMSG_ERROR) {
          const { error, extack } = decodeError(msg.payload, msg.header.flags);
          throw new NetlinkError(errnoName(-error) ?? 'EINVAL', what, { source: 'ack', extack });
        }
        out.push(msg);
      }
    }
  }

  /** ifindex looks a link up by name (RTM_GETLINK with IFLA_IFNAME), as `ip link show dev` does. */
  ifindex(name: string): number {
    const w = new AttrWriter();
    w.string(IFLA.IFLA_IFNAME, name);
    const [reply] = this.request(RTM.RTM_GETLINK, 0, concat(encodeIfInfoMsg({}), w.finish()), `RTM_GETLINK ${name}`);
    if (!reply) throw new NetlinkError('ENODEV', `RTM_GETLINK ${name}`);
    return viewOf(reply.payload).getInt32(4, HOST_LE);
  }

  #send(type: number, flags: number, body: Uint8Array): number {
    const seq = ++this.#seq;
    this.sock.sendto(encodeMessage({ type, flags: flags | NLM_F_REQUEST, seq, pid: 0 }, body), { pid: 0, groups: 0 });
    return seq;
  }

  #receive(what: string): NlMessage[] {
    const r = this.sock.recvmsg({ bufferSize: RECV_BUFFER });
    if (r.flags & MSG_TRUNC) throw new NetlinkError('EMSGSIZE', `${what}: recvmsg`);
    return decodeMessages(r.data);
  }
}
