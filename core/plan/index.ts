// Public face of the planning stage: a pure function of the inventory (and, when given,
// a rule compiler) to every site's zones and every device's intent.
import { hasErrors, type Diagnostic } from '../diagnostics.js';
import type { Allocations, Inventory } from '../inventory/index.js';
import { allocateAddresses, type AllocationChange } from './allocate.js';
import type { AddressSet, DeviceIntent, FirewallIntent, FirewallRule, SitePlan } from './intent.js';
import { apIntent, firewallIntent, switchIntent, zonePlans } from './intents.js';
import { layoutPorts } from './ports.js';

export * from './intent.js';
export { interfaceResolver, type SideInterfaces } from './interfaces.js';
export { allocateAddresses, firstFree, zoneHosts, type AllocationChange, type AddressPlanResult, type SiteAddresses } from './allocate.js';

/**
 * Turns a site's firewall intent (zones, addresses, no rules yet) into its rules and
 * address sets. The access-policy stage provides one; without it firewalls pass only
 * what the platform baseline allows.
 */
export type RuleCompiler = (site: SitePlan, firewall: FirewallIntent) => {
  readonly sets: readonly AddressSet[];
  readonly rules: readonly FirewallRule[];
  readonly diagnostics: readonly Diagnostic[];
};

export interface PlanOptions {
  /** Only these sites (codes); all when omitted. */
  readonly sites?: readonly string[];
  readonly rules?: RuleCompiler;
}

export interface InventoryPlan {
  readonly sites: readonly SitePlan[];
  readonly allocations: Allocations;
  readonly changes: readonly AllocationChange[];
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

export function planInventory(inv: Inventory, options: PlanOptions = {}): InventoryPlan {
  const addresses = allocateAddresses(inv);
  const diagnostics: Diagnostic[] = [...addresses.diagnostics];
  const sites: SitePlan[] = [];
  // A zone or device left without addresses would reach the intents as a hole; the
  // address errors already say what to change, so no intent is built from a broken plan.
  if (hasErrors(diagnostics)) return { sites, allocations: addresses.allocations, changes: addresses.changes, diagnostics, ok: false };
  // Asked for every port of every switch: a map, not a search of the zone list.
  const vlans = new Map(inv.org.zones.map((z) => [z.name, z.vlan]));
  const vlanOf = (zone: string) => vlans.get(zone)!;
  for (const site of inv.sites) {
    if (options.sites && !options.sites.includes(site.code)) continue;
    const addrs = addresses.sites.get(site.code);
    if (!addrs) continue;
    const zones = zonePlans(inv, site, addrs);
    const layout = layoutPorts(inv, site, zones.map((z) => z.vlan), vlanOf);
    diagnostics.push(...layout.diagnostics);
    const devices: DeviceIntent[] = [];
    for (const d of site.devices) {
      if (d.role === 'firewall') devices.push(firewallIntent(inv, site, d, addrs, zones));
      else if (d.role === 'ap') devices.push(apIntent(inv, site, d, addrs, zones, layout));
      else devices.push(switchIntent(inv, site, d, addrs, zones, layout));
    }
    const block = addresses.allocations.sites[site.code]!.block;
    const plan: SitePlan = { code: site.code, name: site.name, kind: site.kind, block, zones, devices, site };
    const compiled = options.rules
      ? devices.map((d) => {
          if (d.kind !== 'firewall') return d;
          const r = options.rules!(plan, d);
          diagnostics.push(...r.diagnostics);
          return { ...d, sets: r.sets, rules: r.rules };
        })
      : devices;
    sites.push({ ...plan, devices: compiled });
  }
  return { sites, allocations: addresses.allocations, changes: addresses.changes, diagnostics, ok: !hasErrors(diagnostics) };
}
