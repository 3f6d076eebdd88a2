// From the command line, as a network engineer runs it: validate, render every site,
// get byte-identical output and a manifest whose hashes match the files.
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inventoryCopy, outpostAsync } from './support/inventory.js';
import { fileTree } from './support/tree.js';

const execFileAsync = promisify(execFile);

const work = mkdtempSync(join(tmpdir(), 'outpost-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tree(dir: string): Map<string, string> {
  return fileTree(dir, (p) => readFileSync(p, 'utf8'));
}

describe('outpost validate and render', () => {
  it('validates the example inventory', async () => {
    const r = await outpostAsync(['validate']);
    expect(r.stderr).not.toMatch(/error:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/is valid: 13 sites, \d+ devices/);
  });

  it('renders every device of all 13 sites, byte-identical across runs, with a truthful manifest', async () => {
    const a = join(work, 'a');
    const b = join(work, 'b');
    const first = await outpostAsync(['render', '--out', a, '--json']);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { artefacts: { device: string }[]; sites: number };
    expect(report.sites).toBe(13);
    expect((await outpostAsync(['render', '--out', b])).code).toBe(0);
    const ta = tree(a);
    const tb = tree(b);
    expect([...ta.keys()].sort()).toEqual([...tb.keys()].sort());
    for (const [k, v] of ta) expect(tb.get(k), k).toBe(v);

    const manifest = JSON.parse(ta.get('manifest.json')!) as { artefacts: { path: string; sha256: string; site: string; device: string; platform: string }[] };
    expect(manifest.artefacts.length).toBe(ta.size - 1);
    const devices = new Set(manifest.artefacts.map((e) => e.device));
    expect(devices.size).toBe(new Set(report.artefacts.map((e) => e.device)).size);
    expect(new Set(manifest.artefacts.map((e) => e.site)).size).toBe(14);
    // The 14th folder is the central servers': the VPN gateway of org.yaml, RADIUS and the PBX.
    const central = manifest.artefacts.filter((e) => e.site === 'central');
    expect([...new Set(central.map((e) => `${e.device}/${e.platform}`))]).toEqual(['pbx/kamailio', 'radius/freeradius', 'vpn-gw1/openvpn']);
    expect(central.map((e) => e.path)).toEqual(expect.arrayContaining(['central/vpn-gw1/openvpn.conf', 'central/vpn-gw1/ruleset.nft', 'central/radius/clients.conf', 'central/pbx/kamailio.cfg']));
    await execFileAsync('kamailio', ['-c', '-f', join(a, 'central/pbx/kamailio.cfg')]);
    for (const e of manifest.artefacts) {
      expect(createHash('sha256').update(ta.get(e.path)!).digest('hex'), e.path).toBe(e.sha256);
    }
    const nft = manifest.artefacts.filter((e) => e.platform === 'nftables');
    expect(nft.length).toBeGreaterThanOrEqual(10);
    // Checked one after the other without blocking the worker (see outpostAsync).
    for (const e of nft) await execFileAsync('nft', ['-c', '-f', join(a, e.path)]);
  });

  it('re-renders one site without touching the others', async () => {
    const out = join(work, 'one');
    expect((await outpostAsync(['render', '--out', out])).code).toBe(0);
    const before = tree(out);
    const again = await outpostAsync(['render', '--site', 'vac-esch', '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    const after = tree(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [k, v] of before) expect(after.get(k), k).toBe(v);
  });

  it('fails with file:line:col for each problem and writes nothing', async () => {
    const { dir, cleanup } = inventoryCopy([
      { file: 'org.yaml', from: 'vlan: 20', to: 'vlan: 10' },
      { file: 'sites/vac-esch.yaml', from: 'description: Vaccine fridge 1 monitor', to: 'description: "Fridge\\nreload"' },
      { file: 'sites/vac-lux.yaml', from: '{ port: 2, zone: medical', to: '{ port: 2, zone: labs' },
    ]);
    try {
      const v = await outpostAsync(['validate', '--inventory', dir]);
      expect(v.code).toBe(1);
      const lines = v.stderr.trim().split('\n');
      expect(lines).toHaveLength(3);
      for (const l of lines) expect(l).toMatch(/^\/.+\.yaml:\d+:\d+: error: .+ \(at [\w.[\]]+\) \[[a-z-]+\]$/);
      const out = join(work, 'never');
      const r = await outpostAsync(['render', '--inventory', dir, '--out', out]);
      expect(r.code).toBe(1);
      expect(existsSync(out)).toBe(false);
      const j = await outpostAsync(['validate', '--inventory', dir, '--json']);
      const doc = JSON.parse(j.stdout) as { ok: boolean; diagnostics: { code: string; line: number }[] };
      expect(doc.ok).toBe(false);
      expect(doc.diagnostics.map((d) => d.code).sort()).toEqual(['duplicate-vlan', 'invalid-value', 'unknown-zone']);
    } finally {
      cleanup();
    }
  });

  it('exits 2 with a usage message for an unknown site or flag', async () => {
    expect((await outpostAsync(['render', '--site', 'nowhere', '--out', join(work, 'x')])).code).toBe(2);
    const r = await outpostAsync(['render', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
  });
});
