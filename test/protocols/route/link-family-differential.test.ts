/**
 * RTM_GETLINK dumps with rtgen_family AF_INET6 (inet6_dump_ifinfo) and AF_BRIDGE
 * (rtnl_bridge_getlink), and the RTNLGRP_IPV6_IFINFO notifications: simulator against Linux,
 * message for message and chunk for chunk.
 */
import { expect, it } from 'vitest';
import { encodeIfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { datagramsOf, runScenario, type Step } from './link-differential.js';
import { ADDR_ROUTE_GROUPS, createLink, group, up } from './rt-steps.js';

const D = NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK;
const dump = (family: number, m: Parameters<typeof encodeIfInfoMsg>[0] = {}, ...a: Uint8Array[]): Step => ({ type: RTM.RTM_GETLINK, flags: D, payload: concat(encodeIfInfoMsg({ ...m, family }), ...a) });
const legacy = (family: number): Step => ({ type: RTM.RTM_GETLINK, flags: D, payload: Uint8Array.of(family) });
const enslave = (index: number, master: number): Step => ({ type: RTM.RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: concat(encodeIfInfoMsg({ index }), attrU32(10, master)) });

/** afSpec / genMode: RTM_SETLINK with IFLA_AF_SPEC (AF_INET6's IFLA_INET6_ADDR_GEN_MODE). */
const afSpec = (index: number, ...nests: Uint8Array[]): Step => ({ type: RTM.RTM_SETLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: concat(encodeIfInfoMsg({ index }), attr(26, concat(...nests))) });
const genMode = (index: number, mode: number) => afSpec(index, attr(10, attr(8, Uint8Array.of(mode))));

const scenarios: [string, Step[], { strict?: boolean; groups?: number }?][] = [
  ['AF_INET6 and AF_BRIDGE link dumps: lo, an ifb port of a bridge, IPV6_IFINFO when devices get ready', [
    dump(10), dump(7), dump(10, {}, attrU32(29, 8)), legacy(10), legacy(7),
    up(1), createLink('i0', 'ifb'), createLink('b0', 'bridge'), enslave(2, 3),
    dump(10), dump(7), legacy(7), up(2), dump(10),
  ]],
  ['strict AF_INET6 and AF_BRIDGE link dumps', [
    createLink('i0', 'ifb'), createLink('b0', 'bridge'), enslave(2, 3),
    dump(10), dump(10, { index: 1 }), dump(10, { flags: 1 }), dump(10, {}, attrU32(29, 8)), legacy(10),
    dump(7), dump(7, { index: 2 }), dump(7, { type: 1 }), dump(7, {}, attrU32(29, 8)), dump(7, {}, attrString(3, 'i0')), legacy(7),
  ], { strict: true }],
  ['IFLA_AF_SPEC on RTM_SETLINK: addr_gen_mode none and random, IFLA_INET_CONF, validation errors', [
    createLink('i0', 'ifb'), createLink('i1', 'ifb'), createLink('i2', 'ifb'),
    genMode(2, 1), genMode(3, 3), genMode(4, 2), genMode(4, 7),
    afSpec(4, attr(2, attr(1, concat(attrU32(4, 1), attrU32(1, 1))))), afSpec(4, attr(2, attr(1, attrU32(99, 1)))),
    afSpec(4, attr(99, attr(1, new Uint8Array(4)))), afSpec(4, attr(10, attrU32(9, 1))), afSpec(4, attr(10, new Uint8Array(0))),
    up(2), up(3), up(4), genMode(4, 1), { type: RTM.RTM_GETLINK, flags: NLM_F_REQUEST, payload: encodeIfInfoMsg({ index: 3 }) },
    { type: RTM.RTM_GETLINK, flags: NLM_F_REQUEST, payload: encodeIfInfoMsg({ index: 4 }) },
  ], { groups: ADDR_ROUTE_GROUPS | group(RTNLGRP.RTNLGRP_LINK) }],
];

describeKernel('RTM_GETLINK AF_INET6 / AF_BRIDGE dumps: simulator and Linux, message for message', (openNamespace) => {
  it.each(scenarios)('%s', async (_name, steps, options) => {
    const ns = openNamespace();
    const groups = options?.groups ?? group(RTNLGRP.RTNLGRP_IPV6_IFINFO);
    try {
      const real = await runScenario(ns, steps, { real: true, ...options, groups });
      const sim = await runScenario(createHostKernel(), steps, { real: false, ...options, groups });
      for (let i = 0; i < steps.length; i++) {
        expect({ step: i + 1, replies: sim.replies[i] }).toEqual({ step: i + 1, replies: real.replies[i] });
        expect({ step: i + 1, notifications: sim.notifications[i] }).toEqual({ step: i + 1, notifications: real.notifications[i] });
      }
    } finally {
      ns.close();
    }
  });
});

describeKernel('AF_INET6 / AF_BRIDGE link dumps of many devices: chunk for chunk as Linux', (openNamespace) => {
  it.each([
    ['AF_INET6, 40 devices', 10, undefined],
    ['AF_INET6, 40 devices, 4096-byte reads', 10, 4096],
    ['AF_BRIDGE, 40 ports', 7, undefined],
    ['AF_BRIDGE, 40 ports, 4096-byte reads', 7, 4096],
  ] as const)('%s', async (_name, family, bufferSize) => {
    const ns = openNamespace();
    try {
      const steps: Step[] = [createLink('b0', 'bridge')];
      for (let i = 0; i < 40; i++) steps.push(createLink(`i${i}`, 'ifb'), enslave(3 + i, 2));
      const run = async (factory: Parameters<typeof runScenario>[0]) => {
        await runScenario(factory, steps, { real: false, groups: 0 });
        return datagramsOf(factory, { type: RTM.RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: encodeIfInfoMsg({ family }) }, bufferSize);
      };
      const real = await run(ns);
      const sim = await run(createHostKernel());
      expect(real.length).toBeGreaterThan(1);
      expect(sim).toEqual(real);
    } finally {
      ns.close();
    }
  });
});
