# Dump FIB rules for AF_UNSPEC, RTNL_FAMILY_IPMR (128) and RTNL_FAMILY_IP6MR (129) over a raw NETLINK_ROUTE socket.
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.bind((0, 0))
for seq, fam in ((1, 0), (2, 128), (3, 129)):
    hdr = struct.pack('=IHHII', 16 + 12, 34, 0x301, seq, 0)        # RTM_GETRULE, NLM_F_REQUEST|NLM_F_DUMP
    body = struct.pack('=BBBBBBBBI', fam, 0, 0, 0, 0, 0, 0, 0, 0)  # struct fib_rule_hdr
    s.send(hdr + body)
    done = False
    while not done:
        data = s.recv(65536)
        off = 0
        while off < len(data):
            ln, typ, fl, sq, pid = struct.unpack_from('=IHHII', data, off)
            if typ == 32:  # RTM_NEWRULE
                print('family', data[off + 16], 'table', data[off + 20], 'len', ln)
            if typ in (2, 3):
                done = True
            off += (ln + 3) & ~3
