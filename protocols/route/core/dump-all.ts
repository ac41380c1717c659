/**
 * rtnl_dump_all(): a dump requested with family AF_UNSPEC runs every family's dumpit in turn
 * (PF_INET before PF_INET6), resetting the callback's cursor between families.
 */
import type { DumpChunk, DumpControl, DumpState } from '../../../sim/dump.js';

const EMSGSIZE = -90;

/** FamilyDump is one family's dump callback: 0 when finished, else more to come (or an errno). */
export type FamilyDump = (chunk: DumpChunk, d: DumpState) => number;

/** dumpAll chains `parts` as rtnl_dump_all() does. */
export function dumpAll(parts: FamilyDump[], base: Omit<DumpControl, 'dump'> = {}): DumpControl {
  let idx = 0;
  return {
    ...base,
    dump: (chunk, d) => {
      while (idx < parts.length) {
        const ret = parts[idx]!(chunk, d);
        if (ret !== 0) return ret === EMSGSIZE && chunk.length ? chunk.length : ret;
        idx++;
        d.args.length = 0;
        d.prevSeq = 0;
        d.seq = 0;
      }
      return 0;
    },
  };
}
