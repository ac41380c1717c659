/**
 * IPv6's per-device link messages (net/ipv6/addrconf.c): the AF_INET6 RTM_GETLINK dump
 * (inet6_dump_ifinfo(): one message per device with IPv6 state, its inet6_dev in
 * IFLA_PROTINFO) and the RTNLGRP_IPV6_IFINFO notification (inet6_ifinfo_notify()).
 */
import type { DumpControl, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { KernelSocket } from '../../../sim/kernel-socket.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { devGetFlags, devGetIflink, type NetDevice, running } from '../core/index.js';
import { decodeIfInfoMsg, encodeIfInfoMsg } from '../core/index.js';
import { fillInet6 } from '../core/index.js';
import { notify } from '../core/index.js';
import type { Rtnetlink } from '../core/index.js';
import type { NetworkState } from '../core/index.js';
import { AF_INET6, IF_OPER, IFINFOMSG_LEN, IFLA, RTM_GETLINK, RTM_NEWLINK, RTNLGRP } from '../core/uapi.js';

const EMSGSIZE = -90;
/** INET6_IF_NLMSG_SIZE stands for nlmsg_new(inet6_if_nlmsg_size()). */
const INET6_IF_NLMSG_SIZE = 16 + 1024;

/** fillInet6Ifinfo mirrors inet6_fill_ifinfo(). */
export function fillInet6Ifinfo(w: AttrWriter, dev: NetDevice): void {
  w.raw(encodeIfInfoMsg({ family: AF_INET6, type: dev.type, index: dev.ifindex, flags: devGetFlags(dev), change: 0 }));
  w.string(IFLA.IFLA_IFNAME, dev.name);
  if (dev.address.length) w.bytes(IFLA.IFLA_ADDRESS, dev.address);
  w.u32(IFLA.IFLA_MTU, dev.mtu);
  const iflink = devGetIflink(dev);
  if (iflink !== dev.ifindex) w.u32(IFLA.IFLA_LINK, iflink);
  w.u8(IFLA.IFLA_OPERSTATE, running(dev) ? dev.operstate : IF_OPER.IF_OPER_DOWN);
  const n = w.beginNest(IFLA.IFLA_PROTINFO, false);
  fillInet6(w, dev.inet6!, 0);
  w.endNest(n);
}

/** inet6IfinfoNotify mirrors inet6_ifinfo_notify(RTM_NEWLINK): to RTNLGRP_IPV6_IFINFO, seq 0. */
export function inet6IfinfoNotify(ks: KernelSocket, dev: NetDevice): void {
  notify({ ks }, RTM_NEWLINK, 0, RTNLGRP.RTNLGRP_IPV6_IFINFO, (w) => fillInet6Ifinfo(w, dev), INET6_IF_NLMSG_SIZE);
}

/** fail ends a dump round with a KernelError's errno and extack. */
function fail(d: DumpState, e: unknown): number {
  if (!(e instanceof KernelError)) throw e;
  Object.assign(d.extack, e.extack);
  return e.errno;
}

/** registerInet6Ifinfo installs the AF_INET6 RTM_GETLINK dump (addrconf_init()). */
export function registerInet6Ifinfo(rtnl: Rtnetlink, state: NetworkState): void {
  // Measured on 6.18: the AF_INET6 dump coalesces NLMSG_DONE.
  rtnl.register(AF_INET6, RTM_GETLINK, { dumpit: (ctx) => inet6Dump(ctx, state) });
}

/** inet6Dump mirrors inet6_dump_ifinfo() with inet6_valid_dump_ifinfo() for strict requests. */
function inet6Dump(ctx: RequestContext, state: NetworkState): DumpControl {
  const links = state.links(ctx.skb.sock.netns);
  let validated = false;
  return {
    dump: (chunk, d) => {
      if (!validated) {
        validated = true;
        if (d.strictCheck) {
          try {
            const len = d.requestMessage.length - 16;
            if (len < IFINFOMSG_LEN) throw new KernelError('EINVAL', 'ipv6: Invalid header for link dump request');
            if (len > IFINFOMSG_LEN) throw new KernelError('EINVAL', 'ipv6: Invalid data after header');
            const ifm = decodeIfInfoMsg(d.requestMessage, 16);
            if (ifm.pad || ifm.type || ifm.flags || ifm.change || ifm.index) throw new KernelError('EINVAL', 'ipv6: Invalid values in header for dump request');
          } catch (e) {
            return fail(d, e);
          }
        }
      }
      const after = (d.args[0] as number | undefined) ?? 0;
      for (const dev of links.list()) {
        if (dev.ifindex <= after || !dev.inet6) continue;
        if (!chunk.put(RTM_NEWLINK, (w) => fillInet6Ifinfo(w, dev))) return chunk.length ? chunk.length : EMSGSIZE;
        d.args[0] = dev.ifindex;
      }
      return 0;
    },
  };
}
