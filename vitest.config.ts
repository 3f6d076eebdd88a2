import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Lets each worker read the runner's RPC answers between tests (see the file).
    setupFiles: ['tests/support/yield.ts'],
    // Every e2e suite prefixes its namespaces, bridges and ports with its own area and
    // pid, so files can run side by side.
    pool: 'forks',
    // One worker per core, no more: a worker answers the runner over an RPC whose timeout
    // (60 s) no option changes, and on a loaded 2-core machine a third worker starved the
    // others past it ("Timeout calling onTaskUpdate" with every test passed). Tests that
    // run the CLI several times use outpostAsync, so no test blocks its worker for long.
    poolOptions: { forks: { minForks: 1, maxForks: Math.max(1, availableParallelism()) } },
    // On a loaded machine a worker takes longer than the default 10 s to close.
    teardownTimeout: 60_000,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
