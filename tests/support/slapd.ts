// A real slapd on loopback for a test file: fresh config and database in a temp dir
// (prefix opi-), mdb + memberOf + password policy + otp overlay, admin bind. Always
// stopped and removed by `stop()` (call it in afterAll).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { startDirectoryLab, stopDirectoryLab, type DirectoryLab } from '../../core/lab/directory.js';
import type { ConnectionSettings } from '../../core/directory/settings.js';
import { readPassword } from '../../core/directory/settings.js';

export const TEST_SUFFIX = 'dc=crisis,dc=example,dc=lu';

export interface TestSlapd extends DirectoryLab {
  readonly settings: ConnectionSettings;
  /** A client bound as the admin; closed by stop(). */
  admin(): Promise<Client>;
  /** True when a simple bind as dn with password succeeds. */
  canBind(dn: string, password: string): Promise<boolean>;
  stop(): Promise<void>;
}

/** True when a simple bind to the directory at `url` succeeds. */
export async function canBindAt(url: string, dn: string, password: string): Promise<boolean> {
  const c = new Client({ url, timeout: 10_000 });
  try {
    await c.bind(dn, password);
    return true;
  } catch {
    return false;
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

export async function startSlapd(name: string): Promise<TestSlapd> {
  const stateDir = mkdtempSync(join(tmpdir(), `opi-slapd-${name}-`));
  const lab = await startDirectoryLab({ stateDir, suffix: TEST_SUFFIX, noSync: true });
  const clients: Client[] = [];
  const settings: ConnectionSettings = { url: lab.url, bindDN: lab.bindDN, passwordFile: lab.passwordFile, base: lab.suffix };
  return {
    ...lab,
    settings,
    async admin() {
      const c = new Client({ url: lab.url, timeout: 20_000 });
      await c.bind(lab.bindDN, readPassword(lab.passwordFile));
      clients.push(c);
      return c;
    },
    canBind: (dn, password) => canBindAt(lab.url, dn, password),
    async stop() {
      await Promise.all(clients.map((c) => c.unbind().catch(() => undefined)));
      await stopDirectoryLab(stateDir, { wipe: true });
    },
  };
}
