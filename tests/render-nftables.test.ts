// The nftables target: a golden file for one firewall, and the real nft parser over
// every firewall ruleset of the example with a representative rule set.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../core/inventory/index.js';
import { planInventory, type RuleCompiler } from '../core/plan/index.js';
import { renderDevice } from '../core/render/index.js';
import { expectGolden } from './support/golden.js';
import { exampleInventory } from './support/inventory.js';

const loaded = loadInventory(exampleInventory);
if (!loaded.ok) throw new Error('example inventory must load');

// A fixed compiler so this golden file tests the target, not the access policy.
const rules: RuleCompiler = () => ({
  sets: [{ name: 'svc_dns', addresses: ['10.10.0.53/32', '10.10.1.53/32'], comment: 'dns: State resolvers' }],
  rules: [
    {
      id: 'staff-dns',
      action: 'accept',
      from: { any: false, zones: ['staff', 'voice'], sets: [] },
      to: { any: false, zones: [], sets: ['svc_dns'] },
      services: [{ proto: 'udp', ports: [{ from: 53, to: 53 }] }, { proto: 'tcp', ports: [{ from: 53, to: 53 }] }],
      comment: 'staff and phones resolve names',
    },
    { id: 'guest-block', action: 'drop', from: { any: false, zones: ['guest'], sets: [] }, to: { any: false, zones: ['staff', 'medical'], sets: [] }, services: [], comment: 'guests stay out' },
    { id: 'voice-rtp', action: 'accept', from: { any: false, zones: ['voice'], sets: [] }, to: { any: true, zones: [], sets: [] }, services: [{ proto: 'udp', ports: [{ from: 10000, to: 20000 }] }, { proto: 'icmp', ports: [] }], comment: 'media' },
  ],
  diagnostics: [],
});
const plan = planInventory(loaded.value, { rules });
const firewalls = plan.sites.flatMap((s) => s.devices).filter((d) => d.kind === 'firewall' && d.platform === 'nftables');

describe('nftables target', () => {
  it('renders vac-esch-fw1 exactly as the golden file', () => {
    const fw = firewalls.find((d) => d.hostname === 'vac-esch-fw1')!;
    const [artefact] = renderDevice(fw).artefacts;
    expect(artefact!.path).toBe('vac-esch/vac-esch-fw1.nft');
    expectGolden(artefact!.content, 'nftables/vac-esch-fw1.nft');
  });

  it('produces rulesets the real nft parser accepts, for every nftables firewall', () => {
    expect(firewalls.length).toBeGreaterThanOrEqual(10);
    const dir = mkdtempSync(join(tmpdir(), 'outpost-nft-'));
    try {
      for (const fw of firewalls) {
        const file = join(dir, `${fw.hostname}.nft`);
        writeFileSync(file, renderDevice(fw).artefacts[0]!.content);
        execFileSync('nft', ['-c', '-f', file], { stdio: 'pipe' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets management in over SSH only from the NOC and the management zone, and NATs site zones to the uplink', () => {
    const fw = firewalls.find((d) => d.hostname === 'trc-findel-fw1')!;
    const text = renderDevice(fw).artefacts[0]!.content;
    const mgmt = fw.kind === 'firewall' ? fw.zones.find((z) => z.name === 'mgmt')!.subnet : '';
    expect(text).toContain(`ip saddr { 10.127.0.0/16, ${mgmt} } tcp dport 22 accept`);
    expect(text).toMatch(/chain input \{\n\t\ttype filter hook input priority filter; policy drop;/);
    expect(text).toMatch(/chain forward \{\n\t\ttype filter hook forward priority filter; policy drop;/);
    expect(text).toMatch(/oifname "wan" ip saddr \{ [0-9./, ]+ \} masquerade/);
    expect(text).not.toMatch(/tcp dport (23|80)\b/);
  });
});
