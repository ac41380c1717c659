/**
 * A network namespace of the virtual kernel: port ids, memberships and kernel sockets
 * are all per namespace, as in Linux.
 */
import type { Tap } from './delivery.js';
import type { KernelSocket } from './kernel-socket.js';
import type { KernelConfig } from './profile.js';
import type { NetlinkSock } from './sock.js';

/** PortOwner is whatever a port id may name: a user socket or a protocol's kernel socket. */
export type PortOwner = NetlinkSock | KernelSocket;

/** ProtocolState holds one protocol's sockets within one namespace. */
export class ProtocolState {
  /** The port table (nl_table[].hash restricted to this netns). */
  readonly ports = new Map<number, PortOwner>();
  /** nl_table[].mc_list: sockets with at least one subscription. */
  readonly mcList = new Set<NetlinkSock>();
  /** The kernel socket, if the protocol has one in this namespace. */
  kernelSocket: KernelSocket | null = null;
}

/** NetNamespace is one struct net. */
export class NetNamespace {
  readonly id: number;
  readonly name: string;
  /** Per-protocol state, indexed by protocol number. */
  readonly protocols: (ProtocolState | undefined)[] = [];
  /** The kernel's taps (nlmon devices), shared by every namespace of one kernel. */
  readonly taps: ReadonlySet<Tap>;
  /**
   * The build options of the kernel the namespace belongs to (its profile's), so that a
   * handler holding only a socket or a namespace knows what the kernel was built with.
   */
  readonly config: KernelConfig;

  constructor(id: number, name: string, taps: ReadonlySet<Tap>, config: KernelConfig) {
    this.id = id;
    this.name = name;
    this.taps = taps;
    this.config = config;
  }

  /** protocol returns (creating it) the state of protocol `n` in this namespace. */
  protocol(n: number): ProtocolState {
    let s = this.protocols[n];
    if (!s) this.protocols[n] = s = new ProtocolState();
    return s;
  }
}
