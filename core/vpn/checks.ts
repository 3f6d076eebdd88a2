// Role pools against the people who hold the roles: every agent of a role must be able
// to hold a session at once, or the gateway would refuse some on a busy morning.
import { error, type Diagnostic } from '../diagnostics.js';
import { net, type Inventory } from '../inventory/index.js';
import type { AccessPolicy } from '../policy/index.js';
import type { Person } from '../people/model.js';

/** Addresses a pool can hand out: not its network or broadcast, not the tunnel's own address. */
export function poolCapacity(cidr: string, tunnelAddress: number): number {
  const b = net.parseCidr(cidr);
  const hosts = Math.max(0, net.size(b.prefix) - 2);
  return net.containsIp(b, tunnelAddress) && tunnelAddress !== b.base ? hosts - 1 : hosts;
}

export function poolFindings(inv: Inventory, policy: AccessPolicy, pools: ReadonlyMap<string, string>, people: readonly Person[]): Diagnostic[] {
  const order = policy.roles.map((r) => r.name);
  // The gatekeeper leases from the first of an agent's roles (access.yaml order) that has a pool.
  const count = new Map<string, number>();
  for (const p of people) {
    const role = order.find((r) => p.roles.includes(r) && pools.has(r));
    if (role) count.set(role, (count.get(role) ?? 0) + 1);
  }
  const tunnel = net.parseCidr(inv.org.addressPlan.vpn).base + 1;
  const out: Diagnostic[] = [];
  for (const r of policy.roles) {
    const cidr = pools.get(r.name);
    const n = count.get(r.name) ?? 0;
    if (!cidr) {
      if (n) out.push(error('pool-not-carved', `role ${r.name}: no room left in the VPN range ${inv.org.addressPlan.vpn} for its /${r.pool} pool, and ${n} agent(s) hold it`, { ...r.source, path: 'pool' }));
      continue;
    }
    const cap = poolCapacity(cidr, tunnel);
    if (n > cap) {
      const fit = 32 - Math.ceil(Math.log2(n + 3));
      out.push(error('pool-too-small', `role ${r.name}: its pool ${cidr} holds ${cap} agents but ${n} hold the role; give it pool: ${fit} or less`, { ...r.source, path: 'pool' }));
    }
  }
  return out;
}
