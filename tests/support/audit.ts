// Audit fixtures: a temp copy of the example inventory AND its policies (edits may touch
// either), and the audit run on it in-process, as `outpost audit` runs it.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatherInputs, knownControls, loadSecurityPolicy, runAudit, type Against, type AuditReport, type Finding } from '../../core/audit/index.js';
import type { DriftResult } from '../../core/deliver/index.js';
import type { AccountSnapshot } from '../../core/directory/index.js';
import { loadIdentity } from '../../core/people/index.js';
import { loadPolicy } from '../../core/policy/index.js';
import { applyEdits, repoRoot, type Edit } from './inventory.js';

/** An edit of a workspace file: `inventory/org.yaml`, `policies/access.yaml`... */
export type RootEdit = Edit;

export function auditWorkspace(edits: readonly RootEdit[] = []): { root: string; inventory: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'outpost-audit-'));
  cpSync(join(repoRoot, 'inventory'), join(root, 'inventory'), { recursive: true });
  cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
  applyEdits(root, edits);
  return { root, inventory: join(root, 'inventory'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface AuditRun {
  readonly against?: readonly Against[];
  readonly date?: string;
  readonly sites?: readonly string[];
  readonly drift?: readonly DriftResult[];
  readonly accounts?: readonly AccountSnapshot[];
}

/** The audit of a workspace (or the repository itself), in-process. */
export function auditOf(root: string, run: AuditRun = {}): AuditReport {
  const ctx = loadIdentity(join(root, 'inventory'), join(root, 'policies', 'access.yaml'));
  if (!ctx.ok) throw new Error(`workspace does not load: ${ctx.diagnostics.map((d) => d.message).join('; ')}`);
  const policy = loadPolicy(ctx.value.policyFile, ctx.value.inventory);
  if (!policy.ok) throw new Error('policy does not load');
  const security = loadSecurityPolicy(join(root, 'policies', 'security.yaml'), ctx.value.inventory, policy.value, knownControls());
  if (!security.ok) throw new Error(`security policy does not load: ${security.diagnostics.map((d) => d.message).join('; ')}`);
  const inputs = gatherInputs({
    inventory: ctx.value.inventory,
    policy: policy.value,
    date: run.date ?? '2026-11-24',
    people: ctx.value.people,
    ...(run.sites ? { sites: run.sites } : {}),
    ...(run.drift ? { drift: run.drift } : {}),
    ...(run.accounts ? { accounts: run.accounts } : {}),
  });
  return runAudit(inputs, security.value, run.against ?? ['intended']);
}

export const findingsOf = (r: AuditReport, control?: string): Finding[] => r.controls.filter((c) => !control || c.id === control).flatMap((c) => c.findings);
