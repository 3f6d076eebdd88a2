// The ordered, pure phases from inventory files to artefacts, in one place:
// load -> (compile policy) -> plan (address, ports, intents) -> render.
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { closest } from './names.js';
import { loadInventory, type Inventory } from './inventory/index.js';
import { planInventory, type InventoryPlan, type RuleCompiler, type SitePlan } from './plan/index.js';
import { CENTRAL, platformCatalogue, renderSites, type Artefact } from './render/index.js';

export interface PipelineOptions {
  readonly inventoryDir: string;
  /** Only these sites; all when omitted. */
  readonly sites?: readonly string[];
  /** Stop after planning (validate, plan). */
  readonly render?: boolean;
  /** Access-policy compiler for firewall rules; the policy stage provides it. */
  readonly rules?: (inv: Inventory) => {
    readonly compiler?: RuleCompiler;
    readonly diagnostics: readonly Diagnostic[];
    /** Central servers (VPN gateways) rendered from every planned site: full renders only. */
    readonly central?: (sites: readonly SitePlan[]) => readonly Artefact[];
  };
}

export interface PipelineResult {
  readonly inventory?: Inventory;
  readonly plan?: InventoryPlan;
  readonly artefacts: readonly Artefact[];
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

export function runPipeline(options: PipelineOptions): PipelineResult {
  const loaded = loadInventory(options.inventoryDir, { platforms: platformCatalogue() });
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  if (!loaded.ok) return { artefacts: [], diagnostics, ok: false };
  const inventory = loaded.value;
  const unknown = (options.sites ?? []).filter((c) => !inventory.sites.some((s) => s.code === c));
  if (unknown.length) {
    // The path names the flag: an unknown name on the command line is a usage error (exit 2).
    const known = inventory.sites.map((s) => s.code);
    for (const code of unknown) {
      const hint = closest(code, known);
      diagnostics.push({ severity: 'error', code: 'unknown-site', path: '--site', message: `no site ${code} in ${options.inventoryDir}/sites${hint ? `; did you mean ${hint}?` : ''} (known: ${known.join(', ')})` });
    }
    return { inventory, artefacts: [], diagnostics, ok: false };
  }
  const reserved = inventory.sites.find((s) => s.code === CENTRAL);
  if (reserved) diagnostics.push({ severity: 'error', code: 'reserved-site-code', message: `site code ${CENTRAL} is reserved for the central servers' folder of out/: rename the site`, ...reserved.source, path: 'site.code' });
  const policy = options.rules?.(inventory);
  diagnostics.push(...(policy?.diagnostics ?? []));
  if (hasErrors(diagnostics)) return { inventory, artefacts: [], diagnostics, ok: false };
  const plan = planInventory(inventory, {
    ...(options.sites ? { sites: options.sites } : {}),
    ...(policy?.compiler ? { rules: policy.compiler } : {}),
  });
  diagnostics.push(...plan.diagnostics);
  if (hasErrors(diagnostics) || options.render === false) return { inventory, plan, artefacts: [], diagnostics, ok: !hasErrors(diagnostics) };
  const rendered = renderSites(plan.sites);
  diagnostics.push(...rendered.diagnostics);
  const artefacts = options.sites || !policy?.central ? rendered.artefacts : [...rendered.artefacts, ...policy.central(plan.sites)].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { inventory, plan, artefacts, diagnostics, ok: !hasErrors(diagnostics) };
}
