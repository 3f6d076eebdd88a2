// The audit as one self-contained HTML file (no script, no external resource): the
// verdict, pass rates per control drawn as bars, a site x control grid, then every
// finding with its object, evidence and fix. Printable and safe to mail.
import { totals } from '../engine.js';
import type { AuditReport, ControlResult, Finding } from '../model.js';
import type { summary } from './index.js';
import { where } from './where.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pct = (passed: number, checked: number) => (checked ? Math.floor((passed / checked) * 1000) / 10 : 100);

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2530;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#5b6675;margin-bottom:16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border-radius:8px;padding:12px 16px;min-width:120px;color:#fff}
.card b{display:block;font-size:26px}
.ok{background:#2e7d32}.bad{background:#c62828}.ne{background:#6d7885}.info{background:#1f5fa8}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d5dae1;padding:3px 6px;text-align:left}
th{background:#eef1f5}.grid td{text-align:center;min-width:34px}
.p100{background:#c8e6c9}.pmid{background:#fff3c4}.plow{background:#ffcdd2}.pna{color:#8a94a3}
.finding{border-left:4px solid #c62828;padding:6px 10px;margin:10px 0;background:#fafbfc}
.finding.waived{border-color:#6d7885}
pre{white-space:pre-wrap;margin:4px 0;font-size:12px}
.sev{font-weight:bold;text-transform:uppercase}
`;

function bars(controls: readonly ControlResult[]): string {
  const rows = controls.filter((c) => c.status !== 'not-evaluated');
  const h = 22;
  const width = 720;
  const label = 230;
  const body = rows
    .map((c, i) => {
      const t = totals(c);
      const p = pct(t.checked - t.failed, t.checked);
      const w = Math.round(((width - label - 70) * p) / 100);
      const y = i * h;
      return (
        `<text x="0" y="${y + 15}" font-size="12">${esc(c.id)}</text>` +
        `<rect x="${label}" y="${y + 3}" width="${width - label - 70}" height="${h - 8}" fill="#ffcdd2"/>` +
        `<rect x="${label}" y="${y + 3}" width="${w}" height="${h - 8}" fill="${p === 100 ? '#2e7d32' : '#ef6c00'}"/>` +
        `<text x="${width - 62}" y="${y + 15}" font-size="12">${p}%</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${rows.length * h}" role="img" aria-label="pass rate per control">${body}</svg>`;
}

function grid(report: AuditReport): string {
  const sites = [...report.sites, '-'];
  const head = `<tr><th>control</th>${sites.map((s) => `<th>${esc(s === '-' ? 'other' : s)}</th>`).join('')}</tr>`;
  const rows = report.controls.map((c) => {
    const failed = new Map<string, number>();
    for (const f of c.findings) failed.set(f.object.site ?? '-', (failed.get(f.object.site ?? '-') ?? 0) + 1);
    const cells = sites.map((s) => {
      const n = c.checked[s];
      if (!n) return '<td class="pna">-</td>';
      const p = pct(n - (failed.get(s) ?? 0), n);
      return `<td class="${p === 100 ? 'p100' : p >= 80 ? 'pmid' : 'plow'}" title="${n} checked">${p}%</td>`;
    });
    return `<tr><td>${esc(c.id)}</td>${cells.join('')}</tr>`;
  });
  return `<table class="grid">${head}${rows.join('')}</table>`;
}

const findingHtml = (f: Finding) =>
  `<div class="finding${f.waiver ? ' waived' : ''}"><span class="sev">${f.severity}</span> <b>${esc(f.control)}</b> [${f.against}] ${esc(where(f.object))}` +
  `${f.waiver ? ` <i>waived until ${esc(f.waiver.expires)} by ${esc(f.waiver.owner)}: ${esc(f.waiver.reason)}</i>` : ''}` +
  `<pre>${esc(f.evidence)}</pre>${f.waiver ? '' : `<div>Fix: ${esc(f.fix)}</div>`}</div>`;

export function html(report: AuditReport, s: ReturnType<typeof summary>): string {
  const verdict = s.blocking ? `${s.blocking} finding(s) at or above ${s.failOn}` : `no finding at or above ${s.failOn}`;
  const controlRows = report.controls
    .map((c) => {
      const t = totals(c);
      return `<tr><td>${c.status === 'pass' ? 'PASS' : c.status === 'fail' ? 'FAIL' : 'not evaluated'}</td><td>${c.severity}</td><td>${esc(c.id)}</td><td>${esc(c.title)}</td><td>${c.status === 'not-evaluated' ? esc(c.reason ?? '') : `${t.checked - t.failed}/${t.checked}`}</td></tr>`;
    })
    .join('');
  const findings = report.controls.flatMap((c) => [...c.findings, ...c.waived]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>outpost audit ${esc(report.date)}</title><style>${CSS}</style></head>
<body>
<h1>outpost audit: ${esc(verdict)}</h1>
<div class="meta">${report.sites.length} site(s), against ${esc(report.against.join(', '))}, ${esc(report.date)}, policy ${esc(report.policyFile)}</div>
<div class="cards" id="summary">
<div class="card ok"><b>${s.pass}</b>controls pass</div>
<div class="card ${s.fail ? 'bad' : 'ok'}"><b>${s.fail}</b>controls fail</div>
<div class="card ne"><b>${s.notEvaluated}</b>not evaluated</div>
<div class="card ${s.blocking ? 'bad' : 'ok'}"><b>${s.findings}</b>findings (${s.blocking} ${esc(s.failOn)}+)</div>
<div class="card info"><b>${s.waived}</b>waived</div>
</div>
<h2>Pass rate per control</h2>
${bars(report.controls)}
<h2>Sites</h2>
${grid(report)}
<h2>Controls</h2>
<table><tr><th>status</th><th>severity</th><th>control</th><th>title</th><th>passed</th></tr>${controlRows}</table>
<h2>Findings (${findings.length})</h2>
${findings.map(findingHtml).join('\n') || '<p>None.</p>'}
</body></html>
`;
}
