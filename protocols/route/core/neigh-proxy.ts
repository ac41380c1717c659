/**
 * Proxy neighbour entries (net/core/neighbour.c: pneigh_create(), pneigh_lookup(),
 * pneigh_delete(), pneigh_ifdown_and_unlock(), pneigh_fill_info(), pneigh_dump_table()):
 * per table and namespace, in PNEIGH_HASHMASK + 1 buckets keyed by pneigh_hash(), each
 * newest first, which is the order dumps walk. Linux sends no notification when a proxy
 * entry comes or goes.
 *
 * @note An IPv6 entry joins its solicited-node group on its device (pndisc_constructor()),
 * which nlsim does not model: the group is not listed and no MLD report is sent.
 */
import type { AttrWriter } from '../../../sim/wire/attr-writer.js';
import { HOST_LE, viewOf } from '../../../sim/wire/header.js';
import type { NetDevice } from './device.js';
import type { LinkTable } from './state.js';
import { NDMSG_LEN, RTN } from './uapi.js';

const PNEIGH_HASHMASK = 0xf;
const NTF_PROXY = 0x08;
/** NDA_DST and NDA_PROTOCOL. */
const NDA_DST = 1;
const NDA_PROTOCOL = 12;

/** ProxyEntry is one struct pneigh_entry. */
export interface ProxyEntry {
  readonly family: number;
  readonly key: Uint8Array;
  readonly dev: NetDevice | null;
  flags: number;
  protocol: number;
  permanent: boolean;
}

const tables = new WeakMap<LinkTable, Map<number, ProxyEntry[][]>>();

function buckets(links: LinkTable, family: number): ProxyEntry[][] {
  let byFamily = tables.get(links);
  if (!byFamily) tables.set(links, (byFamily = new Map()));
  let b = byFamily.get(family);
  if (!b) byFamily.set(family, (b = Array.from({ length: PNEIGH_HASHMASK + 1 }, () => [])));
  return b;
}

/** pneighHash mirrors pneigh_hash(): the key's last four bytes (host order), folded to four bits. */
function pneighHash(key: Uint8Array): number {
  let h = viewOf(key).getUint32(key.length - 4, HOST_LE);
  h ^= h >>> 16;
  h ^= h >>> 8;
  h ^= h >>> 4;
  return h & PNEIGH_HASHMASK;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** pneighLookup mirrors pneigh_lookup() without creating: an entry for `dev` or for any device. */
export function pneighLookup(links: LinkTable, family: number, key: Uint8Array, dev: NetDevice | null): ProxyEntry | undefined {
  return buckets(links, family)[pneighHash(key)]!.find((n) => same(n.key, key) && (n.dev === dev || !n.dev));
}

/** pneighCreate mirrors pneigh_create(): a new entry at the head of its bucket, or the one found updated. */
export function pneighCreate(links: LinkTable, family: number, key: Uint8Array, dev: NetDevice | null, flags: number, protocol: number, permanent: boolean): void {
  let n = pneighLookup(links, family, key, dev);
  if (!n) {
    n = { family, key: key.slice(), dev, flags: 0, protocol: 0, permanent: false };
    buckets(links, family)[pneighHash(key)]!.unshift(n);
    if (dev) links.neighOps.get(family)?.pconstructor?.(dev, key);
  }
  n.flags = flags;
  n.protocol = protocol;
  n.permanent = permanent;
}

/** pneighDelete mirrors pneigh_delete(): the entry for exactly this device; false when none. */
export function pneighDelete(links: LinkTable, family: number, key: Uint8Array, dev: NetDevice | null): boolean {
  const b = buckets(links, family)[pneighHash(key)]!;
  const i = b.findIndex((n) => same(n.key, key) && n.dev === dev);
  if (i < 0) return false;
  const [n] = b.splice(i, 1);
  if (n!.dev) links.neighOps.get(family)?.pdestructor?.(n!.dev, n!.key);
  return true;
}

/**
 * pneighIfdown mirrors pneigh_ifdown_and_unlock(): a device going down or away loses its
 * entries; one losing its carrier (`skipPermanent`, neigh_carrier_down()) keeps those added
 * with NUD_PERMANENT.
 */
export function pneighIfdown(links: LinkTable, dev: NetDevice, family: number, skipPermanent: boolean): void {
  const byFamily = tables.get(links)?.get(family);
  if (!byFamily) return;
  for (const b of byFamily) {
    for (let i = b.length - 1; i >= 0; i--) {
      if (b[i]!.dev !== dev || (skipPermanent && b[i]!.permanent)) continue;
      const [n] = b.splice(i, 1);
      links.neighOps.get(family)?.pdestructor?.(dev, n!.key);
    }
  }
}

/** pneighEntries lists a table's entries in dump order (bucket by bucket). */
export function pneighEntries(links: LinkTable, family: number): ProxyEntry[] {
  return tables.get(links)?.get(family)?.flat() ?? [];
}

/** fillPneigh mirrors pneigh_fill_info(): state NUD_NONE, the entry's flags with NTF_PROXY, type unicast. */
export function fillPneigh(w: AttrWriter, n: ProxyEntry): void {
  const h = new Uint8Array(NDMSG_LEN);
  h[0] = n.family;
  viewOf(h).setInt32(4, n.dev?.ifindex ?? 0, HOST_LE);
  h[10] = (n.flags | NTF_PROXY) & 0xff;
  h[11] = RTN.RTN_UNICAST;
  w.raw(h);
  w.bytes(NDA_DST, n.key);
  if (n.protocol) w.u8(NDA_PROTOCOL, n.protocol);
}
