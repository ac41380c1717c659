/**
 * What the differential sequences send on each protocol. Anything may reach the kernel
 * socket, so messages to port 0 are restricted to what the simulator models on that
 * protocol; messages between user sockets are never interpreted and stay unrestricted
 * where the protocol allows them.
 */
import fc from 'fast-check';
import { NETLINK_GENERIC, NETLINK_ROUTE, NETLINK_USERSOCK } from '../../sim/uapi/netlink.js';
import { maskLinkMessages } from './masks.js';
import { anyMessage, type Message, type Profile } from './ops.js';

/** USERSOCK: no kernel socket, any bytes. */
export const usersockProfile: Profile = { protocol: NETLINK_USERSOCK, message: anyMessage, maxGroup: 32 };

const u16 = (v: number) => [v & 0xff, v >> 8];
const attr = (type: number, payload: number[]) => [...u16(4 + payload.length), ...u16(type), ...payload, ...new Array((4 - (payload.length % 4)) % 4).fill(0)];
const text = (s: string) => Array.from(new TextEncoder().encode(s));

/** Attributes of nlctrl requests: ids and names that exist only as nlctrl on both kernels, or nowhere. */
const ctrlAttr = fc.oneof(
  fc.constantFrom(0x10, 0x3ff, 0, 0xffff, 0x400).map((id) => attr(1, u16(id))), // CTRL_ATTR_FAMILY_ID
  fc.constantFrom('nlctrl\0', 'nosuchfamily\0', '\0', 'nlctrl', 'nlctrl\0junk', 'abcdefghijklmnopqrstu\0').map((n) => attr(2, text(n))), // FAMILY_NAME
  fc.constantFrom(3, 10, 99).map((op) => attr(10, [op, 0, 0, 0])), // CTRL_ATTR_OP
  fc.constantFrom([0x10], [0x10, 0, 0, 0, 0]).map((p) => attr(1, [...p])), // short and long FAMILY_ID
  fc.uint8Array({ maxLength: 12 }).map((b) => Array.from(b)), // junk
);

/** nlctrl requests: every command, versions, reserved bytes, attributes, flags. */
const nlctrlMessage: fc.Arbitrary<Message> = fc
  .record({
    cmd: fc.constantFrom(0, 1, 2, 3, 3, 3, 10, 10, 11, 99),
    version: fc.constantFrom(0, 1, 2),
    reserved: fc.constantFrom(0, 0, 0, 1),
    attrs: fc.array(ctrlAttr, { maxLength: 3 }),
    flags: fc.constantFrom(0x1, 0x5, 0x301, 0x305, 0x101, 0x201, 0x401, 0x9, 0x4),
    seq: fc.nat(1000),
    lenDelta: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -8, max: 4 }) }),
  })
  .map(({ cmd, version, reserved, attrs, flags, seq, lenDelta }) => ({
    type: 0x10,
    // a GETFAMILY dump lists every family, and the real kernel has more than the simulator
    flags: cmd === 3 && (flags & 0x300) === 0x300 ? flags & ~0x200 : flags,
    seq,
    pid: 0,
    body: new Uint8Array([cmd, version, ...u16(reserved), ...attrs.flat()]),
    lenDelta,
  }));

/** GENERIC: control types, nlctrl, and family ids beyond GENL_MAX_ID (ENOENT everywhere). */
export const genericProfile: Profile = {
  protocol: NETLINK_GENERIC,
  message: fc.oneof(
    { weight: 3, arbitrary: nlctrlMessage },
    { weight: 1, arbitrary: anyMessage.filter((m) => m.type < 0x10 || m.type >= 0x400) },
  ),
  // Other families own most group ids on the real kernel, and some need a capability to
  // join (genl_bind()); only group 1 (reserved, unowned) and 16 (nlctrl's notify) are the same
  // on both kernels.
  groups: fc.constantFrom(0, 0, 1, 1 << 15, (1 << 15) | 1),
  maxGroup: 32,
  avoidGroups: [2, 5, 32],
  noListMemberships: true,
};

/** IFLA attributes for RTM_GETLINK requests: names of lo and of nothing, ext masks, junk. */
const iflaAttr = fc.oneof(
  fc.constantFrom('lo\0', 'nosuchdev\0', 'lo', '\0', 'abcdefghijklmnopqrstuvwxyz\0').map((n) => attr(3, text(n))), // IFLA_IFNAME
  fc.constantFrom(0, 1, 8, 9, 0xffff).map((m) => attr(29, [m & 0xff, (m >> 8) & 0xff, 0, 0])), // IFLA_EXT_MASK
  fc.constantFrom('lo\0', 'x\0').map((n) => attr(53, text(n))), // IFLA_ALT_IFNAME
  fc.uint8Array({ maxLength: 12 }).map((b) => Array.from(b)), // junk
);

/** RTM_GETLINK requests for lo (index 1), for devices that do not exist, and malformed ones. */
const getlinkMessage: fc.Arbitrary<Message> = fc
  .record({
    // AF_INET6 (10) and AF_BRIDGE (7) have GETLINK dumps of their own (inet6_dump_ifinfo,
    // the bridge's port dump); other families fall back to AF_UNSPEC.
    family: fc.constantFrom(0, 0, 2, 7, 10, 17),
    ifindex: fc.constantFrom(0, 1, 1, 2, 99, -1),
    flags32: fc.constantFrom(0, 0, 1, 0x8),
    change: fc.constantFrom(0, 0, 0xffffffff),
    attrs: fc.array(iflaAttr, { maxLength: 3 }),
    short: fc.constantFrom(false, false, false, true),
    flags: fc.constantFrom(0x1, 0x5, 0x301, 0x305, 0x101, 0x201, 0x9),
    seq: fc.nat(1000),
  })
  .map(({ family, ifindex, flags32, change, attrs, short, flags, seq }) => {
    const ifi = new Uint8Array(16);
    const v = new DataView(ifi.buffer);
    v.setUint8(0, family);
    v.setInt32(4, ifindex, true);
    v.setUint32(8, flags32, true);
    v.setUint32(12, change >>> 0, true);
    const body = short ? ifi.subarray(0, 1) : new Uint8Array([...ifi, ...attrs.flat()]);
    return { type: 18, flags, seq, pid: 0, body, lenDelta: 0 };
  });

/**
 * ROUTE: RTM_GETLINK requests and dumps (only lo exists in a fresh namespace), types above
 * RTM_MAX, and control types. Requests that change state are left to the route tests.
 */
export const routeProfile: Profile = {
  protocol: NETLINK_ROUTE,
  message: fc.oneof(
    { weight: 4, arbitrary: getlinkMessage },
    { weight: 1, arbitrary: anyMessage.filter((m) => m.type < 0x10 || m.type > 123) },
    // Well-formed requests of types above RTM_MAX, so every run meets their EOPNOTSUPP.
    { weight: 1, arbitrary: anyMessage.filter((m) => m.type > 123).map((m) => ({ ...m, flags: m.flags | 1, lenDelta: 0 })) },
  ),
  // RTNLGRP groups: joining them is harmless; 30 and 31 need CAP_NET_ADMIN (rtnetlink_bind).
  groups: fc.constantFrom(0, 1, 1 << 29, 1 << 30, 0x80000000, 0xffff),
  maxGroup: 39,
  mask: maskLinkMessages,
};
