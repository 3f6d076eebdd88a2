// Two agents' softphones on the PBX outpost generates: the helpdesk issues their kits
// (SIP passwords generated at enrolment), `pbx apply` provisions the PBX, kamailio runs
// the rendered config in its own namespace at the inventory's PBX address, and each
// agent's baresip, with the accounts file from their kit as written, registers from its
// own namespace. One calls the other and the call is answered. After `offboard`, the
// leaver's phone is refused.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../core/inventory/index.js';
import { createBridge, createNamespace, createVeth, removeByPrefix, removeStale } from '../../core/lab/netns.js';
import { stopDirectoryLab } from '../../core/lab/directory.js';
import { pbxIntent, renderPbx, startPbx, type PbxServer } from '../../core/pbx/index.js';
import { exampleInventory, outpost, repoRoot } from '../support/inventory.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

const AREA = 'opx';
const DOMAIN = 'crisis.example.lu';
const PEOPLE = `id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension
marie.schmit,Marie,Schmit,marie.schmit@crisis.example.lu,trc-findel,tracing-agent,,,,2001
lea.klein,Léa,Klein,lea.klein@crisis.example.lu,trc-findel,tracing-agent,,,,2002
`;

interface Phone {
  readonly child: ChildProcess;
  output(): string;
  waitFor(re: RegExp, ms?: number): Promise<string>;
  stop(): Promise<void>;
}

/** baresip in `ns` with <dir>/config and <dir>/accounts; the test reads what it prints. */
function startPhone(ns: string, dir: string, extra: string[] = []): Phone {
  const child = spawn('ip', ['netns', 'exec', ns, 'baresip', '-f', dir, '-t', '90', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  return {
    child,
    output: () => out,
    async waitFor(re, ms = 20_000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const m = re.exec(out);
        if (m) return m[0];
        if (exited) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`baresip in ${ns}: no ${re} within ${ms} ms; it printed:\n${out.replace(/\r/g, '\n').slice(-3000)}`);
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      await Promise.race([exit, new Promise((r) => setTimeout(r, 3_000))]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/** A softphone's own settings (audio from a sine source, nothing to a null bridge); the account is the kit's file. */
function phoneConfig(address: string, port: number): string {
  return [
    'poll_method epoll',
    `sip_listen ${address}:${port}`,
    'module_path /usr/lib/baresip/modules',
    'module uuid.so',
    'module g711.so',
    'module ausine.so',
    'module aubridge.so',
    'module_app account.so',
    'module_app menu.so',
    'audio_player aubridge,nil',
    'audio_alert aubridge,nil',
    'audio_source ausine,440',
    'ausrc_srate 48000',
    'auplay_srate 48000',
    'ausrc_channels 2',
    'rtp_ports 10000-10100',
    '',
  ].join('\n');
}

describe('agents phone each other through the PBX outpost provisions', () => {
  let work: string;
  let ca: TestCa;
  let env: NodeJS.ProcessEnv;
  let pbx: PbxServer | undefined;
  const phones: Phone[] = [];
  const prefix = `${AREA}-${process.pid}`;
  const ns = { pbx: `${prefix}-pbx`, marie: `${prefix}-a1`, lea: `${prefix}-a2` };
  const addr = { marie: '10.10.5.101', lea: '10.10.5.102' };
  const db = () => join(work, 'pbx', 'subscriber.db');
  const run = (args: string[]) => outpost(args, { cwd: work, env });
  const sipPassword = (id: string) => /;auth_pass=([^;\s]+)/.exec(readFileSync(join(work, 'phones', id, 'accounts'), 'utf8'))![1]!;

  beforeAll(() => {
    removeStale(AREA);
    work = mkdtempSync(join(tmpdir(), `${prefix}-`));
    cpSync(exampleInventory, join(work, 'inventory'), { recursive: true });
    cpSync(join(repoRoot, 'policies'), join(work, 'policies'), { recursive: true });
    for (const f of readdirSync(join(work, 'inventory/people'))) rmSync(join(work, 'inventory/people', f));
    writeFileSync(join(work, 'inventory/people/trc-findel.csv'), PEOPLE);
    ca = makeTestCa('pbx-e2e');
    env = { OUTPOST_VPN_CA: ca.caFile };
    for (const k of ['OUTPOST_LDAP_URL', 'OUTPOST_LDAP_BIND_DN', 'OUTPOST_LDAP_PASSWORD_FILE', 'OUTPOST_PBX_DB']) env[k] = undefined;
  });

  afterAll(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    await pbx?.stop();
    removeByPrefix(prefix);
    removeByPrefix(`${AREA}${process.pid}`);
    if (work) await stopDirectoryLab(join(work, '.outpost/lab/directory'));
    ca?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('issues both kits with generated SIP passwords, the PBX row in admin/ and the phone account in agent/', () => {
    const up = run(['lab', 'directory', 'up']);
    expect(up.code).toBe(0);
    for (const m of up.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) env[m[1]!] = m[2]!;
    expect(run(['directory', 'apply']).code).toBe(0);
    const kit = run(['kit', 'marie.schmit', 'lea.klein', '--enrol', '--out', 'kits']);
    expect(kit.stderr).not.toMatch(/error/i);
    expect(kit.code).toBe(0);
    for (const id of ['marie.schmit', 'lea.klein']) {
      expect(existsSync(join(work, 'kits', id, 'admin/pbx-subscriber.json'))).toBe(true);
      expect(existsSync(join(work, 'kits', id, 'agent/admin'))).toBe(false);
      // The agent's phone gets the accounts file exactly as the kit wrote it.
      mkdirSync(join(work, 'phones', id), { recursive: true });
      copyFileSync(join(work, 'kits', id, 'agent/phone/baresip-accounts'), join(work, 'phones', id, 'accounts'));
    }
    expect(sipPassword('marie.schmit')).toMatch(/^\S{24}$/);
    expect(sipPassword('marie.schmit')).not.toBe(sipPassword('lea.klein'));
  });

  it('provisions both subscribers in one apply, and the store holds no SIP password', () => {
    const r = run(['pbx', 'apply', '--kits', 'kits', '--db', db()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ 2001@crisis.example.lu marie.schmit');
    expect(r.stdout).toContain('+ 2002@crisis.example.lu lea.klein');
    expect(r.stdout).toMatch(/^applied \+2 ~0 -0, 0 unchanged/m);
    for (const f of readdirSync(join(work, 'pbx'))) {
      const bytes = readFileSync(join(work, 'pbx', f));
      for (const id of ['marie.schmit', 'lea.klein']) expect(bytes.includes(sipPassword(id)), `${f} holds ${id}'s SIP password`).toBe(false);
    }
  });

  it('runs the rendered kamailio at the PBX address in its own namespace', async () => {
    createNamespace(ns.pbx);
    createNamespace(ns.marie);
    createNamespace(ns.lea);
    // The state network: a bridge in the PBX namespace, the agents' namespaces on it.
    createBridge('br0', { ns: ns.pbx, address: '10.10.5.10/24' });
    createVeth({ name: 'eth0', ns: ns.marie, address: `${addr.marie}/24` }, { name: 'a1', ns: ns.pbx, bridge: 'br0' });
    createVeth({ name: 'eth0', ns: ns.lea, address: `${addr.lea}/24` }, { name: 'a2', ns: ns.pbx, bridge: 'br0' });
    const inv = loadInventory(join(work, 'inventory'));
    if (!inv.ok) throw new Error('inventory');
    const intent = pbxIntent(inv.value, { dbFile: db(), children: 2 });
    expect(intent.ok).toBe(true);
    if (!intent.ok) return;
    expect(intent.value.listen.map((l) => `${l.proto}:${l.address}:${l.port}`)).toEqual(['udp:10.10.5.10:5060', 'tcp:10.10.5.10:5060']);
    for (const f of renderPbx(intent.value)) writeFileSync(join(work, 'pbx', f.path), f.content);
    pbx = await startPbx({ ns: ns.pbx, dir: join(work, 'pbx'), dbFile: db(), logFile: join(work, 'kamailio.log') });
    expect(pbx.address).toBe('10.10.5.10');
  });

  it('registers both softphones; Marie calls Léa and Léa answers', async () => {
    for (const [id, a] of [['marie.schmit', addr.marie], ['lea.klein', addr.lea]] as const) writeFileSync(join(work, 'phones', id, 'config'), phoneConfig(a, 5060));
    const lea = startPhone(ns.lea, join(work, 'phones/lea.klein'), ['-u', ';answermode=auto']);
    phones.push(lea);
    await lea.waitFor(/2002@crisis\.example\.lu: \{\d+\/TCP\/v4\} 200 OK/);
    const marie = startPhone(ns.marie, join(work, 'phones/marie.schmit'), ['-e', '/dial 2002']);
    phones.push(marie);
    await marie.waitFor(/2001@crisis\.example\.lu: \{\d+\/TCP\/v4\} 200 OK/);
    await marie.waitFor(/Call established: sip:2002@crisis\.example\.lu/);
    await lea.waitFor(/Call established: sip:2001@crisis\.example\.lu/);
    const log = readFileSync(pbx!.logFile, 'utf8');
    expect(log).toMatch(/outpost-pbx: registered 2001@crisis\.example\.lu from 10\.10\.5\.101/);
    expect(log).toMatch(/outpost-pbx: registered 2002@crisis\.example\.lu from 10\.10\.5\.102/);
    expect(log).toContain('outpost-pbx: call 2001 to 2002 answered');
    await Promise.all([marie.stop(), lea.stop()]);
  });

  it("offboards Léa: kit deleted, subscriber removed, and her phone's next REGISTER is refused", async () => {
    const off = run(['offboard', 'lea.klein', '--kits', 'kits', '--pbx-db', db()]);
    expect(off.stderr).not.toMatch(/error/i);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain(`removed PBX subscriber 2002@${DOMAIN} from ${db()}`);
    expect(existsSync(join(work, 'kits/lea.klein'))).toBe(false);
    expect(existsSync(join(work, 'kits/marie.schmit'))).toBe(true);
    // Offboarding and the next apply agree: nothing left to do.
    expect(run(['pbx', 'apply', '--kits', 'kits', '--db', db()]).stdout).toContain('nothing to change (1 subscribers)');
    // Her phone still has its account: a fresh start (another local port) tries it.
    writeFileSync(join(work, 'phones/lea.klein/config'), phoneConfig(addr.lea, 5062));
    const lea = startPhone(ns.lea, join(work, 'phones/lea.klein'));
    phones.push(lea);
    await lea.waitFor(/sip:2002@crisis\.example\.lu: 40[13] /);
    expect(lea.output()).not.toMatch(/2002@crisis\.example\.lu: \{\d+\/TCP\/v4\} 200 OK/);
    expect(readFileSync(pbx!.logFile, 'utf8')).toMatch(/outpost-pbx: refused REGISTER for 2002@crisis\.example\.lu from 10\.10\.5\.102/);
    await lea.stop();
  });
});
