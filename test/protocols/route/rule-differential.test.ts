/**
 * Policy routing rules, simulator against Linux message for message: the default rules of
 * every family the host's build has (AF_INET, IPMR and IP6MR with their MULTIPLE_TABLES
 * options, AF_INET6) in dumps, RTM_NEWRULE / RTM_DELRULE with
 * their notifications, automatic preferences, errors, and route lookups that follow the
 * rules once the local rule is gone.
 */
import { expect, it } from 'vitest';
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, attrString, attrU32 } from '../../helpers/exchange.js';
import { runScenario, type Step } from './link-differential.js';
import { addAddr, addRoute, createLink, dst, getRoute, group, gw, NEW, rule, up } from './rt-steps.js';

const src = (a: string) => attr(2, Uint8Array.from(a.split('.').map(Number)));

const D = NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK;
const DEL = NLM_F_REQUEST | NLM_F_ACK;
const groups = group(RTNLGRP.RTNLGRP_IPV4_RULE) | group(RTNLGRP.RTNLGRP_IPV6_RULE);

const scenarios: [string, Step[], { strict?: boolean }?][] = [
  ['default rules, additions, deletions and lookups through the rules', [
    rule(RTM.RTM_GETRULE, D, { family: 0 }), rule(RTM.RTM_GETRULE, D, { family: 2 }), rule(RTM.RTM_GETRULE, D, { family: 10 }),
    rule(RTM.RTM_GETRULE, D, { family: 128 }), rule(RTM.RTM_GETRULE, D, { family: 7 }),
    createLink('i0', 'ifb'), up(1), up(2), addAddr(2, '10.0.0.1/24'),
    getRoute({ dstLen: 32, flags: 0x1000 }, dst('10.0.0.1')),
    rule(RTM.RTM_NEWRULE, NEW, { family: 2, table: 100, action: 1 }, attrU32(6, 1000)),
    rule(RTM.RTM_NEWRULE, NEW, { family: 2, table: 100, srcLen: 24, action: 1 }, attr(2, Uint8Array.of(10, 1, 0, 0))),
    rule(RTM.RTM_NEWRULE, NEW, { family: 2, table: 100, action: 1 }, attrU32(6, 1000)),
    rule(RTM.RTM_NEWRULE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, { family: 2, table: 100, action: 1 }, attrU32(6, 1000)),
    rule(RTM.RTM_NEWRULE, NEW, { family: 10, action: 1 }, attrU32(15, 200), attrString(3, 'i0')),
    rule(RTM.RTM_NEWRULE, NEW, { family: 10, action: 1, table: 5 }, attrString(17, 'nope'), attrU32(10, 7)),
    rule(RTM.RTM_NEWRULE, NEW, { family: 2, action: 1, table: 5, srcLen: 24 }),
    rule(RTM.RTM_NEWRULE, NEW, { family: 2, action: 1, table: 5, dstLen: 8 }, attr(1, Uint8Array.of(10, 0, 0, 0)), attrU32(14, 0)),
    rule(RTM.RTM_NEWRULE, NEW, { family: 2, action: 1, table: 5, tos: 3 }),
    rule(RTM.RTM_NEWRULE, NEW, { family: 7, action: 1, table: 5 }),
    rule(RTM.RTM_NEWRULE, NEW, { family: 128, action: 1, table: 5 }, attrU32(6, 10)),
    { type: RTM.RTM_NEWRULE, flags: NEW, payload: Uint8Array.of(2, 0, 0) },
    rule(RTM.RTM_GETRULE, D, { family: 0 }),
    getRoute({ dstLen: 32, flags: 0x1000 }, dst('10.0.0.1')),
    rule(RTM.RTM_DELRULE, DEL, { family: 2, table: 100 }, attrU32(6, 1000)),
    rule(RTM.RTM_DELRULE, DEL, { family: 2 }, attrU32(6, 77)),
    rule(RTM.RTM_DELRULE, DEL, { family: 2 }, attrU32(6, 0)),
    rule(RTM.RTM_DELRULE, DEL, { family: 10, table: 200 }),
    rule(RTM.RTM_GETRULE, D, { family: 2 }),
    getRoute({ dstLen: 32, flags: 0x1000 }, dst('10.0.0.1')),
    getRoute({ dstLen: 32 }, dst('10.0.0.1')),
  ]],
  ['lookups with a source (RTA_SRC): rules that select on it, local and foreign sources, errors', [
    createLink('i0', 'ifb'), up(1), up(2), addAddr(2, '10.0.0.1/24'), addAddr(2, '10.0.0.2/24'),
    addRoute({ table: 100 }, dst('10.50.0.0'), gw('10.0.0.254')), addRoute({ dstLen: 0, table: 100 }, gw('10.0.0.253')),
    rule(RTM.RTM_NEWRULE, NEW, { family: 2, table: 100, srcLen: 32, action: 1 }, attr(2, Uint8Array.of(10, 0, 0, 1)), attrU32(6, 100)),
    getRoute({ dstLen: 32, srcLen: 32 }, dst('10.50.1.1'), src('10.0.0.1')),
    getRoute({ dstLen: 32, srcLen: 32 }, dst('10.50.1.1'), src('10.0.0.2')),
    getRoute({ dstLen: 32, srcLen: 32 }, dst('10.0.0.7'), src('10.0.0.1')),
    getRoute({ dstLen: 32, srcLen: 32 }, dst('10.0.0.7'), src('10.0.0.2')),
    getRoute({ dstLen: 32, srcLen: 32 }, dst('127.0.0.1'), src('10.0.0.2')),
    getRoute({ dstLen: 32, srcLen: 32, flags: 0x1000 }, dst('10.99.0.1'), src('10.0.0.1')),
    getRoute({ dstLen: 32, srcLen: 32 }, dst('10.50.1.1'), src('10.0.0.9')),
    getRoute({ dstLen: 32, srcLen: 32 }, dst('10.50.1.1'), src('224.0.0.1')),
    getRoute({ srcLen: 32 }, src('10.0.0.2')),
  ]],
  ['strict rule dumps', [
    rule(RTM.RTM_GETRULE, D, { family: 2 }), rule(RTM.RTM_GETRULE, D, { family: 2, table: 1 }), rule(RTM.RTM_GETRULE, D, { family: 10, action: 1 }),
    rule(RTM.RTM_GETRULE, D, { family: 2 }, attrU32(6, 1)), { type: RTM.RTM_GETRULE, flags: D, payload: Uint8Array.of(2) },
  ], { strict: true }],
];

describeKernel('RTM_*RULE: simulator and Linux, message for message', (openNamespace) => {
  it.each(scenarios)('%s', async (_name, steps, options) => {
    const ns = openNamespace();
    try {
      const real = await runScenario(ns, steps, { real: true, groups, ...options });
      const sim = await runScenario(createHostKernel(), steps, { real: false, groups, ...options });
      for (let i = 0; i < steps.length; i++) {
        expect({ step: i + 1, replies: sim.replies[i] }).toEqual({ step: i + 1, replies: real.replies[i] });
        expect({ step: i + 1, notifications: sim.notifications[i] }).toEqual({ step: i + 1, notifications: real.notifications[i] });
      }
    } finally {
      ns.close();
    }
  });
});
