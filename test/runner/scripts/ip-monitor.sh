# ip monitor link started in the background while other ip commands change links; the
# notifications it prints are compared. A veth end is a port of an up bridge, so the
# AF_BRIDGE notifications of its state changes show too (enslaved, up without carrier,
# forwarding once its peer comes up, disabled when the peer goes down, nomaster, deleted
# with the bridge still holding it). The waits let Linux's linkwatch run: a bridge's
# carrier-off event is not urgent and can wait up to a second. The script ends before a
# port's 15 s forward-delay timer expires.
out=$(mktemp)
ip monitor link > "$out" &
mon=$!
sleep 0.5
ip link add veth0 type veth peer name veth1
ip link add br0 type bridge
ip link set br0 up
sleep 1.2
ip link set veth0 master br0
sleep 1.2
ip link set veth0 up
sleep 1.2
ip link set veth1 up
sleep 1.2
ip link set veth1 down
sleep 1.2
ip link set veth1 up
sleep 1.2
ip link set veth0 nomaster
sleep 1.2
ip link set veth0 master br0
sleep 1.2
ip link del veth0
sleep 1.2
ip link del br0
sleep 0.5
kill $mon
wait $mon 2>/dev/null
cat "$out"
rm -f "$out"
