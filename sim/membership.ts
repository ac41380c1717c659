/**
 * Group membership of a socket: the bitmap, the subscription count and the protocol's
 * multicast list. Mirrors netlink_realloc_groups(), netlink_update_subscriptions() and
 * netlink_update_socket_mc().
 */
import type { NetlinkTable } from './protocol-table.js';
import type { NetlinkSock } from './sock.js';

/** popcount counts the set bits of a u32. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * reallocGroups mirrors netlink_realloc_groups(): grows the socket's bitmap to the
 * protocol's current group count. Returns false when the protocol is gone (ENOENT).
 */
export function reallocGroups(sk: NetlinkSock, table: NetlinkTable | undefined): boolean {
  if (!table) return false;
  if (sk.ngroups >= table.groups) return true;
  const words = new Uint32Array(Math.ceil(table.groups / 32));
  if (sk.groups) words.set(sk.groups);
  sk.groups = words;
  sk.ngroups = table.groups;
  return true;
}

/** updateSubscriptions mirrors netlink_update_subscriptions(): joins or leaves the mc list. */
function updateSubscriptions(sk: NetlinkSock, subscriptions: number): void {
  const mcList = sk.netns.protocol(sk.protocol).mcList;
  if (subscriptions && !sk.subscriptions) mcList.add(sk);
  else if (!subscriptions && sk.subscriptions) mcList.delete(sk);
  sk.subscriptions = subscriptions;
}

/** setMembership mirrors netlink_update_socket_mc(): sets or clears one group (1-based). */
export function setMembership(sk: NetlinkSock, group: number, member: boolean): void {
  const words = sk.groups!;
  const bit = group - 1;
  const mask = 1 << (bit & 31);
  const old = (words[bit >>> 5]! & mask) !== 0;
  if (member) words[bit >>> 5]! |= mask;
  else words[bit >>> 5]! &= ~mask;
  updateSubscriptions(sk, sk.subscriptions - (old ? 1 : 0) + (member ? 1 : 0));
}

/**
 * replaceLowGroups is bind()'s effect on memberships: groups 1–32 are replaced by `mask`;
 * groups above 32 (joined with NETLINK_ADD_MEMBERSHIP) are kept.
 */
export function replaceLowGroups(sk: NetlinkSock, mask: number): void {
  const words = sk.groups!;
  updateSubscriptions(sk, sk.subscriptions + popcount(mask) - popcount(words[0]!));
  words[0] = mask >>> 0;
}

/** dropAllGroups removes the socket from its protocol's multicast list (on close). */
export function dropAllGroups(sk: NetlinkSock): void {
  updateSubscriptions(sk, 0);
}

/** joinedGroups lists the groups (1-based) the socket is a member of. */
export function joinedGroups(sk: NetlinkSock): number[] {
  const out: number[] = [];
  if (!sk.groups) return out;
  for (let g = 1; g <= sk.ngroups; g++) if (sk.isMember(g)) out.push(g);
  return out;
}
