// SARIF 2.1.0: each control a rule, each finding a result located at the file and line
// that defines the object (inventory, access policy or people file), waived findings
// carried as suppressions so code-scanning views show them as such.
import type { AuditReport, FindingSeverity } from '../model.js';

const LEVEL: Record<FindingSeverity, 'note' | 'warning' | 'error'> = { info: 'note', low: 'note', medium: 'warning', high: 'error', critical: 'error' };
/** GitHub-style numeric severity, so views sort security findings the same way. */
const SCORE: Record<FindingSeverity, string> = { info: '0.0', low: '3.0', medium: '5.5', high: '8.0', critical: '9.5' };

export function sarif(report: AuditReport) {
  const rules = report.controls.map((c) => ({
    id: c.id,
    name: c.id.replace(/(^|-)([a-z])/g, (_, __, ch: string) => ch.toUpperCase()),
    shortDescription: { text: c.title },
    fullDescription: { text: c.rationale },
    help: { text: c.findings[0]?.fix ?? c.waived[0]?.fix ?? c.rationale },
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: { 'security-severity': SCORE[c.severity], tags: ['security', 'outpost'] },
  }));
  const results = report.controls.flatMap((c, ruleIndex) =>
    [...c.findings, ...c.waived].map((f) => ({
      ruleId: c.id,
      ruleIndex,
      level: LEVEL[f.severity],
      message: { text: `${f.object.id}: ${f.evidence}\nFix: ${f.fix}` },
      locations: [
        {
          ...(f.object.at ? { physicalLocation: { artifactLocation: { uri: f.object.at.file }, region: { startLine: f.object.at.line, startColumn: f.object.at.col } } } : {}),
          logicalLocations: [{ name: f.object.id, fullyQualifiedName: [f.object.site, f.object.id].filter(Boolean).join('/'), kind: f.object.kind === 'account' ? 'member' : 'object' }],
        },
      ],
      properties: { against: f.against, object: f.object.kind, ...(f.object.site ? { site: f.object.site } : {}) },
      ...(f.waiver ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.waiver.reason} (owner ${f.waiver.owner}, until ${f.waiver.expires})` }] } : {}),
    })),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'outpost', semanticVersion: '0.1.0', rules } },
        invocations: [{ executionSuccessful: true, properties: { date: report.date, against: report.against, sites: report.sites } }],
        results,
      },
    ],
  };
}
