// The audit at national scale: 13 sites planned with the access policy, and 11,670 agents
// read from a local slapd (memberOf, password policy and otp overlays, as in production).
// The figure with a target is the audit itself: every control over the intent of all
// sites and over every account, report included. Reading the directory and the whole
// CLI run are shown beside it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once, runs, type Figure } from './figures.js';
import { formatReport, gatherInputs, knownControls, loadSecurityPolicy, runAudit } from '../../core/audit/index.js';
import { desiredState, readAccounts, syncDirectory } from '../../core/directory/index.js';
import { loadInventory } from '../../core/inventory/index.js';
import { startDirectoryLab, stopDirectoryLab } from '../../core/lab/directory.js';
import { generatePeople, parsePeople, peopleCsv } from '../../core/people/index.js';
import { loadPolicy } from '../../core/policy/index.js';
import { platformCatalogue } from '../../core/render/index.js';

const AGENTS = 11_670;
const SUFFIX = 'dc=crisis,dc=example,dc=lu';
const TODAY = '2026-11-24';

export default async function auditBench(): Promise<Figure[]> {
  const inv = loadInventory('inventory', { platforms: platformCatalogue() });
  if (!inv.ok) throw new Error('the example inventory does not load');
  const policy = loadPolicy('policies/access.yaml', inv.value);
  if (!policy.ok) throw new Error('the access policy does not load');
  const security = loadSecurityPolicy('policies/security.yaml', inv.value, policy.value, knownControls());
  if (!security.ok) throw new Error('the security policy does not load');
  const roles = policy.value.roles.map((r) => r.name);
  const sites = inv.value.sites.map((s) => ({ code: s.code, kind: s.kind }));
  const generated = generatePeople({ count: AGENTS, sites, roles, domain: inv.value.org.domain, from: '2026-06-01' });
  const csv = peopleCsv(generated);
  const people = parsePeople([{ file: 'people/agents.csv', text: csv }], { roles: new Set(roles), sites: new Set(sites.map((s) => s.code)) });
  if (!people.ok) throw new Error('generated people do not validate');

  const work = mkdtempSync(join(tmpdir(), 'oau-bench-'));
  const lab = await startDirectoryLab({ stateDir: join(work, 'slapd'), suffix: SUFFIX, noSync: true });
  try {
    const settings = { url: lab.url, bindDN: lab.bindDN, passwordFile: lab.passwordFile, base: SUFFIX };
    const applied = await syncDirectory(settings, desiredState(SUFFIX, people.value.people, roles, TODAY));
    if (applied.failed.length) throw new Error(`apply failed: ${applied.failed[0]!.error}`);

    let t = performance.now();
    const accounts = await readAccounts(settings);
    const readMs = performance.now() - t;

    let findings = 0;
    const inProcess = await runs(5, () => {
      const inputs = gatherInputs({ inventory: inv.value, policy: policy.value, date: TODAY, people: people.value, accounts });
      const report = runAudit(inputs, security.value, ['intended', 'directory']);
      formatReport(report, 'json', 'high');
      findings = report.controls.reduce((n, c) => n + c.findings.length, 0);
    });

    // The whole command as a fresh process, on a copy of the example with the 11,670 agents.
    const ws = join(work, 'ws');
    cpSync('inventory', join(ws, 'inventory'), { recursive: true });
    cpSync('policies', join(ws, 'policies'), { recursive: true });
    for (const f of readdirSync(join(ws, 'inventory/people'))) rmSync(join(ws, 'inventory/people', f));
    writeFileSync(join(ws, 'inventory/people/agents.csv'), csv);
    const cli = () => {
      try {
        execFileSync(process.execPath, ['dist/outpost.js', 'audit', '--inventory', join(ws, 'inventory'), '--against', 'intended,directory', '--today', TODAY, '--json',
          '--ldap-url', lab.url, '--bind-dn', lab.bindDN, '--password-file', lab.passwordFile, '--base-dn', SUFFIX], { stdio: 'pipe', maxBuffer: 1 << 28 });
      } catch (e) {
        // Exit 1 is expected: the generated agents have no TOTP token enrolled.
        if ((e as { status?: number }).status !== 1) throw e;
      }
    };
    const cliRuns = await runs(3, cli);

    return [
      {
        name: `audit: 13 sites + ${accounts.length} accounts, every control, report`,
        stats: inProcess,
        unit: 'ms',
        target: { max: 1000, text: '< 1000 ms' },
        detail: `${findings} findings (no agent has TOTP yet)`,
      },
      { name: `audit: reading ${accounts.length} accounts from the directory`, stats: once(readMs), unit: 'ms' },
      { name: 'audit: whole CLI run (intended + directory), fresh process', stats: cliRuns, unit: 'ms' },
    ];
  } finally {
    await stopDirectoryLab(lab.stateDir, { wipe: true });
    rmSync(work, { recursive: true, force: true });
  }
}
