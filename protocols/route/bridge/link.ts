/**
 * The bridge over AF_BRIDGE rtnetlink: RTM_GETLINK dumps one message per bridge port
 * (rtnl_bridge_getlink() with the master's ndo_bridge_getlink, br_getlink()) and
 * RTM_SETLINK hands IFLA_PROTINFO / IFLA_AF_SPEC to the bridge (rtnl_bridge_setlink(),
 * br_setlink()). The request checks are rtnetlink.c's; they live here because the bridge is
 * the only device nlsim models with those ndo hooks.
 */
import type { DumpControl, DumpState } from '../../../sim/dump.js';
import { KernelError } from '../../../sim/errors.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import { AttrView, NL_VALIDATE, nlmsgParse, parseAttrs } from '../../../sim/wire/policy.js';
import { decodeIfInfoMsg } from '../core/index.js';
import { IFLA_POLICY } from '../core/index.js';
import { NetOps } from '../core/index.js';
import type { Rtnetlink } from '../core/index.js';
import type { NetworkState } from '../core/index.js';
import { IFINFOMSG_LEN, IFLA, IFLA_MAX, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK, RTEXT_FILTER } from '../core/uapi.js';
import { brFillIfinfo, bridgeDellink, bridgeSetlink } from './bridge.js';

const EMSGSIZE = -90;
/** AF_BRIDGE (PF_BRIDGE). */
const AF_BRIDGE = 7;

/** fail ends a dump round with a KernelError's errno and extack. */
function fail(d: DumpState, e: unknown): number {
  if (!(e instanceof KernelError)) throw e;
  Object.assign(d.extack, e.extack);
  return e.errno;
}

/** registerBridgeLink installs the AF_BRIDGE RTM_GETLINK dump and RTM_SETLINK (rtnetlink_init()). */
export function registerBridgeLink(rtnl: Rtnetlink, state: NetworkState): void {
  // Measured on 6.18: the bridge dump returns skb->len, so its DONE comes alone after a
  // round that found nothing more.
  rtnl.register(AF_BRIDGE, RTM_GETLINK, { dumpit: (ctx) => bridgeDump(ctx, state) });
  rtnl.register(AF_BRIDGE, RTM_SETLINK, { doit: (ctx) => bridgeSetlinkDoit(ctx, state) });
  rtnl.register(AF_BRIDGE, RTM_DELLINK, { doit: (ctx) => bridgeDellinkDoit(ctx, state) });
}

/**
 * bridgeDellinkDoit mirrors rtnl_bridge_dellink()'s request handling: the ifinfomsg, the
 * device by index, the first IFLA_AF_SPEC (nlmsg_find_attr(), no validation).
 */
function bridgeDellinkDoit(ctx: RequestContext, state: NetworkState): void {
  if (ctx.payload.length < IFINFOMSG_LEN) throw new KernelError('EINVAL');
  const links = state.links(ctx.skb.sock.netns);
  const ifm = decodeIfInfoMsg(ctx.payload);
  const spec = attrsToArray(ctx.message, 16 + IFINFOMSG_LEN).find((x) => x.type === IFLA.IFLA_AF_SPEC);
  const afSpec = spec ? attrsToArray(ctx.message, spec.offset + 4, spec.offset + 4 + spec.payload.length).map((a) => new AttrView(a.type | a.flags, a.offset, a.payload)) : undefined;
  bridgeDellink(links.byIndex(ifm.index), afSpec);
}

/** NLA_F_NESTED on an attribute's type. */
const NLA_F_NESTED = 0x8000;

/**
 * bridgeSetlinkDoit mirrors rtnl_bridge_setlink()'s request handling: the ifinfomsg, the
 * device by index, and the first IFLA_PROTINFO and IFLA_AF_SPEC (nlmsg_find_attr(), no
 * validation), handed to the bridge.
 */
function bridgeSetlinkDoit(ctx: RequestContext, state: NetworkState): void {
  if (ctx.payload.length < IFINFOMSG_LEN) throw new KernelError('EINVAL');
  const links = state.links(ctx.skb.sock.netns);
  const ifm = decodeIfInfoMsg(ctx.payload);
  const msg = ctx.message;
  const top = attrsToArray(msg, 16 + IFINFOMSG_LEN);
  const find = (type: number) => {
    const a = top.find((x) => x.type === type);
    return a ? new AttrView(a.type | a.flags, a.offset, a.payload) : undefined;
  };
  const protinfo = find(IFLA.IFLA_PROTINFO);
  const spec = find(IFLA.IFLA_AF_SPEC);
  const net = new NetOps(links, ctx.kernelSocket, state.options);
  try {
    bridgeSetlink(
      {
        dev: links.byIndex(ifm.index),
        protinfo,
        protinfoNested: protinfo !== undefined && (protinfo.rawType & NLA_F_NESTED) !== 0,
        afSpec: spec ? attrsToArray(msg, spec.offset + 4, spec.offset + 4 + spec.length).map((a) => new AttrView(a.type | a.flags, a.offset, a.payload)) : undefined,
        // nla_parse_nested_deprecated(…, br_port_policy, NULL): liberal, and no extack.
        parsePortAttrs: (policy, maxtype) => {
          try {
            return parseAttrs(msg.subarray(0, protinfo!.offset + 4 + protinfo!.length), protinfo!.offset + 4, policy, maxtype, NL_VALIDATE.NL_VALIDATE_LIBERAL).attrs;
          } catch (e) {
            if (e instanceof KernelError) throw new KernelError(e.code);
            throw e;
          }
        },
      },
      net,
    );
  } finally {
    while (net.links.linkwatch.length) net.flushLinkwatch();
  }
}

/**
 * bridgeDump mirrors rtnl_bridge_getlink() with valid_bridge_getlink_req(), which runs on
 * every round (its extack warning reaches NLMSG_DONE).
 */
function bridgeDump(ctx: RequestContext, state: NetworkState): DumpControl {
  const links = state.links(ctx.skb.sock.netns);
  return {
    dump: (chunk, d) => {
      let filterMask = 0;
      {
        try {
          const msg = d.requestMessage;
          if (d.strictCheck) {
            if (msg.length - 16 < IFINFOMSG_LEN) throw new KernelError('EINVAL', 'Invalid header for bridge link dump');
            const ifm = decodeIfInfoMsg(msg, 16);
            if (ifm.pad || ifm.type || ifm.flags || ifm.change || ifm.index) throw new KernelError('EINVAL', 'Invalid values in header for bridge link dump request');
          }
          let attrs: ReturnType<typeof nlmsgParse>['attrs'] = [];
          try {
            const r = nlmsgParse(msg, IFINFOMSG_LEN, IFLA_POLICY, IFLA_MAX, d.strictCheck ? NL_VALIDATE.NL_VALIDATE_DEPRECATED_STRICT : NL_VALIDATE.NL_VALIDATE_LIBERAL);
            if (r.warning) Object.assign(d.extack, { message: r.warning });
            attrs = r.attrs;
          } catch (e) {
            // Without strict checking the error is dropped (the dump goes on) but its extack message stays.
            if (d.strictCheck || !(e instanceof KernelError)) throw e;
            Object.assign(d.extack, e.extack);
          }
          const r = { attrs };
          for (let i = 0; i <= IFLA_MAX; i++) {
            if (!r.attrs[i]) continue;
            if (i === IFLA.IFLA_EXT_MASK) filterMask = r.attrs[i]!.u32();
            else if (d.strictCheck) throw new KernelError('EINVAL', 'Unsupported attribute in bridge link dump request');
          }
          const vlans = RTEXT_FILTER.RTEXT_FILTER_BRVLAN | RTEXT_FILTER.RTEXT_FILTER_BRVLAN_COMPRESSED | RTEXT_FILTER.RTEXT_FILTER_MRP | RTEXT_FILTER.RTEXT_FILTER_CFM_CONFIG | RTEXT_FILTER.RTEXT_FILTER_CFM_STATUS;
          if (filterMask & vlans && links.list().some((x) => x.kind?.kind === 'bridge')) throw new KernelError('EOPNOTSUPP', 'nlsim: bridge VLAN, MRP and CFM dumps are not modelled yet');
        } catch (e) {
          return fail(d, e);
        }
      }
      // cb->args[0] counts every (port, master) and (bridge-capable device) visited.
      const start = (d.args[0] as number | undefined) ?? 0;
      let idx = 0;
      for (const dev of links.list()) {
        const br = dev.master;
        if (br?.kind?.kind === 'bridge') {
          if (idx >= start) {
            if (!chunk.put(RTM_NEWLINK, (w) => brFillIfinfo(w, RTM_NEWLINK, dev, br))) {
              d.args[0] = idx;
              return chunk.length ? chunk.length : EMSGSIZE;
            }
          }
          idx++;
        }
        if (dev.kind?.kind === 'bridge') idx++;
      }
      d.args[0] = idx;
      return chunk.length;
    },
  };
}
