// The run journal: one JSON line per device phase, appended as it happens and flushed
// to disk, so `outpost push --resume` knows which devices an interrupted run finished.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stamp } from './history.js';
import { SUCCESS, type Outcome, type PushEvent } from './types.js';

export interface RunHeader {
  readonly type: 'run';
  readonly run: string;
  readonly site: string;
  readonly devices: readonly { readonly device: string; readonly sha256: string }[];
  readonly dryRun: boolean;
  readonly at: string;
  readonly resumes?: string;
}

export interface JournalLine extends PushEvent {
  readonly type: 'event';
  readonly at: string;
  readonly sha256?: string;
}

export interface Journal {
  readonly run: string;
  readonly file: string;
  write(line: Omit<JournalLine, 'type' | 'at'>): void;
}

const runsDir = (stateDir: string) => join(stateDir, 'runs');

export function openJournal(stateDir: string, header: Omit<RunHeader, 'type' | 'run' | 'at'>, run?: string): Journal {
  mkdirSync(runsDir(stateDir), { recursive: true, mode: 0o700 });
  const id = run ?? `${stamp()}-${header.site}`;
  const file = join(runsDir(stateDir), `${id}.jsonl`);
  const append = (o: object) => appendFileSync(file, `${JSON.stringify(o)}\n`, { mode: 0o600 });
  append({ type: 'run', run: id, at: new Date().toISOString(), ...header } satisfies RunHeader);
  return { run: id, file, write: (line) => append({ type: 'event', at: new Date().toISOString(), ...line }) };
}

export interface RunState {
  readonly run: string;
  readonly site: string;
  readonly file: string;
  /** Devices whose last recorded outcome is a success, with the config hash they got. */
  readonly finished: ReadonlyMap<string, { outcome: Outcome; sha256: string }>;
  readonly devices: readonly string[];
  readonly complete: boolean;
  readonly dryRun: boolean;
}

export function readRun(file: string): RunState {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as RunHeader | JournalLine];
      } catch {
        return []; // a line cut by a crash
      }
    });
  const header = lines.find((l): l is RunHeader => l.type === 'run');
  if (!header) throw new Error(`${file} is not a push journal`);
  const devices = [...new Set(lines.flatMap((l) => (l.type === 'run' ? l.devices.map((d) => d.device) : [])))];
  const finished = new Map<string, { outcome: Outcome; sha256: string }>();
  for (const l of lines) {
    if (l.type !== 'event' || l.phase !== 'done' || !l.outcome) continue;
    if (SUCCESS.has(l.outcome) && l.outcome !== 'planned') finished.set(l.device, { outcome: l.outcome, sha256: l.sha256 ?? '' });
    else finished.delete(l.device);
  }
  return { run: header.run, site: header.site, file, finished, devices, complete: devices.every((d) => finished.has(d)), dryRun: header.dryRun };
}

/** The newest journal of a site (or the named run), for --resume. */
export function findRun(stateDir: string, site: string, run?: string): RunState | undefined {
  const dir = runsDir(stateDir);
  if (!existsSync(dir)) return undefined;
  if (run) {
    const file = join(dir, run.endsWith('.jsonl') ? run : `${run}.jsonl`);
    return existsSync(file) ? readRun(file) : undefined;
  }
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const f of files) {
    const r = readRun(f);
    if (r.site === site && !r.dryRun) return r;
  }
  return undefined;
}
