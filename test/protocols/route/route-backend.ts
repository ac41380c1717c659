/** Shared setup for NETLINK_ROUTE tests: registers the protocol on the sim backend, opens sockets. */
import { beforeEach } from 'vitest';
import type { Backend } from '../../helpers/backends.js';
import { registerRoute } from '../../../protocols/route/index.js';
import type { NetlinkSocket } from '../../../sim/socket-api.js';
import { NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_ROUTE, SOCK_RAW, SOL_NETLINK } from '../../../sim/uapi/netlink.js';
import { encodeIfInfoMsg, type IfInfoMsg } from '../../../protocols/route/core/ifinfomsg.js';
import { concat } from '../../helpers/exchange.js';

/** useRoute makes sure the sim backend has NETLINK_ROUTE (createKernel() boots with it; registerRoute() is idempotent). */
export function useRoute(b: Backend): void {
  beforeEach(() => {
    if (b.sim) registerRoute(b.sim, { seed: 1 });
  });
}

/** routeSocket opens a bound NETLINK_ROUTE socket, optionally with EXT_ACK and strict checking. */
export function routeSocket(b: Backend, options: { extAck?: boolean; strict?: boolean; groups?: number } = {}): NetlinkSocket {
  const s = b.socket(SOCK_RAW, NETLINK_ROUTE);
  s.bind({ pid: 0, groups: options.groups ?? 0 });
  if (options.extAck) s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
  if (options.strict) s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
  return s;
}

/** ifinfo builds an ifinfomsg followed by attributes. */
export function ifinfo(m: Partial<IfInfoMsg>, ...attrs: Uint8Array[]): Uint8Array {
  return concat(encodeIfInfoMsg(m), ...attrs);
}

/** hex renders bytes as lowercase hex. */
export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
