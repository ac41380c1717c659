/**
 * struct sockaddr_nl as the syscall layer hands it to af_netlink: a length and the bytes.
 * Structured addresses are encoded to those bytes so that both forms take the same checks.
 */
import { NetlinkError } from './errors.js';
import type { Address, SockaddrNl } from './socket-api.js';
import { AF_NETLINK, SOCKADDR_NL_LEN, SOCKADDR_STORAGE_LEN } from './uapi/netlink.js';
import { HOST_LE, viewOf, writeU16, writeU32 } from './wire/header.js';

/** RawAddress is a socket address as the kernel sees it: its length and decoded fields. */
export interface RawAddress {
  /** addrlen / msg_namelen. */
  len: number;
  /** sa_family (0 when shorter than 2 bytes). */
  family: number;
  /** nl_pid (0 when shorter than 8 bytes). */
  pid: number;
  /** nl_groups (0 when shorter than 12 bytes). */
  groups: number;
}

/**
 * toRawAddress applies move_addr_to_kernel()'s check (at most sizeof(sockaddr_storage) = 128
 * bytes, else EINVAL) and decodes what af_netlink reads.
 */
export function toRawAddress(address: Address, syscall: string): RawAddress {
  if (!(address instanceof Uint8Array)) {
    return { len: SOCKADDR_NL_LEN, family: address.family ?? AF_NETLINK, pid: address.pid >>> 0, groups: address.groups >>> 0 };
  }
  if (address.length > SOCKADDR_STORAGE_LEN) throw new NetlinkError('EINVAL', syscall);
  const v = viewOf(address);
  return {
    len: address.length,
    family: address.length >= 2 ? v.getUint16(0, HOST_LE) : 0,
    pid: address.length >= 8 ? v.getUint32(4, HOST_LE) : 0,
    groups: address.length >= 12 ? v.getUint32(8, HOST_LE) : 0,
  };
}

/** encodeSockaddr returns the 12 bytes of a sockaddr_nl. */
export function encodeSockaddr(address: SockaddrNl): Uint8Array {
  const out = new Uint8Array(SOCKADDR_NL_LEN);
  writeU16(out, 0, address.family ?? AF_NETLINK);
  writeU32(out, 4, address.pid);
  writeU32(out, 8, address.groups);
  return out;
}

/** ffs mirrors the C library's ffs(): the 1-based index of the lowest set bit, 0 for none. */
export function ffs(mask: number): number {
  mask >>>= 0;
  return mask === 0 ? 0 : 32 - Math.clz32(mask & -mask);
}

/** groupMask mirrors netlink_group_mask(): group g as a mask bit, 0 for groups above 32. */
export function groupMask(group: number): number {
  return group > 0 && group <= 32 ? (1 << (group - 1)) >>> 0 : 0;
}
