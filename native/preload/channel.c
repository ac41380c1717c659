/* The shim's connections to the bridge server (see channel.h). */
#define _GNU_SOURCE
#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fd-table.h"
#include "nlsim-bridge.h"
#include "real-calls.h"

/* Control connections are moved this high so that they do not take the low descriptor
 * numbers programs expect to get from their own open() and socket() calls. */
#define CONTROL_FD_FLOOR 900

static struct sockaddr_un server_addr;
static socklen_t server_addr_len;
static bool enabled;
static bool recording;

/* The control connection of this process: reopened after fork (ctl_pid differs) and
 * whenever ctl_fd no longer names it (the program closed every fd, say). One call at a
 * time per process: threads take turns on it. */
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static int ctl_fd = -1;
static pid_t ctl_pid;
static uint64_t ctl_ino;
static bool gone_reported;
/* The process whose memory this is: set at load and in fork()'s child handler. */
static pid_t owner_pid;

static void before_fork(void) { pthread_mutex_lock(&ctl_lock); }
static void after_fork_parent(void) { pthread_mutex_unlock(&ctl_lock); }
static void after_fork_child(void) {
  owner_pid = getpid();
  pthread_mutex_unlock(&ctl_lock);
}

bool channel_shares_memory(void) { return enabled && getpid() != owner_pid; }

void channel_init(void) {
  const char *path = getenv(NLSIM_SOCKET_ENV);
  if (!path || !*path) return;
  size_t len = strlen(path);
  if (len >= sizeof server_addr.sun_path) {
    fprintf(stderr, "nlsim: %s is too long for a unix socket path; netlink calls go to the real kernel\n",
            NLSIM_SOCKET_ENV);
    return;
  }
  server_addr.sun_family = AF_UNIX;
  memcpy(server_addr.sun_path, path, len + 1);
  server_addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
  owner_pid = getpid();
  pthread_atfork(before_fork, after_fork_parent, after_fork_child);
  const char *record = getenv(NLSIM_RECORD_ENV);
  recording = record && strcmp(record, "1") == 0;
  enabled = true;
}

bool channel_enabled(void) { return enabled; }

bool channel_recording(void) { return recording; }

bool channel_is_data_fd(int fd) {
  struct sockaddr_un peer;
  socklen_t len = sizeof peer;
  int type = 0;
  socklen_t tlen = sizeof type;
  if (real()->getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 || type != SOCK_STREAM) return false;
  if (real()->getpeername(fd, (struct sockaddr *)&peer, &len) != 0 || peer.sun_family != AF_UNIX) return false;
  return len == server_addr_len && memcmp(peer.sun_path, server_addr.sun_path, len - offsetof(struct sockaddr_un, sun_path)) == 0;
}

/* report_gone prints the one line a process gets when the server disappears. */
static void report_gone(int err) {
  if (gone_reported) return;
  gone_reported = true;
  if (recording)
    fprintf(stderr, "nlsim: the nlsim recorder at %s is gone (%s); datagrams are no longer recorded\n",
            server_addr.sun_path, strerror(err));
  else
    fprintf(stderr, "nlsim: the nlsim server at %s is gone (%s); netlink calls fail with ECONNRESET\n",
            server_addr.sun_path, strerror(err));
}

/* connect_server opens a stream connection to the server; returns the fd or -errno. */
static int connect_server(int extra_flags) {
  int fd = real()->socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | extra_flags, 0);
  if (fd < 0) return -errno;
  while (real()->connect(fd, (struct sockaddr *)&server_addr, server_addr_len) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    real()->close(fd);
    return -err;
  }
  return fd;
}

/* write_all sends every byte of `iov`, across partial writes and signals. */
static int write_all(int fd, struct iovec *iov, int n) {
  while (n > 0) {
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)n};
    ssize_t sent = real()->sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    while (n > 0 && (size_t)sent >= iov->iov_len) {
      sent -= (ssize_t)iov->iov_len;
      iov++;
      n--;
    }
    if (n > 0) {
      iov->iov_base = (char *)iov->iov_base + sent;
      iov->iov_len -= (size_t)sent;
    }
  }
  return 0;
}

/* read_exact reads `len` bytes; the end of the stream means the server is gone. */
static int read_exact(int fd, void *buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = real()->recv(fd, (char *)buf + got, len - got, 0);
    if (n == 0) return -ECONNRESET;
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    got += (size_t)n;
  }
  return 0;
}

/* transact writes one request on `fd` and reads its reply. -EPROTO means the stream can no
 * longer be trusted; other errors mean the connection is lost. */
static int transact(int fd, struct bridge_request *req, const struct iovec *parts, int nparts, struct bridge_reply *rep,
                    struct call_result *out) {
  struct iovec iov[8];
  if (nparts > 7) return -EINVAL;
  size_t len = sizeof *req;
  iov[0] = (struct iovec){req, sizeof *req};
  for (int i = 0; i < nparts; i++) {
    iov[i + 1] = parts[i];
    len += parts[i].iov_len;
  }
  if (len > BRIDGE_MAX_FRAME) return -EMSGSIZE;
  req->len = (uint32_t)len;
  int err = write_all(fd, iov, nparts + 1);
  if (err) return err;
  if ((err = read_exact(fd, rep, sizeof *rep))) return err;
  if (rep->len < sizeof *rep || rep->len > BRIDGE_MAX_FRAME) return -EPROTO;
  out->result = rep->result;
  out->body_len = rep->len - sizeof *rep;
  out->body = NULL;
  if (out->body_len) {
    out->body = malloc(out->body_len);
    if (!out->body) return -ENOMEM;
    if ((err = read_exact(fd, out->body, out->body_len))) {
      free(out->body);
      out->body = NULL;
      return err;
    }
  }
  return 0;
}

int channel_open_socket(int type, int protocol) {
  int fd = connect_server(0);
  if (fd < 0) {
    /* Unreachable before anything began: a refused socket() explains itself. */
    report_gone(-fd);
    return -ECONNREFUSED;
  }
  uint64_t key = fd_inode(fd);
  struct bridge_request req = {.op = BRIDGE_OP_SOCKET, .key = key, .pid = getpid()};
  struct bridge_socket_body body = {.type = type, .protocol = protocol};
  struct iovec part = {&body, sizeof body};
  struct bridge_reply rep;
  struct call_result out;
  int err = transact(fd, &req, &part, 1, &rep, &out);
  if (err == 0) {
    free(out.body);
    err = out.result;
  } else if (err != -EPROTO) {
    report_gone(-err);
    err = -ECONNRESET;
  }
  if (err < 0) {
    real()->close(fd);
    return err;
  }
  /* The program's flags belong on its fd: O_NONBLOCK is shared by dups and children just
   * as a netlink socket's is, and close-on-exec is the program's choice. */
  if (!(type & SOCK_CLOEXEC)) real()->fcntl(fd, F_SETFD, 0);
  if (type & SOCK_NONBLOCK) real()->fcntl(fd, F_SETFL, real()->fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (!channel_shares_memory()) fd_track(fd, key);
  return fd;
}

/* control_fd returns this process's control connection, opening it when needed. Called
 * with ctl_lock held. */
static int control_fd(void) {
  pid_t pid = getpid();
  if (ctl_fd >= 0 && fd_inode(ctl_fd) == ctl_ino) {
    if (ctl_pid == pid) return ctl_fd;
    /* Inherited from the parent through fork: ours to drop, the parent keeps its own. */
    real()->close(ctl_fd);
  }
  ctl_fd = -1;
  int fd = connect_server(0);
  if (fd < 0) return fd;
  int high = real()->fcntl(fd, F_DUPFD_CLOEXEC, CONTROL_FD_FLOOR);
  if (high >= 0) {
    real()->close(fd);
    fd = high;
  }
  ctl_fd = fd;
  ctl_pid = pid;
  ctl_ino = fd_inode(fd);
  return fd;
}

/* drain removes `count` stale readiness tokens from the data connection `fd`. They were
 * written before the reply that announced them, so they are already there. */
static void drain(int fd, uint32_t count) {
  unsigned char buf[64];
  while (count > 0) {
    size_t want = count < sizeof buf ? count : sizeof buf;
    ssize_t n = real()->recv(fd, buf, want, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    count -= (uint32_t)n;
  }
}

int channel_call(int fd, uint64_t key, uint32_t op, uint32_t flags, const struct iovec *parts, int nparts,
                 struct call_result *out) {
  /* A vfork child must not touch the parent's control connection: a call of its own. */
  if (channel_shares_memory()) return channel_call_detached(fd, key, op, flags, parts, nparts, out);
  int saved = errno;
  pthread_mutex_lock(&ctl_lock);
  int err;
  int cfd = control_fd();
  if (cfd < 0) {
    err = cfd;
  } else {
    struct bridge_request req = {.op = op, .key = key, .pid = getpid(), .flags = flags};
    struct bridge_reply rep;
    err = transact(cfd, &req, parts, nparts, &rep, out);
    if (err == 0) {
      drain(fd, rep.drain);
    } else if (err != -EMSGSIZE) {
      /* A broken or desynchronised stream is of no further use (EMSGSIZE wrote nothing). */
      real()->close(cfd);
      ctl_fd = -1;
    }
  }
  pthread_mutex_unlock(&ctl_lock);
  errno = saved;
  if (err == 0 || err == -EPROTO || err == -EMSGSIZE) return err;
  report_gone(-err);
  return -ECONNRESET;
}

int channel_call_detached(int fd, uint64_t key, uint32_t op, uint32_t flags, const struct iovec *parts, int nparts,
                          struct call_result *out) {
  int saved = errno;
  int err;
  int cfd = connect_server(0);
  if (cfd < 0) {
    err = cfd;
  } else {
    struct bridge_request req = {.op = op, .key = key, .pid = getpid(), .flags = flags};
    struct bridge_reply rep;
    err = transact(cfd, &req, parts, nparts, &rep, out);
    real()->close(cfd);
    if (err == 0) drain(fd, rep.drain);
  }
  errno = saved;
  if (err == 0 || err == -EPROTO || err == -EMSGSIZE) return err;
  report_gone(-err);
  return -ECONNRESET;
}
