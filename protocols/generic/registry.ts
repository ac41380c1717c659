/**
 * The family table of one kernel: genl_fam_idr (ids allocated cyclically) and the global
 * multicast-group bitmap (mc_groups), as genl_register_family() and
 * genl_unregister_family() maintain them. Both are global, not per namespace, as in Linux.
 */
import type { ProtocolHandle, VirtualKernel } from '../../sim/kernel.js';
import { KernelError, NlsimError } from '../../sim/errors.js';
import { setMembership } from '../../sim/membership.js';
import type { NetNamespace } from '../../sim/netns.js';
import { validateOps, type GenlFamily, type GenlFamilyDef } from './family.js';
import { GENL_ID_CTRL, GENL_ID_PMCRAID, GENL_ID_VFS_DQUOT, GENL_MAX_ID, GENL_NAMSIZ, GENL_START_ALLOC } from './uapi.js';

/** BITS_PER_LONG: mc_groups grows by whole longs, and NETLINK_GENERIC's group count with it. */
const BITS_PER_LONG = 64;

/** FamilyEvent is what genl_ctrl_event() announces. */
export type FamilyEvent =
  | { kind: 'NEWFAMILY' | 'DELFAMILY'; family: GenlFamily }
  | { kind: 'NEWMCAST_GRP' | 'DELMCAST_GRP'; family: GenlFamily; group: number };

const utf8 = new TextEncoder();

/** GenlRegistry holds the registered families of one VirtualKernel. */
export class GenlRegistry {
  readonly kernel: VirtualKernel;
  /** The NETLINK_GENERIC protocol, once registered (init_net.genl_sock). */
  protocol: ProtocolHandle | null = null;
  /** genl_ctrl_event(): set by the controller, called after (un)registration once booted. */
  onEvent: ((e: FamilyEvent) => void) | null = null;
  readonly #byId = new Map<number, GenlFamily>();
  /** idr->idr_next of idr_alloc_cyclic(). */
  #idrNext = 0;
  /** mc_groups: bits 0 and 1 (invalid, drop monitor), 16, 17 and 18 (nlctrl, VFS_DQUOT, pmcraid). */
  readonly #mcGroups = new Set<number>([0, 1, GENL_ID_CTRL, GENL_ID_VFS_DQUOT, GENL_ID_PMCRAID]);
  #mcGroupsLongs = 1;

  constructor(kernel: VirtualKernel) {
    this.kernel = kernel;
  }

  /** families lists the registered families in id order (idr_for_each_entry). */
  families(): GenlFamily[] {
    return [...this.#byId.keys()].sort((a, b) => a - b).map((id) => this.#byId.get(id)!);
  }

  /** byId mirrors genl_family_find_byid(). */
  byId(id: number): GenlFamily | undefined {
    return this.#byId.get(id);
  }

  /** byName mirrors genl_family_find_byname(). */
  byName(name: string): GenlFamily | undefined {
    return this.families().find((f) => f.name === name);
  }

  /** visible reports whether `family` exists in `netns` (netnsok or the initial namespace). */
  visible(family: GenlFamily, netns: NetNamespace): boolean {
    return family.netnsok || netns === this.kernel.initNet;
  }

  /** register mirrors genl_register_family(). Throws KernelError (EEXIST, EINVAL, ENOSPC). */
  register(def: GenlFamilyDef): GenlFamily {
    const nameBytes = utf8.encode(def.name);
    if (!nameBytes.length || nameBytes.length >= GENL_NAMSIZ || nameBytes.includes(0)) {
      throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `family name must be 1 to ${GENL_NAMSIZ - 1} bytes without NUL`);
    }
    const draft: GenlFamily = {
      id: 0,
      name: def.name,
      version: def.version ?? 1,
      hdrsize: def.hdrsize ?? 0,
      maxattr: def.maxattr ?? 0,
      policy: def.policy ?? null,
      ops: def.ops ?? [],
      splitOps: def.splitOps ?? [],
      mcgrps: def.mcgrps ?? [],
      mcgrpOffset: 0,
      resvStartOp: def.resvStartOp ?? 0,
      netnsok: def.netnsok ?? true,
    };
    const bad = validateOps(draft);
    if (bad) throw new KernelError(bad, `family ${def.name}: invalid ops`);
    if (this.byName(def.name)) throw new KernelError('EEXIST', `family ${def.name} is already registered`);
    let start: number = GENL_START_ALLOC;
    let end: number = GENL_MAX_ID;
    // Families that once abused the API keep fixed ids (and group ids equal to them).
    if (def.name === 'nlctrl') start = end = GENL_ID_CTRL;
    else if (def.name === 'pmcraid') start = end = GENL_ID_PMCRAID;
    else if (def.name === 'VFS_DQUOT') start = end = GENL_ID_VFS_DQUOT;
    const id = this.#allocId(start, end);
    const family: GenlFamily = { ...draft, id, mcgrpOffset: this.#assignGroups(draft, id) };
    this.#byId.set(id, family);
    if (family.mcgrps.length) this.#growGroups();
    this.onEvent?.({ kind: 'NEWFAMILY', family });
    family.mcgrps.forEach((_g, i) => this.onEvent?.({ kind: 'NEWMCAST_GRP', family, group: i }));
    return family;
  }

  /** unregister mirrors genl_unregister_family(): groups are emptied and announced gone, then the family. */
  unregister(family: GenlFamily): void {
    if (this.#byId.get(family.id) !== family) throw new KernelError('ENOENT');
    for (const ns of this.kernel.namespaces) {
      // __netlink_clear_multicast_users(): members leave without unbind hooks.
      const mcList = ns.protocols[16]?.mcList;
      if (!mcList) continue;
      for (const sk of [...mcList]) {
        for (let i = 0; i < family.mcgrps.length; i++) if (sk.isMember(family.mcgrpOffset + i)) setMembership(sk, family.mcgrpOffset + i, false);
      }
    }
    family.mcgrps.forEach((_g, i) => {
      const id = family.mcgrpOffset + i;
      if (id !== 1) this.#mcGroups.delete(id);
      this.onEvent?.({ kind: 'DELMCAST_GRP', family, group: i });
    });
    this.#byId.delete(family.id);
    this.onEvent?.({ kind: 'DELFAMILY', family });
  }

  /** #allocId mirrors idr_alloc_cyclic(): the first free id from max(idr_next, start), wrapping once. */
  #allocId(start: number, end: number): number {
    const from = Math.max(this.#idrNext, start);
    let id = this.#firstFree(from, end);
    if (id < 0 && from > start) id = this.#firstFree(start, end);
    if (id < 0) throw new KernelError('ENOSPC');
    this.#idrNext = id + 1;
    return id;
  }

  #firstFree(from: number, end: number): number {
    for (let id = from; id <= end; id++) if (!this.#byId.has(id)) return id;
    return -1;
  }

  /** #assignGroups mirrors genl_validate_assign_mc_groups(): returns mcgrp_offset. */
  #assignGroups(family: GenlFamily, id: number): number {
    const n = family.mcgrps.length;
    if (!n) return 0;
    for (const g of family.mcgrps) {
      const len = utf8.encode(g.name).length;
      if (!len || len >= GENL_NAMSIZ) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `group name must be 1 to 15 bytes`);
    }
    const fixed = family.name === 'nlctrl' ? GENL_ID_CTRL : family.name === 'NET_DM' ? 1 : id === GENL_ID_VFS_DQUOT || id === GENL_ID_PMCRAID ? id : 0;
    if (fixed) {
      if (n !== 1) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${family.name} must have exactly one group`);
      return fixed;
    }
    return this.#reserveGroups(n);
  }

  /** #reserveGroups mirrors genl_allocate_reserve_groups(): the first run of `n` free bits, growing the bitmap. */
  #reserveGroups(n: number): number {
    let start = 0;
    for (;;) {
      const size = this.#mcGroupsLongs * BITS_PER_LONG;
      let id = start;
      while (id < size && this.#mcGroups.has(id)) id++;
      let fits = true;
      for (let i = id; i < Math.min(id + n, size); i++) {
        if (this.#mcGroups.has(i)) {
          start = i;
          fits = false;
          break;
        }
      }
      if (id + n > size) this.#mcGroupsLongs += Math.ceil(n / BITS_PER_LONG);
      if (fits) {
        for (let i = id; i < id + n; i++) this.#mcGroups.add(i);
        return id;
      }
    }
  }

  /** #growGroups mirrors netlink_change_ngroups(): NETLINK_GENERIC's group count follows the bitmap. */
  #growGroups(): void {
    const table = this.protocol?.table;
    if (!table) return;
    const groups = this.#mcGroupsLongs * BITS_PER_LONG;
    if (groups > table.groups) table.groups = groups;
  }
}
