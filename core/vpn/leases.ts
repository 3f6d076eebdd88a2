// Addresses of live VPN sessions, per role pool. OpenVPN hands out from one pool only,
// so the gatekeeper leases from the role's own pool: lowest free address first, never
// one that a live session holds, back to the pool when the session ends.
import { net } from '../inventory/index.js';
import type { RolePool } from './model.js';

interface Pool {
  readonly first: number;
  readonly last: number;
  /** Next never-used address; freed ones go to `free` and are reused first (lowest first). */
  next: number;
  readonly free: number[];
}

export class Leases {
  private readonly pools = new Map<string, Pool>();
  private readonly bySession = new Map<string, { role: string; ip: number }>();
  private readonly taken = new Set<number>();

  constructor(pools: readonly RolePool[], reserved: readonly string[] = []) {
    for (const p of pools) {
      const b = net.parseCidr(p.cidr);
      // Neither the network nor the broadcast address of a pool is a host.
      this.pools.set(p.role, { first: b.base + 1, last: net.last(b) - 1, next: b.base + 1, free: [] });
    }
    for (const r of reserved) this.taken.add(net.ipToInt(r));
  }

  /** The address for a session of `role`, or undefined when the role has no pool or it is full. */
  lease(session: string, role: string): string | undefined {
    const held = this.bySession.get(session);
    if (held) return net.intToIp(held.ip);
    const pool = this.pools.get(role);
    if (!pool) return undefined;
    let ip: number | undefined;
    while (pool.free.length) {
      const f = pool.free.shift()!;
      if (!this.taken.has(f)) {
        ip = f;
        break;
      }
    }
    while (ip === undefined && pool.next <= pool.last) {
      const n = pool.next++;
      if (!this.taken.has(n)) ip = n;
    }
    if (ip === undefined) return undefined;
    this.taken.add(ip);
    this.bySession.set(session, { role, ip });
    return net.intToIp(ip);
  }

  /** Marks an address as held by a session found already live (a restart of the gatekeeper). */
  adopt(session: string, role: string, address: string): boolean {
    const ip = net.ipToInt(address);
    if (this.taken.has(ip)) return false;
    this.taken.add(ip);
    this.bySession.set(session, { role, ip });
    return true;
  }

  release(session: string): void {
    const held = this.bySession.get(session);
    if (!held) return;
    this.bySession.delete(session);
    this.taken.delete(held.ip);
    const pool = this.pools.get(held.role)!;
    // Keep the free list sorted so addresses are handed out lowest first.
    const i = pool.free.findIndex((x) => x > held.ip);
    pool.free.splice(i < 0 ? pool.free.length : i, 0, held.ip);
  }

  get size(): number {
    return this.bySession.size;
  }

  sessions(): IterableIterator<[string, { role: string; ip: number }]> {
    return this.bySession.entries();
  }
}
