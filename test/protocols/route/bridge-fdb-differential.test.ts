/**
 * The bridge forwarding database (net/bridge/br_fdb.c) as rtnetlink shows it, simulator
 * against Linux, message for message: the local (permanent) entries of the bridge and its
 * ports with their AF_BRIDGE RTM_NEWNEIGH/RTM_DELNEIGH on RTNLGRP_NEIGH (creation, enslave,
 * the bridge adopting the lowest port address, nomaster, deletion), `bridge fdb show`
 * (rtnl_fdb_dump(): br_fdb_dump() and each device's own address lists, ndo_dflt_fdb_dump(),
 * with its filters, strict and not), `bridge fdb add/del/replace/get` of static and permanent
 * entries on ports and `self` entries on devices, with their errors.
 *
 * The ports' peers stay down or have addrgenmode none and no IPv4 traffic, so no entry is
 * learned from traffic on Linux (nlsim sends no packets). A bridge created without an address
 * has a random one, masked; NDA_CACHEINFO's ages are masked by the renderer.
 */
import { expect, it } from 'vitest';
import { IFF, IFLA, IFLA_INFO, RTM, RTNLGRP, VETH_INFO_PEER } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { bridgeOutcome } from './bridge-masks.js';
import { byMessage, describeScenarios, isFlushedMcastNeighbour, sortRuns, type ScenarioCase } from './compare-scenario.js';
import { datagramsOf, runScenario, type Step, wait } from './link-differential.js';
import { ifinfo } from './route-backend.js';
import { group, ndmsg } from './rt-steps.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const ACK = NLM_F_REQUEST | NLM_F_ACK;
const D = NLM_F_REQUEST | NLM_F_DUMP;
const NUD_NOARP = 0x40;
const NUD_PERMANENT = 0x80;
const NTF_SELF = 0x02;
const NTF_MASTER = 0x04;
const NTF_STICKY = 0x40;
const NDA_LLADDR = 2;
const NDA_VLAN = 5;
const NDA_IFINDEX = 8;
const NDA_MASTER = 9;

const mac = (n: number) => Uint8Array.of(2, 0, 0, 0, 0, n);
const linkinfo = (kind: string, ...data: Uint8Array[]) =>
  attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, kind), ...(data.length ? [attr(IFLA_INFO.IFLA_INFO_DATA, concat(...data))] : [])));
const bridge = (name: string, ...extra: Uint8Array[]): Step => ({ type: RTM.RTM_NEWLINK, flags: NEW, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, name), ...extra, linkinfo('bridge')) });
/** A veth pair with fixed addresses; the peer gets addrgenmode none (no IPv6 traffic to learn from). */
const vethPair = (a: string, b: string, n: number): Step => ({
  type: RTM.RTM_NEWLINK,
  flags: NEW,
  payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, a), attr(IFLA.IFLA_ADDRESS, mac(n)), linkinfo('veth', attr(VETH_INFO_PEER, ifinfo({}, attrString(IFLA.IFLA_IFNAME, b), attr(IFLA.IFLA_ADDRESS, mac(n + 1)))))),
});
const up = (index: number): Step => ({ type: RTM.RTM_SETLINK, flags: ACK, payload: ifinfo({ index, flags: IFF.IFF_UP, change: IFF.IFF_UP }) });
const down = (index: number): Step => ({ type: RTM.RTM_SETLINK, flags: ACK, payload: ifinfo({ index, flags: 0, change: IFF.IFF_UP }) });
const master = (index: number, m: number): Step => ({ type: RTM.RTM_SETLINK, flags: ACK, payload: ifinfo({ index }, attrU32(IFLA.IFLA_MASTER, m)) });
const del = (index: number): Step => ({ type: RTM.RTM_DELLINK, flags: ACK, payload: ifinfo({ index }) });
const setAddress = (index: number, a: Uint8Array): Step => ({ type: RTM.RTM_SETLINK, flags: ACK, payload: ifinfo({ index }, attr(IFLA.IFLA_ADDRESS, a)) });
const genModeNone = (index: number): Step => ({ type: RTM.RTM_SETLINK, flags: ACK, payload: ifinfo({ index }, attr(26, attr(10, attr(8, Uint8Array.of(1))))) });
/** fdb builds an AF_BRIDGE neighbour request: ndmsg, NDA_LLADDR, more attributes. */
const fdb = (type: number, flags: number, m: Parameters<typeof ndmsg>[0], lladdr: Uint8Array | null, ...attrs: Uint8Array[]): Step => ({
  type,
  flags,
  payload: concat(ndmsg({ family: 7, ...m }), ...(lladdr ? [attr(NDA_LLADDR, lladdr)] : []), ...attrs),
});
const fdbDump = (m: Parameters<typeof ndmsg>[0] = {}, ...attrs: Uint8Array[]): Step => fdb(RTM.RTM_GETNEIGH, D, m, null, ...attrs);
/** The legacy dump request `bridge fdb show br X` of old iproute2: ifinfomsg with IFLA_MASTER. */
const legacyDump = (index: number, br: number): Step => ({ type: RTM.RTM_GETNEIGH, flags: D, payload: ifinfo({ family: 7, index }, ...(br ? [attrU32(IFLA.IFLA_MASTER, br)] : [])) });

// Indexes: b0 2; the first pair's peer v1 3 and v0 4; a second pair w1 5, w0 6.
const scenarios: ScenarioCase[] = [
  ['local entries: bridge creation, enslave (the bridge adopts the port address), a lower port, nomaster, deletions', [
    bridge('b0'), fdbDump(), vethPair('v0', 'v1', 0x10), genModeNone(3), master(4, 2), fdbDump(),
    vethPair('w0', 'w1', 0x08), genModeNone(5), master(6, 2), fdbDump(), master(6, 0), fdbDump(), master(6, 2), del(6), fdbDump(),
    del(4), fdbDump(), del(2), fdbDump(),
  ]],
  ['a bridge created with an address keeps it; ports add their own entries', [
    bridge('b0', attr(IFLA.IFLA_ADDRESS, mac(0x30))), vethPair('v0', 'v1', 0x10), genModeNone(3), master(4, 2), fdbDump(),
    vethPair('w0', 'w1', 0x30), genModeNone(5), master(6, 2), fdbDump(), master(6, 0), fdbDump(), del(2), fdbDump(),
  ]],
  // After a carrier comes, a link-local address's DAD takes 1–2 s (a random delay up to
  // rtr_solicit_delay, then one probe) before the router solicitation whose ff02::2 neighbour
  // the next carrier loss flushes; 3 s leave a busy machine's Linux time to get there.
  ['address lists in dumps: devices down, up without carrier, up with carrier, down again', [
    bridge('b0'), vethPair('v0', 'v1', 0x10), genModeNone(3), master(4, 2), wait(1100), fdbDump(), up(2), fdbDump(), up(4), fdbDump(), up(3), wait(3000), fdbDump(),
    down(4), wait(1100), fdbDump(), up(4), wait(3000), fdbDump(), down(2), wait(1100), fdbDump(), up(2), wait(3000), fdbDump(),
  ]],
  ['fdb add, replace, get and del on a port and on the bridge, with errors', [
    bridge('b0', attr(IFLA.IFLA_ADDRESS, mac(0x30))), vethPair('v0', 'v1', 0x10), genModeNone(3), master(4, 2),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_NOARP, flags: NTF_MASTER }, mac(0x41)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_PERMANENT, flags: NTF_MASTER }, mac(0x42)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_NOARP, flags: NTF_MASTER }, mac(0x41)),
    fdb(RTM.RTM_NEWNEIGH, ACK | NLM_F_CREATE | NLM_F_REPLACE, { index: 4, state: NUD_PERMANENT, flags: NTF_MASTER }, mac(0x41)),
    fdb(RTM.RTM_NEWNEIGH, ACK | NLM_F_CREATE | NLM_F_REPLACE, { index: 4, state: NUD_PERMANENT, flags: NTF_MASTER }, mac(0x41)),
    fdb(RTM.RTM_NEWNEIGH, ACK | NLM_F_CREATE, { index: 4, state: NUD_NOARP, flags: NTF_MASTER | NTF_STICKY }, mac(0x43)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_NOARP }, mac(0x44)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD_NOARP, flags: NTF_SELF }, mac(0x45)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD_PERMANENT }, mac(0x46)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_NOARP, flags: NTF_MASTER }, mac(0x10)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_NOARP, flags: NTF_MASTER }, Uint8Array.of(1, 0, 0x5e, 0, 0, 9)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_NOARP, flags: NTF_MASTER }, new Uint8Array(6)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_NOARP, flags: NTF_MASTER }, Uint8Array.of(2, 0, 0)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_NOARP, flags: NTF_MASTER }, null),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 0, state: NUD_NOARP, flags: NTF_MASTER }, mac(0x47)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 9, state: NUD_NOARP, flags: NTF_MASTER }, mac(0x47)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_NOARP, flags: NTF_MASTER }, mac(0x47)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_NOARP, flags: NTF_MASTER }, mac(0x47), attr(NDA_VLAN, Uint8Array.of(5, 0))),
    fdbDump(),
    fdb(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { index: 4 }, mac(0x41), attrU32(NDA_MASTER, 2)),
    fdb(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { index: 4, flags: NTF_MASTER }, mac(0x41)),
    fdb(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { index: 0 }, mac(0x41), attrU32(NDA_MASTER, 2)),
    fdb(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { index: 4, flags: NTF_MASTER }, mac(0x99)),
    fdb(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { index: 4, flags: NTF_MASTER }, mac(0x30)),
    fdb(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { index: 2, flags: NTF_MASTER }, mac(0x30)),
    fdb(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { index: 0 }, mac(0x30), attrU32(NDA_MASTER, 2)),
    fdb(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { index: 3, flags: NTF_SELF }, mac(0x41)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 4, flags: NTF_MASTER }, mac(0x41)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 4, flags: NTF_MASTER }, mac(0x41)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 4 }, mac(0x42)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 4, flags: NTF_MASTER }, mac(0x10)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 2, flags: NTF_MASTER }, mac(0x30)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 2, flags: NTF_SELF }, mac(0x45)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 3, flags: NTF_MASTER }, mac(0x41)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 0, flags: NTF_MASTER }, mac(0x41)),
    fdbDump(),
    master(4, 0), fdbDump(),
  ]],
  ['self entries: device address lists (unicast and multicast), their errors and notifications', [
    vethPair('v0', 'v1', 0x10), genModeNone(2), up(3),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT, flags: NTF_SELF }, mac(0x51)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT, flags: NTF_SELF }, mac(0x51)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: 0, flags: NTF_SELF }, mac(0x52)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_NOARP, flags: NTF_SELF }, mac(0x53)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT, flags: NTF_SELF }, Uint8Array.of(1, 0, 0x5e, 0, 0, 9)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT, flags: NTF_SELF }, Uint8Array.of(0x33, 0x33, 0, 0, 0, 1)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT, flags: NTF_SELF }, mac(0x54), attr(NDA_VLAN, Uint8Array.of(5, 0))),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT, flags: NTF_MASTER }, mac(0x55)),
    fdb(RTM.RTM_NEWNEIGH, NEW, { index: 1, state: NUD_PERMANENT, flags: NTF_SELF }, mac(0x56)),
    fdbDump(), fdbDump({ index: 3 }),
    fdb(RTM.RTM_GETNEIGH, NLM_F_REQUEST, { index: 3, flags: NTF_SELF }, mac(0x51)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 3, flags: NTF_SELF }, mac(0x51)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 3, flags: NTF_SELF }, mac(0x51)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 3 }, Uint8Array.of(1, 0, 0x5e, 0, 0, 9)),
    fdb(RTM.RTM_DELNEIGH, ACK, { index: 3, flags: NTF_SELF }, mac(0x56), attr(NDA_VLAN, Uint8Array.of(5, 0))),
    down(3), fdbDump(), del(2), fdbDump(),
  ]],
  ['address changes: a port (br_fdb_changeaddr(), the bridge following it), then the bridge itself (br_set_mac_address())', [
    bridge('b0'), vethPair('v0', 'v1', 0x10), genModeNone(3), master(4, 2), fdbDump(),
    setAddress(4, mac(0x20)), fdbDump(), setAddress(4, mac(0x08)), fdbDump(), setAddress(2, mac(0x40)), fdbDump(),
    setAddress(4, mac(0x09)), fdbDump(), setAddress(2, mac(0x09)), fdbDump(), master(4, 0), fdbDump(),
  ]],
  ['dump filters, not strict', [
    bridge('b0', attr(IFLA.IFLA_ADDRESS, mac(0x30))), vethPair('v0', 'v1', 0x10), genModeNone(3), master(4, 2),
    fdbDump({ index: 4 }), fdbDump({}, attrU32(NDA_MASTER, 2)), fdbDump({ index: 3 }, attrU32(NDA_MASTER, 2)), fdbDump({}, attrU32(NDA_MASTER, 3)),
    fdbDump({}, attrU32(NDA_MASTER, 9)), fdbDump({}, attrU32(NDA_IFINDEX, 4)), fdbDump({ state: 2, flags: 4 }),
    legacyDump(0, 2), legacyDump(4, 0), legacyDump(0, 9), { type: RTM.RTM_GETNEIGH, flags: D, payload: Uint8Array.of(7) },
  ]],
  ['dump filters, strict', [
    bridge('b0', attr(IFLA.IFLA_ADDRESS, mac(0x30))), vethPair('v0', 'v1', 0x10), genModeNone(3), master(4, 2),
    fdbDump({ index: 4 }), fdbDump({}, attrU32(NDA_MASTER, 2)), fdbDump({}, attrU32(NDA_IFINDEX, 4)), fdbDump({}, attrU32(NDA_MASTER, 9)),
    fdbDump({ state: 2 }), fdbDump({ flags: 4 }), fdbDump({}, attrU32(NDA_VLAN, 1)), fdbDump({}, attr(NDA_MASTER, Uint8Array.of(2))),
    legacyDump(0, 2), { type: RTM.RTM_GETNEIGH, flags: D, payload: Uint8Array.of(7) },
  ], { strict: true }],
];

/** maskRandom hides the random address of a bridge created without one (and its link-local-derived lines). */
function maskRandom(lines: string[]): string[] {
  return lines.map((l) => l.replace(/\b(?!020000|3333|01005e)[0-9a-f]{12}\b/g, '<random-mac>'));
}

describeScenarios('bridge FDB: simulator and Linux, message for message', scenarios, {
  groups: group(RTNLGRP.RTNLGRP_NEIGH) | group(RTNLGRP.RTNLGRP_LINK),
  mask: bridgeOutcome,
  replies: maskRandom,
  notifications: (lines) => sortRuns(byMessage(maskRandom(lines)), isFlushedMcastNeighbour),
  // Guard: Linux reported FDB entries (AF_BRIDGE neighbour messages) in this scenario.
  guard: (real, expect) => expect([...real.replies.flat(), ...real.notifications.flat()].filter((l) => l.includes('ndmsg fam=7')).length).toBeGreaterThan(3),
});

/** The devices of the dump test: a bridge with an address and a port whose peer stays quiet. */
const manySetup: Step[] = [bridge('b0', attr(IFLA.IFLA_ADDRESS, mac(0x30))), vethPair('v0', 'v1', 0x10), genModeNone(3), master(4, 2)];
/**
 * Many static entries on a port: the dump spans datagrams (4 KiB and 32 KiB reads) and resumes
 * inside a device's share. Adding an entry is synchronous (no timer or linkwatch work), so
 * Linux is not given time between these requests.
 */
const many: Step[] = [
  ...Array.from({ length: 180 }, (_, i) => fdb(RTM.RTM_NEWNEIGH, NEW, { index: 4, state: NUD_NOARP, flags: NTF_MASTER }, Uint8Array.of(2, 0, 0, 1, i >> 8, i & 0xff))),
  ...Array.from({ length: 20 }, (_, i) => fdb(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT, flags: NTF_SELF }, Uint8Array.of(2, 0, 0, 2, 0, i))),
];

describeKernel('bridge FDB dumps across datagrams: simulator and Linux', (openNamespace) => {
  it('splits and resumes where Linux does', async () => {
    const ns = openNamespace();
    try {
      const sim = createHostKernel();
      await runScenario(ns, manySetup, { real: true, groups: 0 });
      await runScenario(sim, manySetup, { real: false, groups: 0 });
      await runScenario(ns, many, { real: false, groups: 0 });
      await runScenario(sim, many, { real: false, groups: 0 });
      for (const size of [4096, 32768]) {
        for (const step of [fdbDump(), fdbDump({}, attrU32(NDA_MASTER, 2)), legacyDump(4, 0)]) {
          expect({ size, datagrams: datagramsOf(sim, step, size) }).toEqual({ size, datagrams: datagramsOf(ns, step, size) });
        }
      }
    } finally {
      ns.close();
    }
  }, 60_000);
});
