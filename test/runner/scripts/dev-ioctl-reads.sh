# Device ioctls under nlsim run answer from the virtual kernel: every getter on every socket
# family (unix, inet, inet6, netlink, packet), errors (ENODEV, EADDRNOTAVAIL, EINVAL, ENOTTY,
# EFAULT), alias labels, SIOCGIFCONF, glibc's if_* functions, python3's socket and fcntl,
# ioctls that must still reach the real kernel, and `ip -6 addr show`, which asks
# SIOCGIFTXQLEN for the links of the AF_INET6 dump. $1 is dev-ioctl-probe.
probe=$1
ip link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02
ip link set veth1 addrgenmode none
ip link add br0 address 02:00:00:00:00:03 type bridge
ip link set lo up
ip link set veth0 mtu 1400 txqlen 77
ip link property add dev veth0 altname vethalt
ip addr add 10.0.0.1/24 dev veth0
ip addr add 10.0.0.2/24 dev veth0 label veth0:1
ip addr add 192.168.1.1 peer 192.168.1.2/32 dev br0
ip addr add 2001:db8::1/64 dev veth0 nodad
ops=""
for f in unix inet inet6 netlink packet; do
  for c in GIFINDEX GIFFLAGS GIFMTU GIFTXQLEN GIFHWADDR GIFMAP GIFMETRIC GIFSLAVE GIFADDR GIFNETMASK GIFBRDADDR GIFDSTADDR GIFPFLAGS GIFMEM GIFCOUNT; do
    ops="$ops $f:$c:veth0"
  done
  ops="$ops $f:GIFNAME:x:3 $f:GIFNAME:x:99 $f:GIFNAME:x:-1 $f:GIFINDEX:nosuch $f:GIFINDEX:vethalt $f:GIFINDEX: $f:GIFADDR:veth1 $f:GIFCONF:null $f:GIFCONF:100 $f:GIFCONF:320 $f:GIFCONF:-5 $f:GIFINDEX:nullarg $f:0x8999:lo $f:0x89f3:lo $f:0x89f3:nosuch"
done
"$probe" $ops
"$probe" inet:GIFADDR:veth0+1 inet:GIFADDR:veth0:10.0.0.2 inet:GIFADDR:veth0+1:10.0.0.1 inet:GIFADDR:veth0+2 inet:GIFNETMASK:veth0+1 \
  inet:GIFBRDADDR:br0 inet:GIFDSTADDR:br0 inet:GIFNETMASK:br0 inet:GIFADDR:lo inet:GIFINDEX:veth0+1 inet:GIFHWADDR:veth0+1 inet:GIFINDEX:long \
  inet:GIFFLAGS:br0 inet:GIFHWADDR:lo inet:GIFMTU:lo inet:GIFTXQLEN:br0 inet:0x890d:lo inet6:0x890d:lo unix:0x1234:lo inet:0x8936:lo \
  unix:0x8b01:veth0 inet:0x8b01:nosuch netlink:0x8b1b:lo
"$probe" nametoindex:veth0 nametoindex:nosuch nametoindex:averyveryverylongname indextoname:3 indextoname:99 nameindex tty fionread file
python3 - <<'PY'
import fcntl, socket, struct
print(socket.if_nametoindex('veth1'), socket.if_indextoname(1), socket.if_nameindex())
for call, arg in (('if_nametoindex', 'nosuch'), ('if_indextoname', 42)):
    try:
        getattr(socket, call)(arg)
    except OSError as e:
        print(call, type(e).__name__, e.errno)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for name in (b'veth0', b'br0', b'lo'):
    ifr = fcntl.ioctl(s, 0x8921, struct.pack('16si20x', name, 0))  # SIOCGIFMTU
    print(name, 'mtu', struct.unpack('16si20x', ifr)[1])
    try:
        ifr = fcntl.ioctl(s, 0x8915, struct.pack('16s24x', name))  # SIOCGIFADDR
        print(name, 'addr', socket.inet_ntoa(ifr[20:24]))
    except OSError as e:
        print(name, 'addr', e.errno)
PY
ip -6 addr show
ip -4 addr show dev veth0
# An ioctl on a netlink socket that changes a device: the socket, in RTNLGRP_LINK, is
# readable with the notification when the call returns.
python3 - <<'PY'
import fcntl, select, socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.bind((0, 1))  # RTMGRP_LINK
fcntl.ioctl(s, 0x8914, struct.pack('16sh22x', b'veth1', 0x1003))  # SIOCSIFFLAGS up
print('readable', bool(select.select([s], [], [], 0)[0]))
msg = s.recv(65536)
print('type', struct.unpack_from('=IH', msg)[1], 'index', struct.unpack_from('=BxHiII', msg, 16)[2])
PY
# SIOCGIFCONF walks the devices in registration order, not by index.
ip link add vethA index 50 type veth peer name vethB index 40
ip addr add 10.9.0.50/32 dev vethA
ip addr add 10.9.0.40/32 dev vethB
"$probe" netlink:GIFCONF:1000 nameindex
