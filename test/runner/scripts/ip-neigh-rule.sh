# An iproute2 session on neighbours, policy rules, numbered tables and JSON output: permanent,
# noarp, stale, reachable, incomplete and failed entries (show, get, change, replace, delete,
# flush, errors, router and extern_learn), the flush when a device goes
# down, rules added and deleted, routes in table 100 found through a rule, IPv6 lookups, and
# `ip -d -j link show`.
set -u
ip link set lo up
ip link add veth0 type veth peer name veth1
ip link set veth0 up
ip link set veth1 up
ip addr add 10.1.0.1/24 dev veth0
ip addr add 2001:db8::1/64 dev veth0 nodad
ip neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev veth0 nud permanent
ip neigh add 10.1.0.8 lladdr 02:00:00:00:00:08 dev veth0 nud noarp
ip -6 neigh add 2001:db8::7 lladdr 02:00:00:00:00:17 dev veth0 nud permanent
ip neigh add 10.1.0.7 lladdr 02:00:00:00:00:09 dev veth0 nud permanent 2>&1
ip neigh replace 10.1.0.7 lladdr 02:00:00:00:00:09 dev veth0 nud permanent
ip neigh add 10.1.0.9 lladdr 02:00:00:00:00:09 dev nosuch 2>&1
ip -4 neigh show dev veth0 | sort
ip -6 neigh show dev veth0 nud permanent
ip neigh get 10.1.0.7 dev veth0
ip neigh get 10.1.0.99 dev veth0 2>&1
ip neigh del 10.1.0.8 dev veth0
ip neigh del 10.1.0.8 dev veth0 2>&1
ip -4 neigh show nud all dev veth0
ip neigh flush dev veth0 nud permanent
ip -4 neigh show nud all dev veth0
ip neigh add 10.1.0.20 lladdr 02:00:00:00:00:20 dev veth0 nud stale
ip neigh add 10.1.0.21 lladdr 02:00:00:00:00:21 dev veth0 nud reachable
ip neigh add 10.1.0.22 dev veth0 nud stale 2>&1
ip neigh add 10.1.0.23 dev veth0 nud incomplete
ip neigh add 10.1.0.24 lladdr 02:00:00:00:00:24 dev veth0 nud failed
ip -6 neigh add 2001:db8::20 lladdr 02:00:00:00:00:20 dev veth0 nud reachable router
ip neigh change 10.1.0.20 dev veth0 nud reachable
ip neigh change 10.1.0.29 dev veth0 nud reachable 2>&1
ip neigh add 10.1.0.21 lladdr 02:00:00:00:00:25 dev veth0 nud stale 2>&1
ip neigh replace 10.1.0.21 lladdr 02:00:00:00:00:25 dev veth0 nud stale extern_learn
ip -4 neigh show nud all dev veth0 | sort
ip -4 neigh show nud stale dev veth0
ip neigh show nud reachable | sort
ip neigh get 10.1.0.21 dev veth0
ip neigh flush dev veth0
ip -4 neigh show nud all dev veth0 | sort
ip -6 neigh show nud reachable dev veth0
ip neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev veth0 nud permanent
ip link set veth0 down
ip -4 neigh show nud all dev veth0
ip link set veth0 up
ip addr add 2001:db8::1/64 dev veth0 nodad
ip route add 10.50.0.0/16 via 10.1.0.254 table 100
ip route add default via 10.1.0.253 table 100 metric 10
ip rule add from 10.1.0.0/24 lookup 100 priority 100
ip rule add to 10.60.0.0/16 blackhole priority 200
ip rule add fwmark 0x10/0xff lookup 100 priority 300
ip rule show
ip route show table 100
ip route get 10.50.1.1 from 10.1.0.1
ip route get 10.50.1.1 from 10.1.0.99 2>&1
ip route get 10.50.1.1 from 224.0.0.1 2>&1
ip route get 10.1.0.5 from 10.1.0.1
ip route get 127.0.0.1 from 10.1.0.1
ip route get 10.60.1.1 2>&1
ip route get 10.50.1.1
ip -6 route add 2001:db8:9::/48 via 2001:db8::fe metric 2048
ip -6 route get 2001:db8:9::1
ip -6 route get 2001:db8::5
ip rule del priority 200
ip rule del priority 999 2>&1
ip rule show
ip route flush table 100
ip route show table 100
ip -d -j link show veth0 | sed 's/"address":"[^"]*"/"address":"<mac>"/g'
ip -j addr show dev veth0 | sed 's/"address":"[^"]*"/"address":"<mac>"/g; s/"preferred_life_time":[0-9]*/"preferred_life_time":0/g; s/"valid_life_time":[0-9]*/"valid_life_time":0/g'
