/**
 * Neighbour entries in every state user space may give (net/core/neighbour.c neigh_add() →
 * __neigh_update()), simulator against Linux: REACHABLE, STALE, DELAY, PROBE, NONE,
 * INCOMPLETE, FAILED next to NOARP and PERMANENT, with and without a link-layer address,
 * created, changed and replaced; the timer that takes a DELAY entry to PROBE at once and an
 * unanswered PROBE entry to FAILED after three probes; deletion of each state; the entries
 * the constructors make NOARP (multicast, broadcast, lo's single 0.0.0.0 entry); and the
 * flush at carrier loss. ndm_refcnt (the timer holds a reference) and NDA_PROBES are
 * compared, NDA_CACHEINFO's ages are masked. Dumps come in hash order on Linux and are
 * compared sorted. A timer that Linux runs on the next tick after a request fires in the
 * simulator at the next step's clock advance, so a step's notifications are compared
 * together with those of the wait steps after it.
 */
import { expect, it } from 'vitest';
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_REPLACE, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr } from '../../helpers/exchange.js';
import { ifinfo } from './route-backend.js';
import { runScenario, type Step, wait } from './link-differential.js';
import { addAddr, createLink, delAddr, down, group, neigh, NEW, up } from './rt-steps.js';

const mac = (n: number) => Uint8Array.of(2, 0, 0, 0, 0, n);
const D = NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK;
const ACK = NLM_F_REQUEST | NLM_F_ACK;
/** `ip neigh replace` and `ip neigh change`. */
const REPLACE = ACK | NLM_F_CREATE | NLM_F_REPLACE;
const CHANGE = ACK | NLM_F_REPLACE;
const NUD = { INCOMPLETE: 0x01, REACHABLE: 0x02, STALE: 0x04, DELAY: 0x08, PROBE: 0x10, FAILED: 0x20, NOARP: 0x40, PERMANENT: 0x80 };
const on = (index: number, state: number, flags = 0) => ({ index, state, flags });
const dump = (family: number) => neigh(RTM.RTM_GETNEIGH, D, { family }, null);
const get = (index: number, address: string) => neigh(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { index }, address);
const del = (index: number, address: string) => neigh(RTM.RTM_DELNEIGH, ACK, { index }, address);
/** IFLA_INET6_ADDR_GEN_MODE none: no link-local address, so no DAD (and its solicited-node entries) on a random delay. */
const genModeNone = (index: number): Step => ({ type: RTM.RTM_SETLINK, flags: ACK, payload: ifinfo({ index }, attr(26, attr(10, attr(8, Uint8Array.of(1))))) });

const scenarios: [string, Step[]][] = [
  ['every state on a veth without carrier: with and without an address, get, dump, delete', [
    createLink('i0', 'veth'), addAddr(2, '10.0.0.1/24'),
    ...(['REACHABLE', 'STALE', 'INCOMPLETE', 'FAILED', 'NOARP', 'PERMANENT'] as const).flatMap((s, i) => [
      neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD[s]), `10.0.0.${10 + i}`, mac(10 + i)),
      neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD[s]), `10.0.0.${20 + i}`),
    ]),
    // NUD_NONE: no notification, the entry is there; a failed add leaves its NONE entry too.
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, 0), '10.0.0.30', mac(30)), neigh(RTM.RTM_NEWNEIGH, NEW, on(2, 0), '10.0.0.31'),
    // ndm_state is a u8 to __neigh_update(): 0x100 is NONE; combined bits are kept.
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, 0x104), '10.0.0.32', mac(32)), neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.STALE | NUD.REACHABLE), '10.0.0.33', mac(33)),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, 0xffff), '10.0.0.38', mac(38)),
    // NTF_ROUTER is kept; NTF_SELF, NTF_MASTER and NTF_STICKY mean nothing here.
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.STALE, 0x80), '10.0.0.34', mac(34)), neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.STALE, 0x46), '10.0.0.35', mac(35)),
    neigh(RTM.RTM_NEWNEIGH, CHANGE, on(2, NUD.STALE), '10.0.0.34'),
    // NTF_EXT_LEARNED is set by an update that has it and cleared by one that has not, notified either way.
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.STALE, 0x10), '10.0.0.36', mac(36)), neigh(RTM.RTM_NEWNEIGH, CHANGE, on(2, NUD.STALE, 0x10), '10.0.0.36', mac(36)),
    neigh(RTM.RTM_NEWNEIGH, CHANGE, on(2, NUD.STALE), '10.0.0.36', mac(36)), neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.REACHABLE, 0x10), '10.0.0.37'),
    // Entries the constructor makes NOARP: a multicast group and the broadcast address take STALE without an address.
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.STALE), '224.0.0.7'), neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.STALE), '10.0.0.255'),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.REACHABLE), 'ff02::7'), neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.REACHABLE), '2001:db8::7', mac(7)),
    dump(2), dump(10),
    get(2, '10.0.0.10'), get(2, '10.0.0.11'), get(2, '10.0.0.12'), get(2, '10.0.0.21'), get(2, '10.0.0.30'),
    // Deleting: valid states and INCOMPLETE report FAILED first, NONE and FAILED entries just go.
    ...['10.0.0.10', '10.0.0.11', '10.0.0.12', '10.0.0.13', '10.0.0.21', '10.0.0.30', '10.0.0.31', '10.0.0.32', '224.0.0.7'].map((a) => del(2, a)),
    dump(0),
  ]],
  ['add, change and replace move an entry between states; carrier loss flushes all but PERMANENT', [
    createLink('i0', 'veth'), genModeNone(2), genModeNone(3), addAddr(2, '10.0.0.1/24'),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.STALE), '10.0.0.2', mac(2)),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.STALE), '10.0.0.2', mac(2)),
    // Without NLM_F_REPLACE a different address leaves the entry alone, the same one takes the state.
    neigh(RTM.RTM_NEWNEIGH, ACK | NLM_F_CREATE, on(2, NUD.REACHABLE), '10.0.0.2', mac(3)),
    neigh(RTM.RTM_NEWNEIGH, ACK | NLM_F_CREATE, on(2, NUD.REACHABLE), '10.0.0.2', mac(2)),
    neigh(RTM.RTM_NEWNEIGH, CHANGE, on(2, NUD.REACHABLE), '10.0.0.2'),
    neigh(RTM.RTM_NEWNEIGH, CHANGE, on(2, NUD.STALE), '10.0.0.2', mac(4)),
    neigh(RTM.RTM_NEWNEIGH, CHANGE, on(2, NUD.STALE), '10.0.0.3', mac(4)),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, NUD.REACHABLE), '10.0.0.3', mac(4)),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, NUD.INCOMPLETE), '10.0.0.3', mac(4)),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, NUD.STALE), '10.0.0.3'),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, NUD.FAILED), '10.0.0.2'),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, NUD.NOARP), '10.0.0.2'),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, NUD.PERMANENT), '10.0.0.2', mac(2)),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, NUD.REACHABLE), '10.0.0.4', mac(5), attr(12, Uint8Array.of(4))),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, NUD.STALE, 0x80), '2001:db8::4', mac(5)),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, NUD.STALE), '2001:db8::4', mac(5)),
    dump(0),
    // Both ends up: carrier, then the peer goes down and i0 loses it.
    up(3), up(2), wait(100), dump(2), down(3), wait(100), dump(2),
    // The address goes: arp_ifdown() takes PERMANENT ones too.
    delAddr(2, '10.0.0.1/24'), dump(0),
  ]],
  ['DELAY and PROBE: probes nobody answers, FAILED after three; DELAY on a fresh confirmation is REACHABLE again; lo; NTF_USE', [
    createLink('i0', 'veth'), genModeNone(2), genModeNone(3), addAddr(2, '10.0.0.1/24'), up(2), up(3), wait(100),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.DELAY), '10.0.0.2', mac(2)), wait(50),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.PROBE), '2001:db8::2', mac(2)), wait(50),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.REACHABLE), '10.0.0.3', mac(3)),
    neigh(RTM.RTM_NEWNEIGH, CHANGE, on(2, NUD.DELAY), '10.0.0.3'), wait(50),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.PROBE), '10.0.0.4'),
    get(2, '10.0.0.2'), dump(0),
    // lo: every IPv4 address is the one 0.0.0.0 entry.
    neigh(RTM.RTM_NEWNEIGH, NEW, on(1, NUD.REACHABLE), '127.0.0.5', mac(6)),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(1, NUD.PROBE), '10.9.9.9', mac(7)), wait(50),
    get(1, '127.0.0.5'), get(1, '0.0.0.0'),
    // NTF_USE ignores the state and address given: NONE, FAILED and PERMANENT (dropped) become
    // INCOMPLETE and broadcast probes nobody answers, STALE becomes DELAY, all silently.
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, NUD.REACHABLE, 0x01), '10.0.0.5', mac(5)),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.STALE), '10.0.0.6', mac(6)), neigh(RTM.RTM_NEWNEIGH, CHANGE, on(2, NUD.PERMANENT, 0x01), '10.0.0.6'),
    neigh(RTM.RTM_NEWNEIGH, NEW, on(2, NUD.PERMANENT), '10.0.0.7', mac(7)), neigh(RTM.RTM_NEWNEIGH, CHANGE, on(2, 0, 0x01), '10.0.0.7'),
    neigh(RTM.RTM_NEWNEIGH, CHANGE, on(2, NUD.STALE, 0x11), '10.0.0.3', mac(9)),
    neigh(RTM.RTM_NEWNEIGH, REPLACE, on(2, 0, 0x01), '2001:db8::5'), wait(50), dump(0),
    wait(3300), dump(0),
    del(2, '10.0.0.2'), del(1, '0.0.0.0'), del(2, '10.0.0.6'),
  ]],
];

/** sorted orders the messages of each step (each message is its header line and the indented lines after it). */
function sorted(lines: string[]): string[] {
  const msgs: string[] = [];
  for (const l of lines) {
    if (l.startsWith('nlmsg')) msgs.push(l);
    else msgs[msgs.length - 1] += `\n${l}`;
  }
  return msgs.sort();
}

/** merged gives each request step its notifications and those of the wait steps right after it. */
function merged(steps: Step[], notifications: string[][]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < steps.length; i++) {
    if (steps[i]!.type === 0 && out.length) out[out.length - 1]!.push(...notifications[i]!);
    else out.push([...notifications[i]!]);
  }
  return out;
}

describeKernel('RTM_NEWNEIGH states: simulator and Linux, message for message', (openNamespace) => {
  it.each(scenarios)('%s', async (_name, steps) => {
    const ns = openNamespace();
    const groups = group(RTNLGRP.RTNLGRP_NEIGH);
    try {
      const real = await runScenario(ns, steps, { real: true, groups });
      const sim = await runScenario(createHostKernel({ clock: 'manual' }), steps, { real: false, groups });
      const [rn, sn] = [merged(steps, real.notifications), merged(steps, sim.notifications)];
      for (let i = 0; i < steps.length; i++) expect({ step: i + 1, replies: sorted(sim.replies[i]!) }).toEqual({ step: i + 1, replies: sorted(real.replies[i]!) });
      for (let i = 0; i < rn.length; i++) expect({ request: i + 1, notifications: sorted(sn[i]!) }).toEqual({ request: i + 1, notifications: sorted(rn[i]!) });
    } finally {
      ns.close();
    }
  });
});
