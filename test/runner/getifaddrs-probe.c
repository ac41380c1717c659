/*
 * getifaddrs-probe: prints the list getifaddrs() returns in a canonical form, one entry a
 * line, so that `nlsim run` and `unshare -n` can be compared line by line
 * (test/runner/getifaddrs.test.ts). Each entry shows its name, flags, address, netmask,
 * broadcast or destination address (ifa_ifu), and the statistics ifa_data points at.
 * Every byte of each socket address is printed (as far as its family defines it), so a
 * field glibc leaves zero and the shim fills (or the other way round) shows.
 *
 * Arguments:
 *   (none)        print the list once
 *   repeat N      call getifaddrs()/freeifaddrs() N times and print the list of the last
 *                 call (repeated calls must neither leak nor reuse a list that was freed)
 *   threads N     N threads calling getifaddrs()/freeifaddrs() 50 times each at once
 *   stats         print every counter of ifa_data for the loopback and devices that are
 *                 down (devices that are up may send, at times of Linux's choosing)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int print_stats;

static void print_hex(const unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

/* print_sockaddr prints one address: its family and every field of that family. */
static void print_sockaddr(const char *label, const struct sockaddr *sa) {
  printf(" %s=", label);
  if (!sa) {
    printf("-");
    return;
  }
  char text[INET6_ADDRSTRLEN];
  switch (sa->sa_family) {
    case AF_INET: {
      const struct sockaddr_in *sin = (const void *)sa;
      printf("inet:%s:port%u:zero", inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text), ntohs(sin->sin_port));
      print_hex(sin->sin_zero, sizeof sin->sin_zero);
      break;
    }
    case AF_INET6: {
      const struct sockaddr_in6 *sin6 = (const void *)sa;
      printf("inet6:%s:scope%u:port%u:flow%u", inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text), sin6->sin6_scope_id,
             ntohs(sin6->sin6_port), sin6->sin6_flowinfo);
      break;
    }
    case AF_PACKET: {
      /* glibc's storage holds up to 24 address bytes (infiniband); sll_addr shows 8. */
      const struct sockaddr_ll *sll = (const void *)sa;
      printf("packet:if%d:type%u:proto%u:pkt%u:len%u:", sll->sll_ifindex, sll->sll_hatype, ntohs(sll->sll_protocol),
             sll->sll_pkttype, sll->sll_halen);
      print_hex(sll->sll_addr, sll->sll_halen < 8 ? sll->sll_halen : 8);
      break;
    }
    default:
      printf("family%u:", sa->sa_family);
      print_hex((const unsigned char *)sa->sa_data, sizeof sa->sa_data);
  }
}

static void print_list(struct ifaddrs *list) {
  int n = 0;
  for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next, n++) {
    printf("%s flags=0x%x", ifa->ifa_name ? ifa->ifa_name : "(null)", ifa->ifa_flags);
    print_sockaddr("addr", ifa->ifa_addr);
    print_sockaddr("netmask", ifa->ifa_netmask);
    print_sockaddr((ifa->ifa_flags & IFF_POINTOPOINT) ? "dst" : "brd", ifa->ifa_broadaddr);
    if (!ifa->ifa_data) {
      printf(" data=-");
    } else if (print_stats && (!(ifa->ifa_flags & IFF_UP) || (ifa->ifa_flags & IFF_LOOPBACK))) {
      const struct rtnl_link_stats *s = ifa->ifa_data;
      const __u32 *c = (const __u32 *)s;
      printf(" data=");
      for (size_t i = 0; i < sizeof *s / sizeof *c; i++) printf("%s%u", i ? "," : "", c[i]);
    } else {
      printf(" data=stats");
    }
    printf("\n");
  }
  printf("%d entries\n", n);
}

static void *hammer(void *arg) {
  (void)arg;
  for (int i = 0; i < 50; i++) {
    struct ifaddrs *list;
    if (getifaddrs(&list) != 0) {
      printf("getifaddrs -> %s\n", strerrorname_np(errno));
      exit(1);
    }
    freeifaddrs(list);
  }
  return NULL;
}

int main(int argc, char **argv) {
  int repeat = 1;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "stats")) {
      print_stats = 1;
    } else if (!strcmp(argv[i], "repeat") && i + 1 < argc) {
      repeat = atoi(argv[++i]);
    } else if (!strcmp(argv[i], "threads") && i + 1 < argc) {
      int n = atoi(argv[++i]);
      pthread_t t[16];
      for (int k = 0; k < n && k < 16; k++) pthread_create(&t[k], NULL, hammer, NULL);
      for (int k = 0; k < n && k < 16; k++) pthread_join(t[k], NULL);
      printf("%d threads done\n", n);
      return 0;
    } else {
      fprintf(stderr, "usage: %s [stats] [repeat N] [threads N]\n", argv[0]);
      return 2;
    }
  }
  struct ifaddrs *list = NULL;
  for (int i = 0; i < repeat; i++) {
    if (list) freeifaddrs(list);
    if (getifaddrs(&list) != 0) {
      printf("getifaddrs -> %s\n", strerrorname_np(errno));
      return 1;
    }
  }
  print_list(list);
  freeifaddrs(list);
  return 0;
}
