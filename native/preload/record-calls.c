/* Record mode: real netlink calls, each datagram reported to the recorder (see record-calls.h). */
#include "record-calls.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "channel.h"
#include "nlsim-bridge.h"
#include "real-calls.h"

#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif

/* The start of struct sockaddr_nl: enough to read the sender's port id. */
struct nl_name {
  uint16_t family, pad;
  uint32_t pid, groups;
};

bool record_fd(int fd) {
  if (!channel_recording()) return false;
  int domain = 0;
  socklen_t len = sizeof domain;
  int saved = errno;
  bool netlink = real()->getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_NETLINK;
  errno = saved;
  return netlink;
}

/* protocol_of asks the kernel for the socket's netlink family (SO_PROTOCOL). */
static uint32_t protocol_of(int fd) {
  int protocol = 0;
  socklen_t len = sizeof protocol;
  if (real()->getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) != 0) return 0;
  return (uint32_t)protocol;
}

/* now reads CLOCK_REALTIME, the clock of a capture's timestamps. */
static struct timespec now(void) {
  struct timespec ts = {0, 0};
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts;
}

/* report sends one datagram to the recorder: `copied` bytes gathered from `iov`, of a
 * datagram `length` long. A recorder that is gone is reported once on stderr by the channel;
 * the program's own call is unaffected either way, and so is its errno. */
static void report(int fd, struct timespec ts, uint32_t direction, const struct iovec *iov, size_t iovlen, size_t copied,
                   size_t length) {
  int saved = errno;
  unsigned char *data = malloc(copied ? copied : 1);
  if (data) {
    size_t at = 0;
    for (size_t i = 0; i < iovlen && at < copied; i++) {
      size_t n = iov[i].iov_len < copied - at ? iov[i].iov_len : copied - at;
      if (n) memcpy(data + at, iov[i].iov_base, n);
      at += n;
    }
    struct bridge_record_body body = {
        .tv_sec = ts.tv_sec,
        .tv_nsec = (uint32_t)ts.tv_nsec,
        .protocol = protocol_of(fd),
        .direction = direction,
        .length = (uint32_t)length,
    };
    struct iovec parts[2] = {{&body, sizeof body}, {data, at}};
    struct call_result out;
    if (channel_call(-1, 0, BRIDGE_OP_RECORD, 0, parts, 2, &out) == 0) free(out.body);
    free(data);
  }
  errno = saved;
}

/* iov_sum is the total length of an iovec array. */
static size_t iov_sum(const struct iovec *iov, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += iov[i].iov_len;
  return total;
}

/* received reports the result `n` of a receive into `msg` with `flags`, when it took a
 * datagram from the kernel off the queue. An unknown sender (a name too short to hold the
 * port id) counts as the kernel: most datagrams a netlink client reads are the kernel's. */
static void received(int fd, struct timespec ts, const struct msghdr *msg, int flags, ssize_t n) {
  if (n < 0 || (flags & MSG_PEEK)) return;
  if (msg->msg_name && msg->msg_namelen >= 8 && ((const struct nl_name *)msg->msg_name)->pid != 0) return;
  size_t room = iov_sum(msg->msg_iov, msg->msg_iovlen);
  /* With MSG_TRUNC in flags the result is the datagram's length, which may exceed the copy. */
  size_t copied = (size_t)n < room ? (size_t)n : room;
  report(fd, ts, BRIDGE_RECORD_RECEIVED, msg->msg_iov, msg->msg_iovlen, copied, (size_t)n);
}

ssize_t record_sendmsg(int fd, const struct msghdr *msg, int flags) {
  /* Before the call: whatever the datagram causes (a reply, a notification another process
   * reads) is stamped after it. */
  struct timespec ts = now();
  ssize_t n = real()->sendmsg(fd, msg, flags);
  if (n >= 0 && msg) report(fd, ts, BRIDGE_RECORD_SENT, msg->msg_iov, msg->msg_iovlen, (size_t)n, (size_t)n);
  return n;
}

ssize_t record_recvmsg(int fd, struct msghdr *msg, int flags) {
  if (!msg) return real()->recvmsg(fd, msg, flags);
  /* Without a name of the caller's, one of ours tells who sent the datagram; the caller's
   * msghdr is given back as it was (the kernel writes no msg_namelen without a name). */
  struct nl_name name;
  void *caller_name = msg->msg_name;
  socklen_t caller_len = msg->msg_namelen;
  if (!caller_name) {
    msg->msg_name = &name;
    msg->msg_namelen = sizeof name;
  }
  ssize_t n = real()->recvmsg(fd, msg, flags);
  int saved = errno;
  received(fd, now(), msg, flags, n);
  if (!caller_name) {
    msg->msg_name = NULL;
    msg->msg_namelen = caller_len;
  }
  errno = saved;
  return n;
}

int record_sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags) {
  struct timespec ts = now();
  int n = real()->sendmmsg(fd, vec, vlen, flags);
  int saved = errno;
  for (int i = 0; i < n; i++) {
    const struct msghdr *m = &vec[i].msg_hdr;
    report(fd, ts, BRIDGE_RECORD_SENT, m->msg_iov, m->msg_iovlen, vec[i].msg_len, vec[i].msg_len);
  }
  errno = saved;
  return n;
}

int record_recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *timeout) {
  /* Names of our own where the caller gave none, as in record_recvmsg(). */
  struct nl_name *names = vec && vlen ? calloc(vlen, sizeof *names) : NULL;
  socklen_t *lens = names ? calloc(vlen, sizeof *lens) : NULL;
  if (names && lens) {
    for (unsigned int i = 0; i < vlen; i++) {
      lens[i] = vec[i].msg_hdr.msg_namelen;
      if (!vec[i].msg_hdr.msg_name) {
        vec[i].msg_hdr.msg_name = &names[i];
        vec[i].msg_hdr.msg_namelen = sizeof names[i];
      }
    }
  }
  int n = real()->recvmmsg(fd, vec, vlen, flags, timeout);
  int saved = errno;
  struct timespec ts = now();
  for (int i = 0; i < n; i++) received(fd, ts, &vec[i].msg_hdr, flags, (ssize_t)vec[i].msg_len);
  if (names && lens) {
    for (unsigned int i = 0; i < vlen; i++) {
      if (vec[i].msg_hdr.msg_name == &names[i]) {
        vec[i].msg_hdr.msg_name = NULL;
        vec[i].msg_hdr.msg_namelen = lens[i];
      }
    }
  }
  free(names);
  free(lens);
  errno = saved;
  return n;
}
