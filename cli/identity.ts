// Flags and set-up shared by the identity commands (directory, onboard, offboard, kit,
// lab directory): where the directory is, the policy's roles, the CA files.
import type { Command } from 'commander';
import { UsageError } from './exit-codes.js';
import { report } from './context.js';
import type { Output } from './output.js';
import type { IdentityContext } from '../core/people/index.js';
import type { ConnectionSettings } from '../core/directory/index.js';
import type { CaCertificate } from '../core/kit/index.js';

/** Where `outpost lab directory up` keeps its server, relative to the working folder. */
export const LAB_DIRECTORY_STATE = '.outpost/lab/directory';

export interface DirectoryFlags {
  readonly ldapUrl?: string;
  readonly bindDn?: string;
  readonly passwordFile?: string;
  readonly baseDn?: string;
  readonly ldapCa?: string;
}

export interface IdentityFlags {
  readonly inventory: string;
  readonly policy?: string;
  readonly today?: string;
  readonly json?: boolean;
}

export function withDirectory(cmd: Command): Command {
  return cmd
    .option('--ldap-url <url>', 'directory server, ldap:// or ldaps:// (env OUTPOST_LDAP_URL)')
    .option('--bind-dn <dn>', 'DN to bind as (env OUTPOST_LDAP_BIND_DN)')
    .option('--password-file <file>', 'file holding the bind password (env OUTPOST_LDAP_PASSWORD_FILE)')
    .option('--base-dn <dn>', 'base DN (env OUTPOST_LDAP_BASE_DN; default from the inventory domain)')
    .option('--ldap-ca <file>', 'CA bundle for ldaps:// (env OUTPOST_LDAP_CA_FILE)');
}

export function withPolicy(cmd: Command): Command {
  return cmd
    .option('--policy <file>', 'access policy holding the roles (default: policies/access.yaml beside the inventory)')
    .option('--today <date>', 'judge end dates as of this day, YYYY-MM-DD (default: today)');
}

export function withCa(cmd: Command): Command {
  return cmd
    .option('--vpn-ca <file>', 'CA certificate of the VPN gateways, PEM (env OUTPOST_VPN_CA)')
    .option('--wifi-ca <file>', 'CA certificate of the RADIUS server, PEM (env OUTPOST_WIFI_CA; default: the VPN CA)');
}

export function today(flag?: string): string {
  if (flag !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(flag) || Number.isNaN(Date.parse(`${flag}T00:00:00Z`))) throw new UsageError(`--today ${flag}: expected a date as YYYY-MM-DD`);
    return flag;
  }
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Loads inventory, roles and people; prints diagnostics and returns undefined on errors. */
export async function identity(flags: IdentityFlags, out: Output): Promise<IdentityContext | undefined> {
  const { loadIdentity, defaultPolicyFile } = await import('../core/people/index.js');
  const r = loadIdentity(flags.inventory, flags.policy ?? defaultPolicyFile(flags.inventory));
  if (!r.ok) {
    process.exitCode = report(out, r.diagnostics, !!flags.json);
    return undefined;
  }
  if (!flags.json) out.diagnostics(r.diagnostics);
  return r.value;
}

export async function connection(flags: DirectoryFlags, ctx: IdentityContext): Promise<ConnectionSettings> {
  // Settings alone: a command that only reads the directory need not load all of it.
  const { resolveConnection } = await import('../core/directory/settings.js');
  const { directoryLabStatus, suffixFromDomain } = await import('../core/lab/directory.js');
  const r = resolveConnection(flags, process.env, directoryLabStatus(LAB_DIRECTORY_STATE), suffixFromDomain(ctx.inventory.org.domain));
  if (!r.ok) throw new UsageError(r.message);
  return r.settings;
}

export async function readCas(flags: { vpnCa?: string; wifiCa?: string }): Promise<{ vpn: CaCertificate; wifi: CaCertificate; tlsCrypt?: string }> {
  const { readFileSync, existsSync } = await import('node:fs');
  const { parseCa } = await import('../core/kit/index.js');
  const { pkiPaths, isTlsCryptKey } = await import('../core/pki/index.js');
  // `outpost pki init` made the gateways' CA: kits take it from there unless told otherwise.
  const pki = pkiPaths(process.env.OUTPOST_PKI ?? 'pki');
  const vpnFile = flags.vpnCa ?? process.env.OUTPOST_VPN_CA ?? (existsSync(pki.caCert) ? pki.caCert : undefined);
  if (!vpnFile) throw new UsageError('the VPN profile needs the CA of the gateways: run `outpost pki init` (or pass --vpn-ca FILE, or set OUTPOST_VPN_CA)');
  const tlsCrypt = existsSync(pki.tlsCrypt) ? readFileSync(pki.tlsCrypt, "utf8") : undefined;
  if (tlsCrypt !== undefined && !isTlsCryptKey(tlsCrypt)) throw new UsageError(`${pki.tlsCrypt} is not an OpenVPN static key`);
  const load = (file: string, flag: string) => {
    if (!existsSync(file)) throw new UsageError(`${flag} ${file}: no such file`);
    try {
      return parseCa(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UsageError(`${flag} ${file}: ${(e as Error).message}`);
    }
  };
  const vpn = load(vpnFile, '--vpn-ca');
  const wifiFile = flags.wifiCa ?? process.env.OUTPOST_WIFI_CA;
  return { vpn, wifi: wifiFile ? load(wifiFile, '--wifi-ca') : vpn, ...(tlsCrypt ? { tlsCrypt } : {}) };
}

/** Prompts only where a person can answer: a TTY, outside CI. */
export function interactive(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true && !process.env.CI;
}
