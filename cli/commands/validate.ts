import type { Command } from 'commander';
import { outputFor, report, withInventory, withJson, type CommonFlags } from '../context.js';

export function register(program: Command): void {
  const cmd = program
    .command('validate')
    .description('check the inventory (schema, references, addresses, capacity, the people files) and report every problem at once')
    .addHelpText(
      'after',
      '\nEach problem is printed as file:line:col: error: message (at yaml.path) [code].\n' +
        'Exit 0 when valid, 1 when any error was found. Nothing is written.\n\n' +
        'Example:\n  outpost validate --inventory inventory\n  outpost validate --json | jq .diagnostics',
    );
  withJson(withInventory(cmd)).action(async (flags: CommonFlags) => {
    const { runPipeline } = await import('../../core/pipeline.js');
    const { peopleFindings, policyRules } = await import('../policy-hook.js');
    const out = outputFor(flags);
    const r = runPipeline({ inventoryDir: flags.inventory, render: false, rules: policyRules(flags.inventory) });
    const diagnostics = [...r.diagnostics, ...(r.inventory ? peopleFindings(flags.inventory, r.inventory) : [])];
    const ok = !diagnostics.some((d) => d.severity === 'error');
    const sites = r.plan?.sites ?? [];
    const devices = sites.reduce((n, s) => n + s.devices.length, 0);
    process.exitCode = report(out, diagnostics, !!flags.json, { sites: sites.length, devices });
    if (ok) out.result(`the inventory in ${flags.inventory.replace(/\/+$/, '')}/ is valid: ${sites.length} sites, ${devices} devices`);
  });
}
