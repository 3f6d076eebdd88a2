// The quick file-system work behind `outpost render`: a generation written many files at a
// time lands whole, and removing an old one (in the command, or on the worker thread that
// sweeps a killed render's leftovers) takes exactly that folder, never what a link in it
// points to.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeInBackground, removePaths, writeTree } from '../cli/disk.js';

const work = mkdtempSync(join(tmpdir(), `outpost-disk-${process.pid}-`));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An old generation as a render leaves it, plus a link inside it to a folder that is not outpost's. */
function oldGeneration(name: string): { gen: string; victim: string } {
  const gen = join(work, name);
  const victim = join(work, `${name}-victim`);
  mkdirSync(victim);
  writeFileSync(join(victim, 'keep.txt'), 'not outpost’s\n');
  for (let s = 0; s < 12; s++) {
    mkdirSync(join(gen, `site-${s}`, 'ap1'), { recursive: true });
    for (let d = 0; d < 15; d++) writeFileSync(join(gen, `site-${s}`, `dev-${d}.cfg`), `device ${d}\n`);
    writeFileSync(join(gen, `site-${s}`, 'ap1', 'wireless'), 'config wifi-device radio0\n');
  }
  symlinkSync(victim, join(gen, 'site-0', 'link-to-victim'));
  writeFileSync(join(gen, 'manifest.json'), '{}\n');
  return { gen, victim };
}

describe('a render writes and removes generations quickly, and only its own', () => {
  it('writes every file of a generation with its content, in nested folders made level by level', async () => {
    const gen = join(work, 'out.gen-new');
    const files: { path: string; content: string }[] = [];
    const folders = new Set<string>([gen]);
    for (let s = 0; s < 20; s++) {
      folders.add(join(gen, `site-${s}`));
      folders.add(join(gen, `site-${s}`, 'ap1'));
      for (let d = 0; d < 10; d++) files.push({ path: join(gen, `site-${s}`, `dev-${d}.cfg`), content: `hostname dev-${d}\nsite ${s}\n` });
      files.push({ path: join(gen, `site-${s}`, 'ap1', 'wireless'), content: `site ${s} wireless\n` });
    }
    await writeTree(folders, files);
    for (const f of files) expect(readFileSync(f.path, 'utf8')).toBe(f.content);
    expect(readdirSync(gen).length).toBe(20);
  });

  it('a failed write rejects, and nothing is written after it reports', async () => {
    const gen = join(work, 'out.gen-failing');
    const files = [
      { path: join(gen, 'a.cfg'), content: 'a\n' },
      { path: join(gen, 'missing-folder', 'b.cfg'), content: 'b\n' },
    ];
    await expect(writeTree([gen], files)).rejects.toMatchObject({ code: 'ENOENT' });
    await removePaths([gen]);
    expect(existsSync(gen)).toBe(false);
  });

  it('removing an old generation takes the whole folder but not the folder a link inside it points to', async () => {
    const { gen, victim } = oldGeneration('out.gen-1-old');
    await removePaths([gen, join(work, 'out.gen-2-already-gone')]);
    expect(existsSync(gen)).toBe(false);
    expect(readFileSync(join(victim, 'keep.txt'), 'utf8')).toBe('not outpost’s\n');
  });

  it('a leftover that is itself a link is unlinked, its target kept', async () => {
    const { victim } = oldGeneration('out.gen-3-target');
    const link = join(work, 'out.gen-4-link');
    symlinkSync(victim, link);
    await removePaths([link]);
    expect(existsSync(link)).toBe(false);
    expect(readFileSync(join(victim, 'keep.txt'), 'utf8')).toBe('not outpost’s\n');
  });

  it('the worker thread that sweeps a killed render’s leftovers removes them, links unfollowed', async () => {
    const a = oldGeneration('out.gen-5-killed');
    const b = oldGeneration('out.partial-6-killed');
    await removeInBackground([a.gen, b.gen]);
    expect(existsSync(a.gen)).toBe(false);
    expect(existsSync(b.gen)).toBe(false);
    expect(readFileSync(join(a.victim, 'keep.txt'), 'utf8')).toBe('not outpost’s\n');
    expect(readFileSync(join(b.victim, 'keep.txt'), 'utf8')).toBe('not outpost’s\n');
  });
});
