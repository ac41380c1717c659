/**
 * Traffic control (net/sched): the rtnetlink handlers of sch_api.c, cls_api.c and act_api.c
 * over the default qdiscs devices get and those requests graft (qdisc.ts). Linux sends no
 * RTM_NEWQDISC / RTM_DELQDISC when dev_activate() attaches a default qdisc or when a device
 * goes down or away, grafted qdiscs included (measured on 6.18 with a socket on RTNLGRP_TC),
 * so only requests notify.
 */
import type { Rtnetlink } from '../core/index.js';
import type { NetworkState } from '../core/index.js';
import { registerActionApi } from './action.js';
import { registerFilterApi } from './filter.js';
import { registerQdiscApi } from './qdisc-api.js';

/** registerTc installs the traffic-control handlers (pktsched_init(), tc_filter_init(), tc_action_init()). */
export function registerTc(rtnl: Rtnetlink, state: NetworkState): void {
  registerQdiscApi(rtnl, state);
  registerFilterApi(rtnl, state);
  registerActionApi(rtnl);
}
