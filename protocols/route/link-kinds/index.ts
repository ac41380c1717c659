/**
 * The link kinds nlsim knows, as rtnl_link_register() leaves them in link_ops: each only in a
 * kernel built with its driver (a module counts: __rtnl_newlink() loads "rtnl-link-KIND").
 */
import type { ConfigOption, KernelConfig } from '../../../sim/profile.js';
import type { LinkKind } from '../core/index.js';
import { bridge } from '../bridge/index.js';
import { dummy, ifb } from './simple.js';
import { veth } from './veth.js';
import { vlan } from './vlan.js';

/** KINDS maps each kind to the option that builds its driver. */
const KINDS = new Map<string, readonly [LinkKind, ConfigOption]>(
  ([[veth, 'VETH'], [bridge, 'BRIDGE'], [ifb, 'IFB'], [dummy, 'DUMMY'], [vlan, 'VLAN_8021Q']] as const).map(([k, option]) => [k.kind, [k, option]]),
);

/**
 * linkOps lists the kinds a kernel built with `config` registers (each driver's
 * rtnl_link_register()); core/links.ts looks kinds up in it as rtnl_link_ops_get() does.
 */
export function linkOps(config: KernelConfig): ReadonlyMap<string, LinkKind> {
  return new Map([...KINDS].filter(([, [, option]]) => config[option]).map(([name, [kind]]) => [name, kind]));
}
