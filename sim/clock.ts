/**
 * The kernel's sense of time: milliseconds since boot (jiffies, in ms) and timers that fire
 * later (the timer wheel and delayed work). Protocol models use it for what Linux does on its
 * own after a request returned: IPv6 duplicate address detection, router solicitations, MLD
 * reports.
 *
 * Two modes:
 * - `'real'` (the default): time passes as on the host and timers fire from Node's event
 *   loop, so a program under `nlsim run` that sleeps a second sees what Linux shows after a
 *   second.
 * - `'manual'`: time stands still until advance() moves it, for tests that want the same
 *   result on every run without waiting.
 *
 * advance() works in both modes: in real mode it moves the clock ahead of the host's, which
 * lets a test skip a wait that the real kernel needs.
 */

/** ClockMode selects how kernel time passes; see the module comment. */
export type ClockMode = 'real' | 'manual';

/** KernelTimer is one pending timer; cancel() mirrors del_timer()/cancel_delayed_work(). */
export interface KernelTimer {
  /** When the timer fires, in kernel ms. */
  readonly due: number;
  /** cancel stops a pending timer; returns false when it already fired or was cancelled. */
  cancel(): boolean;
}

interface Entry {
  due: number;
  /** Creation order: timers due at the same moment fire in the order they were set. */
  order: number;
  callback: (() => void) | null;
}

/** KernelClock is one virtual kernel's time and timers. */
export class KernelClock {
  readonly mode: ClockMode;
  /** Host time (performance.now()) at boot, for real mode. */
  readonly #boot = performance.now();
  /** Time skipped with advance(); all of time in manual mode. */
  #skew = 0;
  #order = 0;
  /** Pending timers, kept sorted by (due, order). */
  readonly #timers: Entry[] = [];
  /** The host timeout that wakes real mode for the earliest timer. */
  #wakeup: NodeJS.Timeout | null = null;
  #wakeupAt = Infinity;
  #running = false;
  /** Host time frozen by hold() (real mode), and how deep holds nest. */
  #heldAt = 0;
  #holds = 0;

  constructor(mode: ClockMode = 'real') {
    if (mode !== 'real' && mode !== 'manual') throw new TypeError(`clock mode must be 'real' or 'manual', not ${String(mode)}`);
    this.mode = mode;
  }

  /** now is kernel time in milliseconds since boot (fractional in real mode). */
  now(): number {
    if (this.mode !== 'real') return this.#skew;
    return (this.#holds ? this.#heldAt : performance.now()) - this.#boot + this.#skew;
  }

  /**
   * hold runs `fn` with the host's time standing still (real mode), as one netlink request or
   * one timer runs within a jiffy on Linux: a route created and notified in the same request
   * reports its whole lifetime however long JavaScript took between the two (a GC pause on a
   * busy machine once made a 7 s expiry print as 6 s). advance() still moves time inside.
   */
  hold<T>(fn: () => T): T {
    if (this.mode === 'real' && this.#holds === 0) this.#heldAt = performance.now();
    this.#holds++;
    try {
      return fn();
    } finally {
      this.#holds--;
    }
  }

  /** pending counts the timers that have not fired yet. */
  get pending(): number {
    return this.#timers.length;
  }

  /** setTimer runs `callback` once `delayMs` milliseconds of kernel time have passed. */
  setTimer(delayMs: number, callback: () => void): KernelTimer {
    if (!(delayMs >= 0)) throw new RangeError(`timer delay must be a non-negative number of ms, not ${delayMs}`);
    const entry: Entry = { due: this.now() + delayMs, order: this.#order++, callback };
    let i = this.#timers.length;
    while (i > 0 && this.#timers[i - 1]!.due > entry.due) i--;
    this.#timers.splice(i, 0, entry);
    this.#arm();
    return {
      due: entry.due,
      cancel: () => {
        const at = this.#timers.indexOf(entry);
        if (at < 0) return false;
        this.#timers.splice(at, 1);
        entry.callback = null;
        this.#arm();
        return true;
      },
    };
  }

  /**
   * advance moves kernel time forward by `ms` and runs every timer that falls due on the way,
   * in time order, each at its own moment (a timer set by another timer runs too when it
   * falls inside the window).
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance() takes a non-negative number of ms, not ${ms}`);
    const target = this.now() + ms;
    for (;;) {
      const next = this.#timers[0];
      if (!next || next.due > target) break;
      // Stand at the timer's moment while it runs, so what it reads (timestamps) and the
      // timers it sets are relative to when it fired.
      if (next.due > this.now()) this.#skew += next.due - this.now();
      this.#fire(next);
    }
    if (target > this.now()) this.#skew += target - this.now();
    this.#arm();
  }

  /**
   * settle runs timers until none is left, moving time forward as far as `limitMs` at most
   * (router solicitations repeat for ever, so some limit is needed); returns the time moved.
   */
  settle(limitMs = 60_000): number {
    const start = this.now();
    const end = start + limitMs;
    while (this.#timers.length && this.#timers[0]!.due <= end) this.advance(Math.max(0, this.#timers[0]!.due - this.now()));
    return this.now() - start;
  }

  /** #fire runs one due timer. */
  #fire(entry: Entry): void {
    this.#timers.splice(this.#timers.indexOf(entry), 1);
    const callback = entry.callback;
    entry.callback = null;
    if (callback) this.hold(callback);
  }

  /** #arm keeps one unref'd host timeout for the earliest timer (real mode only). */
  #arm(): void {
    if (this.mode !== 'real') return;
    const next = this.#timers[0];
    if (!next) {
      if (this.#wakeup) clearTimeout(this.#wakeup);
      this.#wakeup = null;
      this.#wakeupAt = Infinity;
      return;
    }
    if (this.#wakeup && this.#wakeupAt <= next.due) return;
    if (this.#wakeup) clearTimeout(this.#wakeup);
    this.#wakeupAt = next.due;
    // Timers must not keep a process alive on their own: a test or `nlsim run` ends when its
    // work is done, as a program's exit does not wait for the kernel's timers.
    this.#wakeup = setTimeout(() => this.#onWakeup(), Math.max(0, Math.ceil(next.due - this.now())));
    this.#wakeup.unref();
  }

  #onWakeup(): void {
    this.#wakeup = null;
    this.#wakeupAt = Infinity;
    if (this.#running) return;
    this.#running = true;
    try {
      const now = this.now();
      while (this.#timers.length && this.#timers[0]!.due <= now) this.#fire(this.#timers[0]!);
    } finally {
      this.#running = false;
      this.#arm();
    }
  }
}
