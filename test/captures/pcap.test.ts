/**
 * Classic pcap: microsecond files through pcap-parser, nanosecond files through our own
 * loop, and the writer's defaults (tcpdump on nlmon: µs, LINKTYPE_NETLINK, snaplen 262144).
 */
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { DecodeError, NlsimError } from '../../sim/errors.js';
import { createCapture, decodeCapture, encodeCapture, HOST_BYTE_ORDER } from '../../captures/capture.js';
import { encodePcap, pcapEncodingLength } from '../../captures/pcap-writer.js';
import { coreFields, hex, nlmsg, sharedBytes, toHex } from './helpers.js';

const getLink = nlmsg('LE', 18, 0x301, [0, 0, 0, 0], 7, 0);

describe('pcap writer', () => {
  it('writes tcpdump-on-nlmon pcap: µs, LINKTYPE_NETLINK, snaplen 262144, PACKET_OUTGOING', () => {
    const c = createCapture([{ payload: getLink, protocol: 0, timestamp: { seconds: 0x5f000001, nanoseconds: 123_456_789 } }], {
      fileByteOrder: 'LE',
    });
    expect(toHex(encodePcap(c))).toBe(
      toHex(
        hex(`
          d4c3b2a1 0200 0400   # magic (µs, LE), version 2.4
          00000000 00000000    # thiszone, sigfigs
          00000400 fd000000    # snaplen 262144, link type 253
          0100005f 40e20100    # ts 0x5f000001 s, 123456 µs (sub-µs digits dropped)
          24000000 24000000    # caplen = origlen = 16 + 20
          0004 0338 0000       # packet type 4, ARPHRD 824, address length 0 (big-endian)
          0000000000000000     # address
          0000                 # protocol NETLINK_ROUTE
          14000000 1200 0103 07000000 00000000 00000000 # RTM_GETLINK dump request
        `),
      ),
    );
  });

  it('defaults to the host byte order, and writes big-endian on request', () => {
    const c = createCapture([{ payload: getLink, protocol: 0 }]);
    expect(c.fileByteOrder).toBe(HOST_BYTE_ORDER);
    const be = encodeCapture(c, 'pcap', { byteOrder: 'BE' });
    expect(toHex(be.subarray(0, 24))).toBe('a1b2c3d4 00020004 00000000 00000000 00040000 000000fd');
  });

  it('writes nanosecond pcap with magic a1b23c4d and keeps every nanosecond', async () => {
    const c = createCapture([{ payload: getLink, protocol: 0, timestamp: { seconds: 1, nanoseconds: 999_999_999 } }], {
      fileByteOrder: 'BE',
      format: 'pcap-ns',
    });
    const bytes = encodeCapture(c);
    expect(toHex(bytes.subarray(0, 4))).toBe('a1b23c4d');
    expect(toHex(bytes.subarray(24, 32))).toBe('00000001 3b9ac9ff');
    const back = await decodeCapture(bytes);
    expect(back.format).toBe('pcap-ns');
    expect(back.fileByteOrder).toBe('BE');
    expect(back.records.map(coreFields)).toEqual(c.records.map(coreFields));
    expect(encodeCapture(back)).toEqual(bytes);
  });

  it('pcapEncodingLength is the size written', () => {
    const c = createCapture([{ payload: getLink, protocol: 0 }, { payload: new Uint8Array(3), protocol: 16 }]);
    expect(encodePcap(c).length).toBe(pcapEncodingLength(c));
    expect(pcapEncodingLength(c)).toBe(24 + (16 + 16 + 20) + (16 + 16 + 3));
  });

  it.each([
    ['negative seconds', { timestamp: { seconds: -1, nanoseconds: 0 } }, 'seconds -1 do not fit'],
    ['seconds beyond u32', { timestamp: { seconds: 2 ** 32, nanoseconds: 0 } }, 'seconds 4294967296 do not fit'],
    ['fractional ns', { timestamp: { seconds: 0, nanoseconds: 0.5 } }, 'nanoseconds 0.5 do not fit'],
    ['originalLength below payload', { originalLength: 3 }, 'originalLength 3 must be an integer ≥ payload length 20'],
  ])('refuses %s with NlsimError', (_name, patch, message) => {
    const c = createCapture([{ payload: getLink, protocol: 0 }], { format: 'pcap-ns' });
    Object.assign(c.records[0]!, patch);
    expect(() => encodeCapture(c)).toThrow(NlsimError);
    expect(() => encodeCapture(c)).toThrow(message);
  });

  it('refuses to write a non-netlink link type', () => {
    const c = createCapture([], { linkType: 1 });
    expect(() => encodeCapture(c)).toThrow('cannot write link type 1 (ETHERNET): not netlink');
  });

  it('writes records as LINUX_SLL2 with their ifindex, and reads them back', async () => {
    const c = createCapture([{ payload: getLink, protocol: 0, ifindex: 7, packetType: 0 }], { linkType: 276, fileByteOrder: 'LE' });
    const bytes = encodeCapture(c);
    expect(toHex(bytes.subarray(40, 60))).toBe(toHex(hex('0000 0000 00000007 0338 00 00 0000000000000000')));
    const back = await decodeCapture(bytes);
    expect(back.linkType).toBe(276);
    expect(back.records.map(coreFields)).toEqual(c.records.map(coreFields));
  });
});

describe('pcap reader', () => {
  it('reads microsecond files through pcap-parser', async () => {
    const pcapParser = createRequire(import.meta.url)('pcap-parser') as { parse: (input: unknown) => unknown };
    const spy = vi.spyOn(pcapParser, 'parse');
    try {
      await decodeCapture(sharedBytes('nldecap/two_packets_le.pcap'));
      expect(spy).toHaveBeenCalledTimes(1);
      const ns = encodeCapture(await decodeCapture(sharedBytes('nldecap/two_packets_le.pcap')), 'pcap-ns');
      spy.mockClear();
      await decodeCapture(ns);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('microsecond (pcap-parser) and nanosecond (own loop) readers agree on every real capture', async () => {
    for (const name of ['pyroute2/nl0.pcap', 'tcpdump-pr878/netlink-le.pcap', 'tcpdump-pr878/netlink-be.pcap']) {
      const us = await decodeCapture(sharedBytes(name));
      const ns = await decodeCapture(encodeCapture(us, 'pcap-ns'));
      expect(ns.records.map((r) => ({ ...r, payload: Array.from(r.payload) }))).toEqual(
        us.records.map((r) => ({ ...r, payload: Array.from(r.payload) })),
      );
    }
  });

  it('keeps an out-of-range microsecond field so that re-writing is unchanged', async () => {
    const bytes = sharedBytes('nldecap/two_packets_le.pcap').slice();
    new DataView(bytes.buffer).setUint32(24 + 4, 1_500_000, true);
    const c = await decodeCapture(bytes);
    expect(c.records[0]!.timestamp.nanoseconds).toBe(1_500_000_000);
    expect(encodeCapture(c)).toEqual(bytes);
  });

  it('keeps version, thiszone, sigfigs and FCS bits of the file header', async () => {
    const bytes = sharedBytes('nldecap/two_packets_be.pcap').slice();
    const v = new DataView(bytes.buffer);
    v.setUint16(6, 3); // version 2.3
    v.setInt32(8, -3600);
    v.setUint32(12, 5);
    v.setUint32(20, 0x1000_00fd); // FCS bits above LINKTYPE_NETLINK
    const c = await decodeCapture(bytes);
    expect(c.linkType).toBe(253);
    expect(c.pcap).toEqual({ versionMajor: 2, versionMinor: 3, thiszone: -3600, sigfigs: 5, linkTypeField: 0x1000_00fd });
    expect(encodeCapture(c)).toEqual(bytes);
    // Changing the link type drops the kept FCS bits rather than writing them on a stale type.
    c.linkType = 113;
    expect(new DataView(encodeCapture(c).buffer).getUint32(20)).toBe(113);
  });

  it('reads nanosecond files with a truncated record as DecodeError', async () => {
    const bytes = encodeCapture(createCapture([{ payload: getLink, protocol: 0 }], { format: 'pcap-ns' }));
    for (let cut = 25; cut < bytes.length; cut++) {
      const err = await decodeCapture(bytes.subarray(0, cut), 'n.pcap').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).offset).toBe(24);
    }
  });

  it('payloads are views into the file image, not copies', async () => {
    const bytes = sharedBytes('nldecap/two_packets_le.pcap');
    const c = await decodeCapture(bytes);
    expect(c.records[0]!.payload.buffer).toBe(bytes.buffer);
    expect(c.records[0]!.payload.constructor).toBe(Uint8Array);
  });
});
