/**
 * Replaying a capture against a fresh virtual kernel: every request of the capture (datagrams
 * whose first message has NLM_F_REQUEST) is sent, in order, from one SimSocket per (protocol,
 * sender port), and what the simulator answers is compared with what the capture says the
 * kernel answered, message by message and attribute by attribute through the decoder.
 *
 * Answers are matched to requests the way a client matches them: same protocol, a sequence
 * number of the request, and the requester's port in nlmsg_pid. Values that legitimately differ
 * between two runs (port ids, timestamps, counters, MAC addresses, random values) are ignored
 * unless asked for; the schema marks them (AttrNode.volatile).
 */
import { NLM_F_DUMP, NLMSG_DONE, NLMSG_ERROR, NETLINK_CAP_ACK, NETLINK_GET_STRICT_CHK, NETLINK_EXT_ACK, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_REQUEST, NETLINK_GENERIC, SOCK_RAW, SOL_NETLINK } from '../sim/uapi/netlink.js';
import { type VirtualKernel } from '../sim/kernel.js';
import { createKernel } from '../protocols/index.js';
import type { SimSocket } from '../sim/socket.js';
import { NetlinkError } from '../sim/errors.js';
import { HOST_BYTE_ORDER, type Capture } from './capture.js';
import { payloadByteOrders } from './payload-order.js';
import { decodeDatagram } from './decode/message.js';
import { newContext, type DecodeContext } from './decode/family.js';
import type { AttrNode, Field, MessageNode, VolatileKind } from './decode/model.js';
import { genericHandle } from '../protocols/generic/index.js';
import { CTRL_ATTR, CTRL_CMD, GENL_ID_CTRL } from '../protocols/generic/uapi.js';

/** Normalisation says which run-dependent values to ignore. Each defaults to true. */
export interface Normalisation {
  /** Port ids: the requester's port in nlmsg_pid (the capture's and the simulator's differ). */
  ports?: boolean;
  /** Sequence numbers, compared relative to the request's. */
  seq?: boolean;
  /** Timestamps and timers (IFA_CACHEINFO stamps, bridge timers…). */
  timestamps?: boolean;
  /** Statistics and counters (IFLA_STATS64, carrier changes…). */
  counters?: boolean;
  /** MAC addresses. */
  macs?: boolean;
  /** Values the kernel randomises (IPv6 reachable_time, conntrack ids, inode numbers). */
  random?: boolean;
  /**
   * nlctrl NEWFAMILY entries of a dump for families the simulator does not have: dropped from
   * the expected answer (and counted), since "the families of this kernel" is configuration.
   */
  unmodelledFamilies?: boolean;
}

/** ReplayOptions tune replayCapture. */
export interface ReplayOptions {
  /** Builds the kernel to replay against. Defaults to createKernel({ seed: 1 }). */
  kernel?: () => VirtualKernel;
  normalise?: Normalisation;
  /** Called after each request, for progress bars. */
  onProgress?: (done: number, total: number) => void;
  /** At most this many differences are listed per request. Defaults to 10. */
  maxDifferences?: number;
  /**
   * Replay from sockets with NETLINK_GET_STRICT_CHK on, as the recorded program had them
   * (iproute2 turns it on). A capture holds datagrams, not socket options, so this cannot
   * be read from it. Defaults to false.
   */
  strictCheck?: boolean;
}

/** Verdict is the outcome for one request. */
export type Verdict = 'match' | 'mismatch' | 'unmodelled' | 'skipped';

/** RequestVerdict is one request's comparison. */
export interface RequestVerdict {
  /** The request's record index in the capture. */
  record: number;
  protocol: number;
  /** The first message's type name, `RTM_GETLINK`, `nlctrl`… */
  request: string;
  seq: number;
  /** Records of the capture taken as this request's answer. */
  answerRecords: number[];
  expectedMessages: number;
  actualMessages: number;
  verdict: Verdict;
  /** Where expected and actual differ (mismatch), or why the request was not compared. */
  differences: string[];
  /** NEWFAMILY entries left out under `unmodelledFamilies`. */
  notModelled?: string[];
  /** Messages of the simulator's answer left out: the capture shows the program stopped reading the dump before them. */
  notRead?: number;
}

/** ReplayReport is the result of a replay. */
export interface ReplayReport {
  file?: string;
  requests: RequestVerdict[];
  summary: Record<Verdict, number> & { requests: number; unansweredRecords: number };
}

/** messagesOf decodes one datagram with the replay's context. */
function messagesOf(payload: Uint8Array, protocol: number, ctx: DecodeContext): MessageNode[] {
  return decodeDatagram(payload, protocol, HOST_BYTE_ORDER === 'LE', ctx).messages;
}

/** drain reads everything the socket has, letting dumps continue as the queue empties. */
function drain(sock: SimSocket): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (;;) {
    try {
      out.push(sock.recvmsg({ bufferSize: 1 << 20 }).data);
    } catch (err) {
      if (err instanceof NetlinkError && err.code === 'EAGAIN') return out;
      throw err;
    }
  }
}

/**
 * replayCapture replays `capture` and compares. Records in the other byte order than this
 * host's cannot be sent to the simulator and are reported as skipped.
 */
export function replayCapture(capture: Capture, options: ReplayOptions = {}): ReplayReport {
  const norm: Required<Normalisation> = { ports: true, seq: true, timestamps: true, counters: true, macs: true, random: true, unmodelledFamilies: true, ...options.normalise };
  const maxDiff = options.maxDifferences ?? 10;
  const kernel = (options.kernel ?? (() => createKernel({ seed: 1 })))();
  const orders = payloadByteOrders(capture);
  const ctx = newContext();
  const decoded = capture.records.map((r, i) => (orders[i] === HOST_BYTE_ORDER ? messagesOf(r.payload, r.protocol, ctx) : undefined));
  const isRequest = (i: number): boolean => !!decoded[i]?.[0] && (decoded[i]![0]!.header.flags & NLM_F_REQUEST) !== 0;
  const claimed = new Set<number>();
  const requests = capture.records.map((_, i) => i).filter(isRequest);
  const sockets = new Map<string, SimSocket>();
  const verdicts: RequestVerdict[] = [];
  const simCtx = newContext();

  requests.forEach((ri, n) => {
    const record = capture.records[ri]!;
    const reqMsgs = decoded[ri]!;
    const first = reqMsgs[0]!;
    const seqs = new Set(reqMsgs.map((m) => m.header.seq));
    // The answer: later non-request records of the protocol carrying one of the request's
    // sequence numbers, all addressed to one port.
    const answerRecords: number[] = [];
    let port: number | undefined = first.header.pid || undefined;
    for (let j = ri + 1; j < capture.records.length; j++) {
      if (claimed.has(j) || capture.records[j]!.protocol !== record.protocol) continue;
      if (isRequest(j)) {
        if (decoded[j]!.some((m) => seqs.has(m.header.seq)) && (decoded[j]![0]!.header.pid || port) === port) break;
        continue;
      }
      const a = decoded[j]?.[0];
      if (!a || !seqs.has(a.header.seq)) continue;
      if (port !== undefined && a.header.pid !== port) continue;
      port ??= a.header.pid;
      answerRecords.push(j);
      claimed.add(j);
    }
    const verdict: RequestVerdict = {
      record: ri,
      protocol: record.protocol,
      request: first.header.typeName,
      seq: first.header.seq,
      answerRecords,
      expectedMessages: 0,
      actualMessages: 0,
      verdict: 'match',
      differences: [],
    };
    verdicts.push(verdict);
    let expected = answerRecords.flatMap((j) => decoded[j]!);

    if (!kernel.table(record.protocol)) {
      verdict.verdict = 'unmodelled';
      verdict.differences.push(`protocol ${record.protocol} is not registered in the simulator`);
    } else {
      const key = `${record.protocol}/${port ?? 'unknown'}`;
      let sock = sockets.get(key);
      if (!sock) {
        sock = kernel.socket(SOCK_RAW, record.protocol);
        sock.bind({ pid: 0, groups: 0 });
        if (options.strictCheck) sock.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
        sockets.set(key, sock);
      }
      // Socket options the answers reveal: extended ACKs and capped ACKs.
      const flagsSeen = expected.reduce((f, m) => (m.header.type <= 3 ? f | m.header.flags : f), 0);
      if (flagsSeen & NLM_F_ACK_TLVS) sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
      if (flagsSeen & NLM_F_CAPPED) sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1);
      const actual: MessageNode[] = [];
      try {
        sock.sendto(record.payload, { pid: 0, groups: 0 });
        for (const d of drain(sock)) actual.push(...messagesOf(d, record.protocol, simCtx));
      } catch (err) {
        verdict.differences.push(`sending the request failed: ${(err as Error).message}`);
      }
      if (norm.unmodelledFamilies && record.protocol === NETLINK_GENERIC) {
        const known = new Set(genericHandle(kernel)?.families().map((f) => f.name) ?? []);
        const left: string[] = [];
        expected = expected.filter((m) => {
          const name = newFamilyName(m);
          if (name === undefined || known.has(name)) return true;
          left.push(name);
          return false;
        });
        if (left.length) verdict.notModelled = left;
      }
      // A dump whose captured answer has no NLMSG_DONE (nor error) was not read to the end:
      // the program stopped reading (iproute2 does on an answer it does not expect), and a
      // recording holds only what the program read. Compare the part it read.
      const unreadTail = (first.header.flags & NLM_F_DUMP) === NLM_F_DUMP && expected.length > 0 && !expected.some((m) => m.header.type === NLMSG_DONE || m.header.type === NLMSG_ERROR);
      if (unreadTail && actual.length > expected.length) {
        verdict.notRead = actual.length - expected.length;
        actual.length = expected.length;
      }
      verdict.expectedMessages = expected.length;
      verdict.actualMessages = actual.length;
      const simPort = sock.getsockname().pid;
      if (!verdict.differences.length) {
        if (unmodelledAnswer(expected, actual)) {
          verdict.verdict = 'unmodelled';
          verdict.differences.push(`the simulator answers ${actual[0]!.error!.errno}: not modelled`);
        } else {
          const cmp = new Comparer(norm, port ?? 0, simPort, first.header.seq);
          if (expected.length !== actual.length) cmp.diff(`expected ${expected.length} messages, got ${actual.length}`);
          for (let i = 0; i < Math.min(expected.length, actual.length); i++) cmp.message(`message ${i} (${expected[i]!.header.typeName})`, expected[i]!, actual[i]!);
          verdict.differences = cmp.differences.slice(0, maxDiff);
          if (cmp.differences.length > maxDiff) verdict.differences.push(`… and ${cmp.differences.length - maxDiff} more`);
        }
      }
      if (verdict.verdict === 'match' && verdict.differences.length) verdict.verdict = 'mismatch';
    }
    options.onProgress?.(n + 1, requests.length);
  });
  for (const s of sockets.values()) s.close();

  // Records in the other byte order are not replayed.
  capture.records.forEach((r, i) => {
    if (decoded[i] === undefined) verdicts.push({ record: i, protocol: r.protocol, request: '?', seq: 0, answerRecords: [], expectedMessages: 0, actualMessages: 0, verdict: 'skipped', differences: [`payload byte order ${orders[i] ?? 'unknown'} is not this host's`] });
  });
  verdicts.sort((a, b) => a.record - b.record);
  const count = (v: Verdict) => verdicts.filter((x) => x.verdict === v).length;
  const report: ReplayReport = {
    requests: verdicts,
    summary: {
      requests: requests.length,
      match: count('match'),
      mismatch: count('mismatch'),
      unmodelled: count('unmodelled'),
      skipped: count('skipped'),
      unansweredRecords: capture.records.filter((_, i) => decoded[i] !== undefined && !isRequest(i) && !claimed.has(i)).length,
    },
  };
  if (capture.file !== undefined) report.file = capture.file;
  return report;
}

/** newFamilyName returns the family an nlctrl NEWFAMILY message describes. */
function newFamilyName(m: MessageNode): string | undefined {
  if (m.header.type !== GENL_ID_CTRL || m.familyHeader?.fields[0]?.value !== CTRL_CMD.CTRL_CMD_NEWFAMILY) return undefined;
  const v = m.attrs?.find((a) => a.type === CTRL_ATTR.CTRL_ATTR_FAMILY_NAME)?.value;
  return typeof v === 'string' ? v : undefined;
}

/**
 * unmodelledAnswer: the simulator refused with EOPNOTSUPP (no handler for the type) or the
 * generic ENOENT of an absent family, where the capture has a real answer.
 */
function unmodelledAnswer(expected: MessageNode[], actual: MessageNode[]): boolean {
  const a = actual[0];
  if (actual.length !== 1 || a?.header.type !== NLMSG_ERROR || !a.error) return false;
  if (a.error.errno !== 'EOPNOTSUPP' && a.error.errno !== 'ENOENT') return false;
  return !(expected.length === 1 && expected[0]!.error?.errno === a.error.errno);
}

/** Comparer walks two decoded messages and collects differences. */
class Comparer {
  readonly differences: string[] = [];
  readonly #norm: Required<Normalisation>;
  readonly #capturedPort: number;
  readonly #simPort: number;
  readonly #seq: number;

  constructor(norm: Required<Normalisation>, capturedPort: number, simPort: number, seq: number) {
    this.#norm = norm;
    this.#capturedPort = capturedPort;
    this.#simPort = simPort;
    this.#seq = seq;
  }

  diff(text: string): void {
    this.differences.push(text);
  }

  #eq(path: string, e: unknown, a: unknown): void {
    if (JSON.stringify(e) !== JSON.stringify(a)) this.diff(`${path}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`);
  }

  #ignored(kind: VolatileKind | undefined): boolean {
    if (kind === undefined) return false;
    return kind === 'counter' ? this.#norm.counters : kind === 'mac' ? this.#norm.macs : kind === 'timestamp' ? this.#norm.timestamps : this.#norm.random;
  }

  message(path: string, e: MessageNode, a: MessageNode): void {
    const eh = e.header;
    const ah = a.header;
    this.#eq(`${path} type`, eh.typeName, ah.typeName);
    this.#eq(`${path} nlmsg_len`, eh.len, ah.len);
    this.#eq(`${path} flags`, eh.flagNames, ah.flagNames);
    if (this.#norm.seq) this.#eq(`${path} seq (relative)`, eh.seq - this.#seq, ah.seq - this.#seq);
    else this.#eq(`${path} seq`, eh.seq, ah.seq);
    const port = (p: number, own: number) => (this.#norm.ports && p === own && p !== 0 ? 'requester' : p);
    this.#eq(`${path} nlmsg_pid`, port(eh.pid, this.#capturedPort), port(ah.pid, this.#simPort));
    if (e.familyHeader || a.familyHeader) this.#fields(`${path} ${e.familyHeader?.name ?? a.familyHeader?.name}`, e.familyHeader?.fields ?? [], a.familyHeader?.fields ?? []);
    this.#attrs(path, e.attrs ?? [], a.attrs ?? []);
    if (e.error || a.error) {
      this.#eq(`${path} error`, e.error?.errno, a.error?.errno);
      if (e.error?.request && a.error?.request) this.message(`${path} echoed request`, e.error.request, a.error.request);
      this.#attrs(`${path} extack`, e.error?.extack ?? [], a.error?.extack ?? []);
    }
    if (e.done || a.done) {
      this.#eq(`${path} done`, e.done?.errno, a.done?.errno);
      this.#attrs(`${path} extack`, e.done?.extack ?? [], a.done?.extack ?? []);
    }
    this.#eq(`${path} unparsed bytes`, e.hex, a.hex);
  }

  #fields(path: string, e: Field[], a: Field[]): void {
    if (e.length !== a.length) this.diff(`${path}: expected ${e.length} fields, got ${a.length}`);
    for (let i = 0; i < Math.min(e.length, a.length); i++) {
      if (this.#ignored(e[i]!.volatile)) continue;
      this.#eq(`${path}.${e[i]!.name}`, e[i]!.value, a[i]!.value);
    }
  }

  #attrs(path: string, e: AttrNode[], a: AttrNode[]): void {
    const names = (l: AttrNode[]) => l.map((x) => x.name).join(',');
    if (names(e) !== names(a)) {
      this.diff(`${path}: expected attributes [${names(e)}], got [${names(a)}]`);
      return;
    }
    e.forEach((x, i) => {
      const y = a[i]!;
      const p = `${path} ${x.name}`;
      this.#eq(`${p} length`, x.length, y.length);
      if (this.#ignored(x.volatile)) return;
      this.#eq(p, x.value, y.value);
      this.#eq(`${p} values`, x.values, y.values);
      this.#eq(`${p} data`, x.hex, y.hex);
      if (x.fields || y.fields) this.#fields(p, x.fields ?? [], y.fields ?? []);
      if (x.attrs || y.attrs) this.#attrs(p, x.attrs ?? [], y.attrs ?? []);
    });
  }
}
