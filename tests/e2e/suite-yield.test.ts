// The failure that made `npm test` exit 1 with every test passed, reproduced on purpose:
// a file of tests that each block their worker (a synchronous command of 5 s), a minute
// and more in all. Run by a vitest of its own with the suite's setup, it must end clean;
// without tests/support/yield.ts it ends with "[vitest-worker]: Timeout calling onTaskUpdate".
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/inventory.js';

// Inside the project (git-ignored .outpost/) so the nested run resolves vitest from node_modules.
const dir = join(repoRoot, '.outpost', `suite-yield-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the suite on a busy machine', () => {
  it('a file whose tests block their worker for over a minute still ends without an RPC timeout', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'blocking.test.ts'),
      "import { execFileSync } from 'node:child_process';\nimport { expect, it } from 'vitest';\n" +
        "for (let i = 0; i < 13; i++) it(`blocks ${i}`, () => { execFileSync('sleep', ['5']); expect(i).toBeGreaterThanOrEqual(0); });\n",
    );
    writeFileSync(
      join(dir, 'vitest.config.ts'),
      `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['blocking.test.ts'], pool: 'forks', setupFiles: [${JSON.stringify(join(repoRoot, 'tests/support/yield.ts'))}], testTimeout: 30_000 } });\n`,
    );
    const r = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--config', join(dir, 'vitest.config.ts')], { env: { ...process.env, NO_COLOR: '1', CI: '1' } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      ),
    );
    expect(r.out).toMatch(/Tests\s+13 passed \(13\)/);
    expect(r.out).not.toContain('onTaskUpdate');
    expect(r.code, r.out).toBe(0);
  }, 180_000);
});
