// The analysis of the access policy: lint finds exactly the planted bad rules at their
// lines, diff reports exactly the flows a one-port change opens and closes, and every
// cell of the access matrix agrees with check().
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../core/inventory/index.js';
import { accessMatrix, check, decider, diffPolicies, forEachFlow, portUniverse, enforcement, lintPolicy, loadPolicy, matrixHtml, type AccessPolicy } from '../core/policy/index.js';
import { exampleInventory, outpostAsync, repoRoot } from './support/inventory.js';

const inv = (() => {
  const r = loadInventory(exampleInventory);
  if (!r.ok) throw new Error('example inventory must load');
  return r.value;
})();
const national = join(repoRoot, 'policies', 'access.yaml');
const DAY = '2026-11-24';
const dir = mkdtempSync(join(tmpdir(), 'opx-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

function load(file: string): AccessPolicy {
  const r = loadPolicy(file, inv);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.value;
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const PLANTED = `roles:
  - { name: tracing-agent, description: Tracers, pool: 24 }
rules:
  - id: staff-web
    action: allow
    from: [zone:staff]
    to: [service:intranet]
    ports: [443/tcp, 80/tcp]
    owner: workplace team
    reason: Intranet
  - id: staff-web-again
    action: allow
    from: [zone:staff]
    to: [service:intranet]
    ports: [443/tcp]
    owner: workplace team
    reason: Intranet once more
  - id: guest-block
    action: deny
    from: [zone:guest]
    to: [net:10.0.0.0/8]
    owner: security team
    reason: Visitors stay out
  - id: guest-registry
    action: allow
    from: [zone:guest]
    to: [service:vaccination-registry]
    owner: vaccination programme
    reason: Kiosk
  - id: agent-dns
    action: allow
    from: [role:tracing-agent]
    to: [service:dns]
    owner: network team
    reason: Names
  - id: old-pilot
    action: allow
    from: [role:tracing-agent]
    to: [service:mail]
    owner: tracing programme
    reason: Pilot
    expires: 2020-01-01
  - id: open-all
    action: allow
    from: [any]
    to: [any]
    owner: nobody
    reason: Debugging
`;

describe('policy lint', () => {
  it('finds exactly the planted redundant, shadowed, any-any and expired rules at their lines', () => {
    const file = write('planted.yaml', PLANTED);
    const found = lintPolicy(inv, load(file), DAY).map((f) => ({ code: f.code, rule: f.rule, line: f.line, severity: f.severity, file: f.file }));
    const at = (id: string) => lineOf(PLANTED, `id: ${id}`);
    expect(found).toEqual([
      { code: 'redundant', rule: 'staff-web-again', line: at('staff-web-again'), severity: 'warning', file },
      { code: 'shadowed', rule: 'guest-registry', line: at('guest-registry'), severity: 'error', file },
      { code: 'expired', rule: 'old-pilot', line: at('old-pilot'), severity: 'warning', file },
      { code: 'any-any', rule: 'open-all', line: at('open-all'), severity: 'error', file },
    ]);
  });

  it('reports a role reaching the internet and a rule that compiles to nothing', () => {
    const text = PLANTED.replace('to: [service:dns]', 'to: [service:dns, service:internet]').replace(
      'rules:\n',
      'rules:\n  - id: nowhere\n    action: allow\n    from: [zone:guest]\n    to: [service:dns]\n    at: [tracing]\n    owner: x\n    reason: y\n',
    );
    const found = lintPolicy(inv, load(write('wide.yaml', text)), DAY);
    expect(found.filter((f) => f.code === 'wide-role').map((f) => [f.rule, f.line])).toEqual([['agent-dns', lineOf(text, 'id: agent-dns')]]);
    expect(found.filter((f) => f.code === 'unused').map((f) => [f.rule, f.line])).toEqual([['nowhere', lineOf(text, 'id: nowhere')]]);
  });

  it('passes the national policy with warnings only: the expired, shadowed pilot and the guests\' internet exit', async () => {
    const text = readFileSync(national, 'utf8');
    const found = lintPolicy(inv, load(national), DAY);
    expect(found.filter((f) => f.severity === 'error')).toEqual([]);
    expect(found.map((f) => [f.code, f.rule, f.line])).toEqual([
      ['internet-egress', 'guest-internet', lineOf(text, 'id: guest-internet')],
      ['expired', 'guest-booking-pilot', lineOf(text, 'id: guest-booking-pilot')],
      ['shadowed', 'guest-booking-pilot', lineOf(text, 'id: guest-booking-pilot')],
    ]);
    const r = await outpostAsync(['policy', 'lint', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, errors: 0, warnings: 3 });
    expect((await outpostAsync(['policy', 'lint', '--policy', write('planted-cli.yaml', PLANTED)])).code).toBe(1);
  });
});

describe('policy diff', () => {
  const oldText = readFileSync(national, 'utf8');
  const newText = oldText.replace('ports: [9100/tcp, 631/tcp, 443/tcp]', 'ports: [9101/tcp, 631/tcp, 443/tcp]');

  it('reports exactly the flows a one-port change opens and closes', () => {
    expect(newText).not.toBe(oldText);
    const a = load(national);
    const b = load(write('print-9101.yaml', newText));
    const ea = enforcement(inv, a, DAY);
    const d = diffPolicies(inv, { policy: a, enf: ea }, { policy: b, enf: enforcement(inv, b, DAY) });
    const sites = ea.sites.filter((s) => s.zones.some((z) => z.name === 'staff') && s.zones.some((z) => z.name === 'printers')).map((s) => s.code);
    expect(sites.length).toBeGreaterThan(0);
    const flows = (port: string) => sites.map((site) => ({ site, from: 'zone:staff', to: 'zone:printers', port })).sort((x, y) => x.site.localeCompare(y.site));
    const strip = (xs: readonly { site: string; from: string; to: string; port: string }[]) =>
      xs.map(({ site, from, to, port }) => ({ site, from, to, port })).sort((x, y) => x.site.localeCompare(y.site));
    expect(strip(d.opened)).toEqual(flows('9101/tcp'));
    expect(strip(d.closed)).toEqual(flows('9100/tcp'));
    expect(d.closed[0]!.before).toContain('staff-print');
  });

  it('exits 0 on an unchanged policy and 1 when flows change', async () => {
    const same = await outpostAsync(['policy', 'diff', national, write('same.yaml', oldText.replace('# outpost access policy', '# edited comment'))]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('0 flow(s) opened, 0 closed');
    const changed = await outpostAsync(['policy', 'diff', '--json', national, write('print-cli.yaml', newText)]);
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.stdout).opened.length).toBeGreaterThan(0);
  });
});

describe('access matrix', () => {
  const policy = load(national);
  const enf = enforcement(inv, policy, DAY);

  it('agrees with check() on every cell of every site', () => {
    let cells = 0;
    for (const site of enf.sites) {
      for (const m of accessMatrix(enf, site.code)) {
        for (const row of m.rows) {
          row.cells.forEach((cell, i) => {
            const [kind, name] = row.from.split(':') as ['role' | 'zone', string];
            const a = check(enf, { kind, name }, { kind: 'service', name: m.services[i]! }, undefined, site.code);
            expect({ row: row.from, to: m.services[i], allowed: cell.allowed }).toEqual({ row: row.from, to: m.services[i], allowed: a.allowed });
            expect(cell.rule).toBe(a.hops.map((h) => (h.rule ? h.rule.origin?.rule ?? h.rule.id : 'default deny')).join(' + '));
            cells++;
          });
        }
      }
    }
    expect(cells).toBeGreaterThan(1000);
  });

  it('decides every flow of the diff space at two sites exactly as check() does', () => {
    const decide = decider(enf);
    const sites = enf.sites.filter((s) => s.code === 'vac-esch' || s.code === 'trc-findel');
    let flows = 0;
    let allowed = 0;
    forEachFlow(inv, sites, [...enf.pools.keys()], portUniverse(inv, [policy]), (site, from, to, port) => {
      const a = decide(from, to, port, site);
      const b = check(enf, from, to, port, site);
      expect([a.allowed, a.hops.map((h) => h.rule?.id ?? null)]).toEqual([b.allowed, b.hops.map((h) => h.rule?.id ?? null)]);
      flows++;
      if (a.allowed) allowed++;
    });
    expect(flows).toBeGreaterThan(5000);
    expect(allowed).toBeGreaterThan(50);
  });

  it('writes one self-contained HTML page', async () => {
    const html = matrixHtml(accessMatrix(enf), 'Access matrix');
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|src=|href=/);
    expect(html).toContain('vpn-tracing');
    const f = join(dir, 'matrix.html');
    const r = await outpostAsync(['access', 'matrix', '--site', 'vac-esch', '--html', f]);
    expect(r.code).toBe(0);
    expect(readFileSync(f, 'utf8')).toContain('Site vac-esch');
  });
});
