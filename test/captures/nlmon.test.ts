/**
 * The cooked header in front of each datagram, for the three netlink link types.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, NlsimError } from '../../sim/errors.js';
import { decodeLinkHeader, encodeLinkHeader, frameToRecord, linkTypeName } from '../../captures/nlmon.js';
import type { LinkHeader } from '../../captures/nlmon.js';
import { hex, toHex } from './helpers.js';

const where = { file: 'f.pcap', record: 5, offset: 1234 };

const cases: { name: string; linkType: number; bytes: string; header: LinkHeader }[] = [
  {
    name: 'LINKTYPE_NETLINK, NETLINK_GENERIC',
    linkType: 253,
    bytes: `0004         # packet type PACKET_OUTGOING
            0338         # ARPHRD_NETLINK (824)
            0000         # address length 0
            0000000000000000 # address
            0010         # protocol NETLINK_GENERIC`,
    header: { packetType: 4, protocol: 16 },
  },
  {
    name: 'LINKTYPE_LINUX_SLL, NETLINK_NETFILTER, PACKET_HOST',
    linkType: 113,
    bytes: `0000 0338 0000 0000000000000000 000c`,
    header: { packetType: 0, protocol: 12 },
  },
  {
    name: 'LINKTYPE_LINUX_SLL2 with ifindex',
    linkType: 276,
    bytes: `0000         # protocol NETLINK_ROUTE
            0000         # reserved
            0000002a     # ifindex 42
            0338         # ARPHRD_NETLINK
            04           # packet type
            00           # address length
            0000000000000000 # address`,
    header: { packetType: 4, protocol: 0, ifindex: 42 },
  },
  {
    name: 'LINKTYPE_NETLINK with unusual constant fields, kept for re-writing',
    linkType: 253,
    bytes: `0004 0001 0006 0102030405060000 0000`,
    header: { packetType: 4, protocol: 0, link: { hatype: 1, addressLength: 6, address: hex('0102030405060000'), reserved: 0 } },
  },
  {
    name: 'LINKTYPE_LINUX_SLL2 with a non-zero reserved field',
    linkType: 276,
    bytes: `0000 ffff 00000001 0338 04 00 0000000000000000`,
    header: { packetType: 4, protocol: 0, ifindex: 1, link: { hatype: 824, addressLength: 0, address: new Uint8Array(8), reserved: 0xffff } },
  },
];

describe('cooked header', () => {
  it.each(cases)('$name decodes and encodes', ({ linkType, bytes, header }) => {
    const frame = hex(bytes);
    expect(decodeLinkHeader(linkType, frame, where)).toEqual(header);
    const out = new Uint8Array(frame.length + 4).fill(0xee);
    expect(encodeLinkHeader(linkType, header, out, 2)).toBe(frame.length);
    expect(toHex(out.subarray(2, 2 + frame.length))).toBe(toHex(frame));
    expect(out[1]).toBe(0xee);
    expect(out[2 + frame.length]).toBe(0xee);
  });

  it('the same record re-encodes in another netlink link type', () => {
    const h = decodeLinkHeader(253, hex('0004 0338 0000 0000000000000000 0010'), where);
    const out = new Uint8Array(20);
    encodeLinkHeader(276, { ...h, ifindex: 3 }, out);
    expect(toHex(out)).toBe(toHex(hex('0010 0000 00000003 0338 04 00 0000000000000000')));
  });

  it.each([
    [1, 'f.pcap: record 5: link type 1 (ETHERNET) is not netlink at byte offset 1234'],
    [127, 'f.pcap: record 5: link type 127 (IEEE802_11_RADIOTAP) is not netlink at byte offset 1234'],
    [147, 'f.pcap: record 5: link type 147 is not netlink at byte offset 1234'],
  ])('link type %d is refused', (linkType, message) => {
    expect(() => decodeLinkHeader(linkType, new Uint8Array(64), where)).toThrow(DecodeError);
    expect(() => decodeLinkHeader(linkType, new Uint8Array(64), where)).toThrow(message);
  });

  it('an SLL header for another hardware type is not netlink', () => {
    expect(() => decodeLinkHeader(113, hex('0000 0001 0006 0102030405060000 0800'), where)).toThrow(
      'f.pcap: record 5: link type 113 (LINUX_SLL) header has ARPHRD 1, not ARPHRD_NETLINK (824): not a netlink packet at byte offset 1234',
    );
  });

  it.each([
    [253, 15],
    [276, 19],
  ])('a %d frame of %d bytes is too short', (linkType, n) => {
    expect(() => decodeLinkHeader(linkType, new Uint8Array(n), where)).toThrow(`record 5: captured length ${n} is shorter than`);
  });

  it('encoding a non-netlink link type is misuse', () => {
    expect(() => encodeLinkHeader(1, { packetType: 4, protocol: 0 }, new Uint8Array(16))).toThrow(NlsimError);
  });

  it('linkTypeName', () => {
    expect(linkTypeName(253)).toBe('253 (NETLINK)');
    expect(linkTypeName(276)).toBe('276 (LINUX_SLL2)');
    expect(linkTypeName(9999)).toBe('9999');
  });

  it('frameToRecord: payload view after the header, original length without it', () => {
    const frame = hex('0004 0338 0000 0000000000000000 0000  14000000 03000200 01000000 00000000 00000000');
    const r = frameToRecord(253, frame, { index: 2, fileOffset: 99, timestamp: { seconds: 1, nanoseconds: 2 }, originalFrameLength: 40 });
    expect(r).toEqual({
      index: 2,
      timestamp: { seconds: 1, nanoseconds: 2 },
      originalLength: 24,
      protocol: 0,
      packetType: 4,
      payload: frame.subarray(16),
      fileOffset: 99,
    });
    expect(r.payload.buffer).toBe(frame.buffer);
  });
});
