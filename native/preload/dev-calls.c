/*
 * ioctl() and the C library's interface-name functions: the device ioctls Linux serves on
 * any socket (SIOCGIFINDEX, SIOCGIFFLAGS, SIOCSIFMTU, SIOCGIFCONF…) are answered by the
 * virtual kernel's devices (BRIDGE_OP_DEV_IOCTL), whatever the socket's family, so that a
 * program sees the devices its netlink sockets see. Everything else reaches the real
 * kernel: ioctls on files and terminals, and the requests about the socket itself
 * (FIONREAD, SIOCGSTAMP, SIOCATMARK, SIOCSPGRP…).
 *
 * glibc's if_nametoindex(), if_indextoname() and if_nameindex() call the kernel through
 * internal entry points (__ioctl, its own netlink socket) that LD_PRELOAD cannot reach, so
 * they are interposed here too, doing what glibc 2.36 does with the shim's ioctl.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"
#include "fd-table.h"
#include "nlsim-bridge.h"
#include "real-calls.h"
#include "shim.h"

#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif

_Static_assert(sizeof(struct ifreq) == BRIDGE_IFREQ_LEN, "struct ifreq is the bridge's 40 bytes");

/* SOCK_IOC_TYPE: the device and socket requests are 0x89xx (is_socket_ioctl_cmd()). */
#define SOCK_IOC_TYPE 0x89
#define SIOCOUTQNSD_ 0x894B
#define SIOCGSKNS_ 0x894C
#define SIOCPROTOPRIVATE_ 0x89E0
/* The wireless extensions' range (wext_handle_ioctl()): the virtual kernel has no wireless
 * devices and, like the 6.18 kernels it is measured against, no CONFIG_WEXT_CORE. */
#define SIOCIWFIRST_ 0x8B00
#define SIOCIWLAST_ 0x8BFF

/* is_device_request: a 0x89xx (or wireless 0x8Bxx) request the virtual kernel answers. The socket-level ones
 * (FIOSETOWN…SIOCGSTAMPNS, SIOCOUTQNSD, SIOCGSKNS) are about the real socket, and so are
 * the protocol-private ones of a real socket (SIOCUNIXFILE…); a virtual netlink socket's
 * protocol-private requests reach netlink_ioctl(), which knows none: the server says so. */
static int is_device_request(unsigned int cmd, int netlink) {
  if (cmd >= SIOCIWFIRST_ && cmd <= SIOCIWLAST_) return 1;
  if (cmd >> 8 != SOCK_IOC_TYPE) return 0;
  if (cmd >= 0x8901 && cmd <= 0x8907) return 0;
  if (cmd == SIOCOUTQNSD_ || cmd == SIOCGSKNS_) return 0;
  if (!netlink && cmd >= SIOCPROTOPRIVATE_ && cmd <= SIOCPROTOPRIVATE_ + 15) return 0;
  return 1;
}

/* real_socket_family returns the domain of a real socket, or -1 for anything else (a
 * file, a terminal, a bad fd: the real ioctl answers those). */
static int real_socket_family(int fd) {
  int saved = errno;
  struct stat st;
  int family = -1;
  socklen_t len = sizeof family;
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) || !real()->getsockopt ||
      real()->getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &len) != 0)
    family = -1;
  errno = saved;
  return family;
}

/* dev_call sends one DEV_IOCTL about the virtual socket `key` (0: another socket); returns
 * 0 with `out` filled, or -1/errno. */
static int dev_call(uint64_t key, struct bridge_dev_ioctl_body *body, struct call_result *out) {
  body->version = BRIDGE_DEV_IOCTL_VERSION;
  struct iovec part = {body, sizeof *body};
  int err = channel_call(-1, key, BRIDGE_OP_DEV_IOCTL, 0, &part, 1, out);
  if (err) return fail(-err);
  if (out->result < 0) {
    free(out->body);
    return fail(-out->result);
  }
  return 0;
}

/* device_ioctl performs request `cmd` on a socket of `family` in the virtual kernel. An
 * argument the kernel could not read is EFAULT when NULL; other bad pointers fault in the
 * shim, where the kernel would answer EFAULT. */
static int device_ioctl(uint64_t key, int family, unsigned int cmd, void *arg) {
  if (!arg) return fail(EFAULT);
  struct bridge_dev_ioctl_body body;
  memset(&body, 0, sizeof body);
  body.cmd = cmd;
  body.family = family;
  struct ifconf *ifc = NULL;
  if (cmd == SIOCGIFCONF) {
    ifc = arg;
    body.ifc_len = ifc->ifc_len;
    if (!ifc->ifc_buf) body.flags |= BRIDGE_DEV_IOCTL_NULL_BUF;
  } else {
    memcpy(body.ifr, arg, sizeof body.ifr);
  }
  struct call_result out;
  if (dev_call(key, &body, &out) < 0) return -1;
  int r = out.result;
  if (ifc) {
    int32_t len;
    if (out.body_len < sizeof len) {
      r = fail(EPROTO);
    } else {
      memcpy(&len, out.body, sizeof len);
      if (out.body_len > sizeof len && ifc->ifc_buf) memcpy(ifc->ifc_buf, out.body + sizeof len, out.body_len - sizeof len);
      ifc->ifc_len = len;
    }
  } else if (out.body_len == sizeof body.ifr) {
    memcpy(arg, out.body, sizeof body.ifr);
  } else if (out.body_len) {
    r = fail(EPROTO);
  }
  free(out.body);
  return r;
}

/* ioctl: a virtual netlink socket's queue-size requests (FIONREAD/SIOCINQ, TIOCOUTQ/SIOCOUTQ)
 * fail with ENOTTY, as sock_do_ioctl() makes them for netlink, instead of counting the unix
 * connection's token bytes; device requests on any socket go to the virtual kernel; the
 * rest reaches the real fd. The third argument is passed on as a pointer, as fcntl's is. */
int ioctl(int fd, unsigned long request, ...) {
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  if (!real()->ioctl) return fail(ENOSYS);
  if (!channel_enabled() || channel_recording()) return real()->ioctl(fd, request, arg);
  unsigned int cmd = (unsigned int)request; /* the kernel's cmd is an unsigned int */
  uint64_t key;
  int netlink = fd_lookup(fd, &key);
  if ((request == FIONREAD || request == TIOCOUTQ) && netlink) return fail(ENOTTY);
  if (is_device_request(cmd, netlink)) {
    int family = netlink ? AF_NETLINK : real_socket_family(fd);
    if (family >= 0) return device_ioctl(netlink ? key : 0, family, cmd, arg);
  }
  return real()->ioctl(fd, request, arg);
}

/* The name functions below open no socket: glibc's __opensock() gives an AF_UNIX one, and
 * the device ioctls answer the same on every family. */

unsigned int if_nametoindex(const char *name) {
  if (!channel_enabled() || channel_recording()) return real()->if_nametoindex ? real()->if_nametoindex(name) : 0;
  struct ifreq ifr;
  if (strlen(name) >= IFNAMSIZ) {
    errno = ENODEV;
    return 0;
  }
  strncpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
  if (device_ioctl(0, AF_UNIX, SIOCGIFINDEX, &ifr) < 0) {
    if (errno == EINVAL) errno = ENOSYS;
    return 0;
  }
  return (unsigned int)ifr.ifr_ifindex;
}

char *if_indextoname(unsigned int index, char name[IF_NAMESIZE]) {
  if (!channel_enabled() || channel_recording()) return real()->if_indextoname ? real()->if_indextoname(index, name) : NULL;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_ifindex = (int)index;
  if (device_ioctl(0, AF_UNIX, SIOCGIFNAME, &ifr) < 0) {
    if (errno == ENODEV) errno = ENXIO; /* POSIX wants ENXIO */
    return NULL;
  }
  return strncpy(name, ifr.ifr_name, IFNAMSIZ);
}

/* if_nameindex lists the devices in index order, as glibc's link dump does. The array is
 * laid out as glibc's if_freenameindex() frees it: malloc'd names, then one zero entry. */
struct if_nameindex *if_nameindex(void) {
  if (!channel_enabled() || channel_recording()) return real()->if_nameindex ? real()->if_nameindex() : NULL;
  struct bridge_dev_ioctl_body body;
  memset(&body, 0, sizeof body);
  body.cmd = BRIDGE_DEV_LIST;
  struct call_result out;
  if (dev_call(0, &body, &out) < 0) return NULL;
  size_t record = sizeof(uint32_t) + IFNAMSIZ;
  size_t n = out.body_len / record;
  struct if_nameindex *list = calloc(n + 1, sizeof *list);
  for (size_t i = 0; list && i < n; i++) {
    const unsigned char *r = out.body + i * record;
    memcpy(&list[i].if_index, r, sizeof(uint32_t));
    list[i].if_name = strndup((const char *)r + sizeof(uint32_t), IFNAMSIZ);
    if (!list[i].if_name) {
      if_freenameindex(list);
      list = NULL;
    }
  }
  free(out.body);
  if (!list) errno = ENOBUFS;
  return list;
}
