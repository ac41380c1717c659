/**
 * Device creation: rtnl_create_link() (a new device from a kind and the request's IFLA
 * attributes) and rtnl_newlink_create() (newlink, rtnl_configure_link, IFLA_MASTER).
 */
import { KernelError } from '../../../sim/errors.js';
import type { AttrView } from '../../../sim/wire/policy.js';
import { createEtherDevice, type NetDevice } from './device.js';
import type { IfInfoMsg } from './ifinfomsg.js';
import type { LinkKind } from './link-kind.js';
import type { NetOps } from './netdev.js';
import type { Requester } from './rtnl-notify.js';
import { IFLA } from './uapi.js';

type Tb = readonly (AttrView | undefined)[];

/** MAX_QUEUES bounds IFLA_NUM_TX_QUEUES / IFLA_NUM_RX_QUEUES (4096 on 6.18). */
const MAX_QUEUES = 4096;

/** validateMtu mirrors dev_validate_mtu(). */
export function validateMtu(dev: NetDevice, mtu: number): void {
  if (mtu < dev.minMtu) throw new KernelError('EINVAL', 'mtu less than device minimum');
  if (dev.maxMtu > 0 && mtu > dev.maxMtu) throw new KernelError('EINVAL', 'mtu greater than device maximum');
}

/** createLink mirrors rtnl_create_link(): allocate, run the kind's setup, apply the attributes. */
export function createLink(net: NetOps, kind: LinkKind, name: string, tb: Tb): NetDevice {
  const dev = createEtherDevice(name, kind, net.options);
  kind.setup(dev, net);
  if (tb[IFLA.IFLA_NUM_TX_QUEUES]) dev.numTxQueues = tb[IFLA.IFLA_NUM_TX_QUEUES]!.u32();
  if (tb[IFLA.IFLA_NUM_RX_QUEUES]) dev.numRxQueues = tb[IFLA.IFLA_NUM_RX_QUEUES]!.u32();
  if (dev.numTxQueues < 1 || dev.numTxQueues > MAX_QUEUES) throw new KernelError('EINVAL', 'Invalid number of transmit queues');
  if (dev.numRxQueues < 1 || dev.numRxQueues > MAX_QUEUES) throw new KernelError('EINVAL', 'Invalid number of receive queues');
  if (tb[IFLA.IFLA_MTU]) {
    const mtu = tb[IFLA.IFLA_MTU]!.u32() | 0;
    validateMtu(dev, mtu);
    dev.mtu = mtu;
  }
  if (tb[IFLA.IFLA_ADDRESS]) dev.address = fixedCopy(tb[IFLA.IFLA_ADDRESS]!.payload, dev.address.length);
  if (tb[IFLA.IFLA_BROADCAST]) dev.broadcast = fixedCopy(tb[IFLA.IFLA_BROADCAST]!.payload, dev.broadcast.length, dev.broadcast);
  if (tb[IFLA.IFLA_TXQLEN]) dev.txqlen = tb[IFLA.IFLA_TXQLEN]!.u32();
  if (tb[IFLA.IFLA_LINKMODE]) dev.linkmode = tb[IFLA.IFLA_LINKMODE]!.u8();
  if (tb[IFLA.IFLA_GROUP]) dev.group = tb[IFLA.IFLA_GROUP]!.u32();
  if (tb[IFLA.IFLA_GSO_MAX_SIZE]) dev.gsoMaxSize = tb[IFLA.IFLA_GSO_MAX_SIZE]!.u32();
  if (tb[IFLA.IFLA_GSO_MAX_SEGS]) dev.gsoMaxSegs = tb[IFLA.IFLA_GSO_MAX_SEGS]!.u32();
  if (tb[IFLA.IFLA_GRO_MAX_SIZE]) dev.groMaxSize = tb[IFLA.IFLA_GRO_MAX_SIZE]!.u32();
  return dev;
}

/** fixedCopy copies what fits of `src` into an array of `len` bytes (memcpy into dev_addr[]). */
function fixedCopy(src: Uint8Array, len: number, base?: Uint8Array): Uint8Array {
  const out = base ? base.slice() : new Uint8Array(len);
  out.set(src.subarray(0, len));
  return out;
}

/** NewLinkCreate are rtnl_newlink_create()'s inputs. */
export interface NewLinkCreate {
  readonly kind: LinkKind;
  readonly ifm: IfInfoMsg;
  readonly tb: Tb;
  readonly data: Tb;
  readonly message: Uint8Array;
  readonly req: Requester;
  /** do_set_master() for IFLA_MASTER after the device is configured. */
  readonly setMaster: (dev: NetDevice, ifindex: number) => void;
}

/**
 * newLinkCreate mirrors rtnl_newlink_create(): the name (IFLA_IFNAME or "<kind>%d"), the
 * requested ifindex, the kind's newlink (register_netdevice() by default), then
 * rtnl_configure_link() with the requester's seq and port id, then IFLA_MASTER.
 */
export function newLinkCreate(net: NetOps, c: NewLinkCreate): NetDevice {
  const name = c.tb[IFLA.IFLA_IFNAME] ? c.tb[IFLA.IFLA_IFNAME]!.string() : `${c.kind.kind}%d`;
  const dev = createLink(net, c.kind, name, c.tb);
  dev.ifindex = c.ifm.index > 0 ? c.ifm.index : 0;
  if (c.kind.newlink) c.kind.newlink({ dev, tb: c.tb, data: c.data, message: c.message }, net);
  else net.register(dev);
  try {
    net.configure(dev, c.ifm, c.req);
  } catch (e) {
    net.unregisterMany(c.kind.dellink ? c.kind.dellink(dev, net) : [dev]);
    throw e;
  }
  if (c.tb[IFLA.IFLA_MASTER]) {
    try {
      c.setMaster(dev, c.tb[IFLA.IFLA_MASTER]!.u32());
    } catch (e) {
      // out_unregister: the new device goes again.
      net.unregisterMany(c.kind.dellink ? c.kind.dellink(dev, net) : [dev]);
      throw e;
    }
  }
  return dev;
}
