import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { exitFor, outputFor, withInventory, withJson, type CommonFlags } from '../context.js';
import { useColor } from '../output.js';

export interface DeliveryFlags extends CommonFlags {
  readonly site?: string;
  readonly device: string[];
  readonly secrets?: string;
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly user?: string;
  readonly endpoints?: string;
  readonly connectTimeout: string;
  readonly concurrency: string;
}

interface PushFlags extends DeliveryFlags {
  readonly site: string;
  readonly dryRun?: boolean;
  readonly confirmTimeout: string;
  readonly resume?: string | boolean;
  readonly stateDir: string;
}

const collect = (v: string, all: string[]) => [...all, v];

export function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} expects a whole number of at least 1, not ${JSON.stringify(v)}`);
  return n;
}

/** SSH and target flags shared by push and drift. */
export function withDeliveryFlags(cmd: Command): Command {
  return cmd
    .option('-d, --device <hostname>', 'only this device (repeat for more)', collect, [])
    .option('--secrets <dir>', 'folder with one 0600 file per secret (default $OUTPOST_SECRETS_DIR)')
    .option('--identity <file>', 'SSH private key (default $OUTPOST_SSH_KEY, else the SSH agent)')
    .option('--known-hosts <file>', 'known_hosts pinning devices the inventory does not pin (default $OUTPOST_KNOWN_HOSTS or ~/.ssh/known_hosts)')
    .option('--user <name>', 'login name on the devices (default $OUTPOST_SSH_USER or root)')
    .option('--endpoints <file>', 'YAML overriding where devices are reached: endpoints: {host: {address, port, hostKey, user, root}}')
    .option('--connect-timeout <s>', 'seconds to wait for each SSH connection', '10')
    .option('--concurrency <n>', 'devices worked on at the same time', '10');
}

export function prepareFrom(flags: DeliveryFlags, site: string) {
  return {
    inventoryDir: flags.inventory,
    site,
    devices: flags.device,
    ...(flags.endpoints ? { endpointsFile: flags.endpoints } : {}),
    ...(flags.secrets ? { secretsDir: flags.secrets } : {}),
    ...(flags.identity ? { identityFile: flags.identity } : {}),
    ...(flags.knownHosts ? { knownHostsFile: flags.knownHosts } : {}),
    ...(flags.user ? { user: flags.user } : {}),
    connectTimeoutSeconds: positive('connect-timeout', flags.connectTimeout),
  };
}

/** Diagnostics about the environment (keys, secrets) are usage errors; inventory ones are findings. */
export const ENVIRONMENT_CODES = new Set(['ssh-key', 'secret', 'known-hosts', 'unreadable']);

export function register(program: Command): void {
  const cmd = program
    .command('push')
    .description('push a site\'s rendered configs to its devices over SSH: backup, diff, stage, validate, apply with on-device rollback, health check, confirm')
    .requiredOption('-s, --site <code>', 'the site to push (e.g. vac-esch)')
    .option('--dry-run', 'back up and show the unified diff per device; change nothing')
    .option('--confirm-timeout <s>', 'seconds after which a device restores its previous config unless outpost confirmed', '120')
    .option('--resume [run]', 'finish the last interrupted push of the site (or the named run) without redoing finished devices')
    .option('--state-dir <dir>', 'where backups (history/) and run journals (runs/) are kept', '.outpost');
  withDeliveryFlags(cmd).addHelpText(
    'after',
    '\nEach device: running config saved to <state-dir>/history/<device>/<time>/, diffed, candidate staged and\n' +
      'checked on the device, then applied with a rollback timer armed on the device itself: if outpost dies or the\n' +
      'link is cut, the device restores its previous config when the timer ends. outpost then opens a fresh SSH\n' +
      'session, runs the platform checks, and confirms. Secrets %%OUTPOST_SECRET(name)%% are filled from --secrets.\n' +
      'Progress on stderr, summary on stdout; exit 1 when a device failed.\n\n' +
      'Examples:\n  outpost push --site vac-esch --dry-run\n  outpost push --site central          # the VPN gateways (out/central/<gateway>/)\n  outpost push --site vac-esch --secrets /etc/outpost/secrets --concurrency 20\n  outpost push --site vac-esch --resume',
  );
  withJson(withInventory(cmd)).action(async (flags: PushFlags) => {
    const { prepareSite, pushSite, findRun, createProgress, summaryTable, SUCCESS } = await import('../../core/deliver/index.js');
    const { policyRules } = await import('../policy-hook.js');
    const out = outputFor(flags);
    const concurrency = positive('concurrency', flags.concurrency);
    const confirmTimeoutSeconds = positive('confirm-timeout', flags.confirmTimeout);
    let resume;
    if (flags.resume) {
      resume = findRun(flags.stateDir, flags.site, typeof flags.resume === 'string' ? flags.resume : undefined);
      if (!resume) throw new UsageError(`no push journal of site ${flags.site} to resume in ${flags.stateDir}/runs`);
      // A resumed run covers the devices of the run it resumes, unless --device says otherwise.
      if (!flags.device.length) flags.device.push(...resume.devices);
      out.info(`resuming run ${resume.run}: ${resume.finished.size} of ${resume.devices.length} device(s) already finished`);
    }
    const prepared = prepareSite({ ...prepareFrom(flags, flags.site), rules: policyRules(flags.inventory) });
    if (!prepared.ok) {
      if (flags.json) out.json({ ok: false, diagnostics: prepared.diagnostics });
      else out.diagnostics(prepared.diagnostics);
      process.exitCode = prepared.diagnostics.some((d) => d.severity === 'error' && ENVIRONMENT_CODES.has(d.code)) ? EXIT.USAGE : exitFor(prepared.diagnostics);
      return;
    }
    const progress = flags.json ? undefined : createProgress(process.stderr, prepared.work.map((w) => w.target.hostname), { color: useColor() });
    const report = await pushSite(flags.site, prepared.work, {
      stateDir: flags.stateDir,
      ssh: prepared.ssh,
      secrets: prepared.secrets,
      concurrency,
      confirmTimeoutSeconds,
      ...(flags.dryRun ? { dryRun: true } : {}),
      ...(resume ? { resume } : {}),
      ...(progress ? { onEvent: (e: Parameters<typeof progress.event>[0]) => progress.event(e) } : {}),
    });
    progress?.finish();
    const failed = report.results.filter((r) => !SUCCESS.has(r.outcome));
    if (flags.json) {
      out.json({ ok: report.ok, run: report.run, journal: report.journal, site: report.site, dryRun: !!flags.dryRun, results: report.results });
    } else {
      if (flags.dryRun) for (const r of report.results) if (r.diff) out.result(r.diff.trimEnd());
      out.result(summaryTable(report.results));
      // A dry run changes nothing and leaves nothing to resume: only a real push's failures can be finished later.
      const hint = flags.dryRun ? ' (dry run: nothing was changed)' : failed.length ? ` (outpost push --site ${flags.site} --resume finishes the failed devices)` : '';
      out.result(`journal ${report.journal}${hint}`);
    }
    process.exitCode = failed.length ? EXIT.FINDINGS : EXIT.OK;
  });
}
