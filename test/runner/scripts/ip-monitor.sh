# ip monitor link started in the background while other ip commands change links; the
# notifications it prints are compared. Bridge ports are left out: the AF_BRIDGE
# notifications of port state changes are not modelled yet.
out=$(mktemp)
ip monitor link > "$out" &
mon=$!
sleep 0.5
ip link add veth0 type veth peer name veth1
ip link set veth0 up
sleep 1.2
ip link set veth1 up
sleep 1.2
ip link del veth0
sleep 0.5
kill $mon
wait $mon 2>/dev/null
cat "$out"
rm -f "$out"
