/* Helpers shared by the interposed calls (socket-calls.c, data-calls.c, dev-calls.c, ifaddrs-calls.c). */
#ifndef NLSIM_SHIM_H
#define NLSIM_SHIM_H

#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "channel.h"

/* The most bytes of socket address the kernel accepts (sizeof(struct sockaddr_storage));
 * longer ones fail with EINVAL in move_addr_to_kernel() before any protocol sees them. */
#define SOCKADDR_MAX 128

/* fail sets errno and returns -1, as a failing system call does. */
static inline int fail(int err) {
  errno = err;
  return -1;
}

/* finish turns a reply result (or a channel error) into a system call's return. */
static inline long finish(int channel_err, long result) {
  if (channel_err) return fail(-channel_err);
  if (result < 0) return fail((int)-result);
  return result;
}

/* The data path of a virtual socket whose key the caller knows (data-calls.c). */
ssize_t virtual_sendto(int fd, uint64_t key, const void *buf, size_t len, const struct sockaddr *addr, socklen_t addrlen);
ssize_t virtual_recvmsg(int fd, uint64_t key, struct msghdr *msg, int flags);

#endif
