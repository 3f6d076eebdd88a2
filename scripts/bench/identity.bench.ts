// Identity at national scale, against the tests' local slapd (memberOf, password policy
// and otp overlays loaded, as in production):
//  - initial apply of 11,670 generated agents vs plain `ldapadd` of the same entries from
//    one LDIF on a fresh server of the same configuration (target: at most 1.2x),
//  - a re-apply that changes nothing (target: < 2 s),
//  - building and writing 3,000 kits with credentials (target: < 10 s).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once, runs, summary, type Figure } from './figures.js';
import { loadInventory } from '../../core/inventory/index.js';
import { generatePeople, parsePeople, peopleCsv } from '../../core/people/index.js';
import { desiredLdif, desiredState, syncDirectory, readPassword, newTotpSecret, otpauthUri, generatePassword } from '../../core/directory/index.js';
import { buildKit, kitOrg, parseCa, writeKit } from '../../core/kit/index.js';
import { startDirectoryLab, stopDirectoryLab } from '../../core/lab/directory.js';

const AGENTS = 11_670;
const KITS = 3_000;
const ROLES = ['tracing-agent', 'vaccination-staff', 'care-staff', 'helpdesk', 'netadmin', 'crisis-cell'];
const SUFFIX = 'dc=crisis,dc=example,dc=lu';

export default async function identityBench(): Promise<Figure[]> {
  const inv = loadInventory('inventory');
  if (!inv.ok) throw new Error('the example inventory does not load');
  const sites = inv.value.sites.map((s) => ({ code: s.code, kind: s.kind }));
  const generated = generatePeople({ count: AGENTS, sites, roles: ROLES, domain: inv.value.org.domain, from: '2027-01-01' });
  const loaded = parsePeople([{ file: 'bench.csv', text: peopleCsv(generated) }], { roles: new Set(ROLES), sites: new Set(sites.map((s) => s.code)) });
  if (!loaded.ok) throw new Error('generated people do not validate');
  const people = loaded.value.people;
  const today = '2026-01-01';
  const desired = desiredState(SUFFIX, people, ROLES, today);
  const work = mkdtempSync(join(tmpdir(), 'opi-bench-'));
  const figures: Figure[] = [];
  try {
    // Baseline: ldapadd, one LDIF, one connection, on a fresh server.
    const ldif = join(work, 'agents.ldif');
    writeFileSync(ldif, desiredLdif(desired));
    let lab = await startDirectoryLab({ stateDir: join(work, 'slapd-ldapadd'), suffix: SUFFIX, noSync: true });
    const pw = join(work, 'pw');
    writeFileSync(pw, readPassword(lab.passwordFile), { mode: 0o600 });
    let t = performance.now();
    execFileSync('ldapadd', ['-x', '-H', lab.url, '-D', lab.bindDN, '-y', pw, '-f', ldif], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
    const ldapaddMs = performance.now() - t;
    await stopDirectoryLab(lab.stateDir, { wipe: true });

    // outpost: plan against the empty directory and apply, on a fresh server.
    lab = await startDirectoryLab({ stateDir: join(work, 'slapd-apply'), suffix: SUFFIX, noSync: true });
    const settings = { url: lab.url, bindDN: lab.bindDN, passwordFile: lab.passwordFile, base: SUFFIX };
    t = performance.now();
    const first = await syncDirectory(settings, desired);
    const applyMs = performance.now() - t;
    if (first.failed.length) throw new Error(`apply failed: ${first.failed[0]!.error}`);
    const reapply = await runs(5, async () => {
      const again = await syncDirectory(settings, desired);
      if (again.plan.changes.length) throw new Error(`re-apply planned ${again.plan.changes.length} changes`);
    });
    await stopDirectoryLab(lab.stateDir, { wipe: true });

    figures.push(
      { name: `ldapadd of ${AGENTS} agents + role groups from one LDIF (baseline)`, stats: once(ldapaddMs), unit: 'ms' },
      {
        name: `directory apply, ${AGENTS} agents into an empty directory`,
        stats: once(applyMs),
        unit: 'ms',
        target: { max: ldapaddMs * 1.2, text: `<= 1.2x ldapadd (${Math.round(ldapaddMs * 1.2)} ms)` },
        detail: `${first.results.length} changes, ratio ${(applyMs / ldapaddMs).toFixed(2)}`,
      },
      { name: 'directory apply with nothing to change (11,670 agents)', stats: reapply, unit: 'ms', target: { max: 2000, text: '< 2000 ms' } },
    );

    // Kits: build and write 3,000 with fresh credentials (no directory involved).
    const ca = join(work, 'ca');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', '/CN=Bench CA', '-addext', 'basicConstraints=critical,CA:TRUE'], { stdio: 'pipe' });
    const org = kitOrg(inv.value, parseCa(readFileSync(`${ca}.crt`, 'utf8')));
    const creds = people.slice(0, KITS).map((person) => ({ person, credentials: { password: generatePassword(), otpauthUri: otpauthUri(newTotpSecret(), org.domain, person.id), sipPassword: generatePassword(24) } }));
    // Writing goes to memory-backed storage when there is some: on a shared VM the disk's
    // write-back throttling, not outpost, would set the figure.
    const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/opi-bench-kits-') : undefined;
    const builds: number[] = [];
    const totals: number[] = [];
    let files = 0;
    try {
      // Slow (3,000 QR codes and sheets per run): 3 runs, each into a fresh folder.
      for (let run = 0; run < 3; run++) {
        const out = join(shm ?? work, `kits-${run}`);
        t = performance.now();
        const kits = creds.map(({ person, credentials }) => buildKit({ person, org, credentials, issued: today }));
        builds.push(performance.now() - t);
        for (const k of kits) writeKit(out, k);
        totals.push(performance.now() - t);
        files = kits.reduce((n, k) => n + k.files.length, 0);
      }
      figures.push(
        { name: `build ${KITS} agent kits in memory (profiles, TOTP QR, sheet, manifest)`, stats: summary(builds), unit: 'ms', detail: `${files} files` },
        { name: `build and write ${KITS} agent kits`, stats: summary(totals), unit: 'ms', target: { max: 10_000, text: '< 10000 ms' }, detail: `written to ${shm ? 'tmpfs' : 'disk'}` },
      );
    } finally {
      if (shm) rmSync(shm, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
