/* Resolution of the C library's own socket calls (see real-calls.h). */
#define _GNU_SOURCE
#include "real-calls.h"

#include <dlfcn.h>
#include <pthread.h>

static struct real_calls calls;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

/* next returns the definition after ours; a missing symbol stays NULL and the call
 * fails with ENOSYS in the wrapper that needs it (fcntl64 only exists in glibc 2.28+). */
static void *next(const char *name) { return dlsym(RTLD_NEXT, name); }

static void resolve(void) {
  calls.socket = next("socket");
  calls.bind = next("bind");
  calls.connect = next("connect");
  calls.getsockname = next("getsockname");
  calls.getpeername = next("getpeername");
  calls.setsockopt = next("setsockopt");
  calls.getsockopt = next("getsockopt");
  calls.send = next("send");
  calls.sendto = next("sendto");
  calls.sendmsg = next("sendmsg");
  calls.write = next("write");
  calls.writev = next("writev");
  calls.recv = next("recv");
  calls.recvfrom = next("recvfrom");
  calls.recvmsg = next("recvmsg");
  calls.recvmmsg = next("recvmmsg");
  calls.sendmmsg = next("sendmmsg");
  calls.read = next("read");
  calls.readv = next("readv");
  calls.recv_chk = next("__recv_chk");
  calls.recvfrom_chk = next("__recvfrom_chk");
  calls.read_chk = next("__read_chk");
  calls.shutdown = next("shutdown");
  calls.listen = next("listen");
  calls.accept = next("accept");
  calls.accept4 = next("accept4");
  calls.close = next("close");
  calls.dup = next("dup");
  calls.dup2 = next("dup2");
  calls.dup3 = next("dup3");
  calls.fcntl = next("fcntl");
  calls.fcntl64 = next("fcntl64");
  calls.poll = next("poll");
  calls.ppoll = next("ppoll");
  calls.poll_chk = next("__poll_chk");
  calls.ioctl = next("ioctl");
  calls.if_nametoindex = next("if_nametoindex");
  calls.if_indextoname = next("if_indextoname");
  calls.if_nameindex = next("if_nameindex");
  calls.getifaddrs = next("getifaddrs");
  calls.freeifaddrs = next("freeifaddrs");
}

const struct real_calls *real(void) {
  pthread_once(&resolved, resolve);
  return &calls;
}
