/**
 * nlsim/topology: state in and out of a kernel as a JSON topology file (docs/topology.md).
 *
 * ```ts
 * import { createKernel } from 'nlsim';
 * import { loadTopology } from 'nlsim/topology';
 * const kernel = createKernel();
 * loadTopology(kernel, 'state.json');            // or a Topology object
 * ```
 */
import type { VirtualKernel } from '../../../sim/kernel.js';
import type { NetNamespace } from '../../../sim/netns.js';
import { NETLINK_ROUTE, SOCK_RAW } from '../../../sim/uapi/netlink.js';
import { applyTopology } from './apply.js';
import type { Topology } from './format.js';
import { readTopologyFile } from './parse.js';

export { applyTopology, type ApplyOptions } from './apply.js';
export * from './format.js';
export { parseTopology, readTopologyFile, TopologyError, validateTopology } from './parse.js';
export { formatTopology, snapshotTopology, type Snapshot } from './snapshot.js';
export { RtnlConnection } from './rtnl-conn.js';

/** LoadOptions say where to load a topology. */
export interface LoadOptions {
  /** The namespace to create it in. Defaults to the kernel's initial namespace. */
  netns?: NetNamespace;
  /** What error messages call an object topology. Defaults to the file name, or 'topology'. */
  source?: string;
}

/**
 * loadTopology creates a topology in a virtual kernel, through rtnetlink requests from a
 * NETLINK_ROUTE socket of `options.netns`: `topology` is a file name (read and checked,
 * `"nlsim": "topology/1"` required) or a Topology object. Throws a TopologyError naming the
 * file and the entry at fault.
 */
export function loadTopology(kernel: VirtualKernel, topology: string | Topology, options: LoadOptions = {}): void {
  const source = options.source ?? (typeof topology === 'string' ? topology : 'topology');
  const t = typeof topology === 'string' ? readTopologyFile(topology) : topology;
  const sock = kernel.socket(SOCK_RAW, NETLINK_ROUTE, { netns: options.netns });
  try {
    sock.bind({ pid: 0, groups: 0 });
    applyTopology(sock, t, { source });
  } finally {
    sock.close();
  }
}
