/* The shim's descriptor table (see fd-table.h). */
#define _GNU_SOURCE
#include "fd-table.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* keys[fd] is the key of a tracked fd, 0 otherwise (no socket has inode 0). */
static uint64_t *keys;
static int capacity;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

uint64_t fd_inode(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return 0;
  return (uint64_t)st.st_ino;
}

bool fd_lookup(int fd, uint64_t *key) {
  if (fd < 0) return false;
  pthread_mutex_lock(&lock);
  uint64_t k = fd < capacity ? keys[fd] : 0;
  pthread_mutex_unlock(&lock);
  if (!k) return false;
  if (fd_inode(fd) != k) {
    fd_forget(fd);
    return false;
  }
  *key = k;
  return true;
}

void fd_track(int fd, uint64_t key) {
  if (fd < 0) return;
  pthread_mutex_lock(&lock);
  if (fd >= capacity) {
    int grown = capacity ? capacity : 64;
    while (grown <= fd) grown *= 2;
    uint64_t *bigger = realloc(keys, (size_t)grown * sizeof *keys);
    if (!bigger) {
      /* Out of memory: the fd stays untracked and behaves as a plain unix socket. */
      pthread_mutex_unlock(&lock);
      return;
    }
    memset(bigger + capacity, 0, (size_t)(grown - capacity) * sizeof *keys);
    keys = bigger;
    capacity = grown;
  }
  keys[fd] = key;
  pthread_mutex_unlock(&lock);
}

bool fd_forget(int fd) {
  bool was = false;
  pthread_mutex_lock(&lock);
  if (fd >= 0 && fd < capacity) {
    was = keys[fd] != 0;
    keys[fd] = 0;
  }
  pthread_mutex_unlock(&lock);
  return was;
}
