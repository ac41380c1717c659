/**
 * The address structures a device holds, as include/linux/inetdevice.h (struct in_ifaddr) and
 * include/net/if_inet6.h (struct inet6_ifaddr) declare them for everyone: the core keeps
 * them on the device (NetDevice.ifa4, ifa6), ipv4/ and ipv6/ make, change and report them.
 */
import type { NetDevice } from './device.js';

/** InAddr is one IPv4 address of a device (struct in_ifaddr). */
export interface InAddr {
  readonly dev: NetDevice;
  local: number;
  /** ifa_address: the peer address, or the local one. */
  address: number;
  prefixlen: number;
  mask: number;
  broadcast: number;
  scope: number;
  /** IFA_F_* (32 bits). */
  flags: number;
  label: string;
  /** Lifetimes in seconds (0xffffffff: forever), counted from tstamp. */
  validLft: number;
  preferredLft: number;
  /** Creation and last-change time, centiseconds since boot. */
  cstamp: number;
  tstamp: number;
  rtPriority: number;
  /** IFA_PROTO (0: not set). */
  proto: number;
}

/** Inet6Ifaddr is one IPv6 address of a device (struct inet6_ifaddr). */
export interface Inet6Ifaddr {
  readonly dev: NetDevice;
  readonly addr: Uint8Array;
  /** IFA_ADDRESS of a point-to-point address (null: none). */
  peer: Uint8Array | null;
  prefixlen: number;
  /** ifa_scope as reported: RT_SCOPE_* from the address type. */
  scope: number;
  flags: number;
  validLft: number;
  preferredLft: number;
  cstamp: number;
  tstamp: number;
  rtPriority: number;
  proto: number;
}
