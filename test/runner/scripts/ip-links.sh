# An iproute2 session on links of the kinds this machine has (veth, bridge, ifb), with
# the errors iproute2 prints, link dumps the kernel filters by master and kind, bridge
# and port options changed with `ip link set … type bridge(_slave)` and `bridge link set`,
# and `bridge link` (AF_BRIDGE dumps) for a port that is disabled, then forwarding. Waits let
# Linux apply link-state changes (linkwatch runs at most once a second for devices that are
# down).
set -u
ip link add veth0 type veth peer name veth1
ip link add br0 type bridge
ip link add ifb0 type ifb
ip link set veth0 master br0
ip link set veth0 up
ip link set br0 up
ip link set ifb0 mtu 9000
sleep 1.2
ip -br link show
ip -d link show
ip link show master br0
ip link show type veth
ip -br link show type bridge
ip -d link show type bridge_slave
ip link show nomaster
ip link show type nosuchkind
bridge link show
bridge -d link show
ip link set br0 type bridge forward_delay 401 hello_time 300 max_age 1000 ageing_time 6000 priority 4096 group_fwd_mask 0x4000
ip link set br0 type bridge hello_time 0 2>&1
ip link set br0 type bridge vlan_filtering 1 2>&1
ip link set br0 type bridge nf_call_iptables 1 group_address 01:80:c2:00:00:0e
ip -d link show br0
ip link set veth0 type bridge_slave cost 5 learning off guard on
bridge link set dev veth0 cost 7 hairpin on priority 9
bridge link set dev veth0 cost 0 2>&1
bridge link set dev veth0 state 3 2>&1
bridge -d link show
ip link set veth0 mtu 1400
ip link show br0
ip link add foo type nosuchkind 2>&1
ip link set nosuch up 2>&1
ip link add veth0 type veth peer name veth2 2>&1
ip link set veth1 up
sleep 1.2
bridge link show
ip -d link show veth0
ip link set veth0 nomaster
sleep 1.2
ip link del veth0
ip -br link show
