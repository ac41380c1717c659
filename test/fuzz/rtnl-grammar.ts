/**
 * The route fuzzer's requests and sequences: a message is plausible (rtnl-plausible.ts,
 * shaped as iproute2 builds it, sometimes with one byte or 32-bit field changed or its tail
 * cut) four times in five, chaotic otherwise (rtnl-chaos.ts: any attribute of every handled
 * type); a datagram holds one message, now and then two or three, with a rare payload cut,
 * trailing bytes or a broken nlmsg_len; a sequence mixes requests with time passing (for
 * DAD, neighbour and lifetime timers) and strict checking switched on and off.
 */
import fc from 'fast-check';
import { chaosMessage } from './rtnl-chaos.js';
import { plausibleMessage } from './rtnl-plausible.js';
import { cat, le16, le32, U32_EDGES } from './rtnl-values.js';

/** Request is one datagram to send: usually one message, sometimes several or a broken one. */
export interface Request {
  readonly datagram: Uint8Array;
  /**
   * The messages as built, before any length corruption: what the checker expects answers
   * to. Their sequence numbers are 0 in `datagram`; the runner writes one at `offset + 8`.
   */
  readonly messages: readonly { type: number; flags: number; offset: number; payloadLength: number }[];
  /** Whether a message length was corrupted (then Linux drops the rest of the datagram silently). */
  readonly broken: boolean;
}

/** Action is one step of a sequence: a request, time passing, or strict checking toggled. */
export type Action = { kind: 'send'; request: Request } | { kind: 'wait'; ms: number } | { kind: 'strict'; on: boolean };

/**
 * A mutation of a plausible request, at a random place: one byte changed, a 32-bit field set
 * to a boundary, the payload cut short. Mostly none, so most requests get past the parsers.
 */
const mutation = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('byte' as const, 'u32' as const, 'cut' as const), fc.nat(), fc.nat(255)) },
);
function mutate(payload: Uint8Array, m: readonly ['byte' | 'u32' | 'cut', number, number] | null): Uint8Array {
  if (!m || payload.length === 0) return payload;
  const [how, where, value] = m;
  const out = payload.slice();
  if (how === 'byte') out[where % out.length] = value;
  else if (how === 'u32' && out.length >= 4) out.set(le32(U32_EDGES[value % U32_EDGES.length]!), (where % (out.length >>> 2)) * 4);
  else if (how === 'cut') return out.subarray(0, where % out.length);
  return out;
}

/** message: a plausible request (maybe mutated) four times in five, a chaotic one otherwise. */
export const message: fc.Arbitrary<readonly [number, number, Uint8Array]> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(plausibleMessage, mutation).map(([[type, flags, payload], m]) => [type, flags, mutate(payload, m)] as const) },
  { weight: 1, arbitrary: chaosMessage },
);

/** Message-level mutations: a truncated payload (shorter than its family header), trailing bytes. */
const payloadMutation = fc.oneof({ weight: 40, arbitrary: fc.constant<'ok' | 'cut' | 'tail'>('ok') }, { weight: 1, arbitrary: fc.constantFrom<'cut' | 'tail'>('cut', 'tail') });
/** Length corruption: nlmsg_len too short or too long, which ends the datagram on Linux. */
const lengthMutation = fc.oneof({ weight: 60, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-4, -1, 1, 4, 1000) });

/** request is one datagram: usually one message, now and then two or three. */
export const request: fc.Arbitrary<Request> = fc
  .tuple(fc.array(fc.tuple(message, payloadMutation, fc.nat(12), lengthMutation), { minLength: 1, maxLength: 3 }), fc.nat(9))
  .map(([ms, multi]) => {
    const list = multi === 0 ? ms : ms.slice(0, 1);
    const parts: Uint8Array[] = [];
    const messages: { type: number; flags: number; offset: number; payloadLength: number }[] = [];
    let broken = false;
    let offset = 0;
    for (const [[type, fl, payload0], mut, n, lenDelta] of list) {
      let payload = payload0;
      if (mut === 'cut') payload = payload.subarray(0, Math.min(n, payload.length));
      if (mut === 'tail') payload = cat(payload, new Uint8Array(1 + (n % 7)).fill(0xa5));
      const len = 16 + payload.length;
      const head = cat(le32(lenDelta ? Math.max(0, len + lenDelta) : len), le16(type), le16(fl), le32(0), le32(0));
      if (lenDelta) broken = true;
      const body = cat(head, payload);
      const padded = cat(body, new Uint8Array((4 - (body.length % 4)) % 4));
      parts.push(padded);
      messages.push({ type, flags: fl, offset, payloadLength: payload.length });
      offset += padded.length;
    }
    return { datagram: cat(...parts), messages, broken };
  });

/** action: mostly requests; time passing for the timers (DAD, neighbours, lifetimes); strict checking toggled. */
export const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 30, arbitrary: request.map((r) => ({ kind: 'send' as const, request: r })) },
  { weight: 2, arbitrary: fc.constantFrom(1, 100, 1000, 3000, 30_000, 600_000).map((ms) => ({ kind: 'wait' as const, ms })) },
  { weight: 1, arbitrary: fc.boolean().map((on) => ({ kind: 'strict' as const, on })) },
);

/** sequence is one fuzz case: a fresh kernel and up to 80 actions, long enough to build shared state and tear it down. */
export const sequence: fc.Arbitrary<Action[]> = fc.array(action, { minLength: 1, maxLength: 80, size: 'max' });
