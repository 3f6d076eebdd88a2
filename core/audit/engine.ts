// Runs the controls the security policy names over the audit inputs: scope, pass rates,
// findings and waivers. Pure: the inputs were gathered once by the caller.
import { CONTROLS, type ControlContext } from './controls/index.js';
import { globMatch } from '../glob.js';
import { severityRank, type Against, type AuditInputs, type AuditReport, type ControlResult, type Finding, type FindingSeverity, type SecurityPolicy } from './model.js';

export function runAudit(inputs: AuditInputs, policy: SecurityPolicy, against: readonly Against[]): AuditReport {
  const available = against.filter((a) => (a === 'running' ? !!inputs.running : a === 'directory' ? !!inputs.accounts : true));
  const waivers = policy.waivers.map((w) => ({ w, matches: (id: string) => globMatch(w.object, id) }));
  const controls = policy.controls.map((def): ControlResult => {
    const base = { id: def.id, title: def.title, severity: def.severity, rationale: def.rationale, source: def.source };
    const empty = { checked: {}, findings: [], waived: [], unknown: [] };
    const impl = CONTROLS.get(def.id)!;
    const usable = impl.needs.filter((n) => available.includes(n));
    if (!usable.length) return { ...base, ...empty, status: 'not-evaluated', reason: `reads the ${impl.needs.join(' or ')} state; this audit has ${available.join(', ') || 'none'}` };
    const ctx: ControlContext = { inputs, def, against: usable };
    const missing = impl.missing?.(ctx);
    if (missing) return { ...base, ...empty, status: 'not-evaluated', reason: missing };

    // The waivers of this control, looked for only when there are some (most have none).
    const mine = waivers.filter((x) => x.w.control === def.id);
    const checked: Record<string, number> = {};
    const findings: Finding[] = [];
    const waived: Finding[] = [];
    const unknown: ControlResult['unknown'][number][] = [];
    for (const c of impl.run(ctx)) {
      // What the running config does not show is neither a pass nor a finding.
      if (c.unknown !== undefined && c.problem === undefined) {
        unknown.push({ object: c.object, against: c.against, reason: c.unknown });
        continue;
      }
      const site = c.object.site ?? '-';
      checked[site] = (checked[site] ?? 0) + 1;
      if (c.problem === undefined) continue;
      const finding: { -readonly [K in keyof Finding]: Finding[K] } = {
        control: def.id,
        title: def.title,
        severity: def.severity,
        against: c.against,
        object: c.object,
        evidence: c.problem,
        fix: def.fix,
      };
      // Most controls have no waiver: nothing to look for (set last, where the record has them).
      if (!mine.length) {
        findings.push(finding);
        continue;
      }
      const covering = mine.filter((x) => x.matches(c.object.id)).map((x) => x.w);
      const active = covering.find((w) => w.expires >= inputs.date);
      const expired = covering.find((w) => w.expires < inputs.date);
      if (active) finding.waiver = active;
      else if (expired) finding.expiredWaiver = expired;
      (active ? waived : findings).push(finding);
    }
    if (!findings.length && !Object.keys(checked).length && unknown.length) {
      return { ...base, status: 'not-evaluated', reason: `the running config of ${unknown.length} object${unknown.length > 1 ? 's' : ''} does not show it (${unknown[0]!.object.id}: ${unknown[0]!.reason})`, checked, findings, waived, unknown };
    }
    return { ...base, status: findings.length ? 'fail' : 'pass', checked, findings, waived, unknown };
  });
  const sites = inputs.sites.map((s) => s.code);
  return { date: inputs.date, against: available, sites, policyFile: policy.file, controls };
}

/** Findings not waived, at or above the given severity: what makes `outpost audit` exit 1. */
export function blocking(report: AuditReport, failOn: FindingSeverity): Finding[] {
  // One pass, no list of every finding first: a national audit has thousands, and the
  // CLI asks this for the report, its summary and the exit code.
  const min = severityRank(failOn);
  const out: Finding[] = [];
  for (const c of report.controls) for (const f of c.findings) if (severityRank(f.severity) >= min) out.push(f);
  return out;
}

export function totals(c: ControlResult): { checked: number; failed: number } {
  const checked = Object.values(c.checked).reduce((a, b) => a + b, 0);
  // Each check gives at most one finding; waived ones count as passed.
  return { checked, failed: c.findings.length };
}
