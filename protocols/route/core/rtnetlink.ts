/**
 * The rtnetlink dispatcher: per-(family, type) doit/dumpit handlers and the rules of
 * rtnetlink_rcv_msg() that run before any of them.
 */
import { KernelError } from '../../../sim/errors.js';
import type { DumpControl } from '../../../sim/dump.js';
import type { RequestContext } from '../../../sim/request-loop.js';
import type { ErrnoName } from '../../../sim/uapi/errno.js';
import { NLM_F_DUMP } from '../../../sim/uapi/netlink.js';
import { dumpAll } from './dump-all.js';
import { RTM_BASE, RTM_MAX, RTNL_FAMILY_MAX, RTNL_KIND, RTGENMSG_LEN } from './uapi.js';

/** NLM_F_BULK (0x200 on DEL requests): bulk delete. */
const NLM_F_BULK = 0x200;

/** RTNL_FLAG holds the rtnl_register() flags nlsim honours. */
export const RTNL_FLAG = {
  /** RTNL_FLAG_BULK_DEL_SUPPORTED: the DEL doit accepts NLM_F_BULK. */
  RTNL_FLAG_BULK_DEL_SUPPORTED: 1 << 3,
  /** RTNL_FLAG_DUMP_SPLIT_NLM_DONE: NLMSG_DONE always travels in a datagram of its own. */
  RTNL_FLAG_DUMP_SPLIT_NLM_DONE: 1 << 5,
} as const;

/** RtnlDoit mirrors rtnl_doit_func: handles one non-dump request; same results as a RequestHandler. */
export type RtnlDoit = (ctx: RequestContext) => number | ErrnoName | void;

/**
 * RtnlDumpit builds the dump control for one dump request (rtnl_dumpit_func plus what
 * rtnetlink_rcv_msg() puts in netlink_dump_control). The dispatcher adds splitDone from the
 * flags; throwing a KernelError fails the request before the dump starts.
 */
export type RtnlDumpit = (ctx: RequestContext) => DumpControl;

/** RtnlHandler is one rtnl_msg_handlers[family][type] entry. */
export interface RtnlHandler {
  doit?: RtnlDoit;
  dumpit?: RtnlDumpit;
  /** RTNL_FLAG_* bits. Defaults to 0. */
  flags?: number;
}

/**
 * Rtnetlink is one kernel's rtnl_msg_handlers table and the dispatcher over it
 * (rtnetlink_rcv_msg()).
 */
export class Rtnetlink {
  readonly #handlers = new Map<number, RtnlHandler>();

  /**
   * register mirrors rtnl_register(): installs `handler` for (`family`, `type`). A later
   * registration for the same pair replaces the earlier one's doit/dumpit where given.
   */
  register(family: number, type: number, handler: RtnlHandler): void {
    if (type < RTM_BASE || type > RTM_MAX) throw new RangeError(`rtnetlink type ${type} is outside ${RTM_BASE}..${RTM_MAX}`);
    const key = family * 256 + type;
    const old = this.#handlers.get(key);
    this.#handlers.set(key, { ...old, ...handler, flags: (old?.flags ?? 0) | (handler.flags ?? 0) });
  }

  /**
   * registerDumpAll mirrors rtnetlink_init()'s rtnl_register(PF_UNSPEC, type, NULL,
   * rtnl_dump_all): an AF_UNSPEC dump of `type` runs `families`' dumpits in turn (dump-all.ts),
   * each made when the request comes. Linux's loop visits every family with a dumpit for the
   * type; the caller names those that take part (IPMR/IP6MR have none nlsim fills there).
   */
  registerDumpAll(type: number, families: readonly number[], flags = 0): void {
    this.register(0, type, {
      dumpit: (ctx) => dumpAll(families.map((family) => this.#lookup(family, type)!.dumpit!(ctx).dump)),
      flags,
    });
  }

  /** #lookup mirrors rtnl_get_link(): families above RTNL_FAMILY_MAX have no table. */
  #lookup(family: number, type: number): RtnlHandler | undefined {
    return family > RTNL_FAMILY_MAX ? undefined : this.#handlers.get(family * 256 + type);
  }

  /** dispatch mirrors rtnetlink_rcv_msg() for one request. */
  dispatch(ctx: RequestContext): number | ErrnoName | void {
    const { type, flags } = ctx.header;
    if (type > RTM_MAX) return 'EOPNOTSUPP';
    // "All the messages must have at least 1 byte length", checked before permissions.
    if (ctx.payload.length < RTGENMSG_LEN) return 0;
    let family = ctx.payload[0]!;
    const kind = (type - RTM_BASE) & 3;
    if (kind !== RTNL_KIND.GET && !ctx.capable('CAP_NET_ADMIN')) return 'EPERM';
    if (kind === RTNL_KIND.GET && flags & NLM_F_DUMP) {
      let h = this.#lookup(family, type);
      if (!h?.dumpit) {
        family = 0;
        h = this.#lookup(0, type);
        if (!h?.dumpit) return 'EOPNOTSUPP';
      }
      const control = h.dumpit(ctx);
      const split = ((h.flags ?? 0) & RTNL_FLAG.RTNL_FLAG_DUMP_SPLIT_NLM_DONE) !== 0;
      ctx.dump(split ? { ...control, splitDone: true } : control);
      return 0;
    }
    let h = this.#lookup(family, type);
    if (!h?.doit) {
      h = this.#lookup(0, type);
      if (!h?.doit) return 'EOPNOTSUPP';
    }
    if (kind === RTNL_KIND.DEL && flags & NLM_F_BULK && !((h.flags ?? 0) & RTNL_FLAG.RTNL_FLAG_BULK_DEL_SUPPORTED)) {
      throw new KernelError('EOPNOTSUPP', 'Bulk delete is not supported');
    }
    return h.doit(ctx);
  }
}
