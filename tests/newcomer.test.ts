// A newcomer's first day: what someone new to outpost tries on a fresh clone, and what
// they should get back (issue 12). Each block is one thing that went wrong once.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outpost } from './support/inventory.js';

const work = mkdtempSync(join(tmpdir(), 'outpost-newcomer-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('access check with a name that does not exist', () => {
  it('names the unknown role, suggests the close one and exits 2, without a crash', () => {
    const r = outpost(['access', 'check', '--from', 'role:tracer', '--to', 'service:tracing-app']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown role tracer; did you mean tracing-agent?');
    expect(r.stderr).toContain('known: care-staff, crisis-cell, helpdesk, netadmin, tracing-agent, vaccination-staff');
    expect(r.stderr).not.toMatch(/Cannot read|TypeError|at .*\.js:\d+/);
  });

  it('prints one JSON error document under --json for an unknown service', () => {
    const r = outpost(['access', 'check', '--from', 'role:tracing-agent', '--to', 'service:booking', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { code: string; path: string; message: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.diagnostics).toEqual([expect.objectContaining({ code: 'unknown-service', path: '--to' })]);
    expect(doc.diagnostics[0]!.message).toMatch(/^unknown service booking .*known: .*tracing-app/);
  });

  it('still answers a flow between names that exist', () => {
    const r = outpost(['access', 'check', '--from', 'role:tracing-agent', '--to', 'service:tracing-app']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED: role:tracing-agent -> service:tracing-app/);
  });
});

describe('one exit code for an unknown site, whatever the command', () => {
  const key = join(work, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const env = { OUTPOST_SSH_KEY: key };
  const commands: [string, string[]][] = [
    ['render', ['render', '--site', 'vac-esh', '--out', join(work, 'out')]],
    ['plan', ['plan', '--site', 'vac-esh']],
    ['push', ['push', '--site', 'vac-esh', '--dry-run', '--state-dir', join(work, 'state')]],
    ['drift', ['drift', '--site', 'vac-esh', '--state-dir', join(work, 'state')]],
    ['audit', ['audit', '--site', 'vac-esh']],
    ['access matrix', ['access', 'matrix', '--site', 'vac-esh']],
    ['kit', ['kit', '--site', 'vac-esh', '--out', join(work, 'kits')]],
  ];
  it.each(commands)('%s exits 2 for an unknown site', (_, args) => {
    const r = outpost(args, { env });
    expect(r.stderr).toMatch(/vac-esh/);
    expect(r.code).toBe(2);
  });

  it('render and plan point at the site the user probably meant', () => {
    expect(outpost(['render', '--site', 'vac-esh', '--out', join(work, 'out')]).stderr).toContain('did you mean vac-esch?');
  });

  it('push names an unknown device as a usage error too', () => {
    const r = outpost(['push', '--site', 'vac-esch', '--device', 'vac-esch-fw9', '--dry-run', '--state-dir', join(work, 'state')], { env });
    expect(r.stderr).toContain('no device vac-esch-fw9');
    expect(r.code).toBe(2);
  });
});
