/**
 * What nlsim does not model of nexthop objects and multipath routes is refused, never silently
 * accepted: EOPNOTSUPP with an "nlsim: … not modelled yet" extended ACK (fdb nexthops,
 * resilient groups, encapsulation, hardware statistics, and encapsulation inside
 * RTA_MULTIPATH).
 */
import { expect, it } from 'vitest';
import { RTM } from '../../../protocols/route/core/uapi.js';
import { createKernel } from '../../../protocols/index.js';
import { NETLINK_EXT_ACK, NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, SOCK_RAW, SOL_NETLINK } from '../../../sim/uapi/netlink.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { attr, attrU32, concat } from '../../helpers/exchange.js';
import { runScenario } from './link-differential.js';
import { mp } from './mp-steps.js';
import { addAddr, addRoute, createLink, dst, ip, up } from './rt-steps.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const nhm = (family: number) => Uint8Array.of(family, 0, 0, 0, 0, 0, 0, 0);

it.each([
  ['an fdb nexthop', NEW, concat(nhm(2), attrU32(1, 7), attr(11, new Uint8Array(0)), attr(6, ip('10.1.0.2')))],
  ['a resilient group', NEW, concat(nhm(0), attrU32(1, 7), attr(2, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)), attr(3, Uint8Array.of(1, 0)))],
  ['group hardware statistics', NEW, concat(nhm(0), attrU32(1, 7), attr(2, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)), attrU32(16, 1))],
  ['a nexthop encapsulation', NEW, concat(nhm(2), attrU32(1, 7), attrU32(5, 2), attr(7, Uint8Array.of(1, 0)), attr(8 | 0x8000, new Uint8Array(0)))],
] as const)('RTM_NEWNEXTHOP with %s is EOPNOTSUPP with an nlsim extack', async (_name, flags, payload) => {
  const kernel = createKernel();
  await runScenario(kernel, [createLink('i0', 'ifb'), up(1), up(2), addAddr(2, '10.1.0.1/24'), { type: RTM.RTM_NEWNEXTHOP, flags: NEW, payload: concat(nhm(2), attrU32(1, 1), attrU32(5, 2)) }], { real: false, groups: 0 });
  const s = kernel.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    s.bind({ pid: 0, groups: 0 });
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    s.sendto(encodeMessage({ type: RTM.RTM_NEWNEXTHOP, flags, seq: 1, pid: 0 }, payload), { pid: 0, groups: 0 });
    const [ack] = decodeMessages(s.recvmsg().data);
    expect(new DataView(ack!.payload.buffer, ack!.payload.byteOffset).getInt32(0, true)).toBe(-95);
    expect(new TextDecoder().decode(ack!.payload)).toMatch(/nlsim: .* not modelled yet/);
  } finally {
    s.close();
  }
});

it('RTA_ENCAP inside RTA_MULTIPATH is EOPNOTSUPP with an nlsim extack', async () => {
  const kernel = createKernel();
  const { replies } = await runScenario(kernel, [
    createLink('i0', 'ifb'), createLink('i1', 'ifb'), up(2), up(3), addAddr(2, '10.1.0.1/24'), addAddr(3, '10.2.0.1/24'),
    addRoute({ dstLen: 24 }, dst('10.9.0.0'), mp({ dev: 2, gw: '10.1.0.2' }, { dev: 3, gw: '10.2.0.2', extra: [attr(21, Uint8Array.of(1, 0))] })),
  ], { real: false, groups: 0 });
  expect(replies[6]![0]).toMatch(/ a1ffffff/);
  expect(Buffer.from(replies[6]![0]!.split(' ').pop()!, 'hex').toString()).toMatch(/nlsim: .* not modelled yet/);
});
