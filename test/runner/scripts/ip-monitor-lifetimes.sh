# Addresses with finite lifetimes under ip monitor all: IPv4 and IPv6 addresses become
# deprecated, then go, two seconds apart (Linux's lifetime work may run a second late on a busy
# machine; events due together would come in a per-namespace hash order); the IPv6 prefix
# route stays, expiring.
out=$(mktemp)
ip link set lo up
ip link add veth0 type veth peer name veth1
ip link set veth1 addrgenmode none
ip link set veth0 addrgenmode none
ip link set veth0 up; ip link set veth1 up
sleep 0.3
ip monitor all > "$out" &
mon=$!
sleep 0.3
ip addr add 2001:db8::9/64 dev veth0 valid_lft 7 preferred_lft 3 nodad
ip addr add 10.3.0.1/24 dev veth0 valid_lft 5 preferred_lft 1
ip -6 addr show dev veth0 | grep -A1 2001
sleep 8.5
ip addr show dev veth0
kill $mon; wait $mon 2>/dev/null
cat "$out"; rm -f "$out"
