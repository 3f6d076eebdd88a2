// `pbx apply` as a function: read the kits' rows and the store, plan, and (unless dry
// run) write the plan in one transaction. The CLI, the benchmark, the lab and offboarding
// call it; it prints nothing.
import { fail, ok, type Result } from '../diagnostics.js';
import type { Person } from '../people/index.js';
import { planSubscribers, type PbxPlan, type SubscriberChange } from './provision.js';
import { applySubscribers, readKitRows, readSubscribers } from './store.js';

export interface ProvisionOptions {
  readonly people: readonly Person[];
  readonly kitsDir: string;
  readonly dbFile: string;
  readonly domain: string;
  readonly today: string;
  readonly dryRun?: boolean;
}

export interface Provisioned extends PbxPlan {
  readonly applied: boolean;
}

/** Throws StoreError when the store cannot be read or written; bad rows are diagnostics. */
export function provisionSubscribers(o: ProvisionOptions): Result<Provisioned> {
  const kit = readKitRows(o.kitsDir, o.people);
  if (kit.diagnostics.length) return fail(kit.diagnostics);
  const plan = planSubscribers({ people: o.people, rows: kit.rows, current: readSubscribers(o.dbFile), domain: o.domain, today: o.today, kitsDir: o.kitsDir });
  if (!plan.ok) return plan;
  const write = !o.dryRun && plan.value.changes.length > 0;
  if (write) applySubscribers(o.dbFile, plan.value.changes);
  return ok({ ...plan.value, applied: write }, plan.diagnostics);
}

/** Removes every subscriber of one agent (offboarding), in one transaction. */
export function removeAgentSubscribers(dbFile: string, agent: string): SubscriberChange[] {
  const changes: SubscriberChange[] = readSubscribers(dbFile)
    .filter((r) => r.agent === agent)
    .map((row) => ({ op: 'remove', row, why: `${agent} offboarded` }));
  if (changes.length) applySubscribers(dbFile, changes);
  return changes;
}
