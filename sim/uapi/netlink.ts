/**
 * Constants of include/uapi/linux/netlink.h and the socket-layer numbers netlink uses,
 * spelled exactly as the kernel spells them so they grep against C sources.
 */

export const AF_UNSPEC = 0;
export const AF_NETLINK = 16;
export const PF_NETLINK = AF_NETLINK;

/** Socket types (include/linux/net.h). Netlink accepts SOCK_RAW and SOCK_DGRAM only. */
export const SOCK = {
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_RDM: 4,
  SOCK_SEQPACKET: 5,
  SOCK_DCCP: 6,
  SOCK_PACKET: 10,
  /** One above the highest socket type; socket() rejects types at or beyond it with EINVAL. */
  SOCK_MAX: 11,
  SOCK_NONBLOCK: 0o4000,
  SOCK_CLOEXEC: 0o2000000,
} as const;
export const { SOCK_DGRAM, SOCK_RAW, SOCK_NONBLOCK, SOCK_CLOEXEC } = SOCK;

/** The 32 netlink protocol numbers (MAX_LINKS). Unlisted numbers have no name in the uapi. */
export const NETLINK = {
  NETLINK_ROUTE: 0,
  NETLINK_UNUSED: 1,
  NETLINK_USERSOCK: 2,
  NETLINK_FIREWALL: 3,
  NETLINK_SOCK_DIAG: 4,
  NETLINK_NFLOG: 5,
  NETLINK_XFRM: 6,
  NETLINK_SELINUX: 7,
  NETLINK_ISCSI: 8,
  NETLINK_AUDIT: 9,
  NETLINK_FIB_LOOKUP: 10,
  NETLINK_CONNECTOR: 11,
  NETLINK_NETFILTER: 12,
  NETLINK_IP6_FW: 13,
  NETLINK_DNRTMSG: 14,
  NETLINK_KOBJECT_UEVENT: 15,
  NETLINK_GENERIC: 16,
  NETLINK_SCSITRANSPORT: 18,
  NETLINK_ECRYPTFS: 19,
  NETLINK_RDMA: 20,
  NETLINK_CRYPTO: 21,
  NETLINK_SMC: 22,
} as const;
export const {
  NETLINK_ROUTE,
  NETLINK_USERSOCK,
  NETLINK_SOCK_DIAG,
  NETLINK_KOBJECT_UEVENT,
  NETLINK_GENERIC,
} = NETLINK;
/** NETLINK_TEST is the protocol number the seeds' example module registers (unused by mainline). */
export const NETLINK_TEST = 25;
export const MAX_LINKS = 32;

/** protocolName returns the uapi name of a protocol number (`'NETLINK_ROUTE'`), or `'NETLINK_<n>'`. */
export function protocolName(protocol: number): string {
  for (const [name, value] of Object.entries(NETLINK)) if (value === protocol) return name;
  return `NETLINK_${protocol}`;
}

/** Flags of nlmsghdr.nlmsg_flags. The GET, NEW and DELETE modifiers share bits, as in the uapi. */
export const NLM_F = {
  NLM_F_REQUEST: 0x01,
  NLM_F_MULTI: 0x02,
  NLM_F_ACK: 0x04,
  NLM_F_ECHO: 0x08,
  NLM_F_DUMP_INTR: 0x10,
  NLM_F_DUMP_FILTERED: 0x20,
  // Modifiers to GET requests
  NLM_F_ROOT: 0x100,
  NLM_F_MATCH: 0x200,
  NLM_F_ATOMIC: 0x400,
  NLM_F_DUMP: 0x300,
  // Modifiers to NEW requests
  NLM_F_REPLACE: 0x100,
  NLM_F_EXCL: 0x200,
  NLM_F_CREATE: 0x400,
  NLM_F_APPEND: 0x800,
  // Modifiers to DELETE requests
  NLM_F_NONREC: 0x100,
  NLM_F_BULK: 0x200,
  // Flags of ACK messages
  NLM_F_CAPPED: 0x100,
  NLM_F_ACK_TLVS: 0x200,
} as const;
export const {
  NLM_F_REQUEST,
  NLM_F_MULTI,
  NLM_F_ACK,
  NLM_F_ECHO,
  NLM_F_DUMP_INTR,
  NLM_F_DUMP_FILTERED,
  NLM_F_ROOT,
  NLM_F_MATCH,
  NLM_F_DUMP,
  NLM_F_REPLACE,
  NLM_F_EXCL,
  NLM_F_CREATE,
  NLM_F_APPEND,
  NLM_F_CAPPED,
  NLM_F_ACK_TLVS,
} = NLM_F;

/** Control message types, all below NLMSG_MIN_TYPE. */
export const NLMSG = {
  NLMSG_NOOP: 0x1,
  NLMSG_ERROR: 0x2,
  NLMSG_DONE: 0x3,
  NLMSG_OVERRUN: 0x4,
  NLMSG_MIN_TYPE: 0x10,
} as const;
export const { NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN, NLMSG_MIN_TYPE } = NLMSG;

/** struct nlmsgerr attributes (NLMSGERR_ATTR_*), carried after the error when NLM_F_ACK_TLVS is set. */
export const NLMSGERR_ATTR = {
  NLMSGERR_ATTR_UNUSED: 0,
  NLMSGERR_ATTR_MSG: 1,
  NLMSGERR_ATTR_OFFS: 2,
  NLMSGERR_ATTR_COOKIE: 3,
  NLMSGERR_ATTR_POLICY: 4,
  NLMSGERR_ATTR_MISS_TYPE: 5,
  NLMSGERR_ATTR_MISS_NEST: 6,
} as const;

/** Attribute type flag bits (struct nlattr.nla_type). */
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

/** Socket levels. */
export const SOL_SOCKET = 1;
export const SOL_NETLINK = 270;

/** SOL_NETLINK option names. 6 and 7 (RX_RING, TX_RING) were removed from the kernel. */
export const NETLINK_OPT = {
  NETLINK_ADD_MEMBERSHIP: 1,
  NETLINK_DROP_MEMBERSHIP: 2,
  NETLINK_PKTINFO: 3,
  NETLINK_BROADCAST_ERROR: 4,
  NETLINK_NO_ENOBUFS: 5,
  NETLINK_RX_RING: 6,
  NETLINK_TX_RING: 7,
  NETLINK_LISTEN_ALL_NSID: 8,
  NETLINK_LIST_MEMBERSHIPS: 9,
  NETLINK_CAP_ACK: 10,
  NETLINK_EXT_ACK: 11,
  NETLINK_GET_STRICT_CHK: 12,
} as const;
export const {
  NETLINK_ADD_MEMBERSHIP,
  NETLINK_DROP_MEMBERSHIP,
  NETLINK_PKTINFO,
  NETLINK_BROADCAST_ERROR,
  NETLINK_NO_ENOBUFS,
  NETLINK_LISTEN_ALL_NSID,
  NETLINK_LIST_MEMBERSHIPS,
  NETLINK_CAP_ACK,
  NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK,
} = NETLINK_OPT;

/** SOL_SOCKET options nlsim models (asm-generic/socket.h numbers). */
export const SO = {
  SO_DEBUG: 1,
  SO_REUSEADDR: 2,
  SO_TYPE: 3,
  SO_ERROR: 4,
  SO_DONTROUTE: 5,
  SO_BROADCAST: 6,
  SO_SNDBUF: 7,
  SO_RCVBUF: 8,
  SO_KEEPALIVE: 9,
  SO_OOBINLINE: 10,
  SO_NO_CHECK: 11,
  SO_PRIORITY: 12,
  SO_PASSCRED: 16,
  SO_PEERCRED: 17,
  SO_PEERNAME: 28,
  SO_RCVBUFFORCE: 33,
  SO_SNDBUFFORCE: 32,
  SO_PASSSEC: 34,
  SO_PROTOCOL: 38,
  SO_DOMAIN: 39,
  SO_MEMINFO: 55,
  SO_PEERGROUPS: 59,
  SO_PASSPIDFD: 76,
  SO_PEERPIDFD: 77,
} as const;
export const { SO_TYPE, SO_ERROR, SO_SNDBUF, SO_RCVBUF, SO_PASSCRED, SO_PROTOCOL, SO_DOMAIN } = SO;

/** sendmsg/recvmsg flags (include/linux/socket.h). */
export const MSG = {
  MSG_OOB: 0x1,
  MSG_PEEK: 0x2,
  MSG_CTRUNC: 0x8,
  MSG_TRUNC: 0x20,
  MSG_DONTWAIT: 0x40,
  MSG_EOR: 0x80,
  MSG_WAITALL: 0x100,
  MSG_CONFIRM: 0x800,
  MSG_ERRQUEUE: 0x2000,
  MSG_NOSIGNAL: 0x4000,
  MSG_MORE: 0x8000,
  MSG_CMSG_CLOEXEC: 0x40000000,
} as const;
export const { MSG_OOB, MSG_PEEK, MSG_CTRUNC, MSG_TRUNC, MSG_DONTWAIT } = MSG;

/** poll() event bits. */
export const POLLIN = 0x1;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;

/** Netlink configuration flags of a kernel protocol (struct netlink_kernel_cfg.flags). */
export const NL_CFG_F_NONROOT_RECV = 1 << 0;
export const NL_CFG_F_NONROOT_SEND = 1 << 1;

/** Fixed sizes of the wire structs. */
export const NLMSG_HDRLEN = 16;
export const NLA_HDRLEN = 4;
export const SOCKADDR_NL_LEN = 12;
/** sizeof(struct sockaddr_storage): the syscall layer refuses longer addresses. */
export const SOCKADDR_STORAGE_LEN = 128;
