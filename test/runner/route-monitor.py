# A link monitor in python3 that runs `ip link set lo up` and reads the RTNLGRP_LINK
# notification: the child `ip` must reach the same kernel as its parent (under nlsim run,
# the same virtual kernel). Prints deterministic facts only.
import socket
import struct
import subprocess

RTMGRP_LINK = 1
IFF_UP = 0x1

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.bind((0, RTMGRP_LINK))
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
data, (pid, groups) = s.recvfrom(65536)
length, typ, flags, seq, port = struct.unpack_from("=IHHII", data)
family, _, devtype, index, ifflags, change = struct.unpack_from("=BBHiII", data, 16)
print("from", pid, "groups", groups, "type", typ, "index", index, "up", bool(ifflags & IFF_UP), "change up", bool(change & IFF_UP))
