/**
 * Traffic matchers: `expect(traffic).toContainRequest({ type: 'RTM_NEWLINK' })` and its
 * reply / notification / message siblings. A pattern is partial: flags must all be present,
 * `attrs`, `header` and `uevent` match the keys given, anything else compares with vitest's
 * equality (asymmetric matchers such as expect.any() work everywhere).
 */
import { expect } from 'vitest';
import { formatMessage, type AttrValue, type MessageSummary, Traffic } from './traffic.js';

/** MessagePattern describes the message expected; every field is optional. */
export interface MessagePattern {
  type?: string | unknown;
  /** Flags that must all be set. */
  flags?: string[];
  /** For NLMSG_ERROR / NLMSG_DONE: 'ACK', '0' or an errno name. */
  error?: string | unknown;
  seq?: number | unknown;
  pid?: number | unknown;
  group?: number | unknown;
  protocol?: string | unknown;
  header?: Record<string, unknown>;
  attrs?: Record<string, unknown>;
  uevent?: Record<string, unknown>;
}

/** TrafficMatchers are the matchers nlsim/vitest adds to expect(). */
export interface TrafficMatchers<R = unknown> {
  /** Some message sent to the kernel matches `pattern`. */
  toContainRequest(pattern: MessagePattern): R;
  /** Some unicast message from the kernel (answer, ACK, dump part) matches `pattern`. */
  toContainReply(pattern: MessagePattern): R;
  /** Some message delivered to a multicast group matches `pattern`. */
  toContainNotification(pattern: MessagePattern): R;
  /** Some message, in either direction, matches `pattern`. */
  toContainMessage(pattern: MessagePattern): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends TrafficMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends TrafficMatchers {}
}

type Equals = (a: unknown, b: unknown) => boolean;

function partial(actual: Record<string, AttrValue | string> | undefined, expected: Record<string, unknown>, equals: Equals): boolean {
  return Object.entries(expected).every(([k, v]) => actual !== undefined && equals(actual[k], v));
}

/** matches tells whether `m` fits `p`. */
export function matches(m: MessageSummary, p: MessagePattern, equals: Equals): boolean {
  for (const [key, want] of Object.entries(p)) {
    if (want === undefined) continue;
    if (key === 'flags') {
      if (!(want as string[]).every((f) => m.flags.includes(f))) return false;
    } else if (key === 'attrs' || key === 'header' || key === 'uevent') {
      if (!partial(m[key], want as Record<string, unknown>, equals)) return false;
    } else if (!equals(m[key as keyof MessageSummary], want)) return false;
  }
  return true;
}

function messagesOf(received: unknown): MessageSummary[] | undefined {
  if (received instanceof Traffic) return received.messages();
  if (Array.isArray(received)) return received as MessageSummary[];
  return undefined;
}

function matcher(kind: MessageSummary['kind'] | undefined, noun: string) {
  return function (this: { equals: Equals; isNot: boolean; utils: { stringify(v: unknown): string } }, received: unknown, pattern: MessagePattern) {
    const all = messagesOf(received);
    if (!all) return { pass: false, message: () => `expected a Traffic (or MessageSummary[]), got ${this.utils.stringify(received)}` };
    const pool = kind ? all.filter((m) => m.kind === kind) : all;
    const pass = pool.some((m) => matches(m, pattern, this.equals));
    const listing = all.length ? all.map((m) => `  ${formatMessage(m)}`).join('\n') : '  (no traffic)';
    return {
      pass,
      message: () => `expected traffic ${this.isNot ? 'not ' : ''}to contain a ${noun} matching ${this.utils.stringify(pattern)}\nrecorded:\n${listing}`,
    };
  };
}

expect.extend({
  toContainRequest: matcher('request', 'request'),
  toContainReply: matcher('reply', 'reply'),
  toContainNotification: matcher('notification', 'notification'),
  toContainMessage: matcher(undefined, 'message'),
});
