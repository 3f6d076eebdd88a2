// Writes rendered artefacts so that a reader never sees half a render: everything goes
// to a fresh folder beside the target, which then replaces the old one in two renames.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { manifestOf, type Artefact, type Manifest } from '../core/render/index.js';

function writeTree(dir: string, artefacts: readonly Artefact[]): void {
  for (const a of artefacts) {
    const file = join(dir, a.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, a.content);
  }
}

/**
 * Writes all artefacts to `outDir`, replacing it. With `onlySites`, replaces just those
 * sites' folders and their manifest entries, keeping the other sites as they were.
 */
export function writeArtefacts(outDir: string, artefacts: readonly Artefact[], onlySites?: readonly string[]): { manifest: string } {
  const out = resolve(outDir);
  const stage = `${out}.partial-${process.pid}`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    let all: readonly Artefact[] = artefacts;
    if (onlySites && existsSync(join(out, 'manifest.json'))) {
      // Keep other sites: copy their files and manifest entries into the stage.
      const old = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
      const kept = old.artefacts
        .filter((e) => !onlySites.includes(e.site) && existsSync(join(out, e.path)))
        .map((e) => ({ ...e, content: readFileSync(join(out, e.path), 'utf8') }));
      all = [...kept, ...artefacts].sort((a, b) => (a.path < b.path ? -1 : 1));
    }
    writeTree(stage, all);
    writeFileSync(join(stage, 'manifest.json'), manifestOf(all));
    const old = `${out}.old-${process.pid}`;
    if (existsSync(out)) renameSync(out, old);
    renameSync(stage, out);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
  return { manifest: join(outDir, 'manifest.json') };
}
