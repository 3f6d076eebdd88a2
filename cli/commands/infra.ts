// `outpost infra stack-config`: a new centre becomes a new Pulumi stack in one command;
// `outpost infra preview|up|refresh|destroy` run the stack (./infra-run.ts).
import type { Command } from 'commander';
import { registerRun } from './infra-run.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, report, withInventory, withJson, type CommonFlags } from '../context.js';

interface Flags extends CommonFlags {
  readonly site: string;
  readonly project: string;
  readonly stateDir: string;
  readonly secrets?: string;
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly endpoints?: string;
  readonly user?: string;
  readonly device?: string[];
}

export function register(program: Command): void {
  const infra = program.command('infra').description('the Pulumi programs in infra/: stack settings, and preview/up/refresh/destroy through the Pulumi engine');
  registerRun(infra);
  const cmd = infra
    .command('stack-config')
    .description("write the Pulumi stack settings of a site (infra/Pulumi.<site>.yaml), keeping what Pulumi itself stored there")
    .requiredOption('-s, --site <code>', 'the site the stack equips')
    .option('--project <dir>', 'the Pulumi project folder', 'infra')
    .option('--state-dir <dir>', 'where pushes keep backups and journals', '.outpost')
    .option('--secrets <dir>', 'folder with one 0600 file per device secret (named, never copied)')
    .option('--identity <file>', 'SSH private key the providers log in with (named, never copied)')
    .option('--known-hosts <file>', 'known_hosts pinning devices the inventory does not pin')
    .option('--endpoints <file>', 'YAML overriding where devices are reached')
    .option('--user <name>', 'login name on the devices')
    .option('--device <hostname>', 'only this device of the site (repeatable; every device when absent)', (v: string, acc: string[] = []) => [...acc, v])
    .addHelpText(
      'after',
      '\nPaths are written relative to the project folder, as the Pulumi CLI runs the program from there.\n' +
        'An existing stack file keeps its encryption salt, secrets and other settings.\n\n' +
        'Example:\n  outpost infra stack-config --site vac-mondorf --secrets secrets --identity ~/.ssh/outpost\n' +
        '  cd infra && pulumi stack init vac-mondorf && pulumi preview',
    );
  withJson(withInventory(cmd)).action(async (flags: Flags) => {
    const { existsSync, readFileSync, writeFileSync, renameSync } = await import('node:fs');
    const { join, relative, resolve } = await import('node:path');
    const { loadInventory } = await import('../../core/inventory/index.js');
    const { platformCatalogue } = await import('../../core/render/index.js');
    const { stackConfig } = await import('../../core/stack-config.js');
    const out = outputFor(flags);
    const inv = loadInventory(flags.inventory, { platforms: platformCatalogue() });
    if (!inv.ok) {
      process.exitCode = report(out, inv.diagnostics, !!flags.json);
      return;
    }
    const site = inv.value.sites.find((s) => s.code === flags.site);
    if (!site) throw new UsageError(`--site ${flags.site}: no such site (known: ${inv.value.sites.map((s) => s.code).join(', ')})`);
    const unknown = (flags.device ?? []).filter((h) => !site.devices.some((d) => d.hostname === h));
    if (unknown.length) throw new UsageError(`--device ${unknown.join(', ')}: not a device of ${site.code} (devices: ${site.devices.map((d) => d.hostname).join(', ')})`);
    if (!existsSync(flags.project) || !existsSync(join(flags.project, 'Pulumi.yaml'))) throw new UsageError(`--project ${flags.project}: no Pulumi.yaml there`);
    const rel = (p: string | undefined) => (p === undefined ? undefined : relative(resolve(flags.project), resolve(p)) || '.');
    const file = join(flags.project, `Pulumi.${site.code}.yaml`);
    const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const settings = {
      site: site.code,
      inventory: rel(flags.inventory)!,
      stateDir: rel(flags.stateDir)!,
      ...(flags.secrets ? { secretsDir: rel(flags.secrets)! } : {}),
      ...(flags.identity ? { identityFile: rel(flags.identity)! } : {}),
      ...(flags.knownHosts ? { knownHosts: rel(flags.knownHosts)! } : {}),
      ...(flags.endpoints ? { endpoints: rel(flags.endpoints)! } : {}),
      ...(flags.user ? { user: flags.user } : {}),
      ...(flags.device?.length ? { devices: flags.device } : {}),
    };
    let text: string;
    try {
      text = stackConfig(settings, `Stack of site ${site.code} (${site.name}), written by \`outpost infra stack-config --site ${site.code}\`.`, existing);
    } catch (e) {
      throw new UsageError(`${file}: ${(e as Error).message}`);
    }
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    if (flags.json) out.json({ ok: true, file, stack: site.code, settings, updated: existing !== undefined });
    else out.result(`${existing ? 'updated' : 'wrote'} ${file}: stack ${site.code}; next: cd ${flags.project} && pulumi stack init ${site.code} && pulumi preview`);
    process.exitCode = EXIT.OK;
  });
}
