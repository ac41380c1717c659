# An iproute2 session on addresses and routes: IPv4 and IPv6 addresses, their prefix and
# local routes, secondaries, static/blackhole/unreachable routes, route lookups, the errors
# iproute2 prints, deletions and the default rules.
ip link set lo up
ip link add veth0 type veth peer name veth1
ip link set veth0 up
ip link set veth1 up
ip addr add 10.1.0.1/24 dev veth0
ip addr add 10.1.0.2/24 dev veth0
ip addr add 2001:db8::1/64 dev veth0 nodad
sleep 1.2
ip -4 addr show
ip -6 addr show dev lo
ip route show
ip route show table local
ip route add 192.168.5.0/24 via 10.1.0.254
ip route add blackhole 10.9.0.0/16
ip route add unreachable 10.10.0.0/16 metric 5
ip route add 10.20.0.0/16 via 10.99.0.1 2>&1
ip addr add 10.1.0.1/24 dev veth0 2>&1
ip route get 192.168.5.7
ip route get 10.1.0.9
ip route show
ip route del 10.11.0.0/16 2>&1
ip addr del 10.1.0.1/24 dev veth0
ip -4 addr show dev veth0
ip route show
ip rule show
ip -6 route show table main
# ip -6 addr replace/change (inet6_addr_modify()): a new metric moves the prefix route,
# noprefixroute removes it, clearing it brings it back at the address's metric.
ip -6 addr change 2001:db8::1/64 dev veth0 nodad metric 20
ip -6 route show dev veth0
ip -6 addr replace 2001:db8::1/64 dev veth0 nodad noprefixroute
ip -6 route show dev veth0
ip -6 addr replace 2001:db8::1/64 dev veth0 nodad metric 30 preferred_lft 0
ip -6 addr show dev veth0 scope global  # the link-local address may still be in DAD on a busy machine
ip -6 route show dev veth0
# An IPv6 address with a peer: the local prefix route, a /128 route to the peer; replacing
# the peer adds the new peer's prefix route (the old /128 stays); deletion by the address.
ip -6 addr add 2001:db8:5::1 peer 2001:db8:6::2/64 dev veth0 nodad
sleep 0.2
ip -6 addr show dev veth0 scope global
ip -6 route show dev veth0
ip -6 route get 2001:db8:6::2
ip -6 addr replace 2001:db8:5::1 peer 2001:db8:7::3/64 dev veth0 nodad
ip -6 addr show dev veth0 scope global
ip -6 route show dev veth0
ip -6 addr del 2001:db8:5::1/64 dev veth0
ip -6 route show dev veth0
