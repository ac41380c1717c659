/**
 * The request loop protocol handlers share: walks a datagram message by message, runs the
 * handler for each request and sends ACKs and errors. Mirrors netlink_rcv_skb(), with the
 * handler's view of one request (RequestContext) standing for the kernel's
 * (skb, nlh, extack) triple.
 */
import { buildAck } from './ack.js';
import type { Capability } from './credentials.js';
import { capable } from './credentials.js';
import { type DumpControl, DumpState, continueDump } from './dump.js';
import { type ExtAck, KernelError } from './errors.js';
import type { InputSkb, KernelSendOptions, KernelSocket } from './kernel-socket.js';
import { errnoName, errnoNumber, type ErrnoName } from './uapi/errno.js';
import { NLM_F_ACK, NLM_F_ECHO, NLM_F_REQUEST, NLMSG_MIN_TYPE } from './uapi/netlink.js';
import { type AttrPayload, withPayload } from './wire/attr-writer.js';
import { type NlMsgHdr, readHeader, writeHeader } from './wire/header.js';

/** EINTR: what a handler's dump start returns so that no ACK follows. */
export const EINTR = -4;
const NLMSG_ALIGN = (n: number) => (n + 3) & ~3;

/**
 * RequestContext is one request as a handler sees it, with the verbs a kernel handler
 * uses: reply (nlmsg_unicast), notify (nlmsg_notify with NLM_F_ECHO) and dump
 * (netlink_dump_start).
 */
export class RequestContext {
  /** The request's header. */
  readonly header: NlMsgHdr;
  /** The whole message: nlmsg_len bytes from its header on. Offsets in extack count from here. */
  readonly message: Uint8Array;
  /** The payload after the 16-byte header (nlmsg_len − 16 bytes). */
  readonly payload: Uint8Array;
  /**
   * The datagram from this message's header to its end, the skb as the handler sees it
   * (skb->data, skb->len): the messages after this one are part of it.
   */
  readonly rest: Uint8Array;
  /** Who sent it (NETLINK_CB(skb)). */
  readonly skb: InputSkb;
  /** The protocol's kernel socket in the sender's namespace. */
  readonly kernelSocket: KernelSocket;
  /** The extended ACK; set `message`, `offset`… to have them reported. */
  readonly extack: ExtAck = {};
  /** @internal set when a dump started (the kernel's -EINTR). */
  dumpStarted = false;

  /** @internal */
  constructor(skb: InputSkb, kernelSocket: KernelSocket, header: NlMsgHdr, message: Uint8Array, rest: Uint8Array) {
    this.skb = skb;
    this.kernelSocket = kernelSocket;
    this.header = header;
    this.message = message;
    this.payload = message.subarray(16);
    this.rest = rest;
  }

  /** portid is the requester's port id. */
  get portid(): number {
    return this.skb.portid;
  }

  /** strictCheck is true when the requesting socket set NETLINK_GET_STRICT_CHK. */
  get strictCheck(): boolean {
    return this.skb.sock.strictChk;
  }

  /** capable mirrors netlink_net_capable(): does the requester hold `cap` in this namespace? */
  capable(cap: Capability): boolean {
    return capable(this.skb.credentials, cap);
  }

  /**
   * encode builds a reply message to this request: `type`, `flags`, the request's seq and
   * the requester's port id, then the payload (bytes, or written by a callback).
   */
  encode(type: number, payload: AttrPayload, flags = 0): Uint8Array {
    return withPayload(payload, (body) => {
      const len = 16 + body.length;
      const out = new Uint8Array(NLMSG_ALIGN(len));
      writeHeader(out, 0, { len, type, flags, seq: this.header.seq, pid: this.portid });
      out.set(body, 16);
      return out;
    });
  }


  /**
   * reply mirrors nlmsg_unicast() to the requester. Returns 0, or a negative errno
   * (-EAGAIN when its queue is full: the reply is lost and the requester overrun).
   */
  reply(message: Uint8Array, options?: KernelSendOptions): number {
    const err = this.kernelSocket.unicast(this.portid, message, options);
    return err > 0 ? 0 : err;
  }

  /**
   * notify mirrors rtnl_notify()/genl_notify(): multicasts `message` to `group`, echoing it to
   * the requester when the request carried NLM_F_ECHO.
   */
  notify(message: Uint8Array, group: number, options?: { allocSize?: number }): number {
    const report = (this.header.flags & NLM_F_ECHO) !== 0;
    return this.kernelSocket.notify(message, group, this.portid, report, options);
  }

  /**
   * dump mirrors netlink_dump_start(): starts a dump on the requesting socket and produces its
   * first chunk now. Throws KernelError EBUSY when a dump is already running there, the
   * start callback's error, or ENOBUFS when the requester's queue is full (the dump then
   * stays pending). On success no ACK follows the request, even with NLM_F_ACK.
   */
  dump(control: DumpControl): void {
    const sk = this.skb.sock;
    const target = sk.netns.protocols[sk.protocol]?.ports.get(this.portid);
    if (target !== sk) throw new KernelError('ECONNREFUSED');
    if (sk.dump) throw new KernelError('EBUSY');
    const state = new DumpState(sk, this.header, this.message, this.portid, control);
    if (control.start) {
      let ret: number | void;
      try {
        ret = control.start(state);
      } catch (e) {
        if (e instanceof KernelError) Object.assign(this.extack, e.extack);
        throw e;
      }
      if (ret && ret < 0) throw kernelErrorOf(ret);
    }
    sk.dump = state;
    const err = continueDump(sk);
    if (err) throw kernelErrorOf(err);
    this.dumpStarted = true;
  }
}

/** kernelErrorOf turns a negative errno into a KernelError. */
function kernelErrorOf(err: number): KernelError {
  return new KernelError(errnoName(err) ?? 'EINVAL');
}

/**
 * RequestHandler mirrors the cb of netlink_rcv_skb(): handles one request. Return nothing
 * (or 0) for success, a negative errno or an errno name, or throw a KernelError (with
 * extack) for failure. Start a dump with `ctx.dump()`.
 */
export type RequestHandler = (ctx: RequestContext) => number | ErrnoName | void;

/** toErrno normalises a handler's result to 0 or a negative errno. */
function toErrno(result: number | ErrnoName | void): number {
  if (result === undefined) return 0;
  if (typeof result === 'string') return -errnoNumber(result);
  return result;
}

/**
 * requestLoop returns a protocol input (cfg->input) that runs `handler` on each request of a
 * datagram with netlink_rcv_skb()'s rules: messages are walked while 16 bytes remain; a bad
 * nlmsg_len stops the walk silently; messages without NLM_F_REQUEST and control types below
 * NLMSG_MIN_TYPE are not handled but still ACKed when they ask; an error or NLM_F_ACK
 * produces an NLMSG_ERROR, except after a dump started.
 */
export function requestLoop(handler: RequestHandler): (skb: InputSkb, kernelSocket: KernelSocket) => void {
  return (skb, kernelSocket) => {
    const data = skb.data;
    let off = 0;
    while (data.length - off >= 16) {
      const h = readHeader(data, off);
      if (h.len < 16 || data.length - off < h.len) return;
      const message = data.subarray(off, off + h.len);
      let err = 0;
      let ctx: RequestContext | null = null;
      if (h.flags & NLM_F_REQUEST && h.type >= NLMSG_MIN_TYPE) {
        ctx = new RequestContext(skb, kernelSocket, h, message, data.subarray(off));
        try {
          err = toErrno(handler(ctx));
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
          if (e.extack) Object.assign(ctx.extack, e.extack);
          err = e.errno;
        }
        if (ctx.dumpStarted && err === 0) err = EINTR;
      }
      if (err !== EINTR && (h.flags & NLM_F_ACK || err)) {
        const ack = buildAck(skb.sock, skb.portid, h, message, err, ctx?.extack);
        kernelSocket.unicast(skb.portid, ack.data, { allocSize: ack.allocSize });
      }
      off += Math.min(NLMSG_ALIGN(h.len), data.length - off);
    }
  };
}

