/**
 * The kernel-side request loop and ACKs (netlink_rcv_skb, netlink_ack), through a test
 * module on protocol 25. Expected bytes are the real kernel's, from KERNEL-SEMANTICS.md
 * §E–F (verified on this machine's kernel); the same rules are checked against the real
 * kernel's NETLINK_ROUTE in test/protocols/route.
 */
import { describe, expect, it } from 'vitest';
import { createKernel } from '../../protocols/index.js';
import { KernelError } from '../../sim/errors.js';
import { requestLoop, type RequestHandler } from '../../sim/request-loop.js';
import { NETLINK_CAP_ACK, NETLINK_EXT_ACK, NLM_F_ACK, NLM_F_REQUEST, NLMSG_ERROR, SOCK_RAW, SOL_NETLINK } from '../../sim/uapi/netlink.js';
import { decodeError } from '../../sim/wire/nlmsgerr.js';
import { concatMessages } from '../../sim/wire/messages.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { drain, drainMessages, hex } from '../helpers/drain.js';

const PROTO = 25;

function setup(handler: RequestHandler = () => {}) {
  const kernel = createKernel({ seed: 1 });
  const calls: number[] = [];
  kernel.registerProtocol({
    protocol: PROTO,
    input: requestLoop((ctx) => {
      calls.push(ctx.header.type);
      return handler(ctx);
    }),
  });
  const s = kernel.socket(SOCK_RAW, PROTO);
  s.bind({ pid: 0x1234, groups: 0 });
  return { kernel, s, calls };
}

const req = (type: number, flags: number, seq: number, payload: number[] = []) =>
  encodeMessage({ type, flags, seq, pid: 0 }, new Uint8Array(payload));

describe('netlink_rcv_skb rules', () => {
  it('sends a capped success ACK of 36 bytes for NLM_F_ACK (item 68)', () => {
    const { s } = setup();
    s.send(req(0x12, NLM_F_REQUEST | NLM_F_ACK, 7));
    const [r, ...rest] = drain(s);
    expect(rest).toEqual([]);
    expect(r!.address).toEqual({ family: 16, pid: 0, groups: 0 });
    // len 36, NLMSG_ERROR, NLM_F_CAPPED, seq 7, pid = the requester's port id | error 0 | request header
    expect(hex(r!.data)).toBe('24000000' + '0200' + '0001' + '07000000' + '34120000' + '00000000' + '10000000' + '1200' + '0500' + '07000000' + '00000000');
  });

  it('sends nothing without NLM_F_ACK when the handler succeeds', () => {
    const { s, calls } = setup();
    s.send(req(0x12, NLM_F_REQUEST, 1));
    expect(drain(s)).toEqual([]);
    expect(calls).toEqual([0x12]);
  });

  it('does not hand messages without NLM_F_REQUEST or of control types to the handler, but ACKs them on request (items 60, 61)', () => {
    const { s, calls } = setup();
    s.send(concatMessages(req(0x12, NLM_F_ACK, 1), req(0x03, NLM_F_REQUEST | NLM_F_ACK, 2), req(0x01, NLM_F_REQUEST, 3)));
    const msgs = drainMessages(s);
    expect(calls).toEqual([]);
    expect(msgs.map((m) => [m.header.type, m.header.seq, decodeError(m.payload, m.header.flags).error])).toEqual([
      [NLMSG_ERROR, 1, 0],
      [NLMSG_ERROR, 2, 0],
    ]);
  });

  it('stops silently at a bad nlmsg_len, keeping earlier replies (item 59)', () => {
    const { s } = setup();
    const bad = req(0x12, NLM_F_REQUEST | NLM_F_ACK, 2);
    new DataView(bad.buffer).setUint32(0, 8, true);
    s.send(concatMessages(req(0x12, NLM_F_REQUEST | NLM_F_ACK, 1), bad, req(0x12, NLM_F_REQUEST | NLM_F_ACK, 3)));
    expect(drainMessages(s).map((m) => m.header.seq)).toEqual([1]);
  });

  it('ignores a trailing fragment shorter than a header, and starts the next message at NLMSG_ALIGN(len) (items 58, 63)', () => {
    const { s } = setup();
    const odd = req(0x12, NLM_F_REQUEST | NLM_F_ACK, 1, [0xaa]); // nlmsg_len 17
    s.send(concatMessages(odd, req(0x12, NLM_F_REQUEST | NLM_F_ACK, 2), new Uint8Array(8)));
    expect(drainMessages(s).map((m) => m.header.seq)).toEqual([1, 2]);
  });

  it('echoes the request payload in an error, padded to 4 (item 69)', () => {
    const { s } = setup(() => 'EOPNOTSUPP');
    s.send(req(200, NLM_F_REQUEST | NLM_F_ACK, 9, [0x78, 0x79, 0x7a, 0x31]));
    const [r] = drain(s);
    expect(hex(r!.data)).toBe('28000000' + '0200' + '0000' + '09000000' + '34120000' + 'a1ffffff' + '14000000' + 'c800' + '0500' + '09000000' + '00000000' + '78797a31');
    const one = setup(() => 'EINVAL');
    one.s.send(req(200, NLM_F_REQUEST, 1, [0x01]));
    expect(drain(one.s)[0]!.data.length).toBe(40);
  });

  it('caps errors with NETLINK_CAP_ACK (item 70)', () => {
    const { s } = setup(() => -22);
    s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1);
    s.send(req(0x20, NLM_F_REQUEST, 4, [1, 2, 3, 4, 5, 6, 7, 8]));
    const [m] = drainMessages(s);
    expect(m!.header.len).toBe(36);
    expect(m!.header.flags).toBe(0x100);
    expect(decodeError(m!.payload, m!.header.flags)).toMatchObject({ error: -22, request: { len: 24, type: 0x20 } });
  });

  it('adds extended-ACK TLVs only with NETLINK_EXT_ACK: MSG then OFFS for errors (item 71)', () => {
    const fail = () => {
      throw new KernelError('ERANGE', { message: 'Attribute failed policy validation', offset: 20 });
    };
    const plain = setup(fail);
    plain.s.send(req(0x20, NLM_F_REQUEST, 1, [8, 0, 1, 0, 0, 0, 0, 0]));
    expect(drainMessages(plain.s)[0]!.header.flags).toBe(0);

    const { s } = setup(fail);
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    s.send(req(0x20, NLM_F_REQUEST, 1, [8, 0, 1, 0, 0, 0, 0, 0]));
    const [m] = drainMessages(s);
    expect(m!.header.flags).toBe(0x200);
    const e = decodeError(m!.payload, m!.header.flags);
    expect(e.error).toBe(-34);
    expect(e.extack).toEqual({ message: 'Attribute failed policy validation', offset: 20 });
    // 16 + 4 + 16 + 8 (payload) + MSG (4 + 35 → 40) + OFFS 8
    expect(m!.header.len).toBe(92);
  });

  it('carries a warning in a success ACK with flags CAPPED|ACK_TLVS and no OFFS (item 72)', () => {
    const { s } = setup((ctx) => {
      ctx.extack.message = 'bytes leftover after parsing attributes';
      ctx.extack.offset = 24;
    });
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    s.send(req(0x20, NLM_F_REQUEST | NLM_F_ACK, 3, [0, 0]));
    const [m] = drainMessages(s);
    expect(m!.header.flags).toBe(0x300);
    expect(m!.header.len).toBe(80);
    expect(decodeError(m!.payload, m!.header.flags)).toMatchObject({ error: 0, extack: { message: 'bytes leftover after parsing attributes' } });
  });

  it('has no TLVs for an error with an empty extack (item 76)', () => {
    const { s } = setup(() => 'ENODEV');
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    s.send(req(0x20, NLM_F_REQUEST, 3));
    const [m] = drainMessages(s);
    expect(m!.header.flags).toBe(0);
    expect(m!.header.len).toBe(36);
  });

  it('queues a data reply before its ACK, each in its own datagram (item 64)', () => {
    const { s } = setup((ctx) => ctx.reply(ctx.encode(0x21, new Uint8Array([1, 2, 3, 4]))));
    s.send(req(0x20, NLM_F_REQUEST | NLM_F_ACK, 5));
    const datagrams = drain(s);
    expect(datagrams.map((d) => d.data.length)).toEqual([20, 36]);
    expect(datagrams.map((d) => d.data[4])).toEqual([0x21, NLMSG_ERROR]);
  });

  it('gives kernel replies the requester port id and the request seq, whatever nlmsg_pid said (item 65)', () => {
    const { s } = setup((ctx) => ctx.reply(ctx.encode(0x21, new Uint8Array(0))));
    s.send(encodeMessage({ type: 0x20, flags: NLM_F_REQUEST, seq: 77, pid: 999 }));
    const [m] = drainMessages(s);
    expect(m!.header).toMatchObject({ seq: 77, pid: 0x1234, type: 0x21 });
  });

  it('drops an ACK into a full socket and overruns it (item 77)', () => {
    const { s } = setup();
    s.setsockopt(1, 8, 0); // SO_RCVBUF 2304: two 832-byte ACKs fit, the third does not
    for (let i = 0; i < 3; i++) s.send(req(0x12, NLM_F_REQUEST | NLM_F_ACK, i));
    expect(() => s.recvmsg()).toThrow(expect.objectContaining({ code: 'ENOBUFS' }));
    expect(drain(s).length).toBe(2);
  });
});
