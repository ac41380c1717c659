/**
 * DEV_IOCTL: a device ioctl a program made on one of its sockets (any family), answered by
 * the virtual kernel's devices (protocols/route/core/dev-ioctl.ts) and laid out as
 * native/preload/nlsim-bridge.h says for the shim to copy back.
 */
import type { Credentials } from '../sim/credentials.js';
import type { VirtualKernel } from '../sim/kernel.js';
import type { NetNamespace } from '../sim/netns.js';
import { HOST_LE, viewOf } from '../sim/wire/header.js';
import { devIoctl, listDevices, SIOC } from '../protocols/route/index.js';
import { PROTOCOL_ERROR, type CallResult } from './bridge-calls.js';
import { decodeDevIoctlBody, DEV_IOCTL_NULL_BUF, DEV_IOCTL_VERSION, DEV_LIST } from './bridge-protocol.js';

const EMPTY = new Uint8Array(0);

/** performDevIoctl answers one DEV_IOCTL request body for a caller with `credentials` in `netns`. */
export function performDevIoctl(kernel: VirtualKernel, netns: NetNamespace, credentials: Credentials, body: Uint8Array): CallResult {
  const req = decodeDevIoctlBody(body);
  if (!req || req.version !== DEV_IOCTL_VERSION) return PROTOCOL_ERROR;
  if (req.cmd === DEV_LIST) return { result: 0, body: listDevices(kernel, netns) };
  const r = devIoctl(kernel, {
    cmd: req.cmd,
    family: req.family,
    ifr: req.ifr,
    ifcLen: req.ifcLen,
    ifcNull: (req.flags & DEV_IOCTL_NULL_BUF) !== 0,
    credentials,
    netns,
  });
  if (req.cmd === SIOC.SIOCGIFCONF && r.result >= 0) {
    const records = r.records ?? EMPTY;
    const out = new Uint8Array(4 + records.length);
    viewOf(out).setInt32(0, r.ifcLen ?? 0, HOST_LE);
    out.set(records, 4);
    return { result: r.result, body: out };
  }
  return { result: r.result, body: r.result >= 0 && r.ifr ? r.ifr : EMPTY };
}
