/**
 * `nlsim record`: programs run on the real kernel with the shim in record mode; the capture
 * holds what an nlmon device would have seen, decodes, and replays against the simulator
 * without mismatches.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../captures/capture.js';
import { decodePackets } from '../../captures/decode/index.js';
import { kernelUnavailable, runKernel, shimPath, start } from './run-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', '..', 'cli', 'main.ts');
const nlsim = (...args: string[]) => start([process.execPath, '--import', 'tsx', cli, ...args]).done;
const describeKernel = kernelUnavailable ? describe.skip : describe;
if (kernelUnavailable) console.warn(`nlsim: record tests in a network namespace skipped: ${kernelUnavailable}`);

/** summary lists each packet as "direction: message types" from `nlsim decode --json`'s model. */
async function summary(file: string): Promise<string[]> {
  return decodePackets(await readCapture(file)).map((p) => `${p.direction}: ${p.messages.map((m) => m.header.typeName).join(' ')}`);
}

let dir: string;
beforeAll(() => {
  shimPath();
  dir = mkdtempSync(path.join(tmpdir(), 'nlsim-record-test-'));
});

describeKernel('nlsim record on the real kernel [kernel]', () => {
  it('records ip link show in a fresh namespace: GETLINK dump, NEWLINK lo, DONE; replay matches', async () => {
    const file = path.join(dir, 'ip-link.pcap');
    const [recorded, plain] = await Promise.all([nlsim('record', '--pcap', file, '--', 'unshare', '-n', 'ip', 'link', 'show'), runKernel(['ip', 'link', 'show'])]);
    // The program cannot tell it is recorded.
    expect(recorded).toEqual(plain);
    const packets = await summary(file);
    expect(packets).toContain('to-kernel: RTM_GETLINK');
    expect(packets.slice(-2)).toEqual(['from-kernel: RTM_NEWLINK', 'from-kernel: NLMSG_DONE']);
    const decoded = await nlsim('decode', '--filter', 'route/RTM_GETLINK', file);
    expect(decoded.stdout).toContain('Flags: 0x0301 (NLM_F_REQUEST, NLM_F_DUMP)');
    expect((await nlsim('decode', '--filter', 'route/RTM_NEWLINK', file)).stdout).toContain('IFLA_IFNAME (type 3, len 7): "lo"');

    const replayed = await nlsim('replay', file);
    expect(replayed.stdout).toMatch(/RTM_GETLINK seq \d+: MATCH \(expected 2 messages, got 2\)/);
    expect(replayed.stdout).toMatch(/ 0 mismatch/);
    expect(replayed.status).toBe(0);
  }, 30_000);

  it('records a notification once per receiving socket, after the request that caused it, across processes', async () => {
    const file = path.join(dir, 'monitor.pcap');
    const out = await nlsim('record', '--pcap', file, '--', 'unshare', '-n', 'python3', path.join(here, 'route-monitor.py'));
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('type 16 index 1 up True');
    const packets = await summary(file);
    // ip's RTM_NEWLINK (set lo up) comes before the RTNLGRP_LINK notification the monitor reads.
    const set = packets.findIndex((p) => p.startsWith('to-kernel: RTM_NEWLINK'));
    const notified = packets.findIndex((p, i) => i > set && p === 'from-kernel: RTM_NEWLINK');
    expect(set).toBeGreaterThanOrEqual(0);
    expect(notified).toBeGreaterThan(set);
  }, 30_000);
});

describe('nlsim record', () => {
  it('records genl ctrl get name nlctrl without privileges beyond the command\'s; the ACK genl never reads is not in it', async () => {
    const file = path.join(dir, 'genl.pcapng');
    const out = await nlsim('record', '--pcap', file, '--pcap-format', 'pcapng', '--', 'genl', 'ctrl', 'get', 'name', 'nlctrl');
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('Name: nlctrl');
    // genl stops reading at the reply: the ACK it asked for is delivered but never read, and
    // a recording made by the program's side has only what the program read (nlmon would
    // show the ACK too). Replay then finds the simulator's answer one message longer.
    expect(await summary(file)).toEqual(['to-kernel: nlctrl', 'from-kernel: nlctrl']);
    const replayed = await nlsim('replay', file);
    expect(replayed.stdout).toMatch(/^record 0: nlctrl seq \d+: MISMATCH \(expected 1 messages, got 2\)\n {4}expected 1 messages, got 2\n/);
    expect(replayed.status).toBe(1);
  }, 30_000);

  it('records a datagram between two user sockets once (its send), never a MSG_PEEK, and keeps other fds untouched', async () => {
    const script = `
import os, socket
a = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_USERSOCK)
b = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_USERSOCK)
a.bind((0, 0)); b.bind((0, 0))
a.sendto(b"\\x14\\0\\0\\0\\x10\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0ping", b.getsockname())
b.recv(64, socket.MSG_PEEK)
print(len(b.recv(64)), end=" ")
r, w = os.pipe(); os.write(w, b"pipe"); print(os.read(r, 4).decode())
`;
    const file = path.join(dir, 'usersock.pcap');
    const out = await nlsim('record', '--pcap', file, '--', 'python3', '-c', script);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('20 pipe\n');
    const capture = await readCapture(file);
    expect(capture.records).toHaveLength(1);
    expect(Buffer.from(capture.records[0]!.payload.subarray(16)).toString()).toBe('ping');
  }, 30_000);

  it('exits with the command\'s status, and refuses a file in a missing directory before running it', async () => {
    const failed = await nlsim('record', '--pcap', path.join(dir, 'false.pcap'), '--', 'sh', '-c', 'exit 4');
    expect(failed.status).toBe(4);
    const file = path.join(dir, 'no', 'such', 'dir.pcap');
    const unwritable = await nlsim('record', '--pcap', file, '--', 'sh', '-c', 'echo ran');
    expect(unwritable.stdout).toBe('');
    expect(unwritable.stderr).toBe(`nlsim record: --pcap ${file}: no such directory ${path.dirname(file)}\n`);
    expect(unwritable.status).toBe(2);
  }, 30_000);
});
