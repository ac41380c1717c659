/**
 * nl_table: one entry per netlink protocol (MAX_LINKS = 32), as __netlink_kernel_create()
 * and netlink_add_usersock_entry() fill it.
 */
import type { Credentials } from './credentials.js';
import type { ErrnoName } from './uapi/errno.js';
import type { KernelSocket } from './kernel-socket.js';
import type { NetNamespace } from './netns.js';
import type { InputSkb } from './kernel-socket.js';

/** BindHookContext is what a protocol's bind/unbind hook learns about the caller. */
export interface BindHookContext {
  netns: NetNamespace;
  credentials: Credentials;
}

/**
 * ProtocolConfig is struct netlink_kernel_cfg: what a kernel module passes to register a
 * netlink protocol.
 */
export interface ProtocolConfig {
  /** The protocol number, 0–31. */
  protocol: number;
  /** A name for diagnostics (`'NETLINK_ROUTE'`). */
  name?: string;
  /** Multicast groups. Linux raises anything below 32 to 32. Defaults to 32. */
  groups?: number;
  /** NL_CFG_F_NONROOT_RECV and/or NL_CFG_F_NONROOT_SEND. Defaults to 0. */
  flags?: number;
  /**
   * input mirrors cfg->input (netlink_rcv): called synchronously, in the sender's context,
   * with every datagram unicast to the kernel socket (port 0). Without it such sends give
   * ECONNREFUSED, as on NETLINK_SELINUX.
   */
  input?: (skb: InputSkb, kernelSocket: KernelSocket) => void;
  /** bind mirrors cfg->bind: called per group joined; return an errno name to refuse it. */
  bind?: (group: number, context: BindHookContext) => ErrnoName | void;
  /** unbind mirrors cfg->unbind: called per group left. */
  unbind?: (group: number, context: BindHookContext) => void;
  /**
   * kernelSocket: false registers the protocol without a kernel socket, as Linux does for
   * NETLINK_USERSOCK, so nothing answers port 0. Defaults to true.
   */
  kernelSocket?: boolean;
}

/** NetlinkTable is one nl_table[] entry. */
export interface NetlinkTable {
  readonly protocol: number;
  readonly name: string;
  /** nl_table[].groups: at least 32, may grow (genetlink registers more groups). */
  groups: number;
  readonly flags: number;
  readonly config: ProtocolConfig;
}

/** LinuxProtocolInfo describes how Linux 6.18 registers a protocol (for reference and defaults). */
export interface LinuxProtocolInfo {
  name: string;
  groups: number;
  flags: number;
}
