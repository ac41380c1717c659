/**
 * NETLINK_SOCK_DIAG: SOCK_DIAG_BY_FAMILY requests and replies, whose header depends on the
 * address family in their first byte and on the direction (include/uapi/linux/sock_diag.h,
 * inet_diag.h, unix_diag.h, netlink_diag.h).
 */
import { NLM_F_REQUEST } from '../../sim/uapi/netlink.js';
import type { Bytes } from './bytes.js';
import { type BodySchema, type FamilyHeader, invert, type ProtocolDecoder } from './family.js';
import { attrSet, FAMILY_NAMES, type StructField } from './schema.js';

const TYPES = invert({ TCPDIAG_GETSOCK: 18, DCCPDIAG_GETSOCK: 19, SOCK_DIAG_BY_FAMILY: 20, SOCK_DESTROY: 21 });
const familyText = (v: number): string | undefined => FAMILY_NAMES[v];

const INET_ID: StructField[] = [['idiag_sport', 'be16'], ['idiag_dport', 'be16'], ['idiag_src', 'ipv6'], ['idiag_dst', 'ipv6'], ['idiag_if', 'u32'], ['idiag_cookie0', 'u32'], ['idiag_cookie1', 'u32']];
const INET_REQ: FamilyHeader = { struct: { name: 'inet_diag_req_v2', fields: [['sdiag_family', 'u8'], ['sdiag_protocol', 'u8'], ['idiag_ext', 'u8'], ['', 'pad1'], ['idiag_states', 'u32'], ...INET_ID] }, texts: { sdiag_family: familyText } };
const INET_MSG: FamilyHeader = {
  struct: { name: 'inet_diag_msg', fields: [['idiag_family', 'u8'], ['idiag_state', 'u8'], ['idiag_timer', 'u8'], ['idiag_retrans', 'u8'], ...INET_ID, ['idiag_expires', 'u32', 'timestamp'], ['idiag_rqueue', 'u32'], ['idiag_wqueue', 'u32'], ['idiag_uid', 'u32'], ['idiag_inode', 'u32', 'random']] },
  texts: { idiag_family: familyText },
};
const UNIX_REQ: FamilyHeader = { struct: { name: 'unix_diag_req', fields: [['sdiag_family', 'u8'], ['sdiag_protocol', 'u8'], ['', 'pad2'], ['udiag_states', 'u32'], ['udiag_ino', 'u32'], ['udiag_show', 'u32'], ['udiag_cookie0', 'u32'], ['udiag_cookie1', 'u32']] }, texts: { sdiag_family: familyText } };
const UNIX_MSG: FamilyHeader = { struct: { name: 'unix_diag_msg', fields: [['udiag_family', 'u8'], ['udiag_type', 'u8'], ['udiag_state', 'u8'], ['', 'pad1'], ['udiag_ino', 'u32', 'random'], ['udiag_cookie0', 'u32'], ['udiag_cookie1', 'u32']] }, texts: { udiag_family: familyText } };
const NETLINK_REQ: FamilyHeader = { struct: { name: 'netlink_diag_req', fields: [['sdiag_family', 'u8'], ['sdiag_protocol', 'u8'], ['', 'pad2'], ['ndiag_ino', 'u32'], ['ndiag_show', 'u32'], ['ndiag_cookie0', 'u32'], ['ndiag_cookie1', 'u32']] }, texts: { sdiag_family: familyText } };
const NETLINK_MSG: FamilyHeader = {
  struct: { name: 'netlink_diag_msg', fields: [['ndiag_family', 'u8'], ['ndiag_type', 'u8'], ['ndiag_protocol', 'u8'], ['ndiag_state', 'u8'], ['ndiag_portid', 'u32'], ['ndiag_dst_portid', 'u32'], ['ndiag_dst_group', 'u32'], ['ndiag_ino', 'u32', 'random'], ['ndiag_cookie0', 'u32'], ['ndiag_cookie1', 'u32']] },
  texts: { ndiag_family: familyText },
};
const GENERIC_REQ: FamilyHeader = { struct: { name: 'sock_diag_req', fields: [['sdiag_family', 'u8'], ['sdiag_protocol', 'u8']] }, texts: { sdiag_family: familyText } };

const INET_ATTRS = attrSet(
  'inet_diag',
  { INET_DIAG_NONE: 0, INET_DIAG_MEMINFO: 1, INET_DIAG_INFO: 2, INET_DIAG_VEGASINFO: 3, INET_DIAG_CONG: 4, INET_DIAG_TOS: 5, INET_DIAG_TCLASS: 6, INET_DIAG_SKMEMINFO: 7, INET_DIAG_SHUTDOWN: 8, INET_DIAG_DCTCPINFO: 9, INET_DIAG_PROTOCOL: 10, INET_DIAG_SKV6ONLY: 11, INET_DIAG_LOCALS: 12, INET_DIAG_PEERS: 13, INET_DIAG_PAD: 14, INET_DIAG_MARK: 15, INET_DIAG_BBRINFO: 16, INET_DIAG_CLASS_ID: 17, INET_DIAG_MD5SIG: 18, INET_DIAG_ULP_INFO: 19, INET_DIAG_SK_BPF_STORAGES: 20, INET_DIAG_CGROUP_ID: 21, INET_DIAG_SOCKOPT: 22 },
  { INET_DIAG_CONG: 'string', INET_DIAG_TOS: 'u8', INET_DIAG_TCLASS: 'u8', INET_DIAG_SKMEMINFO: { kind: 'u32-array', volatile: 'counter' }, INET_DIAG_SHUTDOWN: 'u8', INET_DIAG_PROTOCOL: 'u8', INET_DIAG_SKV6ONLY: 'u8', INET_DIAG_MARK: 'u32', INET_DIAG_CLASS_ID: 'u32', INET_DIAG_CGROUP_ID: 'u64' },
);
const UNIX_ATTRS = attrSet(
  'unix_diag',
  { UNIX_DIAG_NAME: 0, UNIX_DIAG_VFS: 1, UNIX_DIAG_PEER: 2, UNIX_DIAG_ICONS: 3, UNIX_DIAG_RQLEN: 4, UNIX_DIAG_MEMINFO: 5, UNIX_DIAG_SHUTDOWN: 6, UNIX_DIAG_UID: 7 },
  { UNIX_DIAG_NAME: 'string', UNIX_DIAG_PEER: 'u32', UNIX_DIAG_ICONS: 'u32-array', UNIX_DIAG_RQLEN: 'u32-array', UNIX_DIAG_MEMINFO: { kind: 'u32-array', volatile: 'counter' }, UNIX_DIAG_SHUTDOWN: 'u8', UNIX_DIAG_UID: 'u32' },
);
const NETLINK_ATTRS = attrSet('netlink_diag', { NETLINK_DIAG_MEMINFO: 0, NETLINK_DIAG_GROUPS: 1, NETLINK_DIAG_RX_RING: 2, NETLINK_DIAG_TX_RING: 3, NETLINK_DIAG_FLAGS: 4 }, { NETLINK_DIAG_MEMINFO: { kind: 'u32-array', volatile: 'counter' }, NETLINK_DIAG_GROUPS: 'u32-array', NETLINK_DIAG_FLAGS: 'u32' });

/** sockDiagDecoder decodes NETLINK_SOCK_DIAG messages. */
export const sockDiagDecoder: ProtocolDecoder = {
  typeName(type) {
    return TYPES[type];
  },
  kind(type) {
    return type === 21 ? 'del' : 'get';
  },
  body(_type: number, flags: number, _ctx, b: Bytes, payload: number, end: number): BodySchema {
    if (end - payload < 1) return {};
    const family = b.u8(payload);
    const req = (flags & NLM_F_REQUEST) !== 0;
    if (family === 2 || family === 10) return { header: req ? INET_REQ : INET_MSG, attrs: INET_ATTRS };
    if (family === 1) return { header: req ? UNIX_REQ : UNIX_MSG, attrs: UNIX_ATTRS };
    if (family === 16) return { header: req ? NETLINK_REQ : NETLINK_MSG, attrs: NETLINK_ATTRS };
    return { header: GENERIC_REQ };
  },
};
