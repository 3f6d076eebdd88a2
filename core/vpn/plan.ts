// From the inventory and the compiled policy to one intent per VPN gateway of org.yaml.
import { net, type Inventory } from '../inventory/index.js';
import type { AddressSet, FirewallRule } from '../plan/index.js';
import { baseFromDomain } from '../directory/layout.js';
import type { GatewayDirectory, VpnGatewayIntent } from './model.js';

export interface GatewayInputs {
  /** Role -> pool CIDR, in access.yaml role order (compilePolicy's pools). */
  readonly pools: ReadonlyMap<string, string>;
  readonly gateway: { readonly sets: readonly AddressSet[]; readonly rules: readonly FirewallRule[] };
  /** Overrides for where the gateway runs (the lab): directory, reserved addresses. */
  readonly directory?: Partial<GatewayDirectory>;
  readonly reserved?: readonly string[];
}

function defaultDirectory(inv: Inventory): GatewayDirectory {
  const ldap = inv.org.services.find((s) => s.name === 'ldap');
  const host = ldap?.addresses[0]?.split('/')[0] ?? '127.0.0.1';
  const port = ldap?.ports[0]?.from ?? 636;
  const base = baseFromDomain(inv.org.domain);
  return { url: `${port === 389 ? 'ldap' : 'ldaps'}://${host}:${port}`, base, bindDn: `cn=admin,${base}`, passwordFile: 'directory.password' };
}

/** Routes agents need: the sites, the NOC, and every state service network (not the internet). */
function routesFor(inv: Inventory): { network: string; netmask: string }[] {
  const cidrs = new Set<string>([inv.org.addressPlan.sites, inv.org.addressPlan.management]);
  for (const s of inv.org.services) for (const a of s.addresses) if (!a.endsWith('/0')) cidrs.add(a.includes('/') ? a : `${a}/32`);
  return [...cidrs]
    .map((c) => net.parseCidr(c))
    .sort((a, b) => a.base - b.base || a.prefix - b.prefix)
    .map((b) => ({ network: net.intToIp(b.base), netmask: net.mask(b.prefix) }));
}

export function planGateways(inv: Inventory, inputs: GatewayInputs): VpnGatewayIntent[] {
  const range = net.parseCidr(inv.org.addressPlan.vpn);
  const directory = { ...defaultDirectory(inv), ...inputs.directory };
  return inv.org.vpnGateways.map((g) => ({
    hostname: g.hostname,
    platform: g.platform,
    public: g.public,
    port: g.port,
    proto: g.proto,
    address: g.address,
    tunnel: { network: net.intToIp(range.base), netmask: net.mask(range.prefix), prefix: range.prefix, serverAddress: net.intToIp(range.base + 1) },
    pools: [...inputs.pools].map(([role, cidr]) => ({ role, cidr })),
    routes: routesFor(inv),
    directory,
    tokenLifetime: 12 * 3600,
    sweepSeconds: 2,
    reserved: [net.intToIp(range.base + 1), ...(inputs.reserved ?? [])],
    sets: inputs.gateway.sets,
    rules: inputs.gateway.rules,
    managementFrom: [inv.org.addressPlan.management],
    source: g.source,
  }));
}
