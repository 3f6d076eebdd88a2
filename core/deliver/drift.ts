// Drift: what each device runs against what outpost would push, read-only. A device is
// in sync, drifted (with the diff, secrets shown as placeholders), or unreachable.
import { configDiff } from './diff.js';
import { driverFor } from './drivers/index.js';
import { pool, DEFAULT_CONCURRENCY, type Work } from './engine.js';
import { redact, substitute, type Secrets } from './secrets.js';
import { HostKeyError } from './ssh.js';
import type { Session, SshSettings } from './types.js';

export type DriftState = 'in-sync' | 'drifted' | 'unreachable';

export interface DriftResult {
  readonly device: string;
  readonly site: string;
  readonly platform: string;
  readonly state: DriftState;
  readonly diff: string;
  readonly detail: string;
}

export interface DriftOptions {
  readonly ssh: SshSettings;
  readonly secrets: Secrets;
  readonly concurrency?: number;
}

export async function driftOf(work: readonly Work[], opts: DriftOptions): Promise<DriftResult[]> {
  return pool(work, opts.concurrency ?? DEFAULT_CONCURRENCY, async ({ target, intended }) => {
    const base = { device: target.hostname, site: target.site, platform: target.platform };
    const driver = driverFor(target.platform);
    if (!driver) return { ...base, state: 'unreachable' as const, diff: '', detail: `no delivery driver for platform ${target.platform}` };
    let session: Session | undefined;
    try {
      session = await driver.connect(target, opts.ssh);
      const running = await session.fetchRunning();
      const candidate = intended.map((f) => ({ name: f.name, content: substitute(f.content, opts.secrets, driver.comment) }));
      const view = await session.normalize(candidate);
      await session.discard();
      const diff = redact(configDiff(target.hostname, view, running, ['intended', 'running']), opts.secrets);
      return diff
        ? { ...base, state: 'drifted' as const, diff, detail: `${diff.split('\n').filter((l) => /^[+-][^+-]/.test(l)).length} lines differ from the intended config` }
        : { ...base, state: 'in-sync' as const, diff: '', detail: 'matches the intended config' };
    } catch (e) {
      const msg = redact((e as Error).message, opts.secrets);
      return { ...base, state: 'unreachable' as const, diff: '', detail: e instanceof HostKeyError ? `refused: ${msg}` : msg };
    } finally {
      session?.close();
    }
  });
}
