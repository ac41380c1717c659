/**
 * RTM_GETMULTICAST (IPv4 and IPv6) and RTM_GETANYCAST dumps, simulator against Linux: the
 * groups each device joined (ff01::1 and ff02::1 with its inet6_dev, the solicited-node
 * group of each address on devices that do ND, 224.0.0.1 while IPv4 is up), newest first,
 * as devices come up and go down and addresses come and go; strict-check filters and errors.
 * Join times (IFA_CACHEINFO) are masked by the renderer; everything else is compared.
 */
import { expect, it } from 'vitest';
import { RTM } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { describeKernel } from '../../helpers/backends.js';
import { attrU32, concat } from '../../helpers/exchange.js';
import { datagramsOf, runScenario, type Step, wait } from './link-differential.js';
import { addAddr, createLink, delAddr, down, up } from './rt-steps.js';

const D = NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK;
const IFA_F_NODAD = 0x02;
/** mc / ac: a multicast or anycast dump with an ifaddrmsg (family, prefixlen, flags, scope, index). */
const ifaddrmsg = (family: number, index = 0, prefixlen = 0) => Uint8Array.of(family, prefixlen, 0, 0, index, 0, 0, 0);
const mc = (family: number, index = 0, ...extra: Uint8Array[]): Step => ({ type: RTM.RTM_GETMULTICAST, flags: D, payload: concat(ifaddrmsg(family, index), ...extra) });
const ac = (family: number): Step => ({ type: RTM.RTM_GETANYCAST, flags: D, payload: ifaddrmsg(family) });
const everything = [mc(10), mc(2), ac(10), ac(2), mc(0)];

// ifindex: lo 1, v0p 2, v0 3, i0 4 (ifb: NOARP, no solicited-node groups), b0 5.
const scenarios: [string, Step[], { strict?: boolean }?][] = [
  ['groups as devices come, go up, get addresses (shared solicited-node groups), lose them and go down', [
    ...everything,
    createLink('v0', 'veth'), createLink('i0', 'ifb'), createLink('b0', 'bridge'), ...everything,
    addAddr(2, '2001:db8::1/64', { flags: IFA_F_NODAD }), addAddr(2, '2001:db8:1::1/64', { flags: IFA_F_NODAD }), addAddr(4, '2001:db8:4::1/64', { flags: IFA_F_NODAD }),
    addAddr(2, '10.1.0.1/24'), ...everything,
    up(1), up(4), up(3), up(2), wait(2600), ...everything,
    delAddr(2, '2001:db8::1/64'), mc(10), delAddr(2, '2001:db8:1::1/64'), mc(10),
    down(2), down(1), ...everything,
  ]],
  ['strict dumps: one device, filters and header errors', [
    createLink('v0', 'veth'), up(1), up(3), up(2), wait(2600),
    mc(10, 3), mc(2, 1), mc(10, 99), mc(2, 99), ac(10), mc(0),
    { type: RTM.RTM_GETMULTICAST, flags: D, payload: ifaddrmsg(10, 0, 64) },
    { type: RTM.RTM_GETMULTICAST, flags: D, payload: ifaddrmsg(2, 0, 8) },
    { type: RTM.RTM_GETMULTICAST, flags: D, payload: Uint8Array.of(10, 0, 0) },
    mc(10, 0, attrU32(8, 0)), mc(2, 0, attrU32(1, 0)),
  ], { strict: true }],
  ['many devices: dumps across datagrams', [
    ...Array.from({ length: 18 }, (_, i) => createLink(`v${i}`, 'veth')), mc(10), mc(2),
  ]],
];

describeKernel('RTM_GETMULTICAST and RTM_GETANYCAST: simulator and Linux, message for message', (openNamespace) => {
  it.each(scenarios)('%s', async (_name, steps, options) => {
    const ns = openNamespace();
    try {
      const kernel = createHostKernel({ clock: 'manual' });
      const real = await runScenario(ns, steps, { real: true, groups: 0, ...options });
      const sim = await runScenario(kernel, steps, { real: false, groups: 0, ...options });
      for (let i = 0; i < steps.length; i++) expect({ step: i + 1, replies: sim.replies[i] }).toEqual({ step: i + 1, replies: real.replies[i] });
      // The final state's dumps, datagram by datagram (where NLMSG_DONE goes, how chunks split).
      for (const family of [10, 2]) expect(datagramsOf(kernel, mc(family), 4096)).toEqual(datagramsOf(ns, mc(family), 4096));
      expect(real.replies.flat().join('\n')).toMatch(/MULTICAST ff02:0:0:0:0:0:0:1/);
    } finally {
      ns.close();
    }
  }, 60_000);
});
