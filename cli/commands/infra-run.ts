// `outpost infra preview|up|refresh|destroy --site CODE | --directory`: infra/'s program
// run by the Pulumi engine through the Automation API, with the stack settings the
// project folder holds (Pulumi.<stack>.yaml, as `pulumi` itself would read them).
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, withJson } from '../context.js';
import { useColor } from '../output.js';
import type { EngineResult, Operation } from '../infra-engine.js';

interface Flags {
  readonly site?: string;
  readonly directory?: boolean;
  readonly project: string;
  readonly backend?: string;
  readonly passphraseFile?: string;
  readonly json?: boolean;
}

const VERBS: readonly [Operation, string][] = [
  ['preview', 'show what an update would change, resource by resource, without changing anything'],
  ['up', 'push every changed device config (transactionally) or directory entry, and record the stack state'],
  ['refresh', "read every device and account back; a device whose running config drifted is reported (exit 1)"],
  ['destroy', 'give each device the config it ran before outpost, and lock every account'],
];

const KIND = { DeviceConfig: 'device', Account: 'account', RoleGroup: 'role group' } as Record<string, string>;
const kindOf = (type: string) => KIND[type.split(':').pop() ?? ''] ?? type;

export function registerRun(infra: Command): void {
  for (const [op, description] of VERBS) {
    const cmd = infra
      .command(op)
      .description(`${description} (Pulumi engine, Automation API)`)
      .option('-s, --site <code>', "the site's stack (settings in <project>/Pulumi.<code>.yaml)")
      .option('--directory', "the directory's stack (settings in <project>/Pulumi.directory.yaml)")
      .option('--project <dir>', 'the Pulumi project folder', 'infra')
      .option('--backend <url>', 'Pulumi state backend (default: $PULUMI_BACKEND_URL, else file://<project>/../.pulumi-state)')
      .option('--passphrase-file <file>', 'file holding the passphrase of the stack secrets (else PULUMI_CONFIG_PASSPHRASE[_FILE])')
      .addHelpText(
        'after',
        '\nThe engine is the one scripts/setup-pulumi.sh builds (or a pulumi on PATH); its progress and diff go to stderr.\n' +
          'Exit 1 when the inventory does not validate, a device or account failed, or refresh found drift.\n\n' +
          `Example:\n  PULUMI_CONFIG_PASSPHRASE_FILE=~/.outpost-pass outpost infra ${op} --site vac-esch`,
      );
    withJson(cmd).action(async (flags: Flags) => run(op, flags));
  }
}

async function run(op: Operation, flags: Flags): Promise<void> {
  if (!!flags.site === !!flags.directory) throw new UsageError('name one stack: --site CODE or --directory');
  const { existsSync } = await import('node:fs');
  const { join, resolve } = await import('node:path');
  const { openStack, providerModule, runOperation } = await import('../infra-engine.js');
  const { programFromConfig, stackOutputs } = await import('../../infra/stack.js');
  const { InventoryError } = await import('../../infra/plan.js');
  const out = outputFor(flags);
  const stack = flags.site ?? 'directory';
  const project = resolve(flags.project);
  if (!existsSync(join(project, `Pulumi.${stack}.yaml`))) {
    throw new UsageError(`no settings for stack ${stack} in ${flags.project}: ${flags.site ? `outpost infra stack-config --site ${flags.site}` : `write ${join(flags.project, 'Pulumi.directory.yaml')}`} first`);
  }
  const settings = {
    project,
    stack,
    color: useColor(),
    ...(flags.backend ? { backend: flags.backend } : {}),
    ...(flags.passphraseFile ? { passphraseFile: flags.passphraseFile } : {}),
    ...(flags.json ? {} : { onOutput: (text: string) => process.stderr.write(text) }),
  };
  const modules = providerModule();
  let invalid: InstanceType<typeof InventoryError> | undefined;
  // The program runs in this process: an inventory error is kept to be printed as outpost prints it.
  const program = async () => {
    try {
      return stackOutputs(programFromConfig(project, modules));
    } catch (e) {
      if (e instanceof InventoryError) invalid = e;
      throw e;
    }
  };
  const s = await openStack(settings, program);
  const result = await runOperation(s, op, settings);
  const drifted = op === 'refresh' && result.ok ? await driftedDevices(s) : [];
  const ok = result.ok && !invalid && drifted.length === 0;
  if (flags.json) {
    out.json({ ok, stack, operation: op, changes: result.changes, steps: result.steps, ...(op === 'refresh' ? { drifted } : {}), errors: result.errors, diagnostics: invalid?.diagnostics ?? [] });
  } else {
    if (invalid) out.diagnostics(invalid.diagnostics);
    for (const st of result.steps) out.result(`${st.op.padEnd(8)} ${kindOf(st.type).padEnd(10)} ${st.name}${st.diffs.length ? `  [${st.diffs.join(', ')}]` : ''}`);
    for (const d of drifted) out.result(`drifted  device     ${d}`);
    out.result(invalid ? `${op} of stack ${stack} stopped: the inventory does not validate (nothing registered)` : summary(op, stack, result, drifted));
  }
  process.exitCode = ok ? EXIT.OK : EXIT.FINDINGS;
}

function summary(op: Operation, stack: string, r: EngineResult, drifted: readonly string[]): string {
  if (!r.ok) return `${op} of stack ${stack} failed: ${r.errors.length ? r.errors.join('; ') : 'see the engine output above'}`;
  const counts = Object.entries(r.changes).filter(([k, n]) => k !== 'same' && n > 0).map(([k, n]) => `${n} to ${k}`);
  const tail = drifted.length ? `; drifted: ${drifted.join(', ')}` : '';
  return `${op} of stack ${stack}: ${counts.length ? counts.join(', ') : 'no change'}${r.changes.same ? ` (${r.changes.same} unchanged)` : ''}${tail}`;
}

/** Devices whose last read (this refresh) found a running config other than outpost's. */
async function driftedDevices(s: import('@pulumi/pulumi/automation/index.js').Stack): Promise<string[]> {
  const state = await s.exportStack();
  const resources = (state.deployment as { resources?: { type: string; urn: string; outputs?: { drifted?: boolean } }[] }).resources ?? [];
  return resources.filter((r) => r.type.endsWith(':DeviceConfig') && r.outputs?.drifted === true).map((r) => r.urn.split('::').pop()!);
}
