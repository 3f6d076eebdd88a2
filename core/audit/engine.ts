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
    const empty = { checked: {}, findings: [], waived: [] };
    const impl = CONTROLS.get(def.id)!;
    const usable = impl.needs.filter((n) => available.includes(n));
    if (!usable.length) return { ...base, ...empty, status: 'not-evaluated', reason: `reads the ${impl.needs.join(' or ')} state; this audit has ${available.join(', ') || 'none'}` };
    const ctx: ControlContext = { inputs, def, against: usable };
    const missing = impl.missing?.(ctx);
    if (missing) return { ...base, ...empty, status: 'not-evaluated', reason: missing };

    const checked: Record<string, number> = {};
    const findings: Finding[] = [];
    const waived: Finding[] = [];
    for (const c of impl.run(ctx)) {
      const site = c.object.site ?? '-';
      checked[site] = (checked[site] ?? 0) + 1;
      if (c.problem === undefined) continue;
      const covering = waivers.filter((x) => x.w.control === def.id && x.matches(c.object.id)).map((x) => x.w);
      const active = covering.find((w) => w.expires >= inputs.date);
      const expired = covering.find((w) => w.expires < inputs.date);
      const finding: Finding = {
        control: def.id,
        title: def.title,
        severity: def.severity,
        against: c.against,
        object: c.object,
        evidence: c.problem,
        fix: def.fix,
        ...(active ? { waiver: active } : expired ? { expiredWaiver: expired } : {}),
      };
      (active ? waived : findings).push(finding);
    }
    return { ...base, status: findings.length ? 'fail' : 'pass', checked, findings, waived };
  });
  const sites = inputs.sites.map((s) => s.code);
  return { date: inputs.date, against: available, sites, policyFile: policy.file, controls };
}

/** Findings not waived, at or above the given severity: what makes `outpost audit` exit 1. */
export function blocking(report: AuditReport, failOn: FindingSeverity): Finding[] {
  return report.controls.flatMap((c) => c.findings).filter((f) => severityRank(f.severity) >= severityRank(failOn));
}

export function totals(c: ControlResult): { checked: number; failed: number } {
  const checked = Object.values(c.checked).reduce((a, b) => a + b, 0);
  // Each check gives at most one finding; waived ones count as passed.
  return { checked, failed: c.findings.length };
}
