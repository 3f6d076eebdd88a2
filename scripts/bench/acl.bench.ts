// Access policy at ACL scale (the shape in acl-shape.ts: 2,000 source networks, each to
// its own /32 on its own TCP port, then a final deny), medians of several runs:
// - in-process: compile the loaded policy, plan, render the site firewall to nftables
//   and to FortiGate;
// - a fresh `outpost render --site` process per firewall platform, wall time and peak RSS;
// - carving 2,000 role pools (was quadratic in the number of roles).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../core/inventory/index.js';
import { planInventory, type FirewallIntent } from '../../core/plan/index.js';
import { compilePolicy, loadPolicy, rolePools, type AccessPolicy } from '../../core/policy/index.js';
import { platformCatalogue, renderDevice } from '../../core/render/index.js';
import { aclPolicyText } from './acl-shape.js';
import { freshRuns, summary, type Figure, type Stats } from './figures.js';

const DAY = '2026-11-24';
const RULES = 2000;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Median wall time of `runs` runs after a warm-up, and the median CPU time (steadier on a shared machine). */
function median(runs: number, f: () => void): { wall: Stats; cpu: number } {
  f();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    f();
    times.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  return { wall: summary(times), cpu: summary(cpu).median };
}


export default async function bench(): Promise<Figure[]> {
  const root = join(import.meta.dirname, '..', '..');
  const inv = loadInventory(join(root, 'inventory'), { platforms: platformCatalogue() });
  if (!inv.ok) throw new Error('the example inventory must load');
  const rolesText = readFileSync(join(root, 'policies', 'access.yaml'), 'utf8').match(/^roles:\n(?: {2}.*\n)+/m)![0];
  const plan0 = planInventory(inv.value);
  const figures: Figure[] = [];
  const work = mkdtempSync(join(tmpdir(), 'outpost-acl-bench-'));
  try {
    for (const [site, platform] of [['vac-esch', 'nftables'], ['cc-lux', 'fortigate']] as const) {
      const block = plan0.sites.find((s) => s.code === site)!.block;
      const text = aclPolicyText({ rules: RULES, block, roles: rolesText });
      const dir = join(work, site);
      mkdirSync(join(dir, 'policies'), { recursive: true });
      symlinkSync(join(root, 'inventory'), join(dir, 'inventory'));
      writeFileSync(join(dir, 'policies', 'access.yaml'), text);
      const loaded = loadPolicy(join(dir, 'policies', 'access.yaml'), inv.value);
      if (!loaded.ok) throw new Error(`generated policy must load: ${loaded.diagnostics[0]?.message}`);
      const policy: AccessPolicy = loaded.value;

      if (platform === 'nftables') {
        let detail = '';
        const t = median(7, () => {
          const compiled = compilePolicy(inv.value, policy, DAY);
          if (compiled.diagnostics.length) throw new Error(compiled.diagnostics[0]!.message);
          const plan = planInventory(inv.value, { rules: compiled.compiler });
          const fw = plan.sites.find((s) => s.code === site)!.devices.find((d): d is FirewallIntent => d.kind === 'firewall')!;
          const nft = renderDevice({ ...fw, platform: 'nftables' }).artefacts[0]!.content;
          const fgt = renderDevice({ ...fw, platform: 'fortigate' }).artefacts[0]!.content;
          detail = `${fw.rules.length} compiled rules, ${fw.sets.length} sets; ${nft.split('\n').length} nft lines, ${fgt.split('\n').length} FortiGate lines`;
        });
        figures.push({ name: `ACL shape, ${RULES} rules: compile + plan + render nftables and FortiGate (in-process)`, stats: t.wall, unit: 'ms', target: { max: 120, text: '<= 120 ms' }, detail: `${detail}; CPU time median ${t.cpu.toFixed(0)} ms` });
      }

      const runs = freshRuns([join(root, 'dist', 'outpost.js'), 'render', '--site', site, '--inventory', join(dir, 'inventory'), '--out', join(dir, 'out')], 5);
      figures.push({ name: `ACL shape, ${RULES} rules: fresh \`outpost render --site ${site}\` (${platform})`, stats: summary(runs.wall), unit: 'ms', target: { max: 500, text: '<= 500 ms' }, detail: `CPU time (user + system) median ${summary(runs.cpuMs).median.toFixed(0)} ms` });
      figures.push({ name: `ACL shape, ${RULES} rules: peak memory of that process`, stats: summary(runs.rssMB), unit: 'MB', target: { max: 150, text: '< 150 MB' } });
    }
    const roles = Array.from({ length: 2000 }, (_, i) => ({ name: `role-${i}`, description: 'bench', pool: 26 + (i % 3), source: { file: 'bench', line: i + 1, col: 1 } }));
    const many: AccessPolicy = { file: 'bench', roles, rules: [], tests: [] };
    let carved = 0;
    const pools = median(7, () => {
      carved = rolePools(inv.value, many).size;
    });
    figures.push({ name: 'carve 2,000 role pools from the VPN range', stats: pools.wall, unit: 'ms', target: { max: 20, text: '< 20 ms' }, detail: `${carved} pools` });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
