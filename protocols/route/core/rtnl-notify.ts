/**
 * rtnl_notify(): how every rtnetlink change is told. A notification goes to its multicast
 * group and, when the request asked for NLM_F_ECHO, back to the requester with the request's
 * sequence number. Every subsystem (devices, addresses, routes, neighbours, rules, bridge)
 * sends through here.
 */
import type { KernelSocket } from '../../../sim/kernel-socket.js';
import { NLM_F_ECHO } from '../../../sim/uapi/netlink.js';
import { AttrWriter } from '../../../sim/wire/attr-writer.js';
import type { NlMsgHdr } from '../../../sim/wire/header.js';
import { writeHeader } from '../../../sim/wire/header.js';

/** Requester identifies the request a notification answers (portid and nlh of rtmsg_ifinfo_event()). */
export interface Requester {
  readonly portid: number;
  readonly header: NlMsgHdr;
}

/** Notifier carries what rtnl_notify() needs: the kernel socket and the request, if any. */
export interface Notifier {
  readonly ks: KernelSocket;
  /** The request that caused the change (its seq and port id go in the header). */
  readonly req?: Requester | undefined;
}

/** notify mirrors rtnl_notify(): multicast to `group`, echoed to the requester with NLM_F_ECHO. */
export function notify(n: Notifier, type: number, flags: number, group: number, fill: (w: AttrWriter) => void, allocSize: number): void {
  const w = new AttrWriter({ initialSize: 256 });
  fill(w);
  const body = w.finishShared();
  const msg = new Uint8Array(16 + body.length);
  writeHeader(msg, 0, { len: msg.length, type, flags, seq: n.req?.header.seq ?? 0, pid: n.req?.portid ?? 0 });
  msg.set(body, 16);
  const report = n.req !== undefined && (n.req.header.flags & NLM_F_ECHO) !== 0;
  n.ks.notify(msg, group, n.req?.portid ?? 0, report, { allocSize });
}
