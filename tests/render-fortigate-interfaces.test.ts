// A FortiGate only applies a policy to traffic between the interfaces it names. For every
// firewall of the 13 sites rendered as FortiGate (the national policy plus rules between
// site and partner networks), each policy's srcintf and dstintf are the interfaces the
// intent's traffic really uses: a zone's VLAN where a side's addresses sit in that zone,
// the WAN for what lies beyond the site, never the WAN both in and out. The VPN gateway
// takes its agents in on the tunnel. FortiGate itself cannot run here, so the check reads
// the rendered configuration against the intent.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory, net } from '../core/inventory/index.js';
import { planInventory, type FirewallIntent, type RuleMatch } from '../core/plan/index.js';
import { compileGateway, enforcement, loadPolicy } from '../core/policy/index.js';
import { renderDevice } from '../core/render/index.js';
import { vlanIf } from '../templates/firewall/fortigate/target.js';
import { exampleInventory, repoRoot } from './support/inventory.js';

const DAY = '2026-11-24';
const inv = (() => {
  const r = loadInventory(exampleInventory);
  if (!r.ok) throw new Error('example inventory must load');
  return r.value;
})();

const plain = planInventory(inv);
const subnet = (site: string, zone: string) => plain.sites.find((s) => s.code === site)!.zones.find((z) => z.name === zone)!.subnet;
const extra = [
  ['case-share', `net:${subnet('vac-esch', 'staff')}`, `net:${subnet('trc-findel', 'staff')}`, '8443/tcp'],
  ['vendor-support', 'net:198.51.100.0/24', 'zone:mgmt', '22/tcp'],
  ['printer-feed', `net:${subnet('cc-lux', 'printers')}`, 'service:updates', '443/tcp'],
]
  .map(([id, from, to, port]) => `  - id: ${id}\n    action: allow\n    from: [${from}]\n    to: [${to}]\n    ports: [${port}]\n    owner: network team\n    reason: Interface test\n`)
  .join('');
const dir = mkdtempSync(join(tmpdir(), 'opp-fgt-'));
const file = join(dir, 'access.yaml');
writeFileSync(file, readFileSync(join(repoRoot, 'policies', 'access.yaml'), 'utf8').replace(/^rules:\n/m, `rules:\n${extra}`));
const loaded = loadPolicy(file, inv);
rmSync(dir, { recursive: true, force: true });
if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
const policy = loaded.value;
const enf = enforcement(inv, policy, DAY);

interface Parsed {
  readonly name: string;
  readonly srcintf: string[];
  readonly dstintf: string[];
}

function policiesOf(text: string): Parsed[] {
  const start = text.indexOf('\nconfig firewall policy\n');
  const body = text.slice(start, text.indexOf('\nend\n', start));
  return body
    .split(/\n {4}edit \d+\n/)
    .slice(1)
    .map((block) => {
      const get = (k: string) => [...(new RegExp(`^ {8}set ${k} (.*)$`, 'm').exec(block)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
      return { name: get('name')[0]!, srcintf: get('srcintf'), dstintf: get('dstintf') };
    });
}

/** Interfaces a side's addresses use, read off zone subnets and set addresses alone. */
function expected(fw: FirewallIntent, m: RuleMatch): { inside: string[]; wan: boolean } {
  if (m.any) return { inside: fw.zones.map((z) => vlanIf(z.vlan)), wan: true };
  if (m.zones.length) return { inside: fw.zones.filter((z) => m.zones.includes(z.name)).map((z) => vlanIf(z.vlan)), wan: false };
  const addrs = m.sets.flatMap((s) => fw.sets.find((x) => x.name === s)!.addresses).map((a) => net.parseCidr(a.includes('/') ? a : `${a}/32`));
  const inside = fw.zones.filter((z) => addrs.some((a) => net.overlaps(a, net.parseCidr(z.subnet))));
  // Beyond the site: an address the site's zones do not wholly hold (CIDR blocks nest, so
  // an overlap is the smaller block).
  const beyond = addrs.some((a) => {
    const held = fw.zones.map((z) => net.parseCidr(z.subnet)).filter((z) => net.overlaps(a, z));
    return held.reduce((n, z) => n + net.size(Math.max(z.prefix, a.prefix)), 0) < net.size(a.prefix);
  });
  return { inside: inside.map((z) => vlanIf(z.vlan)), wan: beyond };
}

describe('FortiGate interfaces', () => {
  const firewalls = enf.sites.map((s) => s.devices.find((d): d is FirewallIntent => d.kind === 'firewall')!);

  it('names, for every policy of the 13 sites, the interfaces the intent says its traffic comes in and goes out on', () => {
    expect(firewalls).toHaveLength(13);
    let checked = 0;
    for (const fw of firewalls) {
      const wan = 'wan1';
      const parsed = policiesOf(renderDevice({ ...fw, platform: 'fortigate' }).artefacts[0]!.content);
      const byRule = new Map(fw.rules.map((r) => [r.id, r]));
      const seen = new Set<string>();
      for (const p of parsed) {
        const toWan = p.name.endsWith('-wan');
        const rule = byRule.get(toWan ? p.name.slice(0, -4) : p.name)!;
        expect(rule, `${fw.hostname} ${p.name}`).toBeDefined();
        seen.add(rule.id);
        const src = expected(fw, rule.from);
        const dst = expected(fw, rule.to);
        const want = toWan
          ? { srcintf: src.inside, dstintf: [wan] }
          : { srcintf: [...src.inside, ...(src.wan ? [wan] : [])], dstintf: dst.inside };
        expect({ policy: `${fw.hostname} ${p.name}`, srcintf: p.srcintf, dstintf: p.dstintf }).toEqual({ policy: `${fw.hostname} ${p.name}`, ...want });
        // Never in and out on the WAN: such traffic does not cross a site.
        expect(p.srcintf.includes(wan) && p.dstintf.includes(wan), `${fw.hostname} ${p.name}`).toBe(false);
        checked++;
      }
      // Every compiled rule has a policy unless it only ever goes WAN to WAN.
      for (const r of fw.rules) {
        const src = expected(fw, r.from);
        const dst = expected(fw, r.to);
        const somewhere = (dst.inside.length > 0 && (src.inside.length > 0 || src.wan)) || (dst.wan && src.inside.length > 0);
        expect([fw.hostname, r.id, seen.has(r.id)]).toEqual([fw.hostname, r.id, somewhere]);
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('sends a deny towards 10.0.0.0/8 out on the site zones it covers, not only on the WAN', () => {
    const fw = firewalls.find((f) => f.hostname === 'vac-esch-fw1')!;
    const parsed = policiesOf(renderDevice({ ...fw, platform: 'fortigate' }).artefacts[0]!.content);
    const guard = parsed.find((p) => p.name === 'guest-no-internal.1')!;
    const staff = fw.zones.find((z) => z.name === 'staff')!;
    expect(guard.srcintf).toEqual([vlanIf(fw.zones.find((z) => z.name === 'guest')!.vlan)]);
    expect(guard.dstintf).toContain(vlanIf(staff.vlan));
    // A net-to-net rule enters on the source zone's VLAN and leaves on the WAN.
    const share = parsed.find((p) => p.name === 'case-share-wan')!;
    expect([share.srcintf, share.dstintf]).toEqual([[vlanIf(staff.vlan)], ['wan1']]);
  });

  it('takes the VPN gateway\'s agents in on the tunnel and out on the WAN', () => {
    const fw = firewalls.find((f) => f.hostname === 'cc-lux-fw1')!;
    const gw = compileGateway(inv, policy, enf.sites, DAY, enf.pools);
    const gateway: FirewallIntent = { ...fw, hostname: 'vpn-gw1', zones: [], masquerade: [], sets: gw.sets, rules: gw.rules, tunnel: { iface: 'ssl.root', pools: [inv.org.addressPlan.vpn] } };
    const parsed = policiesOf(renderDevice(gateway).artefacts[0]!.content);
    expect(parsed.length).toBe(gw.rules.length);
    for (const p of parsed) expect([p.name, p.srcintf, p.dstintf]).toEqual([p.name, ['ssl.root'], ['wan1']]);
  });
});
