// A network engineer points push at files that are not what they should be: a private key
// anyone on the machine can read (OpenSSH refuses such a key, and so does outpost), a
// named pipe as the known_hosts or endpoints file (which would block for ever). Each is
// refused before any device is contacted, exit 2 (an environment problem).
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
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

  it('a named pipe given as known_hosts and as the endpoints file is named, and nothing blocks', () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const key = join(dir, 'id_ok');
    writeFileSync(key, 'not a real key\n', { mode: 0o600 });
    const r = run(['push', '--site', 'vac-esch', '--dry-run', '--identity', key, '--known-hosts', fifo, '--endpoints', fifo, '--secrets', writeSecrets(dir), '--state-dir', join(dir, 'state')], { timeoutMs: 20_000 });
    expect(r.timedOut).toBe(false);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toContain(`${fifo} is not a regular known_hosts file`);
    expect(r.stderr).toContain(`${fifo}:1:1: error: ${fifo} is a named pipe (FIFO)`);
    expect(r.code).toBe(2);
  });
});
