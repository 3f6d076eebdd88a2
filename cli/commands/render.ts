import type { Command } from 'commander';
import { outputFor, report, withInventory, withJson, type CommonFlags } from '../context.js';

interface RenderFlags extends CommonFlags {
  readonly site?: string;
  readonly out: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('render')
    .description('render every device config of every site (or one site) into files, with a sha256 manifest')
    .option('-s, --site <code>', 'only this site (e.g. vac-esch)')
    .option('-o, --out <dir>', 'output folder', 'out')
    .addHelpText(
      'after',
      '\nWrites <out>/<site>/<device>.<ext> and <out>/manifest.json (sha256, site, device, platform of each file).\n' +
        'Output is byte-identical across runs. Nothing is written when the inventory has an error.\n' +
        'Each render is a complete folder beside <out> (<out>.gen-*), and <out> is a link switched to it\n' +
        'in one step, so readers see the old render or the new one, never half of one. outpost refuses an\n' +
        '--out folder holding files it did not write (or the inventory, the policies, the working folder).\n' +
        'Secrets (RADIUS, SNMPv3) appear as %%OUTPOST_SECRET(name)%% and are filled in on push.\n\n' +
        'Examples:\n  outpost render\n  outpost render --site vac-esch --out /tmp/vac-esch --json',
    );
  withJson(withInventory(cmd)).action(async (flags: RenderFlags) => {
    const { runPipeline } = await import('../../core/pipeline.js');
    // A render limited to one site never renders the central servers: it leaves their
    // modules (directory client, kit, RADIUS, PBX) unloaded.
    const rules = flags.site ? (await import('../policy-rules.js')).policyRulesWith(flags.inventory) : (await import('../policy-hook.js')).policyRules(flags.inventory);
    const { checkOutput, writeArtefacts } = await import('../artefacts.js');
    const { policyFileFor } = await import('../../core/policy/index.js');
    const { dirname } = await import('node:path');
    const protect = [flags.inventory, dirname(policyFileFor(flags.inventory))];
    // A wrong --out is refused before any work, as it will be after.
    checkOutput(flags.out, protect);
    const out = outputFor(flags);
    // process.hrtime, not performance.now(): `performance` loads perf_hooks on first use.
    const started = process.hrtime.bigint();
    const r = runPipeline({ inventoryDir: flags.inventory, ...(flags.site ? { sites: [flags.site] } : {}), rules });
    if (!r.ok) {
      process.exitCode = report(out, r.diagnostics, !!flags.json);
      return;
    }
    const written = await writeArtefacts(flags.out, r.artefacts, flags.site ? [flags.site] : undefined, protect);
    if (written.diagnostics.length) {
      process.exitCode = report(out, written.diagnostics, !!flags.json);
      return;
    }
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    const { CENTRAL } = await import('../../core/render/index.js');
    const sites = new Set(r.artefacts.filter((a) => a.site !== CENTRAL).map((a) => a.site)).size;
    const central = new Set(r.artefacts.filter((a) => a.site === CENTRAL).map((a) => a.device)).size;
    process.exitCode = report(out, r.diagnostics, !!flags.json, {
      out: flags.out,
      manifest: written.manifest,
      sites,
      artefacts: r.artefacts.map(({ content, ...a }) => a),
    });
    out.result(`rendered ${r.artefacts.length} artefacts for ${sites} site(s)${central ? ` and ${central} central server(s)` : ''} into ${flags.out}/ in ${ms} ms (manifest ${written.manifest})`);
  });
}
