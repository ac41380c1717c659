# ip netconf (RTM_GETNETCONF doit and dumps) before and after devices come, and ip monitor
# netconf in the background while veth, bridge and ifb devices are created and deleted
# (RTM_NEWNETCONF at registration, RTM_DELNETCONF at unregistration).
out=$(mktemp)
ip monitor netconf link > "$out" &
mon=$!
sleep 0.5
ip netconf show
ip -6 netconf show dev lo
ip link add veth0 type veth peer name veth1
ip link add br0 type bridge
ip link add ifb0 type ifb
ip netconf show
ip -4 netconf show dev veth0
ip -6 netconf show dev br0
ip -6 netconf show dev nosuch 2>&1
ip link del veth0
ip link del br0
ip link del ifb0
ip -4 netconf show
sleep 0.5
kill $mon
wait $mon 2>/dev/null
cat "$out"
rm -f "$out"
