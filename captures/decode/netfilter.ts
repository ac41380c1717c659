/**
 * NETLINK_NETFILTER: the message type is (subsystem << 8) | message; the body starts with
 * struct nfgenmsg, and attributes are big-endian (include/uapi/linux/netfilter/nfnetlink*.h).
 * Queue, conntrack and log messages have attribute sets here; other subsystems stay raw.
 */
import { type BodySchema, invert, kindFromName, type ProtocolDecoder } from './family.js';
import { type AttrSet, attrSet, FAMILY_NAMES } from './schema.js';

const NFNL_SUBSYS = {
  NFNL_SUBSYS_NONE: 0, NFNL_SUBSYS_CTNETLINK: 1, NFNL_SUBSYS_CTNETLINK_EXP: 2, NFNL_SUBSYS_QUEUE: 3, NFNL_SUBSYS_ULOG: 4, NFNL_SUBSYS_OSF: 5,
  NFNL_SUBSYS_IPSET: 6, NFNL_SUBSYS_ACCT: 7, NFNL_SUBSYS_CTNETLINK_TIMEOUT: 8, NFNL_SUBSYS_CTHELPER: 9, NFNL_SUBSYS_NFTABLES: 10, NFNL_SUBSYS_NFT_COMPAT: 11, NFNL_SUBSYS_HOOK: 12,
};
const SUBSYS_NAMES = invert(NFNL_SUBSYS);
const MSG_NAMES: Record<number, Record<number, string>> = {
  1: invert({ IPCTNL_MSG_CT_NEW: 0, IPCTNL_MSG_CT_GET: 1, IPCTNL_MSG_CT_DELETE: 2, IPCTNL_MSG_CT_GET_CTRZERO: 3, IPCTNL_MSG_CT_GET_STATS_CPU: 4, IPCTNL_MSG_CT_GET_STATS: 5, IPCTNL_MSG_CT_GET_DYING: 6, IPCTNL_MSG_CT_GET_UNCONFIRMED: 7 }),
  2: invert({ IPCTNL_MSG_EXP_NEW: 0, IPCTNL_MSG_EXP_GET: 1, IPCTNL_MSG_EXP_DELETE: 2, IPCTNL_MSG_EXP_GET_STATS_CPU: 3 }),
  3: invert({ NFQNL_MSG_PACKET: 0, NFQNL_MSG_VERDICT: 1, NFQNL_MSG_CONFIG: 2, NFQNL_MSG_VERDICT_BATCH: 3 }),
  4: invert({ NFULNL_MSG_PACKET: 0, NFULNL_MSG_CONFIG: 1 }),
  6: invert({ IPSET_CMD_NONE: 0, IPSET_CMD_PROTOCOL: 1, IPSET_CMD_CREATE: 2, IPSET_CMD_DESTROY: 3, IPSET_CMD_FLUSH: 4, IPSET_CMD_RENAME: 5, IPSET_CMD_SWAP: 6, IPSET_CMD_LIST: 7, IPSET_CMD_SAVE: 8, IPSET_CMD_ADD: 9, IPSET_CMD_DEL: 10, IPSET_CMD_TEST: 11, IPSET_CMD_HEADER: 12, IPSET_CMD_TYPE: 13, IPSET_CMD_GET_BYNAME: 14, IPSET_CMD_GET_BYINDEX: 15 }),
  7: invert({ NFNL_MSG_ACCT_NEW: 0, NFNL_MSG_ACCT_GET: 1, NFNL_MSG_ACCT_GET_CTRZERO: 2, NFNL_MSG_ACCT_DEL: 3, NFNL_MSG_ACCT_OVERQUOTA: 4 }),
  8: invert({ IPCTNL_MSG_TIMEOUT_NEW: 0, IPCTNL_MSG_TIMEOUT_GET: 1, IPCTNL_MSG_TIMEOUT_DELETE: 2, IPCTNL_MSG_TIMEOUT_DEFAULT_SET: 3, IPCTNL_MSG_TIMEOUT_DEFAULT_GET: 4 }),
  9: invert({ NFNL_MSG_CTHELPER_NEW: 0, NFNL_MSG_CTHELPER_GET: 1, NFNL_MSG_CTHELPER_DEL: 2 }),
  10: invert({
    NFT_MSG_NEWTABLE: 0, NFT_MSG_GETTABLE: 1, NFT_MSG_DELTABLE: 2, NFT_MSG_NEWCHAIN: 3, NFT_MSG_GETCHAIN: 4, NFT_MSG_DELCHAIN: 5, NFT_MSG_NEWRULE: 6, NFT_MSG_GETRULE: 7,
    NFT_MSG_DELRULE: 8, NFT_MSG_NEWSET: 9, NFT_MSG_GETSET: 10, NFT_MSG_DELSET: 11, NFT_MSG_NEWSETELEM: 12, NFT_MSG_GETSETELEM: 13, NFT_MSG_DELSETELEM: 14, NFT_MSG_NEWGEN: 15,
    NFT_MSG_GETGEN: 16, NFT_MSG_TRACE: 17, NFT_MSG_NEWOBJ: 18, NFT_MSG_GETOBJ: 19, NFT_MSG_DELOBJ: 20, NFT_MSG_GETOBJ_RESET: 21, NFT_MSG_NEWFLOWTABLE: 22, NFT_MSG_GETFLOWTABLE: 23,
    NFT_MSG_DELFLOWTABLE: 24, NFT_MSG_GETRULE_RESET: 25, NFT_MSG_DESTROYTABLE: 26, NFT_MSG_DESTROYCHAIN: 27, NFT_MSG_DESTROYRULE: 28, NFT_MSG_DESTROYSET: 29, NFT_MSG_DESTROYSETELEM: 30, NFT_MSG_DESTROYOBJ: 31,
    NFT_MSG_DESTROYFLOWTABLE: 32, NFT_MSG_GETSETELEM_RESET: 33,
  }),
  12: invert({ NFNL_MSG_HOOK_GET: 0 }),
};
/** NFNL_MSG_BATCH_BEGIN/END are batch markers, in the range of control-like types. */
const BATCH: Record<number, string> = { 0x10: 'NFNL_MSG_BATCH_BEGIN', 0x11: 'NFNL_MSG_BATCH_END' };

const CTA_IP = attrSet('cta_ip', { CTA_IP_UNSPEC: 0, CTA_IP_V4_SRC: 1, CTA_IP_V4_DST: 2, CTA_IP_V6_SRC: 3, CTA_IP_V6_DST: 4 }, { CTA_IP_V4_SRC: 'ipv4', CTA_IP_V4_DST: 'ipv4', CTA_IP_V6_SRC: 'ipv6', CTA_IP_V6_DST: 'ipv6' });
const CTA_PROTO = attrSet(
  'cta_proto',
  { CTA_PROTO_UNSPEC: 0, CTA_PROTO_NUM: 1, CTA_PROTO_SRC_PORT: 2, CTA_PROTO_DST_PORT: 3, CTA_PROTO_ICMP_ID: 4, CTA_PROTO_ICMP_TYPE: 5, CTA_PROTO_ICMP_CODE: 6, CTA_PROTO_ICMPV6_ID: 7, CTA_PROTO_ICMPV6_TYPE: 8, CTA_PROTO_ICMPV6_CODE: 9 },
  { CTA_PROTO_NUM: 'u8', CTA_PROTO_SRC_PORT: 'be16', CTA_PROTO_DST_PORT: 'be16', CTA_PROTO_ICMP_ID: 'be16', CTA_PROTO_ICMP_TYPE: 'u8', CTA_PROTO_ICMP_CODE: 'u8', CTA_PROTO_ICMPV6_ID: 'be16', CTA_PROTO_ICMPV6_TYPE: 'u8', CTA_PROTO_ICMPV6_CODE: 'u8' },
);
const CTA_TUPLE = attrSet('cta_tuple', { CTA_TUPLE_UNSPEC: 0, CTA_TUPLE_IP: 1, CTA_TUPLE_PROTO: 2, CTA_TUPLE_ZONE: 3 }, { CTA_TUPLE_IP: { kind: { nest: CTA_IP } }, CTA_TUPLE_PROTO: { kind: { nest: CTA_PROTO } }, CTA_TUPLE_ZONE: 'be16' });
const CTA_COUNTERS = attrSet('cta_counters', { CTA_COUNTERS_UNSPEC: 0, CTA_COUNTERS_PACKETS: 1, CTA_COUNTERS_BYTES: 2, CTA_COUNTERS32_PACKETS: 3, CTA_COUNTERS32_BYTES: 4, CTA_COUNTERS_PAD: 5 }, {
  CTA_COUNTERS_PACKETS: { kind: 'be64', volatile: 'counter' }, CTA_COUNTERS_BYTES: { kind: 'be64', volatile: 'counter' }, CTA_COUNTERS32_PACKETS: { kind: 'be32', volatile: 'counter' }, CTA_COUNTERS32_BYTES: { kind: 'be32', volatile: 'counter' },
});
/** CTA_ATTRS is conntrack's top-level attribute set. */
export const CTA_ATTRS: AttrSet = attrSet(
  'cta',
  { CTA_UNSPEC: 0, CTA_TUPLE_ORIG: 1, CTA_TUPLE_REPLY: 2, CTA_STATUS: 3, CTA_PROTOINFO: 4, CTA_HELP: 5, CTA_NAT_SRC: 6, CTA_TIMEOUT: 7, CTA_MARK: 8, CTA_COUNTERS_ORIG: 9, CTA_COUNTERS_REPLY: 10, CTA_USE: 11, CTA_ID: 12, CTA_NAT_DST: 13, CTA_TUPLE_MASTER: 14, CTA_SEQ_ADJ_ORIG: 15, CTA_SEQ_ADJ_REPLY: 16, CTA_SECMARK: 17, CTA_ZONE: 18, CTA_SECCTX: 19, CTA_TIMESTAMP: 20, CTA_MARK_MASK: 21, CTA_LABELS: 22, CTA_LABELS_MASK: 23, CTA_SYNPROXY: 24, CTA_FILTER: 25, CTA_STATUS_MASK: 26 },
  {
    CTA_TUPLE_ORIG: { kind: { nest: CTA_TUPLE } }, CTA_TUPLE_REPLY: { kind: { nest: CTA_TUPLE } }, CTA_TUPLE_MASTER: { kind: { nest: CTA_TUPLE } }, CTA_STATUS: 'be32', CTA_TIMEOUT: { kind: 'be32', volatile: 'timestamp' }, CTA_MARK: 'be32',
    CTA_COUNTERS_ORIG: { kind: { nest: CTA_COUNTERS } }, CTA_COUNTERS_REPLY: { kind: { nest: CTA_COUNTERS } }, CTA_USE: 'be32', CTA_ID: { kind: 'be32', volatile: 'random' }, CTA_ZONE: 'be16', CTA_MARK_MASK: 'be32', CTA_STATUS_MASK: 'be32',
  },
);
const NFQA_ATTRS = attrSet(
  'nfqa',
  { NFQA_UNSPEC: 0, NFQA_PACKET_HDR: 1, NFQA_VERDICT_HDR: 2, NFQA_MARK: 3, NFQA_TIMESTAMP: 4, NFQA_IFINDEX_INDEV: 5, NFQA_IFINDEX_OUTDEV: 6, NFQA_IFINDEX_PHYSINDEV: 7, NFQA_IFINDEX_PHYSOUTDEV: 8, NFQA_HWADDR: 9, NFQA_PAYLOAD: 10, NFQA_CT: 11, NFQA_CT_INFO: 12, NFQA_CAP_LEN: 13, NFQA_SKB_INFO: 14, NFQA_EXP: 15, NFQA_UID: 16, NFQA_GID: 17, NFQA_SECCTX: 18, NFQA_VLAN: 19, NFQA_L2HDR: 20, NFQA_PRIORITY: 21, NFQA_CGROUP_CLASSID: 22 },
  {
    NFQA_PACKET_HDR: { kind: { struct: { name: 'nfqnl_msg_packet_hdr', fields: [['packet_id', 'be32'], ['hw_protocol', 'be16'], ['hook', 'u8'], ['', 'pad1']] } } },
    NFQA_VERDICT_HDR: { kind: { struct: { name: 'nfqnl_msg_verdict_hdr', fields: [['verdict', 'be32'], ['id', 'be32']] } } },
    NFQA_MARK: 'be32', NFQA_TIMESTAMP: { kind: { struct: { name: 'nfqnl_msg_packet_timestamp', fields: [['sec', 'be64', 'timestamp'], ['usec', 'be64', 'timestamp']] } } },
    NFQA_IFINDEX_INDEV: 'be32', NFQA_IFINDEX_OUTDEV: 'be32', NFQA_IFINDEX_PHYSINDEV: 'be32', NFQA_IFINDEX_PHYSOUTDEV: 'be32', NFQA_CT: { kind: { nest: CTA_ATTRS } }, NFQA_CT_INFO: 'be32', NFQA_CAP_LEN: 'be32', NFQA_SKB_INFO: 'be32',
    NFQA_UID: 'be32', NFQA_GID: 'be32', NFQA_SECCTX: 'string', NFQA_PRIORITY: 'be32', NFQA_CGROUP_CLASSID: 'be32',
  },
);
const NFQA_CFG_ATTRS = attrSet(
  'nfqa_cfg',
  { NFQA_CFG_UNSPEC: 0, NFQA_CFG_CMD: 1, NFQA_CFG_PARAMS: 2, NFQA_CFG_QUEUE_MAXLEN: 3, NFQA_CFG_MASK: 4, NFQA_CFG_FLAGS: 5 },
  {
    NFQA_CFG_CMD: { kind: { struct: { name: 'nfqnl_msg_config_cmd', fields: [['command', 'u8'], ['', 'pad1'], ['pf', 'be16']] } } },
    NFQA_CFG_PARAMS: { kind: { struct: { name: 'nfqnl_msg_config_params', fields: [['copy_range', 'be32'], ['copy_mode', 'u8']] } } },
    NFQA_CFG_QUEUE_MAXLEN: 'be32', NFQA_CFG_MASK: 'be32', NFQA_CFG_FLAGS: 'be32',
  },
);
const NFULA_ATTRS = attrSet(
  'nfula',
  { NFULA_UNSPEC: 0, NFULA_PACKET_HDR: 1, NFULA_MARK: 2, NFULA_TIMESTAMP: 3, NFULA_IFINDEX_INDEV: 4, NFULA_IFINDEX_OUTDEV: 5, NFULA_IFINDEX_PHYSINDEV: 6, NFULA_IFINDEX_PHYSOUTDEV: 7, NFULA_HWADDR: 8, NFULA_PAYLOAD: 9, NFULA_PREFIX: 10, NFULA_UID: 11, NFULA_SEQ: 12, NFULA_SEQ_GLOBAL: 13, NFULA_GID: 14, NFULA_HWTYPE: 15, NFULA_HWHEADER: 16, NFULA_HWLEN: 17, NFULA_CT: 18, NFULA_CT_INFO: 19, NFULA_VLAN: 20, NFULA_L2HDR: 21 },
  { NFULA_MARK: 'be32', NFULA_IFINDEX_INDEV: 'be32', NFULA_IFINDEX_OUTDEV: 'be32', NFULA_PREFIX: 'string', NFULA_UID: 'be32', NFULA_SEQ: 'be32', NFULA_SEQ_GLOBAL: 'be32', NFULA_GID: 'be32', NFULA_HWTYPE: 'be16', NFULA_HWLEN: 'be16', NFULA_CT: { kind: { nest: CTA_ATTRS } } },
);

const NFGENMSG = { struct: { name: 'nfgenmsg', fields: [['nfgen_family', 'u8'], ['version', 'u8'], ['res_id', 'be16']] as const }, texts: { nfgen_family: (v: number) => FAMILY_NAMES[v] } };

/** nfMsgName names a netfilter message type. */
function nfMsgName(type: number): string | undefined {
  if (BATCH[type]) return BATCH[type];
  const subsys = type >> 8;
  const s = SUBSYS_NAMES[subsys];
  if (s === undefined) return undefined;
  return `${s}/${MSG_NAMES[subsys]?.[type & 0xff] ?? type & 0xff}`;
}

/** netfilterDecoder decodes NETLINK_NETFILTER messages. */
export const netfilterDecoder: ProtocolDecoder = {
  typeName: nfMsgName,
  kind(type) {
    return kindFromName(nfMsgName(type));
  },
  body(type): BodySchema {
    const subsys = type >> 8;
    const msg = type & 0xff;
    let attrs: AttrSet | undefined;
    if (subsys === 3) attrs = msg === 2 ? NFQA_CFG_ATTRS : NFQA_ATTRS;
    else if (subsys === 1) attrs = CTA_ATTRS;
    else if (subsys === 4 && msg === 0) attrs = NFULA_ATTRS;
    return attrs ? { header: NFGENMSG, attrs } : { header: NFGENMSG };
  },
};
