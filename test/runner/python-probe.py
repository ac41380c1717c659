# python3's socket module on AF_NETLINK: prints deterministic facts only, so that its output
# on the real kernel (unshare -n) and under `nlsim run` can be compared line for line.
import errno
import os
import select
import socket
import struct

NETLINK_USERSOCK, NETLINK_GENERIC = 2, 16
SOL_NETLINK, NETLINK_PKTINFO, NETLINK_ADD_MEMBERSHIP = 270, 3, 1


def show(label, fn):
    try:
        print(f"{label}: {fn()}")
    except OSError as e:
        print(f"{label}: {errno.errorcode.get(e.errno, type(e).__name__)}")


def port(pid):
    return "self" if pid == os.getpid() else ("negative" if pid >= 1 << 31 else pid)


g = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
g.bind((0, 0))
pid, groups = g.getsockname()
print("generic bound:", port(pid), groups)
name = b"nlctrl\0"
attr = struct.pack("=HH", 4 + len(name), 2) + name + b"\0" * (-len(name) % 4)
body = struct.pack("=BBH", 3, 1, 0) + attr
g.send(struct.pack("=IHHII", 16 + len(body), 0x10, 0x1 | 0x4, 7, 0) + body)
r, _, _ = select.select([g], [], [], 5)
print("select readable:", len(r))
data = g.recv(65536)
ln, typ, flags, seq, rpid = struct.unpack_from("=IHHII", data)
print("reply:", ln, hex(typ), hex(flags), seq, port(rpid), len(data))
data, addr = g.recvfrom(65536)
print("ack:", len(data), struct.unpack_from("=i", data, 16)[0], addr)

a = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_USERSOCK)
b = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_USERSOCK)
a.bind((3001, 0))
b.bind((3002, 0))
b.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 4)
b.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1)
show("sendto b", lambda: a.sendto(b"unicast", (3002, 0)))
show("sendto group 4", lambda: a.sendto(b"multicast", (0, 1 << 3)))
show("recvfrom", lambda: b.recvfrom(100))
show("recvmsg", lambda: b.recvmsg(100, socket.CMSG_SPACE(4)))
b.settimeout(0.05)
show("recv timeout", lambda: b.recv(100))
b.setblocking(False)
show("recv nonblocking", lambda: b.recv(100))
show("getsockopt SO_RCVBUF", lambda: b.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
show("fileno family", lambda: socket.socket(fileno=os.dup(b.fileno())).family)
show("bind again", lambda: b.bind((3003, 0)))
show("connect", lambda: a.connect((3002, 0)))
show("getpeername", lambda: a.getpeername())
# Peer options: a netlink socket has no peer credentials; under the shim they must never
# describe the unix connection to the server.
show("SO_PEERCRED", lambda: a.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12).hex())
show("SO_PEERNAME", lambda: a.getsockopt(socket.SOL_SOCKET, 28, 12).hex())
show("SO_PEERNAME too long", lambda: a.getsockopt(socket.SOL_SOCKET, 28, 16))
show("SO_PEERGROUPS", lambda: a.getsockopt(socket.SOL_SOCKET, 59, 64))
show("SO_PASSSEC", lambda: (a.setsockopt(socket.SOL_SOCKET, 34, 1), a.getsockopt(socket.SOL_SOCKET, 34))[1])
show("SO_PASSPIDFD", lambda: a.setsockopt(socket.SOL_SOCKET, 76, 1))
# netlink has no ioctls of its own: no queue size (under the shim, not the token count).
show("FIONREAD", lambda: __import__("fcntl").ioctl(a.fileno(), __import__("termios").FIONREAD, b"\0" * 4))
for s in (g, a, b):
    s.close()
show("bind closed", lambda: b.bind((0, 0)))
