# MAC addresses and names of existing links under ip monitor link and netconf: a
# veth's address (its ARP and ND entries go, permanent ones too), lo's, ifb's refusal, a
# bridge following its port's address, invalid addresses; renames (RTM_NEWLINK, then the
# inet and inet6 netconf pairs), "all" refused and rolled back, names in use, altnames.
out=$(mktemp)
ip link add veth0 type veth peer name veth1
ip link add br0 type bridge
ip link add ifb0 type ifb
ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:20 dev veth0 nud permanent
ip neigh add 2001:db8::2 lladdr 02:00:00:00:00:21 dev veth0 nud permanent
ip monitor link netconf > "$out" &
mon=$!
sleep 0.3
echo "== addresses"
ip neigh show dev veth0
ip link set dev veth0 address 02:00:00:00:00:05
ip neigh show dev veth0
ip link set dev veth0 address 02:00:00:00:00:05
ip link show dev veth0
ip link set dev veth0 address 01:00:00:00:00:01 2>&1
ip link set dev veth0 address 00:00:00:00:00:00 2>&1
ip link set dev veth0 address 02:00:00:00 2>&1
ip link set dev veth0 addr 2>&1
ip link set dev ifb0 address 02:00:00:00:00:07 2>&1
ip link set dev veth0 broadcast 02:ff:ff:ff:ff:01
ip link set dev veth0 brd 02:ff 2>&1
ip link show dev veth0
ip link set dev lo address 02:00:00:00:00:08
ip link show dev lo
ip link set dev lo address 00:00:00:00:00:00 2>&1
ip link set dev veth1 address 02:00:00:00:00:30
ip link set dev veth1 master br0
ip link set dev veth1 address 02:00:00:00:00:03
ip link show dev br0
ip link set dev br0 address 02:00:00:00:00:40
ip link set dev veth1 address 02:00:00:00:00:02
ip link show dev br0
echo "== names"
ip link set dev veth0 name w0
ip link set dev w0 up
ip link set dev w0 name w1
ip link set dev w1 name all 2>&1
ip link set dev w1 name default 2>&1
ip link set dev w1 name br0 2>&1
ip link property add dev w1 altname alt0
ip link set dev w1 name alt0 2>&1
ip link set dev w1 name 'q%d'
ip -br link show
sleep 0.3
kill $mon; wait $mon 2>/dev/null
cat "$out"
rm -f "$out"
