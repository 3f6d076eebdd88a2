// PBX provisioning at the scenario's scale: 3,000 softphones among 11,670 agents.
//  - `pbx apply` into an empty store: read 3,000 kit rows, plan, one transaction
//    (target: < 2 s, median of 5 runs, each on a fresh store),
//  - the same with nothing to change (median of 5),
//  - 300 kits re-issued (new SIP passwords) and 300 agents offboarded (one run),
//  - the whole command, `outpost pbx apply` from the people files (informative: adds
//    node's start and loading the inventory, the policy and 11,670 people).
// The store is on disk (SQLite commits with fsync); kit rows are written once beforehand.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once, outpostEnv, summary, type Figure } from './figures.js';
import { loadInventory } from '../../core/inventory/index.js';
import { generatePeople, parsePeople, peopleCsv, type Person } from '../../core/people/index.js';
import { generatePassword } from '../../core/directory/index.js';
import { kitOrg, parseCa, pbxSubscriberRow, PBX_ROW_FILE, type KitOrg } from '../../core/kit/index.js';
import { provisionSubscribers, subscriberRowJson } from '../../core/pbx/index.js';

const AGENTS = 11_670;
const PHONES = 3_000;
const RUNS = 5;
const ROLES = ['tracing-agent', 'vaccination-staff', 'care-staff', 'helpdesk', 'netadmin', 'crisis-cell'];
const TODAY = '2026-01-01';

function writeRow(kits: string, org: KitOrg, person: Person): void {
  const row = pbxSubscriberRow({ person, org, issued: TODAY, credentials: { password: '', otpauthUri: '', sipPassword: generatePassword(24) } });
  if (!row) throw new Error(`no PBX row for ${person.id}`);
  mkdirSync(join(kits, person.id, 'admin'), { recursive: true, mode: 0o700 });
  writeFileSync(join(kits, person.id, PBX_ROW_FILE), subscriberRowJson(row), { mode: 0o600 });
}

export default async function pbxBench(): Promise<Figure[]> {
  const inv = loadInventory('inventory');
  if (!inv.ok) throw new Error('the example inventory does not load');
  const sites = inv.value.sites.map((s) => ({ code: s.code, kind: s.kind }));
  // Exactly PHONES agents keep the extension the generator gave them (from 2000 on).
  let phones = 0;
  const generated = generatePeople({ count: AGENTS, sites, roles: ROLES, domain: inv.value.org.domain, from: '2027-01-01' }).map(({ extension, ...p }) => (extension && phones < PHONES ? (phones++, { ...p, extension }) : p));
  if (phones !== PHONES) throw new Error(`only ${phones} generated agents have a phone`);
  const loaded = parsePeople([{ file: 'bench.csv', text: peopleCsv(generated) }], { roles: new Set(ROLES), sites: new Set(sites.map((s) => s.code)) });
  if (!loaded.ok) throw new Error('generated people do not validate');
  const people = loaded.value.people;
  const withPhone = people.filter((p) => p.extension);

  const work = mkdtempSync(join(tmpdir(), 'opx-bench-'));
  const figures: Figure[] = [];
  try {
    const ca = join(work, 'ca');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', '/CN=Bench CA', '-addext', 'basicConstraints=critical,CA:TRUE'], { stdio: 'pipe' });
    const org = kitOrg(inv.value, parseCa(readFileSync(`${ca}.crt`, 'utf8')));
    const kits = join(work, 'kits');
    for (const p of withPhone) writeRow(kits, org, p);
    const opts = { people, kitsDir: kits, domain: inv.value.org.domain, today: TODAY };

    const fresh: number[] = [];
    const noop: number[] = [];
    let db = '';
    for (let i = 0; i < RUNS; i++) {
      db = join(work, `store-${i}`, 'subscriber.db');
      let t = performance.now();
      const r = provisionSubscribers({ ...opts, dbFile: db });
      fresh.push(performance.now() - t);
      if (!r.ok || r.value.changes.length !== PHONES) throw new Error(`first apply: ${r.ok ? r.value.changes.length : JSON.stringify(r.diagnostics[0])} changes`);
      t = performance.now();
      const again = provisionSubscribers({ ...opts, dbFile: db });
      noop.push(performance.now() - t);
      if (!again.ok || again.value.changes.length) throw new Error('re-apply planned changes');
    }

    // 300 re-issued kits (new SIP passwords) and 300 agents offboarded, in one apply.
    for (const p of withPhone.slice(0, 300)) writeRow(kits, org, p);
    const gone = new Set(withPhone.slice(300, 600).map((p) => p.id));
    let t = performance.now();
    const churn = provisionSubscribers({ ...opts, people: people.filter((p) => !gone.has(p.id)), dbFile: db });
    const churnMs = performance.now() - t;
    if (!churn.ok || churn.value.changes.length !== 600) throw new Error(`churn: ${churn.ok ? churn.value.changes.length : 'failed'} changes`);

    // The command as the helpdesk runs it, from people files on disk.
    const root = join(work, 'cli');
    cpSync('inventory', join(root, 'inventory'), { recursive: true });
    cpSync('policies', join(root, 'policies'), { recursive: true });
    for (const f of readdirSync(join(root, 'inventory/people'))) rmSync(join(root, 'inventory/people', f));
    writeFileSync(join(root, 'inventory/people/all.csv'), peopleCsv(generated));
    const cli: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      const r = spawnSync(process.execPath, ['dist/outpost.js', 'pbx', 'apply', '--inventory', join(root, 'inventory'), '--kits', kits, '--db', join(root, `store-${i}.db`), '--today', TODAY, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26, env: outpostEnv() });
      cli.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`outpost pbx apply: ${r.stderr.slice(0, 400)}`);
    }

    figures.push(
      { name: `pbx apply: ${PHONES} subscribers into an empty store`, stats: summary(fresh), unit: 'ms', target: { max: 2000, text: '< 2000 ms' }, detail: 'each run on a fresh store' },
      { name: `pbx apply with nothing to change, ${PHONES} subscribers`, stats: summary(noop), unit: 'ms' },
      { name: 'pbx apply: 300 new SIP passwords + 300 offboarded (one transaction)', stats: once(churnMs), unit: 'ms', detail: 'one run: it changes the store' },
      { name: `outpost pbx apply, whole command, ${AGENTS} agents / ${PHONES} phones`, stats: summary(cli), unit: 'ms' },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
