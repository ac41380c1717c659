# ip monitor all while a bridge gets a port, comes up and goes: port states (STP off), the
# bridge's carrier following its forwarding port, AF_BRIDGE link messages, the bridge FDB's
# local entries (the bridge's random address, replaced by its port's when it adopts it, and
# given back at nomaster), FEATURE CHANGE events, NETCONF, and the NOARP neighbours the
# bridge's own traffic leaves: IGMPv3 reports for its snooping group 224.0.0.106 (224.0.0.22),
# MLD reports (ff02::16), DAD and router solicitations. Linux's timers decide part of it, so
# the script waits them out: only the bridge has a link-local address (the veth ends have
# addrgenmode none), and each wait lets DAD (1–2 s) and the first router solicitation pass
# before the next carrier change, so the ND flushes at carrier loss and at the bridge's
# address change (nomaster) find the same entries on every run; after nomaster it waits for
# linkwatch, which may hold the bridge's carrier loss (not urgent) for up to a second.
out=$(mktemp)
ip monitor all > "$out" &
mon=$!
sleep 0.5
ip link add br0 type bridge
ip link add veth0 type veth peer name veth1
ip link set veth0 addrgenmode none
ip link set veth1 addrgenmode none
ip link set veth0 master br0
ip link set br0 up
ip link set veth0 up
ip link set veth1 up
sleep 3
ip addr add 10.2.0.1/24 dev br0
ip link set veth0 type bridge_slave cost 7
bridge link set dev veth0 priority 12
ip link set veth1 down
sleep 1.2
ip link set veth1 up
sleep 3.5
ip link set veth0 nomaster
sleep 1.2
ip link del veth0
ip link del br0
sleep 0.5
kill $mon
wait $mon 2>/dev/null
cat "$out"
rm -f "$out"
