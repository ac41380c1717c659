/**
 * RTM_GETLINK dumps with rtgen_family AF_INET6 (inet6_dump_ifinfo) and AF_BRIDGE
 * (rtnl_bridge_getlink), and the RTNLGRP_IPV6_IFINFO notifications: simulator against Linux,
 * message for message and chunk for chunk.
 */
import { expect, it } from 'vitest';
import { encodeIfInfoMsg } from '../../../protocols/route/ifinfomsg.js';
import { RTM, RTNLGRP } from '../../../protocols/route/uapi.js';
import { createKernel } from '../../../sim/kernel.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { describeKernel } from '../../helpers/backends.js';
import { attrString, attrU32, concat } from '../../helpers/exchange.js';
import { datagramsOf, runScenario, type Step } from './link-differential.js';
import { createLink, group, up } from './rt-steps.js';

const D = NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK;
const dump = (family: number, m: Parameters<typeof encodeIfInfoMsg>[0] = {}, ...a: Uint8Array[]): Step => ({ type: RTM.RTM_GETLINK, flags: D, payload: concat(encodeIfInfoMsg({ ...m, family }), ...a) });
const legacy = (family: number): Step => ({ type: RTM.RTM_GETLINK, flags: D, payload: Uint8Array.of(family) });
const enslave = (index: number, master: number): Step => ({ type: RTM.RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: concat(encodeIfInfoMsg({ index }), attrU32(10, master)) });

const scenarios: [string, Step[], { strict?: boolean }?][] = [
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
];

describeKernel('RTM_GETLINK AF_INET6 / AF_BRIDGE dumps: simulator and Linux, message for message', (openNamespace) => {
  it.each(scenarios)('%s', async (_name, steps, options) => {
    const ns = openNamespace();
    const groups = group(RTNLGRP.RTNLGRP_IPV6_IFINFO);
    try {
      const real = await runScenario(ns, steps, { real: true, groups, ...options });
      const sim = await runScenario(createKernel(), steps, { real: false, groups, ...options });
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
      const sim = await run(createKernel());
      expect(real.length).toBeGreaterThan(1);
      expect(sim).toEqual(real);
    } finally {
      ns.close();
    }
  });
});
