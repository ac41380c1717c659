/**
 * The virtual nlmon: recordKernel writes what the virtual kernel moves as nlmon would (every
 * datagram once per hop, packet type 4, LINKTYPE_NETLINK, netlink_filter_tap()'s protocols),
 * agrees with a socket-level recording of the same exchange, and files round-trip byte for byte.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CaptureFormat, decodeCapture, encodeCapture, readCapture } from '../../captures/capture.js';
import { LINKTYPE_NETLINK, PACKET_OUTGOING } from '../../captures/nlmon.js';
import { CaptureRecorder, recordKernel, recordSocket, steppingClock } from '../../captures/record.js';
import { direction } from '../../captures/payload-order.js';
import { recordSample, SAMPLES } from '../../captures/samples/record-samples.js';
import { createKernel } from '../../protocols/index.js';
import { loadNetlinkTest } from '../../protocols/examples/netlink-test.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { NETLINK_TEST, NLM_F_REQUEST, SOCK_RAW } from '../../sim/uapi/netlink.js';

const SAMPLES_DIR = fileURLToPath(new URL('../../captures/samples/', import.meta.url));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'nlsim-record-'));

describe('recordKernel: the virtual nlmon', () => {
  it.each(SAMPLES.map((s) => [s.file, s] as const))('%s on the simulator: the request once, then each delivery, all packet type 4', async (_f, sample) => {
    const kernel = createKernel({ seed: 1 });
    const path = join(tmp(), 'k.pcap');
    const rec = recordKernel(kernel, path, { clock: steppingClock() });
    const socketView = await recordSample(kernel, sample, steppingClock());
    await rec.stop();
    const file = await readCapture(path);
    expect(file.linkType).toBe(LINKTYPE_NETLINK);
    expect(file.records.length).toBeGreaterThanOrEqual(2);
    expect(file.records.every((r) => r.packetType === PACKET_OUTGOING && r.protocol === sample.protocol)).toBe(true);
    expect(direction(file.records[0]!)).toBe('to-kernel');
    expect(file.records.slice(1).every((r) => direction(r) === 'from-kernel')).toBe(true);
    // The kernel's tap and the socket's own view of one exchange are the same datagrams.
    expect(file.records.map((r) => Array.from(r.payload))).toEqual(socketView.capture().records.map((r) => Array.from(r.payload)));
  });

  it('leaves out protocols netlink_filter_tap() does not pass, unless asked for all', async () => {
    for (const protocols of ['nlmon', 'all'] as const) {
      const kernel = createKernel({ seed: 1 });
      loadNetlinkTest(kernel);
      const recorder = new CaptureRecorder({ protocols, clock: steppingClock() });
      const stop = kernel.addTap((skb, protocol) => recorder.add(skb.data, protocol));
      const s = kernel.socket(SOCK_RAW, NETLINK_TEST);
      s.sendto(encodeMessage({ type: 0x10, flags: NLM_F_REQUEST, seq: 1, pid: 0 }, new TextEncoder().encode('hi\0')), { pid: 0, groups: 0 });
      s.recvmsg();
      stop();
      expect(recorder.size).toBe(protocols === 'all' ? 2 : 0);
    }
  });

  it('stops recording at stop() and writes the file once', async () => {
    const kernel = createKernel({ seed: 1 });
    const path = join(tmp(), 'x.pcapng');
    const rec = recordKernel(kernel, path, { format: 'pcapng', clock: steppingClock() });
    await recordSample(kernel, SAMPLES[0]!);
    await rec.stop();
    await recordSample(kernel, SAMPLES[0]!);
    await rec.stop();
    expect((await readCapture(path)).records).toHaveLength(2);
  });
});

describe('recorded files round-trip byte for byte', () => {
  it.each(['pcap', 'pcap-ns', 'pcapng'] as CaptureFormat[])('%s written by the recorder: read, re-encode, same bytes', async (format) => {
    const kernel = createKernel({ seed: 1 });
    const recorder = new CaptureRecorder({ format, clock: steppingClock({ seconds: 1_700_000_000, nanoseconds: 123_456_789 }) });
    for (const sample of SAMPLES) {
      const sock = recordSocket(kernel.socket(SOCK_RAW, sample.protocol), recorder);
      sock.bind({ pid: 0, groups: 0 });
      await sample.run(sock);
      sock.close();
    }
    const bytes = recorder.encode();
    const read = await decodeCapture(bytes);
    expect(read.records).toHaveLength(recorder.size);
    expect(Buffer.from(encodeCapture(read)).equals(Buffer.from(bytes))).toBe(true);
  });

  it.each(readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.pcap')))('committed sample %s', async (file) => {
    const bytes = new Uint8Array(readFileSync(join(SAMPLES_DIR, file)));
    expect(Buffer.from(encodeCapture(await decodeCapture(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });
});
