// Live progress of a push on stderr: on a terminal, one line per device redrawn in
// place with its phases; otherwise (CI, pipes) one plain line per finished phase.
import { PHASES, SUCCESS, type DeviceResult, type PushEvent } from './types.js';

export interface ProgressStream {
  write(s: string): unknown;
  readonly isTTY?: boolean;
  readonly rows?: number;
}

export interface Progress {
  event(e: PushEvent): void;
  finish(): void;
}

interface Row {
  phase?: string;
  state: 'waiting' | 'running' | 'ok' | 'failed';
  done: string[];
  outcome?: string;
}

export function createProgress(out: ProgressStream, devices: readonly string[], opts: { color: boolean; live?: boolean }): Progress {
  const t0 = Date.now();
  const width = Math.max(...devices.map((d) => d.length), 6);
  const paint = (code: string, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const live = opts.live ?? out.isTTY === true;
  const rows = new Map<string, Row>(devices.map((d) => [d, { state: 'waiting', done: [] }]));
  const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`.padStart(6);

  if (!live) {
    return {
      event(e) {
        if (e.status === 'start') return;
        const what = e.phase === 'done' ? `${e.outcome}${e.detail ? `: ${e.detail}` : ''}` : `${e.phase} ${e.status}${e.detail ? `: ${e.detail}` : ''}`;
        out.write(`[${secs()}] ${e.device.padEnd(width)} ${what.split('\n')[0]}\n`);
      },
      finish() {},
    };
  }

  const icon = (r: Row) => (r.state === 'ok' ? paint('32', '✔') : r.state === 'failed' ? paint('31', '✗') : r.state === 'running' ? paint('36', '›') : ' ');
  const line = (d: string, r: Row) => {
    const phases = PHASES.map((p) => (r.done.includes(p) ? p : p === r.phase ? (r.state === 'failed' ? paint('31', p) : paint('1', p)) : paint('2', p))).join(' ');
    return `${icon(r)} ${d.padEnd(width)} ${r.outcome ? `${phases}  ${r.outcome}` : phases}`;
  };
  let drawn = 0;
  let dirty = false;
  const draw = () => {
    if (!dirty) return;
    dirty = false;
    const max = Math.max(5, (out.rows ?? 40) - 2);
    let list = [...rows];
    let footer = '';
    if (list.length > max) {
      // Too many for the screen: show the active and failed ones, count the rest.
      const finished = list.filter(([, r]) => r.state === 'ok').length;
      const waiting = list.filter(([, r]) => r.state === 'waiting').length;
      list = list.filter(([, r]) => r.state === 'running' || r.state === 'failed').slice(0, max - 1);
      footer = `  ${finished} done, ${waiting} waiting`;
    }
    const text = [...list.map(([d, r]) => line(d, r)), ...(footer ? [footer] : [])];
    let s = drawn ? `\u001b[${drawn}A` : '';
    for (const l of text) s += `\u001b[2K${l}\n`;
    for (let i = text.length; i < drawn; i++) s += '\u001b[2K\n';
    const total = Math.max(drawn, text.length);
    if (total > text.length) s += `\u001b[${total - text.length}A`;
    drawn = text.length;
    out.write(s);
  };
  const timer = setInterval(draw, 80);
  timer.unref();
  return {
    event(e) {
      const r = rows.get(e.device);
      if (!r) return;
      dirty = true;
      if (e.phase === 'done') {
        r.state = e.outcome && SUCCESS.has(e.outcome) ? 'ok' : 'failed';
        r.outcome = e.outcome;
        return;
      }
      if (e.status === 'start') {
        r.phase = e.phase;
        r.state = 'running';
      } else if (e.status === 'ok') r.done.push(e.phase);
      else r.state = 'failed';
    },
    finish() {
      clearInterval(timer);
      dirty = true;
      draw();
    },
  };
}

const secondsOf = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The summary table printed after a push, and one line saying what failed. */
export function summaryTable(results: readonly DeviceResult[]): string {
  const head = ['DEVICE', 'PLATFORM', 'RESULT', 'TIME', 'DETAIL'];
  const body = results.map((r) => [r.device, r.platform, r.outcome, secondsOf(r.ms), r.detail.split('\n')[0]!]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(w[i]!))).join('  ');
  const counts = new Map<string, string[]>();
  for (const r of results) counts.set(r.outcome, [...(counts.get(r.outcome) ?? []), r.device]);
  const failed = results.filter((r) => !SUCCESS.has(r.outcome));
  const tally = [...counts].map(([o, ds]) => (SUCCESS.has(o as DeviceResult['outcome']) ? `${ds.length} ${o}` : `${ds.length} ${o} (${ds.join(', ')})`)).join(', ');
  return [fmt(head), ...body.map(fmt), '', `${results.length} device(s): ${tally}${failed.length ? '' : '; all done'}`].join('\n');
}
