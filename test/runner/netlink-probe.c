/*
 * netlink-probe: exercises AF_NETLINK through the C library and prints only facts that
 * are the same on every run (errno names, lengths, flags, masked port ids). Its output in
 * a fresh network namespace of the real kernel (`unshare -n`) must be identical to its
 * output under `nlsim run`: that comparison is test/runner/probe.test.ts.
 *
 * Modes: no argument runs every section; `exec-child FD PARENT` is the image a child
 * execs with an inherited socket; `hold` waits on stdin between two calls (the server is
 * killed meanwhile); `block` waits in recv while it is killed; `socket` opens one socket
 * and reports; `bind PORT` binds a USERSOCK socket and exits without closing it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif

static const char *errname(int e) {
  static char other[32];
  switch (e) {
#define E(x) \
  case x:    \
    return #x;
    E(EINVAL) E(EPERM) E(ENOENT) E(EADDRINUSE) E(ECONNREFUSED) E(EAGAIN) E(ENOBUFS) E(EPROTONOSUPPORT)
    E(ESOCKTNOSUPPORT) E(ENODATA) E(EOPNOTSUPP) E(EMSGSIZE) E(ENOPROTOOPT) E(EBADF) E(EFAULT) E(EPROTO)
    E(ECONNRESET) E(EINTR) E(ENOTCONN) E(EBUSY) E(EIO)
#undef E
    default:
      snprintf(other, sizeof other, "errno %d", e);
      return other;
  }
}

/* show prints "label: ok", "label: N" or "label: ERRNO". */
static void show(const char *label, long r) {
  if (r < 0)
    printf("%s: %s\n", label, errname(errno));
  else
    printf("%s: %ld\n", label, r);
}

/* port names a port id without the run-dependent part. */
static const char *port(uint32_t pid, pid_t self) {
  static char buf[32];
  if (pid == (uint32_t)self) return "self";
  if ((int32_t)pid < 0) return "negative";
  snprintf(buf, sizeof buf, "%u", pid);
  return buf;
}

static int nl_socket(int type, int protocol) {
  int fd = socket(AF_NETLINK, type, protocol);
  if (fd < 0) {
    printf("socket: %s\n", errname(errno));
    exit(1);
  }
  return fd;
}

static int nl_bind(int fd, uint32_t pid, uint32_t groups) {
  struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_pid = pid, .nl_groups = groups};
  return bind(fd, (struct sockaddr *)&a, sizeof a);
}

static ssize_t nl_sendto(int fd, const void *buf, size_t len, uint32_t pid, uint32_t groups) {
  struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_pid = pid, .nl_groups = groups};
  return sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof a);
}

static uint32_t sockname(int fd) {
  struct sockaddr_nl a;
  socklen_t len = sizeof a;
  if (getsockname(fd, (struct sockaddr *)&a, &len) < 0) return 0xdeadbeef;
  return a.nl_pid;
}

/* A generic netlink request: nlmsghdr, genlmsghdr, optional CTRL_ATTR_FAMILY_NAME. */
struct genl_req {
  struct nlmsghdr n;
  struct genlmsghdr g;
  char attrs[64];
};

static size_t ctrl_request(struct genl_req *r, int cmd, int flags, uint32_t seq, const char *name) {
  memset(r, 0, sizeof *r);
  r->n.nlmsg_type = GENL_ID_CTRL;
  r->n.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
  r->n.nlmsg_seq = seq;
  r->g.cmd = (uint8_t)cmd;
  r->g.version = 1;
  size_t len = NLMSG_LENGTH(GENL_HDRLEN);
  if (name) {
    struct nlattr *a = (struct nlattr *)r->attrs;
    a->nla_type = CTRL_ATTR_FAMILY_NAME;
    a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(name) + 1);
    memcpy((char *)a + NLA_HDRLEN, name, strlen(name) + 1);
    len += NLA_ALIGN(a->nla_len);
  }
  r->n.nlmsg_len = (uint32_t)len;
  return len;
}

/* fnv folds bytes into a 32-bit FNV-1a hash, to print a dump's content in one number. */
static uint32_t fnv(uint32_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
  return h;
}

/* print_messages walks a datagram: type, flags, seq, length; errors with their errno. */
static void print_messages(const char *label, const unsigned char *buf, ssize_t len) {
  for (const struct nlmsghdr *n = (const void *)buf; NLMSG_OK(n, (size_t)len); n = NLMSG_NEXT(n, len)) {
    printf("%s: type 0x%x flags 0x%x seq %u len %u", label, n->nlmsg_type, n->nlmsg_flags, n->nlmsg_seq, n->nlmsg_len);
    if (n->nlmsg_type == NLMSG_ERROR || n->nlmsg_type == NLMSG_DONE) {
      int err;
      memcpy(&err, NLMSG_DATA(n), sizeof err);
      printf(" error %s", err ? errname(-err) : "0");
    }
    if (n->nlmsg_type == NLMSG_ERROR && (n->nlmsg_flags & NLM_F_ACK_TLVS)) {
      const struct nlmsgerr *e = NLMSG_DATA(n);
      size_t off = sizeof *e + ((n->nlmsg_flags & NLM_F_CAPPED) ? 0 : e->msg.nlmsg_len - NLMSG_HDRLEN);
      for (const struct nlattr *a = (const void *)((const char *)e + off);
           (const char *)a + NLA_HDRLEN <= (const char *)n + n->nlmsg_len; a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
        if (a->nla_len < NLA_HDRLEN) break;
        printf(" tlv %u", a->nla_type);
        if (a->nla_type == NLMSGERR_ATTR_MSG) printf(" \"%s\"", (const char *)a + NLA_HDRLEN);
      }
    }
    printf("\n");
  }
}

static void section(const char *name) {
  printf("== %s\n", name);
  fflush(stdout);
}

static void errors(void) {
  section("errors");
  show("socket SOCK_STREAM", socket(AF_NETLINK, SOCK_STREAM, NETLINK_USERSOCK));
  show("socket protocol 31", socket(AF_NETLINK, SOCK_RAW, 31));
  show("socket SOCK_DGRAM", 0 * close(nl_socket(SOCK_DGRAM, NETLINK_USERSOCK)));
  show("socket unknown type flag", socket(AF_NETLINK, SOCK_RAW | 0x100, NETLINK_USERSOCK));
  int ce = nl_socket(SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK);
  int plain = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  printf("FD_CLOEXEC: %d %d\n", !!(fcntl(ce, F_GETFD) & FD_CLOEXEC), !!(fcntl(plain, F_GETFD) & FD_CLOEXEC));
  printf("O_NONBLOCK by default: %d\n", !!(fcntl(plain, F_GETFL) & O_NONBLOCK));
  close(ce);
  close(plain);
  int s = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  struct sockaddr_nl a = {.nl_family = AF_NETLINK};
  show("bind short address", bind(s, (struct sockaddr *)&a, 4));
  a.nl_family = AF_INET;
  show("bind AF_INET", bind(s, (struct sockaddr *)&a, sizeof a));
  int v = 0;
  socklen_t vl = sizeof v;
  show("getsockopt SOL_NETLINK 99", getsockopt(s, SOL_NETLINK, 99, &v, &vl));
  show("getsockopt level 6", getsockopt(s, 6, 1, &v, &vl));
  printf("getsockname unbound: %s\n", port(sockname(s), getpid()));
  show("send zero bytes", send(s, "", 0, 0));
  show("send MSG_OOB", send(s, "x", 1, MSG_OOB));
  size_t huge_len = 300000;
  char *huge = calloc(1, huge_len);
  show("send above SO_SNDBUF", send(s, huge, huge_len, 0));
  free(huge);
  show("shutdown", shutdown(s, SHUT_RDWR));
  show("listen", listen(s, 1));
  show("accept", accept(s, NULL, NULL));
  char buf[16];
  show("recv MSG_DONTWAIT empty", recv(s, buf, sizeof buf, MSG_DONTWAIT));
  show("read zero bytes", read(s, buf, 0));
  vl = sizeof v;
  show("getsockopt SO_TYPE", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl));
  printf("SO_TYPE: %d len %u\n", v, vl);
  vl = sizeof v;
  getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &vl);
  printf("SO_PROTOCOL: %d\n", v);
  vl = sizeof v;
  getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &vl);
  printf("SO_DOMAIN: %d\n", v);
  close(s);
  show("bind closed fd", nl_bind(s, 0, 0));
}

static void options(void) {
  section("options");
  int s = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  int r = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  nl_bind(r, 7101, 1u);
  int v = 1;
  socklen_t vl = 2;
  show("getsockopt SO_RCVBUF optlen 2", getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &vl));
  printf("optlen %u\n", vl);
  show("setsockopt SO_RCVBUF optlen 2", setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, 2));
  show("setsockopt NETLINK_PKTINFO optlen 0", setsockopt(s, SOL_NETLINK, NETLINK_PKTINFO, &v, 0));
  show("setsockopt SO_RCVTIMEO short", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &v, 4));
  struct timeval bad = {0, 2000000};
  show("setsockopt SO_RCVTIMEO bad usec", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &bad, sizeof bad));
  /* Generic SOL_SOCKET options that netlink leaves to sk_setsockopt()/sk_getsockopt(). */
  show("SO_TIMESTAMP on", setsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &v, sizeof v));
  v = 0;
  vl = sizeof v;
  getsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &v, &vl);
  printf("SO_TIMESTAMP: %d\n", v);
  show("SO_LINGER with an int", setsockopt(s, SOL_SOCKET, SO_LINGER, &v, sizeof v));
  vl = sizeof v;
  getsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, &vl);
  printf("SO_RCVLOWAT: %d\n", v);
  uint32_t words[2] = {0, 0};
  socklen_t wl = 0;
  show("LIST_MEMBERSHIPS optlen 0", getsockopt(r, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, words, &wl));
  printf("needed %u\n", wl);
  char big[200] = {0};
  ((struct sockaddr_nl *)big)->nl_family = AF_NETLINK;
  show("bind addrlen 200", bind(s, (struct sockaddr *)big, sizeof big));
  show("sendto addrlen 200", sendto(s, "x", 1, 0, (struct sockaddr *)big, sizeof big));
  show("bind addrlen 16", bind(s, (struct sockaddr *)big, 16));
  struct sockaddr_nl peer = {.nl_family = AF_NETLINK, .nl_pid = 7101};
  show("connect", connect(s, (struct sockaddr *)&peer, sizeof peer));
  struct sockaddr unspec = {.sa_family = AF_UNSPEC};
  show("connect AF_UNSPEC", connect(s, &unspec, sizeof unspec));
  struct sockaddr_nl got;
  socklen_t gl = sizeof got;
  getpeername(s, (struct sockaddr *)&got, &gl);
  printf("peer after disconnect: %u\n", got.nl_pid);
  /* Overrun r, then read the error through SO_ERROR instead of recv. */
  int small = 1;
  setsockopt(r, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  char data[300] = {0};
  for (int i = 0; i < 10; i++) nl_sendto(s, data, sizeof data, 0, 1u);
  struct pollfd p = {.fd = r, .events = POLLIN};
  show("poll overrun", poll(&p, 1, 0));
  /* datagram_poll(): a pending error is POLLERR, asked for or not. */
  printf("revents in %d err %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLERR));
  v = 0;
  vl = sizeof v;
  show("SO_ERROR", getsockopt(r, SOL_SOCKET, SO_ERROR, &v, &vl));
  printf("SO_ERROR value: %s\n", v ? errname(v) : "0");
  p.revents = 0;
  show("poll after SO_ERROR", poll(&p, 1, 0));
  printf("revents in %d err %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLERR));
  vl = sizeof v;
  getsockopt(r, SOL_SOCKET, SO_ERROR, &v, &vl);
  printf("SO_ERROR again: %d\n", v);
  char buf[400];
  int n = 0;
  while (recv(r, buf, sizeof buf, MSG_DONTWAIT) >= 0) n++;
  printf("queued after overrun: %d\n", n);
  v = 1;
  show("NETLINK_NO_ENOBUFS", setsockopt(r, SOL_NETLINK, NETLINK_NO_ENOBUFS, &v, sizeof v));
  for (int i = 0; i < 10; i++) nl_sendto(s, data, sizeof data, 0, 1u);
  printf("receives:");
  for (;;) {
    ssize_t got2 = recv(r, buf, sizeof buf, MSG_DONTWAIT);
    if (got2 < 0 && errno == EAGAIN) break;
    printf(" %s", got2 < 0 ? errname(errno) : "300");
  }
  printf("\n");
  close(s);
  close(r);
}

static void autobind(void) {
  section("autobind");
  pid_t self = getpid();
  int a = nl_socket(SOCK_RAW, NETLINK_GENERIC);
  int b = nl_socket(SOCK_RAW, NETLINK_GENERIC);
  show("bind a to 0", nl_bind(a, 0, 0));
  printf("a: %s\n", port(sockname(a), self));
  show("bind b to 0", nl_bind(b, 0, 0));
  printf("b: %s\n", port(sockname(b), self));
  int c = nl_socket(SOCK_RAW, NETLINK_GENERIC);
  show("bind c to a's port", nl_bind(c, (uint32_t)self, 0));
  show("bind c to 4242", nl_bind(c, 4242, 0));
  printf("c: %s\n", port(sockname(c), self));
  show("rebind c to 4243", nl_bind(c, 4243, 0));
  int d = nl_socket(SOCK_RAW, NETLINK_GENERIC);
  struct genl_req r;
  size_t len = ctrl_request(&r, CTRL_CMD_GETFAMILY, 0, 1, "nlctrl");
  show("send unbound d", send(d, &r, len, 0));
  printf("d after send: %s\n", port(sockname(d), self));
  close(a);
  close(b);
  close(d);
  int e = nl_socket(SOCK_RAW, NETLINK_GENERIC);
  show("bind e to freed a's port", nl_bind(e, (uint32_t)self, 0));
  close(e);
  close(c);
}

static void unicast(void) {
  section("unicast");
  pid_t self = getpid();
  int u1 = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  int u2 = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  show("bind u1 5001", nl_bind(u1, 5001, 0));
  show("bind u2 5002", nl_bind(u2, 5002, 0));
  show("sendto u2", nl_sendto(u1, "hello", 5, 5002, 0));
  show("sendto 5999", nl_sendto(u1, "lost", 4, 5999, 0));
  char buf[64] = {0};
  struct sockaddr_nl from;
  socklen_t fl = sizeof from;
  ssize_t n = recvfrom(u2, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  show("recvfrom", n);
  printf("data %.*s from %s groups %u addrlen %u\n", (int)(n > 0 ? n : 0), buf, port(from.nl_pid, self), from.nl_groups, fl);
  struct sockaddr_nl peer = {.nl_family = AF_NETLINK, .nl_pid = 5002};
  show("connect u1", connect(u1, (struct sockaddr *)&peer, sizeof peer));
  fl = sizeof from;
  getpeername(u1, (struct sockaddr *)&from, &fl);
  printf("getpeername: %u\n", from.nl_pid);
  show("write", write(u1, "via write", 9));
  memset(buf, 0, sizeof buf);
  show("read", read(u2, buf, sizeof buf));
  printf("read data: %s\n", buf);
  struct iovec parts[2] = {{"via ", 4}, {"writev", 6}};
  show("writev", writev(u1, parts, 2));
  char head[3] = {0}, tail[16] = {0};
  struct iovec into[2] = {{head, 2}, {tail, sizeof tail - 1}};
  show("readv", readv(u2, into, 2));
  printf("readv data: %s|%s\n", head, tail);
  struct iovec m1 = {"one", 3}, m2 = {"two!", 4};
  struct mmsghdr out[2] = {{.msg_hdr = {.msg_iov = &m1, .msg_iovlen = 1}}, {.msg_hdr = {.msg_iov = &m2, .msg_iovlen = 1}}};
  show("sendmmsg", sendmmsg(u1, out, 2, 0));
  printf("sendmmsg lengths: %u %u\n", out[0].msg_len, out[1].msg_len);
  char b1[8] = {0}, b2[8] = {0}, b3[8] = {0};
  struct iovec i1 = {b1, sizeof b1}, i2 = {b2, sizeof b2}, i3 = {b3, sizeof b3};
  struct mmsghdr in[3] = {{.msg_hdr = {.msg_iov = &i1, .msg_iovlen = 1}}, {.msg_hdr = {.msg_iov = &i2, .msg_iovlen = 1}},
                          {.msg_hdr = {.msg_iov = &i3, .msg_iovlen = 1}}};
  show("recvmmsg WAITFORONE", recvmmsg(u2, in, 3, MSG_WAITFORONE, NULL));
  printf("recvmmsg: %u %s %u %s\n", in[0].msg_len, b1, in[1].msg_len, b2);
  show("recvmmsg empty", recvmmsg(u2, in, 3, MSG_DONTWAIT, NULL));
  show("send", send(u1, "via send", 8, 0));
  fl = 4;
  n = recvfrom(u2, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("recvfrom short addrlen: %zd addrlen %u family %u\n", n, fl, from.nl_family);
  close(u1);
  close(u2);
}

static void multicast(void) {
  section("multicast");
  int m1 = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  int m2 = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  int m3 = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  show("bind m1", nl_bind(m1, 6001, 0));
  show("bind m2 group 3", nl_bind(m2, 6002, 1u << 2));
  int g = 5, on = 1;
  /* Bound: a multicast sent to nl_pid 0 skips sockets whose port id is 0 (do_one_broadcast). */
  show("bind m3", nl_bind(m3, 6003, 0));
  show("m3 ADD_MEMBERSHIP 5", setsockopt(m3, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof g));
  show("m3 PKTINFO", setsockopt(m3, SOL_NETLINK, NETLINK_PKTINFO, &on, sizeof on));
  show("m1 to group 3", nl_sendto(m1, "g3", 2, 0, 1u << 2));
  show("m1 to group 5", nl_sendto(m1, "g5", 2, 0, 1u << 4));
  char buf[64];
  struct sockaddr_nl from;
  socklen_t fl = sizeof from;
  show("m2 recvfrom", recvfrom(m2, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl));
  printf("m2 from %u groups 0x%x\n", from.nl_pid, from.nl_groups);
  show("m2 again", recv(m2, buf, sizeof buf, MSG_DONTWAIT));
  char control[64];
  struct iovec iov = {buf, sizeof buf};
  struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  show("m3 recvmsg", recvmsg(m3, &msg, 0));
  printf("m3 from %u groups 0x%x namelen %u flags 0x%x controllen %zu\n", from.nl_pid, from.nl_groups, msg.msg_namelen, msg.msg_flags, (size_t)msg.msg_controllen);
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    uint32_t group;
    memcpy(&group, CMSG_DATA(c), sizeof group);
    printf("cmsg level %d type %d len %zu group %u\n", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len, group);
  }
  uint32_t words[4] = {0};
  socklen_t wl = sizeof words;
  show("m3 LIST_MEMBERSHIPS", getsockopt(m3, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, words, &wl));
  printf("memberships len %u word0 0x%x\n", wl, words[0]);
  fl = sizeof from;
  getsockname(m2, (struct sockaddr *)&from, &fl);
  printf("m2 getsockname groups 0x%x\n", from.nl_groups);
  show("m1 SO_PASSCRED", setsockopt(m2, SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
  show("m1 to group 3 again", nl_sendto(m1, "cred", 4, 0, 1u << 2));
  msg.msg_controllen = sizeof control;
  msg.msg_namelen = sizeof from;
  show("m2 recvmsg creds", recvmsg(m2, &msg, 0));
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    struct ucred cred;
    memcpy(&cred, CMSG_DATA(c), sizeof cred);
    printf("cmsg level %d type %d len %zu pid %s uid %u gid %u\n", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len,
           port((uint32_t)cred.pid, getpid()), cred.uid, cred.gid);
  }
  /* Both control messages, into buffers too small for one or both. */
  show("m2 PKTINFO", setsockopt(m2, SOL_NETLINK, NETLINK_PKTINFO, &on, sizeof on));
  size_t sizes[] = {CMSG_SPACE(4) + 8, CMSG_SPACE(4) + 20, CMSG_SPACE(4), 20, 12, 0};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    nl_sendto(m1, "small", 5, 0, 1u << 2);
    memset(control, 0, sizeof control);
    msg.msg_control = sizes[i] ? control : NULL;
    msg.msg_controllen = sizes[i];
    msg.msg_namelen = sizeof from;
    ssize_t got = recvmsg(m2, &msg, 0);
    printf("control %zu: %zd flags 0x%x controllen %zu", sizes[i], got, msg.msg_flags, (size_t)msg.msg_controllen);
    if (msg.msg_controllen >= sizeof(struct cmsghdr))
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        printf(" [%d %d %zu]", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len);
    printf("\n");
  }
  close(m1);
  close(m2);
  close(m3);
}

static void peek_trunc(void) {
  section("peek and trunc");
  int a = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  int b = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  nl_bind(a, 5101, 0);
  nl_bind(b, 5102, 0);
  char big[100];
  memset(big, 'x', sizeof big);
  show("send 100", nl_sendto(a, big, sizeof big, 5102, 0));
  char buf[200];
  show("recv 10 PEEK|TRUNC", recv(b, buf, 10, MSG_PEEK | MSG_TRUNC));
  struct iovec iov[2] = {{buf, 4}, {buf + 4, 6}};
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
  show("recvmsg 4+6 PEEK", recvmsg(b, &msg, MSG_PEEK));
  printf("msg_flags 0x%x\n", msg.msg_flags);
  show("recv 200", recv(b, buf, sizeof buf, 0));
  show("recv empty", recv(b, buf, sizeof buf, MSG_DONTWAIT));
  show("send 100 again", nl_sendto(a, big, sizeof big, 5102, 0));
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = iov;
  msg.msg_iovlen = 1;
  show("recvmsg 4 TRUNC", recvmsg(b, &msg, MSG_TRUNC));
  printf("msg_flags 0x%x\n", msg.msg_flags);
  show("recv after truncation", recv(b, buf, sizeof buf, MSG_DONTWAIT));
  close(a);
  close(b);
}

/* blocking_send runs in a thread: a send that waits for room in a full receiver. */
static void *blocking_send(void *arg) {
  int fd = *(int *)arg;
  struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_pid = 7002};
  static long result;
  result = sendto(fd, "waited", 6, 0, (struct sockaddr *)&to, sizeof to);
  if (result < 0) result = -errno;
  return &result;
}

static void buffers(void) {
  section("buffers");
  int s = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  int r = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  nl_bind(s, 7001, 0);
  nl_bind(r, 7002, 1u);
  int small = 1;
  show("SO_RCVBUF 1", setsockopt(r, SOL_SOCKET, SO_RCVBUF, &small, sizeof small));
  int v = 0;
  socklen_t vl = sizeof v;
  getsockopt(r, SOL_SOCKET, SO_RCVBUF, &v, &vl);
  printf("SO_RCVBUF: %d\n", v);
  char data[200];
  memset(data, 'b', sizeof data);
  for (int i = 0; i < 20; i++) nl_sendto(s, data, sizeof data, 0, 1u);
  char buf[400];
  printf("receives:");
  for (;;) {
    ssize_t n = recv(r, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && errno == EAGAIN) break;
    printf(" %s", n < 0 ? errname(errno) : "200");
  }
  printf("\n");
  uint32_t mem[9] = {0};
  socklen_t ml = sizeof mem;
  getsockopt(r, SOL_SOCKET, SO_MEMINFO, mem, &ml);
  printf("meminfo len %u rmem %u rcvbuf %u drops %u\n", ml, mem[0], mem[1], mem[8]);
  /* A unicast to a full user socket waits for room; MSG_DONTWAIT gives EAGAIN instead. */
  int ok = 0;
  struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_pid = 7002};
  for (int i = 0; i < 100; i++) {
    if (sendto(s, data, sizeof data, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to) < 0) {
      printf("unicast MSG_DONTWAIT after %d: %s\n", ok, errname(errno));
      break;
    }
    ok++;
  }
  struct timeval sndtimeo = {0, 30000};
  show("SO_SNDTIMEO", setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &sndtimeo, sizeof sndtimeo));
  show("blocking send with SO_SNDTIMEO", sendto(s, data, sizeof data, 0, (struct sockaddr *)&to, sizeof to));
  sndtimeo.tv_usec = 0;
  setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &sndtimeo, sizeof sndtimeo);
  /* Another thread blocks in a send to the full socket; this one receives to make room.
   * (The pause only makes it likely that the thread blocks first; either order prints
   * the same.) */
  pthread_t t;
  pthread_create(&t, NULL, blocking_send, &s);
  usleep(50000);
  show("recv to make room", recv(r, buf, sizeof buf, 0));
  void *ret;
  pthread_join(t, &ret);
  long sent = *(long *)ret;
  printf("blocked send: %s\n", sent < 0 ? errname((int)-sent) : "6");
  close(s);
  close(r);
}

/* ack sends one nlctrl request and prints every message of the replies. */
static void talk(int fd, int cmd, int flags, uint32_t seq, const char *name, const char *label) {
  struct genl_req r;
  size_t len = ctrl_request(&r, cmd, flags, seq, name);
  show(label, send(fd, &r, len, 0));
  unsigned char buf[32768];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) break;
    print_messages(label, buf, n);
  }
}

static void acks(void) {
  section("acks");
  int g = nl_socket(SOCK_RAW, NETLINK_GENERIC);
  nl_bind(g, 0, 0);
  talk(g, CTRL_CMD_GETFAMILY, NLM_F_ACK, 1, "nlctrl", "getfamily nlctrl ack");
  talk(g, CTRL_CMD_GETFAMILY, NLM_F_ACK, 2, "nosuchfamily", "getfamily missing");
  int on = 1;
  show("EXT_ACK", setsockopt(g, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on));
  show("CAP_ACK", setsockopt(g, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on));
  talk(g, CTRL_CMD_GETFAMILY, NLM_F_ACK, 3, "nlctrl", "getfamily capped");
  talk(g, CTRL_CMD_GETFAMILY, NLM_F_ACK, 6, "nosuchfamily", "getfamily missing extack");
  talk(g, CTRL_CMD_GETFAMILY, 0, 4, NULL, "getfamily no name");
  talk(g, 99, NLM_F_ACK, 5, NULL, "unknown command");
  close(g);
}

static void dumps(void) {
  section("dumps");
  int g = nl_socket(SOCK_RAW, NETLINK_GENERIC);
  struct genl_req r;
  size_t len = ctrl_request(&r, CTRL_CMD_GETFAMILY, NLM_F_DUMP, 10, NULL);
  show("send dump", send(g, &r, len, 0));
  unsigned char buf[32768];
  int done = 0, nlctrl = 0;
  while (!done) {
    ssize_t n = recv(g, buf, sizeof buf, 0);
    if (n < 0) {
      printf("dump recv: %s\n", errname(errno));
      break;
    }
    for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        print_messages("dump end", (unsigned char *)h, h->nlmsg_len);
        done = 1;
        continue;
      }
      /* Only nlctrl: the real kernel has other families the simulator does not. */
      struct nlattr *a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
      uint16_t id = 0;
      for (int left = (int)(h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)); left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN;
           left -= NLA_ALIGN(a->nla_len), a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
        if (a->nla_type == CTRL_ATTR_FAMILY_ID) memcpy(&id, (char *)a + NLA_HDRLEN, 2);
      if (id != GENL_ID_CTRL) continue;
      nlctrl++;
      h->nlmsg_pid = 0;
      printf("dump nlctrl: flags 0x%x len %u hash %08x\n", h->nlmsg_flags, h->nlmsg_len, fnv(2166136261u, h, h->nlmsg_len));
    }
  }
  printf("nlctrl entries: %d\n", nlctrl);
  /* The policy dump of nlctrl itself: every message, hashed with its port id masked. */
  len = ctrl_request(&r, CTRL_CMD_GETPOLICY, NLM_F_DUMP, 11, "nlctrl");
  show("send policy dump", send(g, &r, len, 0));
  uint32_t hash = 2166136261u;
  int messages = 0;
  done = 0;
  while (!done) {
    ssize_t n = recv(g, buf, sizeof buf, 0);
    if (n < 0) {
      printf("policy recv: %s\n", errname(errno));
      break;
    }
    for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      h->nlmsg_pid = 0;
      hash = fnv(hash, h, h->nlmsg_len);
      messages++;
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) done = 1;
    }
  }
  printf("policy dump: %d messages hash %08x\n", messages, hash);
  close(g);
}

/* talker runs in a thread: requests on its own socket, each answer checked against its
 * request, while the other threads do the same. */
static void *talker(void *arg) {
  long bad = 0;
  int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
  unsigned char buf[8192];
  for (uint32_t seq = 1; seq <= 50; seq++) {
    struct genl_req r;
    size_t len = ctrl_request(&r, CTRL_CMD_GETFAMILY, 0, seq + 1000 * (uint32_t)(long)arg, "nlctrl");
    if (send(fd, &r, len, 0) != (ssize_t)len) bad++;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    struct nlmsghdr *h = (void *)buf;
    if (n < (ssize_t)NLMSG_HDRLEN || h->nlmsg_seq != r.n.nlmsg_seq || h->nlmsg_type != GENL_ID_CTRL) bad++;
  }
  close(fd);
  return (void *)bad;
}

static void threads(void) {
  section("threads");
  pthread_t t[4];
  for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, talker, (void *)i);
  long bad = 0;
  for (int i = 0; i < 4; i++) {
    void *ret;
    pthread_join(t[i], &ret);
    bad += (long)ret;
  }
  printf("4 threads x 50 requests, mismatched answers: %ld\n", bad);
}

static void readiness(void) {
  section("poll and select");
  int g = nl_socket(SOCK_RAW, NETLINK_GENERIC);
  nl_bind(g, 0, 0);
  struct pollfd p = {.fd = g, .events = POLLIN | POLLOUT};
  show("poll empty", poll(&p, 1, 0));
  printf("revents in %d out %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLOUT));
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(g, &rd);
  struct timeval tv = {0, 0};
  show("select empty", select(g + 1, &rd, NULL, NULL, &tv));
  struct genl_req r;
  size_t len = ctrl_request(&r, CTRL_CMD_GETFAMILY, NLM_F_ACK, 1, "nlctrl");
  send(g, &r, len, 0);
  p.revents = 0;
  show("poll after request", poll(&p, 1, 5000));
  printf("revents in %d out %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLOUT));
  FD_ZERO(&rd);
  FD_SET(g, &rd);
  tv.tv_sec = 5;
  show("select after request", select(g + 1, &rd, NULL, NULL, &tv));
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = g};
  epoll_ctl(ep, EPOLL_CTL_ADD, g, &ev);
  show("epoll_wait", epoll_wait(ep, &ev, 1, 5000));
  unsigned char buf[8192];
  show("recv reply", recv(g, buf, sizeof buf, 0));
  show("poll with ack queued", poll(&p, 1, 0));
  printf("revents in %d\n", !!(p.revents & POLLIN));
  show("recv ack", recv(g, buf, sizeof buf, 0));
  p.revents = 0;
  show("poll drained", poll(&p, 1, 0));
  printf("revents in %d out %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLOUT));
  show("epoll_wait drained", epoll_wait(ep, &ev, 1, 0));
  close(ep);
  close(g);
}

static void blocking(void) {
  section("blocking");
  int s = nl_socket(SOCK_RAW | SOCK_NONBLOCK, NETLINK_USERSOCK);
  nl_bind(s, 8001, 0);
  char buf[64];
  printf("O_NONBLOCK: %d\n", !!(fcntl(s, F_GETFL) & O_NONBLOCK));
  show("recv nonblocking", recv(s, buf, sizeof buf, 0));
  fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK);
  printf("O_NONBLOCK cleared: %d\n", !!(fcntl(s, F_GETFL) & O_NONBLOCK));
  struct timeval tv = {0, 50000};
  show("SO_RCVTIMEO", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  struct timeval got = {0, 0};
  socklen_t gl = sizeof got;
  getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &gl);
  printf("SO_RCVTIMEO: %ld.%06ld\n", (long)got.tv_sec, (long)got.tv_usec);
  show("recv with timeout", recv(s, buf, sizeof buf, 0));
  tv.tv_usec = 0;
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    /* The parent is (or soon will be) blocked in recv: wake it from another process. */
    int c = socket(AF_NETLINK, SOCK_RAW, NETLINK_USERSOCK);
    usleep(20000);
    nl_sendto(c, "from child", 10, 8001, 0);
    _exit(0);
  }
  struct sockaddr_nl from;
  socklen_t fl = sizeof from;
  memset(buf, 0, sizeof buf);
  ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  show("blocking recv", n);
  printf("data %s sender is child: %s\n", buf, from.nl_pid == (uint32_t)child ? "yes" : "no");
  waitpid(child, NULL, 0);
  close(s);
}

static volatile sig_atomic_t signals_seen;
static void on_signal(int sig) {
  (void)sig;
  signals_seen++;
}

/* pester forks a child that signals this process every 10 ms until killed (so one signal
 * surely lands while the parent is blocked), sending a datagram to `port` after the third
 * when `port` is not 0. */
static pid_t pester(uint32_t port) {
  fflush(stdout);
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    for (int i = 0; i < 6000; i++) {
      usleep(10000);
      if (kill(parent, SIGUSR1) != 0) break;
      if (port && i == 3) {
        int c = socket(AF_NETLINK, SOCK_RAW, NETLINK_USERSOCK);
        nl_sendto(c, "after signals", 13, port, 0);
      }
    }
    _exit(0);
  }
  return child;
}

static void stop(pid_t child) {
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
}

static void signals(void) {
  section("signals");
  int s = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  nl_bind(s, 8101, 0);
  char buf[64];
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGUSR1, &sa, NULL);
  pid_t child = pester(0);
  ssize_t n = recv(s, buf, sizeof buf, 0);
  int err = errno;
  stop(child);
  errno = err;
  show("recv, handler without SA_RESTART", n);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  child = pester(8101);
  n = recv(s, buf, sizeof buf, 0);
  err = errno;
  stop(child);
  errno = err;
  show("recv, handler with SA_RESTART", n);
  struct timeval tv = {30, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  child = pester(0);
  n = recv(s, buf, sizeof buf, 0);
  err = errno;
  stop(child);
  errno = err;
  show("recv with SO_RCVTIMEO, handler with SA_RESTART", n);
  signal(SIGUSR1, SIG_DFL);
  printf("signals handled: %s\n", signals_seen > 0 ? "yes" : "no");
  close(s);
}

static void inheritance(const char *self_path) {
  section("fork and exec");
  int f = nl_socket(SOCK_RAW, NETLINK_GENERIC);
  pid_t parent = getpid();
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    /* Unbound: the child's send autobinds it with the child's pid, as current->tgid. */
    struct genl_req r;
    size_t len = ctrl_request(&r, CTRL_CMD_GETFAMILY, 0, 21, "nlctrl");
    show("child send", send(f, &r, len, 0));
    printf("child port: %s\n", sockname(f) == (uint32_t)getpid() ? "child pid" : port(sockname(f), parent));
    unsigned char buf[8192];
    ssize_t n = recv(f, buf, sizeof buf, 0);
    show("child recv", n);
    if (n > 0) print_messages("child", buf, n);
    fflush(stdout);
    _exit(0);
  }
  waitpid(child, NULL, 0);
  pid_t first_child = child;
  printf("parent sees port: %s\n", sockname(f) == (uint32_t)child ? "child pid" : port(sockname(f), parent));
  int d = dup(f);
  int d2 = fcntl(f, F_DUPFD_CLOEXEC, 40);
  printf("dup and F_DUPFD_CLOEXEC: %d %d\n", d > 0, d2 >= 40);
  dup2(f, 50);
  close(f);
  struct genl_req r;
  size_t len = ctrl_request(&r, CTRL_CMD_GETFAMILY, 0, 22, "nlctrl");
  show("send on dup", send(d, &r, len, 0));
  unsigned char buf[8192];
  ssize_t n = recv(50, buf, sizeof buf, 0);
  show("recv on dup2 target", n);
  if (n > 0) print_messages("dup2", buf, n);
  close(d2);
  close(50);
  fflush(stdout);
  child = fork();
  if (child == 0) {
    char fdarg[16], parg[16];
    snprintf(fdarg, sizeof fdarg, "%d", d);
    /* The socket carries the port the first child autobound: the exec'd image must see it. */
    snprintf(parg, sizeof parg, "%d", (int)first_child);
    execl(self_path, self_path, "exec-child", fdarg, parg, (char *)NULL);
    _exit(127);
  }
  int status;
  waitpid(child, &status, 0);
  printf("exec child status: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  show("parent recv after child", recv(d, buf, sizeof buf, MSG_DONTWAIT));
  /* A vfork child shares the parent's memory while it moves the fd and execs. */
  char fdarg[16], parg[16];
  snprintf(fdarg, sizeof fdarg, "%d", 60);
  snprintf(parg, sizeof parg, "%d", (int)first_child);
  fflush(stdout);
  child = vfork();
  if (child == 0) {
    dup2(d, 60);
    close(d);
    execl(self_path, self_path, "exec-child", fdarg, parg, (char *)NULL);
    _exit(127);
  }
  waitpid(child, &status, 0);
  printf("vfork child status: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  len = ctrl_request(&r, CTRL_CMD_GETFAMILY, 0, 24, "nlctrl");
  show("parent send after vfork", send(d, &r, len, 0));
  n = recv(d, buf, sizeof buf, 0);
  show("parent recv after vfork", n);
  if (n > 0) print_messages("parent", buf, n);
  close(d);
}

/* exec_child runs in a freshly exec'd image with an inherited socket. */
static int exec_child(int fd, pid_t first_child) {
  uint32_t name = sockname(fd);
  printf("exec child port: %s\n", name == (uint32_t)first_child ? "the first child's pid" : name == 0xdeadbeef ? "getsockname failed" : "other");
  struct genl_req r;
  size_t len = ctrl_request(&r, CTRL_CMD_GETFAMILY, NLM_F_ACK, 23, "nlctrl");
  show("exec child send", send(fd, &r, len, 0));
  unsigned char buf[8192];
  for (int i = 0; i < 2; i++) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    show("exec child recv", n);
    if (n > 0) print_messages("exec child", buf, n);
  }
  return 0;
}

/* hold opens a socket, then waits for a line on stdin before using it again: the test
 * stops the server in between. */
static int hold(void) {
  int s = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  show("bind", nl_bind(s, 9001, 0));
  printf("ready\n");
  fflush(stdout);
  char line[16];
  if (!fgets(line, sizeof line, stdin)) return 1;
  show("sendto after", nl_sendto(s, "x", 1, 9001, 0));
  char buf[16];
  show("recv after", recv(s, buf, sizeof buf, 0));
  show("socket after", socket(AF_NETLINK, SOCK_RAW, NETLINK_USERSOCK));
  return 0;
}

/* block waits in a blocking recv that only the server's end can finish. */
static int block(void) {
  int s = nl_socket(SOCK_RAW, NETLINK_USERSOCK);
  show("bind", nl_bind(s, 9002, 0));
  printf("ready\n");
  fflush(stdout);
  char buf[16];
  show("recv blocked", recv(s, buf, sizeof buf, 0));
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  /* A blocking call that never returns is a failure, not a hang of the test suite. */
  alarm(60);
  if (argc == 4 && strcmp(argv[1], "exec-child") == 0) return exec_child(atoi(argv[2]), (pid_t)atoi(argv[3]));
  if (argc == 2 && strcmp(argv[1], "hold") == 0) return hold();
  if (argc == 2 && strcmp(argv[1], "block") == 0) return block();
  if (argc == 3 && strcmp(argv[1], "bind") == 0) {
    /* Exits without close(): the port must be free for the next process all the same. */
    show("bind", nl_bind(nl_socket(SOCK_RAW, NETLINK_USERSOCK), (uint32_t)atoi(argv[2]), 0));
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "socket") == 0) {
    show("socket", socket(AF_NETLINK, SOCK_RAW, NETLINK_USERSOCK));
    return 0;
  }
  errors();
  options();
  autobind();
  unicast();
  multicast();
  peek_trunc();
  buffers();
  acks();
  dumps();
  readiness();
  threads();
  blocking();
  signals();
  inheritance(argv[0]);
  return 0;
}
