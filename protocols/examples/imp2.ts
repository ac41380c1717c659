/**
 * An imp2-style module: the classic pattern of a module that learns a user program's port id
 * from one message type, forgets it on another, and meanwhile pushes notifications to it.
 * Its message types are below NLMSG_MIN_TYPE, as in the original, so it reads datagrams with
 * its own input function instead of the shared request loop (which would treat them as
 * control messages).
 */
import type { ProtocolHandle, VirtualKernel } from '../../sim/kernel.js';
import { readHeader, encodeMessage } from '../../sim/wire/header.js';

/** IMP2 message types. */
export const IMP2_U_PID = 0;
export const IMP2_K_MSG = 1;
export const IMP2_CLOSE = 2;

/** Imp2Module is the loaded module. */
export interface Imp2Module extends ProtocolHandle {
  /** userPortid is the port id the module currently sends to, or null. */
  readonly userPortid: number | null;
  /**
   * notify sends an IMP2_K_MSG carrying `payload` to the remembered port id. Returns the
   * unicast result (length, or a negative errno), or null when no user is registered.
   */
  notify(payload: Uint8Array): number | null;
}

/** loadImp2 registers the module on `protocol` (default 27). */
export function loadImp2(kernel: VirtualKernel, protocol = 27): Imp2Module {
  let userPortid: number | null = null;
  const handle = kernel.registerProtocol({
    protocol,
    name: 'NETLINK_IMP2',
    input: (skb) => {
      if (skb.data.length < 16) return;
      const h = readHeader(skb.data);
      if (h.len < 16 || h.len > skb.data.length) return;
      // The original trusts the header's pid; the sender's real port id is the safe choice.
      if (h.type === IMP2_U_PID) userPortid = skb.portid;
      else if (h.type === IMP2_CLOSE && skb.portid === userPortid) userPortid = null;
    },
  });
  return {
    ...handle,
    get userPortid() {
      return userPortid;
    },
    notify(payload: Uint8Array): number | null {
      if (userPortid === null) return null;
      const msg = encodeMessage({ type: IMP2_K_MSG, flags: 0, seq: 0, pid: 0 }, payload);
      return handle.kernelSocket().unicast(userPortid, msg);
    },
  };
}
