/*
 * Which descriptors of this process are virtual netlink sockets, and which virtual socket
 * each one reaches (its key: the inode of the data connection the program holds). Copied
 * by fork with the rest of memory; rebuilt after exec by scanning the inherited fds.
 */
#ifndef NLSIM_FD_TABLE_H
#define NLSIM_FD_TABLE_H

#include <stdbool.h>
#include <stdint.h>

/* fd_lookup reports whether `fd` is a virtual netlink socket and gives its key. An entry
 * whose fd now names another file (closed behind the shim's back, e.g. by close_range) is
 * forgotten. */
bool fd_lookup(int fd, uint64_t *key);

/* fd_track records that `fd` reaches the virtual socket `key`. */
void fd_track(int fd, uint64_t key);

/* fd_forget removes `fd`; returns whether it was tracked. */
bool fd_forget(int fd);

/* fd_inode returns the inode of `fd`, or 0 when fstat fails. */
uint64_t fd_inode(int fd);

#endif
