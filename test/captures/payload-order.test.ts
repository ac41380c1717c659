/**
 * Payload byte order and direction, on built datagrams (the real captures are covered in
 * shared-captures.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createCapture } from '../../captures/capture.js';
import { capturePayloadByteOrder, direction, payloadByteOrder, payloadByteOrders, walkMessages } from '../../captures/payload-order.js';
import { concat, nlmsg } from './helpers.js';

const rec = (payload: Uint8Array, originalLength = payload.length) => ({ payload, originalLength });
const pad = (b: Uint8Array) => concat(b, new Uint8Array(((b.length + 3) & ~3) - b.length));

describe('payloadByteOrder', () => {
  it.each([
    ['one LE request', nlmsg('LE', 18, 0x301, [0, 0, 0, 0]), 'LE'],
    ['one BE reply', nlmsg('BE', 16, 0, new Array<number>(16).fill(0)), 'BE'],
    ['LE dump chunk, messages padded', concat(pad(nlmsg('LE', 20, 2, [1, 2, 3])), pad(nlmsg('LE', 20, 2, [1])), nlmsg('LE', 3, 2, [0, 0, 0, 0])), 'LE'],
    ['BE batch whose last message is unpadded', concat(pad(nlmsg('BE', 16, 1, [9])), nlmsg('BE', 16, 1, [7, 7, 7, 7, 7])), 'BE'],
    ['a uevent (text, no nlmsghdr)', new TextEncoder().encode('add@/devices/virtual/net/lo\0ACTION=add\0'), undefined],
    ['15 bytes', new Uint8Array(15), undefined],
    ['a zero length', new Uint8Array(32), undefined],
    ['trailing bytes after the messages', concat(nlmsg('LE', 3, 2, [0, 0, 0, 0]), new Uint8Array(8)), undefined],
  ])('%s → %s', (_name, payload, order) => {
    expect(payloadByteOrder(rec(payload))).toBe(order);
  });

  it('a datagram cut by the snaplen is judged on what was captured', () => {
    const full = concat(nlmsg('BE', 16, 2, new Array<number>(200).fill(1)), nlmsg('BE', 3, 2, [0, 0, 0, 0]));
    expect(walkMessages(full.subarray(0, 100), full.length, 'BE')).toBe('plausible');
    expect(walkMessages(full.subarray(0, 100), full.length, 'LE')).toBe('invalid');
    expect(payloadByteOrder(rec(full.subarray(0, 100), full.length))).toBe('BE');
  });

  it('a short capture can be decided by the original length alone', () => {
    const m = nlmsg('LE', 16, 2, new Array<number>(100).fill(0));
    expect(payloadByteOrder(rec(m.subarray(0, 16), m.length))).toBe('LE');
  });
});

describe('capture-level order', () => {
  it('majority of decidable records; undecidable records take it', () => {
    const uevent = new TextEncoder().encode('change@/x\0');
    const c = createCapture([
      { payload: nlmsg('BE', 16, 0), protocol: 0 },
      { payload: uevent, protocol: 15 },
      { payload: nlmsg('BE', 17, 0), protocol: 0 },
      { payload: nlmsg('LE', 18, 1), protocol: 0 },
    ]);
    expect(capturePayloadByteOrder(c)).toBe('BE');
    expect(payloadByteOrders(c)).toEqual(['BE', 'BE', 'BE', 'LE']);
  });

  it('no decidable record, or a tie: undefined', () => {
    expect(capturePayloadByteOrder(createCapture([{ payload: new Uint8Array(4), protocol: 0 }]))).toBeUndefined();
    const tie = createCapture([
      { payload: nlmsg('BE', 16, 0), protocol: 0 },
      { payload: nlmsg('LE', 16, 0), protocol: 0 },
    ]);
    expect(capturePayloadByteOrder(tie)).toBeUndefined();
    expect(payloadByteOrders(tie)).toEqual(['BE', 'LE']);
  });
});

describe('direction', () => {
  it.each([
    ['request (NLM_F_REQUEST|NLM_F_ACK)', nlmsg('LE', 16, 0x5), 'to-kernel'],
    ['dump request', nlmsg('BE', 18, 0x301), 'to-kernel'],
    ['multipart reply', nlmsg('LE', 16, 0x2), 'from-kernel'],
    ['notification', nlmsg('BE', 16, 0), 'from-kernel'],
    ['NLMSG_ERROR ack (flags NLM_F_CAPPED)', nlmsg('LE', 2, 0x100, [0, 0, 0, 0]), 'from-kernel'],
  ])('%s → %s', (_name, payload, dir) => {
    expect(direction(rec(payload))).toBe(dir);
  });

  it('uses the given order, which matters: the flags sit at bytes 6-7', () => {
    const m = nlmsg('LE', 16, 0x1);
    expect(direction(rec(m), 'LE')).toBe('to-kernel');
    expect(direction(rec(m), 'BE')).toBe('from-kernel');
  });

  it('no nlmsghdr: undefined', () => {
    expect(direction(rec(new TextEncoder().encode('add@/devices/x\0')))).toBeUndefined();
    expect(direction(rec(new Uint8Array(8)), 'LE')).toBeUndefined();
  });
});
