// `outpost audit`: the security policy (policies/security.yaml) checked against what
// outpost would push, what devices run and what the directory holds.
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { exitFor, outputFor, report, withInventory, withJson } from '../context.js';
import { connection, identity, today, withDirectory, withPolicy, type DirectoryFlags, type IdentityFlags } from '../identity.js';
import { ENVIRONMENT_CODES, positive, prepareFrom, withDeliveryFlags, type DeliveryFlags } from './push.js';
import type { Against, Format, FindingSeverity } from '../../core/audit/index.js';
import type { DriftResult } from '../../core/deliver/index.js';
import type { AccountSnapshot } from '../../core/directory/index.js';

interface Flags extends IdentityFlags, DirectoryFlags, DeliveryFlags {
  readonly site?: string;
  readonly against: string;
  readonly format?: string;
  readonly out?: string;
  readonly failOn: string;
  readonly security?: string;
}

const AGAINST_CHOICES = ['intended', 'running', 'directory', 'all'];

export function register(program: Command): void {
  const cmd = program
    .command('audit')
    .description('check every site and the directory against the security policy: findings with object, evidence and fix')
    .option('-s, --site <code>', 'only this site (directory controls still read the whole directory)')
    .option('--against <what>', 'intended (the configs outpost would push), running (fetched over SSH), directory (LDAP), a comma list, or all', 'intended')
    .option('--format <format>', 'table, json, junit, sarif or html', undefined)
    .option('-o, --out <file>', 'write the report to this file instead of stdout')
    .option('--fail-on <severity>', 'exit 1 when a finding at or above this severity remains: info, low, medium, high, critical', 'high')
    .option('--security <file>', 'security policy (default: policies/security.yaml beside the inventory)');
  withDeliveryFlags(withDirectory(withPolicy(withJson(withInventory(cmd))))).addHelpText(
    'after',
    '\nEach control is a check outpost implements; policies/security.yaml chooses which run, their severity,\n' +
      'scope and waivers. A control whose input is not part of the audit is reported as not evaluated.\n' +
      '--against running reads devices as `outpost drift` does (SSH, pinned host keys, secrets to compare);\n' +
      '--against directory binds to the directory as `outpost directory plan` does.\n' +
      'Exit codes: 0 no finding at or above --fail-on, 1 findings (or bad input), 2 usage or environment.\n\n' +
      'Examples:\n  outpost audit\n  outpost audit --site vac-esch --against all --format html --out audit.html\n' +
      '  outpost audit --format sarif --out audit.sarif --fail-on critical\n  outpost audit --against directory --json | jq \'.controls[] | select(.status == "fail")\'',
  );
  cmd.action(async (flags: Flags) => run(flags));
}

async function run(flags: Flags): Promise<void> {
  const audit = await import('../../core/audit/index.js');
  const format = (flags.format ?? (flags.json ? 'json' : 'table')) as Format;
  if (!audit.FORMATS.includes(format)) throw new UsageError(`--format ${flags.format}: expected one of ${audit.FORMATS.join(', ')}`);
  const asked = flags.against.split(',').map((a) => a.trim());
  if (!asked.length || asked.some((a) => !AGAINST_CHOICES.includes(a))) throw new UsageError(`--against ${flags.against}: expected one of ${AGAINST_CHOICES.join(', ')} (or a comma list)`);
  if (!(audit.SEVERITIES as readonly string[]).includes(flags.failOn)) throw new UsageError(`--fail-on ${flags.failOn}: expected one of ${audit.SEVERITIES.join(', ')}`);
  const against: Against[] = asked.includes('all') ? [...audit.AGAINST] : audit.AGAINST.filter((a) => asked.includes(a));
  const date = today(flags.today);
  // Diagnostics go to stderr unless the report itself is JSON on stdout.
  const out = outputFor({ json: format === 'json' && !flags.out });

  // Every report format names where each control, rule and role is written.
  (await import('../../core/inventory/index.js')).keepYamlPositions(true);
  const ctx = await identity({ ...flags, json: format === 'json' && !flags.out }, out);
  if (!ctx) return;
  if (flags.site && !ctx.inventory.sites.some((s) => s.code === flags.site)) {
    throw new UsageError(`--site ${flags.site}: no such site (known: ${ctx.inventory.sites.map((s) => s.code).join(', ')})`);
  }
  const policy = { ok: true as const, value: ctx.policy, diagnostics: [] };
  const security = policy.ok ? audit.loadSecurityPolicy(flags.security ?? audit.securityFileFor(flags.inventory), ctx.inventory, policy.value, audit.knownControls()) : undefined;
  if (!policy.ok || !security?.ok) {
    process.exitCode = report(out, [...policy.diagnostics, ...(security?.diagnostics ?? [])], format === 'json' && !flags.out);
    return;
  }

  let drift: DriftResult[] | undefined;
  if (against.includes('running')) {
    drift = await readRunning(flags, flags.site ? [flags.site] : ctx.inventory.sites.map((s) => s.code), out);
    if (!drift) return;
  }
  let accounts: AccountSnapshot[] | undefined;
  if (against.includes('directory')) {
    const settings = await connection(flags, ctx);
    // The read alone (snapshot.ts), not the directory's whole face: enrolment's TOTP library stays unloaded.
    const { readAccounts } = await import('../../core/directory/snapshot.js');
    try {
      accounts = await readAccounts(settings);
    } catch (e) {
      throw new UsageError(`cannot read the directory at ${settings.url}: ${(e as Error).message}`);
    }
  }

  const inputs = audit.gatherInputs({
    inventory: ctx.inventory,
    policy: policy.value,
    date,
    people: ctx.people,
    ...(flags.site ? { sites: [flags.site] } : {}),
    ...(accounts ? { accounts } : {}),
    ...(drift ? { drift } : {}),
  });
  // Every other command refuses an inventory that does not validate; so does the audit,
  // rather than quietly auditing the sites the planner could place.
  if (inputs.diagnostics.some((d) => d.severity === 'error')) {
    process.exitCode = report(out, inputs.diagnostics, format === 'json' && !flags.out);
    return;
  }
  const result = audit.runAudit(inputs, security.value, against);
  const failOn = flags.failOn as FindingSeverity;
  const text = audit.formatReport(result, format, failOn);
  if (flags.out) {
    const { writeFileSync, renameSync } = await import('node:fs');
    // Written whole or not at all: a pipeline never picks up half a report.
    const tmp = `${flags.out}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, flags.out);
    const s = audit.summary(result, failOn);
    out.info(`${flags.out}: ${s.controls} controls, ${s.fail} failing, ${s.findings} finding(s), ${s.blocking} at or above ${failOn}`);
  } else process.stdout.write(text);
  process.exitCode = audit.blocking(result, failOn).length ? EXIT.FINDINGS : EXIT.OK;
}

async function readRunning(flags: Flags, sites: readonly string[], out: ReturnType<typeof outputFor>): Promise<DriftResult[] | undefined> {
  const { prepareSite, driftOf } = await import('../../core/deliver/index.js');
  const { policyRules } = await import('../policy-hook.js');
  const results: DriftResult[] = [];
  for (const site of sites) {
    const prepared = prepareSite({ ...prepareFrom(flags, site), rules: policyRules(flags.inventory, flags.policy) });
    if (!prepared.ok) {
      out.diagnostics(prepared.diagnostics);
      process.exitCode = prepared.diagnostics.some((d) => d.severity === 'error' && ENVIRONMENT_CODES.has(d.code)) ? EXIT.USAGE : exitFor(prepared.diagnostics);
      return undefined;
    }
    out.info(`${site}: reading ${prepared.work.length} device(s)`);
    results.push(...(await driftOf(prepared.work, { ssh: prepared.ssh, secrets: prepared.secrets, concurrency: positive('concurrency', flags.concurrency) })));
  }
  return results;
}
