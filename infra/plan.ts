// What a stack is made of, computed from the inventory with the same pipeline as the CLI:
// a site's devices with the sha256 of their rendered artefacts, or the directory's roles
// and people. Pure apart from reading the inventory; errors read as the CLI's do.
import * as pulumi from '@pulumi/pulumi';
import { error, formatDiagnostic, type Diagnostic } from '../core/diagnostics.js';
import { deviceSha256 } from '../core/deliver/index.js';
import type { KitPerson } from './types.js';
import { loadIdentity } from '../core/people/index.js';
import { runPipeline } from '../core/pipeline.js';
import { policyRules } from '../cli/policy-hook.js';

export interface DevicePlan {
  readonly hostname: string;
  readonly kind: string;
  readonly platform: string;
  readonly sha256: string;
}

export interface SiteStack {
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  readonly block: string;
  readonly zones: readonly { readonly name: string; readonly vlan: number; readonly subnet: string }[];
  readonly devices: readonly DevicePlan[];
}

/**
 * The inventory (or the stack's device list) is wrong: the engine shows the message alone,
 * without a stack trace (a RunError), and `outpost infra` prints the diagnostics as the
 * other commands do.
 */
export class InventoryError extends pulumi.RunError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(`the inventory does not validate:\n${diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n')}`);
    this.diagnostics = diagnostics;
  }
}

export function siteStack(inventoryDir: string, code: string, only?: readonly string[]): SiteStack {
  const r = runPipeline({ inventoryDir, sites: [code], rules: policyRules(inventoryDir) });
  const site = r.plan?.sites.find((s) => s.code === code);
  if (!r.ok || !site) throw new InventoryError(r.diagnostics);
  const unknown = (only ?? []).filter((h) => !site.devices.some((d) => d.hostname === h));
  if (unknown.length) {
    throw new InventoryError(unknown.map((h) => error('unknown-device', `the stack names device ${h}, which site ${code} does not have (devices: ${site.devices.map((d) => d.hostname).join(', ')})`)));
  }
  const devices = only ? site.devices.filter((d) => only.includes(d.hostname)) : site.devices;
  return {
    code,
    name: site.name,
    kind: site.kind,
    block: site.block,
    zones: site.zones.map((z) => ({ name: z.name, vlan: z.vlan, subnet: z.subnet })),
    devices: devices.map((d) => ({
      hostname: d.hostname,
      kind: d.kind,
      platform: d.platform,
      sha256: deviceSha256(r.artefacts.filter((a) => a.site === code && a.device === d.hostname)),
    })),
  };
}

export interface DirectoryStack {
  readonly roles: readonly string[];
  readonly people: readonly KitPerson[];
  readonly issuer: string;
}

export function directoryStack(inventoryDir: string): DirectoryStack {
  const r = loadIdentity(inventoryDir);
  if (!r.ok) throw new InventoryError(r.diagnostics);
  return { roles: r.value.roles, people: r.value.people.people.map(({ source: _source, ...p }) => p), issuer: r.value.inventory.org.domain };
}
