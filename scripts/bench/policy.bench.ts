// Access policy at national scale, measured in-process (the library calls the CLI makes),
// median of several runs after one warm-up: compile the national policy into every site
// firewall and the VPN gateway; compile and render a generated 2,000-rule policy to
// nftables; answer `access check` for the roles of all 11,670 agents.
import { join } from 'node:path';
import { loadInventory, type Inventory, type PortRange } from '../../core/inventory/index.js';
import { generatePeople } from '../../core/people/index.js';
import { planInventory, type FirewallIntent } from '../../core/plan/index.js';
import { compilePolicy, decider, enforcement, loadPolicy, type AccessPolicy, type AccessRule, type Endpoint } from '../../core/policy/index.js';
import { platformCatalogue, renderDevice } from '../../core/render/index.js';
import { runs, type Figure, type Stats } from './figures.js';

const DAY = '2026-11-24';
const AGENTS = 11_670;

/** One warm-up, then the spread of `n` runs. */
async function warm(n: number, f: () => void): Promise<Stats> {
  f();
  return runs(n, f);
}

/** 2,000 rules at one site: zones to many nets and services on many ports, roles into zones. */
export function generated(inv: Inventory, base: AccessPolicy, site: string, count: number): AccessPolicy {
  const zones = ['staff', 'medical', 'voice', 'printers', 'display', 'mgmt'];
  const services = inv.org.services.filter((s) => !s.addresses.some((a) => a.endsWith('/0'))).map((s) => s.name);
  const rules: AccessRule[] = [];
  for (let i = 0; i < count; i++) {
    const from: Endpoint[] = i % 5 === 0 ? [{ kind: 'role', name: base.roles[i % base.roles.length]!.name }] : [{ kind: 'zone', name: zones[i % zones.length]! }, { kind: 'zone', name: zones[(i + 2) % zones.length]! }];
    const to: Endpoint[] =
      i % 5 === 0
        ? [{ kind: 'zone', name: zones[i % zones.length]! }]
        : i % 3 === 0
          ? [{ kind: 'service', name: services[i % services.length]! }]
          : [{ kind: 'net', cidr: `10.${100 + (i % 50)}.${Math.floor(i / 50) % 256}.0/24` }, { kind: 'net', cidr: `172.16.${i % 256}.0/24` }];
    const ports: PortRange[] = [{ proto: i % 4 === 0 ? 'udp' : 'tcp', from: 1000 + i, to: 1000 + i + (i % 7 === 0 ? 100 : 0) }, { proto: 'tcp', from: 443, to: 443 }];
    rules.push({ id: `gen-${i}`, action: i % 9 === 0 ? 'deny' : 'allow', from, to, ports, icmp: i % 11 === 0, at: [site], owner: 'bench', reason: `generated rule ${i}`, source: { file: 'generated', line: i + 1, col: 1 } });
  }
  return { file: 'generated', roles: base.roles, rules, tests: [] };
}

export default async function bench(): Promise<Figure[]> {
  const root = join(import.meta.dirname, '..', '..');
  const inv = loadInventory(join(root, 'inventory'), { platforms: platformCatalogue() });
  if (!inv.ok) throw new Error('the example inventory must load');
  const loaded = loadPolicy(join(root, 'policies', 'access.yaml'), inv.value);
  if (!loaded.ok) throw new Error('the national policy must load');
  const policy = loaded.value;
  const figures: Figure[] = [];

  let rules = 0;
  const national = await warm(10, () => {
    const enf = enforcement(inv.value, policy, DAY);
    rules = enf.gateway.rules.length + enf.sites.flatMap((s) => s.devices).reduce((n, d) => n + (d.kind === 'firewall' ? (d as FirewallIntent).rules.length : 0), 0);
  });
  figures.push({ name: 'compile the national access policy for all 13 sites + VPN gateway', stats: national, unit: 'ms', target: { max: 200, text: '< 200 ms' }, detail: `${rules} compiled rules` });

  const site = 'vac-esch';
  const big = generated(inv.value, policy, site, 2000);
  let lines = 0;
  let sets = 0;
  const gen = await warm(5, () => {
    const plan = planInventory(inv.value, { rules: compilePolicy(inv.value, big, DAY).compiler });
    const fw = plan.sites.find((s) => s.code === site)!.devices.find((d): d is FirewallIntent => d.kind === 'firewall')!;
    const out = renderDevice({ ...fw, platform: 'nftables' });
    if (!out.artefacts.length) throw new Error('nftables rendered nothing');
    lines = out.artefacts[0]!.content.split('\n').length;
    sets = fw.sets.length;
  });
  figures.push({ name: 'generated 2,000-rule policy: compile + plan + render nftables', stats: gen, unit: 'ms', target: { max: 150, text: '< 150 ms' }, detail: `${lines} nft lines, ${sets} sets` });

  const enf = enforcement(inv.value, policy, DAY);
  const people = generatePeople({ count: AGENTS, sites: inv.value.sites.map((s) => ({ code: s.code, kind: s.kind })), roles: policy.roles.map((r) => r.name), domain: 'example.lu' });
  const services = inv.value.org.services.map((s) => s.name);
  const defaultPort = (name: string) => inv.value.org.services.find((s) => s.name === name)!.ports[0]!;
  let checks = 0;
  let allowed = 0;
  const agents = await warm(5, () => {
    // What `access check` runs per question, with the compiled sets indexed once for the batch.
    const check = decider(enf);
    checks = 0;
    allowed = 0;
    people.forEach((p, i) => {
      for (const role of p.roles) {
        const a = check({ kind: 'role', name: role }, { kind: 'service', name: services[i % services.length]! }, defaultPort(services[i % services.length]!));
        checks++;
        if (a.allowed) allowed++;
      }
    });
  });
  figures.push({ name: `access check for the roles of all ${AGENTS.toLocaleString('en')} agents`, stats: agents, unit: 'ms', target: { max: 100, text: '< 100 ms' }, detail: `${checks} checks, ${allowed} allowed` });
  return figures;
}
