// Runs in every test file (vitest.config.ts setupFiles). A test that runs commands
// synchronously keeps its worker's event loop busy, and vitest moves to the next test
// without passing through the loop's poll phase: the runner's answers to the worker's
// RPC calls then sit unread, and after 60 s (a fixed timeout) the run fails with
// "[vitest-worker]: Timeout calling onTaskUpdate" though every test passed. Waiting for
// setImmediate after each test takes the loop through its poll phase, so they are read.
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
