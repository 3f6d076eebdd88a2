import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import type { DriftResult } from '../../core/deliver/index.js';
import { exitFor, outputFor, withInventory, withJson } from '../context.js';
import { ENVIRONMENT_CODES, positive, prepareFrom, withDeliveryFlags, type DeliveryFlags } from './push.js';

export function register(program: Command): void {
  const cmd = program
    .command('drift')
    .description('compare what each device runs with what outpost would push: in sync, drifted (with the diff) or unreachable')
    .option('-s, --site <code>', 'only this site (default: every site)')
    .option('--state-dir <dir>', 'where push keeps history/ (the reference for CLI platforms)', '.outpost');
  withDeliveryFlags(cmd).addHelpText(
    'after',
    '\nRead-only: fetches running configs over SSH (host keys pinned as for push) and diffs them against the\n' +
      'intended ones (- intended, + running). Exit 1 when a device drifted or could not be read.\n\n' +
      'Examples:\n  outpost drift --site vac-esch\n  outpost drift --json | jq \'.results[] | select(.state != "in-sync")\'',
  );
  withJson(withInventory(cmd)).action(async (flags: DeliveryFlags & { stateDir: string }) => {
    const { prepareSite, driftOf } = await import('../../core/deliver/index.js');
    const { loadInventory } = await import('../../core/inventory/index.js');
    const { platformCatalogue } = await import('../../core/render/index.js');
    const { policyRules } = await import('../policy-hook.js');
    const out = outputFor(flags);
    let sites = flags.site ? [flags.site] : [];
    if (!sites.length) {
      const inv = loadInventory(flags.inventory, { platforms: platformCatalogue() });
      if (!inv.ok) {
        out.diagnostics(inv.diagnostics);
        process.exitCode = EXIT.FINDINGS;
        return;
      }
      sites = inv.value.sites.map((s) => s.code);
    }
    const results: DriftResult[] = [];
    for (const site of sites) {
      const prepared = prepareSite({ ...prepareFrom(flags, site), rules: policyRules(flags.inventory) });
      if (!prepared.ok) {
        if (flags.json) out.json({ ok: false, diagnostics: prepared.diagnostics });
        else out.diagnostics(prepared.diagnostics);
        process.exitCode = prepared.diagnostics.some((d) => d.severity === 'error' && ENVIRONMENT_CODES.has(d.code)) ? EXIT.USAGE : exitFor(prepared.diagnostics);
        return;
      }
      out.info(`${site}: reading ${prepared.work.length} device(s)`);
      results.push(...(await driftOf(prepared.work, { ssh: prepared.ssh, secrets: prepared.secrets, stateDir: flags.stateDir, concurrency: positive('concurrency', flags.concurrency) })));
    }
    const bad = results.filter((r) => r.state !== 'in-sync');
    if (flags.json) out.json({ ok: !bad.length, results });
    else {
      for (const r of results) if (r.diff) out.result(r.diff.trimEnd());
      const w = Math.max(6, ...results.map((r) => r.device.length));
      out.result(`${'DEVICE'.padEnd(w)}  ${'STATE'.padEnd(11)}  DETAIL`);
      for (const r of results) out.result(`${r.device.padEnd(w)}  ${r.state.padEnd(11)}  ${r.detail.split('\n')[0]}`);
      const n = (s: string) => results.filter((r) => r.state === s).length;
      out.result(`\n${results.length} device(s): ${n('in-sync')} in sync, ${n('drifted')} drifted, ${n('unreachable')} unreachable`);
    }
    process.exitCode = bad.length ? EXIT.FINDINGS : EXIT.OK;
  });
}
