/**
 * Reading topologies: JSON text or an object checked field by field against the format
 * (format.ts), so that a typo fails before any request is sent, with the file, the entry
 * and the field in the message (`state.json: links[2].mtuu: unknown field`).
 */
import { readFileSync } from 'node:fs';
import { IFNAMSIZ } from '../core/uapi.js';
import { type Topology, TOPOLOGY_FORMAT } from './format.js';
import { ADDRESS_FLAGS, parseCidr, parseIp, parseMac, PROTOCOLS, ROUTE_TYPES, RULE_ACTIONS, SCOPES, TABLES } from './names.js';

/**
 * TopologyError is a topology that cannot be read or applied. The message starts with the
 * file (or 'topology') and the entry at fault: `state.json: links[2] (veth1): RTM_NEWLINK
 * failed: EEXIST (File exists)`. `cause` is the NetlinkError of a refused request.
 */
export class TopologyError extends Error {
  readonly code = 'ERR_NLSIM_TOPOLOGY' as const;
  /** The file (or 'topology' for an object). */
  readonly source: string;
  /** The entry at fault ('links[2]'), when there is one. */
  readonly entry: string | undefined;

  constructor(source: string, entry: string | undefined, message: string, options: { cause?: unknown } = {}) {
    super(`${source}: ${entry ? `${entry}: ` : ''}${message}`, options);
    this.name = 'TopologyError';
    this.source = source;
    this.entry = entry;
  }
}

/** A Check says what is wrong with a value ('' when nothing is). */
type Check = (v: unknown) => string;

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'an array' : 'an object') : String(v));
const string: Check = (v) => (typeof v === 'string' && v !== '' ? '' : `expected a non-empty string, got ${show(v)}`);
const boolean: Check = (v) => (typeof v === 'boolean' ? '' : `expected true or false, got ${show(v)}`);
const integer =
  (min: number, max: number): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? '' : `expected an integer from ${min} to ${max}, got ${show(v)}`;
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? '' : `expected one of ${values.join(', ')}, got ${show(v)}`;
const either =
  (a: Check, b: Check): Check =>
  (v) => {
    const pa = a(v);
    if (!pa) return '';
    const pb = b(v);
    return pb ? `${pa.replace(/, got .*$/, '')} or ${pb}` : '';
  };
const ifname: Check = (v) => string(v) || ((v as string).length >= IFNAMSIZ || /[\s/:]/.test(v as string) ? `not a valid interface name: ${show(v)}` : '');
const ip: Check = (v) => string(v) || (parseIp(v as string) ? '' : `not an IP address: ${show(v)}`);
const cidr: Check = (v) => string(v) || (parseCidr(v as string) ? '' : `not an address in CIDR notation: ${show(v)}`);
const mac: Check = (v) => string(v) || (parseMac(v as string) ? '' : `not a link-layer address (aa:bb:cc:dd:ee:ff): ${show(v)}`);
const scope = either(oneOf(Object.keys(SCOPES)), integer(0, 255));
const u32 = integer(0, 0xffffffff);

/** Fields of one kind of entry: its checks, and the fields it cannot do without. */
interface EntryShape {
  fields: Record<string, Check>;
  required: string[];
}

const LINK: EntryShape = {
  fields: {
    name: ifname,
    kind: oneOf(['veth', 'bridge', 'ifb', 'dummy', 'vlan']),
    index: integer(1, 0x7fffffff),
    peer: ifname,
    link: ifname,
    vlanId: integer(0, 4094),
    vlanProtocol: oneOf(['802.1Q', '802.1ad']),
    master: ifname,
    mtu: u32,
    txqlen: u32,
    address: mac,
    up: boolean,
  },
  required: ['name'],
};

const ADDRESS: EntryShape = {
  fields: {
    dev: ifname,
    address: cidr,
    peer: ip,
    broadcast: ip,
    label: string,
    scope,
    flags: (v) => (Array.isArray(v) ? v.map(oneOf(Object.keys(ADDRESS_FLAGS))).find((p) => p) ?? '' : `expected an array of flags, got ${show(v)}`),
    metric: u32,
  },
  required: ['dev', 'address'],
};

const ROUTE: EntryShape = {
  fields: {
    dst: (v) => (v === 'default' ? '' : cidr(v) && `${cidr(v)} (or "default")`),
    family: oneOf(['inet', 'inet6']),
    via: ip,
    dev: ifname,
    table: either(oneOf(Object.keys(TABLES)), integer(1, 0xffffffff)),
    type: oneOf(Object.keys(ROUTE_TYPES)),
    metric: u32,
    protocol: either(oneOf(Object.keys(PROTOCOLS)), integer(0, 255)),
    scope,
    src: ip,
    onlink: boolean,
    nexthops: (v) => {
      if (!Array.isArray(v) || !v.length) return `expected a non-empty array of nexthops, got ${show(v)}`;
      const fields: Record<string, Check> = { via: ip, dev: ifname, weight: integer(1, 256), onlink: boolean };
      for (const [i, nh] of v.entries()) {
        if (typeof nh !== 'object' || nh === null || Array.isArray(nh)) return `nexthops[${i}]: expected an object, got ${show(nh)}`;
        for (const [k, x] of Object.entries(nh as Record<string, unknown>)) {
          const check = fields[k];
          if (!check) return `nexthops[${i}]: unknown field "${k}"`;
          const problem = check(x);
          if (problem) return `nexthops[${i}].${k}: ${problem}`;
        }
      }
      return '';
    },
  },
  required: ['dst'],
};

const NEIGHBOUR: EntryShape = {
  fields: { dev: ifname, dst: ip, lladdr: mac, state: oneOf(['permanent', 'noarp']) },
  required: ['dev', 'dst'],
};

const RULE: EntryShape = {
  fields: {
    family: oneOf(['inet', 'inet6']),
    priority: u32,
    from: cidr,
    to: cidr,
    iif: ifname,
    oif: ifname,
    fwmark: u32,
    fwmask: u32,
    action: oneOf(Object.keys(RULE_ACTIONS)),
    table: either(oneOf(Object.keys(TABLES)), integer(1, 0xffffffff)),
    goto: u32,
    not: boolean,
    suppressPrefixlen: integer(0, 128),
    protocol: either(oneOf(Object.keys(PROTOCOLS)), integer(0, 255)),
  },
  required: [],
};

const SECTIONS: Record<string, EntryShape> = { links: LINK, addresses: ADDRESS, routes: ROUTE, neighbours: NEIGHBOUR, rules: RULE };

/**
 * validateTopology checks `value` against the format and returns it as a Topology; throws a
 * TopologyError naming `source`, the entry and the field at fault. A file must carry
 * `"nlsim": "topology/1"` (`requireVersion`); an object given to the API may leave it out.
 */
export function validateTopology(value: unknown, source = 'topology', options: { requireVersion?: boolean } = {}): Topology {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TopologyError(source, undefined, `expected a JSON object, got ${show(value)}`);
  const top = value as Record<string, unknown>;
  if (top.nlsim === undefined ? options.requireVersion : top.nlsim !== TOPOLOGY_FORMAT) {
    throw new TopologyError(source, undefined, `"nlsim": expected ${JSON.stringify(TOPOLOGY_FORMAT)} (the format version), got ${top.nlsim === undefined ? 'nothing' : show(top.nlsim)}`);
  }
  for (const key of Object.keys(top)) {
    if (key !== 'nlsim' && !(key in SECTIONS)) throw new TopologyError(source, key, `unknown field (expected ${['nlsim', ...Object.keys(SECTIONS)].join(', ')})`);
  }
  for (const [section, shape] of Object.entries(SECTIONS)) {
    const list = top[section];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new TopologyError(source, section, `expected an array, got ${show(list)}`);
    list.forEach((entry, i) => checkEntry(source, `${section}[${i}]`, shape, entry));
  }
  for (const [i, link] of ((top.links ?? []) as Record<string, unknown>[]).entries()) checkLink(source, `links[${i}]`, link);
  for (const [i, rule] of ((top.rules ?? []) as Record<string, unknown>[]).entries()) {
    const action = rule.action ?? 'lookup';
    if (rule.goto !== undefined && action !== 'goto') throw new TopologyError(source, `rules[${i}].goto`, 'only a rule of action goto has it');
    if (action === 'goto' && rule.goto === undefined) throw new TopologyError(source, `rules[${i}]`, 'missing field "goto" (the priority to jump to)');
    if (rule.table !== undefined && action !== 'lookup') throw new TopologyError(source, `rules[${i}].table`, 'only a rule of action lookup has it');
  }
  return top as Topology;
}

function checkEntry(source: string, where: string, shape: EntryShape, entry: unknown): void {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new TopologyError(source, where, `expected an object, got ${show(entry)}`);
  const e = entry as Record<string, unknown>;
  for (const [key, v] of Object.entries(e)) {
    const check = shape.fields[key];
    if (!check) throw new TopologyError(source, `${where}.${key}`, `unknown field (expected ${Object.keys(shape.fields).join(', ')})`);
    const problem = check(v);
    if (problem) throw new TopologyError(source, `${where}.${key}`, problem);
  }
  for (const key of shape.required) if (e[key] === undefined) throw new TopologyError(source, where, `missing field "${key}"`);
}

/** checkLink checks the fields that only make sense together (a vlan's lower device and id). */
function checkLink(source: string, where: string, link: Record<string, unknown>): void {
  const only = (field: string, kind: string) => {
    if (link[field] !== undefined && link.kind !== kind) throw new TopologyError(source, `${where}.${field}`, `only a link of kind ${kind} has it`);
  };
  only('peer', 'veth');
  only('vlanId', 'vlan');
  only('vlanProtocol', 'vlan');
  only('link', 'vlan');
  if (link.kind === 'vlan') {
    if (link.link === undefined) throw new TopologyError(source, where, 'missing field "link" (the lower device of a vlan)');
    if (link.vlanId === undefined) throw new TopologyError(source, where, 'missing field "vlanId"');
  }
}

/** parseTopology parses JSON text into a Topology; errors name `source` and, for bad JSON, the line and column. */
export function parseTopology(text: string, source = 'topology'): Topology {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8 gives the position for some errors only ('Unexpected token' has a quote instead).
    const message = (e as Error).message.replace(/( in JSON)? at position \d+.*$/s, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
    const before = text.slice(0, jsonErrorOffset(text)).split('\n');
    throw new TopologyError(source, undefined, `invalid JSON at line ${before.length} column ${before.at(-1)!.length + 1}: ${message}`);
  }
  return validateTopology(value, source, { requireVersion: true });
}

/** jsonErrorOffset returns where JSON.parse() stops on `text`: the offset of the first character that cannot continue it. */
export function jsonErrorOffset(text: string): number {
  let at = 0;
  const fail = (): never => {
    throw at;
  };
  const ws = () => {
    while (/[ \t\n\r]/.test(text[at] ?? '')) at++;
  };
  const expect = (c: string) => (text[at] === c ? at++ : fail());
  const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/;
  const value = (): void => {
    ws();
    const c = text[at];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      at++;
      ws();
      if (text[at] === close) {
        at++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[at] !== '"') fail();
          string();
          ws();
          expect(':');
        }
        value();
        ws();
        if (text[at] === ',') at++;
        else return void expect(close);
      }
    }
    if (c === '"') return string();
    const keyword = ['true', 'false', 'null'].find((k) => k[0] === c);
    if (keyword) {
      for (const k of keyword) expect(k);
      return;
    }
    const m = literal.exec(text.slice(at));
    if (!m) fail();
    at += m![0].length;
  };
  const string = () => {
    at++;
    for (;;) {
      const c = text[at];
      if (c === undefined || c < ' ') fail();
      if (c === '"') return void at++;
      if (c === '\\') {
        at++;
        if (text[at] === 'u' && /^[0-9a-fA-F]{4}/.test(text.slice(at + 1))) at += 5;
        else if ('"\\/bfnrt'.includes(text[at] ?? 'x')) at++;
        else fail();
      } else at++;
    }
  };
  try {
    value();
    ws();
    return at;
  } catch (offset) {
    return offset as number;
  }
}

/** readTopologyFile reads and checks a topology file; errors start with the file's name. */
export function readTopologyFile(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TopologyError(file, undefined, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseTopology(text, file);
}
