import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Differential tests open real netlink sockets in private network namespaces;
    // running files in forks keeps each file's namespaces to its own process.
    pool: 'forks',
    // Most of the suite's time is spent waiting for the real kernel's timers (DAD, MLD,
    // lifetimes, bridge forward delay), not on the CPU, so files run one more at a time than
    // there are cores (vitest's default is one fewer: a single file at a time on 2 cores).
    maxWorkers: availableParallelism() + 1,
    minWorkers: 1,
    testTimeout: 30_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
