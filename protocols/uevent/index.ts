/**
 * NETLINK_KOBJECT_UEVENT: device events. The kernel multicasts each uevent to group 1 as
 * "ACTION@DEVPATH" followed by KEY=VALUE strings (no netlink header); udevd re-sends the
 * processed event to group 2 in the libudev format. Root may also inject events by sending
 * them to the kernel, which re-broadcasts them with a SEQNUM (uevent_net_rcv_skb()).
 */
import type { Credentials } from '../../sim/credentials.js';
import { rootCredentials } from '../../sim/credentials.js';
import type { ProtocolHandle, VirtualKernel } from '../../sim/kernel.js';
import type { NetNamespace } from '../../sim/netns.js';
import { requestLoop } from '../../sim/request-loop.js';
import type { SimSocket } from '../../sim/socket.js';
import { NETLINK_KOBJECT_UEVENT, NL_CFG_F_NONROOT_RECV, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { HOST_LE } from '../../sim/wire/header.js';
import { encodeLibudev } from './libudev.js';

/** UEVENT_GROUP_KERNEL is the group kernel uevents go to; UEVENT_GROUP_UDEV is udevd's. */
export const UEVENT_GROUP_KERNEL = 1;
export const UEVENT_GROUP_UDEV = 2;
/** UEVENT_BUFFER_SIZE bounds one uevent, SEQNUM included. */
export const UEVENT_BUFFER_SIZE = 2048;

/** Uevent describes one device event. */
export interface Uevent {
  /** add, remove, change, move, online, offline, bind, unbind. */
  action: string;
  /** The device path below /sys, e.g. "/devices/virtual/net/veth0". */
  devpath: string;
  /** SUBSYSTEM, e.g. "net". */
  subsystem?: string;
  /** Further KEY=VALUE pairs, in order (INTERFACE, IFINDEX, DEVTYPE…). */
  env?: Record<string, string>;
}

/** UeventHandle is the registered protocol with its injection API. */
export interface UeventHandle extends ProtocolHandle {
  /**
   * emit multicasts `event` as the kernel does (kobject_uevent_env()): from port 0 to group 1,
   * "ACTION@DEVPATH\0ACTION=…\0DEVPATH=…\0SUBSYSTEM=…\0…SEQNUM=n\0". Returns the SEQNUM used.
   */
  emit(event: Uevent, options?: { netns?: NetNamespace }): number;
  /**
   * emitUdev multicasts `event` to group 2 in the libudev format, from a udevd socket (root,
   * bound to port `udevdPid`, default 1), as udevd does after processing a kernel event.
   */
  emitUdev(event: Uevent, options?: { netns?: NetNamespace; seqnum?: number; udevdPid?: number }): void;
  /** seqnum is the last SEQNUM handed out (uevent_seqnum, shared by every namespace). */
  readonly seqnum: number;
}

const utf8 = new TextEncoder();
const handles = new WeakMap<VirtualKernel, UeventHandle>();

function properties(event: Uevent, seqnum: number): Record<string, string> {
  const props: Record<string, string> = { ACTION: event.action, DEVPATH: event.devpath };
  if (event.subsystem !== undefined) props.SUBSYSTEM = event.subsystem;
  Object.assign(props, event.env);
  props.SEQNUM = String(seqnum);
  return props;
}

/**
 * registerUevent registers NETLINK_KOBJECT_UEVENT (1 group, raised to 32; anyone may listen)
 * in `kernel`, or returns the existing handle.
 */
export function registerUevent(kernel: VirtualKernel): UeventHandle {
  const existing = handles.get(kernel);
  if (existing) return existing;
  let seqnum = 0;
  const udevd = new Map<NetNamespace, SimSocket>();

  const protocol = kernel.registerProtocol({
    protocol: NETLINK_KOBJECT_UEVENT,
    groups: 1,
    flags: NL_CFG_F_NONROOT_RECV,
    // uevent_net_rcv_skb(): root in the namespace may inject an event; the kernel strips the
    // netlink header, appends SEQNUM and re-broadcasts the rest of the datagram to group 1.
    input: requestLoop((ctx) => {
      if (!ctx.capable('CAP_SYS_ADMIN')) {
        ctx.extack.message = 'missing CAP_SYS_ADMIN capability';
        return 'EPERM';
      }
      const seq = utf8.encode(`SEQNUM=${seqnum + 1}\0`);
      if (ctx.rest.length + seq.length > UEVENT_BUFFER_SIZE) {
        ctx.extack.message = 'uevent message too big';
        return 'EINVAL';
      }
      seqnum++;
      const body = new Uint8Array(ctx.rest.length - 16 + seq.length);
      body.set(ctx.rest.subarray(16));
      body.set(seq, ctx.rest.length - 16);
      // skb_copy_expand() keeps the sender's credentials; only the port id becomes 0.
      // netlink_broadcast()'s ENOBUFS and ESRCH are not the sender's concern here.
      const { pid, uid, gid } = ctx.skb.credentials;
      ctx.kernelSocket.broadcast(body, UEVENT_GROUP_KERNEL, { creds: { pid, uid, gid } });
    }),
  });

  // A udevd of our own per namespace: its port id is its pid, as for the real daemon.
  const udevSocket = (netns: NetNamespace, credentials: Credentials) => {
    let s = udevd.get(netns);
    if (!s) {
      s = kernel.socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT, { netns, credentials });
      s.bind({ pid: credentials.pid, groups: 0 });
      udevd.set(netns, s);
    }
    return s;
  };

  const handle: UeventHandle = {
    ...protocol,
    get seqnum() {
      return seqnum;
    },
    emit(event, options = {}) {
      seqnum++;
      const props = properties(event, seqnum);
      const text = `${event.action}@${event.devpath}\0${Object.entries(props).map(([k, v]) => `${k}=${v}\0`).join('')}`;
      protocol.kernelSocket(options.netns).broadcast(utf8.encode(text), UEVENT_GROUP_KERNEL);
      return seqnum;
    },
    emitUdev(event, options = {}) {
      const netns = options.netns ?? kernel.initNet;
      const props = properties(event, options.seqnum ?? seqnum);
      // udevd's multicast also goes to port 0, where it is not a valid netlink message:
      // the kernel drops it silently (the length check of netlink_rcv_skb()).
      udevSocket(netns, rootCredentials(options.udevdPid ?? 1)).sendto(encodeLibudev(props, HOST_LE), { pid: 0, groups: 1 << (UEVENT_GROUP_UDEV - 1) });
    },
  };
  handles.set(kernel, handle);
  return handle;
}
