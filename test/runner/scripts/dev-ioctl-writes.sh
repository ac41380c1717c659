# Device ioctls that change devices under nlsim run take the RTM_SETLINK paths: ip monitor
# all sees what Linux notifies for SIOCSIFFLAGS (up, promisc, an alias label cleared of
# IFF_UP), SIOCSIFMTU (IPv4 and IPv6 leaving and coming back), SIOCSIFTXQLEN, SIOCSIFNAME
# (with the rollback of "all"), SIOCSIFHWADDR, SIOCSIFHWBROADCAST and the IPv4 address
# setters of ifconfig (SIOCSIFADDR with classful masks, alias labels, 0.0.0.0 deleting;
# SIOCSIFNETMASK, SIOCSIFBRDADDR, SIOCSIFDSTADDR). $1 is dev-ioctl-probe.
probe=$1
out=$(mktemp)
ip link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02
ip link set veth0 addrgenmode none
ip link set veth1 addrgenmode none
ip addr add 10.0.0.1/24 dev veth0
ip addr add 10.0.0.2/24 dev veth0 label veth0:1
ip monitor all > "$out" &
mon=$!
sleep 0.3
"$probe" inet:SIFFLAGS:veth0:1003 unix:SIFFLAGS:veth1:1003 unix:SIFFLAGS:nosuch:1
sleep 0.2
# RUNNING comes with linkwatch, asynchronous on Linux.
"$probe" inet:GIFFLAGS:veth0 unix:SIFMTU:veth0:1400 unix:SIFMTU:veth0:1400 netlink:SIFMTU:veth0:60 inet6:SIFMTU:veth0:1500 unix:SIFMTU:veth0:70000 unix:SIFMTU:nosuch:1 unix:GIFMTU:veth0
"$probe" unix:SIFMTU:lo:60 unix:SIFMTU:lo:1200 unix:SIFMTU:lo:65536
"$probe" unix:SIFTXQLEN:veth0:500 unix:SIFTXQLEN:veth0:500 unix:SIFTXQLEN:veth0:-1 unix:GIFTXQLEN:veth0
"$probe" unix:SIFNAME:veth1:peer0 unix:SIFNAME:peer0:veth0 unix:SIFNAME:peer0:all unix:SIFNAME:peer0:bad/name unix:SIFNAME:peer0:veth1 unix:SIFNAME:nosuch:x
"$probe" unix:SIFHWADDR:veth0:02:00:00:00:00:0a unix:SIFHWADDR:veth0:01:00:00:00:00:0a unix:SIFHWADDR:veth0:02:00:00:00:00:0a unix:GIFHWADDR:veth0
"$probe" unix:SIFHWBROADCAST:veth0:ff:ff:ff:ff:ff:fe
"$probe" inet:SIFFLAGS:veth0+9:1002 inet:SIFFLAGS:veth0+1:1003 inet:SIFFLAGS:veth0+1:1002 inet:GIFADDR:veth0+1
"$probe" unix:SIFFLAGS:veth0:1103 unix:GIFFLAGS:veth0 unix:SIFFLAGS:veth0:1003 unix:SIFMETRIC:veth0:1 unix:SIFMAP:veth0 unix:SIFSLAVE:veth0
"$probe" inet:SIFADDR:veth1:10.1.0.1 inet:SIFNETMASK:veth1:255.255.255.0 inet:SIFBRDADDR:veth1:10.1.0.127 inet:SIFADDR:veth1+5:10.1.0.5 \
  packet:SIFADDR:veth1+6:172.16.0.6 inet:SIFDSTADDR:veth1:10.1.0.9 inet:SIFADDR:veth1:224.0.0.1 inet:SIFNETMASK:veth1:255.0.255.0 \
  inet:SIFBRDADDR:veth1+7:1.2.3.4 inet:SIFADDR:nosuch:1.1.1.1 inet:SIFADDR:veth1+6:0.0.0.0 \
  inet:SIFADDR:veth1+5:10.1.0.5 inet:SIFADDR:veth1:192.168.5.5 inet:SIFADDR:veth1+8:192.168.5.5 inet:GIFADDR:veth1 inet:GIFNETMASK:veth1 inet:GIFBRDADDR:veth1 inet:GIFCONF:null
"$probe" unix:SIFFLAGS:veth1:1002
sleep 0.2
# lo's own 127.0.0.1/8 comes with IFF_UP; an alias in its subnet is a secondary with host scope.
"$probe" unix:SIFFLAGS:lo:9 inet:SIFADDR:lo+1:127.0.0.2
sleep 0.3
ip -d link show
ip addr show
kill $mon; wait $mon 2>/dev/null
echo "== monitor"
cat "$out"
rm -f "$out"
