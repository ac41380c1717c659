/** Request builders for multipath routes: RTA_MULTIPATH and its rtnexthop entries. */
import { concat, attr, attrU32 } from '../../helpers/exchange.js';
import { ip } from './rt-steps.js';

/** Hop describes one rtnexthop: device, weight, flags, gateway, realm and raw extra attributes. */
export interface Hop {
  dev?: number;
  weight?: number;
  flags?: number;
  gw?: string;
  flow?: number;
  extra?: Uint8Array[];
}

/** rtnh builds one struct rtnexthop followed by its attributes. */
export function rtnh(h: Hop): Uint8Array {
  const attrs = concat(...(h.gw ? [attr(5, ip(h.gw))] : []), ...(h.flow ? [attrU32(11, h.flow)] : []), ...(h.extra ?? []));
  const head = new Uint8Array(8);
  const v = new DataView(head.buffer);
  v.setUint16(0, 8 + attrs.length, true);
  head[2] = h.flags ?? 0;
  head[3] = (h.weight ?? 1) - 1;
  v.setInt32(4, h.dev ?? 0, true);
  return concat(head, attrs);
}

/** mp builds RTA_MULTIPATH from hops (raw byte arrays are appended as they are). */
export const mp = (...hops: (Hop | Uint8Array)[]) => attr(9, concat(...hops.map((h) => (h instanceof Uint8Array ? h : rtnh(h)))));
