// The terminal report: one line per control with its pass rate, then each finding with
// its object, evidence and fix, then the verdict against --fail-on.
import { totals } from '../engine.js';
import type { AuditReport } from '../model.js';
import type { summary } from './index.js';
import { where } from './where.js';

const STATUS = { pass: 'PASS', fail: 'FAIL', 'not-evaluated': 'N/E' } as const;

export function table(report: AuditReport, s: ReturnType<typeof summary>): string {
  const lines: string[] = [];
  const idw = Math.max(7, ...report.controls.map((c) => c.id.length));
  lines.push(`Audit of ${report.sites.length} site(s) against ${report.against.join(', ')} on ${report.date} (${report.policyFile})`, '');
  lines.push(`${'STATUS'.padEnd(6)}  ${'SEVERITY'.padEnd(8)}  ${'CONTROL'.padEnd(idw)}  ${'PASSED'.padStart(13)}  TITLE`);
  for (const c of report.controls) {
    const t = totals(c);
    const rate = c.status === 'not-evaluated' ? '-' : `${t.checked - t.failed}/${t.checked}`;
    lines.push(`${STATUS[c.status].padEnd(6)}  ${c.severity.padEnd(8)}  ${c.id.padEnd(idw)}  ${rate.padStart(13)}  ${c.title}${c.reason ? ` (not evaluated: ${c.reason})` : ''}${c.status !== 'not-evaluated' && c.unknown.length ? ` (${c.unknown.length} not evaluated: ${c.unknown[0]!.object.id}: ${c.unknown[0]!.reason}${c.unknown.length > 1 ? ', ...' : ''})` : ''}`);
  }
  for (const c of report.controls) {
    for (const f of [...c.findings, ...c.waived]) {
      lines.push('', `${f.severity.toUpperCase()} ${f.control} [${f.against}] ${where(f.object)}${f.waiver ? ` - waived until ${f.waiver.expires} by ${f.waiver.owner}: ${f.waiver.reason}` : ''}`);
      lines.push(...f.evidence.split('\n').map((l) => `  ${l}`));
      if (f.expiredWaiver) lines.push(`  (waiver ${f.expiredWaiver.source.file}:${f.expiredWaiver.source.line} expired on ${f.expiredWaiver.expires})`);
      if (!f.waiver) lines.push(`  fix: ${f.fix}`);
    }
  }
  lines.push(
    '',
    `${s.controls} controls: ${s.pass} pass, ${s.fail} fail, ${s.notEvaluated} not evaluated; ${s.findings} finding(s), ${s.waived} waived; ${s.blocking} at or above ${s.failOn}`,
  );
  return `${lines.join('\n')}\n`;
}
