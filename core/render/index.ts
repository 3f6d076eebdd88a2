// Public face of the render stage: intents in, artefacts (path -> content + sha256) out.
// Pure: writing files is the CLI's job, pushing them the delivery stage's.
import { sha256Hex } from '../digest.js';
import { error, type Diagnostic } from '../diagnostics.js';
import type { Inventory } from '../inventory/index.js';
import { planInventory, type DeviceIntent, type DeviceKind, type RuleCompiler, type SitePlan } from '../plan/index.js';
import { targetFor } from './targets.js';

export { platformCatalogue, targetFor } from './targets.js';
export { secretPlaceholder } from './helpers.js';
export type { Target, RenderedFile, RuleOrigin } from './target.js';
export { renderGateways, gatewayPlatforms, centralArtefacts, CENTRAL } from './central.js';
export type * from './running.js';

export interface Artefact {
  /** Relative to the output folder: `<site>/<hostname><suffix>`. */
  readonly path: string;
  readonly site: string;
  readonly device: string;
  readonly platform: string;
  readonly kind: DeviceKind | 'vpn' | 'radius' | 'pbx';
  readonly content: string;
  readonly sha256: string;
}

export interface Manifest {
  readonly generator: 'outpost';
  readonly formatVersion: 1;
  readonly artefacts: readonly (Omit<Artefact, 'content'> & { readonly bytes: number })[];
}

export const sha256: (s: string) => string = sha256Hex;

export function renderDevice(d: DeviceIntent): { artefacts: Artefact[]; diagnostics: Diagnostic[] } {
  const target = targetFor(d.kind, d.platform);
  if (!target) {
    return { artefacts: [], diagnostics: [error('unknown-platform', `no ${d.kind} target named ${d.platform}`, { ...d.source, path: 'platform' })] };
  }
  const files = target.render(d as never);
  return {
    artefacts: files.map((f) => ({
      path: `${d.site}/${d.hostname}${f.suffix}`,
      site: d.site,
      device: d.hostname,
      platform: d.platform,
      kind: d.kind,
      content: f.content,
      sha256: sha256(f.content),
    })),
    diagnostics: [],
  };
}

export function renderSites(sites: readonly SitePlan[]): { artefacts: Artefact[]; diagnostics: Diagnostic[] } {
  const artefacts: Artefact[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const s of sites) {
    for (const d of s.devices) {
      const r = renderDevice(d);
      artefacts.push(...r.artefacts);
      diagnostics.push(...r.diagnostics);
    }
  }
  artefacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { artefacts, diagnostics };
}

/**
 * The manifest lists every artefact with its hash; no timestamps, so it is reproducible.
 * An entry may come whole (a file kept from an earlier render, its size already known).
 */
export function manifestOf(artefacts: readonly (Artefact | Manifest['artefacts'][number])[]): string {
  const manifest: Manifest = {
    generator: 'outpost',
    formatVersion: 1,
    artefacts: artefacts.map((a) => {
      if (!('content' in a)) return a;
      const { content, ...rest } = a;
      return { ...rest, bytes: Buffer.byteLength(content) };
    }),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Plan and render in one call, for callers that need artefacts only (push, drift). */
export function renderInventory(
  inv: Inventory,
  options: { site?: string; rules?: RuleCompiler } = {},
): { artefacts: Artefact[]; sites: readonly SitePlan[]; diagnostics: Diagnostic[]; ok: boolean } {
  const plan = planInventory(inv, { ...(options.site ? { sites: [options.site] } : {}), ...(options.rules ? { rules: options.rules } : {}) });
  const rendered = plan.ok ? renderSites(plan.sites) : { artefacts: [], diagnostics: [] };
  const diagnostics = [...plan.diagnostics, ...rendered.diagnostics];
  return { artefacts: rendered.artefacts, sites: plan.sites, diagnostics, ok: !diagnostics.some((d) => d.severity === 'error') };
}

/** The platform's remediation (running text, rendered text -> ordered commands), if it has one. */
export function remediationFor(platform: string): ((running: string, rendered: string) => readonly string[]) | undefined {
  for (const kind of ['switch', 'ap', 'firewall'] as const) {
    const t = targetFor(kind, platform);
    if (t) return t.remediate ? (running, rendered) => t.remediate!(running, rendered) : undefined;
  }
  return undefined;
}
