/**
 * iproute2 reads and writes vlans under `nlsim run`: `ip link add … type vlan` with every
 * option, `ip -d link show` parsing IFLA_INFO_DATA back (iplink_vlan.c's vlan_print_opt():
 * protocol, id, the flags in <>, the QoS maps in braces), changes with `ip link set … type
 * vlan`, and the errors iproute2 prints for the extack messages of vlan_validate(),
 * vlan_newlink() and vlan_check_real_dev().
 * @note Simulator only: the test machine lacks the 8021q module, so Linux cannot answer; the
 * expected text is what iproute2's vlan_print_opt() prints for the attributes the kernel
 * source (vlan_fill_info()) sends.
 */
import { expect, it } from 'vitest';
import { runSim } from './run-helpers.js';

const script = `
ip link add v0 type veth peer name v1
ip link add link v0 name v0.5 type vlan id 5
ip link add link v0 name v0.6 type vlan proto 802.1ad id 6 loose_binding on reorder_hdr off gvrp on mvrp on bridge_binding on ingress-qos-map 1:2 3:4 egress-qos-map 5:6 7:0
ip -d link show v0.5
ip -d link show v0.6
ip link set v0.5 up 2>&1
ip link set v0 up
ip link set v1 up
ip -br link show
ip link set v0.6 type vlan egress-qos-map 5:0 reorder_hdr on
ip -d link show v0.6
ip link add link lo name lo.1 type vlan id 1 2>&1
ip link add link v0 name x type vlan id 5 2>&1
ip link add link v0 name y type vlan id 4095 2>&1
ip link add link v0 name z mtu 1501 type vlan id 9 2>&1
ip link set v0 mtu 1400
ip link show v0.5
ip link del v0
ip -br link show
`;

it('ip link add/set/show type vlan under nlsim run', async () => {
  // The simulator alone (this machine's kernel may lack 8021q): the default profile has it.
  const out = await runSim(['sh', '-c', script], { profile: 'default' });
  expect(out.status, out.stderr).toBe(0);
  const text = out.stdout.replace(/([0-9a-f]{2}:){5}[0-9a-f]{2}/g, '<mac>');
  const lines = text.split('\n').map((l) => l.trimEnd());
  expect(lines).toContain('4: v0.5@v0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000');
  expect(text).toMatch(/\n {4}vlan protocol 802\.1Q id 5 <REORDER_HDR> addrgenmode eui64 /);
  expect(text).toMatch(/\n {4}vlan protocol 802\.1ad id 6 <GVRP,MVRP,LOOSE_BINDING,BRIDGE_BINDING> \n {6}ingress-qos-map \{ 1:2 3:4 \} \n {6}egress-qos-map \{ 5:6 7:0 \} addrgenmode/);
  expect(lines).toContain('RTNETLINK answers: Network is down'); // vlan_dev_open(): the real device is down
  // NETDEV_UP of v0 opened v0.5 (no loose binding); v0.6 (loose binding) stays down.
  expect(text).toMatch(/\nv0\.5@v0 +UP +<mac> <BROADCAST,MULTICAST,UP,LOWER_UP>/);
  expect(text).toMatch(/\nv0\.6@v0 +DOWN +<mac> <BROADCAST,MULTICAST>/);
  // 5:0 leaves no mapping with a priority: the egress nest goes.
  expect(text).toMatch(/\n {4}vlan protocol 802\.1ad id 6 <REORDER_HDR,GVRP,MVRP,LOOSE_BINDING,BRIDGE_BINDING> \n {6}ingress-qos-map \{ 1:2 3:4 \} addrgenmode/);
  expect(lines).toContain('Error: 8021q: VLANs not supported on device.');
  expect(lines).toContain('Error: 8021q: VLAN device already exists.');
  expect(lines).toContain('Error: 8021q: Invalid VLAN id.');
  expect(lines).toContain('RTNETLINK answers: Invalid argument'); // MTU above the real device's: no message
  expect(lines).toContain('4: v0.5@v0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc noqueue state UP mode DEFAULT group default qlen 1000');
  // Deleting v0 took its vlans with it (and the peer).
  expect(lines.slice(-2)).toEqual(['lo               DOWN           <mac> <LOOPBACK>', '']);
}, 30_000);
