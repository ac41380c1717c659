# ip monitor all in the background while a session changes links, addresses, routes and
# neighbours. Linux's own timers decide part of what it prints: IPv6 DAD takes 1–2 s (a random
# delay below rtr_solicit_delay, then retrans_time) and router solicitations repeat about 4 s
# after the first. So the script waits DAD out, never lets two DADs race (veth1 has no
# link-local address and its address skips DAD), lets MLD repeat its report (within a
# second) before veth1 loses its carrier, and only takes the carrier from veth1, which sends
# no solicitations.
out=$(mktemp)
ip monitor all > "$out" &
mon=$!
sleep 0.5
ip link add veth0 type veth peer name veth1
ip link set veth1 addrgenmode none
ip link set veth0 up
ip link set veth1 up
sleep 2.5
ip addr add 10.1.0.1/24 dev veth0
ip addr add 2001:db8::1/64 dev veth0
sleep 2.5
ip addr add 2001:db8::2/64 dev veth1 nodad
sleep 1.2
ip route add 192.168.5.0/24 via 10.1.0.254
ip -6 route add 2001:db8:5::/64 via 2001:db8::2 dev veth0
ip -6 route add 2001:db8:6::/64 via 2001:db8::99 dev veth0
ip neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev veth0 nud permanent
ip -6 neigh add 2001:db8::7 lladdr 02:00:00:00:00:07 dev veth1 nud permanent
ip link set veth0 down
ip link set veth0 up
sleep 2.5
ip addr add 2001:db8::3/64 dev veth1 nodad
ip route add 192.168.6.0/24 via 10.1.0.254
ip route del 192.168.6.0/24
ip addr del 10.1.0.1/24 dev veth0
ip addr del 2001:db8::3/64 dev veth1
ip link add ifb0 type ifb
ip link set ifb0 up
sleep 0.2
ip link del ifb0
ip link del veth0
sleep 0.5
kill $mon
wait $mon 2>/dev/null
cat "$out"
rm -f "$out"
