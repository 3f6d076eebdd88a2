import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Every e2e suite prefixes its namespaces, bridges and ports with its own area and
    // pid, so files can run side by side.
    pool: 'forks',
    // Most e2e time is spent waiting on real daemons, so a few more workers than cores
    // shortens the run without starving them.
    poolOptions: { forks: { minForks: 1, maxForks: 3 } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
