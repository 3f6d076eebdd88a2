// Saves the allocation table next to the inventory, atomically.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Allocations } from '../core/inventory/index.js';

export function writeAllocations(inventoryDir: string, allocations: Allocations): string {
  const file = join(inventoryDir, 'allocations.yaml');
  const header =
    '# Addresses outpost has handed out. Written by `outpost plan --write`; commit it.\n' +
    '# Kept across re-plans so adding a zone, a device or a site never renumbers the others.\n';
  writeFileSync(`${file}.tmp`, header + stringify(allocations, { sortMapEntries: false }));
  renameSync(`${file}.tmp`, file);
  return file;
}
