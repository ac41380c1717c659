/**
 * The published workloads, in table order. Batch sizes are chosen so one step lasts long
 * enough to time (hundreds of microseconds) while the receive buffers stay a few MB.
 */
import type { Workload } from '../harness.js';
import { linkDumpWorkload, routeDumpWorkload } from './dump.js';
import { fanoutWorkload } from './fanout.js';
import { ipScriptWorkload, preloadWorkload } from './preload.js';
import { genlGetFamilyWorkload, rtnlErrorWorkload } from './request.js';
import { unicastWorkload } from './unicast.js';

/** WORKLOADS is every workload `nlsim bench` runs. */
export const WORKLOADS: readonly Workload[] = [
  unicastWorkload('64 B', 64, 1000),
  unicastWorkload('4 KiB', 4096, 500),
  rtnlErrorWorkload(200),
  genlGetFamilyWorkload(200),
  fanoutWorkload(1, 500),
  fanoutWorkload(8, 250),
  fanoutWorkload(64, 64),
  fanoutWorkload(1000, 8),
  routeDumpWorkload('10 000', 10_000),
  routeDumpWorkload('100 000', 100_000),
  linkDumpWorkload(500),
  preloadWorkload(),
  ipScriptWorkload(),
];
