/**
 * Request tables for differential tests: each scenario runs on a fresh namespace of the real
 * kernel and on a fresh virtual kernel, with and without NETLINK_GET_STRICT_CHK, and every
 * reply and notification must match step by step (runScenario renders them).
 */
import { expect, it } from 'vitest';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from '../../../sim/uapi/netlink.js';
import { describeKernel } from '../../helpers/backends.js';
import { compareScenario } from './compare-scenario.js';
import type { Step } from './link-differential.js';

export const REQ = NLM_F_REQUEST;
export const ACK = NLM_F_REQUEST | NLM_F_ACK;
export const DUMP = NLM_F_REQUEST | NLM_F_DUMP;

/** u32 / u16 are host-order integers. */
export const u32 = (v: number) => new Uint8Array(Uint32Array.of(v >>> 0).buffer);
export const u16 = (v: number) => new Uint8Array(Uint16Array.of(v).buffer);
/** step builds a request step. */
export const step = (type: number, flags: number, payload: Uint8Array): Step => ({ type, flags, payload });

/** Scenario is a name, its steps and the groups its monitor joins (bind() mask). */
export type Scenario = [name: string, steps: Step[], groups?: number];

/**
 * describeRequests declares, for each scenario, one test per strictness that compares the
 * simulator with Linux message for message (compareScenario()), one after the other.
 */
export function describeRequests(title: string, scenarios: Scenario[]): void {
  describeKernel(title, (openNamespace) => {
    const cases = scenarios.flatMap(([name, steps, groups]) => [false, true].map((strict) => [`${name}${strict ? ' (strict)' : ''}`, steps, groups, strict] as const));
    it.each(cases)('%s', async (_name, steps, groups, strict) => {
      await compareScenario(expect, openNamespace, steps, { groups, strict });
    }, 60_000);
  });
}
