/**
 * Constants of include/uapi/linux/genetlink.h and include/net/genetlink.h, spelled as the
 * kernel spells them.
 */

/** GENL_HDRLEN is sizeof(struct genlmsghdr): cmd, version, reserved. */
export const GENL_HDRLEN = 4;
/** GENL_NAMSIZ is the size of a family or group name, NUL included. */
export const GENL_NAMSIZ = 16;

/** GENL_ID holds the reserved family ids and the allocation bounds. */
export const GENL_ID = {
  GENL_ID_CTRL: 0x10,
  GENL_ID_VFS_DQUOT: 0x11,
  GENL_ID_PMCRAID: 0x12,
  /** GENL_START_ALLOC: the first id idr_alloc_cyclic() hands out. */
  GENL_START_ALLOC: 0x13,
  GENL_MAX_ID: 1023,
} as const;
export const { GENL_ID_CTRL, GENL_ID_VFS_DQUOT, GENL_ID_PMCRAID, GENL_START_ALLOC, GENL_MAX_ID } = GENL_ID;

/** GENL_OP_FLAG holds genl_ops.flags and the capability bits nlctrl reports. */
export const GENL_OP_FLAG = {
  GENL_ADMIN_PERM: 0x01,
  GENL_CMD_CAP_DO: 0x02,
  GENL_CMD_CAP_DUMP: 0x04,
  GENL_CMD_CAP_HASPOL: 0x08,
  GENL_UNS_ADMIN_PERM: 0x10,
} as const;
export const { GENL_ADMIN_PERM, GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP, GENL_CMD_CAP_HASPOL, GENL_UNS_ADMIN_PERM } = GENL_OP_FLAG;

/** GENL_VALIDATE holds `enum genl_validate_flags` (genl_ops.validate). */
export const GENL_VALIDATE = {
  GENL_DONT_VALIDATE_STRICT: 1 << 0,
  GENL_DONT_VALIDATE_DUMP: 1 << 1,
  GENL_DONT_VALIDATE_DUMP_STRICT: 1 << 2,
} as const;
export const { GENL_DONT_VALIDATE_STRICT, GENL_DONT_VALIDATE_DUMP, GENL_DONT_VALIDATE_DUMP_STRICT } = GENL_VALIDATE;

/** GENL_MCAST_CAP holds genl_multicast_group.flags: what joining the group needs. */
export const GENL_MCAST_CAP = {
  GENL_MCAST_CAP_NET_ADMIN: 1 << 0,
  GENL_MCAST_CAP_SYS_ADMIN: 1 << 1,
} as const;
export const { GENL_MCAST_CAP_NET_ADMIN, GENL_MCAST_CAP_SYS_ADMIN } = GENL_MCAST_CAP;

/** CTRL_CMD holds nlctrl's commands. */
export const CTRL_CMD = {
  CTRL_CMD_UNSPEC: 0,
  CTRL_CMD_NEWFAMILY: 1,
  CTRL_CMD_DELFAMILY: 2,
  CTRL_CMD_GETFAMILY: 3,
  CTRL_CMD_NEWOPS: 4,
  CTRL_CMD_DELOPS: 5,
  CTRL_CMD_GETOPS: 6,
  CTRL_CMD_NEWMCAST_GRP: 7,
  CTRL_CMD_DELMCAST_GRP: 8,
  CTRL_CMD_GETMCAST_GRP: 9,
  CTRL_CMD_GETPOLICY: 10,
} as const;

/** CTRL_ATTR holds nlctrl's top-level attributes. */
export const CTRL_ATTR = {
  CTRL_ATTR_UNSPEC: 0,
  CTRL_ATTR_FAMILY_ID: 1,
  CTRL_ATTR_FAMILY_NAME: 2,
  CTRL_ATTR_VERSION: 3,
  CTRL_ATTR_HDRSIZE: 4,
  CTRL_ATTR_MAXATTR: 5,
  CTRL_ATTR_OPS: 6,
  CTRL_ATTR_MCAST_GROUPS: 7,
  CTRL_ATTR_POLICY: 8,
  CTRL_ATTR_OP_POLICY: 9,
  CTRL_ATTR_OP: 10,
} as const;

/** CTRL_ATTR_OP_ holds the attributes of one CTRL_ATTR_OPS entry. */
export const CTRL_ATTR_OP_ = {
  CTRL_ATTR_OP_ID: 1,
  CTRL_ATTR_OP_FLAGS: 2,
} as const;

/** CTRL_ATTR_MCAST_GRP holds the attributes of one CTRL_ATTR_MCAST_GROUPS entry. */
export const CTRL_ATTR_MCAST_GRP = {
  CTRL_ATTR_MCAST_GRP_NAME: 1,
  CTRL_ATTR_MCAST_GRP_ID: 2,
} as const;

/** CTRL_ATTR_POLICY_ holds the attributes of one CTRL_ATTR_OP_POLICY entry. */
export const CTRL_ATTR_POLICY_ = {
  CTRL_ATTR_POLICY_DO: 1,
  CTRL_ATTR_POLICY_DUMP: 2,
} as const;
