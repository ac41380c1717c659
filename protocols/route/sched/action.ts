/**
 * act_api.c's rtnetlink handlers: RTM_{NEW,DEL,GET}ACTION (tc_ctl_action()) and the
 * RTM_GETACTION dump (tc_dump_action()). nlsim has no actions, so a dump is empty whatever
 * the kind, and a get or delete of an action finds nothing.
 */
import type { DumpControl, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { NLMSG_GOODSIZE } from '../../../sim/skb.js';
import { NLM_F_ROOT } from '../../../sim/uapi/netlink.js';
import { NLA, NL_VALIDATE, nlmsgParse, parseAttrs, type Policy } from '../../../sim/wire/policy.js';
import type { Rtnetlink } from '../core/index.js';
import { RTM } from '../core/uapi.js';
import { nlaStrcmp } from './qdisc-api.js';
import { TC_COOKIE_MAX_SIZE, TCA_ACT, TCA_ACT_FLAGS_VALID, TCA_ACT_HW_STATS_ANY, TCA_ACT_MAX, TCA_ACT_MAX_PRIO, TCA_ROOT, TCA_ROOT_FLAGS_VALID, TCA_ROOT_MAX, TCAMSG_LEN } from './uapi.js';

const LIBERAL = NL_VALIDATE.NL_VALIDATE_LIBERAL;

/**
 * ACTION_KINDS are the tc_action_ops registered on the reference kernel (6.18 with act_mirred
 * only): tc_lookup_action() finds these.
 */
const ACTION_KINDS = ['mirred'];

/** tcaa_policy: TCA_ROOT_FLAGS (large dump, terse) and TCA_ROOT_TIME_DELTA. */
const TCAA_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[TCA_ROOT.TCA_ROOT_FLAGS] = { type: NLA.NLA_BITFIELD32, bitfield32Valid: TCA_ROOT_FLAGS_VALID };
  p[TCA_ROOT.TCA_ROOT_TIME_DELTA] = { type: NLA.NLA_U32 };
  return p;
})();

/** tcf_action_policy: one action's attributes. */
const TCF_ACTION_POLICY: Policy = (() => {
  const p: Policy[number][] = [];
  p[TCA_ACT.TCA_ACT_KIND] = { type: NLA.NLA_STRING };
  p[TCA_ACT.TCA_ACT_INDEX] = { type: NLA.NLA_U32 };
  p[TCA_ACT.TCA_ACT_COOKIE] = { type: NLA.NLA_BINARY, len: TC_COOKIE_MAX_SIZE };
  p[TCA_ACT.TCA_ACT_OPTIONS] = { type: NLA.NLA_NESTED };
  p[TCA_ACT.TCA_ACT_FLAGS] = { type: NLA.NLA_BITFIELD32, bitfield32Valid: TCA_ACT_FLAGS_VALID };
  p[TCA_ACT.TCA_ACT_HW_STATS] = { type: NLA.NLA_BITFIELD32, bitfield32Valid: TCA_ACT_HW_STATS_ANY };
  return p;
})();

/**
 * tcCtlAction mirrors tc_ctl_action() for RTM_GETACTION and RTM_DELACTION: tca_action_gd()
 * parses the numbered actions and tcf_action_get_1() looks each up, which fails (no action
 * exists); a get of no action at all is answered with an empty list. Creating actions
 * (RTM_NEWACTION), flushing, and deleting an empty list are not modelled.
 */
function tcCtlAction(ctx: RequestContext): number {
  const tca = nlmsgParse(ctx.message, TCAMSG_LEN, null, TCA_ROOT_MAX, LIBERAL);
  if (tca.warning) ctx.extack.message = tca.warning;
  const tab = tca.attrs[TCA_ROOT.TCA_ACT_TAB];
  if (!tab) throw new KernelError('EINVAL', 'Netlink action attributes missing');
  const type = ctx.header.type;
  if (type === RTM.RTM_NEWACTION) throw new KernelError('EOPNOTSUPP', 'nlsim: creating actions is not modelled yet');
  const tb = parseAttrs(ctx.message.subarray(0, tab.offset + 4 + tab.payload.length), tab.offset + 4, null, TCA_ACT_MAX_PRIO, LIBERAL).attrs;
  if (type === RTM.RTM_DELACTION && ctx.header.flags & NLM_F_ROOT) {
    if (tb[1]) throw new KernelError('EOPNOTSUPP', 'nlsim: flushing actions is not modelled yet');
    throw new KernelError('EINVAL', 'Invalid netlink attributes while flushing TC action');
  }
  const first = tb[1];
  if (!first) {
    if (type === RTM.RTM_DELACTION) throw new KernelError('EOPNOTSUPP', 'nlsim: deleting an empty list of actions is not modelled yet');
    // tcf_get_notify() of no actions: tca_get_fill() answers the requester alone, with an
    // RTM_GETACTION holding an empty TCA_ACT_TAB.
    ctx.reply(
      ctx.encode(RTM.RTM_GETACTION, (w) => {
        w.raw(new Uint8Array(TCAMSG_LEN));
        w.endNest(w.beginNest(TCA_ROOT.TCA_ACT_TAB, false));
      }),
      { allocSize: NLMSG_GOODSIZE },
    );
    return 0;
  }
  // tcf_action_get_1() for the first action: every one fails, so the first error is the answer.
  const a = parseAttrs(ctx.message.subarray(0, first.offset + 4 + first.payload.length), first.offset + 4, TCF_ACTION_POLICY, TCA_ACT_MAX, LIBERAL).attrs;
  const index = a[TCA_ACT.TCA_ACT_INDEX];
  if (!index || index.length < 4) throw new KernelError('EINVAL', 'Invalid TC action index value');
  const kind = a[TCA_ACT.TCA_ACT_KIND];
  if (!kind || !ACTION_KINDS.some((k) => nlaStrcmp(kind, k) === 0)) throw new KernelError('EINVAL', 'Specified TC action kind not found');
  throw new KernelError('ENOENT', 'TC action with specified index not found');
}

/** tcDumpAction mirrors tc_dump_action(): the request is parsed, then no action of any kind is found. */
function tcDumpAction(): DumpControl {
  return {
    dump: (_chunk, d: DumpState) => {
      try {
        nlmsgParse(d.requestMessage, TCAMSG_LEN, TCAA_POLICY, TCA_ROOT_MAX, LIBERAL);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        Object.assign(d.extack, e.extack);
        return e.errno;
      }
      return 0;
    },
  };
}

/** registerActionApi installs act_api.c's handlers (tc_action_init()). */
export function registerActionApi(rtnl: Rtnetlink): void {
  rtnl.register(0, RTM.RTM_NEWACTION, { doit: tcCtlAction });
  rtnl.register(0, RTM.RTM_DELACTION, { doit: tcCtlAction });
  rtnl.register(0, RTM.RTM_GETACTION, { doit: tcCtlAction, dumpit: () => tcDumpAction() });
}
