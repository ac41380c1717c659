/**
 * Core invariants of the virtual kernel, checked with fast-check over random inputs and
 * random operation sequences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type VirtualKernel } from '../../sim/kernel.js';
import { createKernel } from '../../protocols/index.js';
import { NetlinkError } from '../../sim/errors.js';
import { requestLoop } from '../../sim/request-loop.js';
import type { SimSocket } from '../../sim/socket.js';
import { NETLINK_USERSOCK, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_ERROR, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { concatMessages, decodeMessages } from '../../sim/wire/messages.js';
import { decodeError } from '../../sim/wire/nlmsgerr.js';
import { drain } from '../helpers/drain.js';
import { loadNetlinkTest } from '../../protocols/examples/netlink-test.js';

const PROTO = 25;
const runs = { numRuns: 300 };

/** A module whose handler's outcome is chosen by the request's type: ok, error, reply, or dump. */
function loadChaos(kernel: VirtualKernel) {
  kernel.registerProtocol({
    protocol: PROTO,
    input: requestLoop((ctx) => {
      switch (ctx.header.type % 4) {
        case 0:
          return;
        case 1:
          return -22;
        case 2:
          return ctx.reply(ctx.encode(0x30, ctx.payload.slice()));
        default:
          if (ctx.header.flags & NLM_F_DUMP) {
            ctx.dump({ dump: (chunk) => (chunk.put(0x31, new Uint8Array(8)) ? 0 : 1) });
          }
      }
    }),
  });
}

describe('no input crashes the kernel', () => {
  it('answers any bytes sent anywhere with a length or a NetlinkError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(NETLINK_USERSOCK, PROTO),
        fc.uint8Array({ maxLength: 600 }),
        fc.option(fc.record({ pid: fc.constantFrom(0, 1, 0x1234, 0xffffffff), groups: fc.nat() }), { nil: null }),
        fc.integer({ min: 0, max: 0xffff }),
        (protocol, data, address, flags) => {
          const kernel = createKernel({ seed: 3 });
          loadChaos(kernel);
          const s = kernel.socket(SOCK_RAW, protocol);
          try {
            const n = s.sendto(data, address, flags);
            expect(n).toBe(data.length);
          } catch (e) {
            expect(e).toBeInstanceOf(NetlinkError);
          }
          for (let i = 0; i < 10; i++) {
            try {
              s.recvmsg({ bufferSize: 100 });
            } catch (e) {
              expect(e).toBeInstanceOf(NetlinkError);
              if ((e as NetlinkError).code === 'EAGAIN') break;
            }
          }
        },
      ),
      runs,
    );
  });
});

describe('ACKs', () => {
  const arbMessage = fc.record({
    type: fc.integer({ min: 0, max: 0x40 }),
    flags: fc.integer({ min: 0, max: 0xfff }),
    payload: fc.uint8Array({ maxLength: 40 }),
  });

  it('answers every well-formed acked request exactly once, with an ACK or an error, unless it started a dump', () => {
    fc.assert(
      fc.property(fc.array(arbMessage, { minLength: 1, maxLength: 12 }), (msgs) => {
        const kernel = createKernel({ seed: 5 });
        loadChaos(kernel);
        const s = kernel.socket(SOCK_RAW, PROTO);
        s.setsockopt(1, 8, 1 << 20);
        s.send(concatMessages(...msgs.map((m, seq) => encodeMessage({ type: m.type, flags: m.flags, seq, pid: 0 }, m.payload))));
        const replies = drain(s, 65536).flatMap((d) => decodeMessages(d.data));
        msgs.forEach((m, seq) => {
          const errors = replies.filter((r) => r.header.type === NLMSG_ERROR && r.header.seq === seq);
          const handled = (m.flags & NLM_F_REQUEST) !== 0 && m.type >= 0x10;
          const dumped = handled && m.type % 4 === 3 && (m.flags & NLM_F_DUMP) !== 0;
          const failed = handled && m.type % 4 === 1;
          const expected = dumped ? 0 : m.flags & NLM_F_ACK || failed ? 1 : 0;
          expect(errors, `message ${seq} type ${m.type} flags 0x${m.flags.toString(16)}`).toHaveLength(expected);
          if (expected) expect(decodeError(errors[0]!.payload, errors[0]!.header.flags).error).toBe(failed ? -22 : 0);
        });
      }),
      runs,
    );
  });
});

describe('multicast', () => {
  it('reaches exactly the members of the group, minus the sender and the unicast destination', () => {
    const arbSocket = fc.record({
      bindPid: fc.option(fc.constantFrom(0, 100, 200, 300), { nil: undefined }),
      bindGroups: fc.integer({ min: 0, max: 0xf }),
      added: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }),
      dropped: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(arbSocket, { minLength: 1, maxLength: 6 }),
        fc.nat(5),
        fc.constantFrom(0, 100, 200, 300, 400),
        fc.integer({ min: 1, max: 0x3f }),
        (specs, senderIndex, dstPid, dstMask) => {
          const kernel = createKernel({ seed: 9 });
          const sockets: SimSocket[] = [];
          for (const spec of specs) {
            const s = kernel.socket(SOCK_RAW, NETLINK_USERSOCK);
            if (spec.bindPid !== undefined) {
              try {
                s.bind({ pid: spec.bindPid, groups: spec.bindGroups });
              } catch (e) {
                expect((e as NetlinkError).code).toBe('EADDRINUSE');
              }
            }
            for (const g of spec.added) s.setsockopt(270, 1, g);
            for (const g of spec.dropped) s.setsockopt(270, 2, g);
            sockets.push(s);
          }
          const sender = sockets[senderIndex % sockets.length]!;
          // The reference model: membership from getsockname(), port ids after the send's autobind.
          const group = 32 - Math.clz32(dstMask & -dstMask);
          try {
            sender.sendto(new Uint8Array([1]), { pid: dstPid, groups: dstMask });
          } catch (e) {
            expect((e as NetlinkError).code).toBe('ECONNREFUSED');
          }
          for (const s of sockets) {
            const name = s.getsockname();
            const member = (name.groups & (1 << (group - 1))) !== 0;
            // do_one_broadcast() skips the sender and any socket whose port id is the destination's
            const multicastCopies = member && s !== sender && name.pid !== dstPid ? 1 : 0;
            const unicastCopies = s.sk.bound && name.pid === dstPid ? 1 : 0;
            expect(drain(s), `socket ${name.pid} groups ${name.groups.toString(2)}`).toHaveLength(multicastCopies + unicastCopies);
          }
        },
      ),
      runs,
    );
  });
});

describe('receive buffers', () => {
  type Op =
    | { op: 'unicast'; from: number; to: number; len: number }
    | { op: 'multicast'; from: number; len: number }
    | { op: 'recv'; who: number }
    | { op: 'rcvbuf'; who: number; size: number }
    | { op: 'kernel'; who: number; len: number };
  const arbOp: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('unicast' as const), from: fc.nat(3), to: fc.nat(3), len: fc.integer({ min: 1, max: 9000 }) }),
    fc.record({ op: fc.constant('multicast' as const), from: fc.nat(3), len: fc.integer({ min: 1, max: 9000 }) }),
    fc.record({ op: fc.constant('recv' as const), who: fc.nat(3) }),
    fc.record({ op: fc.constant('rcvbuf' as const), who: fc.nat(3), size: fc.integer({ min: 0, max: 40000 }) }),
    fc.record({ op: fc.constant('kernel' as const), who: fc.nat(3), len: fc.integer({ min: 1, max: 3000 }) }),
  );

  it('never lets admitted datagrams push a queue past its receive buffer (one always fits an empty queue)', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 80 }), (ops) => {
        const kernel = createKernel({ seed: 11 });
        loadNetlinkTest(kernel);
        const sockets = [0, 1, 2, 3].map((i) => {
          const s = kernel.socket(SOCK_RAW, i === 3 ? 25 : NETLINK_USERSOCK);
          s.bind({ pid: 10 + i, groups: i === 3 ? 0 : 1 });
          return s;
        });
        const before = sockets.map(() => ({ length: 0, rmem: 0 }));
        for (const o of ops) {
          try {
            if (o.op === 'unicast') sockets[o.from % 3]!.sendto(new Uint8Array(o.len), { pid: 10 + (o.to % 3), groups: 0 });
            else if (o.op === 'multicast') sockets[o.from % 3]!.sendto(new Uint8Array(o.len), { pid: 0, groups: 1 });
            else if (o.op === 'recv') {
              sockets[o.who]!.recvmsg();
              before[o.who]!.length--;
            }
            else if (o.op === 'rcvbuf') sockets[o.who]!.setsockopt(1, 8, o.size);
            else sockets[3]!.send(encodeMessage({ type: 0x10, flags: NLM_F_REQUEST, seq: 0, pid: 0 }, new Uint8Array(o.len)));
          } catch (e) {
            expect(e).toBeInstanceOf(NetlinkError);
          }
          sockets.forEach((s, i) => {
            const q = s.sk.queue;
            const items = q.items();
            expect(q.rmemAlloc).toBe(items.reduce((sum, skb) => sum + skb.truesize, 0));
            // netlink_attachskb() / netlink_broadcast_deliver(): a datagram is queued only if the
            // queue stays within rcvbuf, or if the queue was empty.
            if (items.length > before[i]!.length) expect(before[i]!.rmem === 0 || q.rmemAlloc <= q.rcvbuf).toBe(true);
            before[i] = { length: items.length, rmem: q.rmemAlloc };
          });
        }
      }),
      runs,
    );
  });
});
