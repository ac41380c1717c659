# Multipath routes (IPv4 RTA_MULTIPATH, IPv6 siblings), IPv4 routes via IPv6 gateways, and nexthop objects (single, blackhole,
# groups) with routes using them (nhid): ip route/ip nexthop add, show (-d, -j), get,
# append, delete; a device going down or away; errors.
ip link set lo up
ip link add i0 type ifb
ip link add i1 type ifb
ip link set i0 addrgenmode none
ip link set i1 addrgenmode none
ip link set i0 up
ip link set i1 up
ip addr add 10.1.0.1/24 dev i0
ip addr add 10.2.0.1/24 dev i1
ip addr add 2001:1::1/64 dev i0 nodad
ip addr add 2001:2::1/64 dev i1 nodad
run() { echo "== $*"; "$@" 2>&1; echo "status $?"; }
run ip route add 10.9.0.0/24 nexthop via 10.1.0.2 dev i0 weight 2 nexthop via 10.2.0.2 dev i1
run ip route add 10.9.0.0/24 nexthop via 10.1.0.2 dev i0 nexthop via 10.2.0.2 dev i1
run ip route add 10.8.0.0/24 nexthop dev i0 nexthop via 10.5.0.1 dev i1
run ip route add 10.8.0.0/24 proto static metric 5 nexthop dev i0 nexthop via 10.2.0.9 dev i1 weight 7
run ip -d route show
run ip -j route show 10.9.0.0/24
run ip route get 10.9.0.1 oif i1
run ip route get 10.9.0.1 oif i0 fibmatch
run ip -6 route add 2001:9::/64 nexthop via 2001:1::2 dev i0 nexthop via 2001:2::2 dev i1 weight 3
run ip -6 route append 2001:9::/64 via 2001:1::3 dev i0
run ip -6 route add 2001:9::/64 via 2001:1::4 dev i0
run ip -6 route show 2001:9::/64
run ip -6 route get 2001:9::1 oif i1
run ip -6 route del 2001:9::/64 via 2001:1::3
run ip -6 route show 2001:9::/64
run ip link set i1 down
run ip route show
run ip -6 route show 2001:9::/64
run ip link set i1 up
run ip route show
run ip route add 10.4.0.0/24 via inet6 2001:1::2 dev i0
run ip route add 10.3.0.0/24 nexthop via inet6 2001:1::3 dev i0 nexthop via 10.2.0.2 dev i1
run ip route show 10.4.0.0/24
run ip route show 10.3.0.0/24
run ip route get 10.4.0.1
run ip route del 10.4.0.0/24 via inet6 2001:1::2
run ip route del 10.9.0.0/24
run ip -6 route del 2001:9::/64
run ip nexthop add id 1 via 10.1.0.2 dev i0
run ip nexthop add id 2 via 10.2.0.2 dev i1
run ip nexthop add id 3 dev i0
run ip nexthop add id 4 blackhole
run ip nexthop add id 5 via 2001:1::2 dev i0
run ip nexthop add id 10 group 1,2/2/3
run ip nexthop add id 11 group 5
run ip nexthop add id 12 group 99
run ip nexthop add id 12 group 4/1
run ip nexthop add via 10.1.0.7 dev i0
run ip nexthop add id 1 via 10.1.0.9 dev i0
run ip nexthop show
run ip -d nexthop show
run ip -j nexthop show
run ip nexthop show dev i0
run ip nexthop show groups
run ip -6 nexthop show
run ip nexthop get id 10
run ip -s nexthop get id 10
run ip route add 10.7.0.0/24 nhid 10
run ip route add 10.6.0.0/24 nhid 4
run ip route add 10.5.0.0/24 nhid 1 dev i0
run ip -6 route add 2001:7::/64 nhid 11
run ip -6 route add 2001:6::/64 nhid 5
run ip -6 route add 2001:6::/64 nhid 1
run ip route show
run ip -6 route show 2001::/16
run ip route get 10.7.0.1 oif i1
run ip route get 10.6.0.1
run ip nexthop replace id 2 via 10.2.0.7 dev i1
run ip nexthop replace id 10 group 2/3
run ip nexthop replace id 2 group 3
run ip route show
run ip nexthop del id 1
run ip nexthop show
run ip route show
run ip nexthop del id 5
run ip -6 route show 2001::/16
run ip link del i1
run ip nexthop show
run ip route show
run ip nexthop flush
run ip nexthop show
run ip route show
