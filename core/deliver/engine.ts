// The push engine: for each device, in parallel up to a limit, back up, diff, stage,
// validate, apply with an armed rollback, check health over a fresh SSH session, then
// confirm. Every device ends with its own result; one failing never stops the others.
import { configDiff, linesDiffer, sameConfig } from './diff.js';
import { driverFor } from './drivers/index.js';
import { saveApplied, saveBackup } from './history.js';
import { openJournal, type Journal, type RunState } from './journal.js';
import { redactDevice, secretFields, substitute, type Secrets } from './secrets.js';
import { HostKeyError, UnreachableError } from './ssh.js';
import { NotAppliedError, RefusedError, type DeviceConfig, type DeviceResult, type Outcome, type Phase, type PushEvent, type Session, type SshSettings, type Target } from './types.js';

/** One device to push: where it is and what it should run (placeholders unfilled). */
export interface Work {
  readonly target: Target;
  readonly intended: DeviceConfig;
  /** Hash of the intended artefacts, recorded in the journal for --resume. */
  readonly sha256: string;
}

export interface PushOptions {
  /** Folder for history/ and runs/ (default `.outpost`). */
  readonly stateDir: string;
  readonly ssh: SshSettings;
  readonly secrets: Secrets;
  readonly dryRun?: boolean;
  readonly concurrency?: number;
  readonly confirmTimeoutSeconds?: number;
  /** Continue this interrupted run: devices it finished with the same config are skipped. */
  readonly resume?: RunState;
  readonly onEvent?: (e: PushEvent) => void;
}

export interface PushReport {
  readonly run: string;
  readonly journal: string;
  readonly site: string;
  readonly results: readonly DeviceResult[];
  readonly ok: boolean;
}

export const DEFAULT_CONFIRM_TIMEOUT = 120;
export const DEFAULT_CONCURRENCY = 10;

/** Runs `fn` over items with at most `limit` in flight; results keep the input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

class Failure extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly phase: Phase,
    message: string,
  ) {
    super(message);
  }
}

const oneLine = (s: string) => s.trim().split('\n').slice(-4).join(' | ').slice(0, 400);

export async function pushSite(site: string, work: readonly Work[], opts: PushOptions): Promise<PushReport> {
  const journal = openJournal(
    opts.stateDir,
    { site, devices: work.map((w) => ({ device: w.target.hostname, sha256: w.sha256 })), dryRun: !!opts.dryRun, ...(opts.resume ? { resumes: opts.resume.run } : {}) },
    opts.resume?.run,
  );
  const results = await pool(work, opts.concurrency ?? DEFAULT_CONCURRENCY, (w) => pushOne(w, opts, journal));
  return { run: journal.run, journal: journal.file, site, results, ok: results.every((r) => r.outcome !== 'failed' && isSuccess(r.outcome)) };
}

const isSuccess = (o: Outcome) => o === 'applied' || o === 'unchanged' || o === 'planned' || o === 'skipped';

async function pushOne(w: Work, opts: PushOptions, journal: Journal): Promise<DeviceResult> {
  const t0 = performance.now();
  const { target } = w;
  const device = target.hostname;
  const emit = (e: Omit<PushEvent, 'device'>) => {
    const ev = { device, ...e };
    journal.write({ ...ev, ...(e.phase === 'done' ? { sha256: w.sha256 } : {}) });
    opts.onEvent?.(ev);
  };
  let diff = '';
  let changed = false;
  let backup: string | undefined;
  const finish = (outcome: Outcome, detail: string, phase?: Phase): DeviceResult => {
    emit({ phase: 'done', status: isSuccess(outcome) ? 'ok' : 'failed', outcome, detail });
    return {
      device,
      site: target.site,
      platform: target.platform,
      outcome,
      ...(phase ? { phase } : {}),
      detail,
      diff,
      changed,
      ...(backup ? { backup } : {}),
      sha256: w.sha256,
      ms: Math.round(performance.now() - t0),
    };
  };

  const done = opts.resume?.finished.get(device);
  if (done && done.sha256 === w.sha256) return finish('skipped', `finished by run ${opts.resume!.run} (${done.outcome})`);

  const driver = driverFor(target.platform);
  if (!driver) return finish('failed', `no delivery driver for platform ${target.platform}`, 'connect');
  const secrets = opts.secrets;
  // Old secrets the device still runs are hidden by field, not only today's by value.
  const fields = secretFields(w.intended, driver.comment);
  const show = (s: string) => redactDevice(s, secrets, fields);
  const timeout = opts.confirmTimeoutSeconds ?? DEFAULT_CONFIRM_TIMEOUT;

  let phase: Phase = 'connect';
  const step = async <T>(p: Phase, fn: () => Promise<T>, ok?: (v: T) => string | undefined): Promise<T> => {
    phase = p;
    emit({ phase: p, status: 'start' });
    const v = await fn();
    const detail = ok?.(v);
    emit({ phase: p, status: 'ok', ...(detail ? { detail } : {}) });
    return v;
  };

  let session: Session | undefined;
  let health: Session | undefined;
  let applied = false;
  try {
    const candidate: DeviceConfig = w.intended.map((f) => ({ name: f.name, content: substitute(f.content, secrets, driver.comment) }));
    session = await step('connect', () => driver.connect(target, opts.ssh));
    const s = session;
    const running = await step('backup', () => s.fetchRunning());
    const view = await step(
      'diff',
      () => s.normalize(candidate),
      (v) => {
        diff = show(configDiff(device, running, v));
        changed = diff !== '';
        return changed ? `${linesDiffer(diff)}` : 'in sync';
      },
    );
    backup = saveBackup(opts.stateDir, device, {
      running,
      intended: w.intended,
      diff,
      meta: { run: journal.run, site: target.site, device, platform: target.platform, address: target.address, sha256: w.sha256, dryRun: !!opts.dryRun },
    });
    if (!changed) return finish('unchanged', 'running config already matches');
    if (opts.dryRun) return finish('planned', 'dry run: diff only, nothing staged');

    await step('stage', () => s.stage(candidate));
    const valid = await step('validate', () => s.validate());
    if (!valid.ok) {
      await s.discard().catch(() => undefined);
      throw new Failure('invalid', 'validate', `the device rejected the candidate, running config untouched: ${oneLine(show(valid.output))}`);
    }
    await step('apply', async () => {
      applied = true;
      try {
        await s.applyWithConfirm(timeout);
      } catch (e) {
        if (e instanceof NotAppliedError) applied = false;
        throw e;
      }
    }, () => `rollback armed for ${timeout} s`);

    const checked = await step('health', async () => {
      // A fresh session proves the new config still lets outpost in, not just the old session.
      health = await driver.connect(target, opts.ssh).catch((e: unknown) => {
        throw new Error(`the device no longer accepts SSH after apply: ${(e as Error).message}`);
      });
      const c = await health.check();
      if (!c.ok) throw new Error(`health check failed: ${oneLine(show(c.output))}`);
      if (driver.exactRunning !== false) {
        const now = await health.fetchRunning();
        if (!sameConfig(now, view)) throw new Error(`running config differs from the intended one after apply:\n${show(configDiff(device, view, now))}`);
      }
      return c;
    });
    void checked;
    await step('confirm', async () => {
      const last = health ?? s;
      await last.confirm();
      // What the device prints for the config it confirmed: the reference drift compares with.
      if (driver.exactRunning === false) saveApplied(backup!, await last.fetchRunning());
    });
    return finish('applied', `applied and confirmed (backup ${backup})`);
  } catch (e) {
    const err = e as Error;
    const failedPhase: Phase = err instanceof Failure ? err.phase : phase;
    emit({ phase: failedPhase, status: 'failed', detail: oneLine(show(err.message)) });
    if (err instanceof Failure) return finish(err.outcome, err.message, err.phase);
    if (err instanceof HostKeyError) return finish('refused', err.message, 'connect');
    if (err instanceof UnreachableError) return finish('unreachable', err.message, 'connect');
    if (!applied) {
      await session?.discard().catch(() => undefined);
      return finish('failed', `${failedPhase}: ${show(err.message)}; running config untouched`, failedPhase);
    }
    // Applied but not confirmed: restore now if the device still listens, else it restores itself.
    emit({ phase: 'rollback', status: 'start' });
    const refused: string[] = [];
    for (const s of [health, session]) {
      if (!s) continue;
      try {
        await s.rollback();
        emit({ phase: 'rollback', status: 'ok' });
        return finish('rolled-back', `${failedPhase}: ${show(err.message)}; previous config restored`, failedPhase);
      } catch (re) {
        // A refused rollback is not an unreachable device: keep the device's words.
        if (re instanceof RefusedError) refused.push(show(re.message));
      }
    }
    if (refused.length) {
      const lastWords = oneLine(refused[refused.length - 1]!);
      emit({ phase: 'rollback', status: 'failed', detail: lastWords });
      return finish('failed', `${failedPhase}: ${show(err.message)}; the rollback failed, the device answered: ${lastWords}; its ${timeout} s confirm timer may still restore the previous config: check the device`, 'rollback');
    }
    emit({ phase: 'rollback', status: 'failed', detail: 'device unreachable' });
    return finish('failed', `${failedPhase}: ${show(err.message)}; the device restores its previous config by itself when the ${timeout} s confirm timer ends`, failedPhase);
  } finally {
    (health as Session | undefined)?.close();
    session?.close();
  }
}
