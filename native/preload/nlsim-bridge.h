/*
 * The bridge protocol spoken between the preload shim and nlsim's bridge server
 * (runner/bridge-protocol.ts mirrors every number and offset here).
 *
 * Two kinds of AF_UNIX stream connections reach the server's socket:
 *   - a data connection per virtual netlink socket: the fd the program holds. Its only
 *     request is the first (BRIDGE_OP_SOCKET); afterwards the server writes nothing but
 *     one-byte readiness tokens to it, so poll/select/epoll see it readable exactly when
 *     the virtual socket is.
 *   - a control connection per process, private to the shim, carrying every other call.
 * Frames are in host byte order: both ends run on the same machine.
 */
#ifndef NLSIM_BRIDGE_H
#define NLSIM_BRIDGE_H

#include <stdint.h>

/* The environment variable naming the server's socket path. */
#define NLSIM_SOCKET_ENV "NLSIM_SOCKET"
/* Set to "1" (with NLSIM_SOCKET naming a recorder): record mode. Netlink sockets are the
 * real kernel's; the shim only reports each datagram (BRIDGE_OP_RECORD). */
#define NLSIM_RECORD_ENV "NLSIM_RECORD"

/* Operations (bridge_request.op). */
enum bridge_op {
  BRIDGE_OP_SOCKET = 1,      /* body: bridge_socket_body; sent on the data connection */
  BRIDGE_OP_BIND = 2,        /* body: the socket address bytes */
  BRIDGE_OP_CONNECT = 3,     /* body: the socket address bytes */
  BRIDGE_OP_GETSOCKNAME = 4, /* reply body: struct sockaddr_nl */
  BRIDGE_OP_GETPEERNAME = 5, /* reply body: struct sockaddr_nl */
  BRIDGE_OP_SENDMSG = 6,     /* flags: msg flags; body: u32 timeout_ms, u32 addrlen, address, data */
  BRIDGE_OP_RECVMSG = 7,     /* flags: msg flags; body: bridge_recv_body; reply: bridge_recv_reply, control, data */
  BRIDGE_OP_SETSOCKOPT = 8,  /* body: i32 level, i32 name, option bytes */
  BRIDGE_OP_GETSOCKOPT = 9,  /* body: i32 level, i32 name, i32 optlen; reply: u32 optlen, bytes */
  BRIDGE_OP_CLOSE = 10,      /* a descriptor was closed: answers once the server saw any EOF */
  BRIDGE_OP_LOOKUP = 11,     /* is `key` a live virtual socket? (fds inherited across exec) */
  /* Not sent by the shim: `nlsim uevent` injects a device event. key 0; flags:
   * BRIDGE_UEVENT_UDEV for the libudev format (group 2) instead of the kernel's (group 1);
   * body: NUL-terminated KEY=VALUE strings, ACTION and DEVPATH among them; result: SEQNUM.
   * Answered only by a server whose socket sits in a private (0700) directory, else EPERM. */
  BRIDGE_OP_UEVENT = 12,
  /* Record mode: a datagram crossed a real netlink socket. key 0; body: bridge_record_body,
   * then the datagram's bytes. Answered (result 0) once recorded, so that a process that
   * exits has had every datagram recorded. */
  BRIDGE_OP_RECORD = 13,
  /* A device ioctl (SIOCGIF*, SIOCSIF*, SIOCGIFCONF) on any socket of the program, answered
   * by the virtual kernel's devices as dev_ioctl() and devinet_ioctl() would. key: the
   * virtual socket's (its namespace is asked), or 0 for any other socket (the process's
   * namespace); body: bridge_dev_ioctl_body; reply body: see struct bridge_dev_ioctl_body. */
  BRIDGE_OP_DEV_IOCTL = 14,
};

/* bridge_request.flags of BRIDGE_OP_UEVENT. */
#define BRIDGE_UEVENT_UDEV 1u

/* Every request starts with this header; `len` counts the header and the body. */
struct bridge_request {
  uint32_t len;
  uint32_t op;
  /* The virtual socket: the inode of the program-side end of its data connection. */
  uint64_t key;
  /* The caller's pid (getpid()): autobind and SCM_CREDENTIALS use the current process. */
  int32_t pid;
  /* Operation flags (MSG_* for SENDMSG and RECVMSG), else 0. */
  uint32_t flags;
};

/* Every reply starts with this header; `len` counts the header and the body. */
struct bridge_reply {
  uint32_t len;
  /* The system call's return value, or -errno. */
  int32_t result;
  /* Readiness tokens the shim must remove from the data connection of the request's key. */
  uint32_t drain;
  uint32_t reserved;
};

struct bridge_socket_body {
  int32_t type;
  int32_t protocol;
};

struct bridge_recv_body {
  uint32_t buffer_size;  /* total iov_len */
  uint32_t control_size; /* msg_controllen */
  /* Non-zero: a pending socket error is answered but stays pending, as do_recvmmsg()
   * puts it back into sk_err after the first datagram. */
  uint32_t keep_error;
};

struct bridge_recv_reply {
  uint32_t msg_flags;
  uint32_t nl_pid;      /* msg_name: sender port id */
  uint32_t nl_groups;   /* msg_name: delivery group mask */
  uint32_t control_len; /* bytes of msg_control that follow, as put_cmsg() laid them out */
  /* followed by control_len bytes of msg_control, then the copied bytes:
   * min(buffer_size, datagram length) */
};

/* bridge_record_body.direction */
enum bridge_record_direction {
  BRIDGE_RECORD_SENT = 0,     /* the program sent it (to the kernel or to a peer) */
  BRIDGE_RECORD_RECEIVED = 1, /* the program received it from the kernel (port 0) */
};

struct bridge_record_body {
  /* CLOCK_REALTIME when the datagram crossed: before a send, after a receive, so a request
   * always sorts before whatever it caused in any process. */
  int64_t tv_sec;
  uint32_t tv_nsec;
  uint32_t protocol;  /* the netlink family of the socket */
  uint32_t direction; /* enum bridge_record_direction */
  /* The datagram's length: the bytes that follow are fewer when a receive truncated it. */
  uint32_t length;
};

/* bridge_dev_ioctl_body.version: a server answers EPROTO to a version it does not know. */
#define BRIDGE_DEV_IOCTL_VERSION 1u
/* bridge_dev_ioctl_body.flags */
#define BRIDGE_DEV_IOCTL_NULL_BUF 1u /* SIOCGIFCONF with a NULL ifc_buf: only count */
/* bridge_dev_ioctl_body.cmd values that are not ioctl numbers: */
#define BRIDGE_DEV_LIST 0u /* list every device (if_nameindex()): reply records {u32 index; char name[16]} */
/* sizeof(struct ifreq) on LP64 Linux, the only layout the shim is built for. */
#define BRIDGE_IFREQ_LEN 40

/*
 * A device ioctl. The reply's result is the ioctl's return (or -errno); its body is
 *   - for SIOCGIFCONF: an i32 ifc_len, then the struct ifreq records to copy into ifc_buf
 *     (none with BRIDGE_DEV_IOCTL_NULL_BUF);
 *   - for other commands: empty, or the BRIDGE_IFREQ_LEN bytes of struct ifreq to copy back
 *     to the caller (the kernel's copy after the call, as put_user_ifreq() writes it);
 *   - for BRIDGE_DEV_LIST: the device records.
 */
struct bridge_dev_ioctl_body {
  uint32_t version; /* BRIDGE_DEV_IOCTL_VERSION */
  uint32_t cmd;     /* the ioctl request number */
  int32_t family;   /* the socket's domain (AF_NETLINK for a virtual netlink socket) */
  uint32_t flags;   /* BRIDGE_DEV_IOCTL_* */
  int32_t ifc_len;  /* SIOCGIFCONF: struct ifconf's ifc_len; else 0 */
  uint32_t reserved;
  unsigned char ifr[BRIDGE_IFREQ_LEN]; /* struct ifreq as the caller's memory holds it */
};

/* The bytes the server writes to a data connection while its virtual socket is readable.
 * Each is the socket's state when written, a mask: BRIDGE_TOKEN when datagrams are queued,
 * BRIDGE_TOKEN_ERROR when an error is pending (sk_err, which makes datagram_poll() report
 * POLLERR). A state change while readable appends a byte, so the last one is current. */
#define BRIDGE_TOKEN 0x01
#define BRIDGE_TOKEN_ERROR 0x02

/* Frames larger than this are refused (EPROTO): larger than any netlink datagram. */
#define BRIDGE_MAX_FRAME (64u << 20)

_Static_assert(sizeof(struct bridge_request) == 24, "request header is 24 bytes");
_Static_assert(sizeof(struct bridge_reply) == 16, "reply header is 16 bytes");
_Static_assert(sizeof(struct bridge_recv_reply) == 16, "recv reply body is 16 bytes");
_Static_assert(sizeof(struct bridge_record_body) == 24, "record body is 24 bytes");
_Static_assert(sizeof(struct bridge_dev_ioctl_body) == 64, "device ioctl body is 64 bytes");

#endif
