// Golden files: what a target must render, byte for byte. `UPDATE_GOLDEN=1` rewrites
// them after a deliberate change; read the diff line by line before committing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from './inventory.js';

export function expectGolden(content: string, golden: string): void {
  const file = join(repoRoot, 'tests', 'golden', golden);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, content);
  expect(content).toBe(readFileSync(file, 'utf8'));
}
