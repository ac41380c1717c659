/**
 * Static neighbour entries, simulator against Linux: add, replace, get, dump (with filters
 * and strict checks), delete and the flush when the device goes away, with every reply and
 * RTNLGRP_NEIGH notification compared attribute by attribute. Linux walks its neighbour
 * tables in hash order, which a random key chosen at boot decides, so the messages of one
 * step are compared as a sorted list.
 */
import { expect, it } from 'vitest';
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_REPLACE, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, attrU32 } from '../../helpers/exchange.js';
import { runScenario, type Step } from './link-differential.js';
import { addAddr, createLink, group, neigh, NEW, NUD_PERMANENT } from './rt-steps.js';

const mac = (n: number) => Uint8Array.of(2, 0, 0, 0, 0, n);
const D = NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK;
const ACK = NLM_F_REQUEST | NLM_F_ACK;
const REPLACE = ACK | NLM_F_REPLACE;
const perm = { index: 2, state: NUD_PERMANENT };

const scenarios: [string, Step[], { strict?: boolean }?][] = [
  ['static entries on a veth: add, replace, errors, get, dumps, delete, flush with the device', [
    createLink('i0', 'veth'), addAddr(2, '10.0.0.1/24'),
    neigh(RTM.RTM_NEWNEIGH, NEW, perm, '10.0.0.2', mac(2)),
    neigh(RTM.RTM_NEWNEIGH, NEW, perm, '10.0.0.2', mac(3)),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, perm, '10.0.0.2', mac(3)),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, perm, '10.0.0.2', mac(3)),
    neigh(RTM.RTM_NEWNEIGH, ACK | NLM_F_CREATE, perm, '10.0.0.2', mac(4)),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, { index: 2, state: 0x40 }, '10.0.0.2', mac(4)),
    neigh(RTM.RTM_NEWNEIGH, NEW, perm, '2001:db8::5', mac(4)),
    neigh(RTM.RTM_NEWNEIGH, NEW, perm, '10.0.0.1', mac(5)),
    neigh(RTM.RTM_NEWNEIGH, NEW, perm, '10.0.0.255', mac(5)),
    neigh(RTM.RTM_NEWNEIGH, NEW, perm, '224.0.0.9', mac(5)),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 9, state: NUD_PERMANENT }, '10.0.0.8', mac(6)),
    neigh(RTM.RTM_NEWNEIGH, NEW, perm, null, mac(6)),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 0, state: NUD_PERMANENT }, '10.0.0.8', mac(6)),
    neigh(RTM.RTM_NEWNEIGH, NEW, perm, '10.0.0.9', Uint8Array.of(1, 2)),
    neigh(RTM.RTM_NEWNEIGH, ACK, perm, '10.0.0.10', mac(6)),
    neigh(RTM.RTM_NEWNEIGH, NEW, { ...perm, family: 7 }, '10.0.0.10', mac(6)),
    neigh(RTM.RTM_NEWNEIGH, NEW, perm, '10.0.0.11', mac(6), attr(12, Uint8Array.of(4))),
    neigh(RTM.RTM_GETNEIGH, D, { family: 2 }, null), neigh(RTM.RTM_GETNEIGH, D, { family: 10 }, null),
    neigh(RTM.RTM_GETNEIGH, D, { family: 0 }, null, undefined, attrU32(8, 2)),
    neigh(RTM.RTM_GETNEIGH, D, { family: 0 }, null, undefined, attrU32(8, 3)),
    neigh(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { family: 2, index: 2 }, '10.0.0.2'),
    neigh(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { family: 2, index: 2 }, '10.0.0.77'),
    neigh(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { family: 2, index: 0 }, '10.0.0.2'),
    neigh(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { family: 2, index: 2, state: 1 }, '10.0.0.2'),
    neigh(RTM.RTM_DELNEIGH, ACK, { index: 2 }, '10.0.0.2'), neigh(RTM.RTM_DELNEIGH, ACK, { index: 2 }, '10.0.0.2'),
    neigh(RTM.RTM_DELNEIGH, ACK, { index: 2 }, null), neigh(RTM.RTM_DELNEIGH, ACK, { index: 0 }, '10.0.0.2'),
    neigh(RTM.RTM_GETNEIGH, D, { family: 0 }, null),
    { type: RTM.RTM_DELLINK, flags: ACK, payload: new Uint8Array([0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) },
    neigh(RTM.RTM_GETNEIGH, D, { family: 0 }, null),
  ]],
  ['strict neighbour dumps', [
    createLink('i0', 'veth'), neigh(RTM.RTM_NEWNEIGH, NEW, perm, '10.0.0.2', mac(2)),
    neigh(RTM.RTM_GETNEIGH, D, { family: 2 }, null), neigh(RTM.RTM_GETNEIGH, D, { family: 2, index: 2 }, null),
    neigh(RTM.RTM_GETNEIGH, D, { family: 2, flags: 2 }, null), neigh(RTM.RTM_GETNEIGH, D, { family: 2 }, null, undefined, attrU32(8, 2)),
    neigh(RTM.RTM_GETNEIGH, D, { family: 2 }, null, undefined, attrU32(4, 2)), { type: RTM.RTM_GETNEIGH, flags: D, payload: Uint8Array.of(2) },
  ], { strict: true }],
];

/** sorted orders the messages of each step (each message is its header line and the indented lines after it). */
function sorted(steps: string[][]): string[][] {
  return steps.map((lines) => {
    const msgs: string[] = [];
    for (const l of lines) {
      if (l.startsWith('nlmsg')) msgs.push(l);
      else msgs[msgs.length - 1] += `\n${l}`;
    }
    return msgs.sort();
  });
}

describeKernel('RTM_*NEIGH: simulator and Linux, message for message', (openNamespace) => {
  it.each(scenarios)('%s', async (_name, steps, options) => {
    const ns = openNamespace();
    const groups = group(RTNLGRP.RTNLGRP_NEIGH);
    try {
      const real = await runScenario(ns, steps, { real: true, groups, ...options });
      const sim = await runScenario(createHostKernel(), steps, { real: false, groups, ...options });
      const [rr, rn, sr, sn] = [sorted(real.replies), sorted(real.notifications), sorted(sim.replies), sorted(sim.notifications)];
      for (let i = 0; i < steps.length; i++) {
        expect({ step: i + 1, replies: sr[i] }).toEqual({ step: i + 1, replies: rr[i] });
        expect({ step: i + 1, notifications: sn[i] }).toEqual({ step: i + 1, notifications: rn[i] });
      }
    } finally {
      ns.close();
    }
  });
});
