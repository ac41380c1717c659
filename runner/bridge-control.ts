/**
 * Control requests: what a tool (not a program under the shim) asks of the kernel a bridge
 * server hosts. So far one: UEVENT, which injects a device event as the kernel's
 * kobject_uevent() or as udevd would send it (`nlsim uevent`).
 *
 * Who may ask: anyone who can connect to the server's socket. The server accepts control
 * requests only when that socket sits in a directory of mode 0700 owned by the server's
 * user (see bridge-host.ts), so connecting already proves being that user.
 */
import { errnoNumber } from '../sim/uapi/errno.js';
import type { VirtualKernel } from '../sim/kernel.js';
import { NETLINK_KOBJECT_UEVENT } from '../sim/uapi/netlink.js';
import { registerUevent, UEVENT_BUFFER_SIZE, type Uevent } from '../protocols/uevent/index.js';
import type { CallResult } from './bridge-calls.js';
import { BRIDGE_UEVENT_UDEV } from './bridge-protocol.js';

const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();

function failure(code: Parameters<typeof errnoNumber>[0]): CallResult {
  return { result: -errnoNumber(code), body: EMPTY };
}

/**
 * encodeUeventRequest lays out a UEVENT body: NUL-terminated KEY=VALUE strings, ACTION,
 * DEVPATH and SUBSYSTEM first, then `env` in order.
 */
export function encodeUeventRequest(event: Uevent): Uint8Array {
  const props: [string, string][] = [
    ['ACTION', event.action],
    ['DEVPATH', event.devpath],
  ];
  if (event.subsystem !== undefined) props.push(['SUBSYSTEM', event.subsystem]);
  props.push(...Object.entries(event.env ?? {}));
  return utf8.encode(props.map(([k, v]) => `${k}=${v}\0`).join(''));
}

/** decodeUeventRequest reads a UEVENT body back, or returns undefined without ACTION and DEVPATH. */
export function decodeUeventRequest(body: Uint8Array): Uevent | undefined {
  const text = new TextDecoder().decode(body);
  if (!text.endsWith('\0')) return undefined;
  const env: Record<string, string> = {};
  let action: string | undefined;
  let devpath: string | undefined;
  let subsystem: string | undefined;
  for (const s of text.slice(0, -1).split('\0')) {
    const eq = s.indexOf('=');
    if (eq <= 0) return undefined;
    const [key, value] = [s.slice(0, eq), s.slice(eq + 1)];
    if (key === 'ACTION') action = value;
    else if (key === 'DEVPATH') devpath = value;
    else if (key === 'SUBSYSTEM') subsystem = value;
    else env[key] = value;
  }
  if (!action || !devpath) return undefined;
  return { action, devpath, ...(subsystem === undefined ? {} : { subsystem }), env };
}

/**
 * performUevent injects the event of a UEVENT request into `kernel`'s initial namespace and
 * answers its SEQNUM: EPROTONOSUPPORT without NETLINK_KOBJECT_UEVENT, EINVAL for a body
 * without ACTION and DEVPATH, ENOMEM for an event larger than the kernel's uevent buffer
 * (add_uevent_var() fails so).
 */
export function performUevent(kernel: VirtualKernel, flags: number, body: Uint8Array): CallResult {
  if (!kernel.table(NETLINK_KOBJECT_UEVENT)) return failure('EPROTONOSUPPORT');
  const event = decodeUeventRequest(body);
  if (!event) return failure('EINVAL');
  // The text is ACTION@DEVPATH plus the properties and a SEQNUM of at most 20 digits.
  if (body.length + event.action.length + event.devpath.length + 2 + 28 > UEVENT_BUFFER_SIZE) return failure('ENOMEM');
  const uevents = registerUevent(kernel);
  if (flags & BRIDGE_UEVENT_UDEV) {
    uevents.emitUdev(event);
    return { result: uevents.seqnum, body: EMPTY };
  }
  return { result: uevents.emit(event), body: EMPTY };
}
