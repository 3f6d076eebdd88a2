// The RADIUS key of a site changes. Until the next push, the access point still runs the
// old key, and every view of it (drift, a dry run, their JSON, the push history) shows
// a placeholder where the key stands, never the old key, never the new one. The AP is a
// real sshd in a network namespace, pushed to by the built CLI.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabSite, type LabSite } from '../support/netns.js';
import { exampleInventory, repoRoot } from '../support/inventory.js';
import { SECRET_VALUES, writeSecrets } from '../support/deliver-fixtures.js';
import { STACK } from '../support/hostile.js';

const AP = 'vac-esch-ap1';
const OLD = SECRET_VALUES['radius-key']!;
const NEW = 'rad-Rotated-4d2b8e0a';

let lab: LabSite;
let secrets: string;
let endpoints: string;

function outpost(args: string[]) {
  const r = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'dist', 'outpost.js'), ...args,
      '--inventory', exampleInventory, '--site', 'vac-esch', '--device', AP, '--endpoints', endpoints,
      '--identity', lab.clientKey.privateKeyPath, '--secrets', secrets, '--connect-timeout', '5', '--state-dir', join(lab.dir, 'state'),
      ...(args[0] === 'push' ? ['--confirm-timeout', '5'] : []),
    ],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' }, timeout: 60_000 },
  );
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** Every file push keeps under history/, as one text. */
function history(): string {
  const base = join(lab.dir, 'state', 'history', AP);
  return readdirSync(base)
    .map((d) => readFileSync(join(base, d, 'diff.patch'), 'utf8'))
    .join('\n');
}

beforeAll(async () => {
  lab = await startLabSite({ area: 'hst', tag: 's', devices: [{ hostname: AP, platform: 'hostapd' }] });
  secrets = writeSecrets(lab.dir);
  const d = lab.device(AP);
  endpoints = join(lab.dir, 'endpoints.yaml');
  writeFileSync(endpoints, `endpoints:\n  ${AP}: { address: ${d.address}, port: 22, hostKey: "${d.sshd.hostKey}", root: ${d.root} }\n`);
});

afterAll(async () => {
  await lab?.destroy();
});

describe('a rotated secret is never shown, old or new', () => {
  it('the AP runs the old key after a push, then the key is rotated in the secrets folder', () => {
    const r = outpost(['push']);
    expect(r.out).not.toMatch(STACK);
    expect(r.code, r.out).toBe(0);
    const running = readFileSync(join(lab.device(AP).root, 'etc/hostapd/hostapd.conf'), 'utf8');
    expect(running).toContain(`auth_server_shared_secret=${OLD}`);
    writeFileSync(join(secrets, 'radius-key'), `${NEW}\n`, { mode: 0o600 });
  });

  for (const view of [['drift'], ['drift', '--json'], ['push', '--dry-run'], ['push', '--dry-run', '--json']]) {
    it(`${view.join(' ')} shows the changed key as a placeholder on both sides of the diff`, () => {
      const r = outpost(view);
      expect(r.out).not.toMatch(STACK);
      expect(r.code, r.out).toBe(view[0] === 'drift' ? 1 : 0);
      expect(r.out).not.toContain(OLD);
      expect(r.out).not.toContain(NEW);
      expect(r.out).toContain('%%OUTPOST_SECRET(radius-key)%%');
    });
  }

  it('the diffs kept in the push history hold neither key', () => {
    const text = history();
    expect(text).toMatch(/auth_server_shared_secret=%%OUTPOST_SECRET\(radius-key\)%%/);
    expect(text).not.toContain(OLD);
    expect(text).not.toContain(NEW);
  });
});
