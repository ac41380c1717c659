/**
 * The seeds' NETLINK_TEST module, in TypeScript: a kernel module on protocol 25 that counts
 * the messages user space sends it and answers each with "recv N messages from user".
 * It is the worked example of the kernel-module API: registerProtocol() with a request
 * loop, and a unicast reply to the sender's port id.
 *
 * The C user program that talks to it lives in examples/netlink-test/ (see its README).
 */
import type { ProtocolHandle, VirtualKernel } from '../../sim/kernel.js';
import { requestLoop } from '../../sim/request-loop.js';
import { NETLINK_TEST } from '../../sim/uapi/netlink.js';

/** NETLINK_TEST_MSG is the message type of both the user's messages and the module's replies. */
export const NETLINK_TEST_MSG = 0x10;

const utf8 = new TextEncoder();

/** NetlinkTestModule is the loaded module: its protocol and its running count. */
export interface NetlinkTestModule extends ProtocolHandle {
  /** received is how many messages the module has received so far. */
  readonly received: number;
}

/**
 * loadNetlinkTest registers NETLINK_TEST (25) in `kernel`. Each request (any type ≥ 0x10
 * with NLM_F_REQUEST) is answered with a NETLINK_TEST_MSG whose payload is the
 * NUL-terminated text "recv N messages from user".
 */
export function loadNetlinkTest(kernel: VirtualKernel): NetlinkTestModule {
  let received = 0;
  const handle = kernel.registerProtocol({
    protocol: NETLINK_TEST,
    name: 'NETLINK_TEST',
    input: requestLoop((ctx) => {
      received++;
      const text = utf8.encode(`recv ${received} messages from user\0`);
      return ctx.reply(ctx.encode(NETLINK_TEST_MSG, text));
    }),
  });
  return {
    ...handle,
    get received() {
      return received;
    },
  };
}
