/**
 * Replay: the committed samples (recorded on Linux) replay against the simulator with zero
 * mismatches; an altered capture reports the altered message and attribute; normalisation can
 * be turned off; foreign byte orders are skipped; the CLI's exit code and JSON report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Capture, encodeCapture, readCapture } from '../../captures/capture.js';
import { decodePackets } from '../../captures/decode/index.js';
import { replayCapture } from '../../captures/replay.js';
import { HOST_LE } from '../../sim/wire/header.js';
import { sharedPath } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLES_DIR = join(ROOT, 'captures/samples/');
const SAMPLES = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.pcap'));

/** withMtu returns a copy of the GETLINK sample whose lo reply says `mtu`. */
async function withMtu(mtu: number): Promise<Capture> {
  const capture = await readCapture(join(SAMPLES_DIR, 'route-getlink-dump.pcap'));
  const [, reply] = decodePackets(capture);
  const attr = reply!.messages[0]!.attrs!.find((a) => a.name === 'IFLA_MTU')!;
  const payload = capture.records[1]!.payload.slice();
  new DataView(payload.buffer).setUint32(attr.offset + 4, mtu, HOST_LE);
  capture.records[1] = { ...capture.records[1]!, payload };
  return capture;
}

describe('replay', () => {
  it('has samples to replay', () => {
    expect(SAMPLES.length).toBe(4);
  });

  it.each(SAMPLES)('%s replays on the simulator with zero mismatches', async (file) => {
    const report = replayCapture(await readCapture(join(SAMPLES_DIR, file)));
    expect(report.summary).toMatchObject({ requests: 1, match: 1, mismatch: 0, unmodelled: 0, skipped: 0, unansweredRecords: 0 });
    expect(report.requests[0]!.differences).toEqual([]);
    expect(report.requests[0]!.actualMessages).toBeGreaterThan(0);
  });

  it('leaves out the families the simulator does not have from a GETFAMILY dump, and says which', async () => {
    const report = replayCapture(await readCapture(join(SAMPLES_DIR, 'nlctrl-getfamily-dump.pcap')));
    expect(report.requests[0]!.notModelled).toEqual(expect.arrayContaining(['ethtool', 'netdev']));
    const strict = replayCapture(await readCapture(join(SAMPLES_DIR, 'nlctrl-getfamily-dump.pcap')), { normalise: { unmodelledFamilies: false } });
    expect(strict.requests[0]!.verdict).toBe('mismatch');
  });

  it('an altered answer is reported with its message and attribute', async () => {
    const report = replayCapture(await withMtu(1500));
    expect(report.summary.mismatch).toBe(1);
    expect(report.requests[0]!.differences).toEqual(['message 0 (RTM_NEWLINK) IFLA_MTU: expected 1500, got 65536']);
  });

  it('port ids are normalised unless asked to compare them', async () => {
    const capture = await readCapture(join(SAMPLES_DIR, 'nlctrl-getfamily.pcap'));
    const report = replayCapture(capture, { normalise: { ports: false } });
    expect(report.requests[0]!.differences.join('\n')).toMatch(/nlmsg_pid: expected \d+, got \d+/);
  });

  it('names requests the simulator does not model instead of failing them', async () => {
    const report = replayCapture(await readCapture(sharedPath('pyroute2/nl0.pcap')));
    expect(report.summary).toMatchObject({ requests: 6, unmodelled: 4, mismatch: 2 });
    // The capture's machine had 11 links and 9 addresses; a fresh simulated kernel has lo,
    // down, without addresses: the dumps are modelled but the machine state differs.
    expect(report.requests.filter((r) => r.verdict === 'mismatch').map((r) => r.differences[0])).toEqual([
      'expected 12 messages, got 2',
      'expected 10 messages, got 1',
    ]);
  });

  it('skips records in the other byte order', async () => {
    const report = replayCapture(await readCapture(sharedPath('tcpdump-pr878/netlink-be.pcap')));
    expect(report.summary).toMatchObject({ requests: 0, skipped: 2 });
  });
});

describe('nlsim replay (CLI)', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'replay', ...args], { encoding: 'utf8', cwd: ROOT });

  it('exits 0 on a matching capture and 1 on an altered one, naming the message', async () => {
    expect(cli(join(SAMPLES_DIR, 'route-getlink-dump.pcap')).status).toBe(0);
    const path = join(mkdtempSync(join(tmpdir(), 'nlsim-replay-')), 'altered.pcap');
    writeFileSync(path, encodeCapture(await withMtu(9000)));
    const r = cli(path);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('MISMATCH');
    expect(r.stdout).toContain('IFLA_MTU: expected 9000, got 65536');
    const json = JSON.parse(cli(path, '--json').stdout) as { summary: { mismatch: number } };
    expect(json.summary.mismatch).toBe(1);
  });
});
