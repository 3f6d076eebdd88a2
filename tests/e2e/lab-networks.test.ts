// A rule written between networks, as ACLs are written, is enforced where its traffic
// passes, and real packets prove it: in the twin of the vaccination centre, the staff
// network reaches one state-network host on one port through the rule compiled onto the
// site's firewall; the medical network does not, and without the rule neither does staff.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../core/inventory/index.js';
import { enforcement, loadPolicy, type AccessPolicy } from '../../core/policy/index.js';
import { labDown, labTest, labUp, listNamespaces } from '../../core/lab/index.js';
import { exampleInventory, repoRoot } from '../support/inventory.js';

const DAY = '2026-11-24';
const SITE = 'vac-esch';
const state = mkdtempSync(join(tmpdir(), 'opp-lab-nets-'));
const inv = (() => {
  const r = loadInventory(exampleInventory);
  if (!r.ok) throw new Error('example inventory must load');
  return r.value;
})();
const national = readFileSync(join(repoRoot, 'policies', 'access.yaml'), 'utf8');
const app = inv.org.services.find((s) => s.name === 'tracing-app')!.addresses[0]!.replace(/\/32$/, '');
const staffNet = (() => {
  const r = loadPolicy(join(repoRoot, 'policies', 'access.yaml'), inv);
  if (!r.ok) throw new Error('national policy must load');
  return enforcement(inv, r.value, DAY).sites.find((s) => s.code === SITE)!.zones.find((z) => z.name === 'staff')!.subnet;
})();

const RULE = `  - id: staff-case-share
    action: allow
    from: [net:${staffNet}]
    to: [net:${app}/32]
    ports: [8443/tcp]
    owner: tracing programme
    reason: Staff laptops open the case share
`;
const TESTS = `  - { name: the staff network reaches the case share, from: zone:staff, to: net:${app}/32, port: 8443/tcp, site: ${SITE}, expect: allow }
  - { name: the medical network does not reach the case share, from: zone:medical, to: net:${app}/32, port: 8443/tcp, site: ${SITE}, expect: deny }
`;

function policy(withRule: boolean): AccessPolicy {
  let text = national.replace(/^tests:\n/m, `tests:\n${TESTS}`);
  if (withRule) text = text.replace(/^rules:\n/m, `rules:\n${RULE}`);
  const file = join(state, `access-${withRule ? 'rule' : 'none'}.yaml`);
  writeFileSync(file, text);
  const r = loadPolicy(file, inv);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.value;
}

const tag = `nn${process.pid}`;
afterAll(() => {
  labDown(state, SITE);
  rmSync(state, { recursive: true, force: true });
});

describe('a rule between networks, in the lab twin', () => {
  it('lets the staff network reach the host on its port, through the rule compiled onto the site firewall, and nothing else', async () => {
    const p = policy(true);
    const enf = enforcement(inv, p, DAY);
    expect(enf.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const fw = enf.sites.find((s) => s.code === SITE)!.devices.find((d) => d.kind === 'firewall')!;
    expect(fw.kind === 'firewall' && fw.rules.some((r) => r.origin?.rule === 'staff-case-share')).toBe(true);

    await labUp(inv, p, SITE, DAY, state, tag);
    const r = await labTest(inv, p, SITE, DAY, state);
    const probe = (name: string) => r.results.find((x) => x.name === `test: ${name}`)!;
    const staff = probe('the staff network reaches the case share');
    expect([staff.observed, staff.analysis, staff.ok, staff.rule]).toEqual([true, true, true, `${SITE}-fw1: staff-case-share`]);
    const medical = probe('the medical network does not reach the case share');
    expect([medical.observed, medical.ok]).toEqual([false, true]);
    // Every other probe of the site still agrees with the analysis and its test.
    expect(r.results.filter((x) => !x.ok).map((x) => x.name)).toEqual([]);
  });

  it('stops the staff network again once the rule is gone: packets and analysis agree', async () => {
    const r = await labTest(inv, policy(false), SITE, DAY, state);
    const staff = r.results.find((x) => x.name === 'test: the staff network reaches the case share')!;
    expect([staff.observed, staff.analysis, staff.ok]).toEqual([false, false, false]);
    for (const x of r.results) expect(x.observed, x.name).toBe(x.analysis);
  });

  it('lab down removes every namespace the twin made', () => {
    labDown(state, SITE);
    expect(listNamespaces().filter((n) => n.startsWith(`opl-${tag}-`))).toEqual([]);
  });
});
