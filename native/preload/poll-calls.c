/*
 * poll() and ppoll() on virtual netlink sockets: POLLERR as datagram_poll() reports it.
 *
 * The fd a program holds is readable while its virtual socket is (a readiness token sits in
 * it), but a unix stream socket cannot say *why*. The token bytes can: each is the virtual
 * socket's state when written (BRIDGE_TOKEN: datagrams queued, BRIDGE_TOKEN_ERROR: sk_err
 * pending), the last one current. After the real poll, a readable virtual socket's tokens
 * are peeked (no round trip to the server) and revents become datagram_poll()'s: POLLERR
 * when an error is pending, POLLIN only while datagrams are queued.
 *
 * select() needs nothing (Linux counts POLLERR as readable there too). epoll is not
 * interposed: it keeps reporting EPOLLIN alone (see the ADR's known differences).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "channel.h"
#include "fd-table.h"
#include "nlsim-bridge.h"
#include "real-calls.h"
#include "shim.h"

/* token_state peeks at the tokens in the data connection `fd` and returns the newest, or 0
 * when there is none (a token drained in between). */
static int token_state(int fd) {
  unsigned char tokens[64];
  ssize_t n = real()->recv(fd, tokens, sizeof tokens, MSG_PEEK | MSG_DONTWAIT);
  return n > 0 ? tokens[n - 1] : 0;
}

/* adjust rewrites the revents of readable virtual sockets; `ready` is the real poll's
 * result, and the return is the number of entries with revents left. */
static int adjust(struct pollfd *fds, nfds_t n, int ready) {
  if (ready <= 0 || !channel_enabled() || channel_recording()) return ready;
  int saved = errno;
  for (nfds_t i = 0; i < n; i++) {
    uint64_t key;
    if (!(fds[i].revents & POLLIN) || !fd_lookup(fds[i].fd, &key)) continue;
    int state = token_state(fds[i].fd);
    if (!state) continue;
    if (state & BRIDGE_TOKEN_ERROR) fds[i].revents |= POLLERR;
    if (!(state & BRIDGE_TOKEN)) fds[i].revents &= (short)~(POLLIN | POLLRDNORM);
    /* POLLERR stays when POLLIN goes, so the entry still counts. */
  }
  errno = saved;
  return ready;
}

int poll(struct pollfd *fds, nfds_t n, int timeout) {
  if (!real()->poll) return fail(ENOSYS);
  return adjust(fds, n, real()->poll(fds, n, timeout));
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *sigmask) {
  if (!real()->ppoll) return fail(ENOSYS);
  return adjust(fds, n, real()->ppoll(fds, n, timeout, sigmask));
}

/* The _FORTIFY_SOURCE entry point; the C library's own checks come first. */
int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen) {
  if (!real()->poll_chk) return fail(ENOSYS);
  return adjust(fds, n, real()->poll_chk(fds, n, timeout, fdslen));
}
