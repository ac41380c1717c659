/** The link kinds nlsim knows, as rtnl_link_register() leaves them in link_ops. */
import type { LinkKind } from '../link-kind.js';
import { bridge } from './bridge.js';
import { dummy, ifb } from './simple.js';
import { veth } from './veth.js';
import { vlan } from './vlan.js';

const KINDS = new Map<string, LinkKind>([veth, bridge, ifb, dummy, vlan].map((k) => [k.kind, k]));

/** linkKind mirrors rtnl_link_ops_get(): the kind named `kind`, if any. */
export function linkKind(kind: string): LinkKind | undefined {
  return KINDS.get(kind);
}
