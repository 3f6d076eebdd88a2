// JUnit XML, the report every CI system shows: one suite per control, one failing case
// per finding, one passing case per site for the objects that pass, a skipped case for
// a control that could not be evaluated.
import { totals } from '../engine.js';
import type { AuditReport, ControlResult } from '../model.js';
import { where } from './where.js';

const esc = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

function cases(c: ControlResult): string[] {
  const cls = esc(`outpost.audit.${c.id}`);
  if (c.status === 'not-evaluated') return [`    <testcase classname="${cls}" name="not evaluated"><skipped message="${esc(c.reason ?? '')}"/></testcase>`];
  const out: string[] = [];
  for (const f of c.findings) {
    out.push(
      `    <testcase classname="${cls}" name="${esc(`${f.object.id} [${f.against}]`)}">`,
      `      <failure type="${f.severity}" message="${esc(f.evidence.split('\n')[0]!)}">${esc(`${where(f.object)}\n${f.evidence}\nfix: ${f.fix}`)}</failure>`,
      '    </testcase>',
    );
  }
  for (const f of c.waived) {
    out.push(`    <testcase classname="${cls}" name="${esc(`${f.object.id} [${f.against}]`)}"><skipped message="${esc(`waived until ${f.waiver!.expires} by ${f.waiver!.owner}: ${f.waiver!.reason}`)}"/></testcase>`);
  }
  // Objects the running config does not show are skipped, never counted as passing.
  for (const u of c.unknown) out.push(`    <testcase classname="${cls}" name="${esc(`${u.object.id} [${u.against}]`)}"><skipped message="${esc(`not evaluated: ${u.reason}`)}"/></testcase>`);
  const failedPerSite = new Map<string, number>();
  for (const f of [...c.findings, ...c.waived]) failedPerSite.set(f.object.site ?? '-', (failedPerSite.get(f.object.site ?? '-') ?? 0) + 1);
  for (const [site, n] of Object.entries(c.checked).sort()) {
    const passed = n - (failedPerSite.get(site) ?? 0);
    if (passed > 0) out.push(`    <testcase classname="${cls}" name="${esc(`${site === '-' ? 'outside sites' : site}: ${passed} object(s) pass`)}"/>`);
  }
  return out;
}

export function junit(report: AuditReport): string {
  const suites = report.controls.map((c) => {
    const body = cases(c);
    const tests = body.filter((l) => l.trimStart().startsWith('<testcase')).length;
    const skipped = c.status === 'not-evaluated' ? 1 : c.waived.length + c.unknown.length;
    return { c, body, tests, failures: c.findings.length, skipped };
  });
  const sum = (k: 'tests' | 'failures' | 'skipped') => suites.reduce((n, s) => n + s[k], 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="outpost audit" tests="${sum('tests')}" failures="${sum('failures')}" errors="0" skipped="${sum('skipped')}">`,
  ];
  for (const s of suites) {
    const t = totals(s.c);
    lines.push(
      `  <testsuite name="${esc(s.c.id)}" tests="${s.tests}" failures="${s.failures}" errors="0" skipped="${s.skipped}" timestamp="${report.date}T00:00:00">`,
      '    <properties>',
      `      <property name="title" value="${esc(s.c.title)}"/>`,
      `      <property name="severity" value="${s.c.severity}"/>`,
      `      <property name="objects-checked" value="${t.checked}"/>`,
      `      <property name="defined-at" value="${esc(`${s.c.source.file}:${s.c.source.line}`)}"/>`,
      '    </properties>',
      ...s.body,
      '  </testsuite>',
    );
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
