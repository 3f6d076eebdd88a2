// The audit on the intent: the example passes at the default severity, and each planted
// violation in the inventory or the access policy is found exactly, on the right object,
// with the rule or file line that causes it.
import { afterEach, describe, expect, it } from 'vitest';
import { blocking } from '../core/audit/index.js';
import { auditOf, auditWorkspace, findingsOf, type RootEdit } from './support/audit.js';
import { lineOf, repoRoot, exampleInventory } from './support/inventory.js';
import { loadInventory } from '../core/inventory/index.js';
import { platformCatalogue } from '../core/render/index.js';

function example() {
  const inv = loadInventory(exampleInventory, { platforms: platformCatalogue() });
  if (!inv.ok) throw new Error('example inventory does not load');
  return inv.value;
}
const firewalls = () => example().sites.flatMap((s) => s.devices.filter((d) => d.role === 'firewall').map((d) => d.hostname));

const workspaces: (() => void)[] = [];
afterEach(() => workspaces.splice(0).forEach((c) => c()));

function planted(edits: RootEdit[]) {
  const ws = auditWorkspace(edits);
  workspaces.push(ws.cleanup);
  return { ws, report: auditOf(ws.root) };
}

const rule = (id: string, body: string) => ({ file: 'policies/access.yaml', from: /^rules:\n/m, to: `rules:\n  - id: ${id}\n${body}    owner: network team\n    reason: Planted by a test\n` });

describe('audit of the intent', () => {
  it('the example passes at the default severity; only the low idle-role finding and one waived finding remain', () => {
    const report = auditOf(repoRoot);
    expect(blocking(report, 'high')).toEqual([]);
    expect(findingsOf(report).map((f) => `${f.control} ${f.object.id}`)).toEqual(['no-idle-roles role/netadmin']);
    const waived = report.controls.flatMap((c) => c.waived);
    expect(waived.map((f) => `${f.control} ${f.object.id} ${f.waiver?.expires}`)).toEqual(['expired-rules-removed rule/guest-booking-pilot 2027-01-31']);
    expect(report.controls.filter((c) => c.status === 'not-evaluated').map((c) => c.id).sort()).toEqual(['expired-accounts-disabled', 'no-orphan-accounts', 'running-matches-intent', 'totp-enrolled']);
  });

  it('--site limits every device, flow and rule object to that site', () => {
    const report = auditOf(repoRoot, { sites: ['vac-esch'] });
    for (const c of report.controls) expect(Object.keys(c.checked).filter((s) => s !== 'vac-esch' && s !== '-'), c.id).toEqual([]);
    expect(report.controls.find((c) => c.id === 'guest-isolated')!.checked['vac-esch']).toBeGreaterThan(0);
    expect(report.controls.find((c) => c.id === 'no-any-any')!.findings).toEqual([]);
  });

  it('an expired waiver no longer hides its finding', () => {
    const report = auditOf(repoRoot, { date: '2027-02-01' });
    const [f, ...rest] = findingsOf(report, 'expired-rules-removed');
    expect(rest).toEqual([]);
    expect(f!.object.id).toBe('rule/guest-booking-pilot');
    expect(f!.object.at!.line).toBe(lineOf(repoRoot, 'policies/access.yaml', 'id: guest-booking-pilot'));
    expect(f!.expiredWaiver?.expires).toBe('2027-01-31');
    expect(f!.evidence).toBe('rule guest-booking-pilot expired on 2021-03-31 and is still in ' + f!.object.at!.file);
  });

  it('an any-any allow is found on every firewall, pointing at the rule in access.yaml', () => {
    const { ws, report } = planted([rule('open-all', '    action: allow\n    from: [any]\n    to: [any]\n')]);
    const found = findingsOf(report, 'no-any-any');
    // One per site firewall: the rule reaches every site (it has no `at:`).
    expect(found.map((f) => f.object.id).sort()).toEqual(firewalls().map((fw) => `${fw}:rule/open-all`).sort());
    for (const f of found) {
      expect(f.object.at!.line).toBe(lineOf(ws.root, 'policies/access.yaml', 'id: open-all'));
      expect(f.evidence).toMatch(/accepts any source to any destination on any port \(rule open-all/);
      expect(f.severity).toBe('critical');
    }
  });

  it('a guest route to the staff zone is found at every site with both zones, naming the port and the rule', () => {
    const { ws, report } = planted([rule('guest-to-staff', '    action: allow\n    from: [zone:guest]\n    to: [zone:staff]\n    ports: [445/tcp]\n')]);
    const found = findingsOf(report, 'guest-isolated');
    expect(found.length).toBeGreaterThan(0);
    const line = lineOf(ws.root, 'policies/access.yaml', 'id: guest-to-staff');
    for (const f of found) {
      expect(f.object.id).toBe(`${f.object.site}:zone/guest->zone/staff`);
      expect(f.object.kind).toBe('flow');
      expect(f.evidence).toContain('reaches internal zone staff on 445/tcp');
      expect(f.evidence).toContain(`accepted by guest-to-staff (${ws.root}/policies/access.yaml:${line})`);
    }
    // Exactly the sites that have a guest and a staff zone.
    const both = example().sites.filter((site) => ['guest', 'staff'].every((z) => site.zones.some((x) => x.zone === z))).map((site) => site.code);
    expect(found.map((f) => f.object.site).sort()).toEqual(both.sort());
  });

  it('a VPN role that reaches device management is found, except netadmin', () => {
    const { ws, report } = planted([rule('tracing-ssh', '    action: allow\n    from: [role:tracing-agent]\n    to: [zone:mgmt]\n    ports: [22/tcp]\n')]);
    const found = findingsOf(report, 'vpn-role-scope');
    expect(found.map((f) => f.object.id)).toEqual(['role/tracing-agent']);
    expect(found[0]!.object.at!.line).toBe(lineOf(ws.root, 'policies/access.yaml', 'id: tracing-ssh'));
    expect(found[0]!.evidence).toMatch(/^role tracing-agent reaches management zone mgmt at \S+ on 22\/tcp/);
  });

  it('a staff SSID made open is found on every AP that carries it, and nothing else changes', () => {
    const { report } = planted([{ file: 'inventory/org.yaml', from: 'security: wpa3-enterprise', to: 'security: open' }]);
    const found = findingsOf(report, 'staff-ssid-enterprise');
    const staffAps = auditOf(repoRoot).controls.find((c) => c.id === 'staff-ssid-enterprise')!;
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.object.id.endsWith(':ssid/CENTRE-STAFF') && f.evidence === 'SSID CENTRE-STAFF of zone staff uses open, not WPA2/WPA3-Enterprise')).toBe(true);
    expect(found.length).toBeLessThan(Object.values(staffAps.checked).reduce((a, b) => a + b, 0));
    expect(findingsOf(report).filter((f) => f.control !== 'staff-ssid-enterprise' && f.control !== 'no-idle-roles')).toEqual([]);
  });

  it('a guest SSID without client isolation is found on each AP, as guest-isolated', () => {
    const { report } = planted([{ file: 'inventory/org.yaml', from: 'isolate: true', to: 'isolate: false' }]);
    const found = findingsOf(report, 'guest-isolated');
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.object.kind).toBe('ssid');
      expect(f.object.id).toMatch(/:ssid\/CENTRE-GUEST$/);
      expect(f.evidence).toBe('guest SSID CENTRE-GUEST does not isolate its clients');
    }
  });

  it('a VPN role that reaches the internet through the gateway is found', () => {
    const { ws, report } = planted([rule('helpdesk-web', '    action: allow\n    from: [role:helpdesk]\n    to: [service:internet]\n')]);
    const found = findingsOf(report, 'vpn-role-scope');
    expect(found.map((f) => f.object.id)).toEqual(['role/helpdesk']);
    expect(found[0]!.evidence).toMatch(/^role helpdesk reaches the internet \(0\.0\.0\.0\/0\) on (80\/tcp, 443\/tcp|443\/tcp, 80\/tcp) \(/);
    expect(found[0]!.evidence).toContain(`vpn-gateway: accepted by helpdesk-web (${ws.root}/policies/access.yaml:${lineOf(ws.root, 'policies/access.yaml', 'id: helpdesk-web')})`);
  });

  it('a role nobody holds and no rule names is found with both reasons', () => {
    const { report } = planted([{ file: 'policies/access.yaml', from: /^roles:\n/m, to: 'roles:\n  - { name: lab-testers, description: Testers of the lab, pool: 28 }\n' }]);
    expect(findingsOf(report, 'no-idle-roles').map((f) => `${f.object.id}: ${f.evidence}`)).toEqual([
      'role/lab-testers: role lab-testers: no member in the people files and no rule that is still in force names it',
      'role/netadmin: role netadmin: no member in the people files',
    ]);
  });

  it('a scope limits a control to what it names', () => {
    const { report } = planted([
      { file: 'inventory/org.yaml', from: 'security: wpa3-enterprise', to: 'security: open' },
      { file: 'policies/security.yaml', from: '    scope: { kinds: [ap] }', to: '    scope: { kinds: [ap], sites: [vac-esch] }' },
    ]);
    const found = findingsOf(report, 'staff-ssid-enterprise');
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((f) => f.object.site))).toEqual(new Set(['vac-esch']));
    expect(Object.keys(report.controls.find((c) => c.id === 'staff-ssid-enterprise')!.checked)).toEqual(['vac-esch']);
  });
});
