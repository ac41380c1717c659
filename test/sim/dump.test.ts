/**
 * The dump machinery (netlink_dump_start, netlink_dump, netlink_dump_done) through a test
 * module whose dump produces N fixed-size messages. Chunk sizes and DONE placement are the
 * kernel's (KERNEL-SEMANTICS.md §I); the route and nlctrl dumps check them against Linux.
 */
import { describe, expect, it } from 'vitest';
import { createKernel } from '../../protocols/index.js';
import { KernelError } from '../../sim/errors.js';
import { requestLoop } from '../../sim/request-loop.js';
import type { DumpControl } from '../../sim/dump.js';
import { NETLINK_EXT_ACK, NLM_F_ACK, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_DONE, SOCK_RAW, SOL_NETLINK, SO, SOL_SOCKET } from '../../sim/uapi/netlink.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { decodeMessages } from '../../sim/wire/messages.js';
import { decodeDone, decodeError } from '../../sim/wire/nlmsgerr.js';
import { drain, hex } from '../helpers/drain.js';

const PROTO = 25;
const GET = 0x12;

/** A dump of `count` messages with `size`-byte payloads, produced lazily through args[0]. */
function itemsDump(count: number, size: number, extra: Partial<DumpControl> = {}): DumpControl {
  return {
    dump(chunk, d) {
      let i = (d.args[0] as number | undefined) ?? 0;
      for (; i < count; i++) if (!chunk.put(0x13, new Uint8Array(size))) break;
      d.args[0] = i;
      produced.push(i);
      return i < count ? chunk.length : 0;
    },
    ...extra,
  };
}
let produced: number[] = [];

function setup(control: () => DumpControl) {
  produced = [];
  const kernel = createKernel({ seed: 1 });
  kernel.registerProtocol({
    protocol: PROTO,
    input: requestLoop((ctx) => {
      if (ctx.header.flags & NLM_F_DUMP) ctx.dump(control());
    }),
  });
  const s = kernel.socket(SOCK_RAW, PROTO);
  s.bind({ pid: 0x55, groups: 0 });
  const request = (seq = 1, flags = NLM_F_REQUEST | NLM_F_DUMP) => s.send(encodeMessage({ type: GET, flags, seq, pid: 0 }, new Uint8Array(4)));
  return { kernel, s, request };
}

describe('dumps', () => {
  it('produces the first chunk at once, no larger than 3776 bytes, and no ACK even with NLM_F_ACK (items 108, 109)', () => {
    const { s, request } = setup(() => itemsDump(100, 100));
    request(1, NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK);
    expect(produced).toEqual([32]); // 32 × 116 = 3712 ≤ 3776
    const first = s.recvmsg({ bufferSize: 4096 });
    expect(first.data.length).toBe(3712);
    const msgs = decodeMessages(first.data);
    expect(msgs.every((m) => m.header.flags === NLM_F_MULTI && m.header.seq === 1 && m.header.pid === 0x55)).toBe(true);
  });

  it('produces later chunks only inside recvmsg, sized by the largest recvmsg buffer seen (items 109, 116)', () => {
    const { s, request } = setup(() => itemsDump(1000, 100));
    request();
    const sizes: number[] = [];
    sizes.push(s.recvmsg({ bufferSize: 65536 }).data.length);
    sizes.push(s.recvmsg({ bufferSize: 65536 }).data.length);
    expect(sizes).toEqual([3712, 32364]); // 279 × 116 ≤ 32448
    const small = setup(() => itemsDump(1000, 100));
    small.request();
    small.s.recvmsg({ bufferSize: 8192 });
    expect(small.s.recvmsg({ bufferSize: 8192 }).data.length).toBe(70 * 116);
  });

  it('appends NLMSG_DONE to the last chunk when it fits, else sends it alone (item 114)', () => {
    const fits = setup(() => itemsDump(3, 100));
    fits.request(9);
    const [only] = drain(fits.s);
    const msgs = decodeMessages(only!.data);
    expect(msgs.map((m) => m.header.type)).toEqual([0x13, 0x13, 0x13, NLMSG_DONE]);
    const done = msgs[3]!;
    expect(hex(done.bytes)).toBe('14000000' + '0300' + '0200' + '09000000' + '55000000' + '00000000');

    // 3776 − 32×116 = 64 ≥ 20: DONE still fits after exactly one full chunk
    const tight = setup(() => itemsDump(32, 100));
    tight.request();
    expect(drain(tight.s).map((d) => d.data.length)).toEqual([3712 + 20]);

    // 3776 − 3772 = 4 < 20: DONE goes in a datagram of its own
    const separate = setup(() => itemsDump(1, 3756));
    separate.request();
    expect(drain(separate.s).map((d) => d.data.length)).toEqual([3772, 20]);
  });

  it('always sends DONE alone with splitDone (RTNL_FLAG_DUMP_SPLIT_NLM_DONE)', () => {
    const { s, request } = setup(() => itemsDump(3, 100, { splitDone: true }));
    request();
    expect(drain(s).map((d) => d.data.length)).toEqual([348, 20]);
  });

  it('refuses a second dump on the same socket with EBUSY while the first goes on (item 106)', () => {
    const { s, request } = setup(() => itemsDump(100, 100));
    request(1);
    request(2);
    const all = drain(s, 65536).flatMap((d) => decodeMessages(d.data));
    const err = all.find((m) => m.header.type === 2)!;
    expect(err.header.seq).toBe(2);
    expect(decodeError(err.payload, err.header.flags).error).toBe(-16);
    expect(all.filter((m) => m.header.type === 0x13)).toHaveLength(100);
    expect(all.at(-1)!.header.type).toBe(NLMSG_DONE);
  });

  it('queues other replies before the remaining chunks (item 117)', () => {
    const { s, request } = setup(() => itemsDump(100, 100));
    request(1);
    s.send(encodeMessage({ type: 0x20, flags: NLM_F_REQUEST | NLM_F_ACK, seq: 2, pid: 0 }));
    const datagrams = drain(s, 65536).map((d) => decodeMessages(d.data).map((m) => m.header.type));
    // chunk 1, the ACK, then the rest (68 messages) with DONE appended in the same chunk
    expect(datagrams.map((types) => [types[0], types.length, types.at(-1)])).toEqual([
      [0x13, 32, 0x13],
      [2, 1, 2],
      [0x13, 69, NLMSG_DONE],
    ]);
  });

  it('fails the request with the start callback error and its extack (item 107)', () => {
    const { s, request } = setup(() => ({
      ...itemsDump(1, 1),
      start: () => {
        throw new KernelError('ENOENT', { message: 'no such family' });
      },
    }));
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    request();
    const [m] = drain(s).flatMap((d) => decodeMessages(d.data));
    expect(decodeError(m!.payload, m!.header.flags)).toMatchObject({ error: -2, extack: { message: 'no such family' } });
  });

  it('carries a dump error and its extack in NLMSG_DONE (items 112, 113)', () => {
    const { s, request } = setup(() => ({
      dump: (_chunk, d) => {
        d.extack.message = 'Filter by device index not supported for link dumps';
        return -22;
      },
    }));
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    request(3);
    const [done] = drain(s).flatMap((d) => decodeMessages(d.data));
    expect(done!.header.flags).toBe(0x202);
    expect(done!.header.len).toBe(76);
    expect(decodeDone(done!.payload, done!.header.flags)).toEqual({ error: -22, extack: { message: 'Filter by device index not supported for link dumps' } });
  });

  it('ends the dump with DONE(-EMSGSIZE) when one message cannot fit an empty chunk', () => {
    const { s, request } = setup(() => ({
      dump: (chunk) => (chunk.put(0x13, new Uint8Array(5000)) ? 0 : -90),
    }));
    request();
    const [done] = drain(s).flatMap((d) => decodeMessages(d.data));
    expect(decodeDone(done!.payload, done!.header.flags).error).toBe(-90);
  });

  it('flags the first message after a generation change with NLM_F_DUMP_INTR (item 119)', () => {
    let gen = 1;
    const { s, request } = setup(() => itemsDump(100, 100, { generation: () => gen }));
    request();
    gen = 2;
    const msgs = drain(s, 65536).flatMap((d) => decodeMessages(d.data));
    const flagged = msgs.map((m, i) => [i, m.header.flags & NLM_F_DUMP_INTR] as const).filter(([, f]) => f);
    expect(flagged).toEqual([[32, NLM_F_DUMP_INTR]]);
  });

  it('stays pending when the receiver is full, reports ENOBUFS once, then resumes (items 91, 118)', () => {
    const { s, request } = setup(() => itemsDump(200, 100));
    s.setsockopt(SOL_SOCKET, SO.SO_RCVBUF, 0); // 2304: one 4352-byte chunk already exceeds it
    request(1);
    request(2); // EBUSY error ACK: dropped into the full socket, overrun
    expect(() => s.recvmsg({ bufferSize: 65536 })).toThrow(expect.objectContaining({ code: 'ENOBUFS' }));
    const rest = drain(s, 65536).flatMap((d) => decodeMessages(d.data));
    expect(rest.filter((m) => m.header.type === 0x13)).toHaveLength(200);
    expect(rest.at(-1)!.header.type).toBe(NLMSG_DONE);
  });

  it('runs the done callback when the socket closes mid-dump (item 120)', () => {
    let done = 0;
    const { s, request } = setup(() => itemsDump(1000, 100, { done: () => done++ }));
    request();
    s.close();
    expect(done).toBe(1);
  });
});
