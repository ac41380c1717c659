/**
 * IFLA_AF_SPEC in RTM_SETLINK / RTM_NEWLINK on an existing device: validate_linkmsg()'s
 * per-family checks (rtnl_af_ops validate_link_af) and do_setlink()'s set_link_af, for
 * AF_INET6 (inet6_validate_link_af(), inet6_set_link_af(): addr_gen_mode and token).
 */
import { KernelError } from '../../../sim/errors.js';
import { type AttrView, NLA, NL_VALIDATE, parseAttrs, type Policy } from '../../../sim/wire/policy.js';
import type { NetDevice } from './device.js';
import { AF_INET, AF_INET6, IFLA_INET6 } from './uapi.js';

/** DEVCONF_ADDR_GEN_MODE: the index of addr_gen_mode in the IPv6 devconf array. */
const DEVCONF_ADDR_GEN_MODE = 47;
/** IN6_ADDR_GEN_MODE_STABLE_PRIVACY needs a stable_secret, which nlsim never has. */
const IN6_ADDR_GEN_MODE_STABLE_PRIVACY = 2;
const IN6_ADDR_GEN_MODE_RANDOM = 3;

/** INET6_AF_POLICY is inet6_af_policy. */
const INET6_AF_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[IFLA_INET6.IFLA_INET6_ADDR_GEN_MODE] = { type: NLA.NLA_U8 };
  p[IFLA_INET6.IFLA_INET6_TOKEN] = { type: NLA.NLA_UNSPEC, len: 16 };
  p[IFLA_INET6.IFLA_INET6_RA_MTU] = { type: NLA.NLA_REJECT, rejectMessage: 'IFLA_INET6_RA_MTU can not be set' };
  return p;
})();

/** AfChange is one family's validated change. */
export type AfChange = () => void;

/**
 * validateAfSpec mirrors validate_linkmsg()'s IFLA_AF_SPEC loop and returns the changes
 * set_link_af will apply (in nest order) once the other checks passed.
 */
export function validateAfSpec(message: Uint8Array, spec: AttrView, dev: NetDevice): AfChange[] {
  const changes: AfChange[] = [];
  const nests = parseAllNested(message, spec);
  for (const af of nests) {
    if (af.type === AF_INET) {
      changes.push(inetConf(message, af, dev));
      continue;
    }
    if (af.type !== AF_INET6) throw new KernelError('EAFNOSUPPORT');
    if (!dev.inet6) throw new KernelError('EAFNOSUPPORT');
    const tb = parseAttrs(message.subarray(0, af.offset + 4 + af.length), af.offset + 4, INET6_AF_POLICY, 9, NL_VALIDATE.NL_VALIDATE_LIBERAL).attrs;
    const mode = tb[IFLA_INET6.IFLA_INET6_ADDR_GEN_MODE];
    const token = tb[IFLA_INET6.IFLA_INET6_TOKEN];
    if (!mode && !token) throw new KernelError('EINVAL');
    let m = -1;
    if (mode) {
      m = mode.u8();
      if (m > IN6_ADDR_GEN_MODE_RANDOM) throw new KernelError('EINVAL');
      if (m === IN6_ADDR_GEN_MODE_STABLE_PRIVACY) throw new KernelError('EINVAL');
    }
    if (token) throw new KernelError('EOPNOTSUPP', { message: 'nlsim: IPv6 tokens are not modelled yet', offset: token.offset });
    const idev = dev.inet6;
    changes.push(() => {
      if (m >= 0) {
        idev.addrGenMode = m;
        idev.conf[DEVCONF_ADDR_GEN_MODE] = m;
      }
    });
  }
  return changes;
}

/** inetConf mirrors inet_validate_link_af() and inet_set_link_af(): IFLA_INET_CONF entries (type = index + 1). */
function inetConf(message: Uint8Array, af: { offset: number; length: number }, dev: NetDevice): AfChange {
  const inet = dev.inet;
  if (!inet) throw new KernelError('EAFNOSUPPORT');
  const sets: [number, number][] = [];
  for (const a of parseAllNested(message, { offset: af.offset, length: af.length })) {
    if (a.type !== IFLA_INET_CONF) continue;
    for (const c of parseAllNested(message, a)) {
      if (c.length < 4 || c.type <= 0 || c.type > inet.length) throw new KernelError('EINVAL');
      sets.push([c.type - 1, new DataView(message.buffer, message.byteOffset).getUint32(c.offset + 4, true)]);
    }
  }
  return () => {
    for (const [i, v] of sets) inet[i] = v;
  };
}

/** IFLA_INET_CONF: the devconf nest of AF_INET. */
const IFLA_INET_CONF = 1;

/** parseAllNested lists the attributes of a nest, repeats included (nla_for_each_nested()). */
function parseAllNested(message: Uint8Array, nest: { offset: number; length: number }): { type: number; offset: number; length: number }[] {
  const out: { type: number; offset: number; length: number }[] = [];
  const end = nest.offset + 4 + nest.length;
  let off = nest.offset + 4;
  const v = new DataView(message.buffer, message.byteOffset, message.byteLength);
  while (end - off >= 4) {
    const len = v.getUint16(off, true);
    if (len < 4 || len > end - off) break;
    out.push({ type: v.getUint16(off + 2, true) & 0x3fff, offset: off, length: len - 4 });
    off += (len + 3) & ~3;
  }
  return out;
}
