/*
 * Record mode (NLSIM_RECORD=1): the program's netlink sockets are the real kernel's. The
 * shim makes each real call and reports the datagrams it moved to the recorder named by
 * NLSIM_SOCKET (`nlsim record`), as an nlmon device would have seen them: what the program
 * sends, and what it receives from the kernel (port 0). A datagram one user socket sends to
 * another is reported once, by its sender, as nlmon sees it once.
 */
#ifndef NLSIM_RECORD_CALLS_H
#define NLSIM_RECORD_CALLS_H

#define _GNU_SOURCE
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

/* record_fd reports whether the shim is recording and `fd` is a real AF_NETLINK socket: the
 * kernel is asked each time, so dups, children and exec'd images need no table. */
bool record_fd(int fd);

/* record_sendmsg is sendmsg() on the real socket, reporting the datagram once sent. */
ssize_t record_sendmsg(int fd, const struct msghdr *msg, int flags);

/* record_recvmsg is recvmsg() on the real socket, reporting a datagram from the kernel once
 * received (never a MSG_PEEK, which leaves it queued). */
ssize_t record_recvmsg(int fd, struct msghdr *msg, int flags);

/* record_sendmmsg and record_recvmmsg are the batch calls, reporting each datagram. */
int record_sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags);
int record_recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *timeout);

#endif
