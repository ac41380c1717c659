/**
 * `--filter family/type`: keeps the messages of one protocol, optionally of one type, named
 * or numbered: `route`, `NETLINK_ROUTE/RTM_NEWLINK`, `generic/nlctrl`, `0/16`, `*\/NLMSG_ERROR`.
 */
import { NlsimError } from '../../sim/errors.js';
import type { MessageNode, PacketNode } from './model.js';

/** PacketFilter decides which messages to keep. */
export interface PacketFilter {
  protocol?: number | string;
  type?: number | string;
}

/** parseFilter reads `family[/type]`. Throws NlsimError for an empty expression. */
export function parseFilter(expr: string): PacketFilter {
  const [fam, type, extra] = expr.split('/');
  if (!fam || extra !== undefined) throw new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `filter '${expr}' is not family[/type]`);
  const f: PacketFilter = {};
  if (fam !== '*') f.protocol = /^\d+$/.test(fam) ? Number(fam) : fam.toUpperCase();
  if (type !== undefined && type !== '' && type !== '*') f.type = /^(0x[0-9a-f]+|\d+)$/i.test(type) ? Number(type) : type.toUpperCase();
  return f;
}

/** protocolMatches compares a packet's protocol with a filter name or number. */
function protocolMatches(p: PacketNode, want: number | string | undefined): boolean {
  if (want === undefined) return true;
  if (typeof want === 'number') return p.protocol === want;
  return p.protocolName === want || p.protocolName === `NETLINK_${want}`;
}

/** typeMatches compares a message type with a filter name or number. */
function typeMatches(m: MessageNode, want: number | string | undefined): boolean {
  if (want === undefined) return true;
  if (typeof want === 'number') return m.header.type === want;
  const name = m.header.typeName.toUpperCase();
  return name === want || name.endsWith(`/${want}`);
}

/** applyFilter keeps matching messages and drops packets left without any. */
export function applyFilter(packets: PacketNode[], f: PacketFilter): PacketNode[] {
  const out: PacketNode[] = [];
  for (const p of packets) {
    if (!protocolMatches(p, f.protocol)) continue;
    if (f.type === undefined) {
      out.push(p);
      continue;
    }
    const messages = p.messages.filter((m) => typeMatches(m, f.type));
    if (messages.length) out.push({ ...p, messages });
  }
  return out;
}
