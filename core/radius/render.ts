// The RADIUS intent -> a complete freeradius 3 config folder (templates/radius/freeradius),
// runnable with `freeradius -d <folder> -f -l stdout`: no file of /etc/freeradius is read.
// Without secrets the files carry the same placeholders as device configs (for out/ and
// its manifest); with them, the values are filled in, quoted for freeradius.
import { template } from '../render/engine.js';
import { secretNames, substitute, type Secrets } from '../deliver/secrets.js';
import { RADIUS_TLS_FILES, type RadiusFile, type RadiusIntent } from './model.js';

const PLATFORM = 'radius/freeradius';

/** Template -> file, and whether the file holds secrets once filled. */
const FILES: readonly { readonly path: string; readonly secret: boolean }[] = [
  { path: 'radiusd.conf', secret: false },
  { path: 'clients.conf', secret: true },
  { path: 'mods-enabled/always', secret: false },
  { path: 'mods-enabled/eap', secret: false },
  { path: 'mods-enabled/ldap', secret: true },
  { path: 'sites-enabled/default', secret: false },
  { path: 'sites-enabled/inner-tunnel', secret: false },
];

/**
 * Secrets land in single-quoted strings, which freeradius never expands (no ${...},
 * no %{...}). There `\'` stands for a quote but a backslash is otherwise taken as is,
 * so a backslash (before a quote, or last) cannot be written: such secrets are refused.
 */
const quoted = (v: string) => v.replace(/'/g, "\\'");

/** Why a secret cannot go into the server's config, if it cannot (a message without the value). */
export function radiusSecretProblems(secrets: Secrets): string[] {
  return [...secrets].filter(([, v]) => v.includes('\\')).map(([name]) => `secret ${name}: freeradius cannot be given a backslash in a quoted value; choose a secret without one`);
}

/** Secret names the rendered folder needs (the caller loads them from the secret store). */
export function radiusSecretNames(intent: RadiusIntent): string[] {
  return [...new Set([intent.directory.password.secret, ...intent.clients.map((c) => c.secret.secret)])].sort();
}

/**
 * The server's config folder. With `secrets` (check them with radiusSecretProblems
 * first: a refused one here is the caller's bug) the values are filled in.
 */
export function renderRadius(intent: RadiusIntent, secrets?: Secrets): RadiusFile[] {
  const refused = secrets ? radiusSecretProblems(secrets) : [];
  if (refused.length) throw new Error(`renderRadius: ${refused.join('; ')}`);
  // Strict templates: an absent optional field is given as null, not left out.
  const context = { ...intent, directory: { ...intent.directory, caFile: intent.directory.caFile ?? null }, tls: RADIUS_TLS_FILES };
  const fill = secrets ? new Map([...secrets].map(([k, v]) => [k, quoted(v)])) : undefined;
  return FILES.map((f) => {
    const text = template(PLATFORM, `${f.path}.hbs`)(context);
    // substitute() throws on a secret it was not given: name them all first, as a bug.
    if (fill) for (const n of secretNames(text, '#')) if (!fill.has(n)) throw new Error(`renderRadius: secret ${n} was not given`);
    return { path: f.path, content: fill ? substitute(text, fill, '#') : text, secret: f.secret };
  });
}
