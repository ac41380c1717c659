/**
 * Neighbour table parameters, simulator against Linux: RTM_GETNEIGHTBL dumps of both tables
 * and of one family, with devices coming and going, their entries counted in the parameters'
 * refcnt, strict header checks, and a dump spread over several datagrams (where Linux sends
 * the table's own message again). Masked: what Linux draws at random (reachable_time, the
 * hash seed) and what describes the whole host rather than the namespace (entry count, hash
 * size, flush and rand ages, statistics).
 */
import { expect, it } from 'vitest';
import { RTM } from '../../../protocols/route/core/uapi.js';
import { createHostKernel } from '../../helpers/host-kernel.js';
import type { SocketFactory } from '../../../sim/socket-api.js';
import { NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_ROUTE, SOCK_RAW, SOL_NETLINK } from '../../../sim/uapi/netlink.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import { encodeMessage } from '../../../sim/wire/header.js';
import { decodeMessages, type NlMessage } from '../../../sim/wire/messages.js';
import { describeKernel } from '../../helpers/backends.js';
import { attrString, attrU32, concat } from '../../helpers/exchange.js';
import type { Step } from './link-differential.js';
import { createLink, neigh, NEW, NUD_PERMANENT } from './rt-steps.js';
import { ACK, DUMP, step } from './request-scenarios.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ndtm = (family: number, pad1 = 0, pad2 = 0) => Uint8Array.of(family, pad1, pad2 & 0xff, pad2 >> 8);
const dump = (p: Uint8Array) => step(RTM.RTM_GETNEIGHTBL, DUMP, p);

/** renderNeighTbl renders an RTM_NEWNEIGHTBL with the random and host-wide fields masked. */
function renderNeighTbl(m: NlMessage): string[] {
  const lines = [`nlmsg type=${m.header.type} len=${m.header.len} flags=${m.header.flags} seq=${m.header.seq} ndtmsg ${hex(m.payload.subarray(0, 4))}`];
  for (const a of attrsToArray(m.payload, 4)) {
    if (a.type === 6) {
      lines.push(`  NDTA_PARMS flags=${a.flags}`);
      for (const p of attrsToArray(a.payload)) lines.push(`    ${p.type} ${p.type === 3 ? `<reachable_time ${p.payload.length} bytes>` : hex(p.payload)}`);
    } else if (a.type === 5) {
      // key_len, entry_size and hash_chain_gc are kept.
      lines.push(`  NDTA_CONFIG ${hex(a.payload.subarray(0, 4))} <host> ${hex(a.payload.subarray(24, 28))} (${a.payload.length} bytes)`);
    } else if (a.type === 7) lines.push(`  NDTA_STATS (${a.payload.length} bytes)`);
    else lines.push(`  ${a.type} ${hex(a.payload)}`);
  }
  return lines;
}

function render(m: NlMessage): string[] {
  if (m.header.type === RTM.RTM_NEWNEIGHTBL) return renderNeighTbl(m);
  return [`nlmsg type=${m.header.type} len=${m.header.len} flags=${m.header.flags} seq=${m.header.seq} ${hex(m.payload)}`];
}

/** datagrams sends a dump and renders its datagrams (length, then messages) read with `bufferSize`. */
function datagrams(factory: SocketFactory, payload: Uint8Array, bufferSize: number): string[] {
  const s = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  try {
    s.bind({ pid: 0, groups: 0 });
    s.sendto(encodeMessage({ type: RTM.RTM_GETNEIGHTBL, flags: DUMP, seq: 1, pid: 0 }, payload), { pid: 0, groups: 0 });
    const out: string[] = [];
    for (;;) {
      let data: Uint8Array;
      try {
        data = s.recvmsg({ bufferSize }).data;
      } catch (e) {
        if ((e as { code?: string }).code === 'EAGAIN') return out;
        throw e;
      }
      out.push(`datagram ${data.length}`, ...decodeMessages(data).flatMap(render));
    }
  } finally {
    s.close();
  }
}

const mac = (n: number) => Uint8Array.of(2, 0, 0, 0, 0, n);
const scenarios: [string, Step[]][] = [
  ['tables of a fresh namespace, one family, strict checks', [
    dump(ndtm(0)), dump(ndtm(2)), dump(ndtm(10)), dump(ndtm(7)), dump(Uint8Array.of(0)), dump(ndtm(0, 1)), dump(ndtm(0, 0, 1)), dump(concat(ndtm(0), attrU32(1, 1))),
    step(RTM.RTM_GETNEIGHTBL, ACK, ndtm(0)), step(RTM.RTM_SETNEIGHTBL, ACK, ndtm(7)), step(RTM.RTM_SETNEIGHTBL, ACK, concat(ndtm(10), attrString(1, 'arp_cache'))),
    step(RTM.RTM_SETNEIGHTBL, ACK, concat(ndtm(0), attrString(1, 'nosuch'))),
  ]],
  ['devices come and go; their entries hold their parameters', [
    createLink('v0', 'veth'), createLink('br0', 'bridge'), createLink('ifb0', 'ifb'), dump(ndtm(0)),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD_PERMANENT }, '10.0.0.2', mac(2)), neigh(RTM.RTM_NEWNEIGH, NEW, { index: 2, state: NUD_PERMANENT }, '10.0.0.3', mac(3)),
    neigh(RTM.RTM_NEWNEIGH, NEW, { index: 3, state: NUD_PERMANENT }, '2001:db8::3', mac(3)), dump(ndtm(0)),
    step(RTM.RTM_DELLINK, ACK, concat(ndtm(0), Uint8Array.of(4, 0, 0, 0), new Uint8Array(8))), dump(ndtm(2)),
  ]],
];

describeKernel('RTM_GETNEIGHTBL: simulator and Linux, message for message', (openNamespace) => {
  it.each(scenarios.flatMap(([n, s]) => [[n, s, false], [`${n} (strict)`, s, true]] as const))('%s', async (_name, steps, strict) => {
    const ns = openNamespace();
    try {
      const real = await collect(ns, steps, true, strict);
      const sim = await collect(createHostKernel(), steps, false, strict);
      expect(sim).toEqual(real);
    } finally {
      ns.close();
    }
  }, 60_000);

  it('a dump of many devices resumes mid-table and repeats the table message, read 4 KiB at a time', () => {
    const ns = openNamespace();
    try {
      const sim = createHostKernel();
      for (const f of [ns, sim] as SocketFactory[]) {
        const s = f.socket(SOCK_RAW, NETLINK_ROUTE);
        s.bind({ pid: 0, groups: 0 });
        for (let i = 0; i < 12; i++) {
          const c = createLink(`v${i}`, 'veth');
          s.sendto(encodeMessage({ type: c.type, flags: c.flags, seq: i + 1, pid: 0 }, c.payload), { pid: 0, groups: 0 });
          s.recvmsg({ bufferSize: 65536 });
        }
        s.close();
      }
      for (const size of [4096, 32768]) expect({ size, d: datagrams(sim, ndtm(0), size) }).toEqual({ size, d: datagrams(ns, ndtm(0), size) });
    } finally {
      ns.close();
    }
  }, 60_000);
});

/** collect runs the steps like runScenario, rendering replies with the masks above. */
async function collect(factory: SocketFactory, steps: Step[], real: boolean, strict: boolean): Promise<string[][]> {
  const s = factory.socket(SOCK_RAW, NETLINK_ROUTE);
  s.bind({ pid: 0, groups: 0 });
  if (strict) s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
  s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
  const out: string[][] = [];
  try {
    for (const [i, st] of steps.entries()) {
      s.sendto(encodeMessage({ type: st.type, flags: st.flags, seq: i + 1, pid: 0 }, st.payload), { pid: 0, groups: 0 });
      if (real) await new Promise((r) => setTimeout(r, st.type === RTM.RTM_NEWLINK ? 1100 : 30));
      const msgs: NlMessage[] = [];
      for (;;) {
        try {
          msgs.push(...decodeMessages(s.recvmsg({ bufferSize: 65536 }).data));
        } catch (e) {
          if ((e as { code?: string }).code === 'EAGAIN') break;
          throw e;
        }
      }
      out.push([`step ${i + 1}`, ...msgs.flatMap(render)]);
    }
  } finally {
    s.close();
  }
  return out;
}
