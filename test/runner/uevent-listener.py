# A uevent listener as udev's monitors open one: NETLINK_KOBJECT_UEVENT bound to groups 1
# (kernel events) and 2 (udevd's libudev events), with SO_PASSCRED. Prints, for the next N
# events (argv[1], default 2), the sender's address, the credentials and the properties.
import socket
import struct
import sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 15)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind((0, 3))
print("listening", flush=True)
for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 2):
    data, anc, flags, (pid, groups) = s.recvmsg(4096, 64)
    creds = struct.unpack("=iII", anc[0][2]) if anc else None
    if data.startswith(b"libudev\0"):
        off, = struct.unpack_from("=I", data, 16)
        props = data[off:].split(b"\0")
        print("udev from", pid, "groups", groups, "creds", creds, [p.decode() for p in props if p])
    else:
        print("kernel from", pid, "groups", groups, "creds", creds, [p.decode() for p in data.split(b"\0") if p])
