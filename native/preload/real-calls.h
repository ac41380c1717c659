/*
 * The C library's own versions of the calls the shim interposes, found with
 * dlsym(RTLD_NEXT): every descriptor that is not a virtual netlink socket goes to them
 * untouched, and the shim's own channel to the server uses them too.
 */
#ifndef NLSIM_REAL_CALLS_H
#define NLSIM_REAL_CALLS_H

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/types.h>
#include <sys/uio.h>

struct if_nameindex;
struct ifaddrs;

struct real_calls {
  int (*socket)(int, int, int);
  int (*bind)(int, const struct sockaddr *, socklen_t);
  int (*connect)(int, const struct sockaddr *, socklen_t);
  int (*getsockname)(int, struct sockaddr *, socklen_t *);
  int (*getpeername)(int, struct sockaddr *, socklen_t *);
  int (*setsockopt)(int, int, int, const void *, socklen_t);
  int (*getsockopt)(int, int, int, void *, socklen_t *);
  ssize_t (*send)(int, const void *, size_t, int);
  ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
  ssize_t (*sendmsg)(int, const struct msghdr *, int);
  ssize_t (*write)(int, const void *, size_t);
  ssize_t (*writev)(int, const struct iovec *, int);
  ssize_t (*recv)(int, void *, size_t, int);
  ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
  ssize_t (*recvmsg)(int, struct msghdr *, int);
  int (*recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
  int (*sendmmsg)(int, struct mmsghdr *, unsigned int, int);
  ssize_t (*read)(int, void *, size_t);
  ssize_t (*readv)(int, const struct iovec *, int);
  ssize_t (*recv_chk)(int, void *, size_t, size_t, int);
  ssize_t (*recvfrom_chk)(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
  ssize_t (*read_chk)(int, void *, size_t, size_t);
  int (*shutdown)(int, int);
  int (*listen)(int, int);
  int (*accept)(int, struct sockaddr *, socklen_t *);
  int (*accept4)(int, struct sockaddr *, socklen_t *, int);
  int (*close)(int);
  int (*dup)(int);
  int (*dup2)(int, int);
  int (*dup3)(int, int, int);
  int (*fcntl)(int, int, ...);
  int (*fcntl64)(int, int, ...);
  int (*poll)(struct pollfd *, nfds_t, int);
  int (*ppoll)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
  int (*poll_chk)(struct pollfd *, nfds_t, int, size_t);
  int (*ioctl)(int, unsigned long, ...);
  unsigned int (*if_nametoindex)(const char *);
  char *(*if_indextoname)(unsigned int, char *);
  struct if_nameindex *(*if_nameindex)(void);
  int (*getifaddrs)(struct ifaddrs **);
  void (*freeifaddrs)(struct ifaddrs *);
};

/* real returns the resolved table, resolving it on first use (constructors of other
 * libraries may call in before ours has run). */
const struct real_calls *real(void);

#endif
