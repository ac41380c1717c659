/**
 * iproute2 sessions run unmodified under `nlsim run` print what they print on Linux in a
 * fresh network namespace, after masking only random MAC addresses and running timers.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hostProfile } from '../helpers/host-kernel.js';
import { kernelUnavailable, runKernel, runSim } from './run-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const describeKernel = kernelUnavailable ? describe.skip : describe;
if (kernelUnavailable) console.warn(`nlsim: iproute2 differential tests skipped: ${kernelUnavailable}`);

/**
 * mask hides what differs between two runs of Linux itself: MACs (random), what is derived
 * from them (EUI-64 link-local addresses and their solicited-node groups), timer values, and
 * the valid lifetime left when an address is announced deprecated: Linux's lifetime work runs
 * on a rounded-up timer (round_jiffies_up) and on a busy machine a second later than due, so
 * that remainder is n or n-1 seconds from one Linux run to the next.
 */
const mask = (s: string) =>
  s
    .replace(/\b([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}\b/g, '<mac>')
    .replace(/\bfe80::[0-9a-f:]+/g, '<lladdr>')
    .replace(/\bff02::1:ff[0-9a-f]{2}:[0-9a-f]{1,4}\b/g, '<solicited-node>')
    .replace(/(_timer) +[0-9.]+/g, '$1 <t>')
    .replace(/^(\[ADDR\]\d+: .* deprecated .*\n\s+valid_lft )\d+sec/gm, '$1<t>sec')
    // A veth pair gets its carrier on both ends at once; which end's linkwatch event runs
    // first, and so which fe80::/64 route comes first in the table, is Linux's timing (a busy
    // machine showed both orders). The lines themselves are still compared.
    .replace(/(?:^fe80::\/64 dev veth\d .*\n){2,}/gm, sortRun)
    // A device's multicast ND entries (NOARP) are made by the first packet to each group, and
    // the first MLD report (to ff02::16) and the DAD probe (to the solicited-node group) both
    // leave after a random delay, so the order they are flushed in when IPv6 leaves the device
    // is Linux's dice (a busy CI run showed the other order). The entries are still compared.
    .replace(/(?:^\[NEIGH\]Deleted \S+ dev \S+ lladdr <mac> NOARP *\n){2,}/gm, sortRun);

/** sortRun puts a run of lines whose order is Linux's timing into a canonical order. */
function sortRun(run: string): string {
  return `${run.split('\n').filter(Boolean).sort().join('\n')}\n`;
}

describeKernel('iproute2 under nlsim run [kernel]', () => {
  it.each([
    ['ip link: veth, bridge ports, ifb, -d details, errors, deletion', 'ip-links.sh', 'Cannot find device "nosuch"'],
    ['ip addr and ip route: addresses, prefix and local routes, lookups, errors, rules', 'ip-addr-route.sh', 'Error: Nexthop has invalid gateway.'],
    ['ip monitor link in the background while ip changes links', 'ip-monitor.sh', 'Deleted'],
    ['ip monitor all: links, addresses with DAD, routes, neighbours, carrier loss', 'ip-monitor-all.sh', '[NEIGH]Deleted ff02::16'],
    ['ip neigh, ip rule, numbered tables, lookups with a source, ip -d -j link', 'ip-neigh-rule.sh', '10.50.1.1 from 10.1.0.1 via 10.1.0.254'],
    ['MTU changes under ip monitor all: IPv6 and IPv4 leave and come back', 'ip-monitor-mtu.sh', '[NETCONF]Deleted inet6 veth0'],
    ['address lifetimes under ip monitor all: deprecated, then deleted', 'ip-monitor-lifetimes.sh', '[ADDR]Deleted 3: veth0    inet6 2001:db8::9/64'],
    ['ip monitor all with a bridge: port states, FDB local entries, FEATURE CHANGE, snooping reports (224.0.0.22), carrier loss', 'ip-monitor-bridge.sh', '[NEIGH]Deleted 224.0.0.22 dev br0'],
    ['bridge fdb show/add/replace/get/del: local, static, permanent and self entries, address lists, errors, bridge monitor fdb', 'bridge-fdb.sh', 'Error: Fdb get operation not supported by device.'],
    ['ip netconf show and ip monitor netconf while devices come and go', 'ip-netconf.sh', 'Deleted inet6 veth0'],
    ['tc qdisc/class/filter/chain/actions show over default qdiscs (noqueue, pfifo_fast, mq), errors, tc monitor', 'tc-show.sh', 'qdisc mq 0: dev ifb1 root'],
    [
      'nexthop, netns ids, ntable, stats, addrlabel, mdb, mroute, altnames, proxy neighbours: reads and errors',
      'ip-odds.sh',
      // ipmr.c answers a table that does not exist; without CONFIG_IPV6_MROUTE, `ip -6 mroute`
      // gets rtnl_dump_all()'s unicast routes and says so.
      hostProfile.config.IP_MROUTE ? 'Error: ipv4: MR table does not exist.' : 'Non multicast route received, kernel does support IP multicast?',
    ],
    ['ip link set address and name under ip monitor link and netconf: neighbours flushed, a bridge following its port, rollback of "all"', 'ip-link-addr-name.sh', 'RTNETLINK answers: Cannot assign requested address'],
    ['ip route with nexthop lists (IPv4 multipath, IPv6 siblings) and ip nexthop objects with routes using them', 'ip-route-nexthop.sh', 'Error: IPv6 routes can not use an IPv4 nexthop.'],
  ])('%s', async (_name, script, marker) => {
    const argv = ['sh', path.join(here, 'scripts', script)];
    const [real, sim] = await Promise.all([runKernel(argv), runSim(argv)]);
    expect(real.status, real.stderr).toBe(0);
    expect(sim.status, sim.stderr).toBe(0);
    expect(mask(sim.stdout)).toBe(mask(real.stdout));
    expect(sim.stdout).toContain(marker);
  }, 60_000);
});
