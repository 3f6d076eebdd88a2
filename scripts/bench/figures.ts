// What every benchmark reports, and the one JSON document `npm run bench -- --json` prints.
// A figure is a spread of runs, never one lucky run: the target is judged on the median,
// and min / max show how much the (often shared, loaded) machine moved it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export interface Stats {
  /** How many runs the figure summarises. */
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export interface Figure {
  /** What was measured, in the user's words. */
  readonly name: string;
  readonly unit: string;
  readonly stats: Stats;
  /** The target the median must reach, e.g. `< 1000 ms`; omitted when informative only. */
  readonly target?: { readonly max: number; readonly text: string };
  readonly detail?: string;
}

/** The spread of some measurements (upper median for an even count). */
export function summary(xs: readonly number[]): Stats {
  if (!xs.length) throw new Error('a figure needs at least one measurement');
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, min: s[0]!, median: s[s.length >> 1]!, max: s[s.length - 1]! };
}

/**
 * Times `n` runs of `fn` (wall clock, each run whole) and returns their spread. Fast work
 * takes at least 5 runs; slow work (a fresh server, thousands of entries) may take 3.
 */
export async function runs(n: number, fn: (run: number) => unknown): Promise<Stats> {
  if (n < 3) throw new Error(`a benchmark takes at least 3 runs, not ${n}`);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  return summary(times);
}

/** One measurement that is shown but not repeated (a set-up step, a count). */
export const once = (value: number): Stats => ({ n: 1, min: value, median: value, max: value });

export const met = (f: Figure): boolean => !f.target || f.stats.median <= f.target.max;

export interface BenchDocument {
  readonly kind: 'outpost-bench';
  readonly version: 1;
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly loadavg: readonly [number, number, number] };
  readonly figures: readonly (Figure & { readonly bench: string; readonly met: boolean })[];
  /** Bench files that threw instead of reporting. */
  readonly failures: readonly { readonly bench: string; readonly error: string }[];
  readonly missed: number;
}

export function benchDocument(results: readonly { bench: string; figures?: readonly Figure[]; error?: string }[], date = new Date()): BenchDocument {
  const figures = results.flatMap((r) => (r.figures ?? []).map((f) => ({ bench: r.bench, ...f, met: met(f) })));
  const failures = results.filter((r) => r.error !== undefined).map((r) => ({ bench: r.bench, error: r.error! }));
  const [a, b, c] = loadavg();
  return {
    kind: 'outpost-bench',
    version: 1,
    date: date.toISOString(),
    machine: { cpus: cpus().length, loadavg: [a!, b!, c!] },
    figures,
    failures,
    missed: figures.filter((f) => !f.met).length,
  };
}

const num = (unit: string, v: number) => v.toFixed(unit === 'ms' ? 0 : unit === 'MB' ? 1 : 2);

/** One table row: median, min–max, n, then the target and the detail. */
export function tableRow(f: Figure): string {
  const s = f.stats;
  const spread = s.n > 1 ? `${num(f.unit, s.min)}–${num(f.unit, s.max)}` : '';
  const target = f.target ? `  target ${f.target.text}: ${met(f) ? 'met' : 'MISSED'}` : '';
  return `${f.name.padEnd(70)} ${num(f.unit, s.median).padStart(8)} ${f.unit.padEnd(3)} ${spread.padStart(15)} n=${String(s.n).padEnd(3)}${target}${f.detail ? `  ${f.detail}` : ''}`;
}

export const tableHeader = `${'figure'.padEnd(70)} ${'median'.padStart(8)}     ${'min–max'.padStart(15)} runs`;

/**
 * `node --import PEAK_HOOK …` makes a child print `outpost-maxrss <kB>` on exit.
 * Peak memory is the process's own VmHWM: resourceUsage().maxRSS carries over the parent's
 * peak across fork + exec on Linux, so a bench harness holding 260 MB made every child
 * report 260 MB.
 */
const PEAK_HOOK = `data:text/javascript,import{readFileSync as r}from'node:fs';process.on('exit',()=>{const h=/VmHWM:\\s*(\\d+)/.exec(r('/proc/self/status','utf8'));process.stderr.write('outpost-maxrss '+(h&&h[1]||process.resourceUsage().maxRSS)+'\\n')})`;

/** CPU time (user + system, ms) of this process's children reaped so far (/proc/self/stat, 10 ms ticks). */
export function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

/**
 * The environment outpost's processes are started with here: this one's, without
 * NODE_EXTRA_CA_CERTS. Node 20 reads and parses that certificate bundle as it starts, before
 * any code of outpost runs (`node -e 0` took 97 ms with this machine's bundle against 32 ms
 * without it), and no benched command opens a TLS connection that would trust it (the lab
 * directories are plain ldap://, or named with their CA file). This machine sets it for its
 * own proxies; a fresh Debian machine does not. start.bench.ts shows Node's start both ways.
 */
export function outpostEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export interface FreshRuns {
  readonly wall: number[];
  readonly cpuMs: number[];
  readonly rssMB: number[];
}

/**
 * A fresh `node ARGS` process as the user starts it, timed `n` times, then started
 * `peakRuns` more times with PEAK_HOOK for its peak memory alone: the hook's module load
 * (~15 ms) stays out of the timed runs. `before` runs ahead of every start (clearing the
 * output folder, say); a run that exits with a code not in `exitCodes` (0 alone by default)
 * stops the bench.
 */
export function freshRuns(args: readonly string[], n: number, o: { peakRuns?: number; before?: () => void; exitCodes?: readonly number[] } = {}): FreshRuns {
  const wall: number[] = [];
  const cpuMs: number[] = [];
  const rssMB: number[] = [];
  const start = (hook: boolean) => {
    o.before?.();
    const r = spawnSync(process.execPath, hook ? ['--import', PEAK_HOOK, ...args] : [...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: outpostEnv() });
    if (!(o.exitCodes ?? [0]).includes(r.status ?? -1)) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${(r.stderr ?? '').slice(-400)}`);
    return r;
  };
  for (let i = 0; i < n; i++) {
    const cpu0 = childrenCpuMs();
    const t = performance.now();
    start(false);
    wall.push(performance.now() - t);
    cpuMs.push(childrenCpuMs() - cpu0);
  }
  for (let i = 0; i < (o.peakRuns ?? 3); i++) {
    const peak = /outpost-maxrss (\d+)/.exec(start(true).stderr);
    rssMB.push(Number(peak?.[1] ?? 0) / 1024);
  }
  return { wall, cpuMs, rssMB };
}
