/**
 * The comparison loop of the differential scenario tests: run a scenario's steps on a fresh
 * namespace of the real kernel and on a fresh virtual kernel (runScenario), apply the same
 * masks to both outcomes, and compare every step's replies and notifications. A failure shows
 * the steps that differ, all at once, each as one text block (step number, replies, then
 * `-- notifications`), so the diff names the step and the attribute.
 *
 * describeScenarios declares one test per scenario and runs them concurrently: each scenario
 * has its own namespace and its own virtual kernel, and almost all of a scenario's time on
 * Linux is spent waiting for the kernel's timers (linkwatch, DAD, STP), which overlap.
 * Linkwatch is one work item for the whole kernel, but each wait a scenario makes already
 * covers its longest delay (a second after the previous run), whichever namespace caused it.
 * The waits themselves are unchanged, and the scenarios use little CPU (the 18 of
 * addr-route-differential about 4 s), so running them together hardly loads the machine.
 */
import { it, vi, type ExpectStatic } from 'vitest';
import { createHostKernel } from '../../helpers/host-kernel.js';
import type { SocketFactory } from '../../../sim/socket-api.js';
import type { NlMessage } from '../../../sim/wire/messages.js';
import { describeKernel } from '../../helpers/backends.js';
import { foldLateWork, runScenario, type Outcome, type Step } from './link-differential.js';

/** CompareOptions says how a scenario runs and what both outcomes go through before they are compared. */
export interface CompareOptions {
  /** The monitor's bind() groups. Defaults to RTNLGRP_LINK (runScenario's default). */
  groups?: number;
  /** NETLINK_GET_STRICT_CHK on the requesting socket. */
  strict?: boolean;
  /** Renders one message as lines. Defaults to link-differential.ts's render(). */
  render?: (m: NlMessage) => string[];
  /** How long Linux is given after each request (runScenario's pauseMs). Defaults to 30 ms. */
  pauseMs?: (step: Step) => number;
  /** Masks a whole outcome (e.g. bridgeOutcome), applied to Linux's and the simulator's alike. */
  mask?: (o: Outcome, steps: Step[]) => Outcome;
  /** Per-step view of the replies (e.g. sorted, for dumps in hash order), applied to both. */
  replies?: (lines: string[], step: Step) => string[];
  /** Per-step view of the notifications, applied to both. */
  notifications?: (lines: string[], step: Step) => string[];
  /** Checks on Linux's masked outcome that the scenario exercised what it is about. */
  guard?: (real: Outcome, expect: ExpectStatic) => void;
  /** The virtual kernel the scenario runs on. Defaults to createHostKernel(). */
  kernel?: () => SocketFactory;
}

/** MAX_CONCURRENT_SCENARIOS bounds how many scenarios of a file run at once (namespaces open together). */
const MAX_CONCURRENT_SCENARIOS = 10;

/** ScenarioCase is a scenario: its name, its steps and its own options (merged over the file's). */
export type ScenarioCase = [name: string, steps: Step[], options?: CompareOptions];

/** byMessage groups rendered lines by message: each message is its `nlmsg` header line and the lines after it. */
export function byMessage(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.startsWith('nlmsg')) out.push(l);
    else out[out.length - 1] += `\n${l}`;
  }
  return out;
}

/**
 * sortRuns sorts each run of consecutive messages that `member` accepts, leaving the rest in
 * place: for events Linux emits in an order that is its own dice (a hash walk, or entries
 * that random timers created), while the messages themselves and their place among the
 * others are still compared.
 */
export function sortRuns(messages: string[], member: (m: string) => boolean): string[] {
  const out: string[] = [];
  let run: string[] = [];
  for (const m of messages) {
    if (member(m)) {
      run.push(m);
      continue;
    }
    out.push(...run.sort(), m);
    run = [];
  }
  return [...out, ...run.sort()];
}

/**
 * isFlushedMcastNeighbour accepts the RTM_DELNEIGH of a NOARP (multicast) ND entry. A device
 * losing its carrier or going down flushes its entries newest first (neigh_flush_dev() walks
 * the device's list, where each new entry goes to the head), and the multicast ones were made
 * by the first MLD report and the DAD or RS packet, which Linux sends after random delays: their
 * order is Linux's dice, so a run of them is compared as a set, in place (sortRuns()).
 */
export const isFlushedMcastNeighbour = (m: string) => m.startsWith('nlmsg type=29 ') && /ndmsg fam=(2|10) .* state=0x40 /.test(m);

/** sortedMessages is byMessage() sorted: for dumps Linux walks in hash order, or entries named after random addresses. */
export const sortedMessages = (lines: string[]): string[] => byMessage(lines).sort();

/** stepText renders step `i` of an outcome as one text block. */
function stepText(o: Outcome, steps: Step[], i: number, options: CompareOptions): string {
  const replies = options.replies ?? ((l: string[]) => l);
  const notifications = options.notifications ?? ((l: string[]) => l);
  return [`step ${i + 1}`, ...replies(o.replies[i] ?? [], steps[i]!), '-- notifications', ...notifications(o.notifications[i] ?? [], steps[i]!)].join('\n');
}

/**
 * compareScenario runs `steps` on a fresh namespace of Linux (`openNamespace()`, closed
 * afterwards) and on the simulator, and expects the same replies and notifications at every
 * step after the masks of `options`. It returns both masked outcomes.
 */
export async function compareScenario(
  expect: ExpectStatic,
  openNamespace: () => SocketFactory & { close(): void },
  steps: Step[],
  options: CompareOptions = {},
): Promise<{ real: Outcome; sim: Outcome }> {
  const run = { groups: options.groups, strict: options.strict, render: options.render, pauseMs: options.pauseMs };
  const masked = options.mask ?? ((o: Outcome) => o);
  const mask = (o: Outcome, s: Step[]) => foldLateWork(masked(o, s), s);
  const ns = openNamespace();
  let real: Outcome;
  try {
    real = mask(await runScenario(ns, steps, { ...run, real: true }), steps);
  } finally {
    ns.close();
  }
  const sim = mask(await runScenario((options.kernel ?? createHostKernel)(), steps, { ...run, real: false }), steps);
  options.guard?.(real, expect);
  const differ = steps.map((_, i) => i).filter((i) => stepText(sim, steps, i, options) !== stepText(real, steps, i, options));
  expect(differ.map((i) => stepText(sim, steps, i, options))).toEqual(differ.map((i) => stepText(real, steps, i, options)));
  return { real, sim };
}

/**
 * describeScenarios declares one concurrent test per scenario comparing the simulator with
 * Linux (compareScenario), each scenario's options merged over `options`. `timeout` defaults
 * to 60 s.
 */
export function describeScenarios(title: string, scenarios: ScenarioCase[], options: CompareOptions = {}, timeout = 60_000): void {
  // Vitest runs 5 concurrent tests at a time by default; a file's scenarios mostly wait, so
  // up to 10 of them wait together (setConfig applies to the current test file only).
  vi.setConfig({ maxConcurrency: Math.min(Math.max(scenarios.length, 5), MAX_CONCURRENT_SCENARIOS) });
  describeKernel(title, (openNamespace) => {
    it.concurrent.for<ScenarioCase>(scenarios)('%s', { timeout }, async ([, steps, own], { expect }) => {
      await compareScenario(expect, openNamespace, steps, { ...options, ...own });
    });
  });
}
