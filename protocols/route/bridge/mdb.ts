/**
 * Multicast database over rtnetlink (net/core/rtnetlink.c: rtnl_mdb_dump(), rtnl_mdb_get(),
 * rtnl_mdb_add(), rtnl_mdb_del(); net/bridge/br_mdb.c: br_mdb_dump()): PF_BRIDGE RTM_GETMDB
 * dumps one message per bridge, with its (empty) MDBA_MDB nest, and the doit requests are
 * validated up to the device's ndo_mdb_* operations.
 *
 * @note A bridge's MDB is not modelled. On Linux a bridge that is up (with multicast
 * snooping, the default) soon holds host-joined entries for the groups it joins itself
 * (ff02::6a and the solicited-node groups of its IPv6 addresses), announced with RTM_NEWMDB;
 * nlsim shows every bridge's MDB empty, as Linux does for a bridge that is down, and refuses
 * MDB requests that reach a bridge with EOPNOTSUPP.
 */
import type { DumpControl } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import type { NetDevice } from '../core/index.js';
import { RTNL_FLAG, type Rtnetlink } from '../core/index.js';
import type { NetworkState } from '../core/index.js';
import { RTM } from '../core/uapi.js';

/** sizeof(struct br_port_msg): u8 family, 3 bytes of padding, u32 ifindex. */
const BR_PORT_MSG_LEN = 8;
/** sizeof(struct br_mdb_entry). */
const BR_MDB_ENTRY_LEN = 28;
/** MDBA_MDB (dumps), MDBA_GET_ENTRY / MDBA_SET_ENTRY (requests; both 1) and their *_ATTRS (2). */
const MDBA_MDB = 1;
const MDBA_ENTRY = 1;
const MDBA_ENTRY_ATTRS = 2;
const AF_BRIDGE = 7;

/**
 * mdbaPolicy builds mdba_get_policy / mdba_policy: the entry is NLA_POLICY_VALIDATE_FN(NLA_BINARY,
 * fn, sizeof(struct br_mdb_entry)), its function wanting exactly that size.
 */
function mdbaPolicy(validate: (a: AttrView) => void): Policy {
  const p: Policy[number][] = [];
  p[MDBA_ENTRY] = {
    type: NLA.NLA_BINARY,
    len: BR_MDB_ENTRY_LEN,
    validate: (a) => {
      if (a.length !== BR_MDB_ENTRY_LEN) throw new KernelError('EINVAL', { message: 'Invalid attribute length', offset: a.offset });
      validate(a);
    },
  };
  p[MDBA_ENTRY_ATTRS] = { type: NLA.NLA_NESTED };
  return p;
}

const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;

/** validGroup is the rest of rtnl_validate_mdb_entry(): the group by protocol, the state and the VLAN. */
function validGroup(e: Uint8Array): void {
  const v = viewOf(e);
  const proto = v.getUint16(24, false);
  if (proto === ETH_P_IP) {
    const first = e[8]!;
    if ((first & 0xf0) !== 0xe0 && first !== 0) throw new KernelError('EINVAL', 'IPv4 entry group address is not multicast or 0.0.0.0');
    if (first === 224 && e[9] === 0 && e[10] === 0) throw new KernelError('EINVAL', 'IPv4 entry group address is local multicast');
  } else if (proto === ETH_P_IPV6) {
    const allNodes = e[8] === 0xff && e[9] === 0x02 && e.subarray(10, 23).every((b) => b === 0) && e[23] === 1;
    if (allNodes) throw new KernelError('EINVAL', 'IPv6 entry group address is link-local all nodes');
  } else if (proto === 0) {
    if (!(e[8]! & 1)) throw new KernelError('EINVAL', 'L2 entry group is not multicast');
  } else throw new KernelError('EINVAL', 'Unknown entry protocol');
  if (e[4] !== 0 && e[4] !== 1) throw new KernelError('EINVAL', 'Unknown entry state');
  if (v.getUint16(6, HOST_LE) >= 0xfff) throw new KernelError('EINVAL', 'Invalid entry VLAN id');
}

/** MDBA_GET_POLICY is mdba_get_policy with rtnl_validate_mdb_entry_get(): no port ifindex in a lookup. */
const MDBA_GET_POLICY = mdbaPolicy((a) => {
  const v = viewOf(a.payload);
  if (v.getUint32(0, HOST_LE)) throw new KernelError('EINVAL', 'Entry ifindex cannot be specified');
  if (a.payload[4]) throw new KernelError('EINVAL', 'Entry state cannot be specified');
  if (a.payload[5]) throw new KernelError('EINVAL', 'Entry flags cannot be specified');
  // Any group of a known protocol may be looked up.
  if (v.getUint16(6, HOST_LE) >= 0xfff) throw new KernelError('EINVAL', 'Invalid entry VLAN id');
  const proto = v.getUint16(24, false);
  if (proto !== 0 && proto !== ETH_P_IP && proto !== ETH_P_IPV6) throw new KernelError('EINVAL', 'Unknown entry protocol');
});

/** MDBA_SET_POLICY is mdba_policy with rtnl_validate_mdb_entry(). */
const MDBA_SET_POLICY = mdbaPolicy((a) => {
  if (!viewOf(a.payload).getUint32(0, HOST_LE)) throw new KernelError('EINVAL', 'Zero entry ifindex is not allowed');
  validGroup(a.payload);
});

/** registerMdb installs rtnetlink_init()'s PF_BRIDGE MDB handlers. */
export function registerMdb(rtnl: Rtnetlink, state: NetworkState): void {
  rtnl.register(AF_BRIDGE, RTM.RTM_GETMDB, { doit: (ctx) => request(ctx, state, 'GET'), dumpit: (ctx) => dump(ctx, state) });
  rtnl.register(AF_BRIDGE, RTM.RTM_NEWMDB, { doit: (ctx) => request(ctx, state, 'SET') });
  rtnl.register(AF_BRIDGE, RTM.RTM_DELMDB, { doit: (ctx) => request(ctx, state, 'SET'), flags: RTNL_FLAG.RTNL_FLAG_BULK_DEL_SUPPORTED });
}

/** hasMdbOps is true for devices with ndo_mdb_* operations (bridges; vxlan is not modelled). */
function hasMdbOps(dev: NetDevice): boolean {
  return dev.kind?.kind === 'bridge';
}

/**
 * request mirrors the common start of rtnl_mdb_get(), rtnl_mdb_add() and rtnl_mdb_del():
 * strict parse, the header's ifindex, the device, the entry attribute, the device's MDB ops.
 */
function request(ctx: RequestContext, state: NetworkState, kind: 'GET' | 'SET'): never {
  // rtnl_mdb_get() and a bulk rtnl_mdb_del() (NLM_F_BULK, 0x200) parse strictly, the others liberally.
  const bulk = ctx.header.type === RTM.RTM_DELMDB && (ctx.header.flags & 0x200) !== 0;
  const strict = kind === 'GET' || bulk;
  const level = strict ? NL_VALIDATE.NL_VALIDATE_STRICT : NL_VALIDATE.NL_VALIDATE_LIBERAL;
  const r = nlmsgParse(ctx.message, BR_PORT_MSG_LEN, strict ? MDBA_GET_POLICY : MDBA_SET_POLICY, MDBA_ENTRY_ATTRS, level);
  if (r.warning) Object.assign(ctx.extack, { message: r.warning });
  const tb: (AttrView | undefined)[] = r.attrs;
  const ifindex = viewOf(ctx.payload).getInt32(4, HOST_LE);
  if (!ifindex) throw new KernelError('EINVAL', 'Invalid ifindex');
  const dev = state.links(ctx.skb.sock.netns).byIndex(ifindex);
  if (!dev) throw new KernelError('ENODEV', "Device doesn't exist");
  if (!tb[MDBA_ENTRY]) throw new KernelError('EINVAL', { message: `Missing MDBA_${kind}_ENTRY attribute`, missingType: MDBA_ENTRY });
  if (!hasMdbOps(dev)) throw new KernelError('EOPNOTSUPP', 'Device does not support MDB operations');
  throw new KernelError('EOPNOTSUPP', 'nlsim: bridge MDB entries are not modelled yet');
}

/**
 * dump mirrors rtnl_mdb_dump() with rtnl_mdb_valid_dump_req() under strict checking: every
 * device with MDB operations in ifindex order, each one br_mdb_dump() message (RTM_GETMDB, a
 * zeroed br_port_msg with the ifindex, an empty MDBA_MDB nest without NLA_F_NESTED).
 */
function dump(ctx: RequestContext, state: NetworkState): DumpControl {
  const links = state.links(ctx.skb.sock.netns);
  return {
    dump: (chunk, d) => {
      if (d.strictCheck) {
        const m = d.requestMessage;
        let message: string | undefined;
        if (m.length - 16 < BR_PORT_MSG_LEN) message = 'Invalid header for mdb dump request';
        else if (viewOf(m).getInt32(20, HOST_LE)) message = 'Filtering by device index is not supported for mdb dump request';
        else if (m.length - 16 > BR_PORT_MSG_LEN) message = 'Invalid data after header in mdb dump request';
        if (message) {
          d.extack.message = message;
          return -22;
        }
      }
      const next = (d.args[0] as number | undefined) ?? 0;
      for (const dev of links.list()) {
        if (dev.ifindex < next || !hasMdbOps(dev)) continue;
        const ok = chunk.put(RTM.RTM_GETMDB, (w) => {
          const h = new Uint8Array(BR_PORT_MSG_LEN);
          viewOf(h).setInt32(4, dev.ifindex, HOST_LE);
          w.raw(h);
          w.endNest(w.beginNest(MDBA_MDB, false));
        });
        if (!ok) return chunk.length;
        d.args[0] = dev.ifindex + 1;
      }
      return chunk.length;
    },
  };
}
