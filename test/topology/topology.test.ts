/**
 * The topology format and its API: what a malformed topology is told (file, entry, field,
 * line and column), refused requests named alike on the virtual kernel and on Linux, what
 * the kernel made itself skipped on apply, loadTopology() into a namespace, and what the
 * snapshot leaves out with a warning.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, test } from 'vitest';
import { takeSnapshot } from '../../cli/commands/snapshot.js';
import {
  applyTopology,
  formatTopology,
  loadTopology,
  parseTopology,
  snapshotTopology,
  type Topology,
  TopologyError,
  validateTopology,
} from '../../protocols/route/topology/index.js';
import { createKernel } from '../../protocols/index.js';
import { NETLINK_ROUTE, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { describeBackends, describeKernel } from '../helpers/backends.js';
import { dumpState } from './dump-render.js';

const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('validateTopology', () => {
  test.for([
    [[], 'f.json: expected a JSON object, got an array'],
    [{ nlsim: 'topology/2' }, 'f.json: "nlsim": expected "topology/1" (the format version), got "topology/2"'],
    [{ links: [], nexthops: [] }, 'f.json: nexthops: unknown field (expected nlsim, links, addresses, routes, neighbours, rules)'],
    [{ rules: [{ action: 'goto' }] }, 'f.json: rules[0]: missing field "goto" (the priority to jump to)'],
    [{ rules: [{ action: 'blackhole', table: 100 }] }, 'f.json: rules[0].table: only a rule of action lookup has it'],
    [{ links: {} }, 'f.json: links: expected an array, got an object'],
    [{ links: ['eth0'] }, 'f.json: links[0]: expected an object, got "eth0"'],
    [{ links: [{ kind: 'dummy' }] }, 'f.json: links[0]: missing field "name"'],
    [{ links: [{ name: 'd0', kind: 'bond' }] }, 'f.json: links[0].kind: expected one of veth, bridge, ifb, dummy, vlan, got "bond"'],
    [{ links: [{ name: 'a-name-much-too-long' }] }, 'f.json: links[0].name: not a valid interface name: "a-name-much-too-long"'],
    [{ links: [{ name: 'd0', mtu: '1500' }] }, 'f.json: links[0].mtu: expected an integer from 0 to 4294967295, got "1500"'],
    [{ links: [{ name: 'd0', address: '02:00:zz' }] }, 'f.json: links[0].address: not a link-layer address (aa:bb:cc:dd:ee:ff): "02:00:zz"'],
    [{ links: [{ name: 'd0', kind: 'dummy', peer: 'd1' }] }, 'f.json: links[0].peer: only a link of kind veth has it'],
    [{ links: [{ name: 'd0', kind: 'vlan', vlanId: 5 }] }, 'f.json: links[0]: missing field "link" (the lower device of a vlan)'],
    [{ addresses: [{ dev: 'd0', address: '10.0.0.1/33' }] }, 'f.json: addresses[0].address: not an address in CIDR notation: "10.0.0.1/33"'],
    [{ addresses: [{ dev: 'd0', address: '10.0.0.1/8', flags: ['nodad', 'fast'] }] }, 'f.json: addresses[0].flags: expected one of nodad, noprefixroute, homeaddress, managetempaddr, mcautojoin, got "fast"'],
    [{ routes: [{ dst: 'everywhere' }] }, 'f.json: routes[0].dst: not an address in CIDR notation: "everywhere" (or "default")'],
    [{ routes: [{ dst: 'default', table: 'mine' }] }, 'f.json: routes[0].table: expected one of default, main, local or expected an integer from 1 to 4294967295, got "mine"'],
    [{ routes: [{ dst: 'default', scope: 300 }] }, 'f.json: routes[0].scope: expected one of universe, site, link, host, nowhere or expected an integer from 0 to 255, got 300'],
    [{ neighbours: [{ dev: 'd0' }] }, 'f.json: neighbours[0]: missing field "dst"'],
    [{ routes: [{ dst: '10.9.0.0/24', nexthops: [] }] }, 'f.json: routes[0].nexthops: expected a non-empty array of nexthops, got an array'],
    [{ routes: [{ dst: '10.9.0.0/24', nexthops: [{ via: '10.0.0.1', weight: 300 }] }] }, 'f.json: routes[0].nexthops: nexthops[0].weight: expected an integer from 1 to 256, got 300'],
    [{ routes: [{ dst: '10.9.0.0/24', nexthops: [{ gateway: '10.0.0.1' }] }] }, 'f.json: routes[0].nexthops: nexthops[0]: unknown field "gateway"'],
  ] as const)('%j → %s', ([value, expected]) => {
    expect(message(() => validateTopology(value, 'f.json'))).toBe(expected);
  });

  it('accepts an object without the version, and the version when right', () => {
    expect(validateTopology({ links: [{ name: 'lo', up: true }] })).toEqual({ links: [{ name: 'lo', up: true }] });
    expect(() => validateTopology({ nlsim: 'topology/1' })).not.toThrow();
  });
});

describe('parseTopology', () => {
  test.for([
    ['{"nlsim": "topology/1",\n  "links": [,]}', 'state.json: invalid JSON at line 2 column 13: Unexpected token \',\''],
    ['{"nlsim": "topology/1",\n "links": [\n  {"name": "x",}\n ]}', 'state.json: invalid JSON at line 3 column 16: Expected double-quoted property name'],
    ['{"nlsim": "topology/1", "links": [{"name": tru}]}', 'state.json: invalid JSON at line 1 column 47: Unexpected token \'}\''],
    ['', 'state.json: invalid JSON at line 1 column 1: Unexpected end of JSON input'],
    ['{"links": []}', 'state.json: "nlsim": expected "topology/1" (the format version), got nothing'],
  ])('%j → %s', ([text, expected]) => {
    expect(message(() => parseTopology(text, 'state.json'))).toBe(expected);
  });

  it('reads back what formatTopology wrote', () => {
    const t = { nlsim: 'topology/1' as const, links: [{ name: 'd0', kind: 'dummy' as const, up: true }], routes: [{ dst: 'default', via: '10.0.0.1' }] };
    expect(formatTopology(t)).toBe('{\n  "nlsim": "topology/1",\n  "links": [\n    {"name":"d0","kind":"dummy","up":true}\n  ],\n  "routes": [\n    {"dst":"default","via":"10.0.0.1"}\n  ]\n}\n');
    expect(parseTopology(formatTopology(t))).toEqual(t);
  });
});

describeBackends('applyTopology', (b) => {
  const apply = (t: Topology) => {
    const sock = b.socket(SOCK_RAW, NETLINK_ROUTE);
    applyTopology(sock, t, { source: 'state.json' });
  };

  it('names the file, the entry and the request of a refused one, with errno and extack, as Linux refuses it', () => {
    apply({ links: [{ name: 'v0', kind: 'veth', peer: 'v1', up: true }, { name: 'v1', up: true }], addresses: [{ dev: 'v0', address: '10.0.0.1/24' }] });
    expect(message(() => apply({ links: [{ name: 'br0', kind: 'bridge' }, { name: 'v1', kind: 'veth' }] }))).toBe('state.json: links[1] (v1): RTM_NEWLINK failed: EEXIST (File exists)');
    expect(message(() => apply({ routes: [{ dst: '10.2.0.0/16', via: '192.168.9.9' }] }))).toBe(
      'state.json: routes[0] (10.2.0.0/16 via 192.168.9.9): RTM_NEWROUTE failed: ENETUNREACH (Network is unreachable): Nexthop has invalid gateway',
    );
    expect(message(() => apply({ links: [{ name: 'v0', master: 'br9' }] }))).toBe('state.json: links[0] (v0): RTM_GETLINK failed: ENODEV (No such device)');
    expect(message(() => apply({ neighbours: [{ dev: 'v0', dst: '10.0.0.2', lladdr: '02:00:00:00:00:02' }, { dev: 'v0', dst: '10.0.0.2', lladdr: '02:00:00:00:00:02' }] }))).toBe(
      'state.json: neighbours[1] (10.0.0.2 dev v0): RTM_NEWNEIGH failed: EEXIST (File exists)',
    );
    const error = (() => {
      try {
        apply({ addresses: [{ dev: 'v0', address: '10.0.0.1/24' }, { dev: 'v0', address: '10.0.0.9/24' }, { dev: 'v0', address: '10.0.0.9/24', scope: 'link' }] });
      } catch (e) {
        return e as TopologyError;
      }
      return undefined;
    })();
    // The first one is there already (an address the kernel has is skipped, as the kernel's own are); the third repeats the second.
    expect(error).toBeInstanceOf(TopologyError);
    expect(error).toMatchObject({ code: 'ERR_NLSIM_TOPOLOGY', source: 'state.json', entry: 'addresses[2] (10.0.0.9/24 dev v0)', cause: { code: 'EEXIST', syscall: 'RTM_NEWADDR 10.0.0.9/24 dev v0' } });
  });

  it('skips what the kernel made: lo\'s addresses, link-local addresses, routes of protocol kernel', () => {
    apply({
      links: [{ name: 'lo', up: true }],
      addresses: [
        { dev: 'lo', address: '127.0.0.1/8', scope: 'host' },
        { dev: 'lo', address: '::1/128' },
      ],
      routes: [{ dst: '127.0.0.0/8', dev: 'lo', table: 'local', type: 'local', protocol: 'kernel', scope: 'host', src: '127.0.0.1' }],
    });
    const sock = b.socket(SOCK_RAW, NETLINK_ROUTE);
    expect(snapshotTopology(sock).topology).toEqual({ nlsim: 'topology/1', links: [{ name: 'lo', up: true }] });
  });
});

describe('loadTopology', () => {
  const topology: Topology = {
    links: [
      { name: 'eth0', kind: 'dummy', address: '02:00:00:00:00:01', mtu: 9000, up: true },
      { name: 'eth0.10', kind: 'vlan', link: 'eth0', vlanId: 10, vlanProtocol: '802.1ad', up: true },
      { name: 'br0', kind: 'bridge', mtu: 1400, up: true },
      { name: 'v0', kind: 'veth', peer: 'v1', master: 'br0', index: 20, up: true },
      { name: 'v1', index: 21, address: '02:00:00:00:00:02', txqlen: 100 },
    ],
    addresses: [
      { dev: 'eth0.10', address: '192.0.2.10/24', broadcast: '192.0.2.255', label: 'eth0.10:a' },
      { dev: 'br0', address: '2001:db8::1/64', flags: ['nodad', 'noprefixroute'], metric: 20 },
    ],
    routes: [
      { dst: 'default', via: '192.0.2.1', metric: 10, protocol: 'static' },
      { dst: '198.51.100.0/24', type: 'unreachable', table: 'default' },
      { dst: 'default', family: 'inet6', dev: 'br0', table: 1234 },
    ],
    neighbours: [{ dev: 'eth0.10', dst: '192.0.2.7', lladdr: '02:00:00:00:00:07' }, { dev: 'br0', dst: '2001:db8::7', lladdr: '02:00:00:00:00:08', state: 'noarp' }],
  };

  it('creates a topology in a namespace of its own; its snapshot applied to another kernel gives the same state', () => {
    const kernel = createKernel();
    const netns = kernel.createNamespace('topo');
    loadTopology(kernel, topology, { netns });
    const inInit = kernel.socket(SOCK_RAW, NETLINK_ROUTE);
    expect(snapshotTopology(inInit).topology).toEqual({ nlsim: 'topology/1', links: [] });
    const { topology: snap, warnings } = takeSnapshot({ socket: (t, p) => kernel.socket(t, p, { netns }) });
    expect(warnings).toEqual([]);
    expect(snap.links?.find((l) => l.name === 'eth0.10')).toMatchObject({ kind: 'vlan', link: 'eth0', vlanId: 10, vlanProtocol: '802.1ad', address: '02:00:00:00:00:01' });
    expect(snap.links?.find((l) => l.name === 'v1')).toEqual({ name: 'v1', index: 21, address: '02:00:00:00:00:02', mtu: 1500, txqlen: 100 });
    // noarp entries are the kernel's kind: the snapshot keeps permanent ones only.
    expect(snap.neighbours).toEqual([{ dev: 'eth0.10', dst: '192.0.2.7', lladdr: '02:00:00:00:00:07' }]);

    const copy = createKernel();
    loadTopology(copy, snap);
    const a = dumpState(kernel.socket(SOCK_RAW, NETLINK_ROUTE, { netns }));
    const b = dumpState(copy.socket(SOCK_RAW, NETLINK_ROUTE));
    expect(b.links).toEqual(a.links);
    expect(b.addresses).toEqual(a.addresses);
    expect(b.routes).toEqual(a.routes);
    expect(b.neighbours).toEqual(a.neighbours);
  });

  it('reads a file, and names it in errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'topo-load-'));
    const file = path.join(dir, 'state.json');
    writeFileSync(file, JSON.stringify({ nlsim: 'topology/1', ...topology }));
    const kernel = createKernel();
    loadTopology(kernel, file);
    expect(message(() => loadTopology(kernel, file))).toBe(`${file}: links[0] (eth0): RTM_NEWLINK failed: EEXIST (File exists)`);
    writeFileSync(file, JSON.stringify(topology));
    expect(message(() => loadTopology(createKernel(), file))).toBe(`${file}: "nlsim": expected "topology/1" (the format version), got nothing`);
    rmSync(dir, { recursive: true, force: true });
  });
});

describeKernel('snapshot warnings', (openNamespace) => {
  it('leaves out links of kinds it cannot model, and writes a veth whose peer moved away as a dummy', () => {
    const ns = openNamespace();
    const other = openNamespace();
    try {
      const fd = (n: unknown) => (n as { fd: number }).fd;
      const ip = (args: string) => execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${fd(ns)}`, 'ip', ...args.split(' ')], { stdio: ['ignore', 'ignore', 'pipe'] });
      ip('tuntap add tap0 mode tap');
      ip('addr add 10.5.0.1/24 dev tap0');
      ip('link add v0 type veth peer name v1');
      ip(`link set v1 netns /proc/${process.pid}/fd/${fd(other)}`);
      const { topology, warnings } = takeSnapshot(ns);
      expect(warnings).toEqual([
        'tap0: links of kind tun are not modelled, left out with their addresses, routes and neighbours',
        'v0: a veth whose peer is in another namespace, written as kind dummy',
      ]);
      expect(topology.links?.map((l) => [l.name, l.kind])).toEqual([['v0', 'dummy']]);
      expect(topology.addresses).toBeUndefined();
    } finally {
      ns.close();
      other.close();
    }
  });

  it('keeps multipath routes; leaves out nexthop objects and the routes using them', () => {
    const ns = openNamespace();
    try {
      const ip = (args: string) => execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${(ns as unknown as { fd: number }).fd}`, 'ip', ...args.split(' ')], { stdio: ['ignore', 'ignore', 'pipe'] });
      ip('link add i0 type ifb');
      ip('link set i0 up');
      ip('addr add 10.1.0.1/24 dev i0');
      ip('route add 10.9.0.0/24 nexthop via 10.1.0.2 dev i0 weight 2 nexthop via 10.1.0.3 dev i0');
      ip('nexthop add id 7 via 10.1.0.4 dev i0');
      ip('route add 10.8.0.0/24 nhid 7');
      const { topology, warnings } = takeSnapshot(ns);
      expect(warnings).toEqual([
        'route 10.8.0.0/24: has a nexthop object, which the topology format does not hold, left out',
        '1 nexthop object (ip nexthop): the topology format does not hold them, left out',
      ]);
      expect(topology.routes).toEqual([{ dst: '10.9.0.0/24', nexthops: [{ via: '10.1.0.2', dev: 'i0', weight: 2 }, { via: '10.1.0.3', dev: 'i0' }] }]);
    } finally {
      ns.close();
    }
  });
});
