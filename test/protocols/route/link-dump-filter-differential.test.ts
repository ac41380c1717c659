/**
 * RTM_GETLINK dumps filtered by IFLA_MASTER and IFLA_LINKINFO's IFLA_INFO_KIND
 * (rtnl_dump_ifinfo() → link_dump_filtered()), as `ip link show master br0` and
 * `ip link show type veth` send them: which links come back, NLM_F_DUMP_FILTERED on each
 * message, and what an unknown kind, a missing master or a malformed filter does, with and
 * without NETLINK_GET_STRICT_CHK, on the simulator and on Linux.
 */
import { expect, it } from 'vitest';
import { IFLA, IFLA_INFO, RTM_GETLINK, RTM_NEWLINK, VETH_INFO_PEER } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { describeKernel } from '../../helpers/backends.js';
import { attr, attrString, attrU32, concat } from '../../helpers/exchange.js';
import { runScenario, type Step } from './link-differential.js';
import { ifinfo } from './route-backend.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const AF_PACKET = 17;
const kindAttr = (kind: string) => attr(IFLA.IFLA_LINKINFO, attrString(IFLA_INFO.IFLA_INFO_KIND, kind));
const create = (name: string, kind: string, ...attrs: Uint8Array[]): Step => ({
  type: RTM_NEWLINK,
  flags: NEW,
  payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, name), ...attrs, kindAttr(kind)),
});
const master = (index: number) => attrU32(IFLA.IFLA_MASTER, index);
/** dump is a link dump as iproute2 sends it: family AF_PACKET, IFLA_EXT_MASK RTEXT_FILTER_VF, then the filters. */
const dump = (...attrs: Uint8Array[]): Step => ({
  type: RTM_GETLINK,
  flags: NLM_F_REQUEST | NLM_F_DUMP,
  payload: ifinfo({ family: AF_PACKET }, attrU32(IFLA.IFLA_EXT_MASK, 1), ...attrs),
});

// b0 is 2, the veth pair's peer v1 is 3 and v0 4 (a port of b0), ifb i0 5 (a port of b0), bridge b1 6.
const setup: Step[] = [
  create('b0', 'bridge'),
  {
    type: RTM_NEWLINK,
    flags: NEW,
    payload: ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v0'), master(2),
      attr(IFLA.IFLA_LINKINFO, concat(attrString(IFLA_INFO.IFLA_INFO_KIND, 'veth'), attr(IFLA_INFO.IFLA_INFO_DATA, attr(VETH_INFO_PEER, ifinfo({}, attrString(IFLA.IFLA_IFNAME, 'v1'))))))),
  },
  create('i0', 'ifb', master(2)),
  create('b1', 'bridge'),
];

const dumps: [string, Step][] = [
  ['master b0', dump(master(2))],
  ['master b1 (no ports)', dump(master(6))],
  ['master v0 (not a master)', dump(master(4))],
  ['master 99 (no such device)', dump(master(99))],
  ['master -1 (devices without a master)', dump(master(0xffffffff))],
  ['master 0 (no filter)', dump(master(0))],
  ['type veth', dump(kindAttr('veth'))],
  ['type bridge', dump(kindAttr('bridge'))],
  ['type ifb', dump(kindAttr('ifb'))],
  ['type bridge_slave (not a kind: no filter)', dump(kindAttr('bridge_slave'))],
  ['type nosuchkind (no filter)', dump(kindAttr('nosuchkind'))],
  ['IFLA_LINKINFO without a kind', dump(attr(IFLA.IFLA_LINKINFO, attrU32(IFLA_INFO.IFLA_INFO_DATA, 0)))],
  ['IFLA_LINKINFO with a malformed nest', dump(attr(IFLA.IFLA_LINKINFO, Uint8Array.of(3, 0, 1, 0)))],
  ['master b0 and type veth', dump(master(2), kindAttr('veth'))],
  ['master b0 and type bridge', dump(kindAttr('bridge'), master(2))],
  ['a short IFLA_MASTER', dump(attr(IFLA.IFLA_MASTER, Uint8Array.of(2, 0)))],
  ['family AF_UNSPEC, master b0, SKIP_STATS', { type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: ifinfo({}, attrU32(IFLA.IFLA_EXT_MASK, 8), master(2)) }],
  ['an rtgenmsg-sized request (no filter possible)', { type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, payload: Uint8Array.of(AF_PACKET, 0, 0, 0) }],
];

describeKernel('RTM_GETLINK dumps filtered by master and kind: simulator and Linux', (openNamespace) => {
  it.each([false, true])('strict checking %s', async (strict) => {
    const ns = openNamespace();
    try {
      const steps = [...setup, ...dumps.map(([, s]) => s)];
      const real = await runScenario(ns, steps, { real: true, strict, groups: 0 });
      const sim = await runScenario(createHostKernel(), steps, { real: false, strict, groups: 0 });
      for (let i = 0; i < steps.length; i++) {
        const name = i < setup.length ? `setup ${i + 1}` : dumps[i - setup.length]![0];
        expect({ name, replies: sim.replies[i] }).toEqual({ name, replies: real.replies[i] });
      }
      // Guard against agreeing on nothing: `master b0` answers v0 and i0, flagged NLM_F_MULTI | NLM_F_DUMP_FILTERED.
      const headers = real.replies[setup.length]!.filter((l) => l.startsWith('nlmsg type=16 '));
      expect(headers.map((l) => / flags=(\d+)/.exec(l)![1])).toEqual(['34', '34']);
    } finally {
      ns.close();
    }
  }, 60_000);
});
