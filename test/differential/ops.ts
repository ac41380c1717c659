/**
 * Socket operation sequences for property-based differential testing: the same sequence is
 * executed on the simulator and on the real kernel, and every result must agree.
 */
import fc from 'fast-check';
import { AF_NETLINK, AF_UNSPEC, MSG, NETLINK_OPT, SO, SOCK_DGRAM, SOCK_RAW, SOL_NETLINK, SOL_SOCKET } from '../../sim/uapi/netlink.js';

/** PidRef names a port id: a literal, or whatever port id socket `slot` has when the op runs. */
export type PidRef = { literal: number } | { slot: number };

/** Payload is what a send carries: raw bytes, or netlink messages built from fields. */
export type Payload =
  | { raw: Uint8Array }
  | { messages: { type: number; flags: number; seq: number; pid: number; body: Uint8Array; lenDelta: number }[] };

/** Op is one system call of a sequence. Sockets are addressed by slot (0–3). */
export type Op =
  | { op: 'socket'; slot: number; type: number; protocol: number }
  | { op: 'bind'; slot: number; pid: PidRef; groups: number }
  | { op: 'bindRaw'; slot: number; family: number; len: number }
  | { op: 'connect'; slot: number; pid: PidRef; groups: number }
  | { op: 'disconnect'; slot: number }
  | { op: 'send'; slot: number; payload: Payload; dst: { pid: PidRef; groups: number } | null; flags: number }
  | { op: 'flood'; slot: number; dst: { pid: PidRef; groups: number }; count: number; len: number }
  | { op: 'recv'; slot: number; bufferSize: number; flags: number; controlSize: number }
  | { op: 'setsockopt'; slot: number; level: number; name: number; value: number | Uint8Array }
  | { op: 'getsockopt'; slot: number; level: number; name: number; optlen: number }
  | { op: 'names'; slot: number }
  | { op: 'close'; slot: number };

const slot = fc.nat(3);
const pidRef: fc.Arbitrary<PidRef> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ slot }) },
  { weight: 2, arbitrary: fc.record({ literal: fc.constantFrom(0, 1, 100, 101, 0xffffffff) }) },
);
/** anyGroups: group masks for bind, connect and sendto. */
export const anyGroups = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.constantFrom(1, 2, 3, 0x80000000, 0x10) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) });

/** Message is one netlink message of a send, built from fields (lenDelta corrupts nlmsg_len). */
export type Message = { type: number; flags: number; seq: number; pid: number; body: Uint8Array; lenDelta: number };

/** anyMessage: any type, any flags, any body. */
export const anyMessage: fc.Arbitrary<Message> = fc.record({
  type: fc.oneof(fc.integer({ min: 0, max: 0x20 }), fc.integer({ min: 0, max: 0xffff })),
  flags: fc.oneof(fc.constantFrom(0x1, 0x5, 0x4, 0x0, 0x301, 0x305), fc.integer({ min: 0, max: 0xffff })),
  seq: fc.nat(1000),
  pid: fc.constantFrom(0, 1),
  body: fc.uint8Array({ maxLength: 40 }),
  lenDelta: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -20, max: 8 }) }),
});

function payloadArb(message: fc.Arbitrary<Message>): fc.Arbitrary<Payload> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ messages: fc.array(message, { minLength: 1, maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ raw: fc.uint8Array({ maxLength: 48 }) }) },
    { weight: 1, arbitrary: fc.record({ raw: fc.constantFrom(new Uint8Array(5000), new Uint8Array(20000)) }) },
  );
}

const sendFlags = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(MSG.MSG_OOB, MSG.MSG_CONFIRM, MSG.MSG_MORE) });
const recvFlags = fc.constantFrom(0, 0, 0, MSG.MSG_PEEK, MSG.MSG_TRUNC, MSG.MSG_PEEK | MSG.MSG_TRUNC, MSG.MSG_OOB);


/**
 * Profile tells the generator what a protocol's sequences may contain: the messages sent
 * (which must be ones the simulator models on that protocol, since anything may reach the
 * kernel), and the highest group number to join (the real kernel may have more groups
 * than the simulator registers, e.g. NETLINK_GENERIC grows with every family).
 */
export interface Profile {
  protocol: number;
  message: fc.Arbitrary<Message>;
  /** Group masks used in bind, connect and sendto. Defaults to anyGroups. */
  groups?: fc.Arbitrary<number>;
  /** Values for NETLINK_ADD/DROP_MEMBERSHIP (and other SOL_NETLINK options) up to this group. */
  maxGroup: number;
  /** Group numbers the real kernel treats specially and the simulator cannot model; never joined. */
  avoidGroups?: readonly number[];
  /** Skip NETLINK_LIST_MEMBERSHIPS, whose optlen reports the protocol's group count. */
  noListMemberships?: boolean;
  /** Masks values of received datagrams that vary between runs of Linux (see masks.ts). */
  mask?: (data: Uint8Array) => Uint8Array;
}

/** opArb generates ops for sockets of the profile's protocol. */
export function opArb(profile: Profile): fc.Arbitrary<Op> {
  const protocols = [profile.protocol];
  const groups = profile.groups ?? anyGroups;
  const payload = payloadArb(profile.message);
  const netlinkOptNames = Object.values(NETLINK_OPT).filter((n) => !(profile.noListMemberships && n === NETLINK_OPT.NETLINK_LIST_MEMBERSHIPS));
  const sockoptValue = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 5, 32, 33, 0x100).filter((v) => (v <= profile.maxGroup || v > 0xff) && !profile.avoidGroups?.includes(v)) },
    { weight: 1, arbitrary: fc.constantFrom(new Uint8Array(0), new Uint8Array([1, 0]), new Uint8Array([3, 0, 0, 0, 9])) },
  );
  const protocol = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...protocols) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1, 32) });
  const type = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(SOCK_RAW, SOCK_DGRAM) }, { weight: 1, arbitrary: fc.constantFrom(1, 5, 11) });
  return fc.oneof(
    { weight: 1, arbitrary: fc.record({ op: fc.constant('socket' as const), slot, type, protocol }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('bind' as const), slot, pid: pidRef, groups }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('bindRaw' as const), slot, family: fc.constantFrom(AF_NETLINK, AF_UNSPEC, 2), len: fc.constantFrom(0, 2, 8, 11, 12, 16, 128, 129) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('connect' as const), slot, pid: pidRef, groups }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('disconnect' as const), slot }) },
    { weight: 8, arbitrary: fc.record({ op: fc.constant('send' as const), slot, payload, dst: fc.option(fc.record({ pid: pidRef, groups }), { freq: 4, nil: null }), flags: sendFlags }) },
    {
      // bursts that fill receive queues: overruns, congestion, EAGAIN
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('flood' as const), slot, dst: fc.record({ pid: pidRef, groups }), count: fc.integer({ min: 2, max: 40 }), len: fc.constantFrom(16, 300, 4000, 5000) }),
    },
    { weight: 8, arbitrary: fc.record({ op: fc.constant('recv' as const), slot, bufferSize: fc.constantFrom(0, 4, 16, 36, 100, 4096, 32768), flags: recvFlags, controlSize: fc.constantFrom(0, 16, 64) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('setsockopt' as const),
        slot,
        level: fc.constantFrom(SOL_NETLINK, SOL_NETLINK, 6),
        name: fc.oneof(fc.constantFrom(...netlinkOptNames), fc.constantFrom(0, 13)),
        value: sockoptValue,
      }),
    },
    {
      // small buffers, so that overruns, congestion, EAGAIN and EMSGSIZE are reached
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('setsockopt' as const),
        slot,
        level: fc.constant(SOL_SOCKET),
        name: fc.constantFrom(SO.SO_RCVBUF, SO.SO_RCVBUF, SO.SO_SNDBUF),
        value: fc.constantFrom(0, 1200, 3000),
      }),
    },
    {
      // SOL_SOCKET: the options nlsim models (sim/sockopt.ts); the rest of sk_setsockopt() is not.
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('setsockopt' as const),
        slot,
        level: fc.constant(SOL_SOCKET),
        name: fc.constantFrom(...Object.values(SO)),
        value: sockoptValue,
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          slot,
          option: fc.oneof(
            fc.record({ level: fc.constant(SOL_NETLINK), name: fc.oneof(fc.constantFrom(...netlinkOptNames), fc.constantFrom(0, 13)) }),
            fc.record({ level: fc.constant(SOL_SOCKET), name: fc.constantFrom(...Object.values(SO)) }),
            // SO_MEMINFO compares receive-queue accounting and drop counts with the kernel's
            { arbitrary: fc.record({ level: fc.constant(SOL_SOCKET), name: fc.constant(SO.SO_MEMINFO) }), weight: 3 },
          ),
          optlen: fc.constantFrom(-1, 0, 2, 4, 8, 16, 36, 36, 36),
        })
        .map(({ slot, option, optlen }) => ({ op: 'getsockopt' as const, slot, level: option.level, name: option.name, optlen })),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('names' as const), slot }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), slot }) },
  );
}

/**
 * sequenceArb generates op sequences: four sockets opened (on random protocols among
 * `protocols`), most of them bound (autobind or a literal id, with random groups), then
 * random operations. Starting from live, bound sockets keeps most operations meaningful.
 */
export function sequenceArb(profile: Profile, maxLength = 40): fc.Arbitrary<Op[]> {
  const setup = fc.tuple(
    fc.constant(profile.protocol),
    fc.option(fc.record({ pid: fc.constantFrom<PidRef>({ literal: 0 }, { literal: 100 }, { literal: 101 }), groups: profile.groups ?? anyGroups }), { freq: 4, nil: null }),
  );
  return fc
    .tuple(fc.array(setup, { minLength: 4, maxLength: 4 }), fc.array(opArb(profile), { minLength: 1, maxLength, size: 'medium' }))
    .map(([sockets, ops]) => {
      const prefix: Op[] = [];
      sockets.forEach(([protocol, bind], i) => {
        prefix.push({ op: 'socket', slot: i, type: SOCK_RAW, protocol });
        if (bind) prefix.push({ op: 'bind', slot: i, pid: bind.pid, groups: bind.groups });
      });
      return [...prefix, ...ops];
    });
}
