/**
 * The kernel clock: timers fire in time order at their own moment, cancel works, manual time
 * stands still, real time drives timers from the event loop, and the route model's IPv6 DAD
 * runs on it (a manual clock makes DAD repeatable without waiting).
 */
import { describe, expect, it } from 'vitest';
import { KernelClock } from '../../sim/clock.js';
import { createKernel } from '../../protocols/index.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NETLINK_ROUTE, SOCK_RAW } from '../../sim/uapi/netlink.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { decodeMessages } from '../../sim/wire/messages.js';
import { encodeIfInfoMsg } from '../../protocols/route/core/ifinfomsg.js';
import { IFA_F, IFF, RTM } from '../../protocols/route/core/uapi.js';
import { attr, attrString, concat } from '../helpers/exchange.js';

describe('KernelClock', () => {
  it('manual time stands still until advance(), which fires due timers in order, each at its moment', () => {
    const clock = new KernelClock('manual');
    const fired: [string, number][] = [];
    clock.setTimer(300, () => fired.push(['c', clock.now()]));
    clock.setTimer(100, () => {
      fired.push(['a', clock.now()]);
      // A timer set by a timer that falls inside the window fires in the same advance().
      clock.setTimer(50, () => fired.push(['a2', clock.now()]));
    });
    clock.setTimer(100, () => fired.push(['b', clock.now()]));
    expect(clock.now()).toBe(0);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(201);
    expect(fired).toEqual([['a', 100], ['b', 100], ['a2', 150], ['c', 300]]);
    expect(clock.now()).toBe(300);
    expect(clock.pending).toBe(0);
  });

  it('cancel() stops a pending timer once', () => {
    const clock = new KernelClock('manual');
    let n = 0;
    const t = clock.setTimer(10, () => n++);
    expect(t.due).toBe(10);
    expect(t.cancel()).toBe(true);
    expect(t.cancel()).toBe(false);
    clock.advance(20);
    expect(n).toBe(0);
  });

  it('settle() runs timers up to a limit, for timers that re-arm for ever', () => {
    const clock = new KernelClock('manual');
    let n = 0;
    const tick = () => {
      n++;
      clock.setTimer(1000, tick);
    };
    clock.setTimer(1000, tick);
    expect(clock.settle(10_500)).toBe(10_000);
    expect(n).toBe(10);
  });

  it('rejects negative delays and unknown modes with clear errors', () => {
    const clock = new KernelClock('manual');
    expect(() => clock.setTimer(-1, () => {})).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(/non-negative/);
    expect(() => new KernelClock('fast' as 'real')).toThrow(/'real' or 'manual'/);
  });

  it('real time fires timers from the event loop, and advance() can run them early', async () => {
    const clock = new KernelClock('real');
    const order: string[] = [];
    clock.setTimer(20, () => order.push('soon'));
    clock.setTimer(60_000, () => order.push('skipped ahead'));
    await new Promise((r) => setTimeout(r, 60));
    expect(order).toEqual(['soon']);
    clock.advance(60_000);
    expect(order).toEqual(['soon', 'skipped ahead']);
    expect(clock.now()).toBeGreaterThanOrEqual(60_000);
  });

  it('hold() keeps real time still for one request or timer, however long JavaScript takes', () => {
    const clock = new KernelClock('real');
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const inside = clock.hold(() => {
      const first = clock.now();
      spin(10);
      const nested = clock.hold(() => clock.now());
      const afterNested = clock.now();
      clock.advance(1000);
      return { first, nested, afterNested, advanced: clock.now() };
    });
    expect(inside.nested).toBe(inside.first);
    expect(inside.afterNested).toBe(inside.first);
    expect(inside.advanced).toBe(inside.first + 1000);
    // Once the hold ends, the host's time shows again (with the skip advance() made).
    expect(clock.now()).toBeGreaterThanOrEqual(inside.first + 1010);
  });
});

describe('IPv6 DAD on the kernel clock', () => {
  /** addresses dumps the IPv6 addresses of ifindex `index` as [flags, prefixlen]. */
  function addresses(kernel: ReturnType<typeof createKernel>, index: number): number[] {
    const s = kernel.socket(SOCK_RAW, NETLINK_ROUTE);
    s.sendto(encodeMessage({ type: RTM.RTM_GETADDR, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 1, pid: 0 }, Uint8Array.of(10, 0, 0, 0, 0, 0, 0, 0)), { pid: 0, groups: 0 });
    const flags: number[] = [];
    for (;;) {
      const { data } = s.recvmsg();
      const msgs = decodeMessages(data);
      for (const m of msgs) if (m.header.type === RTM.RTM_NEWADDR && new DataView(m.payload.buffer, m.payload.byteOffset).getInt32(4, true) === index) flags.push(m.payload[2]!);
      if (msgs.some((m) => m.header.type === 3)) break;
    }
    s.close();
    return flags;
  }

  it('a veth link-local address stays tentative until 1–2 s of kernel time passed', () => {
    const kernel = createKernel({ clock: 'manual', seed: 7 });
    const s = kernel.socket(SOCK_RAW, NETLINK_ROUTE);
    const send = (type: number, flags: number, payload: Uint8Array) => {
      s.sendto(encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_ACK | flags, seq: 1, pid: 0 }, payload), { pid: 0, groups: 0 });
      const [ack] = decodeMessages(s.recvmsg().data);
      expect(new DataView(ack!.payload.buffer, ack!.payload.byteOffset).getInt32(0, true)).toBe(0);
    };
    const veth = concat(attrString(3, 'v0'), attr(18, concat(attrString(1, 'veth'), attr(2, attr(1, concat(encodeIfInfoMsg({}), attrString(3, 'v1')))))));
    send(RTM.RTM_NEWLINK, 0x600, concat(encodeIfInfoMsg({}), veth));
    for (const index of [2, 3]) send(RTM.RTM_SETLINK, 0, encodeIfInfoMsg({ index, flags: IFF.IFF_UP, change: IFF.IFF_UP }));
    expect(addresses(kernel, 3)).toEqual([IFA_F.IFA_F_TENTATIVE | IFA_F.IFA_F_PERMANENT]);
    kernel.clock.advance(999);
    expect(addresses(kernel, 3)[0]! & IFA_F.IFA_F_TENTATIVE).toBe(IFA_F.IFA_F_TENTATIVE);
    kernel.clock.advance(1001);
    expect(addresses(kernel, 3)).toEqual([IFA_F.IFA_F_PERMANENT]);
    // Router solicitations keep a timer for ever; DAD and MLD leave nothing else behind.
    kernel.clock.advance(1000);
    expect(kernel.clock.pending).toBe(2);
  });
});
