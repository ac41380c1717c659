/**
 * NETLINK_GENERIC: genlmsghdr, family names learned from nlctrl's replies earlier in the
 * capture (ids are allocated at run time, so a capture names its families only there), and
 * nlctrl's own commands and attributes (include/uapi/linux/genetlink.h, netlink.h for policies).
 */
import { CTRL_ATTR, CTRL_ATTR_MCAST_GRP, CTRL_ATTR_OP_, CTRL_ATTR_POLICY_, CTRL_CMD, GENL_ID_CTRL, GENL_OP_FLAG } from '../../protocols/generic/uapi.js';
import type { Bytes } from './bytes.js';
import { type BodySchema, type DecodeContext, invert, kindFromName, type ProtocolDecoder } from './family.js';
import type { AttrNode, MessageNode } from './model.js';
import { NL_POLICY_TYPE_ATTR } from '../../sim/wire/policy.js';
import { type AttrSet, attrSet, indexed } from './schema.js';

/** NL_ATTR_TYPE names enum netlink_attribute_type. */
const NL_ATTR_TYPE_NAMES: Record<number, string> = {
  0: 'NL_ATTR_TYPE_INVALID', 1: 'NL_ATTR_TYPE_FLAG', 2: 'NL_ATTR_TYPE_U8', 3: 'NL_ATTR_TYPE_U16', 4: 'NL_ATTR_TYPE_U32', 5: 'NL_ATTR_TYPE_U64',
  6: 'NL_ATTR_TYPE_S8', 7: 'NL_ATTR_TYPE_S16', 8: 'NL_ATTR_TYPE_S32', 9: 'NL_ATTR_TYPE_S64', 10: 'NL_ATTR_TYPE_BINARY', 11: 'NL_ATTR_TYPE_STRING',
  12: 'NL_ATTR_TYPE_NUL_STRING', 13: 'NL_ATTR_TYPE_NESTED', 14: 'NL_ATTR_TYPE_NESTED_ARRAY', 15: 'NL_ATTR_TYPE_BITFIELD32', 16: 'NL_ATTR_TYPE_SINT', 17: 'NL_ATTR_TYPE_UINT',
};

/** POLICY_TYPE_ATTRS decodes one policy entry; NLMSGERR_ATTR_POLICY uses it too. */
export const POLICY_TYPE_ATTRS: AttrSet = attrSet('nl_policy_type_attr', NL_POLICY_TYPE_ATTR, {
  NL_POLICY_TYPE_ATTR_TYPE: { kind: 'u32', enumNames: NL_ATTR_TYPE_NAMES },
  NL_POLICY_TYPE_ATTR_MIN_VALUE_S: 's64',
  NL_POLICY_TYPE_ATTR_MAX_VALUE_S: 's64',
  NL_POLICY_TYPE_ATTR_MIN_VALUE_U: 'u64',
  NL_POLICY_TYPE_ATTR_MAX_VALUE_U: 'u64',
  NL_POLICY_TYPE_ATTR_MIN_LENGTH: 'u32',
  NL_POLICY_TYPE_ATTR_MAX_LENGTH: 'u32',
  NL_POLICY_TYPE_ATTR_POLICY_IDX: 'u32',
  NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE: 'u32',
  NL_POLICY_TYPE_ATTR_BITFIELD32_MASK: 'u32',
  NL_POLICY_TYPE_ATTR_MASK: 'u64',
});

const OP_FLAG_NAMES = invert(GENL_OP_FLAG);

/** CTRL_ATTRS is nlctrl's attribute set. */
export const CTRL_ATTRS: AttrSet = attrSet('ctrl_attr', CTRL_ATTR, {
  CTRL_ATTR_FAMILY_ID: 'u16',
  CTRL_ATTR_FAMILY_NAME: 'string',
  CTRL_ATTR_VERSION: 'u32',
  CTRL_ATTR_HDRSIZE: 'u32',
  CTRL_ATTR_MAXATTR: 'u32',
  CTRL_ATTR_OPS: { kind: { nest: indexed('ctrl_ops', { kind: { nest: attrSet('ctrl_attr_op', CTRL_ATTR_OP_, { CTRL_ATTR_OP_ID: 'u32', CTRL_ATTR_OP_FLAGS: { kind: 'u32', bitNames: OP_FLAG_NAMES } }) } }) } },
  CTRL_ATTR_MCAST_GROUPS: { kind: { nest: indexed('ctrl_mcast_groups', { kind: { nest: attrSet('ctrl_attr_mcast_grp', CTRL_ATTR_MCAST_GRP, { CTRL_ATTR_MCAST_GRP_NAME: 'string', CTRL_ATTR_MCAST_GRP_ID: 'u32' }) } }) } },
  CTRL_ATTR_POLICY: { kind: { nest: indexed('ctrl_policy', { kind: { nest: indexed('ctrl_policy_attrs', { kind: { nest: POLICY_TYPE_ATTRS } }) } }) } },
  CTRL_ATTR_OP_POLICY: { kind: { nest: indexed('ctrl_op_policy', { kind: { nest: attrSet('ctrl_attr_policy', CTRL_ATTR_POLICY_, { CTRL_ATTR_POLICY_DO: 'u32', CTRL_ATTR_POLICY_DUMP: 'u32' }) } }) } },
  CTRL_ATTR_OP: 'u32',
});

const CTRL_CMD_NAMES = invert(CTRL_CMD);

/** GENLMSGHDR is struct genlmsghdr. */
const GENLMSGHDR = { struct: { name: 'genlmsghdr', fields: [['cmd', 'u8'], ['version', 'u8'], ['reserved', 'u16']] as const } };

/** genlCmdName names a command of a family, where the family is known to this decoder. */
function genlCmdName(type: number, cmd: number): string | undefined {
  return type === GENL_ID_CTRL ? CTRL_CMD_NAMES[cmd] : undefined;
}

/** genericDecoder decodes NETLINK_GENERIC messages. */
export const genericDecoder: ProtocolDecoder = {
  typeName(type: number, ctx: DecodeContext) {
    const name = ctx.genlFamilies.get(type);
    return name === undefined ? undefined : name;
  },
  kind(type: number, _ctx, b: Bytes, payload: number, end: number) {
    if (end - payload < 1) return undefined;
    return kindFromName(genlCmdName(type, b.u8(payload)));
  },
  body(type: number): BodySchema {
    const header = {
      ...GENLMSGHDR,
      texts: { cmd: (v: number) => genlCmdName(type, v) },
    };
    return type === GENL_ID_CTRL ? { header, attrs: CTRL_ATTRS } : { header };
  },
  learn(msg: MessageNode, ctx: DecodeContext) {
    if (msg.header.type !== GENL_ID_CTRL || !msg.attrs) return;
    const id = msg.attrs.find((a: AttrNode) => a.type === CTRL_ATTR.CTRL_ATTR_FAMILY_ID)?.value;
    const name = msg.attrs.find((a: AttrNode) => a.type === CTRL_ATTR.CTRL_ATTR_FAMILY_NAME)?.value;
    if (typeof id === 'number' && typeof name === 'string') ctx.genlFamilies.set(id, name);
  },
};
