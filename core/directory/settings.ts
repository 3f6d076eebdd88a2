// Where the directory is and how to bind: flags first, then the environment, then a
// running `outpost lab directory`. The password only ever comes from a file.
import { existsSync, readFileSync, statSync } from 'node:fs';

export interface ConnectionFlags {
  readonly ldapUrl?: string;
  readonly bindDn?: string;
  readonly passwordFile?: string;
  readonly baseDn?: string;
  readonly ldapCa?: string;
}

export interface ConnectionSettings {
  readonly url: string;
  readonly bindDN: string;
  readonly passwordFile: string;
  /** Base DN of the directory (ou=people and ou=roles live under it). */
  readonly base: string;
  /** PEM CA bundle for ldaps:// servers. */
  readonly caFile?: string;
}

export interface LabDefaults {
  readonly url: string;
  readonly bindDN: string;
  readonly passwordFile: string;
  readonly suffix: string;
}

export type Resolved = { ok: true; settings: ConnectionSettings; from: string } | { ok: false; message: string };

/**
 * Resolves connection settings. `fallbackBase` is the base DN derived from the
 * inventory's domain, used when nothing names one.
 */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv, lab: LabDefaults | undefined, fallbackBase: string): Resolved {
  const url = flags.ldapUrl ?? env.OUTPOST_LDAP_URL;
  const bindDN = flags.bindDn ?? env.OUTPOST_LDAP_BIND_DN;
  const passwordFile = flags.passwordFile ?? env.OUTPOST_LDAP_PASSWORD_FILE;
  const base = flags.baseDn ?? env.OUTPOST_LDAP_BASE_DN;
  const caFile = flags.ldapCa ?? env.OUTPOST_LDAP_CA_FILE;
  if (!url && !bindDN && !passwordFile && lab) {
    return { ok: true, settings: { url: lab.url, bindDN: lab.bindDN, passwordFile: lab.passwordFile, base: base ?? lab.suffix }, from: 'the running lab directory' };
  }
  const missing: string[] = [];
  if (!url) missing.push('--ldap-url (or OUTPOST_LDAP_URL)');
  if (!bindDN) missing.push('--bind-dn (or OUTPOST_LDAP_BIND_DN)');
  if (!passwordFile) missing.push('--password-file (or OUTPOST_LDAP_PASSWORD_FILE)');
  if (missing.length) {
    return { ok: false, message: `no directory to talk to: pass ${missing.join(', ')}, or start one with \`outpost lab directory up\`` };
  }
  if (!/^ldaps?:\/\/[A-Za-z0-9.[\]:-]+(:\d+)?\/?$/.test(url!)) return { ok: false, message: `--ldap-url ${url} is not an ldap:// or ldaps:// URL` };
  if (!existsSync(passwordFile!) || !statSync(passwordFile!).isFile()) return { ok: false, message: `password file ${passwordFile} does not exist` };
  return { ok: true, settings: { url: url!, bindDN: bindDN!, passwordFile: passwordFile!, base: base ?? fallbackBase, ...(caFile ? { caFile } : {}) }, from: flags.ldapUrl ? 'flags' : 'the environment' };
}

/** The bind password: first line of the file, never logged. */
export function readPassword(file: string): string {
  return readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
}
