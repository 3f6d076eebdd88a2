// A network engineer points --identity at a private key anyone on the machine can read.
// OpenSSH refuses such a key, and so does outpost: before any device is contacted, with
// the chmod to run, exit 2 (an environment problem).
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSecrets } from './support/deliver-fixtures.js';
import { run, STACK } from './support/hostile.js';

const dir = mkdtempSync(join(tmpdir(), `hostile-key-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a private key readable by others is refused (case 14)', () => {
  it('push --dry-run with a 0644 key names the key and its mode, and reaches no device', () => {
    const key = join(dir, 'id_ed25519');
    writeFileSync(key, '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n-----END OPENSSH PRIVATE KEY-----\n');
    chmodSync(key, 0o644);
    const r = run(['push', '--site', 'vac-esch', '--dry-run', '--identity', key, '--secrets', writeSecrets(dir), '--state-dir', join(dir, 'state'), '--connect-timeout', '1']);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toContain(`SSH key ${key} has mode 0644`);
    expect(r.stderr).toContain(`chmod 600 ${key}`);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/planned|unreachable/);
  });
});
