# Read commands over the less common rtnetlink families: nexthop objects (none), namespace ids
# (none), neighbour table parameters, link statistics, IPv6 address labels, the bridge MDB,
# multicast routes, alternative names and proxy neighbours (added, deleted, dropped with their
# device going down), with their errors. Neighbour
# parameters' reachable_time is random on Linux: masked here.
ip link set lo up
ip link add veth0 type veth peer name veth1
ip link add br0 type bridge
ip link set veth0 master br0
run() { echo "== $*"; { "$@" 2>&1; echo "status $?"; } | sed -E "s/reachable [0-9]+/reachable <r>/"; }
run ip nexthop show
run ip nexthop get id 5
run ip -6 nexthop show
run ip nexthop bucket show
run ip ntable show dev lo
run ip ntable show
run ip -4 ntable show name arp_cache
run ip netns list-id
run ip stats show dev lo group link
run ip stats show group link
run ip stats show dev veth0 group xstats_slave
run ip stats show dev br0 group xstats
run ip stats show dev lo group offload subgroup hw_stats_info
run ip stats show dev lo group afstats
run ip link xstats type bridge
run ip link xstats type bridge_slave
run ip addrlabel list
run ip addrlabel add prefix 2001:db8::/64 label 99
run ip addrlabel add prefix 2001:db8::/64 label 99
run ip addrlabel add prefix 2001:db8:1::/48 dev veth1 label 7
run ip addrlabel list
run ip addrlabel del prefix 2001:db8::/64 label 99
run ip addrlabel del prefix 2001:db8::/64 label 99
run bridge mdb show
run bridge -d mdb show dev br0
run ip mroute show
run ip -6 mroute show
run ip mroute show table 5
run ip link property add dev veth1 altname foo
run ip link property add dev veth1 altname bar altname baz
run ip link property add dev veth0 altname foo
run ip link show veth1
run ip link show foo
run ip -br link show baz
run ip link set dev bar up
run ip link property del dev veth1 altname foo
run ip link property del dev veth1 altname foo
run ip link show foo
run ip neigh show proxy
run ip -6 neigh show proxy
run ip neigh get proxy 10.0.0.1 dev veth1
run ip -6 neigh get proxy 2001:db8::1 dev veth1
run ip neigh add proxy 10.0.0.1 dev veth1
run ip neigh add proxy 10.0.0.2
run ip -6 neigh add proxy 2001:db8::1 dev veth1
run ip -6 neigh add proxy 2001:db8::2
run ip neigh add proxy 10.0.0.3 dev veth1 nud noarp
run ip neigh show proxy
run ip -6 neigh show proxy dev veth1
run ip neigh get proxy 10.0.0.1 dev veth1
run ip neigh del proxy 10.0.0.1 dev veth1
run ip neigh del proxy 10.0.0.1 dev veth1
run ip link set veth1 down
run ip neigh show proxy
# A proxy entry without a device outlives its namespace on Linux (native/netns-leaks.ts): delete it.
run ip neigh del proxy 10.0.0.2
run ip neigh show proxy
