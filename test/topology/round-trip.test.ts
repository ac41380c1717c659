/**
 * The round trip, judged by the real kernel: `ip` builds a topology in a fresh namespace of
 * Linux; `nlsim snapshot`'s code path reads it; loadTopology() applies the snapshot to a
 * fresh virtual kernel; then links, addresses, routes, permanent neighbours and rules dumped from
 * both must agree, attribute for attribute. MACs and ifindexes are carried over, so nothing
 * is masked but what differs between two runs of Linux itself (address and route cache
 * times, see rt-render.ts).
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { takeSnapshot } from '../../cli/commands/snapshot.js';
import { applyTopology, loadTopology, type TopologyFile } from '../../protocols/route/topology/index.js';
import { createHostKernel } from '../helpers/host-kernel.js';
import type { SocketFactory } from '../../sim/socket-api.js';
import { NETLINK_ROUTE, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { describeKernel } from '../helpers/backends.js';
import { anyTentative, dumpState, type KernelState } from './dump-render.js';

/** ip runs `ip ARGS` inside the namespace whose fd this process holds. */
function ipIn(nsFd: number, script: string[]): void {
  for (const line of script) execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${nsFd}`, 'ip', ...line.split(' ')], { stdio: ['ignore', 'ignore', 'pipe'] });
}

const SETUP = [
  'link set lo up',
  'link add br0 type bridge',
  'link set br0 up',
  'link add v0 type veth peer name v1',
  'link set v0 master br0',
  'link set v0 up',
  'link set v1 mtu 1400',
  'link set v1 up',
  'link add v2 type veth peer name v3',
  'link set v2 txqlen 500',
  'link add ifb0 type ifb',
  'addr add 10.0.0.1/24 dev v1',
  'addr add 10.0.0.5/24 dev v1',
  'addr add 172.16.0.1/16 brd + dev br0 label br0:one',
  'addr add 192.168.7.1 peer 192.168.7.2/32 dev v1',
  'addr add 10.9.9.9/24 dev v2',
  'addr add 10.8.0.1/24 dev v1 noprefixroute metric 7',
  '-6 addr add fd00::1/64 dev v1 nodad',
  '-6 addr add fd01::1/64 dev br0 nodad noprefixroute',
  'route add 10.1.0.0/16 via 10.0.0.254',
  'route add 10.2.0.0/16 dev v1 metric 50 proto static',
  'route add blackhole 10.3.0.0/16',
  'route add unreachable 10.4.0.0/16 table 100',
  'route add prohibit 10.5.0.0/16 table 200 proto 99',
  'route add 10.6.0.0/16 via 10.0.0.254 src 10.0.0.5',
  'route add default via 10.0.0.254 table 1000',
  'route add 10.7.0.0/16 via 10.99.0.1 dev v1 onlink',
  '-6 route add fd02::/64 via fd00::2',
  '-6 route add default dev v1 metric 300',
  '-6 route add blackhole fd03::/64 table 300',
  'route add 10.11.0.0/16 proto static nexthop via 10.0.0.254 dev v1 weight 3 nexthop via 172.16.0.254 dev br0 onlink',
  '-6 route add fd04::/64 nexthop via fd00::2 dev v1 nexthop via fd00::3 dev v1 weight 2',
  'neigh add 10.0.0.2 lladdr 02:aa:bb:cc:dd:ee dev v1 nud permanent',
  '-6 neigh add fd00::2 lladdr 02:aa:bb:cc:dd:ef dev v1 nud permanent',
  'rule add from 10.0.0.0/8 table 100',
  'rule add not to 10.1.0.0/16 fwmark 0x10/0xff iif v1 oif v9 prohibit pref 500',
  'rule add to 10.9.0.0/16 lookup main suppress_prefixlength 0 proto static',
  '-6 rule add from fd00::/8 lookup 200 suppress_prefixlength 0',
  '-6 rule add pref 7 blackhole',
];

/** settle waits until Linux has finished duplicate address detection of the link-local addresses. */
async function settle(sockets: SocketFactory): Promise<void> {
  const sock = sockets.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    for (let i = 0; i < 100 && anyTentative(sock); i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    sock.close();
  }
}

/**
 * dump renders the namespace's state. Routes are sorted: routes to one prefix through
 * different devices (fe80::/64, ff00::/8) are listed in the order the devices came up,
 * which is history the topology does not carry.
 */
function dump(sockets: SocketFactory): KernelState {
  const sock = sockets.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    const state = dumpState(sock);
    return { ...state, routes: [...state.routes].sort() };
  } finally {
    sock.close();
  }
}

describeKernel('topology round trip', (openNamespace) => {
  test('a namespace set up by ip, snapshot, applied to a virtual kernel: the same links, addresses, routes and neighbours', async () => {
    const ns = openNamespace();
    try {
      ipIn((ns as unknown as { fd: number }).fd, SETUP);
      await settle(ns);
      const { topology, warnings } = takeSnapshot(ns);
      expect(warnings).toEqual([]);
      // The snapshot leaves out what the kernel makes itself.
      expect(topology.links?.find((l) => l.name === 'lo')).toEqual({ name: 'lo', up: true });
      expect(topology.addresses?.map((a) => a.address)).not.toContain('127.0.0.1/8');
      expect(topology.addresses?.some((a) => a.address.startsWith('fe80:'))).toBe(false);
      expect(topology.routes?.some((r) => r.protocol === 'kernel')).toBe(false);
      expect(topology.rules?.map((r) => r.priority)).toEqual([499, 500, 32765, 7, 32765]);

      const kernel = createHostKernel();
      loadTopology(kernel, JSON.parse(JSON.stringify(topology)) as TopologyFile);
      // The virtual kernel runs DAD too (on its clock) when it models the delay.
      await settle(kernel);
      const real = dump(ns);
      const sim = dump(kernel);
      expect(sim.links).toEqual(real.links);
      expect(sim.addresses).toEqual(real.addresses);
      expect(sim.routes).toEqual(real.routes);
      expect(sim.neighbours).toEqual(real.neighbours);
      expect(sim.rules).toEqual(real.rules);
    } finally {
      ns.close();
    }
  });

  test('the snapshot applied to a fresh real namespace gives the same state there too', async () => {
    const source = openNamespace();
    const target = openNamespace();
    try {
      ipIn((source as unknown as { fd: number }).fd, SETUP);
      await settle(source);
      const { topology } = takeSnapshot(source);
      const sock = target.socket(SOCK_RAW, NETLINK_ROUTE);
      try {
        applyTopology(sock, topology, { source: 'snapshot' });
      } finally {
        sock.close();
      }
      await settle(target);
      const a = dump(source);
      const b = dump(target);
      expect(b.links).toEqual(a.links);
      expect(b.addresses).toEqual(a.addresses);
      expect(b.routes).toEqual(a.routes);
      expect(b.neighbours).toEqual(a.neighbours);
      expect(b.rules).toEqual(a.rules);
      // And snapshotting the copy gives the same file.
      expect(takeSnapshot(target).topology).toEqual(topology);
    } finally {
      source.close();
      target.close();
    }
  });
});
