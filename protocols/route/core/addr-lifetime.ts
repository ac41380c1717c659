/**
 * Address lifetimes: the aging pass IPv4's check_lifetime() (devinet.c) and IPv6's
 * addrconf_verify_rtnl() (addrconf.c) both make over their address lists. Each family keeps
 * its own work item and its own way of deleting or announcing an address; the rule for when
 * an address is deprecated, when it goes and when the work runs next is this one.
 */
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { IFA_F } from './uapi.js';

/** INFINITY_LIFE_TIME: the lifetime of an address that never ages (include/net/addrconf.h). */
export const INFINITY_LIFE_TIME = 0xffffffff;

/** AgingAddress is what the aging pass reads and changes of an IPv4 or IPv6 address. */
export interface AgingAddress {
  flags: number;
  /** When the lifetimes were last set, in centiseconds of the kernel clock. */
  tstamp: number;
  validLft: number;
  preferredLft: number;
}

/** What the family does with an address the pass found due. */
export interface AgingActions<A> {
  /** remove deletes an address past its valid lifetime (inet_del_ifa(), ipv6_del_addr()). */
  remove(ifa: A): void;
  /** announce sends RTM_NEWADDR for an address just marked IFA_F_DEPRECATED. */
  announce(ifa: A): void;
}

/**
 * ageAddresses runs one pass over each device's address list at `now` (centiseconds): an
 * address past its valid lifetime is removed, one past its preferred lifetime becomes
 * DEPRECATED and is announced once. It returns when the next address is due (centiseconds),
 * or Infinity when none ages. Ages are whole seconds with ADDRCONF_TIMER_FUZZ_MINUS (20 ms) of
 * slack, as both families count them. Removing one address may take others with it (IPv4
 * secondaries go with their primary), so each address is checked against its list first.
 * IPv4 passes over permanent addresses; IPv6 (`ipv6`) only over those whose preferred
 * lifetime is infinite too (a permanent address given a finite one is deprecated in time).
 */
export function ageAddresses<A extends AgingAddress>(lists: Iterable<A[]>, now: number, actions: AgingActions<A>, ipv6 = false): number {
  let next = Infinity;
  for (const list of lists) {
    for (const ifa of [...list]) {
      const permanent = ifa.flags & IFA_F.IFA_F_PERMANENT && (!ipv6 || ifa.preferredLft === INFINITY_LIFE_TIME);
      if (permanent || !list.includes(ifa)) continue;
      const age = Math.floor((now - ifa.tstamp + 2) / 100);
      if (ifa.validLft !== INFINITY_LIFE_TIME && age >= ifa.validLft) {
        actions.remove(ifa);
        continue;
      }
      if (ifa.preferredLft !== INFINITY_LIFE_TIME && age >= ifa.preferredLft) {
        if (!(ifa.flags & IFA_F.IFA_F_DEPRECATED)) {
          ifa.flags |= IFA_F.IFA_F_DEPRECATED;
          actions.announce(ifa);
        }
      } else if (ifa.preferredLft !== INFINITY_LIFE_TIME) next = Math.min(next, ifa.tstamp + ifa.preferredLft * 100);
      if (ifa.validLft !== INFINITY_LIFE_TIME) next = Math.min(next, ifa.tstamp + ifa.validLft * 100);
    }
  }
  return next;
}

/** cacheinfo lays out struct ifa_cacheinfo. */
export function cacheinfo(preferred: number, valid: number, cstamp: number, tstamp: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = viewOf(b);
  v.setUint32(0, preferred >>> 0, HOST_LE);
  v.setUint32(4, valid >>> 0, HOST_LE);
  v.setUint32(8, cstamp >>> 0, HOST_LE);
  v.setUint32(12, tstamp >>> 0, HOST_LE);
  return b;
}

/** remaining is the whole seconds left of a lifetime set at tstampCs, or forever. */
export function remaining(lft: number, tstampCs: number, nowCs: number): number {
  if (lft === INFINITY_LIFE_TIME) return lft;
  const elapsed = Math.floor((nowCs - tstampCs) / 100);
  return lft > elapsed ? lft - elapsed : 0;
}

/**
 * addrCacheinfo is IFA_CACHEINFO as inet_fill_ifaddr() and inet6_fill_ifaddr() fill it: the
 * lifetimes left at `nowCs` (forever for a permanent address) and the two timestamps. For
 * IPv6 (`ipv6`) a permanent address with a finite preferred lifetime reports it counting down
 * (and its valid lifetime, forever).
 */
export function addrCacheinfo(ifa: AgingAddress & { cstamp: number }, nowCs: number, ipv6 = false): Uint8Array {
  const permanent = (ifa.flags & IFA_F.IFA_F_PERMANENT) !== 0 && (!ipv6 || ifa.preferredLft === INFINITY_LIFE_TIME);
  const preferred = permanent ? INFINITY_LIFE_TIME : remaining(ifa.preferredLft, ifa.tstamp, nowCs);
  const valid = permanent ? INFINITY_LIFE_TIME : remaining(ifa.validLft, ifa.tstamp, nowCs);
  return cacheinfo(preferred, valid, ifa.cstamp, ifa.tstamp);
}
