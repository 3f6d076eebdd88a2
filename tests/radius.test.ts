// The network team's RADIUS server, as data and as freeradius files: every switch and AP
// of the example sites is a client, each role lands in its zone's VLAN in policy order,
// secrets stay placeholders until given, and bad input is reported, not rendered.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../core/inventory/index.js';
import { loadPolicy, type AccessPolicy } from '../core/policy/index.js';
import { planInventory, type SitePlan } from '../core/plan/index.js';
import { parsePeople } from '../core/people/index.js';
import { radiusIntent, radiusSecretNames, radiusSecretProblems, renderRadius, RADIUS_LDAP_SECRET, type RadiusIntent } from '../core/radius/index.js';
import { kitOrg, parseCa } from '../core/kit/index.js';
import { makeTestCa } from './support/test-ca.js';
import { applyEdits, inventoryCopy, lineOf, outpost, repoRoot } from './support/inventory.js';

const BASE = 'dc=crisis,dc=example,dc=lu';
const inv = loadInventory('inventory');
if (!inv.ok) throw new Error('example inventory');
const policy = loadPolicy('policies/access.yaml', inv.value);
if (!policy.ok) throw new Error('example policy');
const sites: readonly SitePlan[] = planInventory(inv.value).sites;

const intentFor = (p: AccessPolicy = policy.value, url = 'ldaps://ldap.crisis.example.lu'): RadiusIntent => {
  const r = radiusIntent(inv.value, p, sites, { url, base: BASE, bindDN: `cn=radius,ou=services,${BASE}` });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value;
};
const file = (files: ReturnType<typeof renderRadius>, path: string) => files.find((f) => f.path === path)!;

/** client NAME { ipaddr = A ... } blocks of a clients.conf. */
const clientsOf = (text: string) => [...text.matchAll(/^client (\S+) \{\n\tipaddr = (\S+)\n\tsecret = '([^\n]*)'$/gm)].map((m) => ({ name: m[1]!, address: m[2]!, secret: m[3]! }));

describe('the RADIUS server rendered for freeradius', () => {
  it('holds every switch and AP of the 13 example sites, at its planned management address, and no firewall', () => {
    const files = renderRadius(intentFor());
    const clients = clientsOf(file(files, 'clients.conf').content);
    const expected = sites.flatMap((s) => s.devices.filter((d) => d.kind !== 'firewall').map((d) => ({ name: d.hostname, address: d.mgmt.address })));
    expect(sites.length).toBe(13);
    expect(expected.length).toBeGreaterThan(100);
    expect(clients.map(({ name, address }) => ({ name, address })).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [...expected].sort((a, b) => a.name.localeCompare(b.name)),
    );
    expect(new Set(intentFor().clients.map((c) => c.site)).size).toBe(13);
    expect(clients.some((c) => /-fw\d/.test(c.name))).toBe(false);
    expect(new Set(clients.map((c) => c.address)).size).toBe(clients.length);
  });

  it('keeps secrets as placeholders until given, then fills them quoted and marks those files secret', () => {
    const intent = intentFor();
    expect(radiusSecretNames(intent)).toEqual([RADIUS_LDAP_SECRET, 'radius-key'].sort());
    const bare = renderRadius(intent);
    expect(clientsOf(file(bare, 'clients.conf').content).every((c) => c.secret === '%%OUTPOST_SECRET(radius-key)%%')).toBe(true);
    expect(file(bare, 'mods-enabled/ldap').content).toContain(`password = '%%OUTPOST_SECRET(${RADIUS_LDAP_SECRET})%%'`);

    const filled = renderRadius(intent, new Map([['radius-key', `it's-a-key`], [RADIUS_LDAP_SECRET, 'bind-password-1']]));
    expect(clientsOf(file(filled, 'clients.conf').content).every((c) => c.secret === `it\\'s-a-key`)).toBe(true);
    expect(file(filled, 'mods-enabled/ldap').content).toContain(`password = 'bind-password-1'`);
    expect(filled.filter((f) => f.secret).map((f) => f.path).sort()).toEqual(['clients.conf', 'mods-enabled/ldap']);
    expect(filled.map((f) => f.content).join('\n')).not.toContain('%%OUTPOST_SECRET');
    for (const f of filled) expect(f.path).not.toMatch(/^\/|\.\./);
  });

  it('refuses a secret freeradius cannot quote, naming it and not its value', () => {
    const problems = radiusSecretProblems(new Map([['radius-key', 'back\\slash-key'], [RADIUS_LDAP_SECRET, 'fine-password']]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('radius-key');
    expect(problems[0]).not.toContain('back\\slash');
    expect(() => renderRadius(intentFor(), new Map([['radius-key', 'back\\slash-key'], [RADIUS_LDAP_SECRET, 'fine-password']]))).toThrow(/radius-key/);
  });

  it('answers with the VLAN of the first role, in policy order, that the user holds', () => {
    const intent = intentFor();
    expect(intent.roles.map((r) => [r.role, r.zone, r.vlan])).toEqual([
      ['tracing-agent', 'staff', 10],
      ['vaccination-staff', 'staff', 10],
      ['care-staff', 'staff', 10],
      ['helpdesk', 'staff', 10],
      ['crisis-cell', 'staff', 10],
      ['netadmin', 'mgmt', 99],
    ]);
    const inner = file(renderRadius(intent), 'sites-enabled/inner-tunnel').content;
    const checks = [...inner.matchAll(/(if|elsif) \(&LDAP-Group == '([^']+)'\) \{[^}]*Tunnel-Private-Group-Id := '(\d+)'/g)].map((m) => [m[1], m[2], m[3]]);
    expect(checks).toEqual(intent.roles.map((r, i) => [i === 0 ? 'if' : 'elsif', `cn=${r.role},ou=roles,${BASE}`, String(r.vlan)]));
    expect(inner).toMatch(/else \{\s*reject\s*\}/);
  });

  it('leaves a role without a zone out: its agents are refused on site', () => {
    const roles = policy.value.roles.map((r) => (r.name === 'crisis-cell' ? { name: r.name, description: r.description, pool: r.pool, source: r.source } : r));
    const intent = intentFor({ ...policy.value, roles });
    expect(intent.roles.map((r) => r.role)).not.toContain('crisis-cell');
    expect(file(renderRadius(intent), 'sites-enabled/inner-tunnel').content).not.toContain('cn=crisis-cell');
  });

  it('names itself as the kits expect: the certificate name the laptops check is the server\'s', () => {
    const ca = makeTestCa('radius-unit');
    try {
      const org = kitOrg(inv.value, parseCa(ca.caPem));
      expect(intentFor().serverName).toBe(org.radiusName);
      expect(file(renderRadius(intentFor()), 'mods-enabled/eap').content).toContain(`(${org.radiusName})`);
    } finally {
      ca.remove();
    }
  });

  it('refuses a directory URL or bind DN that would break out of the config', () => {
    const bad = radiusIntent(inv.value, policy.value, sites, { url: "ldap://x'\n}", base: BASE, bindDN: 'cn=a"b' });
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics.map((d) => d.message).join('\n')).toMatch(/directory URL[\s\S]*bind DN/);
    expect(radiusIntent(inv.value, policy.value, sites, { url: 'ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi', base: BASE, bindDN: `cn=admin,${BASE}` }).ok).toBe(true);
  });
});

describe('the zone a person lands in on site', () => {
  const known = (zoneOf: Record<string, string | undefined>, siteZones: Record<string, string[]>) => ({
    roles: new Set(Object.keys(zoneOf)),
    sites: new Set(Object.keys(siteZones)),
    landing: {
      roles: Object.entries(zoneOf).map(([name, zone]) => ({ name, ...(zone ? { zone } : {}) })),
      siteZones: new Map(Object.entries(siteZones).map(([k, v]) => [k, new Set(v)])),
    },
  });
  const csv = (rows: string[]) => [{ file: 'people/agents.csv', text: `id,given_name,surname,mail,site,roles\n${rows.join('\n')}\n` }];

  it('a person whose roles give no zone is an error at their row, naming the roles cell', () => {
    const row = 'no.zone,No,Zone,no.zone@x.lu,s1,observer;auditor';
    const r = parsePeople(csv(['ok.one,Ok,One,ok.one@x.lu,s1,staffer', row]), known({ staffer: 'staff', observer: undefined, auditor: undefined }, { s1: ['staff'] }));
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'no-zone', file: 'people/agents.csv', line: 3, col: row.indexOf('observer') + 1, path: 'roles' })]);
    expect(r.diagnostics[0]!.message).toMatch(/no\.zone: none of the roles observer, auditor gives a zone/);
  });

  it('a person whose site lacks their role\'s zone is an error at the site cell', () => {
    const row = 'net.admin,Net,Admin,net.admin@x.lu,s2,netadmin';
    const r = parsePeople(csv([row]), known({ netadmin: 'mgmt' }, { s2: ['staff'] }));
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'no-zone', line: 2, col: row.indexOf(',s2,') + 2, path: 'site' })]);
    expect(r.diagnostics[0]!.message).toContain('lands in zone mgmt, which site s2 does not have');
  });

  it('the first role in policy order with a zone decides, whatever order the row lists them in', () => {
    const r = parsePeople(csv(['two.roles,Two,Roles,two.roles@x.lu,s1,observer;netadmin']), known({ observer: undefined, netadmin: 'mgmt' }, { s1: ['mgmt'] }));
    expect(r.ok).toBe(true);
  });

  it('a role naming a zone the organisation does not have is an error in the access policy', async () => {
    const copy = inventoryCopy();
    try {
      const root = dirname(copy.dir);
      cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
      applyEdits(root, [{ file: 'policies/access.yaml', from: 'pool: 24, zone: staff }', to: 'pool: 24, zone: lobby }' }]);
      const r = loadPolicy(join(root, 'policies/access.yaml'), inv.value);
      expect(r.ok).toBe(false);
      expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'unknown-zone', path: 'roles[3].zone', line: lineOf(root, 'policies/access.yaml', 'zone: lobby') })]);
    } finally {
      copy.cleanup();
    }
  });

  it('outpost validate reports every agent whose role lost its zone at file:line:col, exits 1 and writes nothing', () => {
    const copy = inventoryCopy();
    try {
      const root = dirname(copy.dir);
      cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
      applyEdits(root, [{ file: 'policies/access.yaml', from: '{ name: helpdesk, description: Helpdesk agents supporting the sites, pool: 24, zone: staff }', to: '{ name: helpdesk, description: Helpdesk agents supporting the sites, pool: 24 }' }]);
      const before = readdirSync(root).sort();
      const r = outpost(['validate', '--inventory', copy.dir]);
      expect(r.code).toBe(1);
      const line = lineOf(copy.dir, 'people/trc-findel.csv', 'andre.martins,');
      expect(r.stderr).toContain(`${join(copy.dir, 'people/trc-findel.csv')}:${line}:72: error: andre.martins: role helpdesk gives no zone to land in on site`);
      expect(r.stderr).toMatch(/\[no-zone\]/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).not.toMatch(/is valid/);
      expect(readdirSync(root).sort()).toEqual(before);
      expect(existsSync(join(root, 'out'))).toBe(false);
    } finally {
      copy.cleanup();
    }
  });
});
