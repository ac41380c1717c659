# getifaddrs() under nlsim run lists the virtual kernel's devices as glibc builds the list
# on Linux: an AF_PACKET entry per link (flags, hardware and broadcast address, statistics),
# then the IPv4 and IPv6 addresses in the dump's order (primaries before secondaries, alias
# labels as names, peers as destinations, a missing broadcast leaving the address itself,
# netmasks from the prefix, link-local scope ids), through the C probe, Node's
# os.networkInterfaces() (libuv) and python3 calling it with ctypes as the ifaddr package
# does. Then dumps over several datagrams, repeated calls and threads. MACs are fixed, so
# nothing needs masking. $1 is getifaddrs-probe.
probe=$1
ip link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02
ip link set veth1 addrgenmode none
ip link set veth0 addrgenmode none
ip link add br0 address 02:00:00:00:00:03 type bridge
ip link set br0 addrgenmode none
ip link set lo up
ip addr add 10.0.0.1/24 dev veth0
ip addr add 10.0.0.2/24 dev veth0 label veth0:1
ip addr add 10.0.1.1/16 dev veth0
ip addr add 10.0.0.3/32 dev veth0
ip addr add 10.0.0.4/24 brd 10.0.0.99 dev veth0 label veth0:x
ip addr add 192.168.1.1 peer 192.168.1.2/32 dev br0
ip addr add 192.168.2.1/30 peer 192.168.2.2 dev br0
ip addr add 172.16.0.1/12 brd + dev lo
ip addr add 2001:db8::1/64 dev veth0 nodad
ip addr add 2001:db8::2/127 dev veth0 nodad
ip addr add fe80::1/64 dev veth1 nodad
ip link set veth0 up
ip link set veth1 up
"$probe" stats
node -e 'console.log(JSON.stringify(require("os").networkInterfaces(), null, 1))'
python3 - <<'PY'
import ctypes, socket
class sockaddr(ctypes.Structure):
    _fields_ = [('family', ctypes.c_ushort), ('data', ctypes.c_ubyte * 26)]
class ifaddrs(ctypes.Structure):
    pass
ifaddrs._fields_ = [('next', ctypes.POINTER(ifaddrs)), ('name', ctypes.c_char_p), ('flags', ctypes.c_uint),
                    ('addr', ctypes.POINTER(sockaddr)), ('netmask', ctypes.POINTER(sockaddr)),
                    ('ifu', ctypes.POINTER(sockaddr)), ('data', ctypes.c_void_p)]
def text(sa):
    if not sa:
        return '-'
    sa = sa.contents
    if sa.family == socket.AF_INET:
        return socket.inet_ntop(socket.AF_INET, bytes(sa.data[2:6]))
    if sa.family == socket.AF_INET6:
        return socket.inet_ntop(socket.AF_INET6, bytes(sa.data[6:22])) + '%' + str(int.from_bytes(bytes(sa.data[22:26]), 'little'))
    return 'family %d' % sa.family
libc = ctypes.CDLL(None, use_errno=True)
head = ctypes.POINTER(ifaddrs)()
print('getifaddrs', libc.getifaddrs(ctypes.byref(head)))
p = head
while p:
    e = p.contents
    print(e.name.decode(), hex(e.flags), text(e.addr), text(e.netmask), text(e.ifu), bool(e.data))
    p = e.next
libc.freeifaddrs(head)
PY
# Dumps longer than glibc's page-sized reads: 24 more links, 24 more addresses.
for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
  ip link add va$i address 02:00:00:00:01:$((10 + i)) type veth peer name vb$i address 02:00:00:00:02:$((10 + i))
  ip addr add 10.3.$i.1/24 dev va$i
  ip addr add 2001:db8:$i::1/64 dev vb$i nodad
done
# (Linux counts two dropped transmissions on a bridge that is down when it gets a
# link-local address, which the simulator does not: after the statistics were printed.)
ip addr add fe80::3/10 dev br0 nodad
ip link set vb3 name renamed3
ip link del va5
"$probe" repeat 300
"$probe" threads 8
