/**
 * The neighbour timer (neigh_timer_handler()) on the simulator's manual clock, for what Linux
 * takes too long or too randomly to compare: a REACHABLE entry decays to STALE exactly when
 * the device's reachable_time (the one RTM_GETNEIGHTBL reports, 15–45 s) plus the handler's
 * 10 ms re-check have passed since it was confirmed, with an RTM_NEWNEIGH; an unanswered
 * PROBE entry fails exactly three seconds after it began; deleting an entry or taking its
 * device down stops its timer. DELAY and PROBE entries whose probes could be answered (a
 * veth peer with that very address, a bridge port) are refused with EOPNOTSUPP.
 */
import { describe, expect, it } from 'vitest';
import { RTM, RTNLGRP } from '../../../protocols/route/core/uapi.js';
import { createKernel } from '../../../protocols/index.js';
import { NETLINK_ROUTE, NLM_F_DUMP, NLM_F_REQUEST, SOCK_RAW } from '../../../sim/uapi/netlink.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { decodeMessages } from '../../../sim/wire/messages.js';
import { attr, attrString, concat } from '../../helpers/exchange.js';
import { runScenario, type Step, wait } from './link-differential.js';
import { ifinfo } from './route-backend.js';
import { addAddr, createLink, down, group, neigh, NEW, up } from './rt-steps.js';

const mac = (n: number) => Uint8Array.of(2, 0, 0, 0, 0, n);
const NUD = { REACHABLE: 0x02, STALE: 0x04, DELAY: 0x08, PROBE: 0x10 };
const dump = neigh(RTM.RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, { family: 0 }, null);
const dump4 = neigh(RTM.RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, { family: 2 }, null);
const groups = group(RTNLGRP.RTNLGRP_NEIGH);
const states = (lines: string[]) => lines.filter((l) => l.startsWith('  ndmsg')).map((l) => /state=(0x[0-9a-f]+)/.exec(l)![1]!);

/** arpReachableTime reads the device's ARP reachable_time from RTM_GETNEIGHTBL (NDTA_PARMS with NDTPA_IFINDEX). */
function arpReachableTime(kernel: ReturnType<typeof createKernel>, ifindex: number): number {
  const s = kernel.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    s.bind({ pid: 0, groups: 0 });
    s.sendto(encodeMessage({ type: RTM.RTM_GETNEIGHTBL, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 1, pid: 0 }, Uint8Array.of(2, 0, 0, 0)), { pid: 0, groups: 0 });
    for (;;) {
      for (const m of decodeMessages(s.recvmsg({ bufferSize: 65536 }).data)) {
        if (m.header.type !== RTM.RTM_NEWNEIGHTBL) throw new Error(`no ARP parameters for ifindex ${ifindex}`);
        const parms = attrsToArray(m.payload, 4).find((a) => a.type === 6);
        if (!parms) continue;
        const p = attrsToArray(parms.payload);
        const idx = p.find((a) => a.type === 1);
        if (idx && new DataView(idx.payload.buffer, idx.payload.byteOffset).getUint32(0, true) === ifindex) {
          const r = p.find((a) => a.type === 3)!.payload;
          return Number(new DataView(r.buffer, r.byteOffset).getBigUint64(0, true));
        }
      }
    }
  } finally {
    s.close();
  }
}

describe('neighbour timers on the manual clock', () => {
  it('REACHABLE decays to STALE after the device reachable_time and 10 ms, with a notification', async () => {
    const kernel = createKernel({ clock: 'manual' });
    await runScenario(kernel, [createLink('i0', 'veth'), addAddr(2, '10.0.0.1/24')], { real: false });
    const reach = arpReachableTime(kernel, 2);
    expect(reach).toBeGreaterThanOrEqual(15000);
    expect(reach).toBeLessThan(45000);
    const out = await runScenario(kernel, [
      neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD.REACHABLE }, '10.0.0.2', mac(2)), wait(reach), wait(9), dump, wait(1), dump, wait(600000), dump,
    ], { real: false, groups });
    expect(out.notifications[0]!.join('\n')).toContain('refcnt=2');
    expect(out.notifications.slice(1, 4).flat()).toEqual([]);
    expect(states(out.replies[3]!)).toEqual(['0x2']);
    expect(out.replies[3]!.join('\n')).toContain('refcnt=1');
    // The decay: RTM_NEWNEIGH STALE on the running timer's reference, then no timer.
    expect(states(out.notifications[4]!)).toEqual(['0x4']);
    expect(out.notifications[4]!.join('\n')).toContain('refcnt=1');
    expect(states(out.replies[5]!)).toEqual(['0x4']);
    expect(out.replies[5]!.join('\n')).toContain('refcnt=0');
    // STALE has no timer: nothing more happens (the garbage collector needs 128 entries).
    expect(out.notifications[6]!).toEqual([]);
    expect(states(out.replies[7]!)).toEqual(['0x4']);
  });

  it('an IPv6 REACHABLE entry decays after the inet6_dev reachable_time; changing it to STALE stops the timer', async () => {
    const kernel = createKernel({ clock: 'manual' });
    const out = await runScenario(kernel, [
      createLink('i0', 'veth'),
      neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD.REACHABLE }, '2001:db8::2', mac(2)),
      neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD.REACHABLE }, '2001:db8::3', mac(3)),
      neigh(RTM.RTM_NEWNEIGH, 0x105, { index: 2, state: NUD.STALE }, '2001:db8::3'), wait(14000), dump, wait(32000), dump,
    ], { real: false, groups });
    expect(out.notifications[3]!.join('\n')).toMatch(/state=0x4[^]*refcnt=1/);
    expect(states(out.replies[5]!)).toEqual(['0x2', '0x4']);
    expect(states(out.notifications[6]!)).toEqual(['0x4']);
    expect(states(out.replies[7]!)).toEqual(['0x4', '0x4']);
  });

  it('PROBE fails exactly three seconds after it began, with probes 3; deletion and link down stop timers', async () => {
    const kernel = createKernel({ clock: 'manual' });
    const out = await runScenario(kernel, [
      createLink('i0', 'veth'), addAddr(2, '10.0.0.1/24'),
      neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD.PROBE }, '10.0.0.2', mac(2)), wait(1), dump, wait(2998), wait(1), dump,
      neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD.PROBE }, '10.0.0.3', mac(3)),
      neigh(RTM.RTM_DELNEIGH, 5, { index: 2 }, '10.0.0.3'),
      neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD.REACHABLE }, '10.0.0.4', mac(4)),
      up(2), down(2), wait(60000),
    ], { real: false, groups });
    expect(out.notifications[2]!.join('\n')).toMatch(/state=0x10[^]*PROBES 00000000[^]*refcnt=2/);
    expect(out.replies[4]!.join('\n')).toMatch(/PROBES 01000000[^]*refcnt=1/);
    expect(out.notifications[5]!).toEqual([]);
    expect(states(out.notifications[6]!)).toEqual(['0x20']);
    expect(out.notifications[6]!.join('\n')).toMatch(/PROBES 03000000[^]*refcnt=1/);
    expect(out.replies[7]!.join('\n')).toMatch(/state=0x20[^]*refcnt=0/);
    // Deleted while probing: FAILED, then gone; link down flushes REACHABLE; no timer fires later.
    expect(states(out.notifications[9]!)).toEqual(['0x20', '0x20']);
    expect(states(out.notifications[12]!)).toEqual(expect.arrayContaining(['0x2', '0x20']));
    expect(out.notifications[13]!).toEqual([]);
  });

  it('NTF_USE: an IPv6 INCOMPLETE entry solicits the solicited-node group, leaving its NOARP entry, once a link-local address can send', async () => {
    const kernel = createKernel({ clock: 'manual' });
    const dump6 = neigh(RTM.RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, { family: 10 }, null);
    const use = (a: string) => neigh(RTM.RTM_NEWNEIGH, 0x505, { index: 2, flags: 0x01 }, a);
    const out = await runScenario(kernel, [
      createLink('i0', 'veth'), use('2001:db8::4'), dump6, wait(3000), up(2), up(3), wait(2500), dump6, use('2001:db8::5'), dump6,
    ], { real: false, groups });
    // Entries of i0p (index 2) for a solicited-node group.
    const solicited = (lines: string[]) => lines.join('\n').split('nlmsg').filter((m) => m.includes('index=2 ') && m.includes('DST ff02::1:ff<solicited>')).length;
    // Down: no link-local address, nothing sent.
    expect(out.replies[2]!.join('\n')).toMatch(/state=0x1 [^]*DST 2001:db8:0:0:0:0:0:4/);
    expect(solicited(out.replies[2]!)).toBe(0);
    // Up: the link-local's own group, then the target's (ff02::1:ff00:5).
    expect(states(out.notifications[3]!)).toEqual(['0x20']);
    expect(solicited(out.replies[7]!)).toBe(1);
    expect(solicited(out.replies[9]!)).toBe(2);
    expect(out.notifications[8]!).toEqual([]);
  });

  const refused: [string, Step[], Step][] = [
    ['to the veth peer address', [createLink('i0', 'veth', attr(1, mac(1))), up(2), up(3)], neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD.PROBE }, '10.0.0.2', mac(1))],
    ['through a bridge port', [createLink('i0', 'veth'), { type: RTM.RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(3, 'br0'), attr(18, attrString(1, 'bridge'))) },
      { type: RTM.RTM_SETLINK, flags: 5, payload: ifinfo({ index: 3 }, concat(attr(10, Uint8Array.of(4, 0, 0, 0)))) }, up(2), up(3), up(4)],
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD.DELAY }, '10.0.0.2', mac(9))],
  ];
  it.each(refused)('DELAY and PROBE probes that could be answered are refused: %s', async (_name, setup, request) => {
    const kernel = createKernel({ clock: 'manual' });
    const out = await runScenario(kernel, [...setup, request, dump4], { real: false, groups });
    for (const r of out.replies.slice(0, setup.length)) expect(r.join('\n')).toContain('nlmsg type=2 len=36');
    const reply = out.replies[setup.length]!.join('\n');
    expect(reply).toContain('a1ffffff'); // -EOPNOTSUPP
    expect(Buffer.from(reply.split(' ').at(-1)!, 'hex').toString()).toContain('nlsim: DELAY and PROBE');
    expect(out.replies[setup.length + 1]!.join('\n')).not.toContain('DST 10.0.0.2');
  });
});
