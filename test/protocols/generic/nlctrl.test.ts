import { describe, expect, it } from 'vitest';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR } from '../../../sim/uapi/netlink.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import { decodeDone, decodeError } from '../../../sim/wire/nlmsgerr.js';
import { describeBackends } from '../../helpers/backends.js';
import { attr, exchange, genlSockets, hex, request, str, u16, u32, unhex } from './genl.js';

/** The payload of nlctrl's 136-byte GETFAMILY reply (KERNEL-SEMANTICS item 171; 16 + 120 bytes). */
const NLCTRL_REPLY = unhex(`
  01020000                                   # cmd NEWFAMILY, version 2
  0b000200 6e6c6374726c0000                  # FAMILY_NAME "nlctrl"
  06000100 10000000                          # FAMILY_ID 0x10
  08000300 02000000                          # VERSION 2
  08000400 00000000                          # HDRSIZE 0
  08000500 00000000                          # MAXATTR 0
  2c000600 14000100 08000100 03000000 08000200 0e000000   # OPS {1: GETFAMILY 0x0e
           14000200 08000100 0a000000 08000200 0c000000   #      2: GETPOLICY 0x0c}
  1c000700 18000100 08000200 10000000 0b000100 6e6f7469667900 00  # MCAST_GROUPS {1: 16 "notify"}
`);

const GETFAMILY = 3;
const GETPOLICY = 10;
const REQ_ACK = NLM_F_REQUEST | NLM_F_ACK;

describeBackends('nlctrl CTRL_CMD_GETFAMILY', (b) => {
  const g = genlSockets(b);

  it.each([
    ['by name', [attr(2, str('nlctrl'))]],
    ['by id', [attr(1, u16(0x10))]],
    ['by a bad id and a good name (the name wins)', [attr(1, u16(0x3ff)), attr(2, str('nlctrl'))]],
    ['by a good name before a bad id', [attr(2, str('nlctrl')), attr(1, u16(0x3ff))]],
    ['by name with bytes after the NUL', [attr(2, str('nlctrl\0garbage'))]],
    ['by an id in a 4-byte payload (liberal)', [attr(1, u32(0x10))]],
  ])('answers %s with the exact nlctrl reply', (_name, body) => {
    const s = g.open();
    const [[reply], ...rest] = exchange(s, request({ cmd: GETFAMILY, body, seq: 42 }));
    expect(rest).toEqual([]);
    expect(reply!.header).toEqual({ len: 136, type: 0x10, flags: 0, seq: 42, pid: s.getsockname().pid });
    expect(hex(reply!.payload)).toBe(hex(NLCTRL_REPLY));
  });

  it('puts the data reply before the ACK', () => {
    const s = g.open();
    const got = exchange(s, request({ cmd: GETFAMILY, flags: REQ_ACK, body: [attr(2, str('nlctrl'))] }));
    expect(got.map((d) => d.map((m) => m.header.type))).toEqual([[0x10], [NLMSG_ERROR]]);
    expect(got[1]![0]!.header.flags).toBe(0x100);
  });

  it.each([
    ['an unknown id', [attr(1, u16(0x3ff))], 'ENOENT', -2],
    ['an unknown name', [attr(2, str('no-such-family'))], 'ENOENT', -2],
    ['a good id and an unknown name', [attr(1, u16(0x10)), attr(2, str('nope'))], 'ENOENT', -2],
    ['neither attribute', [], 'EINVAL', -22],
    ['only attributes beyond maxattr (ignored)', [attr(7, u32(1))], 'EINVAL', -22],
  ])('refuses %s', (_n, body, _code, errno) => {
    const s = g.open();
    const req = request({ cmd: GETFAMILY, body });
    const [[m]] = exchange(s, req);
    expect(m!.header.type).toBe(NLMSG_ERROR);
    const e = decodeError(m!.payload, m!.header.flags);
    expect(e.error).toBe(errno);
    expect(e.extack).toEqual({});
    expect(hex(e.requestPayload!)).toBe(hex(req.subarray(16)));
  });

  it('reports a 1-byte FAMILY_ID as ERANGE with OFFS and the U16 policy', () => {
    const s = g.open();
    const [[m]] = exchange(s, request({ cmd: GETFAMILY, body: [attr(1, [0x10])] }));
    expect(m!.header.flags).toBe(0x200);
    const e = decodeError(m!.payload, m!.header.flags);
    expect(e.error).toBe(-34);
    expect(e.extack.message).toBe('Attribute failed policy validation');
    expect(e.extack.offset).toBe(20);
    expect(hex(e.extack.policy!)).toBe(hex(unhex('0c000400 0000000000000000 | 0c000500 ffff000000000000 | 08000100 03000000')));
  });

  it('reports "nlctrl" without a NUL as EINVAL with the NUL_STRING policy', () => {
    const s = g.open();
    const [[m]] = exchange(s, request({ cmd: GETFAMILY, body: [attr(2, str('nlctrl', false))] }));
    const e = decodeError(m!.payload, m!.header.flags);
    expect(e.error).toBe(-22);
    expect(e.extack.message).toBe('Attribute failed policy validation');
    expect(e.extack.offset).toBe(20);
    expect(hex(e.extack.policy!)).toBe(hex(unhex('08000700 0f000000 | 08000100 0c000000')));
  });

  it.each([
    ['a 16-character name plus NUL', str('abcdefghijklmnop'), -22],
    ['an empty payload', [], -22],
    ['"abc\\0" and 20 more bytes', [...str('abc'), ...new Array(20).fill(0x41)], -34],
  ])('refuses FAMILY_NAME as %s', (_n, payload, errno) => {
    const s = g.open();
    const [[m]] = exchange(s, request({ cmd: GETFAMILY, body: [attr(2, payload)] }));
    expect(decodeError(m!.payload, m!.header.flags).error).toBe(errno);
  });

  it('warns about leftover bytes in a success ACK (flags 0x300) and still replies', () => {
    const s = g.open();
    const req = request({ cmd: GETFAMILY, flags: REQ_ACK, body: [attr(2, str('nlctrl')), Uint8Array.of(1, 2)] });
    const got = exchange(s, req);
    expect(got.map((d) => d[0]!.header.type)).toEqual([0x10, NLMSG_ERROR]);
    const ack = got[1]![0]!;
    expect(ack.header.flags).toBe(0x300);
    expect(ack.header.len).toBe(80);
    expect(decodeError(ack.payload, ack.header.flags)).toMatchObject({ error: 0, extack: { message: 'bytes leftover after parsing attributes' } });
  });

  it('keeps the leftover warning in a later ENOENT', () => {
    const s = g.open();
    const [[m]] = exchange(s, request({ cmd: GETFAMILY, body: [attr(1, u16(0x3ff)), Uint8Array.of(1, 2)] }));
    const e = decodeError(m!.payload, m!.header.flags);
    expect(e.error).toBe(-2);
    expect(e.extack).toEqual({ message: 'bytes leftover after parsing attributes' });
  });
});

describeBackends('NETLINK_GENERIC dispatch', (b) => {
  const g = genlSockets(b);
  const errorOf = (req: Uint8Array, extAck = true) => {
    const s = g.open(extAck);
    const got = exchange(s, req);
    expect(got.length).toBe(1);
    const m = got[0]![0]!;
    expect(m.header.type).toBe(NLMSG_ERROR);
    return { header: m.header, ...decodeError(m.payload, m.header.flags) };
  };

  it('refuses an unknown family id (0x3FF) with ENOENT and echoes the request', () => {
    const req = request({ type: 0x3ff, cmd: 1, body: [attr(1, u32(5))] });
    const e = errorOf(req);
    expect(e.error).toBe(-2);
    expect(e.header.len).toBe(36 + req.length - 16);
    expect(hex(e.requestPayload!)).toBe(hex(req.subarray(16)));
  });

  it.each([
    ['no genlmsghdr', new Uint8Array(0)],
    ['a 2-byte genlmsghdr', Uint8Array.of(3, 1)],
  ])('refuses %s with EINVAL', (_n, payload) => {
    const e = errorOf(request({ cmd: 0, payload }));
    expect(e.error).toBe(-22);
    expect(e.extack).toEqual({});
  });

  it.each([
    ['cmd 99', 99, 1],
    ['NEWFAMILY (notification only)', 1, 1],
    ['GETPOLICY without NLM_F_DUMP', GETPOLICY, 1],
    ['GETFAMILY with NLM_F_ROOT alone (a doit), then a missing attribute', GETFAMILY, 0x101],
  ])('answers %s', (name, cmd, flags) => {
    const e = errorOf(request({ cmd, flags }));
    expect(e.error).toBe(name.startsWith('GETFAMILY') ? -22 : -95);
  });

  it('ignores reserved and version of nlctrl commands below resv_start_op (11)', () => {
    const s = g.open();
    const [[m]] = exchange(s, request({ cmd: GETFAMILY, version: 77, reserved: 0xffff, flags: 0x701, body: [attr(1, u16(0x10))] }));
    expect(m!.header.type).toBe(0x10);
  });

  it.each([
    ['reserved != 0', { reserved: 1 }, 'genlmsghdr.reserved field is not 0'],
    ['NLM_F_ROOT alone', { flags: 0x101 }, 'ambiguous or reserved bits set in nlmsg_flags'],
    ['NLM_F_CREATE', { flags: 0x401 }, 'ambiguous or reserved bits set in nlmsg_flags'],
    ['NLM_F_DUMP with NLM_F_ATOMIC', { flags: 0x701 }, 'ambiguous or reserved bits set in nlmsg_flags'],
  ])('checks the header of commands from resv_start_op on: %s', (_n, over, message) => {
    const e = errorOf(request({ cmd: 99, ...over }));
    expect(e.error).toBe(-22);
    expect(e.extack).toEqual({ message });
  });

  it('lets a complete NLM_F_DUMP plus ACK/ECHO through the header check (then EOPNOTSUPP)', () => {
    expect(errorOf(request({ cmd: 99, flags: 0x30d })).error).toBe(-95);
  });

  it('accepts joining nlctrl\'s group 16 and group ids no family owns', () => {
    const s = g.open();
    s.setsockopt(270, 1, 16);
    s.setsockopt(270, 1, 30);
    s.setsockopt(270, 1, 2);
  });
});

describeBackends('nlctrl dumps', (b) => {
  const g = genlSockets(b);

  it('dumps families in id order, nlctrl first, every message a NEWFAMILY with NLM_F_MULTI, then DONE', () => {
    const s = g.open();
    const datagrams = exchange(s, request({ cmd: GETFAMILY, flags: NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK, seq: 9 }));
    const msgs = datagrams.flat();
    const done = msgs.pop()!;
    expect(done.header).toMatchObject({ type: NLMSG_DONE, flags: 2, seq: 9, len: 20 });
    expect(decodeDone(done.payload, done.header.flags).error).toBe(0);
    expect(msgs[0]!.header).toEqual({ len: 136, type: 0x10, flags: 2, seq: 9, pid: s.getsockname().pid });
    expect(hex(msgs[0]!.payload)).toBe(hex(NLCTRL_REPLY));
    const ids = msgs.map((m) => {
      expect(m.header.type).toBe(0x10);
      expect(m.header.flags).toBe(2);
      expect(m.payload[0]).toBe(1);
      const id = attrsToArray(m.payload, 4).find((a) => a.type === 1)!.payload;
      return id[0]! | (id[1]! << 8);
    });
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // Everything fits one chunk after a large recv, so DONE shares the datagram (item 172).
    const again = exchange(s, request({ cmd: GETFAMILY, flags: NLM_F_REQUEST | NLM_F_DUMP }));
    expect(again.length).toBe(1);
  });

  it('validates dump attributes strictly', () => {
    const s = g.open();
    const [[m]] = exchange(s, request({ cmd: GETFAMILY, flags: NLM_F_REQUEST | NLM_F_DUMP, body: [attr(1, u16(0x10)), attr(5, u32(1))] }));
    const e = decodeError(m!.payload, m!.header.flags);
    expect(e.error).toBe(-22);
    expect(e.extack).toEqual({ message: 'Unknown attribute type', offset: 28 });
    const [[m2]] = exchange(s, request({ cmd: GETFAMILY, flags: NLM_F_REQUEST | NLM_F_DUMP, body: [attr(1, u16(0x10)), Uint8Array.of(0, 0)] }));
    expect(decodeError(m2!.payload, m2!.header.flags).extack).toEqual({ message: 'bytes leftover after parsing attributes' });
  });

  it('dumps nlctrl\'s policies byte for byte', () => {
    const s = g.open();
    const got = exchange(s, request({ cmd: GETPOLICY, flags: NLM_F_REQUEST | NLM_F_DUMP, body: [attr(1, u16(0x10))], seq: 1 }));
    expect(got.map((d) => d.length)).toEqual([7, 1]);
    const pid = s.getsockname().pid;
    const p = (h: string) => `0a020000 06000100 10000000 ${h}`.replace(/\s/g, '');
    const expected = [
      p('18000980 14000380 08000100 00000000 08000200 00000000'), // GETFAMILY: DO 0, DUMP 0
      p('10000980 0c000080 08000200 01000000'), // GETPOLICY: nest 0 (no do op), DUMP 1
      p('2c000880 28000080 24000180 0c000400 0000000000000000 0c000500 ffff000000000000 08000100 03000000'),
      p('1c000880 18000080 14000280 08000700 0f000000 08000100 0c000000'),
      p('2c000880 28000180 24000180 0c000400 0000000000000000 0c000500 ffff000000000000 08000100 03000000'),
      p('1c000880 18000180 14000280 08000700 0f000000 08000100 0c000000'),
      p('2c000880 28000180 24000a80 0c000400 0000000000000000 0c000500 ffffffff00000000 08000100 04000000'),
    ];
    expect(got[0]!.map((m) => hex(m.payload))).toEqual(expected);
    for (const m of got[0]!) expect(m.header).toMatchObject({ type: 0x10, flags: 2, seq: 1, pid });
    expect(got[1]![0]!.header).toMatchObject({ type: NLMSG_DONE, len: 20 });
  });

  it('dumps one op\'s policy with CTRL_ATTR_OP', () => {
    const s = g.open();
    const got = exchange(s, request({ cmd: GETPOLICY, flags: NLM_F_REQUEST | NLM_F_DUMP, body: [attr(2, str('nlctrl')), attr(10, u32(GETPOLICY))] }));
    const msgs = got.flat().map((m) => hex(m.payload).slice(24));
    expect(msgs[0]).toBe('10000980' + '0c000080' + '0800020000000000');
    expect(msgs.length).toBe(1 + 3 + 1);
  });

  it.each([
    ['no family', [], -22, {}],
    ['an unknown family id', [attr(1, u16(0x3ff))], -2, {}],
    ['an unknown family name', [attr(2, str('nope'))], -2, {}],
    ['an unknown op', [attr(1, u16(0x10)), attr(10, u32(99))], -2, { offset: 28 }],
    ['attribute 3 (an unset policy slot)', [attr(1, u16(0x10)), attr(3, u32(0))], -22, { message: 'Unsupported attribute', offset: 28 }],
  ])('refuses GETPOLICY with %s', (_n, body, errno, extack) => {
    const s = g.open();
    const [[m]] = exchange(s, request({ cmd: GETPOLICY, flags: NLM_F_REQUEST | NLM_F_DUMP, body }));
    expect(m!.header.type).toBe(NLMSG_ERROR);
    const e = decodeError(m!.payload, m!.header.flags);
    expect(e.error).toBe(errno);
    expect(e.extack).toEqual(extack);
  });

  it('refuses a second dump on the same socket with EBUSY while the first is pending', () => {
    const s = g.open();
    const dump = request({ cmd: GETPOLICY, flags: NLM_F_REQUEST | NLM_F_DUMP, body: [attr(1, u16(0x10))] });
    s.send(dump);
    s.send(request({ cmd: GETFAMILY, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 8 }));
    const first = s.recvmsg().data;
    expect(first.length).toBeGreaterThan(300);
    const busy = s.recvmsg().data;
    const e = decodeError(busy.subarray(16), new DataView(busy.buffer, busy.byteOffset).getUint16(6, true));
    expect(e.error).toBe(-16);
    expect(e.request.seq).toBe(8);
    const done = s.recvmsg().data;
    expect(done.length).toBe(20);
  });
});

describe('nlctrl reply constant', () => {
  it('is 120 bytes after the header', () => expect(NLCTRL_REPLY.length).toBe(120));
});
