/*
 * The user half of the seeds' NETLINK_TEST example: opens a NETLINK_TEST (25) socket, binds
 * it to its pid, sends "Hello from user" to the kernel N times (argv[1], default 3) and
 * prints each answer of the module ("recv N messages from user").
 *
 * On Linux it needs the C module loaded; under `nlsim run --module module.ts` it talks to
 * the TypeScript version of that module (protocols/examples/netlink-test.ts) unmodified.
 *
 *   cc -Wall -Wextra -o netlink-test-user netlink-test-user.c
 */
#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NETLINK_TEST 25
/* The message type both sides use: the first one above the reserved control types. */
#define NETLINK_TEST_MSG 0x10
#define MAX_PAYLOAD 1024

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 3;
  int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_TEST);
  if (fd < 0) {
    /* EPROTONOSUPPORT: the module is not loaded. */
    fprintf(stderr, "socket(NETLINK_TEST): %s\n", strerror(errno));
    return 1;
  }
  struct sockaddr_nl self = {.nl_family = AF_NETLINK, .nl_pid = (unsigned)getpid()};
  if (bind(fd, (struct sockaddr *)&self, sizeof self) < 0) {
    fprintf(stderr, "bind: %s\n", strerror(errno));
    return 1;
  }
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK, .nl_pid = 0, .nl_groups = 0};
  /* One buffer for the request and the answer, aligned for struct nlmsghdr. */
  static union {
    struct nlmsghdr hdr;
    char bytes[NLMSG_SPACE(MAX_PAYLOAD)];
  } buf;
  for (int i = 0; i < count; i++) {
    const char *text = "Hello from user";
    memset(&buf, 0, sizeof buf);
    buf.hdr.nlmsg_len = NLMSG_LENGTH(strlen(text) + 1);
    buf.hdr.nlmsg_type = NETLINK_TEST_MSG;
    /* NLM_F_REQUEST: the module's input (netlink_rcv_skb) only hands requests on. */
    buf.hdr.nlmsg_flags = NLM_F_REQUEST;
    buf.hdr.nlmsg_seq = (unsigned)i + 1;
    buf.hdr.nlmsg_pid = self.nl_pid;
    strcpy(NLMSG_DATA(&buf.hdr), text);
    struct iovec iov = {&buf, buf.hdr.nlmsg_len};
    struct msghdr msg = {.msg_name = &kernel, .msg_namelen = sizeof kernel, .msg_iov = &iov, .msg_iovlen = 1};
    if (sendmsg(fd, &msg, 0) < 0) {
      fprintf(stderr, "sendmsg: %s\n", strerror(errno));
      return 1;
    }
    iov.iov_len = sizeof buf;
    ssize_t n = recvmsg(fd, &msg, 0);
    if (n < 0) {
      fprintf(stderr, "recvmsg: %s\n", strerror(errno));
      return 1;
    }
    if (!NLMSG_OK(&buf.hdr, (size_t)n) || buf.hdr.nlmsg_type != NETLINK_TEST_MSG) {
      fprintf(stderr, "unexpected answer: type %u, %zd bytes\n", buf.hdr.nlmsg_type, n);
      return 1;
    }
    /* The payload is NUL-terminated text; bound it by the message anyway. */
    int len = (int)(buf.hdr.nlmsg_len - NLMSG_HDRLEN);
    printf("Received message payload: %.*s\n", (int)strnlen(NLMSG_DATA(&buf.hdr), (size_t)len), (char *)NLMSG_DATA(&buf.hdr));
  }
  close(fd);
  return 0;
}
