// An engineer asks `outpost access check` about addresses, not only names: where each
// address sits (zone, role pool, beyond every site), and the rule deciding at every
// firewall on the path, or "no rule: default deny" said as such. Unknown names are
// usage errors.
import { describe, expect, it } from 'vitest';
import { loadInventory, net } from '../core/inventory/index.js';
import { enforcement, loadPolicy } from '../core/policy/index.js';
import { exampleInventory, outpost, repoRoot } from './support/inventory.js';

const DAY = '2026-11-24';
const inv = (() => {
  const r = loadInventory(exampleInventory);
  if (!r.ok) throw new Error('example inventory must load');
  return r.value;
})();
const enf = (() => {
  const r = loadPolicy(`${repoRoot}/policies/access.yaml`, inv);
  if (!r.ok) throw new Error('policy must load');
  return enforcement(inv, r.value, DAY);
})();
const zoneHost = (site: string, zone: string, k: number) => net.intToIp(net.parseCidr(enf.sites.find((s) => s.code === site)!.zones.find((z) => z.name === zone)!.subnet).base + k);
const service = (name: string) => inv.org.services.find((s) => s.name === name)!.addresses[0]!.split('/')[0]!;
const check = (...args: string[]) => {
  const r = outpost(['access', 'check', '--date', DAY, ...args, '--json']);
  return { code: r.code, json: r.code === 2 ? null : JSON.parse(r.stdout), stderr: r.stderr };
};

describe('outpost access check by address', () => {
  it('places a staff laptop in its zone and names the rule that lets it record vaccinations', () => {
    const laptop = zoneHost('vac-esch', 'staff', 37);
    const r = check('--from', laptop, '--to', `${service('vaccination-registry')}:443/tcp`);
    expect(r.code).toBe(0);
    expect(r.json.source).toEqual({ kind: 'zone', site: 'vac-esch', zone: 'staff', subnet: enf.sites.find((s) => s.code === 'vac-esch')!.zones.find((z) => z.name === 'staff')!.subnet });
    expect(r.json.destination).toEqual({ kind: 'beyond' });
    expect(r.json.hops.map((h: { at: string; decidedBy: string }) => [h.at, h.decidedBy])).toEqual([['vac-esch-fw1', 'rule staff-vaccination']]);
  });

  it('answers for a one-address network with the deciding rule, and names the default deny when no rule matches', () => {
    const host = zoneHost('trc-findel', 'staff', 20);
    const allowed = check('--from', `net:${host}/32`, '--to', `${service('tracing-app')}:443/tcp`);
    expect([allowed.code, allowed.json.allowed, allowed.json.hops[0].decidedBy]).toEqual([0, true, 'rule staff-tracing']);
    const denied = check('--from', `net:${host}/32`, '--to', `${service('vaccination-registry')}:443/tcp`);
    expect([denied.code, denied.json.allowed]).toEqual([1, false]);
    expect(denied.json.hops).toEqual([{ at: 'trc-findel-fw1', allowed: false, rule: null, decidedBy: 'no rule: default deny' }]);
    const text = outpost(['access', 'check', '--date', DAY, '--from', `net:${host}/32`, '--to', `${service('vaccination-registry')}:443/tcp`]);
    expect(text.stdout).toContain('trc-findel-fw1: drop, no rule: default deny');
  });

  it('follows a remote agent through the VPN gateway and into the site it reaches', () => {
    const pool = enf.pools.get('netadmin')!;
    const agent = net.intToIp(net.parseCidr(pool).base + 3);
    const sw = zoneHost('vac-esch', 'mgmt', 9);
    const r = check('--from', agent, '--to', `${sw}:22/tcp`);
    expect(r.json.source).toEqual({ kind: 'role', role: 'netadmin', pool });
    expect(r.json.hops.map((h: { at: string; decidedBy: string }) => [h.at, h.decidedBy])).toEqual([
      ['vpn-gateway', 'rule vpn-netadmin'],
      ['vac-esch-fw1', 'rule vpn-netadmin'],
    ]);
    // The same agent to a staff laptop: the gateway's default deny decides.
    const no = check('--from', agent, '--to', `${zoneHost('vac-esch', 'staff', 40)}:3389/tcp`);
    expect([no.code, no.json.hops[0]]).toEqual([1, { at: 'vpn-gateway', allowed: false, rule: null, decidedBy: 'no rule: default deny' }]);
  });

  it('refuses unknown names and malformed addresses as usage errors', () => {
    expect(check('--from', 'role:nobody', '--to', 'service:dns').code).toBe(2);
    expect(check('--from', 'zone:lobby', '--to', 'service:dns', '--site', 'vac-esch').code).toBe(2);
    expect(check('--from', 'role:netadmin', '--to', 'service:wiki').code).toBe(2);
    expect(check('--from', '10.300.0.1', '--to', 'service:dns').code).toBe(2);
    expect(check('--from', '10.64.0.9', '--to', '10.20.1.10:99999/tcp').code).toBe(2);
    const r = outpost(['access', 'check', '--from', 'role:nobody', '--to', 'service:dns']);
    expect(r.stderr).toContain('unknown role nobody (known: care-staff, crisis-cell');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
