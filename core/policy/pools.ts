// Role pools carved from the org's VPN range: each role, in file order, gets the lowest
// aligned free block of its size. Carving only ever splits free blocks and never frees
// one, so the lowest aligned free /p is the lowest free block of size /p or larger (a
// buddy allocator): one heap per prefix length makes n roles cost n log n, not n².
import { net, type Inventory } from '../inventory/index.js';
import type { AccessPolicy } from './model.js';

/** Minimal binary heap of block bases (all blocks in one heap share a prefix). */
class Heap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): number | undefined {
    return this.a[0];
  }
  push(v: number): void {
    const a = this.a;
    let i = a.push(v) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }
  pop(): number | undefined {
    const a = this.a;
    const top = a[0];
    const end = a.pop();
    if (a.length && end !== undefined) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
        if (a[c]! >= end) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = end;
    }
    return top;
  }
}

/** Lowest-first carving of aligned blocks out of one range. */
export class Carver {
  private readonly free: Heap[] = Array.from({ length: 33 }, () => new Heap());
  constructor(range: net.Block) {
    this.free[range.prefix]!.push(range.base);
  }

  /** The lowest aligned free block of `prefix`, taken; undefined when none is left. */
  take(prefix: number): net.Block | undefined {
    // The lowest-based free block at least as large; 33 heaps at most to look at.
    let best = -1;
    for (let q = 0; q <= prefix; q++) {
      const b = this.free[q]!.peek();
      if (b !== undefined && (best < 0 || b < this.free[best]!.peek()!)) best = q;
    }
    if (best < 0) return undefined;
    const base = this.free[best]!.pop()!;
    // Split down to the size asked for: the upper halves stay free.
    for (let q = best + 1; q <= prefix; q++) this.free[q]!.push(base + net.size(q));
    return { base, prefix };
  }
}

/** One VPN address pool per role, carved in role order from the org's VPN range. */
export function rolePools(inv: Inventory, policy: AccessPolicy): Map<string, string> {
  const range = net.parseCidr(inv.org.addressPlan.vpn);
  const carver = new Carver(range);
  const pools = new Map<string, string>();
  for (const r of policy.roles) {
    const b = carver.take(Math.max(r.pool, range.prefix));
    if (b) pools.set(r.name, net.cidr(b));
  }
  return pools;
}
