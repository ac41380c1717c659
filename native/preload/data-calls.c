/*
 * The interposed data path of a virtual netlink socket: send, sendto, sendmsg, write,
 * writev, sendmmsg, recv, recvfrom, recvmsg, recvmmsg, read, readv (and the
 * _FORTIFY_SOURCE variants). The virtual socket's queue in the server is the only queue:
 * every receive is a request, and a blocking one waits on the fd the program holds, which
 * the server keeps readable exactly while the virtual socket is.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "fd-table.h"
#include "nlsim-bridge.h"
#include "real-calls.h"
#include "record-calls.h"
#include "shim.h"

/* nonblocking: O_NONBLOCK of the open file (shared by dups and children), or MSG_DONTWAIT. */
static int nonblocking(int fd, int flags) {
  if (flags & MSG_DONTWAIT) return 1;
  int fl = real()->fcntl(fd, F_GETFL);
  return fl >= 0 && (fl & O_NONBLOCK);
}

/* iov_total sums the iovec lengths, saturating where the kernel would stop counting. */
static size_t iov_total(const struct iovec *iov, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    total += iov[i].iov_len;
    if (total > INT_MAX) return INT_MAX;
  }
  return total;
}

/* send_timeout_ms reads SO_SNDTIMEO from the fd (where setsockopt put it): 0 is none. */
static uint32_t send_timeout_ms(int fd) {
  struct timeval tv = {0, 0};
  socklen_t len = sizeof tv;
  if (real()->getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &len) != 0) return 0;
  long long ms = tv.tv_sec * 1000LL + (tv.tv_usec + 999) / 1000;
  return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

/* do_send is netlink_sendmsg() through the server: the address exactly as given, the data
 * gathered. Blocking (a full user receiver) happens in the server, which answers when the
 * send completes or SO_SNDTIMEO expires. */
static ssize_t do_send(int fd, uint64_t key, const struct iovec *iov, size_t iovcnt, int flags,
                       const void *addr, socklen_t addrlen) {
  if (addrlen > SOCKADDR_MAX) return fail(EINVAL);
  if (addrlen && !addr) return fail(EFAULT);
  size_t len = iov_total(iov, iovcnt);
  /* Far above any SO_SNDBUF (netlink_sendmsg() refuses more than sk_sndbuf - 32). */
  if (len > BRIDGE_MAX_FRAME / 2) return fail(EMSGSIZE);
  unsigned char *data = malloc(len ? len : 1);
  if (!data) return fail(ENOBUFS);
  size_t at = 0;
  for (size_t i = 0; i < iovcnt && at < len; i++) {
    size_t n = iov[i].iov_len < len - at ? iov[i].iov_len : len - at;
    if (n) memcpy(data + at, iov[i].iov_base, n);
    at += n;
  }
  uint32_t head[2] = {0, addrlen}; /* timeout_ms, addrlen */
  struct iovec parts[3] = {{head, sizeof head}, {(void *)addr, addrlen}, {data, len}};
  int may_block = !nonblocking(fd, flags);
  struct call_result out;
  /* First without waiting; only a send that would block goes to a connection of its own,
   * with the SO_SNDTIMEO of the fd. */
  int err = channel_call(fd, key, BRIDGE_OP_SENDMSG, (uint32_t)flags | MSG_DONTWAIT, parts, 3, &out);
  if (!err && out.result == -EAGAIN && may_block) {
    free(out.body);
    head[0] = send_timeout_ms(fd);
    err = channel_call_detached(fd, key, BRIDGE_OP_SENDMSG, (uint32_t)flags, parts, 3, &out);
  }
  free(data);
  if (!err) free(out.body);
  return finish(err, err ? 0 : out.result);
}

/* wait_readable blocks in a peek at the data connection until the server puts a token in
 * it. The wait is the kernel's own socket wait, so SO_RCVTIMEO (set on this fd) ends it with
 * EAGAIN and a signal gives EINTR or a restart exactly as a blocked netlink recvmsg() would.
 * Returns 0 when a token came, -errno otherwise; the end of the stream means the server is
 * gone (-ECONNRESET). */
static int wait_readable(int fd) {
  unsigned char token;
  ssize_t n = real()->recv(fd, &token, 1, MSG_PEEK);
  if (n == 1) return 0;
  if (n == 0) return -ECONNRESET;
  return -errno;
}

/* do_recv is netlink_recvmsg() through the server, waiting when the call blocks.
 * `keep_error` leaves a pending socket error pending (recvmmsg after its first datagram). */
static ssize_t do_recv(int fd, uint64_t key, struct msghdr *msg, int flags, int keep_error) {
  struct bridge_recv_body body = {
      .buffer_size = (uint32_t)iov_total(msg->msg_iov, msg->msg_iovlen),
      .control_size = msg->msg_control ? (uint32_t)msg->msg_controllen : 0,
      .keep_error = (uint32_t)keep_error,
  };
  struct iovec part = {&body, sizeof body};
  struct call_result out;
  int hung_up = 0;
  for (;;) {
    int err = channel_call(fd, key, BRIDGE_OP_RECVMSG, (uint32_t)flags, &part, 1, &out);
    if (err) return fail(-err);
    if (out.result != -EAGAIN || nonblocking(fd, flags)) break;
    free(out.body);
    if (hung_up) return fail(ECONNRESET);
    int w = wait_readable(fd);
    /* The server hung up: asking once more reports it (and fails) like any other call. */
    if (w == -ECONNRESET) hung_up = 1;
    else if (w) return fail(-w);
  }
  if (out.result < 0) {
    free(out.body);
    return fail(-out.result);
  }
  struct bridge_recv_reply r;
  if (out.body_len < sizeof r) {
    free(out.body);
    return fail(EPROTO);
  }
  memcpy(&r, out.body, sizeof r);
  size_t control_room = msg->msg_control ? msg->msg_controllen : 0;
  if (r.control_len > out.body_len - sizeof r || r.control_len > control_room) {
    free(out.body);
    return fail(EPROTO);
  }
  /* The control messages arrive laid out for this buffer, as put_cmsg() writes them. */
  if (r.control_len) memcpy(msg->msg_control, out.body + sizeof r, r.control_len);
  msg->msg_controllen = r.control_len;
  const unsigned char *data = out.body + sizeof r + r.control_len;
  size_t left = out.body_len - sizeof r - r.control_len;
  for (size_t i = 0; i < msg->msg_iovlen && left; i++) {
    size_t n = msg->msg_iov[i].iov_len < left ? msg->msg_iov[i].iov_len : left;
    memcpy(msg->msg_iov[i].iov_base, data, n);
    data += n;
    left -= n;
  }
  if (msg->msg_name) {
    /* move_addr_to_user(): as much of the sockaddr_nl as fits; the length is always 12. */
    struct sockaddr_nl_ {
      uint16_t family, pad;
      uint32_t pid, groups;
    } nl = {AF_NETLINK, 0, r.nl_pid, r.nl_groups};
    size_t n = msg->msg_namelen < sizeof nl ? msg->msg_namelen : sizeof nl;
    memcpy(msg->msg_name, &nl, n);
    msg->msg_namelen = sizeof nl;
  }
  msg->msg_flags = (int)r.msg_flags;
  free(out.body);
  return out.result;
}

/* virtual_sendto and virtual_recvmsg are sendto() and recvmsg() on the virtual socket `key`
 * for the shim's own callers (getifaddrs()), which hold the key already: a vfork child's
 * sockets are not in the fd table. */
ssize_t virtual_sendto(int fd, uint64_t key, const void *buf, size_t len, const struct sockaddr *addr, socklen_t addrlen) {
  struct iovec iov = {(void *)buf, len};
  return do_send(fd, key, &iov, 1, 0, addr, addr ? addrlen : 0);
}

ssize_t virtual_recvmsg(int fd, uint64_t key, struct msghdr *msg, int flags) { return do_recv(fd, key, msg, flags, 0); }

/* recorded_send is send, sendto, write and writev on a real netlink socket in record mode:
 * the same datagram through sendmsg(), which Linux handles identically for sockets. */
static ssize_t recorded_send(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t addrlen) {
  struct iovec iov = {(void *)buf, len};
  struct msghdr msg = {.msg_name = (void *)addr, .msg_namelen = addr ? addrlen : 0, .msg_iov = &iov, .msg_iovlen = 1};
  return record_sendmsg(fd, &msg, flags);
}

/* recorded_recv is recv, recvfrom and read on a real netlink socket in record mode. */
static ssize_t recorded_recv(int fd, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *addrlen) {
  struct iovec iov = {buf, len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  if (addr && addrlen) {
    msg.msg_name = addr;
    msg.msg_namelen = *addrlen;
  }
  ssize_t r = record_recvmsg(fd, &msg, flags);
  if (r >= 0 && addr && addrlen) *addrlen = msg.msg_namelen;
  return r;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
  uint64_t key;
  if (record_fd(fd)) return record_sendmsg(fd, msg, flags);
  if (!fd_lookup(fd, &key)) return real()->sendmsg(fd, msg, flags);
  if (!msg) return fail(EFAULT);
  return do_send(fd, key, msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name, msg->msg_name ? msg->msg_namelen : 0);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t addrlen) {
  uint64_t key;
  if (record_fd(fd)) return recorded_send(fd, buf, len, flags, addr, addrlen);
  if (!fd_lookup(fd, &key)) return real()->sendto(fd, buf, len, flags, addr, addrlen);
  struct iovec iov = {(void *)buf, len};
  return do_send(fd, key, &iov, 1, flags, addr, addr ? addrlen : 0);
}

ssize_t send(int fd, const void *buf, size_t len, int flags) {
  uint64_t key;
  if (record_fd(fd)) return recorded_send(fd, buf, len, flags, NULL, 0);
  if (!fd_lookup(fd, &key)) return real()->send(fd, buf, len, flags);
  struct iovec iov = {(void *)buf, len};
  return do_send(fd, key, &iov, 1, flags, NULL, 0);
}

ssize_t write(int fd, const void *buf, size_t len) {
  uint64_t key;
  if (record_fd(fd)) return recorded_send(fd, buf, len, 0, NULL, 0);
  if (!fd_lookup(fd, &key)) return real()->write(fd, buf, len);
  struct iovec iov = {(void *)buf, len};
  return do_send(fd, key, &iov, 1, 0, NULL, 0);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
  uint64_t key;
  if (iovcnt >= 0 && record_fd(fd)) {
    struct msghdr msg = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt};
    return record_sendmsg(fd, &msg, 0);
  }
  if (!fd_lookup(fd, &key)) return real()->writev(fd, iov, iovcnt);
  if (iovcnt < 0) return fail(EINVAL);
  return do_send(fd, key, iov, (size_t)iovcnt, 0, NULL, 0);
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt) {
  uint64_t key;
  /* sock_read_iter(): an empty read returns 0 without looking at the socket. */
  if (iovcnt > 0 && iov_total(iov, (size_t)iovcnt) > 0 && record_fd(fd)) {
    struct msghdr msg = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt};
    return record_recvmsg(fd, &msg, 0);
  }
  if (!fd_lookup(fd, &key)) return real()->readv(fd, iov, iovcnt);
  if (iovcnt < 0) return fail(EINVAL);
  if (iov_total(iov, (size_t)iovcnt) == 0) return 0;
  struct msghdr msg = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt};
  return do_recv(fd, key, &msg, 0, 0);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  uint64_t key;
  if (record_fd(fd)) return record_recvmsg(fd, msg, flags);
  if (!fd_lookup(fd, &key)) return real()->recvmsg(fd, msg, flags);
  if (!msg) return fail(EFAULT);
  return do_recv(fd, key, msg, flags, 0);
}

/* recvmmsg mirrors do_recvmmsg(): datagrams one by one until vlen, an error after the
 * first (which stays pending for the next call, as the kernel puts it back in sk_err), or
 * MSG_WAITFORONE turning the rest non-blocking. The timeout is checked between datagrams. */
int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *timeout) {
  uint64_t key;
  if (record_fd(fd)) return record_recvmmsg(fd, vec, vlen, flags, timeout);
  if (!fd_lookup(fd, &key)) return real()->recvmmsg(fd, vec, vlen, flags, timeout);
  if (timeout && (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L)) return fail(EINVAL);
  struct timespec end;
  if (timeout) {
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += timeout->tv_sec;
    end.tv_nsec += timeout->tv_nsec;
    if (end.tv_nsec >= 1000000000L) {
      end.tv_sec++;
      end.tv_nsec -= 1000000000L;
    }
  }
  unsigned int got = 0;
  while (got < vlen) {
    int call_flags = flags & ~MSG_WAITFORONE;
    if (got && (flags & MSG_WAITFORONE)) call_flags |= MSG_DONTWAIT;
    ssize_t n = do_recv(fd, key, &vec[got].msg_hdr, call_flags, got > 0);
    if (n < 0) {
      if (got == 0) return -1;
      break;
    }
    vec[got++].msg_len = (unsigned int)n;
    if (timeout) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) break;
    }
  }
  return (int)got;
}

/* sendmmsg mirrors __sys_sendmmsg(): datagrams one by one; an error after the first ends
 * the call with the count sent so far. */
int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags) {
  uint64_t key;
  if (record_fd(fd)) return record_sendmmsg(fd, vec, vlen, flags);
  if (!fd_lookup(fd, &key)) return real()->sendmmsg(fd, vec, vlen, flags);
  unsigned int sent = 0;
  for (; sent < vlen; sent++) {
    const struct msghdr *m = &vec[sent].msg_hdr;
    ssize_t n = do_send(fd, key, m->msg_iov, m->msg_iovlen, flags, m->msg_name, m->msg_name ? m->msg_namelen : 0);
    if (n < 0) {
      if (sent == 0) return -1;
      break;
    }
    vec[sent].msg_len = (unsigned int)n;
  }
  return (int)sent;
}

/* recv_plain is recv()/recvfrom() on a virtual socket. */
static ssize_t recv_plain(int fd, uint64_t key, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *addrlen) {
  struct iovec iov = {buf, len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  if (addr && addrlen) {
    msg.msg_name = addr;
    msg.msg_namelen = *addrlen;
  }
  ssize_t r = do_recv(fd, key, &msg, flags, 0);
  if (r >= 0 && addr && addrlen) *addrlen = msg.msg_namelen;
  return r;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *addrlen) {
  uint64_t key;
  if ((!addr || addrlen) && record_fd(fd)) return recorded_recv(fd, buf, len, flags, addr, addrlen);
  if (!fd_lookup(fd, &key)) return real()->recvfrom(fd, buf, len, flags, addr, addrlen);
  return recv_plain(fd, key, buf, len, flags, addr, addrlen);
}

ssize_t recv(int fd, void *buf, size_t len, int flags) {
  uint64_t key;
  if (record_fd(fd)) return recorded_recv(fd, buf, len, flags, NULL, NULL);
  if (!fd_lookup(fd, &key)) return real()->recv(fd, buf, len, flags);
  return recv_plain(fd, key, buf, len, flags, NULL, NULL);
}

ssize_t read(int fd, void *buf, size_t len) {
  uint64_t key;
  if (len && record_fd(fd)) return recorded_recv(fd, buf, len, 0, NULL, NULL);
  if (!fd_lookup(fd, &key)) return real()->read(fd, buf, len);
  /* sock_read_iter(): an empty read returns 0 without looking at the socket. */
  if (len == 0) return 0;
  return recv_plain(fd, key, buf, len, 0, NULL, NULL);
}

/* The _FORTIFY_SOURCE entry points: the size check of the C library, then the call. */
ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags) {
  uint64_t key;
  if (record_fd(fd)) {
    if (len > buflen) abort();
    return recorded_recv(fd, buf, len, flags, NULL, NULL);
  }
  if (!fd_lookup(fd, &key)) return real()->recv_chk(fd, buf, len, buflen, flags);
  if (len > buflen) abort();
  return recv_plain(fd, key, buf, len, flags, NULL, NULL);
}

ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags, struct sockaddr *addr, socklen_t *addrlen) {
  uint64_t key;
  if ((!addr || addrlen) && record_fd(fd)) {
    if (len > buflen) abort();
    return recorded_recv(fd, buf, len, flags, addr, addrlen);
  }
  if (!fd_lookup(fd, &key)) return real()->recvfrom_chk(fd, buf, len, buflen, flags, addr, addrlen);
  if (len > buflen) abort();
  return recv_plain(fd, key, buf, len, flags, addr, addrlen);
}

ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen) {
  uint64_t key;
  if (len && record_fd(fd)) {
    if (len > buflen) abort();
    return recorded_recv(fd, buf, len, 0, NULL, NULL);
  }
  if (!fd_lookup(fd, &key)) return real()->read_chk(fd, buf, len, buflen);
  if (len > buflen) abort();
  return read(fd, buf, len);
}
