// The commercial configs outpost renders, read by parsers outpost did not write: Cisco IOS
// by ciscoconfparse2, AOS-CX and FortiOS by the netutils config parsers (Network to Code).
// For every IOS, AOS-CX and FortiGate device of the 13 example sites, what the oracle
// finds (VLANs, port modes, access VLANs, allowed VLANs, 802.1X, shutdown state, the
// management ACL, firewall policies in order with their addresses, management settings)
// must be what the plan says: zero differences. The oracles are mocks of nothing: they are
// the real third-party parsers, installed by scripts/setup-oracles.sh into the user's cache.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FirewallIntent, RuleMatch, SwitchIntent, SwitchPort } from '../core/plan/index.js';
import { planInventory } from '../core/plan/index.js';
import { compilePolicy, today } from '../core/policy/index.js';
import { renderSites } from '../core/render/index.js';
import { repoRoot } from './support/inventory.js';
import { loadExample } from './support/example.js';

const { inv, policy } = loadExample();
const plan = planInventory(inv, { rules: compilePolicy(inv, policy, today()).compiler });
const rendered = renderSites(plan.sites).artefacts;
const COMMERCIAL = ['cisco-ios', 'aruba-aoscx', 'fortigate'];
const devices = plan.sites.flatMap((s) => s.devices).filter((d) => COMMERCIAL.includes(d.platform));

interface OraclePort { mode: string; vlan: number; tagged: number[]; auth: string; shutdown: boolean }
interface OracleSwitch { vlans: number[]; ports: Record<string, OraclePort>; acl: string[]; accessClass: string[]; telnet: boolean; ssh: boolean; http: boolean; snmpCommunities: number; ntp: string[]; syslog: string[] }
interface OracleFirewall {
  policies: { id: string; srcaddr: string[]; dstaddr: string[]; action: string; service: string[]; comments: string }[];
  addresses: Record<string, string[]>;
  groups: Record<string, string[]>;
  allowaccess: Record<string, string[]>;
  trusthosts: string[];
  telnet: boolean;
  ntp: string[];
  syslog: string[];
}

let facts: Record<string, OracleSwitch & OracleFirewall>;

beforeAll(() => {
  const setup = spawnSync(join(repoRoot, 'scripts', 'setup-oracles.sh'), { encoding: 'utf8', timeout: 600_000 });
  if (setup.status !== 0) throw new Error(`scripts/setup-oracles.sh failed: ${setup.stderr}`);
  const python = setup.stdout.trim();
  const input = devices.map((d) => ({ hostname: d.hostname, platform: d.platform, text: rendered.filter((a) => a.device === d.hostname).map((a) => a.content).join('\n') }));
  const run = spawnSync(python, [join(repoRoot, 'tests', 'oracles', 'parse.py')], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
  if (run.status !== 0) throw new Error(`the oracle parser failed: ${run.stderr}`);
  facts = JSON.parse(run.stdout);
}, 900_000);

const bits = (mask: string) => mask.split('.').reduce((n, o) => n + [...Number(o).toString(2)].filter((b) => b === '1').length, 0);
/** `10.0.0.0 0.0.255.255` (wildcard), `10.0.0.0/255.255.0.0`, `host a` -> CIDR. */
function cidrOf(addr: string, mask?: string, wildcard = false): string {
  if (addr === 'host') return `${mask}/32`;
  if (addr.includes('/')) {
    const [a, m] = addr.split('/');
    return /^\d+$/.test(m!) ? addr : `${a}/${bits(m!)}`;
  }
  if (!mask) return `${addr}/32`;
  return `${addr}/${wildcard ? 32 - bits(mask) : bits(mask)}`;
}

function expectedPort(sw: SwitchIntent, p: SwitchPort) {
  // The allowed list of a trunk carries its native VLAN too, unless that is the parking VLAN.
  const tagged = p.mode === 'trunk' ? [...new Set([...p.tagged, ...(p.vlan !== sw.parkingVlan ? [p.vlan] : [])])].sort((a, b) => a - b) : [];
  return { mode: p.mode === 'trunk' ? 'trunk' : 'access', vlan: p.vlan, tagged, auth: p.mode === 'trunk' ? 'none' : p.auth, shutdown: p.shutdown };
}

function switchDifferences(sw: SwitchIntent, o: OracleSwitch, portName: (p: SwitchPort) => string, aclFrom: (line: string) => string | undefined): string[] {
  const diff: string[] = [];
  const want = (what: string, a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b) && diff.push(`${sw.hostname} ${what}: plan ${JSON.stringify(a)}, oracle ${JSON.stringify(b)}`);
  want('VLANs', sw.vlans.map((v) => v.id).sort((a, b) => a - b), o.vlans);
  for (const p of sw.ports) {
    const got = o.ports[portName(p)];
    want(`port ${p.index} (${portName(p)})`, expectedPort(sw, p), got && { ...got, tagged: [...got.tagged].sort((a, b) => a - b) });
  }
  want('ports', sw.ports.length, Object.keys(o.ports).length);
  want('management ACL sources', [...sw.managementFrom].sort(), o.acl.map(aclFrom).filter((x): x is string => !!x).sort());
  want('management ACL applied', true, o.accessClass.length > 0);
  want('services', { ssh: true, telnet: false, http: false, snmpCommunities: 0 }, { ssh: o.ssh, telnet: o.telnet, http: o.http, snmpCommunities: o.snmpCommunities });
  want('NTP', sw.ntp, o.ntp);
  want('syslog', sw.syslog.map((s) => s.address), o.syslog);
  return diff;
}

function firewallDifferences(fw: FirewallIntent, o: OracleFirewall): string[] {
  const diff: string[] = [];
  const want = (what: string, a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b) && diff.push(`${fw.hostname} ${what}: plan ${JSON.stringify(a)}, oracle ${JSON.stringify(b)}`);
  // Policies in order: one or two per rule (towards the site, towards the WAN), each naming its rule.
  const ids = o.policies.map((p) => p.comments.match(/^outpost rule (\S+?):/)?.[1] ?? `unnamed policy ${p.id}`);
  want('rules in order', fw.rules.map((r) => r.id), ids.filter((id, i) => id !== ids[i - 1]));
  const addressesOf = (name: string): string[] => (o.groups[name] ?? [name]).flatMap((m) => (o.addresses[m] ? [cidrOf(o.addresses[m]![0]!, o.addresses[m]![1])] : [`unknown ${m}`]));
  const sideWanted = (m: RuleMatch) => (m.any ? ['all'] : [...m.zones.map((z) => `net-${z}`), ...m.sets].sort());
  const setAddresses = new Map(fw.sets.map((s) => [s.name, [...s.addresses].sort()]));
  o.policies.forEach((p, i) => {
    const rule = fw.rules.find((r) => r.id === ids[i]);
    if (!rule) return;
    want(`policy ${p.id} action`, rule.action === 'accept' ? 'accept' : 'deny', p.action);
    want(`policy ${p.id} sources`, sideWanted(rule.from), [...p.srcaddr].sort());
    want(`policy ${p.id} destinations`, sideWanted(rule.to), [...p.dstaddr].sort());
    want(`policy ${p.id} service`, !rule.services.length, p.service.includes('ALL'));
    for (const s of [...rule.from.sets, ...rule.to.sets]) want(`policy ${p.id} set ${s}`, setAddresses.get(s), addressesOf(s).sort());
    for (const z of [...rule.from.zones, ...rule.to.zones]) want(`policy ${p.id} zone ${z}`, [fw.zones.find((x) => x.name === z)?.subnet], addressesOf(`net-${z}`));
  });
  const mgmtIf = `vlan${fw.mgmt.vlan}`;
  const cleartext = Object.entries(o.allowaccess).filter(([, a]) => a.some((x) => ['telnet', 'http', 'https'].includes(x))).map(([k]) => k);
  want('SSH on the management VLAN', true, (o.allowaccess[mgmtIf] ?? []).includes('ssh'));
  want('cleartext management', [], cleartext);
  want('telnet', false, o.telnet);
  want('trusted hosts', [...fw.managementFrom].sort(), o.trusthosts.map((t) => cidrOf(...(t.split(' ') as [string, string]))).sort());
  want('NTP', fw.ntp, o.ntp);
  want('syslog', fw.syslog.slice(0, 4).map((s) => s.address), o.syslog);
  return diff;
}

const iosName = (sw: SwitchIntent) => (p: SwitchPort) => (p.uplinkPort ? `TenGigabitEthernet1/1/${p.index - sw.frontPorts}` : `GigabitEthernet1/0/${p.index}`);
const iosAcl = (l: string) => {
  const w = l.replace(/^\d+ /, '').split(/\s+/);
  return w[0] === 'permit' ? cidrOf(w[1]!, w[2], true) : undefined;
};
const cxAcl = (sw: SwitchIntent) => (l: string) => {
  const m = l.match(new RegExp(`^\\d+ permit tcp (\\S+) any eq ${sw.ssh.port}$`));
  return m ? cidrOf(m[1]!) : undefined;
};

describe('independent parsers read every commercial config of the 13 sites as the plan says', () => {
  it('there are IOS, AOS-CX and FortiGate devices to read', () => {
    expect(new Set(devices.map((d) => d.platform))).toEqual(new Set(COMMERCIAL));
  });

  it.each(COMMERCIAL)('%s: the oracle finds zero differences from the plan on every device', (platform) => {
    const diff = devices
      .filter((d) => d.platform === platform)
      .flatMap((d) => {
        const o = facts[d.hostname];
        if (!o) return [`${d.hostname}: the oracle returned nothing`];
        if (d.kind === 'switch') return switchDifferences(d, o, platform === 'cisco-ios' ? iosName(d) : (p) => `1/1/${p.index}`, platform === 'cisco-ios' ? iosAcl : cxAcl(d));
        if (d.kind === 'firewall') return firewallDifferences(d, o);
        return [];
      });
    expect(diff).toEqual([]);
  });

  it('the oracle is not blind: a port opened and 802.1X dropped by hand are differences it finds', () => {
    const sw = devices.find((d): d is SwitchIntent => d.kind === 'switch' && d.platform === 'cisco-ios' && d.ports.some((p) => p.mode === 'parked') && d.ports.some((p) => p.auth === 'dot1x'))!;
    const text = rendered.filter((a) => a.device === sw.hostname).map((a) => a.content).join('\n');
    const parked = sw.ports.find((p) => p.mode === 'parked')!;
    const edited = text.replace(new RegExp(`(interface ${iosName(sw)(parked)}\\n(?: .*\\n)*?) shutdown\\n`), '$1 no shutdown\n').replace(/^ dot1x pae authenticator\n/m, '');
    const setup = spawnSync(join(repoRoot, 'scripts', 'setup-oracles.sh'), { encoding: 'utf8' });
    const run = spawnSync(setup.stdout.trim(), [join(repoRoot, 'tests', 'oracles', 'parse.py')], { input: JSON.stringify([{ hostname: sw.hostname, platform: 'cisco-ios', text: edited }]), encoding: 'utf8' });
    const diff = switchDifferences(sw, JSON.parse(run.stdout)[sw.hostname], iosName(sw), iosAcl);
    expect(diff).toHaveLength(2);
    expect(diff.join('\n')).toContain(`port ${parked.index} (${iosName(sw)(parked)})`);
  });
});
