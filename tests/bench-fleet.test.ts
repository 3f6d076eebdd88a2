// The 250-site render benchmark is only honest if its generated fleet is an inventory a
// user could hand outpost: `outpost validate` must accept it, every site distinct, and the
// address plan must hold all of them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateFleet } from '../scripts/bench/fleet.js';

const dir = mkdtempSync(join(tmpdir(), 'obf-fleet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the generated 250-site fleet', () => {
  it('is accepted by outpost validate, with distinct codes, circuits and uplinks', () => {
    const fleet = generateFleet(process.cwd(), dir, 250);
    expect(fleet.sites).toBe(250);
    const files = readdirSync(join(fleet.inventory, 'sites'));
    expect(files).toHaveLength(250);
    const texts = files.map((f) => readFileSync(join(fleet.inventory, 'sites', f), 'utf8'));
    const field = (re: RegExp) => new Set(texts.map((t) => re.exec(t)?.[1]));
    expect(field(/code: (\S+)/).size).toBe(250);
    expect(field(/circuit: (\S+)/).size).toBe(250);
    expect(field(/wan: (\S+)/).size).toBe(250);
    const r = spawnSync(process.execPath, ['dist/outpost.js', 'validate', '--inventory', fleet.inventory], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/is valid: 250 sites/);
  });

  it('a fleet past the address plan (256 /20 blocks) is refused with the site that did not fit', () => {
    const over = mkdtempSync(join(dir, 'over-'));
    const fleet = generateFleet(process.cwd(), over, 257);
    const r = spawnSync(process.execPath, ['dist/outpost.js', 'validate', '--inventory', fleet.inventory], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no free \/20 left in 10\.64\.0\.0\/12 for site [a-z]+-g\d+ .*\[plan-full\]/);
  });
});
