// The PBX side of the kit: the kit's admin row, provisioned by `pbx apply`'s code into the
// store, lets a real kamailio running the rendered config accept a REGISTER with the
// password from the agent's baresip account (digest auth), and refuse a wrong one.
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../core/inventory/index.js';
import { buildKit, kitOrg, parseCa, writeKit, type Kit } from '../core/kit/index.js';
import type { Person } from '../core/people/index.js';
import { pbxIntent, provisionSubscribers, readSubscribers, renderPbx, startPbx, type PbxServer, type StoredSubscriber } from '../core/pbx/index.js';
import { makeTestCa } from './support/test-ca.js';

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

const udpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
const tcpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
/** A port free for UDP and TCP, below 10000: sipsak cuts five-digit ports in its URIs. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 6000 + ((process.pid * 7 + i * 131) % 4000);
    if ((await udpFree(port)) && (await tcpFree(port))) return port;
  }
  throw new Error('no free port below 10000');
}

const text = (kit: Kit, path: string) => kit.files.find((f) => f.path === path)!.content.toString('utf8');

describe('kamailio subscriber and softphone accounts', () => {
  let work: string;
  let kit: Kit;
  let pbx: PbxServer | undefined;
  let port = 0;
  let rows: StoredSubscriber[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'opx-kit-'));
    const ca = makeTestCa('pbx');
    const inv = loadInventory('inventory');
    if (!inv.ok) throw new Error('inventory');
    kit = buildKit({ person: agent, org: kitOrg(inv.value, parseCa(ca.caPem)), issued: '2026-11-24', credentials: { password: 'p', otpauthUri: 'otpauth://totp/x:y?secret=AAAA', sipPassword: 'Vq3xT9kLm2Rp7wZc4nBd' } });
    ca.remove();
    writeKit(join(work, 'kits'), kit);
    const dbFile = join(work, 'pbx', 'subscriber.db');
    const r = provisionSubscribers({ people: [agent], kitsDir: join(work, 'kits'), dbFile, domain: inv.value.org.domain, today: '2026-11-24' });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    rows = readSubscribers(dbFile);

    port = await freePort();
    const intent = pbxIntent(inv.value, { listen: '127.0.0.1', port, dbFile, children: 1 });
    if (!intent.ok) throw new Error(JSON.stringify(intent.diagnostics));
    const dir = join(work, 'pbx');
    mkdirSync(dir, { recursive: true });
    for (const f of renderPbx(intent.value)) writeFileSync(join(dir, f.path), f.content);
    pbx = await startPbx({ dir, dbFile, logFile: join(work, 'kamailio.log') });
  });

  afterAll(async () => {
    await pbx?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the kit row reaches the store with the HA1 digests, no cleartext password', () => {
    expect(rows).toHaveLength(1);
    const { username, domain, ha1, plaintext, agent: owner } = rows[0]!;
    expect([username, domain, plaintext, owner]).toEqual(['2001', 'crisis.example.lu', false, 'marie.schmit']);
    // linphone carries the same HA1, so both clients and the PBX agree.
    expect(text(kit, 'agent/phone/linphone.xml')).toContain(`<entry name="ha1" overwrite="true">${ha1}</entry>`);
  });

  const register = (password: string) =>
    spawnSync('sipsak', ['-U', '-s', `sip:2001@127.0.0.1:${port}`, '-u', '2001', '-a', password, '-i', '-vv'], { encoding: 'utf8', timeout: 20_000 });

  it("registers with the password from the agent's baresip account", () => {
    const account = text(kit, 'agent/phone/baresip-accounts');
    const pw = /;auth_pass=([^;\s]+)/.exec(account)?.[1];
    expect(pw).toBe('Vq3xT9kLm2Rp7wZc4nBd');
    const r = register(pw!);
    expect(r.stdout + r.stderr).toContain('All usrloc tests completed successful');
    expect(r.status).toBe(0);
  });

  it('refuses a wrong password, and says so in its log', () => {
    const r = register('not-the-password');
    expect(r.status).not.toBe(0);
    expect(readFileSync(pbx!.logFile, 'utf8')).toMatch(/outpost-pbx: refused REGISTER for 2001@/);
  });
});
