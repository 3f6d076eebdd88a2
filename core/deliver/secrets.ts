// Secrets reach a device only at push time: rendered artefacts carry
// `%%OUTPOST_SECRET(name)%%`, filled here from a folder holding one file per secret
// (mode 0600). Values never leave this module except inside the staged candidate;
// everything shown to people goes through `redact` first.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PLACEHOLDER = /%%OUTPOST_SECRET\(([^)\s]*)\)%%/g;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Shorter values would make redaction garble diffs, and no device secret should be that short. */
export const MIN_SECRET_LENGTH = 8;

export type Secrets = ReadonlyMap<string, string>;

/** Lines starting with the platform's comment marker are documentation, never secrets. */
const isComment = (line: string, comment: string) => line.trimStart().startsWith(comment);

/** Secret names a config needs, outside comment lines. */
export function secretNames(content: string, comment: string): string[] {
  const names = new Set<string>();
  for (const line of content.split('\n')) {
    if (isComment(line, comment)) continue;
    for (const m of line.matchAll(PLACEHOLDER)) names.add(m[1]!);
  }
  return [...names].sort();
}

/**
 * Reads the named secrets from `dir`. Problems (missing file, bad name, file readable
 * by others, too short) come back as messages naming the secret, never its value.
 */
export function loadSecrets(dir: string | undefined, names: readonly string[]): { secrets: Secrets; problems: string[] } {
  const secrets = new Map<string, string>();
  const problems: string[] = [];
  if (!names.length) return { secrets, problems };
  if (!dir) return { secrets, problems: [`the configs need secrets (${names.join(', ')}): pass --secrets DIR or set OUTPOST_SECRETS_DIR`] };
  for (const name of names) {
    if (!NAME.test(name)) {
      problems.push(`secret placeholder with an invalid name ${JSON.stringify(name)}`);
      continue;
    }
    const file = join(dir, name);
    if (!existsSync(file)) {
      problems.push(`secret ${name}: no file ${file}`);
      continue;
    }
    const st = statSync(file);
    if (!st.isFile() || st.size > 64 * 1024) {
      problems.push(`secret ${name}: ${file} is not a regular file of a few bytes`);
      continue;
    }
    const mode = st.mode & 0o777;
    if (mode & 0o077) {
      problems.push(`secret ${name}: ${file} has mode ${mode.toString(8).padStart(4, '0')}; it must be 0600 (chmod 600 ${file})`);
      continue;
    }
    const value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    if (value.length < MIN_SECRET_LENGTH) problems.push(`secret ${name}: shorter than ${MIN_SECRET_LENGTH} characters`);
    else if (/[\n\r]/.test(value)) problems.push(`secret ${name}: must be one line (a newline would add a line to the device config)`);
    else secrets.set(name, value);
  }
  return { secrets, problems };
}

/** The config with every placeholder outside comments replaced by its value. */
export function substitute(content: string, secrets: Secrets, comment: string): string {
  return content
    .split('\n')
    .map((line) =>
      isComment(line, comment)
        ? line
        : line.replace(PLACEHOLDER, (whole, name: string) => {
            const v = secrets.get(name);
            if (v === undefined) throw new Error(`secret ${name} was not loaded`);
            return v;
          }),
    )
    .join('\n');
}

/** Text for people and logs: each secret value shown as its placeholder. Longest first. */
export function redact(text: string, secrets: Secrets): string {
  let out = text;
  for (const [name, value] of [...secrets].sort((a, b) => b[1].length - a[1].length)) {
    out = out.split(value).join(`%%OUTPOST_SECRET(${name})%%`);
  }
  return out;
}

/** Where a secret sits on a device's config line: the words before it and how it ends. */
export interface SecretField {
  readonly name: string;
  readonly pattern: RegExp;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The platform's secret fields, read off the rendered config: each placeholder's line
 * says which words come before a secret (`key plaintext`, `auth_server_shared_secret=`,
 * `set auth-pwd`). Device text is redacted by these fields whatever value stands there,
 * so an old secret the device still runs, or one it prints encrypted, is never shown.
 */
export function secretFields(intended: readonly { content: string }[], comment: string): SecretField[] {
  const fields = new Map<string, SecretField>();
  for (const f of intended) {
    for (const line of f.content.split('\n')) {
      if (isComment(line, comment) || !line.includes('%%OUTPOST_SECRET(')) continue;
      const parts = line.split(/%%OUTPOST_SECRET\(([^)\s]*)\)%%/);
      for (let i = 1; i < parts.length; i += 2) {
        const name = parts[i]!;
        const before = parts[i - 1]!;
        const after = parts[i + 1]!;
        const words = before.trimStart().split(/(?<=\s)(?=\S)/);
        if (!before.trim()) continue;
        // Two words are specific enough (`auth sha`, `key plaintext`); one word only at a line's start.
        const lead = words.length > 1 || i > 1 ? '' : '(?:^[-+ ]?[ \\t]*)';
        const keyword = escapeRe(words.slice(-2).join(''));
        const closing = /^['"]/.exec(after)?.[0];
        const value = closing ? `[^${closing}\\n]*` : after.trim() ? '\\S+' : '[^\\n]*[^\\s]';
        const key = `${lead}${keyword}|${value}`;
        if (!fields.has(key)) fields.set(key, { name, pattern: new RegExp(`(${lead}${keyword})${value}`, 'gm') });
      }
    }
  }
  return [...fields.values()];
}

/** Text for people: secret values, and whatever stands in a secret field, shown as placeholders. */
export function redactDevice(text: string, secrets: Secrets, fields: readonly SecretField[]): string {
  let out = redact(text, secrets);
  for (const f of fields) out = out.replace(f.pattern, (_whole, keyword: string) => `${keyword}%%OUTPOST_SECRET(${f.name})%%`);
  return out;
}
