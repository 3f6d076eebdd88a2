// A network engineer's inventory is broken, by accident or on purpose: a typo in an
// address, a YAML alias bomb, a zone far too large, a people file that is a folder, a
// site file that is a pipe or /dev/zero, a file of 50 MB. Each time outpost says where
// the problem is (file:line:col), exits 1, prints no stack trace, writes nothing, and
// ends promptly.
import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEdits, exampleInventory, lineOf, repoRoot, type Edit } from './support/inventory.js';
import { expectRefused, run, snapshot } from './support/hostile.js';
import { parsePeople } from '../core/people/index.js';
import { LIMITS } from '../core/input.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A temp workspace: inventory/ and policies/ copied from the example, edits applied. */
function workspace(edits: readonly Edit[] = []): { root: string; inv: string; out: string } {
  const root = mkdtempSync(join(tmpdir(), `hostile-in-${process.pid}-`));
  roots.push(root);
  const inv = join(root, 'inventory');
  cpSync(exampleInventory, inv, { recursive: true });
  cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
  applyEdits(inv, edits);
  return { root, inv, out: join(root, 'out') };
}

/** Renders (the command that writes) and checks it refused, wrote nothing and changed nothing. */
function renderRefused(ws: { root: string; inv: string; out: string }, where: { file: string; line?: number; code?: string }) {
  const before = snapshot(ws.root);
  const r = run(['render', '-i', ws.inv, '--out', ws.out], { timeoutMs: 30_000 });
  expectRefused(r, { ...where, file: join(ws.inv, where.file) });
  expect(existsSync(ws.out), 'no out/ folder').toBe(false);
  expect(snapshot(ws.root)).toEqual(before);
  return r;
}

describe('a malformed address, network or port is a located diagnostic (case 1)', () => {
  const cases: { what: string; edit: Edit; needle: string }[] = [
    { what: 'a port named instead of numbered', edit: { file: 'org.yaml', from: 'ports: [53/udp, 53/tcp]', to: 'ports: [http, 53/tcp]' }, needle: 'ports: [http' },
    { what: 'a host name where an address belongs', edit: { file: 'org.yaml', from: 'addresses: [10.10.0.53, 10.10.1.53]', to: 'addresses: [proxy.example]' }, needle: 'proxy.example' },
    { what: 'a prefix longer than 32', edit: { file: 'org.yaml', from: 'vpn: 10.96.0.0/14', to: 'vpn: 10.96.0.0/40' }, needle: '10.96.0.0/40' },
    { what: 'one flipped byte in a port', edit: { file: 'org.yaml', from: 'ports: [53/udp, 53/tcp]', to: 'ports: [53Audp, 53/tcp]' }, needle: '53Audp' },
    { what: 'a WAN address with octets past 255', edit: { file: 'sites/vac-esch.yaml', from: 'wan: 100.64.0.41/30', to: 'wan: 100.64.0.941/30' }, needle: '100.64.0.941' },
  ];
  for (const c of cases) {
    it(`an engineer writes ${c.what} and is shown the line`, () => {
      const ws = workspace([c.edit]);
      const r = renderRefused(ws, { file: c.edit.file, line: lineOf(ws.inv, c.edit.file, c.needle), code: 'invalid-value' });
      expect(r.stderr).toMatch(/expected /);
    });
  }
});

describe('a YAML alias bomb is stopped with a diagnostic (case 2)', () => {
  it('a "billion laughs" site file is refused at its first alias, quickly', () => {
    const ws = workspace();
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    writeFileSync(join(ws.inv, 'sites', 'bomb.yaml'), `${lines.join('\n')}\n`);
    const r = renderRefused(ws, { file: 'sites/bomb.yaml', line: 2, code: 'yaml-aliases' });
    expect(r.ms).toBeLessThan(15_000);
  });
});

describe('a site larger than its address plan is a capacity diagnostic (case 3)', () => {
  it('a zone of 4,000 endpoints in a /20 site block says the zone does not fit', () => {
    const ws = workspace([{ file: 'sites/vac-esch.yaml', from: '{ zone: staff, endpoints: 160 }', to: '{ zone: staff, endpoints: 4000 }' }]);
    const r = renderRefused(ws, { file: 'sites/vac-esch.yaml', line: lineOf(ws.inv, 'sites/vac-esch.yaml', 'endpoints: 4000'), code: 'zone-capacity' });
    expect(r.stderr).toMatch(/no room for zone staff/);
  });

  it('2,000 access switches in one site are refused at the devices list, not in the planner', () => {
    const ws = workspace();
    const file = join(ws.inv, 'sites', 'vac-esch.yaml');
    let extra = '';
    for (let i = 0; i < 2000; i++) extra += `  - hostname: vac-esch-x${i}\n    role: access\n    platform: cisco-ios\n    model: C9300-48P\n    uplink: vac-esch-dsw1\n`;
    appendFileSync(file, extra);
    const r = renderRefused(ws, { file: 'sites/vac-esch.yaml', line: lineOf(ws.inv, 'sites/vac-esch.yaml', 'devices:') + 1, code: 'invalid-value' });
    expect(r.stderr).toMatch(new RegExp(`at most ${LIMITS.devicesPerSite} devices`));
  });

  it('985 switches hung off one 48-port distribution switch are named one by one, not a crash', () => {
    const ws = workspace();
    let extra = '';
    for (let i = 0; i < 985; i++) extra += `  - hostname: vac-esch-x${i}\n    role: access\n    platform: cisco-ios\n    model: C9300-48P\n    uplink: vac-esch-dsw1\n`;
    appendFileSync(join(ws.inv, 'sites', 'vac-esch.yaml'), extra);
    const r = renderRefused(ws, { file: 'sites/vac-esch.yaml', code: 'port-capacity' });
    expect(r.stderr).toMatch(/vac-esch-dsw1 has no free port for vac-esch-x\d+/);
  });
});

describe('only regular files are read where a file is expected (case 4)', () => {
  it('a people file that is a folder is named, not a crash', () => {
    const ws = workspace();
    mkdirSync(join(ws.inv, 'people', 'extra.csv'));
    const r = run(['directory', 'plan', '-i', ws.inv]);
    expectRefused(r, { file: join(ws.inv, 'people', 'extra.csv'), line: 1, code: 'not-a-file' });
  });

  it('a sites path that is a file is named, not a crash', () => {
    const ws = workspace();
    rmSync(join(ws.inv, 'sites'), { recursive: true });
    writeFileSync(join(ws.inv, 'sites'), 'not a folder\n');
    const r = renderRefused(ws, { file: 'sites', line: 1, code: 'not-a-folder' });
    expect(r.stderr).not.toMatch(/stale-allocation/);
  });

  it('a site file symlinked to /dev/zero is refused before a byte is read', () => {
    const ws = workspace();
    symlinkSync('/dev/zero', join(ws.inv, 'sites', 'zero.yaml'));
    const r = renderRefused(ws, { file: 'sites/zero.yaml', line: 1, code: 'not-a-file' });
    expect(r.ms).toBeLessThan(15_000);
  });

  it('a FIFO among the site files does not block the command', () => {
    const ws = workspace();
    execFileSync('mkfifo', [join(ws.inv, 'sites', 'pipe.yaml')]);
    const r = renderRefused(ws, { file: 'sites/pipe.yaml', line: 1, code: 'not-a-file' });
    expect(r.ms).toBeLessThan(15_000);
  });
});

describe('files past the decided limits are refused before parsing (case 5)', () => {
  it('a 50 MB site file is refused in moments, without filling memory', () => {
    const ws = workspace();
    const file = join(ws.inv, 'sites', 'vac-esch.yaml');
    const device = '  - hostname: vac-esch-y\n    role: access\n    platform: cisco-ios\n    model: C9300-48P\n    uplink: vac-esch-dsw1\n';
    appendFileSync(file, device.repeat(Math.ceil((50 * 1024 * 1024) / device.length)));
    const r = renderRefused(ws, { file: 'sites/vac-esch.yaml', line: 1, code: 'too-large' });
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a people file of 130,000 rows loads, and a bad mail on its last row is shown at that row', () => {
    const ws = workspace();
    const header = 'id,given_name,surname,mail,site,roles,end_date,laptop_tag,laptop_mac,extension\n';
    let body = '';
    for (let i = 0; i < 130_000; i++) body += `agent.x${i},Agent,Number,agent.x${i}@crisis.example.lu,vac-lux,vaccination-staff,,,,\n`;
    body += 'agent.last,Agent,Last,not-a-mail,vac-lux,vaccination-staff,,,,\n';
    writeFileSync(join(ws.inv, 'people', 'bulk.csv'), header + body);
    const r = run(['directory', 'plan', '-i', ws.inv], { timeoutMs: 55_000 });
    expectRefused(r, { file: join(ws.inv, 'people', 'bulk.csv'), line: 130_002, code: 'invalid-value' });
  }, 60_000);

  it('a people file with more lines than the row limit is refused before its rows are parsed', () => {
    const file = '/nowhere/people/huge.csv';
    const text = `id,given_name,surname,mail,site,roles\n${'#\n'.repeat(LIMITS.peopleRows + 1)}`;
    const r = parsePeople([{ file, text }], { roles: new Set(['vaccination-staff']), sites: new Set(['vac-lux']) });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.code}`)).toEqual([`${file}:${LIMITS.peopleRows + 1}:too-large`]);
  });

  it('a site twenty times the largest national site (300 devices) is still valid', () => {
    const ws = workspace();
    let extra = '';
    for (let i = 0; i < 285; i++) extra += `  - hostname: vac-esch-x${i}\n    role: access\n    platform: cisco-ios\n    model: C9300-48P\n    uplink: vac-esch-${i < 40 ? 'dsw1' : `x${i % 40}`}\n`;
    appendFileSync(join(ws.inv, 'sites', 'vac-esch.yaml'), extra);
    const r = run(['validate', '-i', ws.inv]);
    expect(r.stderr).not.toMatch(/error:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/13 sites, \d+ devices/);
  });
});
