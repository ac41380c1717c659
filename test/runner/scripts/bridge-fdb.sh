# bridge fdb show, add, replace, get and del: the bridge's and its ports' local entries, the
# devices' own address lists ("self permanent": 33:33:00:00:00:01 from IPv6's all-nodes group,
# 01:00:5e:00:00:01 while up with IPv4, the bridge's snooping groups 224.0.0.106 and ff02::6a,
# solicited-node groups), static and permanent entries on a port, self entries on a veth, the
# filters, errors, and bridge monitor fdb. No traffic reaches the bridge: veth1 has
# addrgenmode none and sends no IPv6 packets the bridge could learn from, and stays down
# until the end. Errors are part of the output.
exec 2>&1
out=$(mktemp)
bridge monitor fdb > "$out" &
mon=$!
sleep 0.3
ip link add br0 type bridge
ip link add veth0 type veth peer name veth1
ip link set veth1 addrgenmode none
bridge fdb show
ip link set veth0 master br0
bridge fdb show br br0
ip link set br0 up
ip link set veth0 up
bridge fdb show dev veth0
bridge fdb add 02:00:00:00:00:41 dev veth0 master static
bridge fdb add 02:00:00:00:00:42 dev veth0 master permanent
bridge fdb add 02:00:00:00:00:41 dev veth0 master static
bridge fdb replace 02:00:00:00:00:41 dev veth0 master permanent
bridge fdb add 02:00:00:00:00:43 dev veth0 master static sticky
bridge fdb add 01:00:5e:00:00:09 dev veth0 master static
bridge fdb add 02:00:00:00:00:44 dev veth0 vlan 5 master static
bridge fdb add 02:00:00:00:00:45 dev veth1 master static
bridge fdb add 02:00:00:00:00:46 dev br0 self static
bridge fdb add 02:00:00:00:00:47 dev veth1 self permanent
bridge fdb add 02:00:00:00:00:47 dev veth1 self permanent
bridge fdb add 01:00:5e:00:00:0a dev veth1 self permanent
bridge fdb add 02:00:00:00:00:48 dev lo self permanent
bridge fdb show
bridge fdb show brport veth0
bridge fdb show dev veth1
bridge fdb get 02:00:00:00:00:41 dev veth0 master
bridge fdb get 02:00:00:00:00:41 br br0
bridge fdb get 02:00:00:00:00:99 br br0
bridge fdb get 02:00:00:00:00:47 dev veth1 self
bridge fdb del 02:00:00:00:00:41 dev veth0 master
bridge fdb del 02:00:00:00:00:41 dev veth0 master
bridge fdb del 02:00:00:00:00:47 dev veth1 self
bridge fdb del 01:00:5e:00:00:0a dev veth1 self
bridge fdb del 02:00:00:00:00:99 dev nosuch master
ip -d link show veth1 | grep -o 'promiscuity [0-9]*'
bridge fdb show
ip link set veth0 nomaster
bridge fdb show
ip link set veth1 up
ip link set br0 down
bridge fdb show
ip link del veth0
ip link del br0
bridge fdb show
sleep 0.3
kill $mon
wait $mon 2>/dev/null
echo "--- bridge monitor fdb"
cat "$out"
rm -f "$out"
