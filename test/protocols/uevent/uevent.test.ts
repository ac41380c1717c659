/**
 * NETLINK_KOBJECT_UEVENT: injecting events through the kernel (uevent_net_rcv_skb), on both
 * kernels; the kernel's own events and udevd's libudev messages on the simulator.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { registerUevent } from '../../../protocols/uevent/index.js';
import { decodeLibudev, murmurHash2 } from '../../../protocols/uevent/libudev.js';
import { userCredentials } from '../../../sim/credentials.js';
import { NETLINK_EXT_ACK, NETLINK_KOBJECT_UEVENT, NLM_F_ACK, NLM_F_REQUEST, SO, SOCK_RAW, SOL_NETLINK, SOL_SOCKET } from '../../../sim/uapi/netlink.js';
import { encodeMessage, HOST_LE } from '../../../sim/wire/header.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { decodeError } from '../../../sim/wire/nlmsgerr.js';
import { describeBackends, describeSim } from '../../helpers/backends.js';
import { expectErrno } from '../../helpers/expect-errno.js';

const text = (s: string) => new TextEncoder().encode(s);
const strings = (b: Uint8Array) => new TextDecoder().decode(b).split('\0');
/** SEQNUM is a counter shared by the whole machine: the only value masked. */
const maskSeqnum = (parts: string[]) => parts.map((p) => p.replace(/^SEQNUM=\d+$/, 'SEQNUM=#'));

describeBackends('NETLINK_KOBJECT_UEVENT injection by root', (b) => {
  it('acks the request and re-broadcasts the rest of the datagram to group 1 with a SEQNUM, from port 0', () => {
    const listener = b.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT);
    listener.bind({ pid: 0, groups: 1 });
    listener.setsockopt(SOL_SOCKET, SO.SO_PASSCRED, 1);
    const s = b.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT);
    const event = text('add@/devices/virtual/test\0ACTION=add\0DEVPATH=/devices/virtual/test\0SUBSYSTEM=test\0');
    s.send(encodeMessage({ type: 0x10, flags: NLM_F_REQUEST | NLM_F_ACK, seq: 5, pid: 0 }, event));
    const [ack] = decodeMessages(s.recvmsg().data);
    expect(decodeError(ack!.payload, ack!.header.flags).error).toBe(0);
    const r = listener.recvmsg();
    expect(r.address).toEqual({ family: 16, pid: 0, groups: 1 });
    // the copy keeps the injector's credentials; only the port id is the kernel's
    expect(r.credentials).toEqual({ pid: process.pid, uid: 0, gid: 0 });
    expect(maskSeqnum(strings(r.data))).toEqual(['add@/devices/virtual/test', 'ACTION=add', 'DEVPATH=/devices/virtual/test', 'SUBSYSTEM=test', 'SEQNUM=#', '']);
  });

  it('re-broadcasts everything after the header, later messages of the datagram included', () => {
    const listener = b.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT);
    listener.bind({ pid: 0, groups: 1 });
    const s = b.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT);
    const first = encodeMessage({ type: 0x10, flags: NLM_F_REQUEST, seq: 1, pid: 0 }, text('a=1\0'));
    const second = encodeMessage({ type: 0x10, flags: NLM_F_REQUEST, seq: 2, pid: 0 }, text('b=2\0'));
    const datagram = new Uint8Array(first.length + second.length);
    datagram.set(first);
    datagram.set(second, first.length);
    s.send(datagram);
    const one = listener.recvmsg().data;
    const two = listener.recvmsg().data;
    // the first broadcast carries the second message's header and body too
    expect(one.length).toBe(4 + second.length + strings(one).at(-2)!.length + 1);
    expect(maskSeqnum(strings(two))).toEqual(['b=2', 'SEQNUM=#', '']);
  });

  it('refuses an event that would exceed UEVENT_BUFFER_SIZE with EINVAL and an extack message', () => {
    const s = b.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT);
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    s.send(encodeMessage({ type: 0x10, flags: NLM_F_REQUEST, seq: 1, pid: 0 }, new Uint8Array(2040).fill(0x41)));
    const [m] = decodeMessages(s.recvmsg({ bufferSize: 65536 }).data);
    expect(decodeError(m!.payload, m!.header.flags)).toMatchObject({ error: -22, extack: { message: 'uevent message too big' } });
  });

  it('lets anyone listen to group 1 and refuses group bind nowhere (NONROOT_RECV)', () => {
    const s = b.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT);
    s.bind({ pid: 0, groups: 0xffffffff });
    expect(s.getsockname().groups).toBe(0xffffffff);
  });
});

describeSim('NETLINK_KOBJECT_UEVENT events', (b) => {
  it('delivers kernel-format events to group 1 members from port 0 with kernel credentials', () => {
    const uevents = registerUevent(b.sim);
    const listener = b.sim.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT, { credentials: userCredentials() });
    listener.bind({ pid: 0, groups: 1 });
    listener.setsockopt(SOL_SOCKET, SO.SO_PASSCRED, 1);
    const seq = uevents.emit({ action: 'add', devpath: '/devices/virtual/net/veth0', subsystem: 'net', env: { INTERFACE: 'veth0', IFINDEX: '2' } });
    const r = listener.recvmsg();
    expect(r.address).toEqual({ family: 16, pid: 0, groups: 1 });
    expect(r.credentials).toEqual({ pid: 0, uid: 0, gid: 0 });
    expect(strings(r.data)).toEqual([
      'add@/devices/virtual/net/veth0',
      'ACTION=add',
      'DEVPATH=/devices/virtual/net/veth0',
      'SUBSYSTEM=net',
      'INTERFACE=veth0',
      'IFINDEX=2',
      `SEQNUM=${seq}`,
      '',
    ]);
  });

  it('delivers libudev-format events to group 2 members from udevd, with the subsystem hash', () => {
    const uevents = registerUevent(b.sim);
    const listener = b.sim.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT);
    listener.bind({ pid: 0, groups: 2 });
    listener.setsockopt(SOL_SOCKET, SO.SO_PASSCRED, 1);
    uevents.emitUdev({ action: 'add', devpath: '/devices/virtual/net/veth0', subsystem: 'net', env: { INTERFACE: 'veth0' } }, { seqnum: 7 });
    const r = listener.recvmsg();
    expect(r.address).toEqual({ family: 16, pid: 1, groups: 2 });
    expect(r.credentials).toEqual({ pid: 1, uid: 0, gid: 0 });
    const msg = decodeLibudev(r.data, HOST_LE)!;
    expect(msg.properties).toEqual({ ACTION: 'add', DEVPATH: '/devices/virtual/net/veth0', SUBSYSTEM: 'net', INTERFACE: 'veth0', SEQNUM: '7' });
    expect(msg.subsystemHash).toBe(murmurHash2(text('net')));
  });

  it('refuses injection by a user without CAP_SYS_ADMIN: EPERM with extack (KERNEL-SEMANTICS item 149)', () => {
    const s = b.sim.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT, { credentials: userCredentials() });
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    s.send(encodeMessage({ type: 0x10, flags: NLM_F_REQUEST, seq: 1, pid: 0 }, text('x=1\0')));
    const [m] = decodeMessages(s.recvmsg().data);
    expect(decodeError(m!.payload, m!.header.flags)).toMatchObject({ error: -1, extack: { message: 'missing CAP_SYS_ADMIN capability' } });
    expectErrno(() => s.recvmsg(), 'EAGAIN');
  });
});

it('hashes like a C build of the reference MurmurHash2', () => {
  // The reference algorithm, compiled here, so the JavaScript port's integer arithmetic is
  // checked against C's (32-bit wrap-around multiplication, unsigned shifts).
  const dir = mkdtempSync(join(tmpdir(), 'murmur-'));
  const src = join(dir, 'm.c');
  writeFileSync(
    src,
    `#include <stdio.h>
#include <stdint.h>
#include <string.h>
static uint32_t h2(const unsigned char *d, int len) {
  const uint32_t m = 0x5bd1e995; uint32_t h = (uint32_t)len;
  while (len >= 4) { uint32_t k = d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24;
    k *= m; k ^= k >> 24; k *= m; h *= m; h ^= k; d += 4; len -= 4; }
  switch (len) { case 3: h ^= d[2] << 16; /* fall through */ case 2: h ^= d[1] << 8; /* fall through */
    case 1: h ^= d[0]; h *= m; }
  h ^= h >> 13; h *= m; h ^= h >> 15; return h; }
int main(int argc, char **argv) { for (int i = 1; i < argc; i++) printf("%u\\n", h2((const unsigned char *)argv[i], strlen(argv[i]))); return 0; }
`,
  );
  execFileSync('cc', ['-O2', '-o', join(dir, 'm'), src]);
  const inputs = ['a', 'net', 'block', 'usb_device', 'partition', 'xyz\u00ff\u00fe'];
  const expected = execFileSync(join(dir, 'm'), inputs, { encoding: 'latin1' }).trim().split('\n').map(Number);
  rmSync(dir, { recursive: true, force: true });
  expect(inputs.map((s) => murmurHash2(new TextEncoder().encode(s)))).toEqual(expected);
});
