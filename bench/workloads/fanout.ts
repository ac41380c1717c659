/**
 * Multicast fan-out on NETLINK_USERSOCK: one socket sends a batch to group 1 with K
 * members, then every member receives the batch. Counted in deliveries (K per send).
 *
 * @note On USERSOCK a send to port 0 finds no kernel socket and fails ECONNREFUSED after the
 * multicast part was delivered. So each send also names a "sink" socket that is not a
 * member: it receives one unicast copy per send (drained, not counted), and no exception
 * is thrown per send on either kernel.
 */
import { groupMask } from '../../sim/address.js';
import { NETLINK_USERSOCK, SOCK_RAW } from '../../sim/uapi/netlink.js';
import type { NetlinkSocket } from '../../sim/socket-api.js';
import type { Workload } from '../harness.js';
import { drainExpect, forceRcvbuf, message, multicastCost, unicastCost } from './common.js';

const SIZE = 64;
const GROUP = 1;

/** fanoutWorkload multicasts 64-byte datagrams to `members` subscribers, `batch` at a time. */
export function fanoutWorkload(members: number, batch: number): Workload {
  return {
    name: `usersock multicast to ${members}, batch ${batch}`,
    unit: 'deliveries/s',
    target: members === 64 ? 'sim ≥ 10× kernel' : undefined,
    prepare(backend, scale) {
      const k = scale === 'tiny' ? Math.min(members, 3) : members;
      const n = scale === 'tiny' ? 2 : batch;
      const open = () => backend.sockets.socket(SOCK_RAW, NETLINK_USERSOCK);
      const subscribers: NetlinkSocket[] = [];
      for (let i = 0; i < k; i++) {
        const s = open();
        s.bind({ pid: 0, groups: groupMask(GROUP) });
        forceRcvbuf(s, n * multicastCost(SIZE));
        subscribers.push(s);
      }
      const sink = open();
      sink.bind({ pid: 0, groups: 0 });
      forceRcvbuf(sink, n * unicastCost(SIZE));
      const tx = open();
      tx.bind({ pid: 0, groups: 0 });
      const to = { pid: sink.getsockname().pid, groups: groupMask(GROUP) };
      const data = message(0x10, 0, SIZE);
      return {
        step() {
          for (let i = 0; i < n; i++) tx.sendto(data, to);
          for (const s of subscribers) drainExpect(s, n, SIZE, 8192);
          drainExpect(sink, n, SIZE, 8192);
          return n * k;
        },
        close() {
          for (const s of [...subscribers, sink, tx]) s.close();
        },
      };
    },
  };
}
