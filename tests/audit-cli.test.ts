// `outpost audit` as a pipeline and a person use it: exit codes by --fail-on, reports
// that validate against the JUnit and SARIF schemas, an HTML report Chromium renders
// with its summary, and bad input that names file and line and writes nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditWorkspace } from './support/audit.js';
import { lineOf, outpost, outpostAsync, repoRoot } from './support/inventory.js';

let out: string;
let ws: ReturnType<typeof auditWorkspace>;
// A guest route to the staff zone: critical findings at every site with both zones.
const PLANTED = `rules:\n  - id: guest-to-staff\n    action: allow\n    from: [zone:guest]\n    to: [zone:staff]\n    ports: [445/tcp]\n    owner: network team\n    reason: Planted by a test\n`;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'outpost-audit-out-'));
  ws = auditWorkspace([{ file: 'policies/access.yaml', from: /^rules:\n/m, to: PLANTED }]);
});
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  ws.cleanup();
});

// Each audit reads every site: run without blocking the worker (see outpostAsync).
const audit = (args: string[], inventory = join(repoRoot, 'inventory')) => outpostAsync(['audit', '--inventory', inventory, '--today', '2026-11-24', ...args]);

describe('outpost audit', () => {
  it('exits 0 on the example, 1 when a finding at or above --fail-on remains', async () => {
    const ok = await audit([]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^16 controls: 11 pass, 1 fail, 4 not evaluated; 1 finding\(s\), 1 waived; 0 at or above high$/m);
    expect((await audit(['--fail-on', 'low'])).code).toBe(1);
    const bad = await audit(['--json'], ws.inventory);
    expect(bad.code).toBe(1);
    const doc = JSON.parse(bad.stdout) as { ok: boolean; summary: { blocking: number }; controls: { id: string; status: string; findings: { object: { id: string } }[] }[] };
    expect(doc.ok).toBe(false);
    const guest = doc.controls.find((c) => c.id === 'guest-isolated')!;
    expect(guest.status).toBe('fail');
    expect(doc.summary.blocking).toBe(guest.findings.length);
  });

  it('writes JUnit XML that validates against the schema, one failure per finding', async () => {
    const file = join(out, 'audit.xml');
    const r = await audit(['--format', 'junit', '--out', file], ws.inventory);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    execFileSync('xmllint', ['--noout', '--schema', join(repoRoot, 'tests/support/junit.xsd'), file], { stdio: 'pipe' });
    const xml = readFileSync(file, 'utf8');
    const json = JSON.parse((await audit(['--json'], ws.inventory)).stdout) as { summary: { findings: number } };
    expect(Number(/<testsuites [^>]*failures="(\d+)"/.exec(xml)![1])).toBe(json.summary.findings);
    expect(xml.match(/<failure /g)!.length).toBe(json.summary.findings);
    expect(xml).toContain('<testsuite name="guest-isolated"');
    expect(xml).toMatch(/<testcase classname="outpost.audit.totp-enrolled" name="not evaluated"><skipped message="reads the directory state/);
  });

  it('writes SARIF 2.1.0 that validates against the SARIF schema, located at the policy line', async () => {
    const file = join(out, 'audit.sarif');
    expect((await audit(['--format', 'sarif', '--out', file], ws.inventory)).code).toBe(1);
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    // The published schema's language pattern is not valid under the `u` flag; its URI formats are checked loosely.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, formats: { uri: /^[a-z][a-z0-9+.-]*:\S+$/i, 'uri-reference': /^\S+$/, 'date-time': /^\d{4}-\d\d-\d\dT/ } });
    const log = JSON.parse(readFileSync(file, 'utf8'));
    const valid = ajv.validate(schema, log);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The validator bites: a wrong version or a result without a message is refused.
    expect(ajv.validate(schema, { ...log, version: '2.0.0' })).toBe(false);
    expect(ajv.validate(schema, { ...log, runs: [{ ...log.runs[0], results: [{ ruleId: 'x' }] }] })).toBe(false);
    const results = log.runs[0].results as { ruleId: string; suppressions?: unknown[]; locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    const guest = results.filter((x) => x.ruleId === 'guest-isolated');
    expect(guest.length).toBeGreaterThan(0);
    const line = lineOf(ws.root, 'policies/access.yaml', 'id: guest-to-staff');
    expect(guest.every((x) => x.locations[0]!.physicalLocation!.artifactLocation.uri.endsWith('policies/access.yaml') && x.locations[0]!.physicalLocation!.region.startLine === line)).toBe(true);
    expect(results.filter((x) => x.suppressions).map((x) => x.ruleId)).toEqual(['expired-rules-removed']);
  });

  it('writes one self-contained HTML file that Chromium renders with its summary and charts', async () => {
    const file = join(out, 'audit.html');
    expect((await audit(['--format', 'html', '--out', file], ws.inventory)).code).toBe(1);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    expect(html).toContain('guest zone guest reaches internal zone staff on 445/tcp');
    const png = join(out, 'audit.png');
    execFileSync(
      'chromium',
      ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
        `--user-data-dir=${join(out, 'chromium')}`, `--screenshot=${png}`, '--window-size=1200,900', '--force-device-scale-factor=1', `file://${file}`],
      { stdio: 'pipe', timeout: 60_000 },
    );
    const img = PNG.sync.read(readFileSync(png));
    const count = (rgb: [number, number, number], top: number, bottom: number) => {
      let n = 0;
      for (let y = top; y < bottom; y++) {
        for (let x = 0; x < img.width; x++) {
          const i = (y * img.width + x) * 4;
          if (img.data[i] === rgb[0] && img.data[i + 1] === rgb[1] && img.data[i + 2] === rgb[2]) n++;
        }
      }
      return n;
    };
    // The summary cards sit at the top: green (controls passing) and red (failing, findings) blocks.
    expect(count([46, 125, 50], 0, 200)).toBeGreaterThan(2000);
    expect(count([198, 40, 40], 0, 200)).toBeGreaterThan(2000);
    // Below them the pass-rate bars: a failing control draws an orange bar.
    expect(count([239, 108, 0], 200, 900)).toBeGreaterThan(200);
  });

  it('a security policy naming a control outpost lacks: file, line and field; exit 1; no report written', async () => {
    const broken = auditWorkspace([{ file: 'policies/security.yaml', from: '  - id: ntp-syslog', to: '  - id: ntp-and-syslog' }]);
    try {
      const file = join(out, 'never.html');
      const r = await audit(['--format', 'html', '--out', file], broken.inventory);
      expect(r.code).toBe(1);
      const line = lineOf(broken.root, 'policies/security.yaml', 'id: ntp-and-syslog');
      expect(r.stderr).toContain(`policies/security.yaml:${line}:9: error: outpost has no control ntp-and-syslog`);
      expect(r.stderr).toContain('(at controls[3].id) [unknown-control]');
      expect(existsSync(file)).toBe(false);
    } finally {
      broken.cleanup();
    }
  });

  it('usage errors exit 2 and say what is expected', async () => {
    const r = await audit(['--against', 'everything']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--against everything: expected one of intended, running, directory, all (or a comma list)');
    expect((await audit(['--format', 'pdf'])).code).toBe(2);
    expect((await audit(['--site', 'nowhere'])).stderr).toContain('--site nowhere: no such site');
  });
});
