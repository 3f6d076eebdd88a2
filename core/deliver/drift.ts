// Drift: what each device runs against what outpost would push, read-only. A device is
// in sync, drifted (with the diff, secrets shown as placeholders), or unreachable.
import { configDiff, linesDiffer } from './diff.js';
import { driverFor } from './drivers/index.js';
import { pool, DEFAULT_CONCURRENCY, type Work } from './engine.js';
import { redact, redactDevice, secretFields, substitute, type Secrets } from './secrets.js';
import { HostKeyError } from './ssh.js';
import type { DeviceConfig, Session, SshSettings } from './types.js';
import { lastApplied } from './history.js';

export type DriftState = 'in-sync' | 'drifted' | 'unreachable';

export interface DriftResult {
  readonly device: string;
  readonly site: string;
  readonly platform: string;
  readonly state: DriftState;
  readonly diff: string;
  readonly detail: string;
  /** What the device runs (secrets redacted), when it could be read: the audit parses it. */
  readonly running?: DeviceConfig;
}

export interface DriftOptions {
  readonly ssh: SshSettings;
  readonly secrets: Secrets;
  readonly concurrency?: number;
  /** Where push keeps history/, for platforms compared with their last confirmed config. */
  readonly stateDir?: string;
}

export async function driftOf(work: readonly Work[], opts: DriftOptions): Promise<DriftResult[]> {
  return pool(work, opts.concurrency ?? DEFAULT_CONCURRENCY, async ({ target, intended, sha256 }) => {
    const base = { device: target.hostname, site: target.site, platform: target.platform };
    const driver = driverFor(target.platform);
    if (!driver) return { ...base, state: 'unreachable' as const, diff: '', detail: `no delivery driver for platform ${target.platform}` };
    let session: Session | undefined;
    try {
      session = await driver.connect(target, opts.ssh);
      const running = await session.fetchRunning();
      let view: DeviceConfig;
      let against = 'the intended config';
      const applied = driver.exactRunning === false && opts.stateDir ? lastApplied(opts.stateDir, target.hostname, sha256) : undefined;
      if (applied) {
        // This platform prints its own rendering: compare with what it printed after the confirmed push.
        view = applied.config;
        against = `the config confirmed by the last push (${applied.dir})`;
      } else {
        const candidate = intended.map((f) => ({ name: f.name, content: substitute(f.content, opts.secrets, driver.comment) }));
        view = await session.normalize(candidate);
        await session.discard();
        if (driver.exactRunning === false) against = 'the rendered config (no confirmed push of it on record)';
      }
      // Old secrets the device still runs are hidden by field, not only today's by value.
      const fields = secretFields(intended, driver.comment);
      const diff = redactDevice(configDiff(target.hostname, view, running, ['intended', 'running']), opts.secrets, fields);
      const shown = running.map((f) => ({ name: f.name, content: redactDevice(f.content, opts.secrets, fields) }));
      return diff
        ? { ...base, state: 'drifted' as const, diff, detail: `${linesDiffer(diff)} from ${against}`, running: shown }
        : { ...base, state: 'in-sync' as const, diff: '', detail: `matches ${against}`, running: shown };
    } catch (e) {
      const msg = redact((e as Error).message, opts.secrets);
      return { ...base, state: 'unreachable' as const, diff: '', detail: e instanceof HostKeyError ? `refused: ${msg}` : msg };
    } finally {
      session?.close();
    }
  });
}
