/**
 * The text form of a decoded capture, indented like `tshark -V`: one block per packet, one per
 * message, one line per header field and attribute, nested attributes indented under their nest.
 */
import type { AttrNode, Field, MessageNode, PacketNode } from './model.js';

const IND = '    ';

/** scalarText renders a value with its symbolic name: `2 (AF_INET)`, `"lo"`. */
function scalarText(value: unknown, text?: string): string {
  const v = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text !== undefined && text !== String(value) ? `${v} (${text})` : v;
}

/** fieldLine renders a struct field. */
function fieldLine(f: Field): string {
  return `${f.name}: ${scalarText(f.value, f.text)}`;
}

/** attrLines renders an attribute and its children. */
function attrLines(a: AttrNode, depth: number, out: string[]): void {
  const pad = IND.repeat(depth);
  const flags = a.typeFlags ? ` [${a.typeFlags.join('|')}]` : '';
  let head = `${pad}${a.name} (type ${a.type}${flags}, len ${a.length})`;
  if (a.value !== undefined) head += `: ${typeof a.value === 'string' && /^[0-9a-f:.]+$/.test(a.value) && a.name !== '' ? a.value : scalarText(a.value, a.text)}`;
  if (a.values) head += `: [${a.values.join(', ')}]`;
  out.push(head);
  if (a.fields) for (const f of a.fields) out.push(`${pad}${IND}${fieldLine(f)}`);
  if (a.attrs) for (const c of a.attrs) attrLines(c, depth + 1, out);
  if (a.hex !== undefined) out.push(`${pad}${IND}data: ${a.hex}`);
  if (a.problem) out.push(`${pad}${IND}[problem: ${a.problem}]`);
}

/** messageLines renders one message at `depth`. */
function messageLines(m: MessageNode, index: number | string, depth: number, out: string[]): void {
  const pad = IND.repeat(depth);
  const h = m.header;
  out.push(`${pad}Netlink message ${index}: ${h.typeName}, offset ${m.offset}`);
  const p2 = pad + IND;
  out.push(`${p2}Length: ${h.len}`);
  out.push(`${p2}Type: ${h.typeName} (${h.type})`);
  out.push(`${p2}Flags: 0x${h.flags.toString(16).padStart(4, '0')}${h.flagNames.length ? ` (${h.flagNames.join(', ')})` : ''}`);
  out.push(`${p2}Sequence: ${h.seq}`);
  out.push(`${p2}Port ID: ${h.pid}`);
  if (m.error) {
    out.push(`${p2}Error: ${m.error.error} (${m.error.errno})`);
    if (m.error.request) messageLines(m.error.request, 'echoed request', depth + 1, out);
    if (m.error.extack?.length) {
      out.push(`${p2}Extended ACK`);
      for (const a of m.error.extack) attrLines(a, depth + 2, out);
    }
  }
  if (m.done) {
    out.push(`${p2}Done: ${m.done.error}${m.done.error ? ` (${m.done.errno})` : ''}`);
    if (m.done.extack?.length) {
      out.push(`${p2}Extended ACK`);
      for (const a of m.done.extack) attrLines(a, depth + 2, out);
    }
  }
  if (m.familyHeader) {
    out.push(`${p2}${m.familyHeader.name}`);
    for (const f of m.familyHeader.fields) out.push(`${p2}${IND}${fieldLine(f)}`);
  }
  if (m.attrs?.length) {
    out.push(`${p2}Attributes`);
    for (const a of m.attrs) attrLines(a, depth + 2, out);
  }
  if (m.hex !== undefined) out.push(`${p2}Data: ${m.hex}`);
  for (const pr of m.problems ?? []) out.push(`${p2}[problem: ${pr}]`);
}

/** renderPackets renders decoded packets as text. */
export function renderPackets(packets: PacketNode[]): string {
  const out: string[] = [];
  for (const p of packets) {
    const cut = p.captured !== undefined ? `, ${p.captured} captured` : '';
    out.push(`Packet ${p.index}: ${p.time}, ${p.protocolName} (${p.protocol}), ${p.direction}, ${p.length} bytes${cut}, payload ${p.byteOrder}`);
    if (p.uevent) {
      out.push(`${IND}Uevent (${p.uevent.source})${p.uevent.summary ? `: ${p.uevent.summary}` : ''}`);
      for (const s of p.uevent.properties) out.push(`${IND}${IND}${s}`);
    }
    p.messages.forEach((m, i) => messageLines(m, i, 1, out));
    if (p.trailingHex) out.push(`${IND}Trailing bytes: ${p.trailingHex}`);
    out.push('');
  }
  return out.join('\n');
}

/** toJson serialises decoded packets (bigint-free by construction). */
export function toJson(packets: PacketNode[]): string {
  return JSON.stringify(packets, null, 2);
}
