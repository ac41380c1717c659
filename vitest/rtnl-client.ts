/**
 * RtnlClient: the fixture's own rtnetlink client. Setup goes through netlink requests on a
 * socket of the kernel under test, as `ip` would send them, so the state a test starts from
 * is exactly what a client would see, notifications included.
 */
import { NetlinkError } from '../sim/errors.js';
import type { VirtualKernel } from '../sim/kernel.js';
import type { NetNamespace } from '../sim/netns.js';
import type { SimSocket } from '../sim/socket.js';
import { NETLINK_ROUTE, NLM_F_ACK, NLM_F_REQUEST, NLMSG_ERROR, SOCK_RAW } from '../sim/uapi/netlink.js';
import { errnoName } from '../sim/uapi/errno.js';
import { AttrWriter } from '../sim/wire/attr-writer.js';
import { encodeMessage, HOST_LE } from '../sim/wire/header.js';
import { decodeMessages, type NlMessage } from '../sim/wire/messages.js';
import { decodeError } from '../sim/wire/nlmsgerr.js';
import { IFLA, RTM } from '../protocols/route/uapi.js';

/** RtnlClient sends one request at a time and reads the kernel's answer synchronously. */
export class RtnlClient {
  readonly sock: SimSocket;
  #seq = 0;

  constructor(kernel: VirtualKernel, netns: NetNamespace) {
    this.sock = kernel.socket(SOCK_RAW, NETLINK_ROUTE, { netns });
    this.sock.bind({ pid: 0, groups: 0 });
  }

  /** portId is the setup socket's port, so traffic recording can leave its exchanges out. */
  get portId(): number {
    return this.sock.getsockname().pid;
  }

  /**
   * request sends `type` with `flags | NLM_F_REQUEST | NLM_F_ACK` and returns the messages
   * answered before the ACK. An NLMSG_ERROR with an errno throws a NetlinkError whose
   * `syscall` names the request (`RTM_NEWLINK veth0`) and which carries the extended ACK.
   */
  request(type: number, flags: number, body: Uint8Array, what: string): NlMessage[] {
    const seq = ++this.#seq;
    this.sock.sendto(encodeMessage({ type, flags: flags | NLM_F_REQUEST | NLM_F_ACK, seq, pid: 0 }, body), null);
    const answers: NlMessage[] = [];
    // The virtual kernel answers inside sendto(), so everything is queued already.
    for (;;) {
      for (const msg of decodeMessages(this.sock.recvmsg().data)) {
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

  /** ifindex looks a link up by name (RTM_GETLINK with IFLA_IFNAME), as `ip link show dev` does. */
  ifindex(name: string): number {
    const w = new AttrWriter();
    w.string(IFLA.IFLA_IFNAME, name);
    const [reply] = this.request(RTM.RTM_GETLINK, 0, concat(ifinfomsg({}), w.finish()), `RTM_GETLINK ${name}`);
    if (!reply) throw new NetlinkError('ENODEV', `RTM_GETLINK ${name}`);
    return new DataView(reply.payload.buffer, reply.payload.byteOffset).getInt32(4, HOST_LE);
  }

  close(): void {
    this.sock.close();
  }
}

/** ifinfomsg encodes struct ifinfomsg (16 bytes). */
export function ifinfomsg(f: { family?: number; type?: number; index?: number; flags?: number; change?: number }): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint8(0, f.family ?? 0); // ifi_family
  v.setUint16(2, f.type ?? 0, HOST_LE); // ifi_type
  v.setInt32(4, f.index ?? 0, HOST_LE); // ifi_index
  v.setUint32(8, f.flags ?? 0, HOST_LE); // ifi_flags
  v.setUint32(12, f.change ?? 0, HOST_LE); // ifi_change
  return b;
}

/** concat joins byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
