/**
 * `npm run conformance`: runs every differential test (the "[kernel]" half of each test
 * written against both kernels, and the operation sequences), and reports per area and per
 * protocol how many cases agree with the real kernel. Writes the same as conformance.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

interface AssertionResult {
  fullName: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo' | 'disabled';
}
interface JsonReport {
  testResults: { name: string; assertionResults: AssertionResult[] }[];
}

interface Count {
  agree: number;
  differ: number;
  skipped: number;
}

const root = new URL('../../', import.meta.url).pathname;
const sequenceRuns = Number(process.env.NLSIM_DIFF_RUNS ?? 2000);
const out = process.argv[2] ?? join(root, 'conformance.json');

/** area classifies a case: what af_netlink behaviour it exercises. */
function area(file: string, name: string): string {
  if (file.includes('test/kernel/sequences.test')) return `operation sequences (${sequenceRuns} each)`;
  if (file.includes('test/kernel/unprivileged')) return `operation sequences, unprivileged (${sequenceRuns} each)`;
  if (file.includes('protocols/uevent')) return 'uevents';
  if (file.includes('node-netlink')) return 'node-netlink client';
  if (file.includes('test/runner')) return 'preload runner';
  if (file.includes('test/captures')) return 'captures';
  if (file.includes('regressions')) return 'regressions found by sequences';
  if (/dump|NLMSG_DONE|\bDONE\b|EBUSY/i.test(name)) return 'dumps';
  if (/\bACK|NLMSG_ERROR|extack|ext_ack|EXT_ACK|CAP_ACK|echo/i.test(name)) return 'ACK/errors';
  if (/multicast|group|membership|notif/i.test(name) && !file.includes('sockopt')) return 'multicast';
  if (file.includes('socket-create')) return 'sockets';
  if (file.includes('ports')) return 'ports';
  if (file.includes('sendmsg') || file.includes('recvmsg')) return 'send/receive';
  if (file.includes('buffers') || /rcvbuf|ENOBUFS|overrun/i.test(name)) return 'buffers';
  if (file.includes('sockopt')) return 'socket options';
  if (file.includes('protocols/route')) return 'rtnetlink requests';
  if (file.includes('protocols/generic')) return 'genetlink requests';
  return 'other';
}

/** protocol classifies a case by the netlink protocol it runs on. */
function protocol(file: string, name: string): string {
  if (file.includes('protocols/route') || /NETLINK_ROUTE|rtnetlink/i.test(name)) return 'NETLINK_ROUTE';
  if (file.includes('protocols/generic') || /NETLINK_GENERIC|nlctrl|genl/i.test(name)) return 'NETLINK_GENERIC';
  if (file.includes('protocols/uevent') || /UEVENT/i.test(name)) return 'NETLINK_KOBJECT_UEVENT';
  return 'NETLINK_USERSOCK';
}

const dir = mkdtempSync(join(tmpdir(), 'nlsim-conformance-'));
const jsonFile = join(dir, 'report.json');
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=json', `--outputFile.json=${jsonFile}`, '-t', '\\[kernel\\]'],
  // CI=true: the real kernel must answer; a missing binding is a failure, not a skip.
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: process.env.CI ?? 'true', NLSIM_DIFF_RUNS: String(sequenceRuns) } },
);
const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as JsonReport;
rmSync(dir, { recursive: true, force: true });

const areas = new Map<string, Count>();
const protocols = new Map<string, Count>();
const differing: string[] = [];
const bump = (m: Map<string, Count>, key: string, status: AssertionResult['status']) => {
  const c = m.get(key) ?? { agree: 0, differ: 0, skipped: 0 };
  if (status === 'passed') c.agree++;
  else if (status === 'failed') c.differ++;
  else c.skipped++;
  m.set(key, c);
};
for (const file of report.testResults) {
  const rel = relative(root, file.name);
  if (rel.startsWith('test/native/')) continue; // the binding's own tests, not comparisons
  for (const a of file.assertionResults) {
    if (!a.fullName.includes('[kernel]') || a.status === 'pending' || a.status === 'todo' || a.status === 'disabled') continue;
    bump(areas, area(rel, a.fullName), a.status);
    bump(protocols, protocol(rel, a.fullName), a.status);
    if (a.status === 'failed') differing.push(`${rel}: ${a.fullName}`);
  }
}

const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
const total = [...areas.values()].reduce((t, c) => ({ agree: t.agree + c.agree, differ: t.differ + c.differ, skipped: t.skipped + c.skipped }), { agree: 0, differ: 0, skipped: 0 });
const table = (title: string, m: Map<string, Count>) => {
  const rows = [...m].sort(([a], [b]) => a.localeCompare(b));
  const w = Math.max(title.length, ...rows.map(([k]) => k.length));
  console.log(`\n${title.padEnd(w)}  agree  differ  skipped`);
  for (const [k, c] of rows) console.log(`${k.padEnd(w)}  ${String(c.agree).padStart(5)}  ${String(c.differ).padStart(6)}  ${String(c.skipped).padStart(7)}`);
};
console.log(`\nnlsim conformance against Linux ${kernel} (${new Date().toISOString().slice(0, 10)})`);
table('area', areas);
table('protocol', protocols);
console.log(`\ntotal: ${total.agree} agree, ${total.differ} differ, ${total.skipped} skipped`);
for (const d of differing) console.log(`  differs: ${d}`);

writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), kernel, total, areas: Object.fromEntries(areas), protocols: Object.fromEntries(protocols), differing }, null, 2)}\n`,
);
console.log(`\nwrote ${relative(process.cwd(), out) || out}`);
process.exit(run.status === 0 && total.differ === 0 ? 0 : 1);
