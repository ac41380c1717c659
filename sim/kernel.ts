/**
 * VirtualKernel: the in-process kernel. It owns the protocol table (nl_table), the network
 * namespaces and the sysctls that size socket buffers, and opens sockets the way
 * socket(AF_NETLINK, type, protocol) does.
 */
import { type ClockMode, KernelClock } from './clock.js';
import { type Credentials, rootCredentials } from './credentials.js';
import type { Tap } from './delivery.js';
import { NetlinkError, NlsimError } from './errors.js';
import { KernelSocket } from './kernel-socket.js';
import { NetNamespace } from './netns.js';
import type { NetlinkTable, ProtocolConfig } from './protocol-table.js';
import { type KernelProfile, resolveProfile } from './profile.js';
import { createRandom, type Random } from './random.js';
import { SimSocket, type SocketHost } from './socket.js';
import type { SocketFactory } from './socket-api.js';
import { MAX_LINKS, protocolName, SOCK } from './uapi/netlink.js';
import { registerUsersock } from './usersock.js';

/** Sysctl holds the net.core sysctls that size socket buffers. */
export interface Sysctl {
  /** net.core.rmem_default: a new socket's SO_RCVBUF. Defaults to 212992. */
  rmemDefault: number;
  /** net.core.wmem_default: a new socket's SO_SNDBUF. Defaults to 212992. */
  wmemDefault: number;
  /** net.core.rmem_max: the cap on SO_RCVBUF. Defaults to 4194304. */
  rmemMax: number;
  /** net.core.wmem_max: the cap on SO_SNDBUF. Defaults to 4194304. */
  wmemMax: number;
}

/**
 * VirtualKernelOptions configure a VirtualKernel. (createKernel() in protocols/index.ts takes
 * these and which built-in protocols to boot.)
 */
export interface VirtualKernelOptions {
  /** Seed for the random negative port ids of autobind. Defaults to a random seed. */
  seed?: number;
  /**
   * The kernel build to behave as: a profile (sim/profile.ts; `detectHostProfile()` from
   * nlsim/native gives this machine's) or a built-in profile's name. Defaults to "default":
   * Linux 6.18 with every modelled option.
   */
  profile?: KernelProfile | string;
  /** Buffer sysctls. Defaults to the profile's (a stock 6.18 kernel's: 212992 and 4194304). */
  sysctl?: Partial<Sysctl>;
  /** Credentials of sockets opened without their own. Defaults to root as this process. */
  credentials?: Credentials;
  /**
   * How kernel time passes for what Linux does after a request (IPv6 DAD, router
   * solicitations): 'real' (the default) follows the host's clock, 'manual' stands still
   * until `kernel.clock.advance(ms)`. See sim/clock.ts.
   */
  clock?: ClockMode;
}

/** SimSocketOptions are per-socket arguments of VirtualKernel.socket(). */
export interface SimSocketOptions {
  /** Who opens the socket. Defaults to the kernel's default credentials. */
  credentials?: Credentials;
  /** The namespace to open it in. Defaults to the initial namespace. */
  netns?: NetNamespace;
}

/** ProtocolHandle is a registered protocol: its kernel sockets and a way to unload it. */
export interface ProtocolHandle {
  readonly table: NetlinkTable;
  /** kernelSocket returns the protocol's kernel socket in `netns` (default: the initial one). */
  kernelSocket(netns?: NetNamespace): KernelSocket;
}

const SOCK_TYPE_MASK = 0xf;

/** VirtualKernel is one simulated Linux kernel. */
export class VirtualKernel implements SocketFactory, SocketHost {
  /** The kernel build this kernel behaves as; protocols read their build options from it. */
  readonly profile: KernelProfile;
  readonly sysctl: Sysctl;
  readonly random: Random;
  /** Kernel time and timers (jiffies and the timer wheel). */
  readonly clock: KernelClock;
  /** The initial network namespace (init_net). */
  readonly initNet: NetNamespace;
  readonly #taps = new Set<Tap>();
  readonly #tables: (NetlinkTable | undefined)[] = new Array(MAX_LINKS);
  readonly #namespaces: NetNamespace[] = [];
  readonly #credentials: Credentials;

  constructor(options: VirtualKernelOptions = {}) {
    this.profile = resolveProfile(options.profile);
    this.sysctl = { ...this.profile.sysctl, ...options.sysctl };
    this.random = createRandom(options.seed);
    this.clock = new KernelClock(options.clock);
    this.#credentials = options.credentials ?? rootCredentials();
    this.initNet = this.createNamespace('init_net');
    // netlink_proto_init(): NETLINK_USERSOCK exists before any module loads.
    registerUsersock(this);
  }

  /** taps is the set of nlmon-like observers of every datagram delivered. */
  get taps(): ReadonlySet<Tap> {
    return this.#taps;
  }

  /** addTap starts mirroring every delivered datagram to `tap`; returns a function that stops it. */
  addTap(tap: Tap): () => void {
    this.#taps.add(tap);
    return () => this.#taps.delete(tap);
  }

  /** createNamespace creates a network namespace; registered protocols get a kernel socket in it. */
  createNamespace(name = `netns${this.#namespaces.length}`): NetNamespace {
    const ns = new NetNamespace(this.#namespaces.length, name, this.#taps, this.profile.config);
    this.#namespaces.push(ns);
    for (const table of this.#tables) if (table) this.#createKernelSocket(ns, table);
    return ns;
  }

  /** namespaces lists the kernel's network namespaces, the initial one first. */
  get namespaces(): readonly NetNamespace[] {
    return this.#namespaces;
  }

  /** table returns nl_table[protocol], or undefined when nothing is registered. */
  table(protocol: number): NetlinkTable | undefined {
    return this.#tables[protocol];
  }

  #createKernelSocket(ns: NetNamespace, table: NetlinkTable): void {
    if (table.config.kernelSocket === false) return;
    const ks = new KernelSocket(ns, table, this.clock);
    const state = ns.protocol(table.protocol);
    state.kernelSocket = ks;
    state.ports.set(0, ks);
  }

  /**
   * registerProtocol mirrors netlink_kernel_create(): registers `config.protocol` with its
   * groups, flags, input and hooks, and creates its kernel socket in every namespace.
   */
  registerProtocol(config: ProtocolConfig): ProtocolHandle {
    const { protocol } = config;
    if (!Number.isInteger(protocol) || protocol < 0 || protocol >= MAX_LINKS) {
      throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `protocol must be an integer from 0 to ${MAX_LINKS - 1}, got ${protocol}`);
    }
    if (this.#tables[protocol]) {
      throw new NlsimError('ERR_NLSIM_PROTOCOL_REGISTERED', `protocol ${protocolName(protocol)} (${protocol}) is already registered`);
    }
    const table: NetlinkTable = {
      protocol,
      name: config.name ?? protocolName(protocol),
      groups: Math.max(config.groups ?? 32, 32),
      flags: config.flags ?? 0,
      config,
    };
    this.#tables[protocol] = table;
    for (const ns of this.#namespaces) this.#createKernelSocket(ns, table);
    return {
      table,
      kernelSocket: (netns = this.initNet) => {
        const ks = netns.protocols[protocol]?.kernelSocket;
        if (!ks) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${table.name} has no kernel socket`);
        return ks;
      },
    };
  }

  /**
   * socket mirrors socket(AF_NETLINK, type, protocol): SOCK_RAW or SOCK_DGRAM (with
   * SOCK_NONBLOCK / SOCK_CLOEXEC), any registered protocol; no privilege needed.
   */
  socket(type: number, protocol: number, options: SimSocketOptions = {}): SimSocket {
    // __sys_socket() and __sock_create(), before netlink sees the call.
    if (type & ~SOCK_TYPE_MASK & ~(SOCK.SOCK_NONBLOCK | SOCK.SOCK_CLOEXEC)) throw new NetlinkError('EINVAL', 'socket');
    const base = type & SOCK_TYPE_MASK;
    if (base >= SOCK.SOCK_MAX) throw new NetlinkError('EINVAL', 'socket');
    // netlink_create()
    if (base !== SOCK.SOCK_RAW && base !== SOCK.SOCK_DGRAM) throw new NetlinkError('ESOCKTNOSUPPORT', 'socket');
    if (!Number.isInteger(protocol) || protocol < 0 || protocol >= MAX_LINKS || !this.#tables[protocol]) {
      throw new NetlinkError('EPROTONOSUPPORT', 'socket');
    }
    return new SimSocket(this, options.netns ?? this.initNet, base, protocol, options.credentials ?? this.#credentials, {
      rcvbuf: this.sysctl.rmemDefault,
      sndbuf: this.sysctl.wmemDefault,
      nonblock: (type & SOCK.SOCK_NONBLOCK) !== 0,
    });
  }
}
