/*
 * The interposed calls that manage a virtual netlink socket: socket(), bind(), connect(),
 * the names, the options, shutdown/listen/accept, and the descriptor calls (close, dup*, fcntl) that must keep the
 * shim's fd table right. Every other descriptor goes straight to the C library. ioctl() is
 * in dev-calls.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "fd-table.h"
#include "nlsim-bridge.h"
#include "real-calls.h"
#include "shim.h"

#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif
/* Both spellings of the timeouts (the _NEW ones carry 64-bit times on 32-bit systems). */
#define SO_RCVTIMEO_OLD_ 20
#define SO_SNDTIMEO_OLD_ 21
#define SO_RCVTIMEO_NEW_ 66
#define SO_SNDTIMEO_NEW_ 67

/* adopt_inherited finds the virtual sockets this process inherited across exec: the
 * table died with the old image, the fds did not. */
static void adopt_inherited(void) {
  DIR *dir = opendir("/proc/self/fd");
  if (!dir) return;
  int self = dirfd(dir);
  struct dirent *entry;
  while ((entry = readdir(dir))) {
    char *end;
    long fd = strtol(entry->d_name, &end, 10);
    if (*end || end == entry->d_name || fd == self) continue;
    uint64_t key = fd_inode((int)fd);
    if (!key || !channel_is_data_fd((int)fd)) continue;
    struct call_result out;
    if (channel_call((int)fd, key, BRIDGE_OP_LOOKUP, 0, NULL, 0, &out) == 0) {
      free(out.body);
      if (out.result == 0) fd_track((int)fd, key);
    }
  }
  closedir(dir);
}

__attribute__((constructor)) static void shim_init(void) {
  channel_init();
  /* Record mode has no virtual sockets to find: every netlink fd is the kernel's. */
  if (channel_enabled() && !channel_recording()) adopt_inherited();
}

/* simple_call performs `op` with an optional body and returns its result or -1/errno. */
static long simple_call(int fd, uint64_t key, uint32_t op, const void *body, size_t len, struct call_result *out) {
  struct iovec part = {(void *)body, len};
  int err = channel_call(fd, key, op, 0, &part, len ? 1 : 0, out);
  if (err) out->body = NULL;
  return finish(err, err ? 0 : out->result);
}

int socket(int domain, int type, int protocol) {
  if (domain != AF_NETLINK || !channel_enabled() || channel_recording()) return real()->socket(domain, type, protocol);
  int fd = channel_open_socket(type, protocol);
  return fd < 0 ? fail(-fd) : fd;
}

/* address_call is bind() and connect(): the address bytes exactly as given. */
static int address_call(int fd, uint64_t key, uint32_t op, const struct sockaddr *addr, socklen_t len) {
  if (len > SOCKADDR_MAX) return fail(EINVAL);
  if (len && !addr) return fail(EFAULT);
  struct call_result out;
  long r = simple_call(fd, key, op, addr, len, &out);
  free(out.body);
  return (int)r;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  uint64_t key;
  if (!fd_lookup(fd, &key)) return real()->bind(fd, addr, len);
  return address_call(fd, key, BRIDGE_OP_BIND, addr, len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  uint64_t key;
  if (!fd_lookup(fd, &key)) return real()->connect(fd, addr, len);
  return address_call(fd, key, BRIDGE_OP_CONNECT, addr, len);
}

/* copy_out mirrors move_addr_to_user(): as much as fits, and the full length back. */
static int copy_out(const void *src, size_t src_len, void *dst, socklen_t *dst_len) {
  if (!dst_len) return fail(EFAULT);
  if ((int)*dst_len < 0) return fail(EINVAL);
  size_t n = *dst_len < src_len ? *dst_len : src_len;
  if (n && !dst) return fail(EFAULT);
  if (n) memcpy(dst, src, n);
  *dst_len = (socklen_t)src_len;
  return 0;
}

static int name_call(int fd, uint64_t key, uint32_t op, struct sockaddr *addr, socklen_t *len) {
  struct call_result out;
  long r = simple_call(fd, key, op, NULL, 0, &out);
  if (r == 0) r = copy_out(out.body, out.body_len, addr, len);
  free(out.body);
  return (int)r;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len) {
  uint64_t key;
  if (!fd_lookup(fd, &key)) return real()->getsockname(fd, addr, len);
  return name_call(fd, key, BRIDGE_OP_GETSOCKNAME, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len) {
  uint64_t key;
  if (!fd_lookup(fd, &key)) return real()->getpeername(fd, addr, len);
  return name_call(fd, key, BRIDGE_OP_GETPEERNAME, addr, len);
}

/* is_timeout: SO_RCVTIMEO and SO_SNDTIMEO live on the real fd, where the shim's blocking
 * waits read them and where dups and children share them, as they share the socket. */
static int is_timeout(int level, int name) {
  return level == SOL_SOCKET && (name == SO_RCVTIMEO_OLD_ || name == SO_SNDTIMEO_OLD_ || name == SO_RCVTIMEO_NEW_ ||
                                 name == SO_SNDTIMEO_NEW_);
}

/* is_peer_option: SOL_SOCKET options about a unix socket's peer (the server, here), which
 * must never be answered from the real fd. */
static int is_peer_option(int name) {
  switch (name) {
    case SO_PEERCRED:
    case SO_PEERSEC:
    case SO_PEERNAME:
    case SO_PASSSEC:
    case 59: /* SO_PEERGROUPS */
    case 76: /* SO_PASSPIDFD */
    case 77: /* SO_PEERPIDFD */
      return 1;
    default:
      return 0;
  }
}

/* generic_fallback: a SOL_SOCKET option the simulator does not model (ENOPROTOOPT) is
 * answered by the real fd. Netlink has no SOL_SOCKET handling of its own, so the generic
 * sk_setsockopt()/sk_getsockopt() code of the unix socket is the code Linux runs for a
 * netlink socket (SO_TIMESTAMP, SO_LINGER, SO_MARK, SO_RCVLOWAT…). */
static int generic_fallback(int level, int name, long result) {
  return result == -ENOPROTOOPT && level == SOL_SOCKET && !is_peer_option(name);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len) {
  uint64_t key;
  if (!fd_lookup(fd, &key) || is_timeout(level, name)) return real()->setsockopt(fd, level, name, val, len);
  if ((int)len < 0) return fail(EINVAL);
  if (len && !val) return fail(EFAULT);
  int32_t head[2] = {level, name};
  struct iovec parts[2] = {{head, sizeof head}, {(void *)val, len}};
  struct call_result out;
  int err = channel_call(fd, key, BRIDGE_OP_SETSOCKOPT, 0, parts, 2, &out);
  if (!err) free(out.body);
  if (!err && generic_fallback(level, name, out.result)) return real()->setsockopt(fd, level, name, val, len);
  return (int)finish(err, err ? 0 : out.result);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len) {
  uint64_t key;
  if (!fd_lookup(fd, &key) || is_timeout(level, name)) return real()->getsockopt(fd, level, name, val, len);
  if (!len) return fail(EFAULT);
  int32_t body[3] = {level, name, (int32_t)*len};
  struct call_result out;
  long r = simple_call(fd, key, BRIDGE_OP_GETSOCKOPT, body, sizeof body, &out);
  if (r < 0 && generic_fallback(level, name, -errno)) {
    free(out.body);
    return real()->getsockopt(fd, level, name, val, len);
  }
  if (r == 0) {
    uint32_t optlen;
    if (out.body_len < sizeof optlen) {
      r = fail(EPROTO);
    } else {
      memcpy(&optlen, out.body, sizeof optlen);
      size_t n = out.body_len - sizeof optlen;
      if (n && !val) {
        r = fail(EFAULT);
      } else {
        if (n) memcpy(val, out.body + sizeof optlen, n);
        *len = optlen;
      }
    }
  }
  free(out.body);
  return (int)r;
}

int shutdown(int fd, int how) {
  uint64_t key;
  /* netlink_ops.shutdown is sock_no_shutdown(). */
  if (fd_lookup(fd, &key)) return fail(EOPNOTSUPP);
  return real()->shutdown(fd, how);
}

/* netlink_ops.listen and .accept are sock_no_listen() and sock_no_accept(). */
int listen(int fd, int backlog) {
  uint64_t key;
  if (fd_lookup(fd, &key)) return fail(EOPNOTSUPP);
  return real()->listen(fd, backlog);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
  uint64_t key;
  if (fd_lookup(fd, &key)) return fail(EOPNOTSUPP);
  return real()->accept(fd, addr, len);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  uint64_t key;
  if (fd_lookup(fd, &key)) return fail(EOPNOTSUPP);
  return real()->accept4(fd, addr, len, flags);
}

/* released tells the server a descriptor of `key` went away and waits until it has seen
 * the connection's end if that was the last one: close() frees the port id before it
 * returns, as netlink_release() does. */
static void released(uint64_t key) {
  struct call_result out;
  if (channel_call(-1, key, BRIDGE_OP_CLOSE, 0, NULL, 0, &out) == 0) free(out.body);
}

int close(int fd) {
  uint64_t key;
  /* A vfork child closing fds before exec must not edit its parent's table. */
  if (channel_shares_memory() || !fd_lookup(fd, &key)) return real()->close(fd);
  fd_forget(fd);
  int r = real()->close(fd);
  int saved = errno;
  released(key);
  errno = saved;
  return r;
}

/* copied keeps the table right after a successful dup of `fd` to `to`. */
static int copied(int fd, int to, int was_tracked, uint64_t key, uint64_t old_key, int old_tracked) {
  if (to < 0) return to;
  if (old_tracked && to != fd) {
    fd_forget(to);
    released(old_key);
  }
  if (was_tracked) fd_track(to, key);
  return to;
}

int dup(int fd) {
  uint64_t key;
  if (channel_shares_memory()) return real()->dup(fd);
  int tracked = fd_lookup(fd, &key);
  int to = real()->dup(fd);
  if (to >= 0 && tracked) fd_track(to, key);
  return to;
}

int dup2(int fd, int to) {
  uint64_t key = 0, old_key = 0;
  if (channel_shares_memory()) return real()->dup2(fd, to);
  int tracked = fd_lookup(fd, &key);
  int old_tracked = fd != to && fd_lookup(to, &old_key);
  int saved;
  int r = real()->dup2(fd, to);
  saved = errno;
  r = copied(fd, r, tracked, key, old_key, old_tracked);
  errno = saved;
  return r;
}

int dup3(int fd, int to, int flags) {
  uint64_t key = 0, old_key = 0;
  if (channel_shares_memory()) return real()->dup3(fd, to, flags);
  int tracked = fd_lookup(fd, &key);
  int old_tracked = fd != to && fd_lookup(to, &old_key);
  int r = real()->dup3(fd, to, flags);
  int saved = errno;
  r = copied(fd, r, tracked, key, old_key, old_tracked);
  errno = saved;
  return r;
}

/* fcntl_common runs `next` (fcntl or fcntl64) and tracks F_DUPFD copies. O_NONBLOCK needs
 * nothing: it lives on the real fd, where the shim's blocking calls read it. */
static int fcntl_common(int (*next)(int, int, ...), int fd, int cmd, void *arg) {
  if (!next) return fail(ENOSYS);
  if ((cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) || channel_shares_memory()) return next(fd, cmd, arg);
  uint64_t key;
  int tracked = fd_lookup(fd, &key);
  int to = next(fd, cmd, arg);
  if (to >= 0 && tracked) fd_track(to, key);
  return to;
}

/* The third argument is read as a pointer whatever its type: on the ABIs glibc supports an
 * int or a pointer travels in the same register or stack slot, so passing it on is exact. */
int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  return fcntl_common(real()->fcntl, fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  return fcntl_common(real()->fcntl64, fd, cmd, arg);
}
