// One audit report, several readers: a table for people at a terminal, JSON for scripts,
// JUnit and SARIF for pipelines and code-scanning views, one HTML file for the record.
import { blocking, totals } from '../engine.js';
import type { AuditReport, FindingSeverity } from '../model.js';
import { html } from './html.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';
import { table } from './table.js';

export const FORMATS = ['table', 'json', 'junit', 'sarif', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export function summary(report: AuditReport, failOn: FindingSeverity) {
  const count = (s: string) => report.controls.filter((c) => c.status === s).length;
  return {
    controls: report.controls.length,
    pass: count('pass'),
    fail: count('fail'),
    notEvaluated: count('not-evaluated'),
    findings: report.controls.reduce((n, c) => n + c.findings.length, 0),
    waived: report.controls.reduce((n, c) => n + c.waived.length, 0),
    failOn,
    blocking: blocking(report, failOn).length,
  };
}

export function formatReport(report: AuditReport, format: Format, failOn: FindingSeverity): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ ok: blocking(report, failOn).length === 0, summary: summary(report, failOn), ...report, controls: report.controls.map((c) => ({ ...c, ...totals(c) })) }, null, 2)}\n`;
    case 'junit':
      return junit(report);
    case 'sarif':
      return `${JSON.stringify(sarif(report), null, 2)}\n`;
    case 'html':
      return html(report, summary(report, failOn));
    default:
      return table(report, summary(report, failOn));
  }
}
