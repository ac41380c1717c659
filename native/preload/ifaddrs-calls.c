/*
 * getifaddrs() and freeifaddrs(). glibc builds the list from an RTM_GETLINK and an
 * RTM_GETADDR dump on a netlink socket it opens through internal entry points (__socket,
 * __bind, __sendto, __recvmsg) that LD_PRELOAD cannot reach, so without this file a program
 * under `nlsim run` (Node's os.networkInterfaces(), libuv, Python's ctypes users such as
 * ifaddr, C daemons) would list the real namespace's devices. The shim asks the same two
 * dumps on a virtual netlink socket of its own, opened on the path every interposed
 * socket() takes, and builds the list from them as glibc 2.36 does
 * (sysdeps/unix/sysv/linux/ifaddrs.c).
 *
 * Why a netlink socket rather than a bridge operation of its own: the dumps are the
 * interface glibc uses, and the virtual kernel already answers them as Linux does (the
 * order of links and addresses, labels, peers, statistics, NLM_F_DUMP_INTR), so the list
 * follows from the same bytes; the process takes and frees a port id as it would on Linux;
 * `ip monitor`, nlmon and --pcap see the same two requests; the server needs nothing new.
 * The cost is a few round trips per call.
 */
#define _GNU_SOURCE
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "fd-table.h"
#include "nlsim-bridge.h"
#include "real-calls.h"
#include "shim.h"

/* sockaddr_ll with room for the longest hardware address glibc keeps (24 bytes: glibc's
 * sockaddr_ll_max, for infiniband's 20), so that the entry's layout is glibc's. */
struct sockaddr_ll_max {
  unsigned short sll_family;
  unsigned short sll_protocol;
  int sll_ifindex;
  unsigned short sll_hatype;
  unsigned char sll_pkttype;
  unsigned char sll_halen;
  unsigned char sll_addr[24];
};

union any_addr {
  struct sockaddr sa;
  struct sockaddr_ll_max sl;
  struct sockaddr_in s4;
  struct sockaddr_in6 s6;
};

/* entry is one element of the list, with the storage its pointers point into. The list is
 * one calloc'd block, entries then the ifa_data statistics, as glibc lays it out, so a
 * program that frees it with free() (glibc's freeifaddrs() is exactly that) is right too. */
struct entry {
  struct ifaddrs ifa;
  union any_addr addr, netmask, broadaddr;
  char name[IF_NAMESIZE + 1];
};

/* ---- The lists this shim made: freeifaddrs() frees those, and hands anything else to the
 * C library's. A list the program never frees stays recorded, as it stays allocated. */

static pthread_mutex_t made_lock = PTHREAD_MUTEX_INITIALIZER;
static void **made;
static size_t made_count, made_cap;
static pthread_once_t made_once = PTHREAD_ONCE_INIT;

/* A fork while another thread holds the lock must not leave it held in the child. */
static void made_prepare(void) { pthread_mutex_lock(&made_lock); }
static void made_release(void) { pthread_mutex_unlock(&made_lock); }
static void made_init(void) { pthread_atfork(made_prepare, made_release, made_release); }

/* remember records `list`; returns -1 when out of memory. */
static int remember(void *list) {
  pthread_once(&made_once, made_init);
  pthread_mutex_lock(&made_lock);
  int ok = 0;
  for (size_t i = 0; i < made_count; i++)
    if (made[i] == list) goto done; /* a block freed with free() and handed out again */
  if (made_count == made_cap) {
    size_t cap = made_cap ? made_cap * 2 : 8;
    void **bigger = realloc(made, cap * sizeof *made);
    if (!bigger) {
      ok = -1;
      goto done;
    }
    made = bigger;
    made_cap = cap;
  }
  made[made_count++] = list;
done:
  pthread_mutex_unlock(&made_lock);
  return ok;
}

/* forget removes `list` and reports whether the shim made it. */
static int forget(void *list) {
  pthread_once(&made_once, made_init);
  pthread_mutex_lock(&made_lock);
  int found = 0;
  for (size_t i = 0; i < made_count; i++) {
    if (made[i] == list) {
      made[i] = made[--made_count];
      found = 1;
      break;
    }
  }
  if (made_count == 0) { /* nothing outstanding: no table left behind either */
    free(made);
    made = NULL;
    made_cap = 0;
  }
  pthread_mutex_unlock(&made_lock);
  return found;
}

/* ---- The netlink side: glibc's __netlink_open(), __netlink_request() and their handle. */

/* chunk is one received datagram that held at least one message of the request. */
struct chunk {
  struct chunk *next;
  size_t size;
  uint32_t seq;
  unsigned char data[];
};

struct session {
  int fd;
  uint64_t key;
  uint32_t pid; /* the port id the socket was bound to */
  uint32_t seq;
  struct chunk *head, *tail;
};

/* call performs `op` on the session's socket; returns the result or -1/errno. The reply
 * body, if `body` is given, is copied into it (up to `len` bytes; *len set to its size). */
static int call(struct session *s, uint32_t op, const void *in, size_t in_len, void *body, size_t *len) {
  struct iovec part = {(void *)in, in_len};
  struct call_result out;
  int err = channel_call(s->fd, s->key, op, 0, &part, in_len ? 1 : 0, &out);
  if (err) return fail(-err);
  if (body && out.result >= 0) {
    size_t n = out.body_len < *len ? out.body_len : *len;
    if (n) memcpy(body, out.body, n);
    *len = out.body_len;
  }
  free(out.body);
  return out.result < 0 ? fail(-out.result) : out.result;
}

/* session_close closes the socket (close() frees the port id before it returns, as
 * netlink_release() does) and frees the datagrams, keeping errno. */
static void session_close(struct session *s) {
  int saved = errno;
  if (s->fd >= 0) {
    if (!channel_shares_memory()) fd_forget(s->fd);
    real()->close(s->fd);
    struct call_result out;
    if (channel_call(-1, s->key, BRIDGE_OP_CLOSE, 0, NULL, 0, &out) == 0) free(out.body);
    s->fd = -1;
  }
  while (s->head) {
    struct chunk *next = s->head->next;
    free(s->head);
    s->head = next;
  }
  s->tail = NULL;
  errno = saved;
}

/* session_open opens a NETLINK_ROUTE socket, binds it to port 0 (autobind) and reads the
 * port id the kernel chose, as __netlink_open() does. */
static int session_open(struct session *s) {
  memset(s, 0, sizeof *s);
  s->fd = channel_open_socket(SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (s->fd < 0) {
    int err = -s->fd;
    s->fd = -1;
    return fail(err);
  }
  s->key = fd_inode(s->fd);
  struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
  size_t len = sizeof nl;
  if (call(s, BRIDGE_OP_BIND, &nl, sizeof nl, NULL, NULL) < 0 || call(s, BRIDGE_OP_GETSOCKNAME, NULL, 0, &nl, &len) < 0) {
    session_close(s);
    return -1;
  }
  s->pid = nl.nl_pid;
  return 0;
}

/* request sends a dump request of `type` for every family and keeps the datagrams that
 * answer it, until NLMSG_DONE, as __netlink_request() does: a request of 20 bytes
 * (nlmsghdr, rtgenmsg, padding) with NLM_F_ROOT|NLM_F_MATCH, datagrams read a page at a
 * time, those from another sender skipped, a truncated one failing the call (with errno
 * untouched, as glibc leaves it), an NLMSG_ERROR failing it with its errno. */
static int request(struct session *s, int type) {
  struct {
    struct nlmsghdr nlh;
    struct rtgenmsg g;
    unsigned char pad[3];
  } req;
  _Static_assert(sizeof req == 20, "glibc's request is 20 bytes");
  if (s->seq == 0) s->seq = (uint32_t)time(NULL);
  memset(&req, 0, sizeof req);
  req.nlh.nlmsg_len = sizeof req;
  req.nlh.nlmsg_type = (uint16_t)type;
  req.nlh.nlmsg_flags = NLM_F_ROOT | NLM_F_MATCH | NLM_F_REQUEST;
  req.nlh.nlmsg_seq = s->seq;
  req.g.rtgen_family = AF_UNSPEC;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  ssize_t n;
  do n = virtual_sendto(s->fd, s->key, &req, sizeof req, (struct sockaddr *)&kernel, sizeof kernel);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -1;

  size_t page = (size_t)getpagesize();
  unsigned char *buf = malloc(page);
  if (!buf) return -1;
  int done = 0, result = 0;
  while (!done) {
    struct sockaddr_nl from;
    struct iovec iov = {buf, page};
    struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
    do n = virtual_recvmsg(s->fd, s->key, &msg, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0 || (from.nl_pid == 0 && (msg.msg_flags & MSG_TRUNC))) {
      result = -1;
      break;
    }
    if (from.nl_pid != 0) continue;
    size_t count = 0;
    int left = (int)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_pid != s->pid || h->nlmsg_seq != s->seq) continue;
      count++;
      if (h->nlmsg_type == NLMSG_DONE) {
        done = 1;
        break;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr *e = NLMSG_DATA(h);
        errno = h->nlmsg_len < NLMSG_LENGTH(sizeof *e) ? EIO : -e->error;
        result = -1;
        done = 1;
        break;
      }
    }
    if (result < 0) break;
    if (count == 0) continue;
    struct chunk *c = malloc(sizeof *c + (size_t)n);
    if (!c) {
      result = -1;
      break;
    }
    c->next = NULL;
    c->size = (size_t)n;
    c->seq = s->seq;
    memcpy(c->data, buf, (size_t)n);
    if (s->tail) s->tail->next = c;
    else s->head = c;
    s->tail = c;
  }
  free(buf);
  return result;
}

/* ---- Building the list from the two dumps (glibc's getifaddrs_internal()). */

/* mine: a message of the session's requests (glibc checks port id and sequence again). */
static int mine(const struct session *s, const struct chunk *c, const struct nlmsghdr *h) {
  return h->nlmsg_pid == s->pid && h->nlmsg_seq == c->seq;
}

/* link_slot gives the entry of the link with kernel index `ifindex`: links take the first
 * `links` entries in the order the dump gave them, each new one chained after the one
 * before. -1: the address dump named a link the link dump did not have (the devices
 * changed between the dumps), and everything is asked again. */
static int link_slot(int ifindex, struct entry *e, int *slots, int links) {
  for (int i = 0; i < links; i++) {
    if (slots[i] == ifindex) return i;
    if (slots[i] == -1) {
      slots[i] = ifindex;
      if (i > 0) e[i - 1].ifa.ifa_next = &e[i].ifa;
      return i;
    }
  }
  return -1;
}

/* set_ip writes an address attribute into `u` for an address of `family`: the 4 or 16
 * bytes of an IPv4 or IPv6 address (other lengths leave it zero), with the interface as
 * scope of a link-local unicast or multicast IPv6 address, or the raw bytes of another
 * family. */
static void set_ip(union any_addr *u, int family, const void *data, size_t len, int ifindex) {
  u->sa.sa_family = (sa_family_t)family;
  switch (family) {
    case AF_INET:
      if (len == 4) memcpy(&u->s4.sin_addr, data, 4);
      break;
    case AF_INET6:
      if (len == 16) {
        memcpy(&u->s6.sin6_addr, data, 16);
        if (IN6_IS_ADDR_LINKLOCAL(data) || IN6_IS_ADDR_MC_LINKLOCAL(data)) u->s6.sin6_scope_id = (uint32_t)ifindex;
      }
      break;
    default:
      if (len <= sizeof u->sa.sa_data) memcpy(u->sa.sa_data, data, len);
  }
}

/* set_hw fills a link's sockaddr_ll from IFLA_ADDRESS or IFLA_BROADCAST. glibc accepts up
 * to the storage's 36 bytes and would overrun sll_addr beyond 24; no device has such an
 * address (MAX_ADDR_LEN is 32, the longest in use infiniband's 20), so 24 is the limit. */
static int set_hw(union any_addr *u, const struct ifinfomsg *ifi, const void *data, size_t len) {
  if (len > sizeof u->sl.sll_addr) return 0;
  u->sl.sll_family = AF_PACKET;
  memcpy(u->sl.sll_addr, data, len);
  u->sl.sll_halen = (unsigned char)len;
  u->sl.sll_ifindex = ifi->ifi_index;
  u->sl.sll_hatype = ifi->ifi_type;
  return 1;
}

static void fill_link(struct entry *e, const struct nlmsghdr *h, char **stats) {
  const struct ifinfomsg *ifi = NLMSG_DATA(h);
  e->ifa.ifa_flags = ifi->ifi_flags;
  int left = (int)IFLA_PAYLOAD(h);
  for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
    const void *data = RTA_DATA(a);
    size_t len = RTA_PAYLOAD(a);
    switch (a->rta_type) {
      case IFLA_ADDRESS:
        if (set_hw(&e->addr, ifi, data, len)) e->ifa.ifa_addr = &e->addr.sa;
        break;
      case IFLA_BROADCAST:
        if (set_hw(&e->broadaddr, ifi, data, len)) e->ifa.ifa_broadaddr = &e->broadaddr.sa;
        break;
      case IFLA_IFNAME: /* the payload counts its NUL; glibc adds one more */
        if (len + 1 <= sizeof e->name) {
          memcpy(e->name, data, len);
          e->name[len] = '\0';
          e->ifa.ifa_name = e->name;
        }
        break;
      case IFLA_STATS: /* struct rtnl_link_stats, copied after the entries */
        e->ifa.ifa_data = *stats;
        memcpy(*stats, data, len);
        *stats += len;
        break;
    }
  }
}

/* fill_address reads an RTM_NEWADDR as glibc does. The attributes come in the kernel's
 * order and each one's rule depends on what came before: IFA_ADDRESS takes ifa_addr, or
 * the destination when ifa_addr is set; IFA_LOCAL takes ifa_addr, moving an address
 * already there to the destination (a peer: IPv4 sends IFA_ADDRESS, then IFA_LOCAL, so an
 * IPv4 address without IFA_BROADCAST ends with its own address as ifa_broadaddr);
 * IFA_BROADCAST replaces the destination; IFA_LABEL names an IPv4 alias. The netmask comes
 * from the prefix length. */
static void fill_address(struct entry *e, const struct nlmsghdr *h) {
  const struct ifaddrmsg *ifa = NLMSG_DATA(h);
  int index = (int)ifa->ifa_index;
  int left = (int)IFA_PAYLOAD(h);
  for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
    const void *data = RTA_DATA(a);
    size_t len = RTA_PAYLOAD(a);
    switch (a->rta_type) {
      case IFA_ADDRESS:
        if (e->ifa.ifa_addr) {
          e->ifa.ifa_broadaddr = &e->broadaddr.sa;
          set_ip(&e->broadaddr, ifa->ifa_family, data, len, index);
        } else {
          e->ifa.ifa_addr = &e->addr.sa;
          set_ip(&e->addr, ifa->ifa_family, data, len, index);
        }
        break;
      case IFA_LOCAL:
        if (e->ifa.ifa_addr) {
          e->broadaddr = e->addr;
          e->ifa.ifa_broadaddr = &e->broadaddr.sa;
          memset(&e->addr, 0, sizeof e->addr);
        }
        e->ifa.ifa_addr = &e->addr.sa;
        set_ip(&e->addr, ifa->ifa_family, data, len, index);
        break;
      case IFA_BROADCAST:
        if (e->ifa.ifa_broadaddr) memset(&e->broadaddr, 0, sizeof e->broadaddr);
        e->ifa.ifa_broadaddr = &e->broadaddr.sa;
        set_ip(&e->broadaddr, ifa->ifa_family, data, len, index);
        break;
      case IFA_LABEL: /* at most IFNAMSIZ with its NUL: the kernel checks it (glibc aborts otherwise) */
        if (len + 1 <= sizeof e->name) {
          memcpy(e->name, data, len);
          e->name[len] = '\0';
          e->ifa.ifa_name = e->name;
        }
        break;
    }
  }
  if (!e->ifa.ifa_addr || e->addr.sa.sa_family == AF_UNSPEC || e->addr.sa.sa_family == AF_PACKET) return;
  e->ifa.ifa_netmask = &e->netmask.sa;
  e->netmask.sa.sa_family = e->addr.sa.sa_family;
  unsigned char *mask;
  unsigned int max;
  if (e->addr.sa.sa_family == AF_INET) {
    mask = (unsigned char *)&e->netmask.s4.sin_addr;
    max = 32;
  } else if (e->addr.sa.sa_family == AF_INET6) {
    mask = (unsigned char *)&e->netmask.s6.sin6_addr;
    max = 128;
  } else {
    return; /* another family: the family alone, as glibc leaves it */
  }
  unsigned int bits = ifa->ifa_prefixlen < max ? ifa->ifa_prefixlen : max;
  memset(mask, 0xff, bits / 8);
  if (bits % 8) mask[bits / 8] = (unsigned char)(0xff << (8 - bits % 8));
}

/* build makes the list from the session's datagrams: 0 with *ifap set (NULL when there is
 * nothing), -1/errno, or -EAGAIN when the dumps must be asked again (NLM_F_DUMP_INTR, or an
 * address of a link the link dump did not list). */
static int build(const struct session *s, struct ifaddrs **ifap) {
  int links = 0, addrs = 0;
  size_t stats_size = 0;
  for (const struct chunk *c = s->head; c; c = c->next) {
    int left = (int)c->size;
    for (const struct nlmsghdr *h = (const void *)c->data; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (!mine(s, c, h)) continue;
      if (h->nlmsg_flags & NLM_F_DUMP_INTR) return -EAGAIN;
      if (h->nlmsg_type == NLMSG_DONE) break;
      if (h->nlmsg_type == RTM_NEWLINK) {
        int alen = (int)IFLA_PAYLOAD(h);
        for (const struct rtattr *a = IFLA_RTA((const struct ifinfomsg *)NLMSG_DATA(h)); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
          if (a->rta_type == IFLA_STATS) {
            stats_size += RTA_PAYLOAD(a);
            break;
          }
        }
        links++;
      } else if (h->nlmsg_type == RTM_NEWADDR) {
        addrs++;
      }
    }
  }
  if (links + addrs == 0) return 0;

  struct entry *e = calloc(1, (size_t)(links + addrs) * sizeof *e + stats_size);
  int *slots = malloc((size_t)(links ? links : 1) * sizeof *slots);
  if (!e || !slots) {
    free(e);
    free(slots);
    return fail(ENOMEM);
  }
  for (int i = 0; i < links; i++) slots[i] = -1;
  char *stats = (char *)&e[links + addrs];
  int next_addr = links;
  for (const struct chunk *c = s->head; c; c = c->next) {
    int left = (int)c->size;
    for (const struct nlmsghdr *h = (const void *)c->data; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (!mine(s, c, h)) continue;
      if (h->nlmsg_type == NLMSG_DONE) break;
      if (h->nlmsg_type == RTM_NEWLINK) {
        int i = link_slot(((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_index, e, slots, links);
        if (i < 0) goto again;
        fill_link(&e[i], h, &stats);
      } else if (h->nlmsg_type == RTM_NEWADDR) {
        const struct ifaddrmsg *ifa = NLMSG_DATA(h);
        int link = link_slot((int)ifa->ifa_index, e, slots, links);
        if (link < 0) goto again;
        struct entry *a = &e[next_addr];
        a->ifa.ifa_flags = e[link].ifa.ifa_flags; /* the link's flags */
        if (next_addr > 0) e[next_addr - 1].ifa.ifa_next = &a->ifa;
        next_addr++;
        fill_address(a, h);
        if (!a->ifa.ifa_name) a->ifa.ifa_name = e[link].ifa.ifa_name; /* no label: the link's name */
      }
    }
  }
  /* Fewer links than messages (a link listed twice): the last one leads to the addresses. */
  if (next_addr > links) {
    int used = 0;
    while (used < links && slots[used] != -1) used++;
    if (used < links && used > 0) e[used - 1].ifa.ifa_next = &e[links].ifa;
    if (used == 0 && links > 0) memmove(e, &e[links], sizeof *e); /* no link at all: start with the first address */
  }
  free(slots);
  if (remember(e) < 0) {
    free(e);
    return fail(ENOMEM);
  }
  *ifap = &e[0].ifa;
  return 0;
again:
  free(slots);
  free(e);
  return -EAGAIN;
}

/* attempt is one round of glibc's getifaddrs_internal(): the link dump, then (the sequence
 * number one higher) the address dump, then the list. */
static int attempt(struct ifaddrs **ifap) {
  struct session s;
  if (session_open(&s) < 0) return -1;
  int r = request(&s, RTM_GETLINK);
  if (r == 0) {
    s.seq++;
    r = request(&s, RTM_GETADDR);
  }
  if (r == 0) r = build(&s, ifap);
  session_close(&s);
  return r;
}

int getifaddrs(struct ifaddrs **ifap) {
  if (!channel_enabled() || channel_recording()) return real()->getifaddrs ? real()->getifaddrs(ifap) : fail(ENOSYS);
  int r;
  do {
    *ifap = NULL;
    r = attempt(ifap);
  } while (r == -EAGAIN);
  return r;
}

void freeifaddrs(struct ifaddrs *ifa) {
  if (ifa && forget(ifa)) free(ifa);
  else if (real()->freeifaddrs) real()->freeifaddrs(ifa);
}
