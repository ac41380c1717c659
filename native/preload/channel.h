/*
 * The shim's connections to the nlsim bridge server: one data connection per virtual
 * socket (the fd the program holds) and one private control connection per process that
 * carries the calls. See docs/decisions/0003-preload-runner.md.
 */
#ifndef NLSIM_CHANNEL_H
#define NLSIM_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* channel_init reads NLSIM_SOCKET; without it the shim stays out of the way entirely. */
void channel_init(void);

/* channel_enabled reports whether a server was named in the environment. */
bool channel_enabled(void);

/* channel_recording reports record mode (NLSIM_RECORD=1): the server named is a recorder,
 * netlink sockets are the real kernel's, and the channel only carries BRIDGE_OP_RECORD. */
bool channel_recording(void);

/* channel_shares_memory reports whether this process shares the shim's memory with the
 * process that owns it: a vfork() child (or a raw clone), which fork's handlers never saw.
 * Such a child must leave the shim's tables and control connection alone. */
bool channel_shares_memory(void);

/* channel_is_data_fd reports whether `fd` is a connection to the server (a data
 * connection inherited across exec: control connections are close-on-exec). */
bool channel_is_data_fd(int fd);

/* call_result is a reply: the system call's result (or -errno) and its body (malloc'd,
 * freed by the caller; NULL when empty). */
struct call_result {
  int32_t result;
  unsigned char *body;
  size_t body_len;
};

/* channel_open_socket opens a data connection and asks for socket(type, protocol) over
 * it; returns the new fd (tracked) or -errno. `cloexec`/`nonblock` come from `type`. */
int channel_open_socket(int type, int protocol);

/* channel_call sends `op` about the virtual socket `key` (reached through `fd`) with a body
 * gathered from `parts`, waits for the reply, and removes the readiness tokens the server
 * says are stale. Returns 0 when a reply arrived (see out->result), else -errno: the
 * server is gone (ECONNRESET, reported once on stderr), answered something unreadable
 * (EPROTO), or the request was too large to frame (EMSGSIZE). */
int channel_call(int fd, uint64_t key, uint32_t op, uint32_t flags, const struct iovec *parts, int nparts,
                 struct call_result *out);

/* channel_call_detached is channel_call over a connection of its own, opened for this
 * call alone: a call that may block for long (a send to a full receiver) must not hold the
 * process's control connection, or another thread's receive that would make room could
 * never reach the server. */
int channel_call_detached(int fd, uint64_t key, uint32_t op, uint32_t flags, const struct iovec *parts, int nparts,
                          struct call_result *out);

#endif
