/**
 * IFLA_INFO_DATA on an existing link: a vlan's goes to its changelink (vlan_changelink();
 * test/protocols/route/vlan.test.ts checks what it does); a kind without changelink on Linux
 * (veth) gets Linux's plain EOPNOTSUPP.
 */
import { expect, it } from 'vitest';
import { IFLA, IFLA_INFO, RTM_NEWLINK } from '../../../protocols/route/core/uapi.js';
import { createKernel } from '../../../protocols/index.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { runScenario, type Step } from './link-differential.js';
import { ifinfo } from './route-backend.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const info = (kind: string, data: Uint8Array) => attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, kind), attr(IFLA_INFO.IFLA_INFO_DATA, data)));
const u16 = (t: number, v: number) => attr(t, Uint8Array.of(v & 0xff, v >> 8));

it('vlan IFLA_INFO_DATA changes are applied; veth gets EOPNOTSUPP', async () => {
  const steps: Step[] = [
    { type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'd0'), attr(IFLA.IFLA_LINKINFO, attrString(IFLA_INFO.IFLA_INFO_KIND, 'dummy'))) },
    { type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'd0.5'), attrU32(IFLA.IFLA_LINK, 2), info('vlan', u16(1, 5))) },
    { type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({ index: 3 }, info('vlan', u16(1, 6))) },
    { type: RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v0'), attr(IFLA.IFLA_LINKINFO, attrString(IFLA_INFO.IFLA_INFO_KIND, 'veth'))) },
    { type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({ index: 5 }, info('veth', new Uint8Array(0))) },
  ];
  const { replies } = await runScenario(createKernel(), steps, { real: false, groups: 0 });
  expect(replies[1]![0]).toMatch(/^nlmsg type=2 .* 00000000/);
  expect(replies[2]![0]).toMatch(/^nlmsg type=2 .* 00000000/);
  expect(replies[4]![0]).toMatch(/^nlmsg type=2 len=\d+ flags=0 .* a1ffffff/);
});
