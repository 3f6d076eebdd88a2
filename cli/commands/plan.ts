import type { Command } from 'commander';
import { outputFor, report, withInventory, withJson, type CommonFlags } from '../context.js';

interface PlanFlags extends CommonFlags {
  readonly site?: string;
  readonly write?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('plan')
    .description('show the address plan (site blocks, zone subnets, gateways, DHCP ranges, management addresses) and what is new')
    .option('-s, --site <code>', 'only this site')
    .option('-w, --write', 'record the allocations in <inventory>/allocations.yaml so later plans never renumber them')
    .addHelpText(
      'after',
      '\nAllocations are stable: what allocations.yaml records is kept as long as it still fits; only\n' +
        'new zones, new devices and zones that outgrew their subnet get fresh space. Commit the file.\n\n' +
        'Examples:\n  outpost plan --site trc-findel\n  outpost plan --write',
    );
  withJson(withInventory(cmd)).action(async (flags: PlanFlags) => {
    const { runPipeline } = await import('../../core/pipeline.js');
    const { writeAllocations } = await import('../allocations.js');
    const out = outputFor(flags);
    const r = runPipeline({ inventoryDir: flags.inventory, render: false, ...(flags.site ? { sites: [flags.site] } : {}) });
    if (!r.plan || !r.ok) {
      process.exitCode = report(out, r.diagnostics, !!flags.json);
      return;
    }
    const plan = r.plan;
    for (const s of plan.sites) {
      out.result(`${s.code}  ${s.block}  ${s.name}`);
      for (const z of s.zones) {
        const dhcp = z.dhcp ? `dhcp ${z.dhcp.start}-${z.dhcp.end}` : 'static';
        out.result(`  vlan ${String(z.vlan).padEnd(4)} ${z.name.padEnd(10)} ${z.subnet.padEnd(18)} gw ${z.gateway.padEnd(15)} ${dhcp}`);
      }
      for (const d of s.devices) out.result(`  mgmt ${d.mgmt.address.padEnd(15)} ${d.hostname} (${d.role}, ${d.platform})`);
    }
    const changes = plan.changes.filter((c) => !flags.site || c.site === flags.site);
    for (const c of changes) out.info(`${c.reason}: ${c.site} ${c.what} ${c.name} ${c.previous ? `${c.previous} -> ` : ''}${c.value}`);
    if (flags.write) {
      const file = writeAllocations(flags.inventory, plan.allocations);
      out.info(`recorded allocations in ${file}`);
    } else if (changes.length) {
      out.info(`${changes.length} allocation(s) not yet recorded: run outpost plan --write and commit allocations.yaml`);
    }
    process.exitCode = report(out, r.diagnostics, !!flags.json, { sites: plan.sites.map(({ site, devices, ...s }) => ({ ...s, devices: devices.map((d) => ({ hostname: d.hostname, mgmt: d.mgmt.address })) })), changes });
  });
}
