// Writes rendered artefacts into the one folder outpost owns, so that
// - a reader sees the whole old render or the whole new one at every instant: each render
//   is a complete generation folder beside the output (`<out>.gen-<pid>-<n>`) and `<out>`
//   is a symbolic link switched to it by one rename, which is atomic;
// - nothing outpost did not write is replaced or deleted: an existing `<out>` must be one
//   of its links, an empty folder, or a folder holding only what its manifest lists, and
//   never the inventory, the policies or the working folder;
// - paths read back from an old manifest are held to the shape outpost writes and must
//   stay inside the output before they are used;
// - what a killed render left behind (an unfinished or superseded generation) is removed
//   by the next one.
import { lstatSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { error, type Diagnostic } from '../core/diagnostics.js';
import { JITLESS } from '../core/inventory/index.js';
import { manifestOf, type Artefact } from '../core/render/index.js';
import { UsageError } from './exit-codes.js';
import { removeInBackground, removePaths, writeTree } from './disk.js';

/** `<site>/<device><suffix>`, the suffix maybe a file in a device folder: plain names, never `..`, never absolute. */
// <site>/<device><suffix>, or for central servers central/<server>/<folder>/<file>.
const artefactPath = /^[a-z][a-z0-9-]{0,30}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,120}){1,3}$/;

const manifestSchema = z.object({
  generator: z.literal('outpost'),
  artefacts: z.array(
    z.object({
      path: z.string().regex(artefactPath),
      site: z.string(),
      device: z.string(),
      platform: z.string(),
      kind: z.enum(['switch', 'ap', 'firewall', 'vpn', 'radius', 'pbx']),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});
type ManifestEntry = z.infer<typeof manifestSchema>['artefacts'][number];

const inside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/** The entries of `<dir>/manifest.json`, or a located diagnostic when it is not one outpost wrote. */
function readManifest(dir: string, shown: string): { entries?: ManifestEntry[]; diagnostic?: Diagnostic } {
  const file = join(dir, 'manifest.json');
  const bad = (why: string) => ({ diagnostic: error('bad-manifest', `${why}; remove ${shown} and render every site again`, { file: join(shown, 'manifest.json'), line: 1, col: 1 }) });
  let data: unknown;
  try {
    const st = lstatSync(file);
    if (!st.isFile() || st.size > 64 * 1024 * 1024) return bad('manifest.json is not a regular file of a sane size');
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return bad(e instanceof SyntaxError ? `manifest.json is not JSON (${e.message})` : `cannot read manifest.json (${(e as NodeJS.ErrnoException).code})`);
  }
  const parsed = manifestSchema.safeParse(data, JITLESS);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return bad(`manifest.json was not written by outpost: ${issue.path.join('.')}: ${issue.message}`);
  }
  for (const e of parsed.data.artefacts) {
    if (!e.path.startsWith(`${e.site}/`) || !inside(dir, resolve(dir, e.path))) return bad(`manifest.json lists ${JSON.stringify(e.path)}, outside its site's folder`);
  }
  return { entries: parsed.data.artefacts };
}

/** Every file under `dir`, relative, with anything that is not a plain file or folder named. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(relative(dir, p) + (st.isFile() ? '' : ' (not a regular file)'));
    }
  };
  walk(dir);
  return out.sort();
}

const generationOf = (out: string) => new RegExp(`^${basename(out).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:gen|partial|old)-(\\d+)(?:-[a-z0-9]+)?$`);

/**
 * What `out` holds now: nothing, one of outpost's generations (through its link), or a
 * folder outpost may replace. Throws a usage error for anything else, before any write.
 */
function currentOutput(out: string, shown: string, protect: readonly string[]): { dir?: string; link: boolean } {
  for (const p of [process.cwd(), ...protect].map((x) => resolve(x))) {
    if (p === out || inside(out, p)) throw new UsageError(`--out ${shown} would replace ${p}, which outpost did not write; choose an output folder of its own (default: out)`);
  }
  let st;
  try {
    st = lstatSync(out);
  } catch {
    return { link: false };
  }
  if (st.isSymbolicLink()) {
    const target = resolve(dirname(out), readlinkSync(out));
    if (dirname(target) !== dirname(out) || !generationOf(out).test(basename(target))) {
      throw new UsageError(`--out ${shown} is a symbolic link outpost did not make (to ${target}); remove it or choose another folder`);
    }
    return { dir: target, link: true };
  }
  if (!st.isDirectory()) throw new UsageError(`--out ${shown} is a file, not an output folder; remove it or choose another folder`);
  const files = filesUnder(out);
  if (!files.length) return { dir: out, link: false };
  const listed = new Set(readManifest(out, shown).entries?.map((e) => e.path) ?? []);
  const foreign = files.filter((f) => f !== 'manifest.json' && !listed.has(f));
  if (foreign.length || !files.includes('manifest.json')) {
    const shownFiles = (foreign.length ? foreign : files).slice(0, 3).join(', ');
    throw new UsageError(`--out ${shown} holds files outpost did not write (${shownFiles}${files.length > 3 ? ', ...' : ''}); outpost replaces its output folder whole, so give it an empty or new one`);
  }
  return { dir: out, link: false };
}

/** Generations a killed render left beside `out` (and superseded ones), except `keep` and live renders'. */
function leftovers(out: string, keep: readonly (string | undefined)[]): string[] {
  const pattern = generationOf(out);
  const found: string[] = [];
  for (const name of readdirSync(dirname(out))) {
    const m = pattern.exec(name);
    const path = join(dirname(out), name);
    if (!m || keep.includes(path)) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && alive(pid)) continue;
    found.push(path);
  }
  return found;
}

function removeLeftovers(out: string, keep: readonly (string | undefined)[]): Promise<void> {
  return removePaths(leftovers(out, keep));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Refuses an --out outpost may not write to (usage error), before any work is done. */
export function checkOutput(outDir: string, protect: readonly string[] = []): void {
  currentOutput(resolve(outDir), outDir, protect);
}

let generations = 0;

/** An artefact of another site kept from the generation being replaced: its manifest entry, where it is, and whether it may be linked. */
type Kept = ManifestEntry & { readonly bytes: number; readonly from: string; readonly link: boolean };

const entryOf = ({ from, link, ...entry }: Kept): ManifestEntry & { bytes: number } => entry;

/** Whether the generation `current` names is removed once this render has switched `out` (a live render's other generation stays). */
function goesWithThisRender(out: string, current: { dir?: string; link: boolean }): boolean {
  if (!current.link) return true; // a plain folder is moved aside to .old-<this pid>, then removed
  const pid = Number(generationOf(out).exec(basename(current.dir ?? ''))?.[1]);
  return pid === process.pid || !alive(pid);
}

/**
 * Writes all artefacts as the new content of `outDir`. With `onlySites`, replaces just
 * those sites' files and manifest entries, keeping the other sites as they were.
 * `protect` lists folders the output must never replace (the inventory, the policies).
 */
export async function writeArtefacts(
  outDir: string,
  artefacts: readonly Artefact[],
  onlySites?: readonly string[],
  protect: readonly string[] = [],
): Promise<{ manifest: string; diagnostics: readonly Diagnostic[] }> {
  const out = resolve(outDir);
  const current = currentOutput(out, outDir, protect);

  let all: readonly (Artefact | Kept)[] = artefacts;
  if (onlySites && current.dir && lstatSync(join(current.dir, 'manifest.json'), { throwIfNoEntry: false })) {
    const read = readManifest(current.dir, outDir);
    if (read.diagnostic) return { manifest: join(outDir, 'manifest.json'), diagnostics: [read.diagnostic] };
    // The other sites' files are taken over unread: hard-linked into the new generation when
    // the one they come from is removed by this render (so no file keeps two names an edit
    // could reach through the other), copied when it stays (a live render's).
    const link = goesWithThisRender(out, current);
    const kept: Kept[] = [];
    for (const e of read.entries ?? []) {
      if (onlySites.includes(e.site)) continue;
      const file = join(current.dir, e.path);
      const st = lstatSync(file, { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      kept.push({ ...e, bytes: st.size, from: file, link });
    }
    all = [...kept, ...artefacts].sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  // The leftovers of killed renders (thousands of files for a full render) are removed on a
  // worker thread while the new generation is written; only now, once the inputs proved
  // valid: a refused render deletes nothing, not even outpost's own leftovers.
  const sweeping = removeInBackground(leftovers(out, [current.link ? current.dir : undefined]));
  const gen = `${out}.gen-${process.pid}-${(Date.now() + generations++).toString(36)}`;
  try {
    // Every path is checked before the first write; each folder is made once.
    const files: ({ path: string; content: string } | { path: string; from: string; copy: boolean })[] = [];
    const folders = new Set<string>([gen]);
    for (const a of all) {
      const file = resolve(gen, a.path);
      if (!artefactPath.test(a.path) || !inside(gen, file)) throw new Error(`artefact path ${a.path} is not <site>/<device><suffix>`);
      folders.add(dirname(file));
      files.push('content' in a ? { path: file, content: a.content } : { path: file, from: a.from, copy: !a.link });
    }
    await writeTree(folders, files);
    writeFileSync(join(gen, 'manifest.json'), manifestOf(all.map((a) => ('content' in a ? a : entryOf(a)))));
    const link = `${out}.partial-${process.pid}-link`;
    rmSync(link, { force: true });
    symlinkSync(basename(gen), link);
    if (current.dir && !current.link) {
      // A plain folder (an empty one, or an older outpost's output) cannot be swapped
      // for a link in one step; this once, it is moved aside first.
      renameSync(out, `${out}.old-${process.pid}`);
    }
    renameSync(link, out);
  } catch (e) {
    await sweeping.catch(() => undefined);
    await removePaths([gen]);
    throw e;
  }
  // The sweep of killed renders' leftovers ran beside the writes (other folders); what it
  // did not reach, and the generation just replaced, go now.
  await sweeping;
  await removeLeftovers(out, [gen]);
  return { manifest: join(outDir, 'manifest.json'), diagnostics: [] };
}
