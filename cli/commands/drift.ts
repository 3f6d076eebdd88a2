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
    .option('--state-dir <dir>', 'where push keeps history/ (the reference for CLI platforms)', '.outpost')
    .option('--remediate', 'also print, per drifted device, the ordered commands that bring it back to the rendered config');
  withDeliveryFlags(cmd).addHelpText(
    'after',
    '\nRead-only: fetches running configs over SSH (host keys pinned as for push) and diffs them against the\n' +
      'intended ones (- intended, + running). Exit 1 when a device drifted or could not be read.\n\n' +
      'With --remediate, each drifted device gets the commands to type (IOS/AOS-CX: interface and global commands\n' +
      'with their `no` forms; FortiGate: config blocks; nftables: the whole-ruleset swap); --json carries them\n' +
      'as results[].remediation. Secrets stay placeholders; push fills them, remediation never prints them.\n\n' +
      'Examples:\n  outpost drift --site vac-esch\n  outpost drift --site vac-esch --remediate\n  outpost drift --json | jq \'.results[] | select(.state != "in-sync")\'',
  );
  withJson(withInventory(cmd)).action(async (flags: DeliveryFlags & { stateDir: string; remediate?: boolean }) => {
    const { prepareSite, driftOf } = await import('../../core/deliver/index.js');
    const { loadInventory } = await import('../../core/inventory/index.js');
    const { platformCatalogue, remediationFor } = await import('../../core/render/index.js');
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
    const results: (DriftResult & { remediation?: readonly string[] })[] = [];
    for (const site of sites) {
      const prepared = prepareSite({ ...prepareFrom(flags, site), rules: policyRules(flags.inventory) });
      if (!prepared.ok) {
        if (flags.json) out.json({ ok: false, diagnostics: prepared.diagnostics });
        else out.diagnostics(prepared.diagnostics);
        process.exitCode = prepared.diagnostics.some((d) => d.severity === 'error' && ENVIRONMENT_CODES.has(d.code)) ? EXIT.USAGE : exitFor(prepared.diagnostics);
        return;
      }
      out.info(`${site}: reading ${prepared.work.length} device(s)`);
      const drift = await driftOf(prepared.work, { ssh: prepared.ssh, secrets: prepared.secrets, stateDir: flags.stateDir, concurrency: positive('concurrency', flags.concurrency) });
      const rendered = new Map(prepared.work.map((w) => [w.target.hostname, w.intended.map((f) => f.content).join('\n')]));
      const fix = (r: DriftResult) => {
        const remediate = flags.remediate && r.state === 'drifted' && r.running ? remediationFor(r.platform) : undefined;
        return remediate ? { ...r, remediation: remediate(r.running!.map((f) => f.content).join('\n'), rendered.get(r.device) ?? '') } : r;
      };
      results.push(...drift.map(fix));
    }
    const bad = results.filter((r) => r.state !== 'in-sync');
    if (flags.json) out.json({ ok: !bad.length, results });
    else {
      for (const r of results) if (r.diff) out.result(r.diff.trimEnd());
      for (const r of results.filter((x) => flags.remediate && x.state === 'drifted')) {
        out.result(r.remediation ? `# ${r.device}: ${r.remediation.length} command(s) back to the rendered config\n${r.remediation.join('\n')}` : `# ${r.device}: no remediation for platform ${r.platform}; outpost push replaces its files`);
      }
      const w = Math.max(6, ...results.map((r) => r.device.length));
      out.result(`${'DEVICE'.padEnd(w)}  ${'STATE'.padEnd(11)}  DETAIL`);
      for (const r of results) out.result(`${r.device.padEnd(w)}  ${r.state.padEnd(11)}  ${r.detail.split('\n')[0]}`);
      const n = (s: string) => results.filter((r) => r.state === s).length;
      out.result(`\n${results.length} device(s): ${n('in-sync')} in sync, ${n('drifted')} drifted, ${n('unreachable')} unreachable`);
    }
    process.exitCode = bad.length ? EXIT.FINDINGS : EXIT.OK;
  });
}
