# MTU changes under ip monitor all: below 1280 bytes IPv6 leaves a device (routes, ND entries,
# addresses, RTM_DELNETCONF), above it comes back and configures itself; below 68 IPv4 leaves
# (lo keeps its inet6_dev), and neither brings its addresses back.
out=$(mktemp)
ip link set lo up
ip link add veth0 type veth peer name veth1
ip link set veth1 addrgenmode none
ip link set veth0 up
ip link set veth1 up
ip addr add 10.1.0.1/24 dev veth0
ip addr add 2001:db8::1/64 dev veth0 nodad
sleep 2.5
ip monitor all > "$out" &
mon=$!
sleep 0.3
echo "== mtu 1000"
ip link set veth0 mtu 1000
sleep 0.3
ip -br addr show dev veth0
echo "== mtu 60"
ip link set veth0 mtu 60
sleep 0.3
ip -br addr show dev veth0
echo "== mtu 1500"
ip link set veth0 mtu 1500
sleep 2.5
ip -br addr show dev veth0
echo "== lo 60"
ip link set lo mtu 60
ip link set lo mtu 65536
sleep 0.3
ip -br addr show dev lo
kill $mon; wait $mon 2>/dev/null
cat "$out" 
rm -f "$out"
