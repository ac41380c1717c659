/**
 * The decoded form of a netlink capture: a tree like `tshark -V` prints, made of plain data so
 * that `--json` is the same tree serialised. Every node keeps its byte offset in the datagram,
 * so a reader can go from a printed line back to the bytes.
 */

/** Scalar is a decoded value: numbers, strings (addresses, names), booleans for flags, null. */
export type Scalar = number | string | boolean | null;

/** Field is one decoded field of a fixed header or struct: `family`, `ifi_index`… */
export interface Field {
  name: string;
  value: Scalar;
  /** A symbolic rendering when the number has a name: `AF_INET`, `IFF_UP|IFF_LOOPBACK`. */
  text?: string;
  /** Set for values that change between runs of one kernel (replay ignores them). */
  volatile?: VolatileKind;
}

/** AttrNode is one netlink attribute, decoded as far as the schema knows it. */
export interface AttrNode {
  /** The attribute's name (`IFLA_IFNAME`), or `attr <n>` when the schema has none. */
  name: string;
  /** nla_type without NLA_F_NESTED / NLA_F_NET_BYTEORDER. */
  type: number;
  /** NLA_F_NESTED and NLA_F_NET_BYTEORDER, by name, when set. */
  typeFlags?: string[];
  /** Offset of the attribute header in the datagram. */
  offset: number;
  /** nla_len: header included. */
  length: number;
  /** The typed value of a scalar attribute. u64 values above 2^53 are decimal strings. */
  value?: Scalar;
  /** A symbolic rendering of `value`. */
  text?: string;
  /** Struct payloads (IFLA_STATS64, IFA_CACHEINFO…), field by field. */
  fields?: Field[];
  /** Nested attributes. */
  attrs?: AttrNode[];
  /** Arrays of scalars (IFLA_INET_CONF's devconf values). */
  values?: number[];
  /** Raw payload as hex: unknown attributes, and payloads whose length does not fit their type. */
  hex?: string;
  /** Why the payload was not decoded as its type (wrong length…). */
  problem?: string;
  /** Set by the schema for values that change between runs of one kernel (replay ignores them). */
  volatile?: VolatileKind;
}

/** VolatileKind classifies values that differ between two correct answers. */
export type VolatileKind = 'counter' | 'mac' | 'timestamp' | 'random';

/** HeaderNode is a decoded nlmsghdr. */
export interface HeaderNode {
  len: number;
  type: number;
  typeName: string;
  flags: number;
  flagNames: string[];
  seq: number;
  pid: number;
}

/** ErrorNode is the payload of an NLMSG_ERROR. */
export interface ErrorNode {
  /** 0 (ACK) or the negative errno. */
  error: number;
  /** `EINVAL`, or `ACK` for 0. */
  errno: string;
  /** The echoed request, decoded as far as it was echoed. */
  request?: MessageNode;
  /** Extended-ACK attributes. */
  extack?: AttrNode[];
}

/** DoneNode is the payload of an NLMSG_DONE. */
export interface DoneNode {
  error: number;
  errno: string;
  extack?: AttrNode[];
}

/** MessageNode is one decoded netlink message. */
export interface MessageNode {
  /** Offset of the message in its datagram. */
  offset: number;
  header: HeaderNode;
  /** The family-specific header's name (`ifinfomsg`, `genlmsghdr`…) and fields. */
  familyHeader?: { name: string; fields: Field[] };
  attrs?: AttrNode[];
  error?: ErrorNode;
  done?: DoneNode;
  /** Payload bytes nothing decoded (unknown type, truncated header, leftover bytes). */
  hex?: string;
  /** Problems found while decoding (never fatal). */
  problems?: string[];
}

/** UeventNode is a KOBJECT_UEVENT datagram: text, not nlmsghdr. */
export interface UeventNode {
  /** `kernel` (`action@devpath`) or `libudev` (udevd's binary header). */
  source: 'kernel' | 'libudev';
  /** The first line for kernel events (`add@/devices/…`). */
  summary?: string;
  /** The KEY=VALUE strings. */
  properties: string[];
}

/** PacketNode is one capture record decoded. */
export interface PacketNode {
  /** The record's index in the file, from 0. */
  index: number;
  /** Capture time as an ISO string with nanoseconds. */
  time: string;
  protocol: number;
  protocolName: string;
  /** 'to-kernel' when the first message carries NLM_F_REQUEST, else 'from-kernel'. */
  direction: 'to-kernel' | 'from-kernel' | 'unknown';
  /** The payload byte order the decoder used. */
  byteOrder: 'LE' | 'BE';
  /** Datagram length (before any snaplen cut). */
  length: number;
  /** Bytes captured, when less than `length`. */
  captured?: number;
  messages: MessageNode[];
  uevent?: UeventNode;
  /** Bytes after the last message that do not make one. */
  trailingHex?: string;
}
