// The VPN gateway's decision per login at national scale: 11,670 agents in a local slapd
// (memberOf, password policy and otp overlays, as in production), the gatekeeper's
// decision for one login (bind as the agent with password + current code, read its role
// groups, lease an address from the role's pool) measured over distinct agents, in three
// rounds. Target: p99 < 50 ms (median of the rounds' p99).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summary, type Figure } from './figures.js';
import { loadInventory } from '../../core/inventory/index.js';
import { generatePeople, parsePeople, peopleCsv } from '../../core/people/index.js';
import { desiredState, enrolPerson, generatePassword, layoutFor, newTotpSecret, readPassword, syncDirectory, totpCode } from '../../core/directory/index.js';
import { startDirectoryLab, stopDirectoryLab } from '../../core/lab/directory.js';
import { loadPolicy, rolePools } from '../../core/policy/index.js';
import { decide, Leases } from '../../core/vpn/index.js';
import { Client } from 'ldapts';

const AGENTS = 11_670;
const PER_ROUND = 200;
const ROUNDS = 3;
const SUFFIX = 'dc=crisis,dc=example,dc=lu';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

export default async function vpnBench(): Promise<Figure[]> {
  const inv = loadInventory('inventory');
  if (!inv.ok) throw new Error('the example inventory does not load');
  const policy = loadPolicy('policies/access.yaml', inv.value);
  if (!policy.ok) throw new Error('the access policy does not load');
  const roles = policy.value.roles.map((r) => r.name);
  const pools = rolePools(inv.value, policy.value);
  const sites = inv.value.sites.map((s) => ({ code: s.code, kind: s.kind }));
  const generated = generatePeople({ count: AGENTS, sites, roles, domain: inv.value.org.domain, from: '2027-01-01' });
  const loaded = parsePeople([{ file: 'bench.csv', text: peopleCsv(generated) }], { roles: new Set(roles), sites: new Set(sites.map((s) => s.code)) });
  if (!loaded.ok) throw new Error('generated people do not validate');
  const work = mkdtempSync(join(tmpdir(), 'opv-bench-'));
  const lab = await startDirectoryLab({ stateDir: join(work, 'slapd'), suffix: SUFFIX, noSync: true });
  try {
    const settings = { url: lab.url, bindDN: lab.bindDN, passwordFile: lab.passwordFile, base: SUFFIX };
    const applied = await syncDirectory(settings, desiredState(SUFFIX, loaded.value.people, roles, '2026-01-01'));
    if (applied.failed.length) throw new Error(`apply failed: ${applied.failed[0]!.error}`);
    const admin = new Client({ url: lab.url });
    await admin.bind(lab.bindDN, readPassword(lab.passwordFile));
    const layout = layoutFor(SUFFIX);
    const people = loaded.value.people.slice(0, PER_ROUND * ROUNDS);
    const creds = new Map<string, { password: string; secret: Buffer }>();
    for (const p of people) {
      const c = { password: generatePassword(), secret: newTotpSecret() };
      await enrolPerson(admin, layout, p.id, { password: c.password, totpSecret: c.secret });
      creds.set(p.id, c);
    }
    await admin.unbind();
    const directory = { url: lab.url, base: SUFFIX, bindDn: lab.bindDN, passwordFile: lab.passwordFile };
    const leases = new Leases([...pools].map(([role, cidr]) => ({ role, cidr })), ['10.96.0.1']);
    const p99s: number[] = [];
    const p50s: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const times: number[] = [];
      for (const p of people.slice(round * PER_ROUND, (round + 1) * PER_ROUND)) {
        const c = creds.get(p.id)!;
        const t = performance.now();
        const d = await decide(directory, roles, leases, `${round}-${p.id}`, p.id, `${c.password}${totpCode(c.secret)}`);
        times.push(performance.now() - t);
        if (!d.allow) throw new Error(`${p.id} refused: ${d.logged}`);
      }
      p99s.push(pct(times, 99));
      p50s.push(pct(times, 50));
    }
    const median = (xs: number[]) => pct(xs, 50);
    return [
      {
        name: `VPN login decision, ${AGENTS.toLocaleString('en')} agents in the directory (p99)`,
        stats: summary(p99s),
        unit: 'ms',
        target: { max: 50, text: '< 50 ms' },
        detail: `p99 of each of ${ROUNDS} rounds of ${PER_ROUND} distinct logins; p50 median ${median(p50s).toFixed(1)} ms`,
      },
    ];
  } finally {
    await stopDirectoryLab(lab.stateDir, { wipe: true });
    rmSync(work, { recursive: true, force: true });
  }
}
