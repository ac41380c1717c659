/**
 * Wireshark's reading of nlsim-written captures: tshark must find the same netlink messages,
 * with the same lengths and types, that nlsim's decoder prints. Needs tshark
 * (`apt-get install -y tshark`); skipped with a printed reason without it, except with CI=true,
 * where it must run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../captures/capture.js';
import { decodePackets } from '../../captures/decode/index.js';
import type { MessageNode } from '../../captures/decode/model.js';
import { recordKernel, steppingClock } from '../../captures/record.js';
import { recordSample, SAMPLES } from '../../captures/samples/record-samples.js';
import { createKernel } from '../../protocols/index.js';

const SAMPLES_DIR = fileURLToPath(new URL('../../captures/samples/', import.meta.url));
const probe = spawnSync('tshark', ['-v'], { encoding: 'utf8' });
const missing = probe.error ? `tshark not found (${probe.error.message}); install it with apt-get install -y tshark` : '';
const inCI = process.env.CI === 'true';
if (missing && !inCI) console.warn(`nlsim: tshark comparison skipped: ${missing}`);
const describeTshark = missing && !inCI ? describe.skip : describe;

/** FrameView is one frame as compared: message lengths in order, and the multiset of types. */
interface FrameView {
  lens: number[];
  types: number[];
}

/** tsharkFrames reads netlink header lengths and types per frame from tshark's field output. */
function tsharkFrames(file: string): FrameView[] {
  // netlink.hdr_type holds control types; ROUTE and GENERIC message types have their own fields.
  const fields = ['frame.number', 'netlink.hdr_len', 'netlink.hdr_type', 'netlink-route.nltype', 'genl.family_id'];
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f]), '-E', 'occurrence=a'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tshark failed on ${file}: ${r.stderr}`);
  const list = (s: string | undefined): number[] => (s ? s.split(',').map((x) => Number(x)) : []);
  return r.stdout
    .trimEnd()
    .split('\n')
    .map((line) => {
      const [, lens, ...types] = line.split('\t');
      return { lens: list(lens), types: types.flatMap(list).sort((a, b) => a - b) };
    });
}

/** ourFrames is the same view from nlsim's decoder; an error's echoed request follows it, as tshark lists it. */
async function ourFrames(file: string): Promise<FrameView[]> {
  return decodePackets(await readCapture(file)).map((p) => {
    const all: MessageNode[] = p.messages.flatMap((m) => (m.error?.request ? [m, m.error.request] : [m]));
    return { lens: all.map((m) => m.header.len), types: all.map((m) => m.header.type).sort((a, b) => a - b) };
  });
}

describeTshark(`tshark reads nlsim-written captures${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it.each(readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.pcap')))('sample %s: same messages, lengths and types', async (file) => {
    const path = join(SAMPLES_DIR, file);
    const ours = await ourFrames(path);
    expect(ours.length).toBeGreaterThan(1);
    expect(tsharkFrames(path)).toEqual(ours);
  });

  it.each(['pcap', 'pcapng'] as const)('the virtual nlmon writing %s: same messages, lengths and types', async (format) => {
    const kernel = createKernel({ seed: 1 });
    const path = join(mkdtempSync(join(tmpdir(), 'nlsim-tshark-')), `sim.${format}`);
    const rec = recordKernel(kernel, path, { format, clock: steppingClock({ seconds: 1_700_000_000, nanoseconds: 0 }) });
    for (const sample of SAMPLES) await recordSample(kernel, sample);
    await rec.stop();
    const ours = await ourFrames(path);
    expect(ours.length).toBe(9);
    expect(tsharkFrames(path)).toEqual(ours);
  });
});
