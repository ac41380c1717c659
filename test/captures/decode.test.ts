/**
 * The capture decoder against real captures: every one decodes without a problem note, the
 * Ethernet captures are refused, and the ROUTE messages of pyroute2/nl0.pcap decode to the
 * same fields as pyroute2's own decode of that file (nl0.json), field by field.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCapture, readCapture } from '../../captures/capture.js';
import { decodePackets, decodeDatagram, newContext } from '../../captures/decode/index.js';
import type { AttrNode, MessageNode, PacketNode } from '../../captures/decode/model.js';
import { applyFilter, parseFilter } from '../../captures/decode/filter.js';
import { renderPackets } from '../../captures/decode/text.js';
import { HOST_LE } from '../../sim/wire/header.js';
import { NOT_NETLINK, REAL_CAPTURES, sharedPath } from './helpers.js';

/** problemsOf collects every problem note in a decoded tree. */
function problemsOf(x: unknown, out: string[] = []): string[] {
  if (Array.isArray(x)) for (const v of x) problemsOf(v, out);
  else if (x && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      if (k === 'problem') out.push(String(v));
      else if (k === 'problems') out.push(...(v as string[]));
      else problemsOf(v, out);
    }
  }
  return out;
}

describe('decode: real captures', () => {
  it.each(REAL_CAPTURES)('$path decodes every message without a problem', async (c) => {
    const packets = decodePackets(await readCapture(sharedPath(c.path)));
    expect(packets).toHaveLength(c.records);
    expect(packets.reduce((n, p) => n + p.messages.length, 0)).toBe(c.messages);
    expect(problemsOf(packets)).toEqual([]);
    expect(packets.every((p) => p.byteOrder === c.payloadOrder && !p.trailingHex)).toBe(true);
    expect(renderPackets(packets)).toContain('Netlink message 0');
  });

  it.each(NOT_NETLINK)('%s is refused with a message naming the link type', async (path) => {
    await expect(readCapture(sharedPath(path))).rejects.toThrow(/link type 1 \(ETHERNET\) is not netlink/);
  });

  it('names nlctrl commands and learns generic family ids from NEWFAMILY replies', async () => {
    const packets = decodePackets(await readCapture(sharedPath('pyroute2/nl0.pcap')));
    const names = packets.flatMap((p) => p.messages.map((m) => m.header.typeName));
    expect(names).toContain('nlctrl');
    // The IPVS family (id 37) is named by the nlctrl reply, so the messages after it are too.
    const newFamily = packets.flatMap((p) => p.messages).find((m) => m.header.typeName === 'nlctrl' && !(m.header.flags & 1));
    expect(newFamily?.familyHeader?.fields[0]).toEqual({ name: 'cmd', value: 1, text: 'CTRL_CMD_NEWFAMILY' });
    expect(newFamily?.attrs?.find((a) => a.name === 'CTRL_ATTR_FAMILY_NAME')?.value).toBe('IPVS');
    expect(names).toContain('IPVS');
    const err = packets.flatMap((p) => p.messages).find((m) => m.error);
    expect(err?.error).toMatchObject({ error: -22, errno: 'EINVAL', request: { header: { len: 60, typeName: 'IPVS' } } });
  });

  it('decodes the big-endian host capture in its own byte order', async () => {
    const [link] = decodePackets(await readCapture(sharedPath('tcpdump-pr878/netlink-be.pcap')));
    expect(link!.byteOrder).toBe('BE');
    expect(link!.messages[0]!.header).toMatchObject({ typeName: 'RTM_NEWLINK', len: 1180 });
    expect(link!.messages[0]!.attrs!.find((a) => a.name === 'IFLA_IFNAME')?.value).toBe('eth0');
    expect(link!.messages[0]!.attrs!.find((a) => a.name === 'IFLA_MTU')?.value).toBe(1500);
  });

  it('--filter keeps the messages of one protocol and type', async () => {
    const packets = decodePackets(await readCapture(sharedPath('pyroute2/nl0.pcap')));
    const links = applyFilter(packets, parseFilter('route/RTM_NEWLINK'));
    expect(links.flatMap((p) => p.messages).map((m) => m.header.typeName)).toEqual(Array(11).fill('RTM_NEWLINK'));
    expect(applyFilter(packets, parseFilter('generic')).every((p) => p.protocol === 16)).toBe(true);
    expect(applyFilter(packets, parseFilter('0/3')).flatMap((p) => p.messages).map((m) => m.header.typeName)).toEqual(['NLMSG_DONE', 'NLMSG_DONE']);
  });
});

describe('decode: unknown and malformed input', () => {
  it('prints unknown types and attributes as hex', () => {
    const bytes = new Uint8Array([28, 0, 0, 0, 0x99, 0x00, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0x33, 0, 1, 2, 3, 4, 4, 0, 5, 0]);
    const d = decodeDatagram(bytes, 25, HOST_LE, newContext());
    expect(d.messages[0]).toMatchObject({ header: { typeName: '0x0099' }, hex: '0800330001020304040005' + '00' });
  });

  it('never throws on arbitrary bytes, whatever the protocol', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(0, 4, 12, 15, 16, 25), fc.boolean(), (bytes, protocol, le) => {
        const d = decodeDatagram(bytes, protocol, le, newContext());
        expect(Array.isArray(d.messages)).toBe(true);
        JSON.stringify(d);
      }),
    );
  });

  it('decodes kernel uevents as strings', () => {
    const text = 'add@/devices/virtual/backlight\0ACTION=add\0SEQNUM=42\0';
    const capture = createCapture([{ payload: new TextEncoder().encode(text), protocol: 15 }]);
    const [p] = decodePackets(capture);
    expect(p!.uevent).toEqual({ source: 'kernel', summary: 'add@/devices/virtual/backlight', properties: ['ACTION=add', 'SEQNUM=42'] });
  });
});

// ---- pyroute2/nl0.json: that project's decode of the first message of the 9 ROUTE packets ----

type Py = [string, unknown];
interface PyMessage {
  header: { length: number; type: number; flags: number; sequence_number: number; pid: number };
  attrs: Py[];
  [k: string]: unknown;
}

/** Counter of leaf values compared, so the test proves it compared something. */
let compared = 0;

/** same asserts one value and counts it. */
function same(actual: unknown, expected: unknown, where: string): void {
  expect(actual, where).toEqual(expected);
  compared++;
}

/** compareAttrs compares pyroute2's [name, value] list with our attribute nodes, in order. */
function compareAttrs(ours: AttrNode[], theirs: Py[], where: string): void {
  expect(ours.length, `${where}: attribute count`).toBe(theirs.length);
  theirs.forEach(([name, value], i) => {
    const a = ours[i]!;
    const at = `${where}/${a.name}`;
    if (name === 'UNKNOWN') {
      // pyroute2 has no name for newer attributes: the type and length must still agree.
      const h = (value as { header: { length: number; type: number } }).header;
      same(a.type, h.type & 0x3fff, `${at} type`);
      same(a.length, h.length, `${at} length`);
      return;
    }
    same(a.name, name, `${at} name`);
    compareValue(a, value, at);
  });
}

/** compareValue compares one attribute's decoded value with pyroute2's. */
function compareValue(a: AttrNode, value: unknown, at: string): void {
  if (value === null) return; // pyroute2 could not decode it (IFLA_XDP_ATTACHED)
  if (typeof value !== 'object') {
    if (typeof value === 'string' && typeof a.value === 'number') same(a.text?.replace(/^IF_OPER_/, ''), value, at);
    else same(a.value, value, at);
    return;
  }
  const o = value as Record<string, unknown>;
  if (Array.isArray(o.attrs)) return compareAttrs(a.attrs ?? [], o.attrs as Py[], at);
  const theirs = Object.values(o) as number[];
  if (a.fields) {
    // A C struct, member by member (pyroute2 spells ifa_prefered "ifa_preferred", so by position).
    expect(a.fields.length, `${at} members`).toBeGreaterThanOrEqual(theirs.length);
    theirs.forEach((v, i) => {
      const f = a.fields![i]!;
      // ifla_bridge_id.prio is two bytes, most significant first (br_dev_fill_info); pyroute2
      // reads them as a little-endian u16, so compare the same bytes swapped.
      const ours = f.name === 'prio' ? (((f.value as number) & 0xff) << 8) | ((f.value as number) >> 8) : f.value;
      same(ours, v, `${at}.${f.name}`);
    });
  } else if (a.values) {
    // The kernel's ipv6 devconf array is __s32 (router_solicitations = -1); pyroute2 reads u32.
    const unsigned = a.name === 'IFLA_INET6_CONF' ? (x: number) => x >>> 0 : (x: number) => x;
    theirs.forEach((v, i) => same(unsigned(a.values![i]!), v, `${at}[${i}]`));
  } else if (a.attrs?.length === 1 && a.attrs[0]!.values) {
    // AF_INET: pyroute2 reads the IFLA_INET_CONF nest header as a first u32 ("dummy").
    const conf = a.attrs[0]!;
    same(theirs[0], conf.length | (conf.type << 16), `${at} nest header`);
    theirs.slice(1).forEach((v, i) => same(conf.values![i], v, `${at}[${i}]`));
  } else {
    throw new Error(`${at}: no decoded form to compare with ${JSON.stringify(value).slice(0, 80)}`);
  }
}

/** FIXED maps pyroute2's family-header keys to ours. */
const FIXED: Record<string, Record<string, string>> = {
  ifinfomsg: { family: 'ifi_family', ifi_type: 'ifi_type', index: 'ifi_index', flags: 'ifi_flags', change: 'ifi_change' },
  ifaddrmsg: { family: 'ifa_family', prefixlen: 'ifa_prefixlen', flags: 'ifa_flags', scope: 'ifa_scope', index: 'ifa_index' },
};

describe('decode: pyroute2/nl0.pcap against pyroute2/nl0.json', () => {
  it('the first message of each ROUTE packet has the same header, family header and attributes', async () => {
    const expected = JSON.parse(readFileSync(sharedPath('pyroute2/nl0.json'), 'utf8')) as { data: string | PyMessage }[];
    const route = decodePackets(await readCapture(sharedPath('pyroute2/nl0.pcap'))).filter((p: PacketNode) => p.protocol === 0);
    expect(route).toHaveLength(expected.length);
    compared = 0;
    let decodedByPyroute2 = 0;
    expected.forEach((e, i) => {
      const m: MessageNode = route[i]!.messages[0]!;
      if (typeof e.data === 'string') {
        // pyroute2 gave up and kept hex (requests with a short header, NLMSG_DONE): compare the bytes.
        const hex = e.data.replace(/:/g, '');
        same(hex.length / 2, m.header.len, `packet ${i} length`);
        return;
      }
      decodedByPyroute2++;
      const h = e.data.header;
      same([m.header.len, m.header.type, m.header.flags, m.header.seq, m.header.pid], [h.length, h.type, h.flags, h.sequence_number, h.pid], `packet ${i} nlmsghdr`);
      const map = FIXED[m.familyHeader!.name]!;
      for (const [theirs, oursName] of Object.entries(map)) {
        same(m.familyHeader!.fields.find((f) => f.name === oursName)?.value, e.data[theirs], `packet ${i} ${oursName}`);
      }
      compareAttrs(m.attrs ?? [], e.data.attrs, `packet ${i}`);
    });
    expect(decodedByPyroute2).toBe(5);
    // Hundreds of leaves (stats, devconf arrays, addresses…) were compared, not a handful.
    expect(compared).toBeGreaterThan(500);
  });
});

describe('nlsim decode (CLI)', () => {
  const root = new URL('../../', import.meta.url).pathname;
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', `${root}cli/main.ts`, 'decode', ...args], { encoding: 'utf8', cwd: root });

  it('prints the tree, the same tree as JSON, and refuses a non-netlink file in one line', () => {
    const text = cli(sharedPath('nldecap/two_packets_le.pcap'));
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Type: RTM_GETADDR (22)');
    expect(text.stdout).toContain('IFA_LABEL (type 3, len 12): "eth0.23"');
    const json = JSON.parse(cli(sharedPath('nldecap/two_packets_le.pcap'), '--json', '--filter', 'route/RTM_NEWADDR').stdout) as PacketNode[];
    expect(json.flatMap((p) => p.messages.map((m) => m.header.typeName))).toEqual(['RTM_NEWADDR', 'RTM_NEWADDR', 'RTM_NEWADDR']);
    const refused = cli(sharedPath('nldecap/1pkt_not_netlink_be.pcap'));
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^nlsim decode: .*1pkt_not_netlink_be\.pcap: record 0: link type 1 \(ETHERNET\) is not netlink at byte offset 24$/)]);
  });

  it('ends quietly with status 0 when its reader goes away (nlsim decode f | head -1)', () => {
    // bash reports the status of nlsim, the first command of the pipe, after head has exited.
    const r = spawnSync('bash', ['-c', `node --import tsx ${root}cli/main.ts decode "$1" | head -1; echo "status=\${PIPESTATUS[0]}"`, 'bash', sharedPath('pyroute2/nl0.pcap')], { encoding: 'utf8', cwd: root });
    expect(r.stdout.split('\n')[0]).toMatch(/^Packet 0: /);
    expect(r.stdout).toContain('status=0');
    expect(r.stderr).toBe('');
  });
});
