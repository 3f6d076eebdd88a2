// A generated national fleet at the address plan's full size: the example inventory
// copied to a folder, then its site files cloned round-robin under new codes, each with
// its own circuit and transit /30, until there are `sites` sites. Allocations are left to
// the planner (new sites get the next free /20 of 10.64.0.0/12, which holds 256).
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function generateFleet(repo: string, dir: string, sites: number): { inventory: string; sites: number } {
  const inventory = join(dir, 'inventory');
  cpSync(join(repo, 'inventory'), inventory, { recursive: true });
  cpSync(join(repo, 'policies'), join(dir, 'policies'), { recursive: true });
  const templates = readdirSync(join(inventory, 'sites')).filter((f) => f.endsWith('.yaml')).sort();
  let count = templates.length;
  for (let i = 0; count < sites; i++, count++) {
    const file = templates[i % templates.length]!;
    const code = file.replace(/\.yaml$/, '');
    const clone = `${code.split('-')[0]}-g${String(i + 1).padStart(3, '0')}`;
    // Transit /30s from 100.64.4.0 on, clear of the example's 100.64.0.x.
    const base = 4 * 256 + 4 * i;
    const wan = `100.64.${base >> 8}.${(base & 255) + 1}`;
    const gateway = `100.64.${base >> 8}.${(base & 255) + 2}`;
    const text = readFileSync(join(inventory, 'sites', file), 'utf8')
      .replaceAll(code, clone)
      .replace(/circuit: \S+/, `circuit: LU-FIB-GEN-${String(i + 1).padStart(4, '0')}`)
      .replace(/wan: \S+/, `wan: ${wan}/30`)
      .replace(/gateway: \S+/, `gateway: ${gateway}`);
    writeFileSync(join(inventory, 'sites', `${clone}.yaml`), text);
  }
  return { inventory, sites: count };
}
