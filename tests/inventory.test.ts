// A network engineer edits the inventory; outpost must point at every mistake at once,
// with file:line:col, and write nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../core/inventory/index.js';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostics.js';
import { exampleInventory, inventoryCopy, lineOf, type Edit } from './support/inventory.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function loadBroken(edits: Edit[]): { dir: string; diags: Diagnostic[] } {
  const { dir, cleanup } = inventoryCopy(edits);
  cleanups.push(cleanup);
  const r = loadInventory(dir);
  expect(r.ok).toBe(false);
  return { dir, diags: r.diagnostics.filter((d) => d.severity === 'error') };
}

describe('the example inventory', () => {
  it('loads as the national case: 13 sites, about 700 computers in vaccination centres, ~300 tracing phones', () => {
    const r = loadInventory(exampleInventory);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (!r.ok) return;
    const inv = r.value;
    expect(inv.sites).toHaveLength(13);
    const kinds = inv.sites.map((s) => s.kind);
    expect(kinds.filter((k) => k === 'vaccination')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'care')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'consultation')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'tracing')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'crisis-cell')).toHaveLength(1);
    const vaccinationLaptops = inv.sites.filter((s) => s.kind === 'vaccination').reduce((n, s) => n + (s.endpoints.laptops ?? 0), 0);
    expect(vaccinationLaptops).toBeGreaterThanOrEqual(600);
    const tracing = inv.sites.find((s) => s.kind === 'tracing')!;
    expect((tracing.endpoints.phones ?? 0) + (tracing.endpoints.laptops ?? 0)).toBeGreaterThanOrEqual(300);
    expect(Object.isFrozen(inv.sites[0]!.devices[0])).toBe(true);
  });
});

describe('broken inventories', () => {
  it('reports a YAML syntax error with its line', () => {
    const edit = { file: 'sites/vac-esch.yaml', from: '  kind: vaccination', to: '  kind: [vaccination' };
    const { dir, diags } = loadBroken([edit]);
    expect(diags.map((d) => d.code)).toContain('yaml-syntax');
    const d = diags.find((x) => x.code === 'yaml-syntax')!;
    expect(d.file).toBe(join(dir, 'sites/vac-esch.yaml'));
    expect(d.line).toBeGreaterThanOrEqual(lineOf(dir, 'sites/vac-esch.yaml', 'kind: [vaccination'));
  });

  it('reports a duplicate VLAN id at the second zone', () => {
    const { dir, diags } = loadBroken([{ file: 'org.yaml', from: 'vlan: 20', to: 'vlan: 10' }]);
    const d = diags.find((x) => x.code === 'duplicate-vlan')!;
    expect(d).toBeDefined();
    expect(d.path).toBe('zones[1].vlan');
    expect(d.line).toBe(lineOf(dir, 'org.yaml', 'name: medical') + 1);
    expect(d.col).toBe(11);
  });

  it('reports overlapping site blocks and WAN subnets', () => {
    const { dir, diags } = loadBroken([
      { file: 'sites/vac-esch.yaml', from: '  kind: vaccination', to: '  kind: vaccination\n  block: 10.64.0.0/20' },
      { file: 'sites/vac-lux.yaml', from: '  kind: vaccination', to: '  kind: vaccination\n  block: 10.64.8.0/21' },
      { file: 'sites/vac-lux.yaml', from: /wan: 100\.64\.0\.\d+\/30/, to: 'wan: 100.64.0.41/30' },
    ]);
    const overlaps = diags.filter((d) => d.code === 'subnet-overlap');
    expect(overlaps.map((d) => d.path).sort()).toEqual(['site.block', 'uplink.wan']);
    const block = overlaps.find((d) => d.path === 'site.block')!;
    expect(block.file).toBe(join(dir, 'sites/vac-lux.yaml'));
    expect(block.line).toBe(lineOf(dir, 'sites/vac-lux.yaml', 'block: 10.64.8.0/21'));
    expect(block.message).toContain('vac-esch');
  });

  it('rejects a newline or a command separator smuggled into a config string', () => {
    const { dir, diags } = loadBroken([
      { file: 'sites/vac-esch.yaml', from: 'description: Vaccine fridge 1 monitor', to: 'description: "Fridge\\nusername evil privilege 15"' },
      { file: 'sites/vac-esch.yaml', from: 'hostname: vac-esch-asw2', to: 'hostname: "vac-esch-asw2;reload"' },
    ]);
    const bad = diags.filter((d) => d.code === 'invalid-value');
    expect(bad.map((d) => d.path).sort()).toEqual(['devices[2].ports[0].description', 'devices[3].hostname']);
    const desc = bad.find((d) => d.path!.endsWith('description'))!;
    expect(desc.line).toBe(lineOf(dir, 'sites/vac-esch.yaml', 'Fridge\\n'));
    expect(desc.message).toMatch(/no quotes, newlines or command separators/);
  });

  it('reports references to unknown zones, devices and SSIDs', () => {
    const { dir, diags } = loadBroken([
      { file: 'sites/vac-esch.yaml', from: '{ port: 2, zone: medical', to: '{ port: 2, zone: labs' },
      { file: 'sites/vac-esch.yaml', from: 'uplink: vac-esch-dsw1\n    ports', to: 'uplink: vac-esch-dsw9\n    ports' },
      { file: 'sites/trc-findel.yaml', from: 'ssids: [CENTRE-STAFF]', to: 'ssids: [CENTRE-STAFF, CENTRE-MEDICAL]' },
    ]);
    const codes = diags.map((d) => `${d.code}@${d.path}`);
    expect(codes).toContain('unknown-zone@devices[2].ports[1].zone');
    expect(codes).toContain('unknown-device@devices[2].uplink');
    // The tracing centre has no medical zone: an AP there cannot carry the medical SSID.
    expect(codes).toContain('unknown-zone@devices[9].ssids[1]');
    const ssid = diags.find((d) => d.path === 'devices[9].ssids[1]')!;
    expect(ssid.file).toBe(join(dir, 'sites/trc-findel.yaml'));
  });

  it('reports every problem of every file in one run, sorted, in file:line:col form', () => {
    const { dir, diags } = loadBroken([
      { file: 'org.yaml', from: 'vlan: 20', to: 'vlan: 10' },
      { file: 'sites/vac-esch.yaml', from: '{ port: 2, zone: medical', to: '{ port: 2, zone: labs' },
      { file: 'sites/cc-lux.yaml', from: /circuit: \S+/, to: 'circuit: LU-FIB-2020-0010' },
      { file: 'sites/act-lux.yaml', from: '  - { zone: staff, endpoints: 50 }', to: '  - { zone: staff, endpoints: 5 }' },
    ]);
    expect(diags.map((d) => d.code).sort()).toEqual(['duplicate-circuit', 'duplicate-vlan', 'unknown-zone', 'zone-capacity']);
    for (const d of diags) expect(formatDiagnostic(d)).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[a-z/.-]+:\\d+:\\d+: error: `));
    expect(readFileSync(join(dir, 'allocations.yaml'), 'utf8')).toBe(readFileSync(join(exampleInventory, 'allocations.yaml'), 'utf8'));
  });

  it('names unknown fields instead of ignoring them', () => {
    const { diags } = loadBroken([{ file: 'sites/vac-esch.yaml', from: '    role: firewall', to: '    role: firewall\n    rol: firewall' }]);
    expect(diags.map((d) => `${d.code}@${d.path}`)).toEqual(['unknown-field@devices[0].rol']);
  });
});
