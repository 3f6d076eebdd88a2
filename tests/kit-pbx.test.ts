// The PBX side of the kit: the kamailio subscriber row loads into a real SQL engine, and
// a real kamailio holding it accepts a REGISTER with the password from the agent's
// baresip account (digest auth), and refuses a wrong one.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../core/inventory/index.js';
import { buildKit, kitOrg, parseCa, type Kit } from '../core/kit/index.js';
import type { Person } from '../core/people/index.js';
import { makeTestCa } from './support/test-ca.js';

const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';
const agent: Person = {
  id: 'marie.schmit',
  givenName: 'Marie',
  surname: 'Schmit',
  mail: 'marie.schmit@crisis.example.lu',
  site: 'trc-findel',
  roles: ['tracing-agent'],
  extension: '2001',
  source: { file: 'p.csv', line: 2, col: 1 },
};

const freeUdpPort = () =>
  new Promise<number>((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const text = (kit: Kit, path: string) => kit.files.find((f) => f.path === path)!.content.toString('utf8');

describe('kamailio subscriber and softphone accounts', () => {
  let work: string;
  let kit: Kit;
  let kamailio: ChildProcess | undefined;
  let port = 0;
  let rows: string[][] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'opi-pbx-'));
    const ca = makeTestCa('pbx');
    const inv = loadInventory('inventory');
    if (!inv.ok) throw new Error('inventory');
    kit = buildKit({ person: agent, org: kitOrg(inv.value, parseCa(ca.caPem)), issued: '2026-11-24', credentials: { password: 'p', otpauthUri: 'otpauth://totp/x:y?secret=AAAA', sipPassword: 'Vq3xT9kLm2Rp7wZc4nBd' } });
    ca.remove();

    // kamailio's subscriber table as its sqlite schema defines it; the kit's SQL goes in as is.
    const py = `import sqlite3,sys,json
db=sqlite3.connect(':memory:')
db.execute("CREATE TABLE subscriber (id INTEGER PRIMARY KEY NOT NULL, username VARCHAR(64) DEFAULT '' NOT NULL, domain VARCHAR(64) DEFAULT '' NOT NULL, password VARCHAR(64) DEFAULT '' NOT NULL, ha1 VARCHAR(128) DEFAULT '' NOT NULL, ha1b VARCHAR(128) DEFAULT '' NOT NULL, CONSTRAINT subscriber_account_idx UNIQUE (username, domain))")
db.executescript(sys.stdin.read())
print(json.dumps(db.execute('SELECT id,username,domain,password,ha1,ha1b FROM subscriber').fetchall()))`;
    rows = JSON.parse(execFileSync('python3', ['-c', py], { input: text(kit, 'pbx/kamailio-subscriber.sql'), encoding: 'utf8' })) as string[][];

    const db = join(work, 'db');
    mkdirSync(db);
    writeFileSync(join(db, 'version'), 'table_name(string) table_version(int) \nsubscriber:7\nlocation:9\n');
    writeFileSync(join(db, 'subscriber'), `id(int,auto) username(string) domain(string) password(string,null) ha1(string) ha1b(string) \n${rows.map((r) => r.join(':')).join('\n')}\n`);
    port = await freeUdpPort();
    const cfg = join(work, 'kamailio.cfg');
    writeFileSync(
      cfg,
      `#!KAMAILIO
debug=2
log_stderror=yes
children=1
listen=udp:127.0.0.1:${port}
mpath="${MODULES}"
${['tm', 'sl', 'pv', 'textops', 'db_text', 'auth', 'auth_db', 'usrloc', 'registrar'].map((m) => `loadmodule "${m}.so"`).join('\n')}
modparam("auth_db", "db_url", "text://${db}")
modparam("auth_db", "calculate_ha1", 0)
modparam("auth_db", "password_column", "ha1")
modparam("usrloc", "db_mode", 0)
request_route {
  if (is_method("REGISTER")) {
    if (!auth_check("crisis.example.lu", "subscriber", "0")) { auth_challenge("crisis.example.lu", "0"); exit; }
    save("location");
    exit;
  }
  sl_send_reply("404", "Not here");
}
`,
    );
    kamailio = spawn('kamailio', ['-f', cfg, '-DD', '-E', '-Y', work], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`kamailio did not start:\n${log}`)), 15_000);
      const on = (d: Buffer) => {
        log += d.toString();
        if (/INFO: .*(main|core).*(init_tcp|children|Listening|listening)|using .* for the first/i.test(log) || /udp: 127\.0\.0\.1/.test(log)) {
          clearTimeout(t);
          setTimeout(resolve, 300);
        }
      };
      kamailio!.stdout!.on('data', on);
      kamailio!.stderr!.on('data', on);
      kamailio!.on('exit', (c) => reject(new Error(`kamailio exited ${c}:\n${log}`)));
    });
  });

  afterAll(async () => {
    kamailio?.removeAllListeners('exit');
    kamailio?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the subscriber row loads into SQL with the HA1 digests, no cleartext password', () => {
    expect(rows).toHaveLength(1);
    const [, username, domain, password, ha1] = rows[0]!;
    expect([username, domain, password]).toEqual(['2001', 'crisis.example.lu', '']);
    // linphone carries the same HA1, so both clients and the PBX agree.
    expect(text(kit, 'phone/linphone.xml')).toContain(`<entry name="ha1" overwrite="true">${ha1}</entry>`);
  });

  const register = (password: string) =>
    spawnSync('sipsak', ['-U', '-s', `sip:2001@127.0.0.1:${port}`, '-u', '2001', '-a', password, '-i', '-vv'], { encoding: 'utf8', timeout: 20_000 });

  it("registers with the password from the agent's baresip account", () => {
    const account = text(kit, 'phone/baresip-accounts');
    const pw = /;auth_pass=([^;\s]+)/.exec(account)?.[1];
    expect(pw).toBe('Vq3xT9kLm2Rp7wZc4nBd');
    const r = register(pw!);
    expect(r.stdout + r.stderr).toContain('All usrloc tests completed successful');
    expect(r.status).toBe(0);
  });

  it('refuses a wrong password', () => {
    const r = register('not-the-password');
    expect(r.status).not.toBe(0);
  });
});
