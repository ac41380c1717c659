/*
 * dev-ioctl-probe: performs the device ioctls named on its command line and prints each
 * result, so that `nlsim run` and `unshare -n` can be compared line by line
 * (test/runner/dev-ioctl.test.ts). Each argument is one operation:
 *
 *   FAMILY:CMD:NAME[:ARG]   ioctl(socket(FAMILY), CMD, &ifr) with ifr_name NAME, the rest
 *                           of the ifreq filled with 0xa5 except what ARG sets; prints the
 *                           return, errno, and the whole ifreq afterwards in hex
 *   FAMILY:GIFCONF:LEN      SIOCGIFCONF with an ifc_len of LEN ("null": no buffer)
 *   FAMILY:0xNNNN:NAME      any request number
 *   FAMILY:CMD:nullarg      a NULL argument
 *   nametoindex:NAME, indextoname:N, nameindex   glibc's if_* functions
 *   tty, fionread, file     ioctls that must still reach the real kernel
 *
 * FAMILY is unix, inet, inet6, inet-stream, netlink or packet. ARG is, by CMD: a number
 * (index, MTU, queue length, flags in hex, metric), a new name, an IPv4 address (the
 * 4.4BSD address match of the SIOCGIF*ADDR family) or a MAC (SIFHWADDR, family 1).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#ifndef SIOCETHTOOL
#define SIOCETHTOOL 0x8946
#endif
#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif

struct command {
  const char *name;
  unsigned long number;
};

static const struct command commands[] = {
    {"GIFNAME", SIOCGIFNAME},       {"GIFINDEX", SIOCGIFINDEX},     {"GIFFLAGS", SIOCGIFFLAGS},
    {"SIFFLAGS", SIOCSIFFLAGS},     {"GIFMTU", SIOCGIFMTU},         {"SIFMTU", SIOCSIFMTU},
    {"GIFTXQLEN", SIOCGIFTXQLEN},   {"SIFTXQLEN", SIOCSIFTXQLEN},   {"GIFHWADDR", SIOCGIFHWADDR},
    {"SIFHWADDR", SIOCSIFHWADDR},   {"GIFMAP", SIOCGIFMAP},         {"SIFMAP", SIOCSIFMAP},
    {"GIFMETRIC", SIOCGIFMETRIC},   {"SIFMETRIC", SIOCSIFMETRIC},   {"GIFSLAVE", SIOCGIFSLAVE},
    {"SIFNAME", SIOCSIFNAME},       {"GIFADDR", SIOCGIFADDR},       {"GIFNETMASK", SIOCGIFNETMASK},
    {"GIFBRDADDR", SIOCGIFBRDADDR}, {"GIFDSTADDR", SIOCGIFDSTADDR}, {"GIFPFLAGS", SIOCGIFPFLAGS},
    {"SIFADDR", SIOCSIFADDR},       {"GIFCONF", SIOCGIFCONF},       {"SIFNETMASK", SIOCSIFNETMASK},
    {"SIFBRDADDR", SIOCSIFBRDADDR}, {"SIFDSTADDR", SIOCSIFDSTADDR},       {"GIFMEM", SIOCGIFMEM},
    {"ETHTOOL", SIOCETHTOOL},       {"SIFHWBROADCAST", SIOCSIFHWBROADCAST},
    {"ADDMULTI", SIOCADDMULTI},     {"GIFCOUNT", SIOCGIFCOUNT},     {"SIFSLAVE", SIOCSIFSLAVE},
};

static int open_family(const char *family) {
  if (!strcmp(family, "unix")) return socket(AF_UNIX, SOCK_DGRAM, 0);
  if (!strcmp(family, "inet")) return socket(AF_INET, SOCK_DGRAM, 0);
  if (!strcmp(family, "inet-stream")) return socket(AF_INET, SOCK_STREAM, 0);
  if (!strcmp(family, "inet6")) return socket(AF_INET6, SOCK_DGRAM, 0);
  if (!strcmp(family, "netlink")) return socket(AF_NETLINK, SOCK_RAW, 0);
  if (!strcmp(family, "packet")) return socket(AF_PACKET, SOCK_DGRAM, 0);
  errno = EAFNOSUPPORT;
  return -1;
}

static const char *err_name(int e) {
  const char *n = strerrorname_np(e);
  return n ? n : "E?";
}

static void print_hex(const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

static unsigned long lookup(const char *name) {
  if (!strncmp(name, "0x", 2)) return strtoul(name, NULL, 16);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(commands[i].name, name)) return commands[i].number;
  fprintf(stderr, "unknown command %s\n", name);
  exit(2);
}

/* fill_arg sets what ARG says in the union part of the ifreq. */
static void fill_arg(struct ifreq *ifr, unsigned long cmd, const char *arg) {
  if (!arg) return;
  switch (cmd) {
    case SIOCGIFNAME:
      ifr->ifr_ifindex = atoi(arg);
      break;
    case SIOCSIFFLAGS:
      ifr->ifr_flags = (short)strtol(arg, NULL, 16);
      break;
    case SIOCSIFNAME:
      memset(ifr->ifr_newname, 0, IFNAMSIZ);
      strncpy(ifr->ifr_newname, arg, IFNAMSIZ);
      break;
    case SIOCSIFHWADDR:
    case SIOCSIFHWBROADCAST:
    case SIOCADDMULTI: {
      unsigned int m[6] = {0};
      ifr->ifr_hwaddr.sa_family = 1;
      sscanf(arg, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]);
      for (int i = 0; i < 6; i++) ifr->ifr_hwaddr.sa_data[i] = (char)m[i];
      break;
    }
    case SIOCGIFADDR:
    case SIOCGIFNETMASK:
    case SIOCGIFBRDADDR:
    case SIOCGIFDSTADDR:
    case SIOCSIFADDR:
    case SIOCSIFNETMASK:
    case SIOCSIFBRDADDR:
    case SIOCSIFDSTADDR: {
      struct sockaddr_in *sin = (struct sockaddr_in *)&ifr->ifr_addr;
      sin->sin_family = AF_INET;
      inet_pton(AF_INET, arg, &sin->sin_addr);
      break;
    }
    default:
      ifr->ifr_mtu = atoi(arg); /* ifr_mtu, ifr_qlen, ifr_metric share the int */
  }
}

static void do_ifconf(int fd, const char *spec, const char *len_text) {
  struct ifreq buf[8];
  struct ifconf ifc;
  memset(buf, 0xa5, sizeof buf);
  int null_buf = !strcmp(len_text, "null");
  ifc.ifc_len = null_buf ? 12345 : atoi(len_text);
  ifc.ifc_req = null_buf ? NULL : buf;
  int r = ioctl(fd, SIOCGIFCONF, &ifc);
  printf("%s -> %d %s ifc_len=%d", spec, r, r < 0 ? err_name(errno) : "ok", ifc.ifc_len);
  for (int i = 0; !null_buf && r == 0 && i < ifc.ifc_len / (int)sizeof(struct ifreq); i++) {
    char addr[INET_ADDRSTRLEN];
    struct sockaddr_in *sin = (struct sockaddr_in *)&buf[i].ifr_addr;
    inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof addr);
    printf(" [%.16s %d %s ", buf[i].ifr_name, sin->sin_family, addr);
    print_hex(&buf[i], sizeof buf[i]);
    printf("]");
  }
  printf("\n");
}

static void do_ioctl(const char *spec) {
  char copy[256];
  snprintf(copy, sizeof copy, "%s", spec);
  char *family = strtok(copy, ":");
  char *cmd_name = strtok(NULL, ":");
  char *name = strtok(NULL, ":");
  char *arg = strtok(NULL, "");
  if (!family || !cmd_name) {
    fprintf(stderr, "bad operation %s\n", spec);
    exit(2);
  }
  int fd = open_family(family);
  if (fd < 0) {
    printf("%s -> socket %s\n", spec, err_name(errno));
    return;
  }
  unsigned long cmd = lookup(cmd_name);
  if (cmd == SIOCGIFCONF) {
    do_ifconf(fd, spec, name ? name : "null");
    close(fd);
    return;
  }
  int r;
  if (name && !strcmp(name, "nullarg")) {
    r = ioctl(fd, cmd, NULL);
    printf("%s -> %d %s\n", spec, r, r < 0 ? err_name(errno) : "ok");
    close(fd);
    return;
  }
  struct ifreq ifr;
  memset(&ifr, 0xa5, sizeof ifr);
  memset(ifr.ifr_name, 0, IFNAMSIZ);
  /* An alias name like eth0:1 carries its colon; the ':' in the spec separates fields, so
   * a '+' stands for it. */
  if (name) {
    strncpy(ifr.ifr_name, name, IFNAMSIZ);
    for (char *c = ifr.ifr_name; c < ifr.ifr_name + IFNAMSIZ; c++)
      if (*c == '+') *c = ':';
    if (!strcmp(name, "long")) memset(ifr.ifr_name, 'x', IFNAMSIZ); /* no terminator */
  }
  fill_arg(&ifr, cmd, arg);
  r = ioctl(fd, cmd, &ifr);
  printf("%s -> %d %s ", spec, r, r < 0 ? err_name(errno) : "ok");
  print_hex(&ifr, sizeof ifr);
  printf("\n");
  close(fd);
}

/* do_real: ioctls on other descriptors still reach the real kernel. */
static void do_real(const char *what) {
  if (!strcmp(what, "tty")) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    struct termios t;
    int r = fd < 0 ? -1 : ioctl(fd, TCGETS, &t);
    printf("tty TCGETS -> %d %s\n", r, r < 0 ? err_name(errno) : "ok");
    /* A device request number on a terminal is the terminal's to refuse. */
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    r = ioctl(fd, SIOCGIFINDEX, &ifr);
    printf("tty SIOCGIFINDEX -> %d %s\n", r, r < 0 ? err_name(errno) : "ok");
    close(fd);
  } else if (!strcmp(what, "fionread")) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    if (write(sv[0], "hello", 5) != 5) perror("write");
    int n = -1;
    int r = ioctl(sv[1], FIONREAD, &n);
    printf("unix FIONREAD -> %d %s %d\n", r, r < 0 ? err_name(errno) : "ok", n);
    close(sv[0]);
    close(sv[1]);
  } else if (!strcmp(what, "file")) {
    int fd = open("/dev/null", O_RDONLY);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    int r = ioctl(fd, SIOCGIFINDEX, &ifr);
    printf("file SIOCGIFINDEX -> %d %s\n", r, r < 0 ? err_name(errno) : "ok");
    close(fd);
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strncmp(a, "nametoindex:", 12)) {
      errno = 0;
      unsigned idx = if_nametoindex(a + 12);
      printf("%s -> %u %s\n", a, idx, idx ? "ok" : err_name(errno));
    } else if (!strncmp(a, "indextoname:", 12)) {
      char name[IF_NAMESIZE];
      errno = 0;
      char *r = if_indextoname((unsigned)atoi(a + 12), name);
      printf("%s -> %s %s\n", a, r ? r : "NULL", r ? "ok" : err_name(errno));
    } else if (!strcmp(a, "nameindex")) {
      struct if_nameindex *ni = if_nameindex();
      printf("nameindex ->");
      for (struct if_nameindex *p = ni; p && p->if_index; p++) printf(" %u:%s", p->if_index, p->if_name);
      printf("\n");
      if (ni) if_freenameindex(ni);
    } else if (!strcmp(a, "tty") || !strcmp(a, "fionread") || !strcmp(a, "file")) {
      do_real(a);
    } else {
      do_ioctl(a);
    }
  }
  return 0;
}
