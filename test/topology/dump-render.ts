/**
 * Dumps of links, addresses, routes and neighbours rendered for comparing two kernels whose
 * histories differ but whose state should not: a real namespace set up by `ip`, and a
 * virtual kernel given that namespace's snapshot. Links are rendered by the fields a
 * topology carries and the state that follows from them (flags, operstate, carrier), not by
 * counters of their history (carrier changes, statistics).
 */
import { parseAttrs } from '../../sim/wire/attr-reader.js';
import { HOST_LE, viewOf } from '../../sim/wire/header.js';
import type { NetlinkSocket } from '../../sim/socket-api.js';
import { encodeIfInfoMsg } from '../../protocols/route/core/ifinfomsg.js';
import { encodeIfAddrMsg } from '../../protocols/route/core/ifaddrmsg.js';
import { encodeRtMsg } from '../../protocols/route/core/rtmsg.js';
import { AF_INET, AF_INET6, IFA, IFLA, RTM } from '../../protocols/route/core/uapi.js';
import { RtnlConnection } from '../../protocols/route/topology/rtnl-conn.js';
import { renderAddr, renderNeigh, renderRoute, renderRule } from '../protocols/route/rt-render.js';

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : '-');
const u32 = (b: Uint8Array | undefined) => (b ? viewOf(b).getUint32(0, HOST_LE) : '-');

/** KernelState is one kernel's dumps, rendered. */
export interface KernelState {
  links: string[];
  addresses: string[];
  routes: string[];
  neighbours: string[];
  rules: string[];
}

/** dumpState dumps the namespace of `sock` (links, addresses, routes, permanent neighbours, rules) and renders each object on one line. */
export function dumpState(sock: NetlinkSocket): KernelState {
  const conn = new RtnlConnection(sock);
  const links = conn.dump(RTM.RTM_GETLINK, encodeIfInfoMsg({}), 'RTM_GETLINK').map((m) => {
    const p = m.payload;
    const v = viewOf(p);
    const tb = parseAttrs(p, 16);
    const info = tb.get(IFLA.IFLA_LINKINFO);
    const kind = info ? parseAttrs(info).get(1) : undefined;
    return [
      `index=${v.getInt32(4, HOST_LE)} type=${v.getUint16(2, HOST_LE)} flags=0x${v.getUint32(8, HOST_LE).toString(16)}`,
      `name=${new TextDecoder().decode(tb.get(IFLA.IFLA_IFNAME)).replace(/\0$/, '')} kind=${kind ? new TextDecoder().decode(kind).replace(/\0$/, '') : '-'}`,
      `mtu=${u32(tb.get(IFLA.IFLA_MTU))} txqlen=${u32(tb.get(IFLA.IFLA_TXQLEN))} address=${hex(tb.get(IFLA.IFLA_ADDRESS))} broadcast=${hex(tb.get(IFLA.IFLA_BROADCAST))}`,
      `master=${u32(tb.get(IFLA.IFLA_MASTER))} link=${u32(tb.get(IFLA.IFLA_LINK))} operstate=${tb.get(IFLA.IFLA_OPERSTATE)?.[0] ?? '-'} carrier=${tb.get(IFLA.IFLA_CARRIER)?.[0] ?? '-'}`,
    ].join(' ');
  });
  const addresses = conn.dump(RTM.RTM_GETADDR, encodeIfAddrMsg({}), 'RTM_GETADDR').map((m) => renderAddr(m).join(' | '));
  const routes = [AF_INET, AF_INET6].flatMap((family) => conn.dump(RTM.RTM_GETROUTE, encodeRtMsg({ family }), 'RTM_GETROUTE').map((m) => renderRoute(m).join(' | ')));
  const neighbours = [AF_INET, AF_INET6].flatMap((family) => {
    const ndmsg = new Uint8Array(12);
    ndmsg[0] = family;
    // Permanent entries only: the others are what the kernel learnt (router solicitations, DAD), on its own schedule.
    return conn.dump(RTM.RTM_GETNEIGH, ndmsg, 'RTM_GETNEIGH').filter((m) => viewOf(m.payload).getUint16(8, HOST_LE) & 0x80).map((m) => renderNeigh(m).join(' | '));
  });
  const rules = [AF_INET, AF_INET6].flatMap((family) => {
    const hdr = new Uint8Array(12);
    hdr[0] = family;
    return conn.dump(RTM.RTM_GETRULE, hdr, 'RTM_GETRULE').map((m) => renderRule(m).join(' | '));
  });
  return { links, addresses, routes, neighbours, rules };
}

/** tentative says whether an IPv6 address of the dump still runs duplicate address detection. */
export function anyTentative(sock: NetlinkSocket): boolean {
  const conn = new RtnlConnection(sock);
  return conn.dump(RTM.RTM_GETADDR, encodeIfAddrMsg({ family: AF_INET6 }), 'RTM_GETADDR').some((m) => {
    const flags = parseAttrs(m.payload, 8).get(IFA.IFA_FLAGS);
    return ((flags ? viewOf(flags).getUint32(0, HOST_LE) : m.payload[2]!) & 0x40) !== 0;
  });
}
