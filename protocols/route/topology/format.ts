/**
 * The topology format: links, addresses, routes, permanent neighbours and policy rules of
 * one network namespace, as data. `nlsim snapshot` writes it from a real machine, `--state FILE` and
 * applyTopology() create it in a kernel through rtnetlink requests, and the vitest
 * fixture's `net.apply()` takes the same objects. See docs/topology.md.
 *
 * Only what a user asks for is in it: what the kernel makes on its own (lo, prefix and
 * local routes, link-local addresses, the default rules) is left out, and made again by
 * the kernel the topology is applied to.
 */

/** TOPOLOGY_FORMAT is the version tag a topology file carries in its `nlsim` field. */
export const TOPOLOGY_FORMAT = 'topology/1';

/** LinkKind is the IFLA_INFO_KIND of a link the virtual kernel can create. */
export type LinkKind = 'veth' | 'bridge' | 'ifb' | 'dummy' | 'vlan';

/**
 * LinkSpec describes one link. Without `kind` it names a link that exists already (lo, or
 * the peer of a veth listed earlier): only its settings are applied, with RTM_SETLINK.
 */
export interface LinkSpec {
  name: string;
  /** IFLA_INFO_KIND of a link to create with RTM_NEWLINK. */
  kind?: LinkKind;
  /** The ifindex to ask for (ifi_index of RTM_NEWLINK). Defaults to the kernel's choice. */
  index?: number;
  /** veth: the peer's name (VETH_INFO_PEER). A links entry of that name without `kind` gives the peer's settings. */
  peer?: string;
  /** vlan: the lower device (IFLA_LINK), as in `ip link add link eth0 …`. */
  link?: string;
  /** vlan: IFLA_VLAN_ID. */
  vlanId?: number;
  /** vlan: IFLA_VLAN_PROTOCOL. Defaults to 802.1Q. */
  vlanProtocol?: '802.1Q' | '802.1ad';
  /** The bridge to enslave the link to (IFLA_MASTER). */
  master?: string;
  mtu?: number;
  /** IFLA_TXQLEN. */
  txqlen?: number;
  /** The link-layer address (IFLA_ADDRESS), 'aa:bb:cc:dd:ee:ff'. Defaults to the kernel's (random) choice. */
  address?: string;
  /** Bring the link up (IFF_UP). Defaults to false: links are created down, as on Linux. */
  up?: boolean;
}

/** AddressFlag is an IFA_F_* flag a user may set. */
export type AddressFlag = 'nodad' | 'noprefixroute' | 'homeaddress' | 'managetempaddr' | 'mcautojoin';

/** Scope is an rt_scope_t by name, or its number. */
export type Scope = 'universe' | 'site' | 'link' | 'host' | 'nowhere' | number;

/** AddressSpec is an address on a link, in CIDR notation: '10.0.0.1/24', 'fd00::1/64'. */
export interface AddressSpec {
  dev: string;
  address: string;
  /** The other end of a point-to-point link (IFA_ADDRESS when it differs from IFA_LOCAL). */
  peer?: string;
  /** IPv4 IFA_BROADCAST. */
  broadcast?: string;
  /** IPv4 IFA_LABEL. Defaults to the device name. */
  label?: string;
  /** ifa_scope (IPv4; IPv6 derives it from the address). Defaults to universe. */
  scope?: Scope;
  flags?: AddressFlag[];
  /** IFA_RT_PRIORITY: the metric of the prefix route. */
  metric?: number;
}

/** RouteType is an RTN_* route type by name. */
export type RouteType = 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'nat';

/** RouteSpec is a route: a destination, and a gateway and/or a device for unicast routes. */
export interface RouteSpec {
  /** Destination in CIDR notation, or 'default'. */
  dst: string;
  /** The family of a 'default' route without `via` or `src`: 'inet' (the default) or 'inet6'. */
  family?: 'inet' | 'inet6';
  /** Gateway (RTA_GATEWAY). */
  via?: string;
  /** Output device (RTA_OIF). */
  dev?: string;
  /** Routing table: a number or main, local, default. Defaults to main (254). */
  table?: number | 'main' | 'local' | 'default';
  /** Defaults to unicast. */
  type?: RouteType;
  /** RTA_PRIORITY. Defaults to the kernel's (0 for IPv4, 1024 for IPv6). */
  metric?: number;
  /** rtm_protocol: a number or boot, static, dhcp, ra… Defaults to boot, as `ip route add`. */
  protocol?: number | string;
  /** rtm_scope. Defaults to what `ip route add` chooses: host for local, link for a unicast route without gateway, universe otherwise. */
  scope?: Scope;
  /** Preferred source address (RTA_PREFSRC). */
  src?: string;
  /** RTNH_F_ONLINK: the gateway is on the link even if no prefix says so. */
  onlink?: boolean;
  /**
   * The paths of a multipath route (RTA_MULTIPATH), instead of `via` and `dev`: IPv4 makes one
   * route of them, IPv6 sibling routes (as `ip route add … nexthop … nexthop …`).
   */
  nexthops?: NexthopSpec[];
}

/** NexthopSpec is one path of a multipath route (struct rtnexthop). */
export interface NexthopSpec {
  /** Gateway (RTA_GATEWAY inside the rtnexthop). */
  via?: string;
  /** Output device (rtnh_ifindex). */
  dev?: string;
  /** 1 to 256 (rtnh_hops + 1). Defaults to 1. */
  weight?: number;
  /** RTNH_F_ONLINK on this path. */
  onlink?: boolean;
}

/** NeighbourSpec is a static neighbour entry, as `ip neigh add … nud permanent` makes. */
export interface NeighbourSpec {
  dev: string;
  /** The neighbour's IP address (NDA_DST). */
  dst: string;
  /** Its link-layer address (NDA_LLADDR). */
  lladdr?: string;
  /** Defaults to permanent. */
  state?: 'permanent' | 'noarp';
}

/** RuleAction is a policy rule's FR_ACT_* action by name. */
export type RuleAction = 'lookup' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

/** RuleSpec is a policy routing rule, as `ip rule add` makes. */
export interface RuleSpec {
  /** 'inet' or 'inet6'. Defaults to the family of `from`/`to`, else inet. */
  family?: 'inet' | 'inet6';
  /** FRA_PRIORITY (the preference). Defaults to the kernel's choice (below the lowest one after 0). */
  priority?: number;
  /** Source prefix in CIDR notation. */
  from?: string;
  /** Destination prefix in CIDR notation. */
  to?: string;
  /** FRA_IIFNAME: the input device's name (it need not exist). */
  iif?: string;
  /** FRA_OIFNAME. */
  oif?: string;
  /** FRA_FWMARK. */
  fwmark?: number;
  /** FRA_FWMASK. Defaults to all ones when fwmark is given. */
  fwmask?: number;
  /** Defaults to lookup. */
  action?: RuleAction;
  /** The table of a lookup rule: a number or main, local, default. */
  table?: number | 'main' | 'local' | 'default';
  /** The priority a goto rule jumps to (FRA_GOTO). */
  goto?: number;
  /** FIB_RULE_INVERT: the selector is negated ('not' in ip rule). */
  not?: boolean;
  /** FRA_SUPPRESS_PREFIXLEN. */
  suppressPrefixlen?: number;
  /** FRA_PROTOCOL: a number or boot, static, kernel… Defaults to unspec (0), as `ip rule add`. */
  protocol?: number | string;
}

/** Topology is what applyTopology() creates: links, then addresses, routes, neighbours and rules. */
export interface Topology {
  links?: LinkSpec[];
  addresses?: AddressSpec[];
  routes?: RouteSpec[];
  neighbours?: NeighbourSpec[];
  rules?: RuleSpec[];
}

/** TopologyFile is a topology as a file holds it, with its version. */
export interface TopologyFile extends Topology {
  nlsim: typeof TOPOLOGY_FORMAT;
}
