/**
 * Topologies for the fixture: links, addresses, routes and neighbours described as data and
 * created through rtnetlink requests, in the order `ip` would need them. The format and the
 * requests are nlsim/topology's (protocols/route/topology/), the same that `--state FILE`
 * applies; here a refused request throws its NetlinkError (extack included), so a test
 * never starts from a state the kernel would not have reached.
 */
import { applyTopology as applyShared } from '../protocols/route/topology/index.js';
import type { Topology } from '../protocols/route/topology/index.js';
import { TopologyError } from '../protocols/route/topology/index.js';
import type { RtnlClient } from './rtnl-client.js';

export type { AddressSpec, LinkSpec, NeighbourSpec, RouteSpec, Topology } from '../protocols/route/topology/index.js';

/**
 * applyTopology creates `topology` through `client`. A refused request throws its
 * NetlinkError (`syscall` names the request: 'RTM_NEWLINK dummy0'); a malformed topology
 * throws a TopologyError.
 */
export function applyTopology(client: RtnlClient, topology: Topology): void {
  try {
    applyShared(client.sock, topology);
  } catch (e) {
    if (e instanceof TopologyError && e.cause) throw e.cause;
    throw e;
  }
}
