// The PBX from the inventory: a kamailio.cfg kamailio itself accepts, and the subscriber
// store filled from the kits' rows in one transaction, HA1 only, leavers removed.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, type Inventory } from '../core/inventory/index.js';
import { buildKit, kitOrg, parseCa, PBX_ROW_FILE, writeKit } from '../core/kit/index.js';
import { parsePeople, type Person } from '../core/people/index.js';
import { applySubscribers, pbxIntent, planSubscribers, provisionSubscribers, readSubscribers, renderPbx, startPbx, type StoredSubscriber } from '../core/pbx/index.js';
import { inventoryCopy, outpost, repoRoot } from './support/inventory.js';
import { makeTestCa, type TestCa } from './support/test-ca.js';

const DOMAIN = 'crisis.example.lu';
const csv = (rows: string[]) => `id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension\n${rows.join('\n')}\n`;
const AGENTS = [
  'marie.schmit,Marie,Schmit,marie.schmit@crisis.example.lu,trc-findel,tracing-agent,,,,2001',
  'lea.klein,Léa,Klein,lea.klein@crisis.example.lu,trc-findel,tracing-agent,,,,2002',
  'paul.weber,Paul,Weber,paul.weber@crisis.example.lu,vac-lux,vaccination-staff,2026-01-31,,,2003',
];
const SIP = { 'marie.schmit': 'Sip-Marie-7fT2kq9X', 'lea.klein': 'Sip-Lea-3mR8vz1W', 'paul.weber': 'Sip-Paul-9cQ4nb6Y' } as Record<string, string>;

function people(rows: string[]): Person[] {
  const r = parsePeople([{ file: 'people.csv', text: csv(rows) }], { roles: new Set(['tracing-agent', 'vaccination-staff']), sites: new Set(['trc-findel', 'vac-lux']) });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return [...r.value.people];
}

describe('PBX platform and subscriber provisioning', () => {
  let work: string;
  let inv: Inventory;
  let ca: TestCa;
  let kits: string;

  const issue = (ps: readonly Person[], password = (id: string) => SIP[id]!) => {
    for (const p of ps) writeKit(kits, buildKit({ person: p, org: kitOrg(inv, parseCa(ca.caPem)), issued: '2026-11-24', credentials: { password: 'first-Pw-1', otpauthUri: 'otpauth://totp/x:y?secret=AAAA', sipPassword: password(p.id) } }));
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'opx-unit-'));
    const r = loadInventory('inventory');
    if (!r.ok) throw new Error('example inventory');
    inv = r.value;
    ca = makeTestCa('pbx-unit');
    kits = join(work, 'kits');
    issue(people(AGENTS));
  });
  afterAll(() => {
    ca?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('renders a kamailio.cfg for the inventory SIP domain that kamailio -c accepts', () => {
    const intent = pbxIntent(inv, { listen: '10.10.5.10', dbFile: join(work, 'store/subscriber.db') });
    expect(intent.ok).toBe(true);
    if (!intent.ok) return;
    expect(intent.value).toMatchObject({ domain: DOMAIN, server: '10.10.5.10' });
    const files = renderPbx(intent.value);
    expect(files.map((f) => f.path)).toEqual(['kamailio.cfg']);
    const cfg = files[0]!.content;
    // HA1 only: kamailio never computes a digest from a plaintext column.
    expect(cfg).toContain('modparam("auth_db", "calculate_ha1", 0)');
    expect(cfg).toContain('modparam("auth_db", "password_column", "ha1")');
    expect(cfg).toMatch(/^listen=udp:10\.10\.5\.10:5060$/m);
    expect(cfg).toMatch(/^listen=tcp:10\.10\.5\.10:5060$/m);
    expect(cfg).toContain(`alias="${DOMAIN}"`);
    expect(cfg).toContain(`auth_check("${DOMAIN}", "subscriber", "1")`);
    const file = join(work, 'kamailio.cfg');
    writeFileSync(file, cfg);
    const check = spawnSync('kamailio', ['-c', '-f', file], { encoding: 'utf8' });
    expect(check.stderr).not.toMatch(/ERROR|CRITICAL/);
    expect(check.status).toBe(0);
    expect(renderPbx(intent.value)[0]!.content).toBe(cfg);
  });

  it('will not start kamailio on a config that reads another store, and reports one that cannot bind', async () => {
    const dir = join(work, 'server');
    mkdirSync(dir, { recursive: true });
    const dbFile = join(dir, 'subscriber.db');
    // 192.0.2.1 (TEST-NET-1) is on no interface of this host: kamailio cannot listen there.
    const intent = pbxIntent(inv, { listen: '192.0.2.1', port: 5099, dbFile, children: 1 });
    if (!intent.ok) throw new Error('intent');
    for (const f of renderPbx(intent.value)) writeFileSync(join(dir, f.path), f.content);
    await expect(startPbx({ dir, dbFile: join(work, 'other.db'), logFile: join(dir, 'log') })).rejects.toThrow(/reads another subscriber store/);
    await expect(startPbx({ dir, dbFile, logFile: join(dir, 'log'), readyTimeoutMs: 10_000 })).rejects.toThrow(/kamailio exited at start-up; the end of .*log:\n[\s\S]*192\.0\.2\.1/);
    // The empty store was made for it, with kamailio's schema.
    expect(execFileSync('sqlite3', ['-readonly', dbFile, 'SELECT count(*) FROM subscriber'], { encoding: 'utf8' }).trim()).toBe('0');
  });

  it('refuses a listen address or a store path that would break the config, and an inventory without a PBX', () => {
    const bad = pbxIntent(inv, { listen: '10.10.5.10\nlisten=udp:0.0.0.0', dbFile: '/var/lib/x";\nloadmodule "y' });
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics.map((d) => d.code).sort()).toEqual(['invalid-db-file', 'invalid-listen']);
    const noSip = { ...inv, org: { ...inv.org, services: inv.org.services.filter((s) => s.name !== 'sip') } };
    const r = pbxIntent(noSip);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'no-sip-server', file: inv.org.source.file, path: 'services' });
  });

  it('adds every agent with an extension, leaves out the one whose contract ended, and stores no SIP password', () => {
    const db = join(work, 'first/subscriber.db');
    const r = provisionSubscribers({ people: people(AGENTS), kitsDir: kits, dbFile: db, domain: DOMAIN, today: '2026-12-01' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.changes.map((c) => `${c.op} ${c.row.username} ${c.row.agent}`)).toEqual(['add 2001 marie.schmit', 'add 2002 lea.klein']);
    expect(r.value.applied).toBe(true);
    // Read back with the sqlite3 shell, not with outpost's reader.
    const rows = execFileSync('sqlite3', ['-readonly', db, 'SELECT username, domain, password, ha1, agent FROM subscriber ORDER BY username'], { encoding: 'utf8' }).trim().split('\n');
    expect(rows).toHaveLength(2);
    for (const line of rows) {
      const [username, domain, password, ha1] = line.split('|');
      expect(password).toBe('');
      expect(domain).toBe(DOMAIN);
      const pw = username === '2001' ? SIP['marie.schmit']! : SIP['lea.klein']!;
      expect(ha1).toBe(execFileSync('md5sum', { input: `${username}:${DOMAIN}:${pw}`, encoding: 'utf8' }).split(' ')[0]);
    }
    // Not a byte of any SIP password in the store or its journal files.
    for (const f of readdirSync(join(work, 'first'))) {
      const bytes = readFileSync(join(work, 'first', f));
      for (const pw of Object.values(SIP)) expect(bytes.includes(pw), f).toBe(false);
      expect(statSync(join(work, 'first', f)).mode & 0o077, f).toBe(0);
    }
    const again = provisionSubscribers({ people: people(AGENTS), kitsDir: kits, dbFile: db, domain: DOMAIN, today: '2026-12-01' });
    expect(again.ok && again.value).toMatchObject({ changes: [], unchanged: 2, applied: false });
  });

  it('plans updates, removals of leavers, and keeps a working account whose kit has no row', () => {
    const all = people(AGENTS);
    const row = (id: string) => ({ file: join(kits, id, PBX_ROW_FILE), text: readFileSync(join(kits, id, PBX_ROW_FILE), 'utf8') });
    const stored = (id: string, over: Partial<StoredSubscriber> = {}): StoredSubscriber => ({ ...(JSON.parse(row(id).text) as StoredSubscriber), plaintext: false, ...over });
    const current = [
      stored('marie.schmit', { ha1: '0'.repeat(32) }),
      stored('lea.klein'),
      stored('paul.weber'),
      { agent: 'gone.agent', username: '2999', domain: DOMAIN, ha1: 'a'.repeat(32), ha1b: 'b'.repeat(32), plaintext: true },
    ];
    const plan = planSubscribers({ people: all, rows: new Map([['marie.schmit', row('marie.schmit')]]), current, domain: DOMAIN, today: '2026-12-01', kitsDir: kits });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.value.changes.map((c) => [c.op, c.row.username, 'why' in c ? c.why : ''])).toEqual([
      ['update', '2001', 'new SIP password'],
      ['remove', '2003', "paul.weber's contract ended 2026-01-31"],
      ['remove', '2999', 'gone.agent is no longer in the people files'],
    ]);
    expect(plan.value.unchanged).toBe(1);
    expect(plan.value.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'no-pbx-row', file: 'people.csv', line: 3 })]);
    // An extension moved to another agent: the old kit row no longer fits.
    const moved = people(AGENTS.map((l) => l.replace(/,2002$/, ',2004')));
    const p2 = planSubscribers({ people: moved, rows: new Map([['lea.klein', row('lea.klein')]]), current: [stored('lea.klein')], domain: DOMAIN, today: '2026-12-01', kitsDir: kits });
    expect(p2.ok && p2.value.changes.map((c) => [c.op, c.row.username, 'why' in c ? c.why : ''])).toEqual([['remove', '2002', 'lea.klein moved to extension 2004']]);
    expect(p2.diagnostics.map((d) => d.code)).toContain('stale-pbx-row');
  });

  it('refuses a tampered kit row with its file, line, column and field, and writes nothing', () => {
    const bad = join(work, 'bad-kits');
    mkdirSync(join(bad, 'marie.schmit', 'admin'), { recursive: true });
    writeFileSync(join(bad, 'marie.schmit', PBX_ROW_FILE), `{\n  "agent": "marie.schmit",\n  "username": "2001",\n  "domain": "crisis.example.lu",\n  "ha1": "x'; DROP TABLE subscriber; --",\n  "ha1b": "${'a'.repeat(32)}",\n  "password": "hunter2"\n}\n`);
    const db = join(work, 'never/subscriber.db');
    const r = provisionSubscribers({ people: people(AGENTS.slice(0, 1)), kitsDir: bad, dbFile: db, domain: DOMAIN, today: '2026-12-01' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: 'error', file: join(bad, 'marie.schmit', PBX_ROW_FILE), line: 5, col: 3, path: 'ha1' }),
        expect.objectContaining({ severity: 'error', line: 7, col: 3, path: 'password', message: 'unknown field "password"' }),
      ]),
    );
    expect(existsSync(db)).toBe(false);
  });

  it('applies all changes or none: a change the store refuses leaves every other row as it was', () => {
    const db = join(work, 'atomic/subscriber.db');
    const r = provisionSubscribers({ people: people(AGENTS), kitsDir: kits, dbFile: db, domain: DOMAIN, today: '2026-12-01' });
    expect(r.ok).toBe(true);
    const before = readSubscribers(db);
    expect(before.map((x) => x.username)).toEqual(['2001', '2002']);
    // The store itself refuses extension 2999 (a trigger standing for a full disk or a
    // constraint): the removal of 2002 earlier in the same transaction must not stay.
    execFileSync('sqlite3', [db, "CREATE TRIGGER refuse BEFORE INSERT ON subscriber WHEN NEW.username = '2999' BEGIN SELECT RAISE(ABORT, 'refused'); END;"]);
    const add = { agent: 'new.agent', username: '2999', domain: DOMAIN, ha1: 'c'.repeat(32), ha1b: 'd'.repeat(32) };
    expect(() => applySubscribers(db, [{ op: 'remove', row: before[1]!, why: 'test' }, { op: 'add', row: add }])).toThrow(/refused/);
    expect(readSubscribers(db)).toEqual(before);
  });

  it('`outpost pbx apply` prints the plan, changes nothing on --dry-run, then applies it once; offboard refuses a missing store', () => {
    const { dir, cleanup } = inventoryCopy();
    try {
      cpSync(join(repoRoot, 'policies'), join(dirname(dir), 'policies'), { recursive: true });
      for (const f of readdirSync(join(dir, 'people'))) rmSync(join(dir, 'people', f));
      writeFileSync(join(dir, 'people', 'trc-findel.csv'), csv(AGENTS));
      const db = join(work, 'cli/subscriber.db');
      const run = (args: string[]) => outpost(['pbx', 'apply', '--inventory', dir, '--kits', kits, '--db', db, '--today', '2026-12-01', ...args]);
      const dry = run(['--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('+ 2001@crisis.example.lu marie.schmit');
      expect(dry.stdout).toContain('plan: +2 ~0 -0, 0 unchanged (dry run: nothing written)');
      expect(existsSync(db)).toBe(false);
      const applied = run(['--json']);
      expect(applied.code).toBe(0);
      expect(JSON.parse(applied.stdout)).toMatchObject({ ok: true, applied: true, counts: { add: 2, update: 0, remove: 0, unchanged: 0 } });
      expect(run([]).stdout).toContain('nothing to change (2 subscribers)');
      // Offboarding against a PBX store that is not there stops before anything changes.
      const before = readFileSync(join(dir, 'people', 'trc-findel.csv'), 'utf8');
      const off = outpost(['offboard', 'lea.klein', '--inventory', dir, '--kits', kits, '--pbx-db', join(work, 'cli/missing.db')]);
      expect(off.code).toBe(2);
      expect(off.stderr).toContain(`--pbx-db ${join(work, 'cli/missing.db')}: no such file`);
      expect(readFileSync(join(dir, 'people', 'trc-findel.csv'), 'utf8')).toBe(before);
      expect(existsSync(join(kits, 'lea.klein'))).toBe(true);
    } finally {
      cleanup();
    }
  });
});
