/**
 * Net: the fixture's helpers that put a test's kernel in a given state or make it speak:
 * topologies through rtnetlink requests, kernel notifications and uevents injected as the
 * kernel would send them.
 */
import { NlsimError } from '../sim/errors.js';
import type { VirtualKernel } from '../sim/kernel.js';
import type { NetNamespace } from '../sim/netns.js';
import { NETLINK_ROUTE } from '../sim/uapi/netlink.js';
import { encodeMessage } from '../sim/wire/header.js';
import { registerUevent, type Uevent } from '../protocols/uevent/index.js';
import { RtnlClient } from './rtnl-client.js';
import { applyTopology, type Topology } from './topology.js';
import type { Traffic } from './traffic.js';

/** Notification is a message the kernel multicasts, built by the test. */
export interface Notification {
  /** Defaults to NETLINK_ROUTE. */
  protocol?: number;
  /** The group number (1-based, as RTNLGRP_LINK = 1). */
  group: number;
  type: number;
  /** Defaults to 0. */
  flags?: number;
  /** Defaults to 0, as unsolicited notifications carry. */
  seq?: number;
  /** nlmsg_pid. Defaults to 0. */
  pid?: number;
  /** The message payload after nlmsghdr (family header and attributes). */
  body: Uint8Array;
}

/** Net acts on one namespace of the test's kernel (the initial one unless `namespace()` made another). */
export class Net {
  readonly kernel: VirtualKernel;
  readonly netns: NetNamespace;
  readonly #traffic: Traffic;

  constructor(kernel: VirtualKernel, traffic: Traffic, netns: NetNamespace = kernel.initNet) {
    this.kernel = kernel;
    this.#traffic = traffic;
    this.netns = netns;
  }

  /**
   * apply creates `topology` with rtnetlink requests from a setup socket of this namespace.
   * Those requests and their answers are not part of the recorded traffic; notifications
   * they cause are. Throws the NetlinkError of the first request the kernel refuses.
   */
  apply(topology: Topology): void {
    const client = new RtnlClient(this.kernel, this.netns);
    try {
      this.#traffic.excluding(client.portId, () => applyTopology(client, topology));
    } finally {
      client.close();
    }
  }

  /** ifindex returns a link's index, asked with RTM_GETLINK like any client (not recorded). */
  ifindex(name: string): number {
    const client = new RtnlClient(this.kernel, this.netns);
    try {
      return this.#traffic.excluding(client.portId, () => client.ifindex(name));
    } finally {
      client.close();
    }
  }

  /**
   * notify multicasts a message from the protocol's kernel socket to `group`, as the kernel
   * does (netlink_broadcast() from port 0). Returns netlink_broadcast()'s result: 0 when
   * some socket got it, -ESRCH (-3) when nobody listens, -ENOBUFS (-105) when a full
   * receiver dropped it.
   */
  notify(n: Notification): number {
    const protocol = n.protocol ?? NETLINK_ROUTE;
    const ks = this.netns.protocol(protocol).kernelSocket;
    if (!ks) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `protocol ${protocol} has no kernel socket in ${this.netns.name}`);
    const msg = encodeMessage({ type: n.type, flags: n.flags ?? 0, seq: n.seq ?? 0, pid: n.pid ?? 0 }, n.body);
    return ks.broadcast(msg, n.group);
  }

  /** uevent sends a kernel uevent (kobject_uevent_env()) to NETLINK_KOBJECT_UEVENT group 1; returns its SEQNUM. */
  uevent(event: Uevent): number {
    return registerUevent(this.kernel).emit(event, { netns: this.netns });
  }

  /** udevEvent sends the libudev-format event udevd would forward, to group 2. */
  udevEvent(event: Uevent, options: { seqnum?: number } = {}): void {
    registerUevent(this.kernel).emitUdev(event, { netns: this.netns, ...options });
  }

  /** namespace creates a fresh network namespace of the same kernel and returns helpers for it. */
  namespace(name?: string): Net {
    return new Net(this.kernel, this.#traffic, this.kernel.createNamespace(name));
  }
}
