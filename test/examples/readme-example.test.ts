// The README's example, kept runnable: a netlink client tested against the virtual kernel,
// without root. (In a project of your own, import from 'nlsim' instead of the sources.)
import { expect, test } from 'vitest';
import {
  createKernel,
  encodeMessage,
  decodeMessages,
  type SocketFactory,
  NETLINK_TEST,
  NLM_F_REQUEST,
  SOCK_RAW,
} from '../../index.js';
import { loadNetlinkTest } from '../../protocols/examples/netlink-test.js';

// The client under test: asks the NETLINK_TEST module how many messages it has seen.
function askKernel(sockets: SocketFactory, text: string): string {
  const sock = sockets.socket(SOCK_RAW, NETLINK_TEST);
  try {
    sock.bind({ pid: 0, groups: 0 });
    const request = encodeMessage({ type: 0x10, flags: NLM_F_REQUEST, seq: 1, pid: 0 }, new TextEncoder().encode(`${text}\0`));
    sock.sendto(request, { pid: 0, groups: 0 });
    const [reply] = decodeMessages(sock.recvmsg().data);
    return new TextDecoder().decode(reply!.payload).replace(/\0+$/, '');
  } finally {
    sock.close();
  }
}

test('the client reads the module answer', () => {
  const kernel = createKernel();
  loadNetlinkTest(kernel);
  expect(askKernel(kernel, 'hello')).toBe('recv 1 messages from user');
  expect(askKernel(kernel, 'again')).toBe('recv 2 messages from user');
});

test('the client sees EPROTONOSUPPORT when the module is not loaded', () => {
  expect(() => askKernel(createKernel(), 'hello')).toThrow(expect.objectContaining({ code: 'EPROTONOSUPPORT', errno: -93 }));
});
