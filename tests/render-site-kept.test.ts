// `render --site` takes the other sites' files over from the render it replaces without
// reading them (hard links where that render's folder goes away with it, copies where a
// live render still owns it). What an engineer sees must not change: the same bytes, the
// same manifest, and no file of the new render that an edit elsewhere could change.
import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, linkSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeArtefacts } from '../cli/artefacts.js';
import { sha256 } from '../core/render/index.js';
import { inventoryCopy, outpostAsync } from './support/inventory.js';
import { fileTree } from './support/tree.js';

const work = mkdtempSync(join(tmpdir(), 'outpost-kept-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tree(dir: string): Map<string, Buffer> {
  return fileTree(dir, (p) => readFileSync(p));
}

const generation = (out: string) => resolve(dirname(out), readlinkSync(out));

/** Paths of files under `dir` that have another name somewhere (a hard link). */
function sharedFiles(dir: string): string[] {
  return [...tree(dir).keys()].filter((f) => lstatSync(join(dir, f)).nlink !== 1);
}

describe('render --site keeps the other sites as they were', () => {
  it('leaves every other site byte-identical, the manifest too, and no file of the new render with a second name', async () => {
    const out = join(work, 'out');
    expect((await outpostAsync(['render', '--out', out])).code).toBe(0);
    const before = tree(out);
    const replaced = generation(out);
    const r = await outpostAsync(['render', '--site', 'vac-esch', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const after = tree(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [k, v] of before) expect(after.get(k)!.equals(v), k).toBe(true);
    // The render it replaced is gone, so nothing reaches the kept files through it.
    expect(existsSync(replaced)).toBe(false);
    expect(sharedFiles(out)).toEqual([]);
  });

  it('a later render never writes into a file an earlier one made', async () => {
    const { dir, cleanup } = inventoryCopy([{ file: 'sites/vac-lux.yaml', from: 'Vaccine fridge 2 monitor', to: 'Vaccine fridge 2 sensor' }]);
    try {
      const out = join(work, 'later');
      expect((await outpostAsync(['render', '--out', out])).code).toBe(0);
      expect((await outpostAsync(['render', '--site', 'vac-esch', '--out', out])).code).toBe(0);
      // A reader keeps vac-lux's files (another name for each, as a backup tool might).
      const kept = [...tree(out).keys()].filter((f) => f.startsWith('vac-lux/'));
      expect(kept.length).toBeGreaterThan(0);
      const held = kept.map((f, i) => {
        const copy = join(work, `held-${i}`);
        linkSync(join(out, f), copy);
        return { f, copy, bytes: readFileSync(copy) };
      });
      // A full render from an inventory where vac-lux changed, then another --site render.
      const full = await outpostAsync(['render', '--inventory', dir, '--out', out]);
      expect(full.code, full.stderr).toBe(0);
      expect((await outpostAsync(['render', '--site', 'cc-lux', '--inventory', dir, '--out', out])).code).toBe(0);
      const changed = held.filter((h) => !readFileSync(join(out, h.f)).equals(h.bytes));
      expect(changed.length).toBeGreaterThan(0);
      for (const h of held) expect(readFileSync(h.copy).equals(h.bytes), h.f).toBe(true);
    } finally {
      cleanup();
    }
  });

  it('copies the files of a render another live process still owns: editing that one in place leaves the new render as it was', async () => {
    const out = join(work, 'live');
    const content = 'table inet filter {}\n';
    // Written in this (live) test process: the CLI's render below must leave this generation be.
    const first = await writeArtefacts(out, [{ path: 'vac-lux/fw-1.nft', site: 'vac-lux', device: 'fw-1', platform: 'nftables', kind: 'firewall', content, sha256: sha256(content) }]);
    expect(first.diagnostics).toEqual([]);
    const owned = generation(out);
    const r = await outpostAsync(['render', '--site', 'vac-esch', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(generation(out)).not.toBe(owned);
    expect(existsSync(owned)).toBe(true);
    appendFileSync(join(owned, 'vac-lux/fw-1.nft'), 'flush ruleset\n');
    expect(readFileSync(join(out, 'vac-lux/fw-1.nft'), 'utf8')).toBe(content);
    expect(sharedFiles(out)).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { artefacts: { path: string; bytes: number }[] };
    expect(manifest.artefacts.find((e) => e.path === 'vac-lux/fw-1.nft')?.bytes).toBe(Buffer.byteLength(content));
    rmSync(owned, { recursive: true, force: true });
  });
});
