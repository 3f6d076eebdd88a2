// Saves the allocation table next to the inventory, atomically. Entries already in the
// file keep their place, new ones go after them: the diff a reviewer sees after
// `plan --write` is exactly what changed.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Allocations } from '../core/inventory/index.js';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `next`'s content in `previous`'s key order: known keys where they were, new keys after them. */
export function inPreviousOrder(previous: unknown, next: unknown): unknown {
  if (!isMap(next)) return next;
  const before = isMap(previous) ? Object.keys(previous) : [];
  const keys = [...before.filter((k) => k in next), ...Object.keys(next).filter((k) => !before.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, inPreviousOrder(isMap(previous) ? previous[k] : undefined, next[k])]));
}

export function writeAllocations(inventoryDir: string, allocations: Allocations): string {
  const file = join(inventoryDir, 'allocations.yaml');
  const header =
    '# Addresses outpost has handed out. Written by `outpost plan --write`; commit it.\n' +
    '# Kept across re-plans so adding a zone, a device or a site never renumbers the others.\n';
  // The loader already read this file: it parses, or the plan would not have got here.
  const previous = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as unknown) : undefined;
  writeFileSync(`${file}.tmp`, header + stringify(inPreviousOrder(previous, allocations), { sortMapEntries: false }));
  renameSync(`${file}.tmp`, file);
  return file;
}
