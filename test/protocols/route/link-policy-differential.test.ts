/**
 * ifla_policy as Linux applies it, simulator against Linux: RTM_SETLINK on lo with each link
 * attribute type from 1 to IFLA_MAX, empty and as 4 zero bytes. Every answer that is a policy
 * refusal ("Attribute failed policy validation", with its errno and offset) must be the same on
 * both; what passes the policy is the other differential tests' business (some of it changes lo,
 * some is refused as not modelled yet).
 */
import { expect, it } from 'vitest';
import { IFLA_MAX, RTM } from '../../../protocols/route/core/uapi.js';
import type { SocketFactory } from '../../../sim/socket-api.js';
import { NETLINK_EXT_ACK, NETLINK_ROUTE, NLM_F_ACK, NLM_F_REQUEST, SOCK_RAW, SOL_NETLINK } from '../../../sim/uapi/netlink.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { decodeError } from '../../../sim/wire/nlmsgerr.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr } from '../../helpers/exchange.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { ifinfo } from './route-backend.js';

const POLICY_FAILURE = 'Attribute failed policy validation';

function refusals(factory: SocketFactory): string[] {
  const s = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
  const out: string[] = [];
  try {
    for (let t = 1; t <= IFLA_MAX; t++) {
      for (const payload of [new Uint8Array(0), new Uint8Array(4)]) {
        s.send(encodeMessage({ type: RTM.RTM_SETLINK, flags: NLM_F_REQUEST | NLM_F_ACK, seq: t, pid: 0 }, ifinfo({ index: 1 }, attr(t, payload))));
        const [m] = decodeMessages(s.recvmsg().data);
        const e = decodeError(m!.payload, m!.header.flags);
        if (e.extack.message === POLICY_FAILURE) out.push(`type ${t}, ${payload.length} bytes: ${e.error} @${e.extack.offset}`);
      }
    }
  } finally {
    s.close();
  }
  return out;
}

describeKernel('ifla_policy: simulator and Linux', (openNamespace) => {
  it('refuse the same link attributes of every type, empty and 4 bytes, with the same errno and offset', () => {
    const ns = openNamespace();
    let real: string[];
    try {
      real = refusals(ns);
    } finally {
      ns.close();
    }
    expect(real.length).toBeGreaterThan(20);
    expect(refusals(createHostKernel())).toEqual(real);
  });
});
