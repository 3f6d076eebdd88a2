// Reading a user's input file, the one way every loader does it: only a regular file
// (a FIFO would block forever, /dev/zero would fill memory, a folder is a mistake), and
// only up to a size decided beforehand, so a hostile or broken file is a diagnostic
// before any parser sees it. The limits are explained in docs/limits.md.
import { readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { error, type Diagnostic } from './diagnostics.js';

const MiB = 1024 * 1024;

/**
 * The limits outpost holds its input to. The national case is 13 sites, ~150 devices
 * (15 in the largest site), 11,670 people, a 10 KB access policy; a country twenty
 * times larger still fits with room to spare, a runaway or hostile file does not.
 */
export const LIMITS = {
  /** org.yaml, a site file, allocations.yaml, access.yaml, security.yaml. */
  yamlBytes: 4 * MiB,
  /** One people file (CSV or YAML): 233k people (×20) are about 20 MB in one file. */
  peopleBytes: 64 * MiB,
  /** Rows in one people file. */
  peopleRows: 500_000,
  /** Site files in sites/. */
  sites: 1_000,
  /** Devices in one site (the largest national site has 15). */
  devicesPerSite: 1_000,
  /** Rules, and tests, in the access policy; waivers in the security policy. */
  policyEntries: 20_000,
  /** A waiver's object pattern or a host glob. */
  patternLength: 120,
  /** YAML aliases in one file: enough for anchors people write, too few for a bomb. */
  yamlAliases: 100,
} as const;

export type InputKind = 'yaml' | 'people';

const limitOf = (kind: InputKind): number => (kind === 'people' ? LIMITS.peopleBytes : LIMITS.yamlBytes);

const mib = (n: number): string => `${(n / MiB).toFixed(n < MiB ? 2 : 1)} MiB`;

/** What kind of thing sits at `file`, in words, when it is not a regular file. */
function notAFile(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The text of `file`, or undefined with a located diagnostic when it is missing, not a
 * regular file (symlinks are followed, then judged by what they point at) or too large.
 */
export function readInput(file: string, kind: InputKind, diagnostics: Diagnostic[]): string | undefined {
  const at = { file, line: 1, col: 1 };
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    diagnostics.push(error('unreadable', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, at));
    return undefined;
  }
  const what = notAFile(st);
  if (what) {
    diagnostics.push(error('not-a-file', `${file} is ${what}: outpost reads only regular files here`, at));
    return undefined;
  }
  const limit = limitOf(kind);
  if (st.size > limit) {
    diagnostics.push(error('too-large', `${file} is ${mib(st.size)}; outpost reads at most ${mib(limit)} here (see docs/limits.md)`, at));
    return undefined;
  }
  try {
    // A file that grew between the check and the read is refused all the same.
    const buf = readFileSync(file);
    if (buf.length > limit) {
      diagnostics.push(error('too-large', `${file} grew past ${mib(limit)} while being read`, at));
      return undefined;
    }
    return buf.toString('utf8');
  } catch (e) {
    diagnostics.push(error('unreadable', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, at));
    return undefined;
  }
}

/**
 * Names in folder `dir` matching `pattern`, sorted; a diagnostic when `dir` exists but
 * is not a folder or cannot be listed. A missing folder is an empty list.
 */
export function listInputs(dir: string, pattern: RegExp, diagnostics: Diagnostic[]): string[] {
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    diagnostics.push(error('unreadable', `cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file: dir, line: 1, col: 1 }));
    return [];
  }
  if (!st.isDirectory()) {
    diagnostics.push(error('not-a-folder', `${dir} is not a folder: outpost expects a folder of files here`, { file: dir, line: 1, col: 1 }));
    return [];
  }
  try {
    return readdirSync(dir).filter((f) => pattern.test(f)).sort();
  } catch (e) {
    diagnostics.push(error('unreadable', `cannot list ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file: dir, line: 1, col: 1 }));
    return [];
  }
}
