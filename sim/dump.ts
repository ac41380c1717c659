/**
 * The dump machinery: multi-part replies produced lazily, one chunk at a time, as the
 * receiver drains its queue. Mirrors __netlink_dump_start(), netlink_dump() and
 * netlink_dump_done().
 */
import { ackTlvLength, writeAckTlvs } from './ack.js';
import type { ExtAck } from './errors.js';
import { dumpChunkTruesize, KERNEL_CREDS, MAX_RECVMSG_LEN, NLMSG_GOODSIZE } from './skb.js';
import type { NetlinkSock } from './sock.js';
import { NLM_F_ACK_TLVS, NLM_F_DUMP_INTR, NLM_F_MULTI, NLMSG_DONE } from './uapi/netlink.js';
import { type AttrPayload, AttrWriter, withPayload } from './wire/attr-writer.js';
import { HOST_LE, type NlMsgHdr, viewOf, writeHeader } from './wire/header.js';

const EMSGSIZE = -90;
const ENOBUFS = -105;
const EINVAL = -22;
/** INT_MAX: dump_done_errno's "not finished" value. */
const MORE = 0x7fffffff;
const NLMSG_ALIGN = (n: number) => (n + 3) & ~3;
/** nlmsg_total_size(sizeof(int)): the room an NLMSG_DONE needs. */
const DONE_SIZE = 20;

/**
 * DumpChunk is the skb one round of a dump fills (a single datagram). Dump callbacks add
 * whole messages with put() until it refuses one.
 */
export class DumpChunk {
  readonly #buf: Uint8Array;
  #len = 0;
  readonly #dump: DumpState;

  /** @internal */
  constructor(size: number, dump: DumpState) {
    this.#buf = new Uint8Array(size);
    this.#dump = dump;
  }

  /** length is the bytes used so far. */
  get length(): number {
    return this.#len;
  }

  /** tailroom is skb_tailroom(): bytes still free. */
  get tailroom(): number {
    return this.#buf.length - this.#len;
  }

  /**
   * put appends one message (nlmsg_put_answer()): NLM_F_MULTI plus `flags`, the request's seq
   * and the requester's port id, then `payload` (bytes, or written by a callback). Returns
   * false, writing nothing, when the message does not fit: the caller keeps it for the next
   * chunk. Marks the message NLM_F_DUMP_INTR when the dump's generation changed.
   */
  put(type: number, payload: AttrPayload, flags = 0): boolean {
    return withPayload(payload, (body) => {
      const len = 16 + body.length;
      if (NLMSG_ALIGN(len) > this.tailroom) return false;
      const d = this.#dump;
      writeHeader(this.#buf, this.#len, { len, type, flags: NLM_F_MULTI | flags | d.checkConsistent(), seq: d.request.seq, pid: d.portid });
      this.#buf.set(body, this.#len + 16);
      this.#len += NLMSG_ALIGN(len);
      return true;
    });
  }


  /** @internal appends NLMSG_DONE (netlink_dump_done()). */
  putDone(errno: number, extack: ExtAck, sk: NetlinkSock): void {
    const d = this.#dump;
    const start = this.#len;
    let flags = NLM_F_MULTI | d.answerFlags | d.checkConsistent();
    let len = DONE_SIZE;
    const tlvLen = ackTlvLength(sk, errno, extack);
    let tlvs: Uint8Array | null = null;
    if (tlvLen) {
      // The flag is set even when the TLVs do not fit, as Linux does.
      flags |= NLM_F_ACK_TLVS;
      if (this.tailroom - DONE_SIZE >= tlvLen) {
        const w = new AttrWriter({ initialSize: tlvLen });
        writeAckTlvs(w, errno, extack);
        tlvs = w.finishShared();
        len += tlvs.length;
      }
    }
    writeHeader(this.#buf, start, { len, type: NLMSG_DONE, flags, seq: d.request.seq, pid: d.portid });
    viewOf(this.#buf).setInt32(start + 16, errno, HOST_LE);
    if (tlvs) this.#buf.set(tlvs, start + DONE_SIZE);
    this.#len += len;
  }

  /** @internal the datagram: exactly the bytes written. */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
}

/**
 * DumpCallback mirrors cb->dump: fill `chunk` and return a positive number when there is
 * more to come, 0 when finished, or a negative errno to end the dump with that error
 * (carried in NLMSG_DONE). Returning -EMSGSIZE after putting something means "more" (6.10+).
 */
export type DumpCallback = (chunk: DumpChunk, dump: DumpState) => number;

/** DumpControl mirrors struct netlink_dump_control. */
export interface DumpControl {
  dump: DumpCallback;
  /** start runs before the first chunk; a negative errno (or throw) fails the request. */
  start?: (dump: DumpState) => number | void;
  /** done runs when the dump ends or the socket closes. */
  done?: (dump: DumpState) => void;
  /** min_dump_alloc: the smallest chunk, so that one large message always fits. */
  minDumpAlloc?: number;
  /**
   * RTNL_FLAG_DUMP_SPLIT_NLM_DONE: always send NLMSG_DONE in a datagram of its own, as
   * rtnetlink's link, address and route dumps do.
   */
  splitDone?: boolean;
  /**
   * generation returns a counter that changes whenever the dumped state changes (cb->seq,
   * e.g. net->dev_base_seq); sampled at the start of each chunk for NLM_F_DUMP_INTR.
   */
  generation?: () => number;
}

/** DumpState is a running dump (struct netlink_callback), kept on the requesting socket. */
export class DumpState {
  readonly sk: NetlinkSock;
  /** The request's header and its whole message (cb->nlh), for extack offsets. */
  readonly request: NlMsgHdr;
  readonly requestMessage: Uint8Array;
  /** The requester's port id, used as nlmsg_pid of every part. */
  readonly portid: number;
  /** cb->strict_check: the requester had NETLINK_GET_STRICT_CHK set. */
  readonly strictCheck: boolean;
  readonly control: DumpControl;
  /** cb->answer_flags: added to NLMSG_DONE (e.g. NLM_F_DUMP_FILTERED). */
  answerFlags = 0;
  /** cb->args: the dump callback's cursor, free for it to use. */
  readonly args: unknown[] = [];
  /** cb->seq and cb->prev_seq. */
  seq = 0;
  prevSeq = 0;
  /** The extack of the current round; errors set here end up in NLMSG_DONE. */
  extack: ExtAck = {};
  /** nlk->dump_done_errno. */
  doneErrno = MORE;
  #finishedSplit = false;
  /** @internal */
  constructor(sk: NetlinkSock, request: NlMsgHdr, requestMessage: Uint8Array, portid: number, control: DumpControl) {
    this.sk = sk;
    this.request = request;
    this.requestMessage = requestMessage;
    this.portid = portid;
    this.strictCheck = sk.strictChk;
    this.control = control;
  }

  /** checkConsistent mirrors nl_dump_check_consistent(): NLM_F_DUMP_INTR after a generation change. */
  checkConsistent(): number {
    const flag = this.prevSeq && this.seq !== this.prevSeq ? NLM_F_DUMP_INTR : 0;
    this.prevSeq = this.seq;
    return flag;
  }

  /** @internal one call of cb->dump, with rtnl_dumpit()'s split-DONE rule. */
  callback(chunk: DumpChunk): number {
    if (this.#finishedSplit) return 0;
    if (this.control.generation) this.seq = this.control.generation();
    let ret = this.control.dump(chunk, this);
    if (this.control.splitDone) {
      if (ret < 0 && ret !== EMSGSIZE) return ret;
      if (ret === 0) this.#finishedSplit = true;
      return chunk.length;
    }
    // 6.10+: -EMSGSIZE with data in the skb means "more to come".
    if (ret === EMSGSIZE && chunk.length > 0) ret = chunk.length;
    return ret;
  }
}

/**
 * continueDump mirrors netlink_dump(): produces the next chunk of the socket's running dump
 * and queues it. Returns 0, or a negative errno (ENOBUFS when the receiver is full; the
 * dump then stays pending and resumes on a later recvmsg()).
 */
export function continueDump(sk: NetlinkSock): number {
  const d = sk.dump;
  if (!d) return EINVAL;
  const q = sk.queue;
  const allocMin = Math.max(d.control.minDumpAlloc ?? 0, NLMSG_GOODSIZE);
  const allocSize = sk.maxRecvmsgLen > allocMin ? Math.min(sk.maxRecvmsgLen, MAX_RECVMSG_LEN) : allocMin;
  // The chunk is charged before it is filled: it must fit below rcvbuf (strictly), unless the
  // queue is empty. Measured on 6.18: with 832 bytes queued, a 4352-byte chunk is refused at
  // rcvbuf 5184 and accepted at 5186.
  const truesize = dumpChunkTruesize(allocSize);
  const rmem = q.rmemAlloc + truesize;
  if (rmem !== truesize && rmem >= q.rcvbuf) return ENOBUFS;
  const chunk = new DumpChunk(allocSize, d);
  if (d.doneErrno > 0) {
    d.extack = {};
    d.doneErrno = d.callback(chunk);
  }
  if (d.doneErrno > 0 || chunk.tailroom < DONE_SIZE) {
    queueChunk(sk, chunk, allocSize);
    return 0;
  }
  chunk.putDone(d.doneErrno, d.extack, sk);
  queueChunk(sk, chunk, allocSize);
  endDump(sk);
  return 0;
}

/** queueChunk mirrors __netlink_sendskb(): dump chunks skip the admission check. */
function queueChunk(sk: NetlinkSock, chunk: DumpChunk, allocSize: number): void {
  const skb = { data: chunk.bytes(), truesize: dumpChunkTruesize(allocSize), portid: 0, dstGroup: 0, creds: KERNEL_CREDS };
  const taps = sk.netns.taps;
  if (taps.size) for (const tap of taps) tap(skb, sk.protocol, 'to-user');
  sk.queue.push(skb);
}

/** endDump ends the socket's dump, running its done callback (also on close). */
export function endDump(sk: NetlinkSock): void {
  const d = sk.dump;
  sk.dump = null;
  d?.control.done?.(d);
}
