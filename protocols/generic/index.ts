/**
 * NETLINK_GENERIC (protocol 16): the generic netlink bus with its controller, nlctrl.
 * registerGeneric() does what genl_init() and genl_pernet_init() do at boot: registers
 * nlctrl (id 0x10, group 16), then the protocol with NL_CFG_F_NONROOT_RECV, genl_rcv() as
 * input and genl_bind() as bind hook. Families defined later are announced on nlctrl's group.
 */
import type { ProtocolHandle, VirtualKernel } from '../../sim/kernel.js';
import type { BindHookContext } from '../../sim/protocol-table.js';
import { requestLoop } from '../../sim/request-loop.js';
import { capable } from '../../sim/credentials.js';
import type { ErrnoName } from '../../sim/uapi/errno.js';
import { NETLINK_GENERIC, NL_CFG_F_NONROOT_RECV } from '../../sim/uapi/netlink.js';
import { controllerDef, ctrlEvent } from './controller.js';
import { genlRcvMsg } from './dispatch.js';
import type { GenlFamily, GenlFamilyDef } from './family.js';
import { genlMessage, genlPayload } from './message.js';
import { GenlRegistry } from './registry.js';
import { GENL_MCAST_CAP_NET_ADMIN, GENL_MCAST_CAP_SYS_ADMIN } from './uapi.js';
import type { GenlMessageBody } from './family.js';
import type { NetNamespace } from '../../sim/netns.js';

export type { GenlDoit, GenlDumpInfo, GenlDumpit, GenlFamily, GenlFamilyDef, GenlInfo, GenlMcastGroupDef, GenlOpDef, GenlSplitOpDef } from './family.js';
export * from './uapi.js';

/** GenericHandle is NETLINK_GENERIC as registered in one kernel. */
export interface GenericHandle {
  readonly protocol: ProtocolHandle;
  /** nlctrl itself. */
  readonly controller: GenlFamily;
  /** defineFamily mirrors genl_register_family(); throws KernelError (EEXIST, EINVAL, ENOSPC). */
  defineFamily(def: GenlFamilyDef): GenlFamily;
  /** unregisterFamily mirrors genl_unregister_family(). */
  unregisterFamily(family: GenlFamily): void;
  /** families lists the registered families in id order. */
  families(): GenlFamily[];
  /**
   * multicast mirrors genlmsg_multicast_netns() (or _allns() without `netns`): sends a
   * message of `family` to its group `group` (an index). Returns 0 or a negative errno.
   */
  multicast(family: GenlFamily, group: number, cmd: number, body: GenlMessageBody, options?: { netns?: NetNamespace }): number;
}

const handles = new WeakMap<VirtualKernel, GenericHandle>();

/** genericHandle returns the handle of `kernel`'s NETLINK_GENERIC, if registered. */
export function genericHandle(kernel: VirtualKernel): GenericHandle | undefined {
  return handles.get(kernel);
}

/** genlBind mirrors genl_bind(): joining a family's group may need a capability; unknown groups are fine. */
function genlBind(registry: GenlRegistry, group: number, context: BindHookContext): ErrnoName | void {
  for (const f of registry.families()) {
    const i = group - f.mcgrpOffset;
    if (!f.mcgrps.length || i < 0 || i >= f.mcgrps.length) continue;
    const flags = f.mcgrps[i]!.flags ?? 0;
    if (flags & GENL_MCAST_CAP_SYS_ADMIN && !capable(context.credentials, 'CAP_SYS_ADMIN')) return 'EPERM';
    if (flags & GENL_MCAST_CAP_NET_ADMIN && !capable(context.credentials, 'CAP_NET_ADMIN')) return 'EPERM';
    return;
  }
}

/**
 * registerGeneric registers NETLINK_GENERIC and nlctrl in `kernel` and returns its handle;
 * on a kernel that has it already (createKernel() loads it at boot) it returns that handle.
 */
export function registerGeneric(kernel: VirtualKernel): GenericHandle {
  const existing = handles.get(kernel);
  if (existing) return existing;
  const registry = new GenlRegistry(kernel);
  // genl_init(): nlctrl first, before the kernel socket exists, so no event and no group growth.
  const controller = registry.register(controllerDef(registry));
  const protocol = kernel.registerProtocol({
    protocol: NETLINK_GENERIC,
    flags: NL_CFG_F_NONROOT_RECV,
    input: requestLoop(genlRcvMsg(registry)),
    bind: (group, context) => genlBind(registry, group, context),
  });
  registry.protocol = protocol;
  registry.onEvent = (e) => ctrlEvent(registry, e, controller);
  const handle: GenericHandle = {
    protocol,
    controller,
    defineFamily: (def) => registry.register(def),
    unregisterFamily: (family) => registry.unregister(family),
    families: () => registry.families(),
    multicast(family, group, cmd, body, options = {}) {
      if (!Number.isInteger(group) || group < 0 || group >= family.mcgrps.length) return -22;
      const msg = genlMessage(family.id, 0, 0, 0, genlPayload(family, cmd, body));
      const spaces = options.netns ? [options.netns] : kernel.namespaces;
      let delivered = false;
      let err = 0;
      for (const ns of spaces) {
        const r = protocol.kernelSocket(ns).broadcast(msg, family.mcgrpOffset + group);
        if (r === 0) delivered = true;
        else if (r !== -3) err = r;
      }
      // genlmsg_mcast(): ESRCH only when no namespace had a listener.
      return err || (delivered ? 0 : -3);
    },
  };
  handles.set(kernel, handle);
  return handle;
}
