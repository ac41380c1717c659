import { expect, it } from 'vitest';
import { IFF, IFLA, IFLA_INFO, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK, VETH_INFO_PEER } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { describeScenarios, type ScenarioCase } from './compare-scenario.js';
import { datagramsOf, runScenario, type Step } from './link-differential.js';
import { ifinfo } from './route-backend.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const linkinfo = (kind: string, ...data: Uint8Array[]) =>
  attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, kind), ...(data.length ? [attr(IFLA_INFO.IFLA_INFO_DATA, concat(...data))] : [])));
const vethPeer = (m: Parameters<typeof ifinfo>[0], ...attrs: Uint8Array[]) => attr(VETH_INFO_PEER, ifinfo(m, ...attrs));
const up = (index: number): Step => ({ type: RTM_SETLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({ index, flags: IFF.IFF_UP, change: IFF.IFF_UP }) });
const down = (index: number): Step => ({ type: RTM_SETLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({ index, flags: 0, change: IFF.IFF_UP }) });
const get = (index: number): Step => ({ type: RTM_GETLINK, flags: NLM_F_REQUEST, payload: ifinfo({ index }) });
const dump: Step = { type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: ifinfo({}) };
const del = (index: number, flags = 0): Step => ({ type: RTM_DELLINK, flags: NLM_F_REQUEST | NLM_F_ACK | flags, payload: ifinfo({ index }) });
const mac = (n: number) => attr(IFLA.IFLA_ADDRESS, Uint8Array.of(2, 0, 0, 0, 0, n));
const create = (flags: number, payload: Uint8Array): Step => ({ type: RTM_NEWLINK, flags, payload });

const scenarios: ScenarioCase[] = [
  ['a veth pair with a named peer, brought up end by end, then deleted with NLM_F_ECHO', [
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v0'), linkinfo('veth', vethPeer({}, attrString(IFLA.IFLA_IFNAME, 'v1'))))),
    get(2), get(3), up(3), get(3), up(2), get(2), dump, down(2), del(3, NLM_F_ECHO), dump,
  ]],
  ['a veth pair without names (veth%d), created with NLM_F_ECHO', [
    create(NEW | NLM_F_ECHO, ifinfo({}, linkinfo('veth'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x'), attrU32(IFLA.IFLA_MTU, 9000), linkinfo('veth'))),
    dump,
  ]],
  ['a veth created up, with a peer index, MTU, txqlen and queue counts', [
    create(NEW, ifinfo({ index: 10, flags: IFF.IFF_UP, change: IFF.IFF_UP }, attrString(IFLA.IFLA_IFNAME, 'a'), attrU32(IFLA.IFLA_TXQLEN, 7), attrU32(IFLA.IFLA_NUM_TX_QUEUES, 3),
      linkinfo('veth', vethPeer({ index: 20, flags: IFF.IFF_UP }, attrString(IFLA.IFLA_IFNAME, 'b'), attrU32(IFLA.IFLA_MTU, 1400))))),
    dump, del(20),
  ]],
  ['an ifb, up and down, renamed and deleted by name', [
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'i0'), linkinfo('ifb'))),
    create(NEW | NLM_F_ECHO, ifinfo({}, linkinfo('ifb'))),
    up(2), get(2), down(2), { type: RTM_SETLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({ index: 2 }, attrString(IFLA.IFLA_IFNAME, 'renamed')) },
    { type: RTM_DELLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'renamed')) }, dump,
  ]],
  ['a bridge: created, a veth end enslaved and released with IFLA_MASTER, the other end created enslaved', [
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b0'), linkinfo('bridge'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v0'), linkinfo('veth', vethPeer({}, attrString(IFLA.IFLA_IFNAME, 'v1'))))),
    get(2), { type: RTM_SETLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({ index: 4 }, attrU32(IFLA.IFLA_MASTER, 2)) }, get(4), get(2),
    { type: RTM_SETLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({ index: 4 }, attrU32(IFLA.IFLA_MASTER, 0)) }, get(2),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'i0'), attrU32(IFLA.IFLA_MASTER, 2), linkinfo('ifb'))), dump,
  ]],
  ['a bridge up without ports, then deleted with a port; a port deleted from a bridge', [
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b0'), linkinfo('bridge'))), up(2), get(2), down(2),
    // Explicit addresses: the bridge id follows the lowest port address, so random ones would
    // make the notifications differ from run to run.
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'i0'), mac(1), attrU32(IFLA.IFLA_MASTER, 2), linkinfo('ifb'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'i1'), mac(2), attrU32(IFLA.IFLA_MASTER, 2), linkinfo('ifb'))),
    del(3), dump, del(2), dump,
    { type: RTM_SETLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({ index: 4 }, attrU32(IFLA.IFLA_MASTER, 1)) },
    { type: RTM_SETLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({ index: 4 }, attrU32(IFLA.IFLA_MASTER, 77)) },
  ]],
  ['creation errors', [
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x0'), linkinfo('nope'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x1'))),
    // Kinds whose driver the host's build may lack (this project's machines have neither):
    // "Unknown device type" without it, a new link with it, on both kernels alike.
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'd0'), linkinfo('dummy'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'b9'), linkinfo('bridge'))),
    create(NLM_F_REQUEST | NLM_F_ACK, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x2'), linkinfo('veth'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'lo'), linkinfo('veth'))),
    create(NEW, ifinfo({ index: 1 }, attrString(IFLA.IFLA_IFNAME, 'x3'), linkinfo('ifb'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'bad/name'), linkinfo('ifb'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x4'), attrU32(IFLA.IFLA_MTU, 20), linkinfo('veth'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x5'), attrU32(IFLA.IFLA_MTU, 70000), linkinfo('veth'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'x6'), attrU32(IFLA.IFLA_NUM_TX_QUEUES, 0), linkinfo('ifb'))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v0'), linkinfo('veth', vethPeer({}, attrString(IFLA.IFLA_IFNAME, 'v0'))))),
    create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v1'), linkinfo('veth', vethPeer({}, attrString(IFLA.IFLA_IFNAME, 'lo'))))),
    del(1), del(99), { type: RTM_DELLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({}) },
    { type: RTM_DELLINK, flags: NLM_F_REQUEST | NLM_F_ACK, payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'zz')) },
    create(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'i0'), linkinfo('ifb'))),
    create(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'i0'), linkinfo('ifb'))),
    dump,
  ]],
];

describeScenarios('RTM_NEWLINK / RTM_DELLINK: simulator and Linux, message for message', scenarios);

/** manyVeths creates `n` veth pairs a<i>/b<i>. */
function manyVeths(n: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) steps.push(create(NEW, ifinfo({}, attrString(IFLA.IFLA_IFNAME, `a${i}`), linkinfo('veth', vethPeer({}, attrString(IFLA.IFLA_IFNAME, `b${i}`))))));
  return steps;
}

describeKernel('RTM_GETLINK dumps of many devices: chunk for chunk as Linux', (openNamespace) => {
  it.each([
    ['20 veth pairs, default buffers', 20, undefined],
    ['20 veth pairs, a 4096-byte receive buffer per recvmsg', 20, 4096],
    ['60 veth pairs with IFLA_EXT_MASK SKIP_STATS', 60, undefined],
  ])('%s', async (_name, n, bufferSize) => {
    const ns = openNamespace();
    try {
      const steps = manyVeths(n);
      const mask = n === 60 ? [attrU32(IFLA.IFLA_EXT_MASK, 8)] : [];
      const run = async (factory: Parameters<typeof runScenario>[0]) => {
        await runScenario(factory, steps, { real: false, groups: 0 });
        return datagramsOf(factory, { type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: ifinfo({}, ...mask) }, bufferSize);
      };
      const real = await run(ns);
      const sim = await run(createHostKernel());
      expect(real.length).toBeGreaterThan(2);
      expect(sim).toEqual(real);
    } finally {
      ns.close();
    }
  });
});
