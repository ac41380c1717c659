/**
 * The bridge protocol's two spellings agree: the numbers and layout the C compiler sees in
 * native/preload/nlsim-bridge.h are those of runner/bridge-protocol.ts, and
 * FrameReader cuts any chunking of a stream into the frames that were written.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BRIDGE_MAX_FRAME,
  BRIDGE_OP,
  BRIDGE_RECORD_ENV,
  BRIDGE_SOCKET_ENV,
  BRIDGE_UEVENT_UDEV,
  BRIDGE_TOKEN,
  BRIDGE_TOKEN_ERROR,
  decodeDevIoctlBody,
  decodeRecordBody,
  DEV_IOCTL_BODY_LEN,
  DEV_IOCTL_NULL_BUF,
  DEV_IOCTL_VERSION,
  DEV_LIST,
  encodeDevIoctlBody,
  IFREQ_LEN,
  decodeReply,
  decodeRequest,
  encodeRecordBody,
  encodeReply,
  encodeRequest,
  FrameReader,
  RECORD_BODY_LEN,
  RECORD_DIRECTION,
  RECV_REPLY_LEN,
  RECV_REQUEST_LEN,
  REPLY_HEADER_LEN,
  REQUEST_HEADER_LEN,
} from '../../runner/bridge-protocol.js';
import { HOST_LE } from '../../sim/wire/header.js';

const here = path.dirname(fileURLToPath(import.meta.url));

type Layout = Record<string, [number, number]> & {
  sizes: number[];
  ops: number[];
  record: [number, number, number, string];
  constants: [number, number, string, number];
  dev_ioctl: [number, number, number, number, number];
};

describe('bridge protocol layout', () => {
  let c: Layout;
  beforeAll(() => {
    const exe = path.join(mkdtempSync(path.join(tmpdir(), 'nlsim-layout-')), 'layout');
    const cc = spawnSync(process.env.CC || 'cc', ['-Wall', '-Wextra', '-Werror', '-o', exe, path.join(here, 'bridge-layout.c')], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`compiling bridge-layout.c failed: ${cc.stderr || cc.error?.message}`);
    c = JSON.parse(spawnSync(exe, { encoding: 'utf8' }).stdout) as Layout;
  });

  it('has the same operations, sizes and constants', () => {
    expect(c.ops).toEqual(Object.values(BRIDGE_OP));
    expect(c.sizes).toEqual([REQUEST_HEADER_LEN, REPLY_HEADER_LEN, RECV_REPLY_LEN, 8, RECV_REQUEST_LEN, RECORD_BODY_LEN]);
    expect(c.constants).toEqual([BRIDGE_TOKEN, BRIDGE_MAX_FRAME, BRIDGE_SOCKET_ENV, BRIDGE_TOKEN_ERROR]);
    expect(c.record).toEqual([BRIDGE_UEVENT_UDEV, RECORD_DIRECTION.SENT, RECORD_DIRECTION.RECEIVED, BRIDGE_RECORD_ENV]);
  });

  it('puts every record field where struct bridge_record_body has it', () => {
    const record = { seconds: 1_700_000_000, nanoseconds: 999_999_999, protocol: 16, direction: RECORD_DIRECTION.RECEIVED, length: 40, data: new Uint8Array([1, 2, 3]) };
    const body = encodeRecordBody(record);
    const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const at = (field: string) => c[`bridge_record_body.${field}`]![0];
    expect(v.getBigInt64(at('tv_sec'), HOST_LE)).toBe(1_700_000_000n);
    expect(v.getUint32(at('tv_nsec'), HOST_LE)).toBe(999_999_999);
    expect(v.getUint32(at('protocol'), HOST_LE)).toBe(16);
    expect(v.getUint32(at('direction'), HOST_LE)).toBe(1);
    expect(v.getUint32(at('length'), HOST_LE)).toBe(40);
    expect(decodeRecordBody(body)).toEqual(record);
    // A length below the bytes carried, or a short body, is not a record.
    expect(decodeRecordBody(encodeRecordBody({ ...record, length: 2 }))).toBeUndefined();
    expect(decodeRecordBody(body.subarray(0, 20))).toBeUndefined();
  });

  it('puts every device ioctl field where struct bridge_dev_ioctl_body has it', () => {
    expect(c.dev_ioctl).toEqual([DEV_IOCTL_VERSION, DEV_IOCTL_NULL_BUF, DEV_LIST, IFREQ_LEN, DEV_IOCTL_BODY_LEN]);
    const ifr = Uint8Array.from({ length: IFREQ_LEN }, (_, i) => i + 1);
    const request = { version: DEV_IOCTL_VERSION, cmd: 0x8912, family: 16, flags: DEV_IOCTL_NULL_BUF, ifcLen: -3, ifr };
    const body = encodeDevIoctlBody(request);
    const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const at = (field: string) => c[`bridge_dev_ioctl_body.${field}`]![0];
    expect(v.getUint32(at('version'), HOST_LE)).toBe(1);
    expect(v.getUint32(at('cmd'), HOST_LE)).toBe(0x8912);
    expect(v.getInt32(at('family'), HOST_LE)).toBe(16);
    expect(v.getUint32(at('flags'), HOST_LE)).toBe(1);
    expect(v.getInt32(at('ifc_len'), HOST_LE)).toBe(-3);
    expect(body.subarray(at('ifr'), at('ifr') + c['bridge_dev_ioctl_body.ifr']![1])).toEqual(ifr);
    expect(decodeDevIoctlBody(body)).toEqual(request);
    expect(decodeDevIoctlBody(body.subarray(0, DEV_IOCTL_BODY_LEN - 1))).toBeUndefined();
  });

  it('puts every request field where struct bridge_request has it', () => {
    const frame = encodeRequest({ op: BRIDGE_OP.RECVMSG, key: 0x0102030405060708n, pid: -2, flags: 0x40, body: new Uint8Array([0xaa]) });
    const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const at = (field: string) => c[`bridge_request.${field}`]![0];
    expect(v.getUint32(at('len'), HOST_LE)).toBe(25);
    expect(v.getUint32(at('op'), HOST_LE)).toBe(7);
    expect(v.getBigUint64(at('key'), HOST_LE)).toBe(0x0102030405060708n);
    expect(v.getInt32(at('pid'), HOST_LE)).toBe(-2);
    expect(v.getUint32(at('flags'), HOST_LE)).toBe(0x40);
    if (HOST_LE) {
      // The same frame as bytes, field by field, on little-endian machines.
      expect(Buffer.from(frame).toString('hex')).toBe(
        '19000000' + // len 25
          '07000000' + // op RECVMSG
          '0807060504030201' + // key
          'feffffff' + // pid -2
          '40000000' + // flags MSG_DONTWAIT
          'aa', // body
      );
    }
    expect(decodeRequest(frame)).toEqual({ op: 7, key: 0x0102030405060708n, pid: -2, flags: 0x40, body: new Uint8Array([0xaa]) });
  });

  it('puts every reply field where struct bridge_reply has it', () => {
    const frame = encodeReply({ result: -71, drain: 1, body: new Uint8Array([1, 2]) });
    const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    expect(v.getUint32(c['bridge_reply.len']![0], HOST_LE)).toBe(REPLY_HEADER_LEN + 2);
    expect(v.getInt32(c['bridge_reply.result']![0], HOST_LE)).toBe(-71);
    expect(v.getUint32(c['bridge_reply.drain']![0], HOST_LE)).toBe(1);
    expect(decodeReply(frame)).toEqual({ result: -71, drain: 1, body: new Uint8Array([1, 2]) });
  });
});

describe('FrameReader', () => {
  const frameArb = fc
    .record({ op: fc.integer({ min: 0, max: 20 }), key: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), pid: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), flags: fc.nat(), body: fc.uint8Array({ maxLength: 64 }) })
    .map((r) => encodeRequest(r));

  it('returns the frames written, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }), (frames, cuts) => {
        const stream = Buffer.concat(frames);
        const reader = new FrameReader(REQUEST_HEADER_LEN);
        const out: Uint8Array[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          const got = reader.push(stream.subarray(at, at + n));
          expect(got).not.toBe('invalid');
          out.push(...(got as Uint8Array[]));
          at += n;
        }
        expect(out.map((f) => Buffer.from(f).toString('hex'))).toEqual(frames.map((f) => Buffer.from(f).toString('hex')));
      }),
    );
  });

  it.each([
    ['shorter than a header', 8],
    ['zero', 0],
    ['above BRIDGE_MAX_FRAME', BRIDGE_MAX_FRAME + 1],
  ])('refuses a length %s', (_name, len) => {
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, len, HOST_LE);
    expect(new FrameReader(REQUEST_HEADER_LEN).push(head)).toBe('invalid');
  });
});
