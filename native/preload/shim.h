/* Helpers shared by the interposed calls (socket-calls.c, data-calls.c). */
#ifndef NLSIM_SHIM_H
#define NLSIM_SHIM_H

#include <errno.h>
#include <stdint.h>

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

#endif
