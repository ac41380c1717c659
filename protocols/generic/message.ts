/**
 * Building generic netlink messages: genlmsg_put() (genlmsghdr with the family's version,
 * then the family header) followed by attributes.
 */
import { type AttrWriter, encodePayload } from '../../sim/wire/attr-writer.js';
import { writeHeader } from '../../sim/wire/header.js';
import type { GenlFamily, GenlMessageBody } from './family.js';

/** NLMSG_DEFAULT_SIZE_ALLOC is nlmsg_new(NLMSG_DEFAULT_SIZE)'s allocation: NLMSG_GOODSIZE. */
export const NLMSG_DEFAULT_SIZE_ALLOC = 3776;

/**
 * genlBody mirrors genlmsg_put() after the nlmsghdr: {cmd, family version, reserved 0}, the
 * family header (`userhdr`, zero-filled to hdrsize), then the attributes `body` writes. It
 * returns the writer callback, so the message is written once, where it is sent from
 * (RequestContext.encode(), DumpChunk.put()), instead of into bytes of its own first.
 */
export function genlBody(family: Pick<GenlFamily, 'version' | 'hdrsize'>, cmd: number, body: GenlMessageBody, userhdr?: Uint8Array): (w: AttrWriter) => void {
  return (w) => {
    w.raw(Uint8Array.of(cmd, family.version, 0, 0));
    if (family.hdrsize) {
      const hdr = new Uint8Array(family.hdrsize);
      if (userhdr) hdr.set(userhdr.subarray(0, family.hdrsize));
      w.raw(hdr);
    }
    body(w);
  };
}

/** genlPayload is what genlBody writes, as bytes of their own. */
export function genlPayload(family: Pick<GenlFamily, 'version' | 'hdrsize'>, cmd: number, body: GenlMessageBody, userhdr?: Uint8Array): Uint8Array {
  return encodePayload(genlBody(family, cmd, body, userhdr));
}

/** genlMessage is a whole message with its nlmsghdr: `type`, `flags`, `seq`, `pid`, then `payload`. */
export function genlMessage(type: number, flags: number, seq: number, pid: number, payload: Uint8Array): Uint8Array {
  const len = 16 + payload.length;
  const out = new Uint8Array((len + 3) & ~3);
  writeHeader(out, 0, { len, type, flags, seq, pid });
  out.set(payload, 16);
  return out;
}
