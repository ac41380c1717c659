/**
 * The multicast snooping groups a bridge joins on itself while it is open
 * (br_multicast_join_snoopers() / br_multicast_leave_snoopers(), net/bridge/br_multicast.c):
 * 224.0.0.106 and ff02::6a, the all-snoopers groups of RFC 4286, in the device's IPv4 and
 * IPv6 group lists and so in dev->mc (`bridge fdb show` lists 01:00:5e:00:00:6a and
 * 33:33:00:00:00:6a as the bridge's own entries).
 *
 * Joining 224.0.0.106 makes IGMP report it (igmp_group_added() → igmp_ifc_event(): IGMPv3
 * change reports to 224.0.0.22, mr_qrv (2) of them, the second after a random delay below
 * the unsolicited report interval of 1 s). A report leaves the NOARP ARP entry 224.0.0.22
 * (01:00:5e:00:00:16) that `ip monitor` sees go when the bridge loses its carrier or goes
 * down. A plain device never has it: 224.0.0.1, the only group others join, is never reported.
 * @note Only these reports are modelled of IGMP (no queries, no other groups). The MLD
 * reports of ff02::6a go through inet6.ts's report work like any other group's, but for the
 * leave report at close.
 */
import type { KernelTimer } from '../../../sim/clock.js';
import { mcJoin, mcLeave, type NetDevice } from '../core/index.js';
import { syncMc } from '../core/index.js';
import { arpMcastOutput, neighForget, neighMcastOutput } from '../core/index.js';
import type { NetOps } from '../core/index.js';
import { mldReport } from '../ipv6/index.js';

/** 224.0.0.106 and ff02::6a: all snoopers. */
const IGMP_ALL_SNOOPERS = Uint8Array.of(224, 0, 0, 106);
const MLD2_ALL_SNOOPERS = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x6a);
/** 224.0.0.22: where IGMPv3 reports go. */
const IGMPV3_ALL_MCR = Uint8Array.of(224, 0, 0, 22);
/** ff02::16: where MLDv2 reports go. */
const MLD2_ALL_MCR = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16);
/** mld_ifc_start_work(idev, 1): below one jiffy plus two, 8 ms at HZ 250. */
const MLD_IFC_DELAY_MS = 8;
/** IGMP_V3_UNSOLICITED_REPORT_INTERVAL: 1 s. */
const IGMP_V3_UNSOLICITED_REPORT_INTERVAL_MS = 1000;

/** The pending IGMP report timer of each bridge (in_dev->mr_ifc_timer). */
const reportTimers = new WeakMap<NetDevice, KernelTimer>();

/**
 * joinSnoopers mirrors br_multicast_join_snoopers() from br_dev_open(): both groups joined
 * (IPv4 only with an in_device, IPv6 with an inet6_dev), then IGMP's reports.
 */
export function joinSnoopers(br: NetDevice, net: NetOps): void {
  const now = Math.floor(net.options.now() / 10);
  const newV4 = br.inet ? mcJoin(br.mc4, IGMP_ALL_SNOOPERS, now) : false;
  if (br.inet6) mcJoin(br.inet6.mc, MLD2_ALL_SNOOPERS, now);
  syncMc(br);
  if (newV4) igmpReport(br, net, 2);
  // On an open bridge (IFLA_BR_MCAST_SNOOPING turned on) MLD reports the new group at once;
  // at br_dev_open() the device is not up yet and ipv6_mc_up() reports it.
  if (br.inet6 && br.flags & 1) mldReport(net.links, br);
}

/**
 * leaveSnoopers mirrors br_multicast_leave_snoopers() from br_dev_stop(). IGMP's leave report
 * finds no route from a device that is down; MLD's (igmp6_leave_group(): a change report from
 * mc_ifc_work two jiffies later) goes out all the same, after the ND flush of NETDEV_DOWN,
 * so a bridge that went down has an ff02::16 entry again (measured on 6.18; not after it is
 * deleted).
 */
export function leaveSnoopers(br: NetDevice, net: NetOps): void {
  if (br.inet) mcLeave(br.mc4, IGMP_ALL_SNOOPERS);
  if (br.inet6) mcLeave(br.inet6.mc, MLD2_ALL_SNOOPERS);
  syncMc(br);
  reportTimers.get(br)?.cancel();
  reportTimers.delete(br);
  if (br.inet6) {
    net.options.setTimer(MLD_IFC_DELAY_MS, () => {
      if (!br.unregistered && br.inet6) neighMcastOutput(net.links, br, MLD2_ALL_MCR);
    });
  }
}

/**
 * snoopingOff is br_multicast_toggle() turning snooping off on an open bridge: the groups are
 * left, and the report entries 224.0.0.22 and ff02::16 of the bridge go, each with its
 * RTM_DELNEIGH, before the RTM_NEWLINK of the change, and the leave reports bring them back
 * (measured on 6.18).
 * @note Which path in Linux drops these two entries is not identified; other entries of the
 * bridge (router solicitations, solicited-node groups) are left alone here.
 */
export function snoopingOff(br: NetDevice, net: NetOps): void {
  leaveSnoopers(br, net);
  neighForget(net.links, net.ks, br, 2, IGMPV3_ALL_MCR);
  neighForget(net.links, net.ks, br, 10, MLD2_ALL_MCR);
  // The leave reports (IGMPv3 and MLDv2 change reports) go out from the open bridge.
  if (br.inet) igmpReport(br, net, 2);
}

/**
 * igmpReport stands for igmp_ifc_timer_expire() → igmpv3_send_cr(): a report to 224.0.0.22 (its
 * ARP entry), and while change reports are left, the next one after a random delay.
 * @note Linux sends the first one from a timer a few milliseconds after the open; nlsim
 * creates its entry at once.
 */
function igmpReport(br: NetDevice, net: NetOps, left: number): void {
  arpMcastOutput(net.links, br, IGMPV3_ALL_MCR);
  reportTimers.get(br)?.cancel();
  reportTimers.delete(br);
  if (left <= 1) return;
  reportTimers.set(br, net.options.setTimer(net.options.random(IGMP_V3_UNSOLICITED_REPORT_INTERVAL_MS), () => {
    reportTimers.delete(br);
    if (br.unregistered || !(br.flags & 1)) return;
    igmpReport(br, net, left - 1);
  }));
}
