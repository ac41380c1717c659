# tc read commands over the default qdiscs: noqueue (lo, veth), noop (down devices, not
# shown), pfifo_fast (single-queue ifb), mq with per-queue pfifo_fast (3-queue ifb), mq
# classes, empty filter/chain/action listings, errors, and tc monitor in the background
# (Linux sends nothing when default qdiscs are attached or devices go away), then qdiscs
# added, replaced and deleted at the root and on the ingress queue. The ifbs use
# addrgenmode none so that Linux sends no MLD reports on them and every counter stays 0.
out=$(mktemp)
tc monitor > "$out" &
mon=$!
sleep 0.5
ip link set lo up
ip link add veth0 type veth peer name veth1
ip link add br0 type bridge
ip link add ifb0 type ifb
ip link add ifb1 numtxqueues 3 type ifb
ip link set ifb0 addrgenmode none
ip link set ifb1 addrgenmode none
ip link set veth0 up; ip link set ifb0 up; ip link set ifb1 up
for c in "tc qdisc show" "tc -s qdisc show dev lo" "tc -s -d qdisc show dev ifb0" "tc -j qdisc show" \
    "tc class show dev veth0" "tc filter show dev veth0" "tc qdisc show dev nosuch" "tc chain show dev veth0" \
    "tc actions list action gact" "tc actions list action mirred" "tc qdisc show dev veth0 ingress" \
    "tc -s qdisc show dev ifb1" "tc -s class show dev ifb1" "tc -d class show dev ifb1" "tc -j class show dev ifb1" \
    "tc qdisc show dev ifb1 parent :2" "tc qdisc show dev veth1" "tc filter show dev ifb1 parent ffff:" \
    "tc qdisc del dev ifb0 root" "tc qdisc add dev ifb0 root nosuchqdisc" "tc filter add dev ifb0 parent 1: protocol ip prio 1 u32 match ip dst 10.0.0.1/32" \
    "tc filter show dev nosuch" "tc class show dev nosuch"; do
  echo "== $c"; $c 2>&1
done
ip link set ifb0 down
ip link del ifb1
tc qdisc show
sleep 0.5
kill $mon
wait $mon 2>/dev/null
echo "== tc monitor"
cat "$out"
rm -f "$out"
# Grafting at the root, on the ingress queue and below mq's classes with explicit handles (Linux's automatic
# handles come from a counter shared by every namespace), under tc monitor.
tc monitor > "$out" &
mon=$!
sleep 0.5
ip link add ifb2 type ifb
ip link add ifb3 numtxqueues 2 type ifb
ip link set ifb2 addrgenmode none; ip link set ifb3 addrgenmode none
for c in "tc qdisc add dev ifb2 root handle 1: pfifo" "ip link set ifb2 up" "ip link set ifb3 up" \
    "tc qdisc add dev ifb3 root handle 2: bfifo limit 3000" "tc qdisc replace dev ifb2 root handle 1: pfifo limit 5" \
    "tc qdisc replace dev ifb2 root handle 3: pfifo_head_drop" "tc qdisc add dev ifb2 ingress" "tc qdisc add dev ifb2 clsact" \
    "tc qdisc add dev ifb3 clsact" "tc -s qdisc show" "tc -d class show dev ifb2" "tc filter show dev ifb3 ingress" \
    "tc qdisc add dev ifb3 root handle 5: noqueue" "tc qdisc replace dev ifb3 root handle 6: mq" "tc qdisc add dev ifb3 parent 6:2 handle 7: pfifo" \
    "tc qdisc add dev ifb3 parent 6:1 handle 8: bfifo" "tc qdisc del dev ifb3 parent 6:2" "tc qdisc add dev ifb3 parent 6:1 noqueue" \
    "tc qdisc show dev ifb3" "tc class show dev ifb3" "tc qdisc del dev ifb2 ingress" "tc qdisc del dev ifb2 root" "tc qdisc del dev ifb3 root" \
    "tc qdisc add dev ifb2 root handle 7: mq" "tc qdisc show" "ip link show ifb3"; do
  echo "== $c"; $c 2>&1
done
ip link del ifb2
ip link del ifb3
sleep 0.5
kill $mon
wait $mon 2>/dev/null
echo "== tc monitor"
cat "$out"
rm -f "$out"
