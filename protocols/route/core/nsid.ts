/**
 * Namespace ids (net/core/net_namespace.c): RTM_GETNSID (rtnl_net_getid(), rtnl_net_dumpid())
 * and RTM_NEWNSID (rtnl_net_newid()) in a namespace that has given no peer namespace an id:
 * the dump is empty, and every lookup fails the way Linux fails it.
 *
 * @note Peers named by NETNSA_PID are looked up among the host's processes (ESRCH when there
 * is none); a process that exists, and any NETNSA_FD, name a namespace nlsim cannot see, so
 * those requests are refused with EOPNOTSUPP. No RTM_DELNSID handler exists on Linux either.
 */
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { type AttrView, NLA, NL_VALIDATE, nlmsgParse, type Policy } from '../../../sim/wire/policy.js';
import type { Rtnetlink } from './rtnetlink.js';
import { RTM } from './uapi.js';

/** NETNSA holds the netns id attributes (linux/net_namespace.h). */
export const NETNSA = { NETNSA_NSID: 1, NETNSA_PID: 2, NETNSA_FD: 3, NETNSA_TARGET_NSID: 4, NETNSA_CURRENT_NSID: 5 } as const;
const NETNSA_MAX = 5;
/** sizeof(struct rtgenmsg). */
const RTGENMSG_LEN = 1;

/** RTNL_NET_POLICY is rtnl_net_policy. */
const RTNL_NET_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[NETNSA.NETNSA_NSID] = { type: NLA.NLA_S32 };
  p[NETNSA.NETNSA_PID] = { type: NLA.NLA_U32 };
  p[NETNSA.NETNSA_FD] = { type: NLA.NLA_U32 };
  p[NETNSA.NETNSA_TARGET_NSID] = { type: NLA.NLA_S32 };
  return p;
})();

type Tb = (AttrView | undefined)[];

function parse(ctx: { message: Uint8Array; extack: object }, strict: boolean): Tb {
  // nlmsg_parse_deprecated_strict() when strict: unknown types refused, lengths as before.
  const level = strict ? NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT : NL_VALIDATE.NL_VALIDATE_LIBERAL;
  const r = nlmsgParse(ctx.message, RTGENMSG_LEN, RTNL_NET_POLICY, NETNSA_MAX, level);
  if (r.warning) Object.assign(ctx.extack, { message: r.warning });
  return r.attrs;
}

/** invalidPeer is the error of a peer reference that names no namespace (NL_SET_BAD_ATTR plus the message). */
function invalidPeer(code: 'ENOENT' | 'ESRCH', attr: AttrView): KernelError {
  return new KernelError(code, { message: 'Peer netns reference is invalid', offset: attr.offset });
}

/**
 * peerByPid mirrors get_net_ns_by_pid(): ESRCH without such a process. A process that
 * exists lives in a namespace nlsim does not model.
 */
function peerByPid(attr: AttrView): never {
  let exists = true;
  try {
    process.kill(attr.u32() | 0, 0);
  } catch (e) {
    exists = (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!exists || attr.u32() === 0 || attr.u32() > 0x7fffffff) throw invalidPeer('ESRCH', attr);
  throw new KernelError('EOPNOTSUPP', 'nlsim: peer namespaces named by pid or fd are not modelled');
}

/** peer mirrors the peer lookup shared by rtnl_net_getid() and rtnl_net_newid(). */
function peer(tb: Tb, allowNsid: boolean): never {
  if (tb[NETNSA.NETNSA_PID]) peerByPid(tb[NETNSA.NETNSA_PID]!);
  if (tb[NETNSA.NETNSA_FD]) throw new KernelError('EOPNOTSUPP', 'nlsim: peer namespaces named by pid or fd are not modelled');
  if (allowNsid && tb[NETNSA.NETNSA_NSID]) throw invalidPeer('ENOENT', tb[NETNSA.NETNSA_NSID]!);
  throw new KernelError('EINVAL', 'Peer netns reference is missing');
}

/** getid mirrors rtnl_net_getid() with rtnl_net_valid_getid_req(). */
function getid(ctx: RequestContext): never {
  const tb = parse(ctx, ctx.strictCheck);
  if (ctx.strictCheck) {
    for (let i = 0; i <= NETNSA_MAX; i++) {
      if (!tb[i]) continue;
      if (i !== NETNSA.NETNSA_PID && i !== NETNSA.NETNSA_FD && i !== NETNSA.NETNSA_NSID && i !== NETNSA.NETNSA_TARGET_NSID) {
        throw new KernelError('EINVAL', 'Unsupported attribute in peer netns getid request');
      }
    }
  }
  return peer(tb, true);
}

/** newid mirrors rtnl_net_newid(): NETNSA_NSID is required, the peer comes from PID or FD. */
function newid(ctx: RequestContext): never {
  const tb = parse(ctx, false);
  if (!tb[NETNSA.NETNSA_NSID]) throw new KernelError('EINVAL', 'nsid is missing');
  return peer(tb, false);
}

/** registerNsid installs net_ns_init()'s RTM_NEWNSID and RTM_GETNSID handlers. */
export function registerNsid(rtnl: Rtnetlink): void {
  rtnl.register(0, RTM.RTM_NEWNSID, { doit: newid });
  rtnl.register(0, RTM.RTM_GETNSID, {
    doit: getid,
    // rtnl_net_dumpid(): rtnl_valid_dump_net_req() with strict checking, then nothing to dump.
    dumpit: () => ({
      dump: (_chunk, d) => {
        if (!d.strictCheck) return 0;
        try {
          const tb = parse({ message: d.requestMessage, extack: d.extack }, true);
          for (let i = 0; i <= NETNSA_MAX; i++) {
            if (!tb[i]) continue;
            if (i !== NETNSA.NETNSA_TARGET_NSID) throw new KernelError('EINVAL', { message: 'Unsupported attribute in dump request', offset: tb[i]!.offset });
            throw new KernelError('EINVAL', { message: 'Invalid target network namespace id', offset: tb[i]!.offset });
          }
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
          Object.assign(d.extack, e.extack);
          return e.errno;
        }
        return 0;
      },
    }),
  });
}
