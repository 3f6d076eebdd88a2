// Load and validate once, at the edge: YAML -> schema -> semantic checks -> typed model.
// Every problem in every file is reported together; on any error there is no model.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { error, fail, hasErrors, ok, type Diagnostic, type Result } from '../diagnostics.js';
import { LIMITS, listInputs, readInput } from '../input.js';
import { parseYaml, pathString, type YamlSource } from './source.js';
import { allocationsFile, orgFile, siteFile, type AllocationsFile, type OrgFile, type SiteFile } from './schema.js';
import { checkInventory, type PlatformCatalogue } from './semantic.js';
import { buildInventory } from './build.js';
import type { Inventory } from './model.js';

export interface LoadOptions {
  /** Known platforms per device role; when given, unknown platforms are errors. */
  readonly platforms?: PlatformCatalogue;
}

export interface Parsed<T> {
  readonly source: YamlSource;
  readonly value: T;
}

/**
 * Parse options without zod's generated fast path: each object schema would compile one with
 * `new Function` on its first use, which a command that reads each file once never repays.
 */
export const JITLESS = { jitless: true } as z.core.ParseContext<z.core.$ZodIssue>;

/** Parses one YAML file against a schema, turning every issue into a located diagnostic. */
export function parseFile<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  diagnostics: Diagnostic[],
): Parsed<z.infer<S>> | undefined {
  const { source, diagnostics: syntax } = parseYaml(file, text);
  diagnostics.push(...syntax);
  if (!source) return undefined;
  // Without zod's generated fast path: each object schema would compile one with `new
  // Function` on its first use, which a command that reads each file once never repays
  // (about 15 ms of a fresh `render --site`); the checks and their messages are the same.
  const result = schema.safeParse(source.data ?? {}, JITLESS);
  if (result.success) return { source, value: result.data };
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key] as (string | number)[];
        diagnostics.push(error('unknown-field', `unknown field "${key}"`, { ...source.locateKey(path), path: pathString(path) }));
      }
      continue;
    }
    const path = issue.path as (string | number)[];
    diagnostics.push(error('invalid-value', issue.message, { ...source.locate(path), path: pathString(path) }));
  }
  return undefined;
}

const readText = (file: string, diagnostics: Diagnostic[]): string | undefined => readInput(file, 'yaml', diagnostics);

export function loadInventory(dir: string, options: LoadOptions = {}): Result<Inventory> {
  const diagnostics: Diagnostic[] = [];
  const orgPath = join(dir, 'org.yaml');
  if (!existsSync(orgPath)) {
    return fail([error('no-inventory', `no org.yaml in ${dir}: is --inventory pointing at an outpost inventory?`, { file: orgPath, line: 1, col: 1 })]);
  }
  const orgText = readText(orgPath, diagnostics);
  const org = orgText === undefined ? undefined : parseFile<typeof orgFile>(orgPath, orgText, orgFile, diagnostics);

  const sitesDir = join(dir, 'sites');
  const before = diagnostics.length;
  const siteNames = listInputs(sitesDir, /\.ya?ml$/, diagnostics);
  const listed = diagnostics.length === before;
  if (siteNames.length > LIMITS.sites) {
    diagnostics.push(error('too-many', `${sitesDir} holds ${siteNames.length} site files; outpost reads at most ${LIMITS.sites} (see docs/limits.md)`, { file: sitesDir, line: 1, col: 1 }));
    return fail(diagnostics);
  }
  const sites: Parsed<SiteFile>[] = [];
  for (const name of siteNames) {
    const file = join(sitesDir, name);
    const text = readText(file, diagnostics);
    const parsed = text === undefined ? undefined : parseFile<typeof siteFile>(file, text, siteFile, diagnostics);
    if (parsed) sites.push(parsed);
  }

  const allocPath = join(dir, 'allocations.yaml');
  let allocations: Parsed<AllocationsFile> | undefined;
  if (existsSync(allocPath)) {
    const text = readText(allocPath, diagnostics);
    allocations = text === undefined ? undefined : parseFile<typeof allocationsFile>(allocPath, text, allocationsFile, diagnostics);
  }

  // Files that passed the schema are checked for meaning even when another file failed,
  // so one run shows every problem; a file's own schema errors come before its meaning.
  if (!org) return fail(diagnostics);
  // A site file that failed its schema still owns its allocations: only judge them stale
  // when every site file was read.
  const allSites = listed && sites.length === siteNames.length;
  diagnostics.push(...checkInventory(org as Parsed<OrgFile>, sites, allSites ? allocations : undefined, options.platforms));
  for (const s of sites) {
    const expected = `${s.value.site.code}.yaml`;
    if (basename(s.source.file) !== expected && basename(s.source.file) !== `${s.value.site.code}.yml`) {
      diagnostics.push({
        severity: 'warning',
        code: 'file-name',
        message: `site ${s.value.site.code} is in ${basename(s.source.file)}; name the file ${expected} so people find it`,
        ...s.source.locate(['site', 'code']),
        path: 'site.code',
      });
    }
  }
  if (hasErrors(diagnostics)) return fail(diagnostics);
  return ok(buildInventory(dir, org as Parsed<OrgFile>, sites, allocations), diagnostics);
}
