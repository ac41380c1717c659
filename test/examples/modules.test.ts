/** The seeds' example modules, driven from user sockets exactly as their C programs do. */
import { describe, expect, it } from 'vitest';
import { createKernel } from '../../protocols/index.js';
import { loadNetlinkTest, NETLINK_TEST_MSG } from '../../protocols/examples/netlink-test.js';
import { GREETER_GROUP, GREETING_TYPE, loadGreeter } from '../../protocols/examples/greeter.js';
import { IMP2_CLOSE, IMP2_K_MSG, IMP2_U_PID, loadImp2 } from '../../protocols/examples/imp2.js';
import { NETLINK_TEST, NLM_F_REQUEST, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { decodeMessages } from '../../sim/wire/messages.js';
import { userCredentials } from '../../sim/credentials.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b).replace(/\0+$/, '');

describe('NETLINK_TEST (25)', () => {
  it('answers every message with "recv N messages from user"', () => {
    const kernel = createKernel();
    const mod = loadNetlinkTest(kernel);
    const s = kernel.socket(SOCK_RAW, NETLINK_TEST);
    s.bind({ pid: 0, groups: 0 });
    const replies: string[] = [];
    for (let seq = 1; seq <= 3; seq++) {
      s.sendto(encodeMessage({ type: NETLINK_TEST_MSG, flags: NLM_F_REQUEST, seq, pid: s.getsockname().pid }, new TextEncoder().encode('hello kernel\0')), { pid: 0, groups: 0 });
      const [m] = decodeMessages(s.recvmsg().data);
      expect(m!.header).toMatchObject({ type: NETLINK_TEST_MSG, seq, pid: process.pid });
      replies.push(text(m!.payload));
    }
    expect(replies).toEqual(['recv 1 messages from user', 'recv 2 messages from user', 'recv 3 messages from user']);
    expect(mod.received).toBe(3);
  });

  it('refuses socket(NETLINK_TEST) until the module is loaded', () => {
    const kernel = createKernel();
    expect(() => kernel.socket(SOCK_RAW, NETLINK_TEST)).toThrow(expect.objectContaining({ code: 'EPROTONOSUPPORT' }));
  });
});

describe('a kernel multicast greeting', () => {
  it('reaches both listeners of the group, from port 0 with the group in msg_name', () => {
    const kernel = createKernel();
    const greeter = loadGreeter(kernel);
    const listeners = [0, 1].map(() => {
      const s = kernel.socket(SOCK_RAW, greeter.table.protocol, { credentials: userCredentials() });
      s.bind({ pid: 0, groups: 1 << (GREETER_GROUP - 1) });
      return s;
    });
    expect(greeter.greet('Hello from kernel')).toBe(0);
    for (const s of listeners) {
      const r = s.recvmsg();
      expect(r.address).toEqual({ family: 16, pid: 0, groups: 1 });
      const [m] = decodeMessages(r.data);
      expect(m!.header.type).toBe(GREETING_TYPE);
      expect(text(m!.payload)).toBe('Hello from kernel');
    }
  });

  it('returns -ESRCH when nobody listens', () => {
    expect(loadGreeter(createKernel()).greet('anyone?')).toBe(-3);
  });
});

describe('an imp2-style module', () => {
  it('remembers the user port id on IMP2_U_PID, notifies it, and forgets it on IMP2_CLOSE', () => {
    const kernel = createKernel();
    const imp2 = loadImp2(kernel);
    const s = kernel.socket(SOCK_RAW, imp2.table.protocol);
    s.bind({ pid: 0, groups: 0 });
    expect(imp2.notify(new Uint8Array([1]))).toBeNull();
    s.send(encodeMessage({ type: IMP2_U_PID, flags: 0, seq: 0, pid: 0 }));
    expect(imp2.userPortid).toBe(process.pid);
    expect(imp2.notify(new Uint8Array([10, 0, 0, 1, 10, 0, 0, 2]))).toBe(24);
    const [m] = decodeMessages(s.recvmsg().data);
    expect(m!.header.type).toBe(IMP2_K_MSG);
    expect(Array.from(m!.payload)).toEqual([10, 0, 0, 1, 10, 0, 0, 2]);
    s.send(encodeMessage({ type: IMP2_CLOSE, flags: 0, seq: 0, pid: 0 }));
    expect(imp2.userPortid).toBeNull();
  });

  it('gives ECONNREFUSED for a notification to a user that closed without saying so', () => {
    const kernel = createKernel();
    const imp2 = loadImp2(kernel);
    const s = kernel.socket(SOCK_RAW, imp2.table.protocol);
    s.send(encodeMessage({ type: IMP2_U_PID, flags: 0, seq: 0, pid: 0 }));
    s.close();
    expect(imp2.notify(new Uint8Array([1]))).toBe(-111);
  });
});
