// The Pulumi engine driven through the Automation API: infra/'s program runs inline in
// this process (its own language runtime, so no `pulumi-language-nodejs` is needed), the
// engine does the diff, the state and the provider processes. The engine is the one the
// set-up builds (scripts/setup-pulumi.sh, cached outside the repository) or a `pulumi`
// on PATH; state goes to a file backend beside the project unless told otherwise.
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineEvent, Stack } from '@pulumi/pulumi/automation/index.js';
import { UsageError } from './exit-codes.js';

/** The engine version scripts/setup-pulumi.sh builds. */
export const PULUMI_VERSION = 'v3.274.1';

export type Operation = 'preview' | 'up' | 'refresh' | 'destroy';

export interface EngineSettings {
  /** Folder holding Pulumi.yaml and Pulumi.<stack>.yaml. */
  readonly project: string;
  readonly stack: string;
  /** Backend URL; a file backend beside the project by default. */
  readonly backend?: string;
  /** File holding the passphrase that encrypts the stack's secrets. */
  readonly passphraseFile?: string;
  /** The engine's own progress and diff, as it prints them. */
  readonly onOutput?: (text: string) => void;
  readonly color: boolean;
}

/** One step the engine planned or took for a resource. */
export interface Step {
  readonly op: string;
  readonly type: string;
  readonly name: string;
  readonly diffs: readonly string[];
}

export interface EngineResult {
  readonly steps: readonly Step[];
  /** Counts by operation, as the engine sums them up. */
  readonly changes: Readonly<Record<string, number>>;
  /** Error messages the engine reported (a device that failed, a program error). */
  readonly errors: readonly string[];
  readonly ok: boolean;
}

/** Where the set-up caches the engine it builds. */
export function engineCache(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.OUTPOST_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'outpost');
  return join(cache, 'pulumi', PULUMI_VERSION);
}

/** The folder whose bin/pulumi is the engine: the cached build first, then a `pulumi` on PATH. */
export function findEngine(env: NodeJS.ProcessEnv = process.env): string {
  const cached = engineCache(env);
  if (existsSync(join(cached, 'bin', 'pulumi'))) return cached;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'pulumi'))) return dirname(dir);
  }
  throw new UsageError(`no Pulumi engine: run scripts/setup-pulumi.sh (builds ${PULUMI_VERSION} once into ${cached}) or put pulumi on PATH`);
}

/** dist/infra/providers.js beside the running outpost, as a URL the provider processes import. */
export function providerModule(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'dist', 'infra', 'providers.js');
    if (existsSync(candidate)) return pathToFileURL(candidate).href;
    const inDist = join(dir, 'infra', 'providers.js');
    if (dir.endsWith('dist') && existsSync(inDist)) return pathToFileURL(inDist).href;
    dir = dirname(dir);
  }
  throw new UsageError('dist/infra/providers.js is missing: build outpost first (npm run build)');
}

function engineEnv(s: EngineSettings, engineRoot: string): Record<string, string> {
  const project = resolve(s.project);
  const backend = s.backend ?? process.env.PULUMI_BACKEND_URL ?? `file://${join(dirname(project), '.pulumi-state')}`;
  if (backend.startsWith('file://')) mkdirSync(backend.slice('file://'.length), { recursive: true });
  // The provider launcher (pulumi-resource-pulumi-nodejs) resolves @pulumi/pulumi by
  // NODE_PATH when the project folder is outside outpost's tree, and runs this node.
  const nodeModules = resolve(dirname(createRequire(import.meta.url).resolve('@pulumi/pulumi')), '..', '..');
  return {
    PULUMI_BACKEND_URL: backend,
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PATH: [join(engineRoot, 'bin'), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
    NODE_PATH: [nodeModules, process.env.NODE_PATH].filter(Boolean).join(delimiter),
    ...(s.passphraseFile ? { PULUMI_CONFIG_PASSPHRASE_FILE: resolve(s.passphraseFile) } : {}),
  };
}

/** Opens (or creates) the stack with `program` as its inline program. */
export async function openStack(s: EngineSettings, program: () => Promise<Record<string, unknown>>): Promise<Stack> {
  const project = resolve(s.project);
  if (!existsSync(join(project, 'Pulumi.yaml'))) throw new UsageError(`--project ${s.project}: no Pulumi.yaml there`);
  if (!s.passphraseFile && process.env.PULUMI_CONFIG_PASSPHRASE === undefined && !process.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    throw new UsageError('no passphrase for the stack secrets: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE, or pass --passphrase-file FILE');
  }
  if (s.passphraseFile && !existsSync(s.passphraseFile)) throw new UsageError(`--passphrase-file ${s.passphraseFile}: no such file`);
  const root = findEngine();
  const envVars = engineEnv(s, root);
  const { LocalWorkspace, PulumiCommand } = await import('@pulumi/pulumi/automation/index.js');
  // `pulumi version` (run by PulumiCommand.get) must not look for updates either: no network here.
  process.env.PULUMI_SKIP_UPDATE_CHECK = 'true';
  const pulumiCommand = await PulumiCommand.get({ root });
  return LocalWorkspace.createOrSelectStack({ stackName: s.stack, projectName: 'outpost-sites', program }, { workDir: project, pulumiCommand, envVars, secretsProvider: 'passphrase' });
}

const nameOf = (urn: string) => urn.split('::').pop() ?? urn;

/** Dynamic providers report no changed keys (the SDK has no field for them): the inputs that differ. */
function changedInputs(olds: Record<string, unknown> | undefined, news: Record<string, unknown> | undefined): string[] {
  if (!olds || !news) return [];
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((k) => k !== '__provider'));
  return [...keys].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}

/** Runs one operation and gathers the engine's steps and errors from its event stream. */
export async function runOperation(stack: Stack, op: Operation, s: EngineSettings): Promise<EngineResult> {
  const steps: Step[] = [];
  const errors: string[] = [];
  // The event log is tailed by polling; on a busy machine a line can be delivered twice
  // (seen in CI: one update reported twice), so every event is taken once, by its sequence.
  const seen = new Set<number>();
  const onEvent = (e: EngineEvent) => {
    if (seen.has(e.sequence)) return;
    seen.add(e.sequence);
    const m = e.resourcePreEvent?.metadata;
    // The default provider of the dynamic resources is the engine's plumbing, not a step of the user's.
    if (m?.type.startsWith('pulumi:providers:') || e.resOutputsEvent?.metadata.type.startsWith('pulumi:providers:')) return;
    if (m && m.op !== 'same' && m.op !== 'read' && (m.op !== 'refresh' || (m.diffs?.length ?? 0) > 0) && !steps.some((x) => x.op === m.op && x.name === nameOf(m.urn) && x.type === m.type)) {
      steps.push({ op: m.op, type: m.type, name: nameOf(m.urn), diffs: m.diffs?.length ? m.diffs : changedInputs(m.old?.inputs, m.new?.inputs) });
    }
    const r = e.resOutputsEvent?.metadata;
    if (r && r.op === 'refresh' && (r.diffs?.length ?? 0) > 0 && !steps.some((x) => x.name === nameOf(r.urn) && x.type === r.type)) {
      steps.push({ op: r.op, type: r.type, name: nameOf(r.urn), diffs: r.diffs ?? [] });
    }
    const d = e.diagnosticEvent;
    if (d && d.severity === 'error') errors.push(d.message.trim());
  };
  const common = { onEvent, color: s.color ? ('always' as const) : ('never' as const), ...(s.onOutput ? { onOutput: s.onOutput } : {}) };
  try {
    let changes: Record<string, number>;
    if (op === 'preview') changes = (await stack.preview({ ...common, diff: true })).changeSummary;
    else if (op === 'up') changes = (await stack.up({ ...common, diff: true })).summary.resourceChanges ?? {};
    else if (op === 'refresh') changes = (await stack.refresh(common)).summary.resourceChanges ?? {};
    else changes = (await stack.destroy(common)).summary.resourceChanges ?? {};
    return { steps, changes, errors, ok: true };
  } catch (e) {
    // The engine's own error lines (a program error, a failed resource) beyond its event stream.
    const lines = (e as Error).message.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('error:')).map((l) => l.slice(6).trim());
    for (const l of lines) if (!errors.some((x) => x.includes(l))) errors.push(l);
    if (!errors.length) errors.push('the engine failed');
    return { steps, changes: {}, errors, ok: false };
  }
}
