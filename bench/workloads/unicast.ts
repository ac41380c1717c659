/**
 * USERSOCK unicast, batched: one socket sends a batch of N datagrams to another, which
 * then receives all N. The receiver's rcvbuf holds the whole batch, so no send meets a
 * full queue (that would measure EAGAIN handling, not delivery).
 */
import { NETLINK_USERSOCK, SOCK_RAW } from '../../sim/uapi/netlink.js';
import type { Workload } from '../harness.js';
import { drainExpect, forceRcvbuf, message, unicastCost } from './common.js';

/** unicastWorkload sends `size`-byte datagrams in batches of `batch`. */
export function unicastWorkload(label: string, size: number, batch: number): Workload {
  return {
    name: `usersock unicast ${label}, batch ${batch}`,
    unit: 'msgs/s',
    target: 'sim ≥ 5× kernel',
    prepare(backend, scale) {
      const n = scale === 'tiny' ? 4 : batch;
      const rx = backend.sockets.socket(SOCK_RAW, NETLINK_USERSOCK);
      const tx = backend.sockets.socket(SOCK_RAW, NETLINK_USERSOCK);
      rx.bind({ pid: 0, groups: 0 });
      tx.bind({ pid: 0, groups: 0 });
      forceRcvbuf(rx, n * unicastCost(size));
      const to = { pid: rx.getsockname().pid, groups: 0 };
      const data = message(0x10, 0, size);
      // A 4 KiB datagram needs a buffer bigger than libmnl's 8 KiB default only when it is larger.
      const bufferSize = Math.max(8192, size);
      return {
        step() {
          for (let i = 0; i < n; i++) tx.sendto(data, to);
          drainExpect(rx, n, size, bufferSize);
          return n;
        },
        close() {
          tx.close();
          rx.close();
        },
      };
    },
  };
}
