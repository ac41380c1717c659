/**
 * `npm run fuzz`: the route fuzzer's long run. Plays random request sequences
 * (rtnl-grammar.ts) against fresh virtual kernels until it has sent --messages rtnetlink
 * messages (default 10^6), checking every invariant of rtnl-check.ts, and prints the rate,
 * what the kernel answered, every violation (shrunk by fast-check, with its seed for replay)
 * and the heap before and after.
 *
 *   npm run fuzz -- --messages 100000 --seed 7 --consistency-every 10
 *
 * Exits 1 when any invariant broke.
 */
import fc from 'fast-check';
import { FuzzRun, type FuzzStats } from './rtnl-check.js';
import { sequence } from './rtnl-grammar.js';

const USAGE = 'usage: npm run fuzz -- [--messages N] [--seed S] [--consistency-every K]';
const KNOWN = new Set(['--messages', '--seed', '--consistency-every']);
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
for (let i = 0; i < args.length; i += 2) {
  if (!KNOWN.has(args[i]!)) {
    console.error(`nlsim fuzz: unknown option ${JSON.stringify(args[i])}\n${USAGE}`);
    process.exit(2);
  }
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error(`nlsim fuzz: --${name} needs a non-negative integer, not ${JSON.stringify(process.argv[i + 1])}`);
    process.exit(2);
  }
  return v;
}

const target = option('messages', 1_000_000);
const baseSeed = option('seed', Date.now() % 0x7fffffff);
const consistencyEvery = option('consistency-every', 1);
const SEQUENCES_PER_SEED = 200;

const total: FuzzStats = { messages: 0, acks: 0, errors: 0, dumps: 0 };
const violations: string[] = [];

const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

console.log(`nlsim fuzz: ${target} rtnetlink messages from seed ${baseSeed}, consistency dumps after every ${consistencyEvery === 1 ? '' : `${consistencyEvery}th `}request`);
const heapStart = heap();
const start = performance.now();
let lastReport = start;
for (let seed = baseSeed; total.messages < target; seed++) {
  const result = fc.check(
    fc.property(sequence, (actions) => {
      const run = new FuzzRun({ consistencyEvery });
      try {
        run.run(actions);
      } finally {
        run.close();
        total.messages += run.stats.messages;
        total.acks += run.stats.acks;
        total.errors += run.stats.errors;
        total.dumps += run.stats.dumps;
      }
    }),
    { seed, numRuns: SEQUENCES_PER_SEED },
  );
  if (result.failed) {
    const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    violations.push(`seed ${seed}, path ${result.counterexamplePath}: ${cause}\n  counterexample: ${fc.stringify(result.counterexample)}`);
    console.log(`VIOLATION (seed ${seed}): ${cause.split('\n')[0]}`);
  }
  const now = performance.now();
  if (now - lastReport > 10_000) {
    lastReport = now;
    console.log(`  ${total.messages} messages, ${Math.round(total.messages / ((now - start) / 1000))}/s, heap ${heap().toFixed(1)} MiB`);
  }
}
const seconds = (performance.now() - start) / 1000;
const heapEnd = heap();
console.log(`messages: ${total.messages} in ${seconds.toFixed(1)} s (${Math.round(total.messages / seconds)}/s; every request followed by ${consistencyEvery === 1 ? '18' : `18 per ${consistencyEvery}`} consistency dumps)`);
console.log(`answers: ${total.acks} ACKs, ${total.errors} errors, ${total.dumps} dumps`);
console.log(`exceptions and broken invariants: ${violations.length}`);
for (const v of violations) console.log(`  ${v}`);
console.log(`heap: ${heapStart.toFixed(1)} MiB before, ${heapEnd.toFixed(1)} MiB after${gc ? '' : ' (run with --expose-gc for exact figures)'}`);
process.exit(violations.length ? 1 : 0);
