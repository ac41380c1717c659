/**
 * nlctrl, the generic netlink controller (family 0x10): CTRL_CMD_GETFAMILY (do and dump),
 * CTRL_CMD_GETPOLICY (dump), and the NEWFAMILY/DELFAMILY/NEWMCAST_GRP/DELMCAST_GRP events
 * on its "notify" group. Mirrors the controller half of net/netlink/genetlink.c.
 */
import type { DumpChunk } from '../../sim/dump.js';
import { KernelError } from '../../sim/errors.js';
import { AttrWriter } from '../../sim/wire/attr-writer.js';
import { NLA, type Policy } from '../../sim/wire/policy.js';
import { getCmd, opIter, type GenlDumpInfo, type GenlFamily, type GenlFamilyDef, type GenlInfo, type OpIterEntry, type SplitOp } from './family.js';
import { genlBody, genlMessage, genlPayload, NLMSG_DEFAULT_SIZE_ALLOC } from './message.js';
import { PolicyDumpState } from './policy-dump.js';
import type { FamilyEvent, GenlRegistry } from './registry.js';
import {
  CTRL_ATTR,
  CTRL_ATTR_MCAST_GRP,
  CTRL_ATTR_OP_,
  CTRL_ATTR_POLICY_,
  CTRL_CMD,
  GENL_CMD_CAP_DO,
  GENL_CMD_CAP_DUMP,
  GENL_CMD_CAP_HASPOL,
  GENL_DONT_VALIDATE_DUMP,
  GENL_DONT_VALIDATE_STRICT,
  GENL_ID_CTRL,
  GENL_NAMSIZ,
} from './uapi.js';

const { CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_OP } = CTRL_ATTR;

/** ctrl_policy_family: GETFAMILY's policy. */
const POLICY_FAMILY: Policy = [
  undefined,
  { type: NLA.NLA_U16 },
  { type: NLA.NLA_NUL_STRING, len: GENL_NAMSIZ - 1 },
];

/** ctrl_policy_policy: GETPOLICY's policy. */
const POLICY_POLICY: Policy = Object.assign(new Array(CTRL_ATTR_OP + 1).fill(undefined), {
  [CTRL_ATTR_FAMILY_ID]: { type: NLA.NLA_U16 },
  [CTRL_ATTR_FAMILY_NAME]: { type: NLA.NLA_NUL_STRING, len: GENL_NAMSIZ - 1 },
  [CTRL_ATTR_OP]: { type: NLA.NLA_U32 },
});

/**
 * Encoded descriptions: a registered family never changes, and building the description (an
 * op walk and a dozen attributes) dominated a GETFAMILY round trip in the bench profile.
 */
const described = new WeakMap<GenlFamily, Uint8Array>();

/** fillInfo mirrors ctrl_fill_info(): a family's description, attribute by attribute. */
export function fillInfo(w: AttrWriter, family: GenlFamily): void {
  let bytes = described.get(family);
  if (!bytes) {
    const tmp = new AttrWriter();
    writeInfo(tmp, family);
    bytes = tmp.finish();
    described.set(family, bytes);
  }
  // Every attribute was padded when written, so the bytes append as they are.
  w.raw(bytes);
}

function writeInfo(w: AttrWriter, family: GenlFamily): void {
  w.string(CTRL_ATTR_FAMILY_NAME, family.name);
  w.u16(CTRL_ATTR_FAMILY_ID, family.id);
  w.u32(CTRL_ATTR.CTRL_ATTR_VERSION, family.version);
  w.u32(CTRL_ATTR.CTRL_ATTR_HDRSIZE, family.hdrsize);
  w.u32(CTRL_ATTR.CTRL_ATTR_MAXATTR, family.maxattr);
  const ops = [...opIter(family)];
  if (ops.length) {
    // nla_nest_start_noflag(): these nests carry no NLA_F_NESTED.
    const nest = w.beginNest(CTRL_ATTR.CTRL_ATTR_OPS, false);
    ops.forEach((op, i) => {
      const entry = w.beginNest(i + 1, false);
      w.u32(CTRL_ATTR_OP_.CTRL_ATTR_OP_ID, op.cmd);
      w.u32(CTRL_ATTR_OP_.CTRL_ATTR_OP_FLAGS, op.flags | (op.doit.policy || op.dumpit.policy ? GENL_CMD_CAP_HASPOL : 0));
      w.endNest(entry);
    });
    w.endNest(nest);
  }
  if (family.mcgrps.length) {
    const nest = w.beginNest(CTRL_ATTR.CTRL_ATTR_MCAST_GROUPS, false);
    family.mcgrps.forEach((g, i) => writeGroup(w, i + 1, family.mcgrpOffset + i, g.name));
    w.endNest(nest);
  }
}

function writeGroup(w: AttrWriter, index: number, id: number, name: string): void {
  const entry = w.beginNest(index, false);
  w.u32(CTRL_ATTR_MCAST_GRP.CTRL_ATTR_MCAST_GRP_ID, id);
  w.string(CTRL_ATTR_MCAST_GRP.CTRL_ATTR_MCAST_GRP_NAME, name);
  w.endNest(entry);
}

/** fillGroupInfo mirrors ctrl_fill_mcgrp_info(): the family and one of its groups. */
function fillGroupInfo(w: AttrWriter, family: GenlFamily, group: number): void {
  w.string(CTRL_ATTR_FAMILY_NAME, family.name);
  w.u16(CTRL_ATTR_FAMILY_ID, family.id);
  const nest = w.beginNest(CTRL_ATTR.CTRL_ATTR_MCAST_GROUPS, false);
  writeGroup(w, 1, family.mcgrpOffset + group, family.mcgrps[group]!.name);
  w.endNest(nest);
}

/** controllerDef builds genl_ctrl: three split ops, one group, resv_start_op GETPOLICY + 1. */
export function controllerDef(registry: GenlRegistry): GenlFamilyDef {
  const ctrl = { version: 2, hdrsize: 0 };
  return {
    name: 'nlctrl',
    version: 2,
    netnsok: true,
    resvStartOp: CTRL_CMD.CTRL_CMD_GETPOLICY + 1,
    mcgrps: [{ name: 'notify' }],
    splitOps: [
      {
        cmd: CTRL_CMD.CTRL_CMD_GETFAMILY,
        flags: GENL_CMD_CAP_DO,
        validate: GENL_DONT_VALIDATE_STRICT,
        policy: POLICY_FAMILY,
        maxattr: 2,
        doit: (info) => getFamily(registry, info),
      },
      {
        cmd: CTRL_CMD.CTRL_CMD_GETFAMILY,
        flags: GENL_CMD_CAP_DUMP,
        validate: GENL_DONT_VALIDATE_DUMP,
        policy: POLICY_FAMILY,
        maxattr: 2,
        dumpit: (chunk, info) => {
          // ctrl_dumpfamily(): families visible here, in id order, resuming after cb->args[0].
          const netns = info.dump.sk.netns;
          const skip = (info.cursor.n as number | undefined) ?? 0;
          let n = 0;
          for (const f of registry.families()) {
            if (!registry.visible(f, netns)) continue;
            if (n++ < skip) continue;
            if (!info.put(chunk, CTRL_CMD.CTRL_CMD_NEWFAMILY, (w) => fillInfo(w, f))) {
              info.cursor.n = n - 1;
              return chunk.length;
            }
          }
          info.cursor.n = n;
          return 0;
        },
      },
      {
        cmd: CTRL_CMD.CTRL_CMD_GETPOLICY,
        flags: GENL_CMD_CAP_DUMP,
        policy: POLICY_POLICY,
        maxattr: CTRL_ATTR_OP,
        start: (info) => dumpPolicyStart(registry, info),
        dumpit: (chunk, info) => dumpPolicy(chunk, info, ctrl),
      },
    ],
  };
}

/** getFamily mirrors ctrl_getfamily(): by id, then by name (which wins). */
function getFamily(registry: GenlRegistry, info: GenlInfo): number | void {
  let res: GenlFamily | undefined;
  let err: 'EINVAL' | 'ENOENT' = 'EINVAL';
  const id = info.attrs[CTRL_ATTR_FAMILY_ID];
  const name = info.attrs[CTRL_ATTR_FAMILY_NAME];
  if (id) {
    res = registry.byId(id.u16());
    err = 'ENOENT';
  }
  if (name) {
    res = registry.byName(name.string());
    err = 'ENOENT';
  }
  if (!res) throw new KernelError(err);
  if (!registry.visible(res, info.ctx.kernelSocket.netns)) throw new KernelError('ENOENT');
  const family = res;
  return info.reply(CTRL_CMD.CTRL_CMD_NEWFAMILY, (w) => fillInfo(w, family), { allocSize: NLMSG_DEFAULT_SIZE_ALLOC });
}

interface PolicyCursor {
  state: PolicyDumpState;
  famId: number;
  /** The per-op index entries still to write (dump_map), in order. */
  ops: { doit: SplitOp | null; dumpit: SplitOp | null }[];
}

/** dumpPolicyStart mirrors ctrl_dumppolicy_start(). */
function dumpPolicyStart(registry: GenlRegistry, info: GenlDumpInfo): void {
  const tb = info.attrs;
  const idAttr = tb[CTRL_ATTR_FAMILY_ID];
  const nameAttr = tb[CTRL_ATTR_FAMILY_NAME];
  if (!idAttr && !nameAttr) throw new KernelError('EINVAL');
  let famId: number;
  if (idAttr) famId = idAttr.u16();
  else {
    const f = registry.byName(nameAttr!.string());
    if (!f) throw new KernelError('ENOENT');
    famId = f.id;
  }
  const rt = registry.byId(famId);
  if (!rt) throw new KernelError('ENOENT');
  const state = new PolicyDumpState();
  const opAttr = tb[CTRL_ATTR_OP];
  let ops: PolicyCursor['ops'];
  if (opAttr) {
    // genl_get_cmd_both(): either half is enough.
    const cmd = opAttr.u32();
    const doit = getCmd(rt, cmd, GENL_CMD_CAP_DO);
    const dumpit = getCmd(rt, cmd, GENL_CMD_CAP_DUMP);
    if (!doit && !dumpit) throw new KernelError('ENOENT', { offset: opAttr.offset });
    state.add(doit?.policy ?? null, doit?.maxattr ?? 0);
    state.add(dumpit?.policy ?? null, dumpit?.maxattr ?? 0);
    ops = [{ doit, dumpit }];
  } else {
    const all: OpIterEntry[] = [...opIter(rt)];
    for (const e of all) {
      state.add(e.doit.policy, e.doit.maxattr);
      state.add(e.dumpit.policy, e.dumpit.maxattr);
    }
    ops = all.map((e) => ({ doit: e.doit, dumpit: e.dumpit }));
  }
  if (state.empty) throw new KernelError('ENODATA');
  const cursor: PolicyCursor = { state, famId, ops };
  info.cursor.policy = cursor;
}

/** dumpPolicy mirrors ctrl_dumppolicy(): the per-op index messages, then one message per attribute. */
function dumpPolicy(chunk: DumpChunk, info: GenlDumpInfo, ctrl: { version: number; hdrsize: number }): number {
  const c = info.cursor.policy as PolicyCursor;
  const put = (body: (w: AttrWriter) => void) => chunk.put(GENL_ID_CTRL, genlBody(ctrl, CTRL_CMD.CTRL_CMD_GETPOLICY, body));
  while (c.ops.length) {
    const { doit, dumpit } = c.ops[0]!;
    // ctrl_dumppolicy_put_op(): nothing to show without a policy.
    if (doit?.policy || dumpit?.policy) {
      const ok = put((w) => {
        w.u16(CTRL_ATTR_FAMILY_ID, c.famId);
        const pol = w.beginNest(CTRL_ATTR.CTRL_ATTR_OP_POLICY);
        // The nest is named after the *do* op's cmd: 0 for a dump-only command, as Linux does.
        const op = w.beginNest(doit?.cmd ?? 0);
        if (doit?.policy) w.u32(CTRL_ATTR_POLICY_.CTRL_ATTR_POLICY_DO, c.state.indexOf(doit.policy, doit.maxattr));
        if (dumpit?.policy) w.u32(CTRL_ATTR_POLICY_.CTRL_ATTR_POLICY_DUMP, c.state.indexOf(dumpit.policy, dumpit.maxattr));
        w.endNest(op);
        w.endNest(pol);
      });
      if (!ok) return chunk.length;
    }
    c.ops.shift();
  }
  while (c.state.more()) {
    const mark = c.state.mark();
    let written = false;
    const body = (w: AttrWriter) => {
      w.u16(CTRL_ATTR_FAMILY_ID, c.famId);
      const nest = w.beginNest(CTRL_ATTR.CTRL_ATTR_POLICY);
      written = c.state.write(w);
      w.endNest(nest);
    };
    const payload = genlPayload(ctrl, CTRL_CMD.CTRL_CMD_GETPOLICY, body);
    // A walk that found nothing more to describe cancels its message (genlmsg_cancel()).
    if (!written) return chunk.length;
    if (!chunk.put(GENL_ID_CTRL, payload)) {
      c.state.reset(mark);
      return chunk.length;
    }
  }
  return chunk.length;
}

/** ctrlEvent mirrors genl_ctrl_event(): one message to nlctrl's group in every namespace that sees the family. */
export function ctrlEvent(registry: GenlRegistry, e: FamilyEvent, ctrl: GenlFamily): void {
  const proto = registry.protocol;
  if (!proto) return;
  const cmd = CTRL_CMD[`CTRL_CMD_${e.kind}`];
  const body = 'group' in e ? (w: AttrWriter) => fillGroupInfo(w, e.family, e.group) : (w: AttrWriter) => fillInfo(w, e.family);
  const msg = genlMessage(GENL_ID_CTRL, 0, 0, 0, genlPayload(ctrl, cmd, body));
  for (const ns of registry.kernel.namespaces) {
    if (!registry.visible(e.family, ns)) continue;
    proto.kernelSocket(ns).broadcast(msg, ctrl.mcgrpOffset, { allocSize: NLMSG_DEFAULT_SIZE_ALLOC });
  }
}
