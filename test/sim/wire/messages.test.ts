import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MessageWriter,
  concatMessages,
  decodeMessages,
  walkMessages,
  type WalkResult,
} from '../../../sim/wire/messages.js';
import { HOST_LE, encodeMessage, readHeader } from '../../../sim/wire/header.js';
import { NlsimError } from '../../../sim/errors.js';
import { hex, toHex } from './hex.js';
import { concat } from '../../../sim/wire/concat.js';

const req = (seq: number, payload: Uint8Array = new Uint8Array(0), len?: number): Uint8Array =>
  encodeMessage({ type: 0x12, flags: 0x5, seq, pid: 0, ...(len === undefined ? {} : { len }) }, payload);

/** join concatenates without padding, unlike concatMessages. */
const join = concat;

describe('walkMessages', () => {
  it.each<[string, Uint8Array, number[], WalkResult]>([
    ['empty datagram', new Uint8Array(0), [], { stoppedAt: 0, reason: 'end' }],
    ['one header-only message', req(1), [0], { stoppedAt: 16, reason: 'end' }],
    ['two messages', concatMessages(req(1), req(2)), [0, 16], { stoppedAt: 32, reason: 'end' }],
    // item 63: nlmsg_len 17 → next message at 20
    ['nlmsg_len 17 then another', concatMessages(req(1, hex('61')), req(2)), [0, 20], { stoppedAt: 36, reason: 'end' }],
    // an unpadded last message: the step is capped at what remains
    ['unpadded last message', req(1, hex('616263')), [0], { stoppedAt: 19, reason: 'end' }],
    // item 58: a trailing fragment < 16 bytes is ignored
    ['15 trailing bytes', join(req(1), new Uint8Array(15)), [0], { stoppedAt: 16, reason: 'trailing-bytes' }],
    // item 59: [ACK req][nlmsg_len=8][ACK req] → only the first is processed
    ['nlmsg_len 8 stops the walk', concatMessages(req(1), req(2, new Uint8Array(0), 8), req(3)), [0], { stoppedAt: 16, reason: 'bad-length' }],
    ['nlmsg_len beyond the datagram', concatMessages(req(1), req(2, new Uint8Array(0), 33)), [0], { stoppedAt: 16, reason: 'bad-length' }],
    ['nlmsg_len 0', req(1, new Uint8Array(0), 0), [], { stoppedAt: 0, reason: 'bad-length' }],
  ])('%s', (_name, datagram, offsets, want) => {
    const status = {} as WalkResult;
    const msgs = decodeMessages(datagram, status);
    expect(msgs.map((m) => m.offset)).toEqual(offsets);
    expect(status).toEqual(want);
    const gen = walkMessages(datagram);
    let step = gen.next();
    while (!step.done) step = gen.next();
    expect(step.value).toEqual(want);
  });

  it('yields header, payload and whole-message views', () => {
    const d = concatMessages(req(7, hex('616263')), req(8, hex('64656667')));
    const [a, b] = decodeMessages(d);
    expect(a!.header).toEqual({ len: 19, type: 0x12, flags: 5, seq: 7, pid: 0 });
    expect(a!.payload).toEqual(hex('616263'));
    expect(a!.bytes.length).toBe(19);
    expect(b!.payload).toEqual(hex('64656667'));
    expect(b!.payload.buffer).toBe(d.buffer); // a view, not a copy
  });

  it('never throws on arbitrary bytes and stays inside the datagram (property)', () => {
    // Datagrams of plausible headers with random lengths, plus raw noise.
    const header = fc.record({ len: fc.integer({ min: 0, max: 64 }), body: fc.uint8Array({ maxLength: 40 }) }).map(({ len, body }) => {
      const m = new Uint8Array(16 + body.length);
      m.set(body, 16);
      new DataView(m.buffer).setUint32(0, len, HOST_LE);
      return m;
    });
    const datagram = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.array(header, { maxLength: 6 }).map((ms) => concatMessages(...ms)));
    fc.assert(
      fc.property(datagram, (d) => {
        const status = {} as WalkResult;
        let prevEnd = 0;
        for (const m of walkMessages(d, status)) {
          expect(m.offset).toBeGreaterThanOrEqual(prevEnd);
          expect(m.offset % 4).toBe(0);
          expect(m.offset + m.header.len).toBeLessThanOrEqual(d.length);
          expect(m.header.len).toBeGreaterThanOrEqual(16);
          prevEnd = m.offset + m.header.len;
        }
        expect(status.stoppedAt).toBeLessThanOrEqual(d.length);
        if (status.reason === 'trailing-bytes') expect(d.length - status.stoppedAt).toBeLessThan(16);
        if (status.reason === 'end') expect(status.stoppedAt).toBe(d.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('concatMessages', () => {
  it('pads each message to 4 bytes', () => {
    const d = concatMessages(hex('01'), hex('02030405'), hex('0607'));
    expect(toHex(d)).toBe('01000000 02030405 06070000');
  });
});

describe('MessageWriter', () => {
  it.runIf(HOST_LE)('writes a genetlink request with a back-patched nlmsg_len', () => {
    const w = new MessageWriter();
    w.begin({ type: 0x10, flags: 0x5, seq: 1, pid: 0 });
    w.write(hex('03010000')); // genlmsghdr {cmd GETFAMILY, version 1}
    w.attrs.string(2, 'nlctrl');
    const len = w.end();
    expect(len).toBe(32);
    expect(toHex(w.finish())).toBe(
      toHex(
        hex(`
          20000000 1000 0500 01000000 00000000 # nlmsg_len 32, type 0x10, flags REQUEST|ACK, seq 1, pid 0
          03010000                             # genlmsghdr
          0b00 0200 6e6c6374726c 00 00          # CTRL_ATTR_FAMILY_NAME "nlctrl"
        `),
      ),
    );
  });

  it('packs several messages, each aligned, nlmsg_len including padding (nlmsg_end)', () => {
    const w = new MessageWriter({ initialSize: 0 });
    w.message({ type: 20, flags: 0, seq: 1, pid: 9 }, () => w.write(hex('61')));
    w.message({ type: 21, flags: 2, seq: 2, pid: 9 }, (a) => a.u8(1, 1));
    w.message({ type: 3, flags: 2, seq: 3, pid: 9 });
    const d = w.finish();
    expect(w.encodingLength).toBe(d.length);
    const msgs = decodeMessages(d);
    expect(msgs.map((m) => [m.offset, m.header.len, m.header.type])).toEqual([
      [0, 20, 20],
      [20, 24, 21],
      [44, 16, 3],
    ]);
  });

  it('encodingLength equals the bytes written for random messages (property)', () => {
    const msg = fc.record({
      type: fc.integer({ min: 0, max: 0xffff }),
      flags: fc.integer({ min: 0, max: 0xffff }),
      seq: fc.nat(),
      pid: fc.nat(),
      fixed: fc.uint8Array({ maxLength: 13 }),
      attrs: fc.array(fc.uint8Array({ maxLength: 13 }), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(msg, { maxLength: 5 }), fc.nat(40), (msgs, initialSize) => {
        const w = new MessageWriter({ initialSize });
        for (const m of msgs) {
          w.message(m, (a) => {
            w.write(m.fixed);
            m.attrs.forEach((b, i) => a.bytes(i, b));
          });
        }
        const d = w.finish();
        expect(d.length).toBe(w.encodingLength);
        const got = decodeMessages(d);
        expect(got.length).toBe(msgs.length);
        got.forEach((g, i) => {
          const m = msgs[i]!;
          expect(g.header).toEqual({ ...readHeader(d, g.offset), type: m.type, flags: m.flags, seq: m.seq, pid: m.pid });
          expect(g.payload.subarray(0, m.fixed.length)).toEqual(m.fixed);
        });
      }),
    );
  });

  it('cancel drops the open message only', () => {
    const w = new MessageWriter();
    w.message({ type: 20, flags: 0, seq: 1, pid: 0 });
    w.begin({ type: 21, flags: 0, seq: 2, pid: 0 });
    w.attrs.beginNest(1);
    w.attrs.u32(2, 2);
    w.cancel();
    expect(w.encodingLength).toBe(16);
    w.message({ type: 22, flags: 0, seq: 3, pid: 0 });
    expect(decodeMessages(w.finish()).map((m) => m.header.type)).toEqual([20, 22]);
  });

  it('a throwing message callback leaves no partial message', () => {
    const w = new MessageWriter();
    expect(() => w.message({ type: 20, flags: 0, seq: 1, pid: 0 }, () => { throw new Error('boom'); })).toThrow('boom');
    expect(w.encodingLength).toBe(0);
    expect(w.finish().length).toBe(0);
  });

  it.each<[string, (w: MessageWriter) => void]>([
    ['end without begin', (w) => w.end()],
    ['write without begin', (w) => w.write(hex('00'))],
    ['begin twice', (w) => { w.begin({ type: 1, flags: 0, seq: 0, pid: 0 }); w.begin({ type: 1, flags: 0, seq: 0, pid: 0 }); }],
    ['finish with an open message', (w) => { w.begin({ type: 1, flags: 0, seq: 0, pid: 0 }); w.finish(); }],
    ['end with an open nest', (w) => { w.begin({ type: 1, flags: 0, seq: 0, pid: 0 }); w.attrs.beginNest(1); w.end(); }],
  ])('%s throws NlsimError', (_name, fn) => {
    expect(() => fn(new MessageWriter())).toThrow(NlsimError);
  });

  it('reset and reuse give the same bytes', () => {
    const w = new MessageWriter();
    const build = () => w.message({ type: 16, flags: 1, seq: 5, pid: 0 }, (a) => a.string(2, 'nl80211'));
    build();
    const first = w.finish();
    w.reset();
    build();
    expect(w.finishShared()).toEqual(first);
  });
});
