// Everything a push or a drift check needs before talking to devices, gathered once:
// the site's rendered artefacts, the work per device, the secrets the configs need and
// the SSH settings. Problems come back as diagnostics; nothing is contacted here.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { error, hasErrors, type Diagnostic } from '../diagnostics.js';
import { runPipeline, type PipelineOptions } from '../pipeline.js';
import { CENTRAL } from '../render/index.js';
import { driverFor } from './drivers/index.js';
import type { Work } from './engine.js';
import { loadKnownHosts } from './hostkeys.js';
import { loadSecrets, secretNames, type Secrets } from './secrets.js';
import { loadEndpoints, siteWork } from './targets.js';
import type { SshSettings } from './types.js';

export interface PrepareOptions {
  readonly inventoryDir: string;
  readonly site: string;
  readonly devices?: readonly string[];
  readonly endpointsFile?: string;
  readonly secretsDir?: string;
  readonly identityFile?: string;
  readonly knownHostsFile?: string;
  readonly user?: string;
  readonly connectTimeoutSeconds?: number;
  readonly rules?: PipelineOptions['rules'];
  /** Environment to read OUTPOST_* and SSH_AUTH_SOCK from (process.env by default). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface Prepared {
  readonly work: readonly Work[];
  readonly secrets: Secrets;
  readonly ssh: SshSettings;
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

export function prepareSite(o: PrepareOptions): Prepared {
  const env = o.env ?? process.env;
  const diagnostics: Diagnostic[] = [];
  const empty = (): Prepared => ({ work: [], secrets: new Map(), ssh: sshSettings(o, env, diagnostics), diagnostics, ok: false });

  // The central servers (out/central/) come from a full render; of them, the VPN
  // gateways have a delivery driver today.
  const central = o.site === CENTRAL;
  const r = runPipeline({ inventoryDir: o.inventoryDir, ...(central ? {} : { sites: [o.site] }), ...(o.rules ? { rules: o.rules } : {}) });
  diagnostics.push(...r.diagnostics);
  const plan = central ? { devices: [] } : r.plan?.sites.find((s) => s.code === o.site);
  if (!r.ok || !r.inventory || !plan) return empty();
  const gateways = new Set(r.inventory.org.vpnGateways.map((g) => g.hostname));
  const artefacts = central ? r.artefacts.filter((a) => a.site === CENTRAL && gateways.has(a.device)) : r.artefacts;
  if (central && !artefacts.length) diagnostics.push(error('no-central', 'no VPN gateway rendered: push --site central needs policies/access.yaml beside the inventory'));

  const endpoints = o.endpointsFile ? loadEndpoints(o.endpointsFile) : undefined;
  diagnostics.push(...(endpoints?.diagnostics ?? []));
  const { work, diagnostics: wd } = siteWork(r.inventory, plan, artefacts, {
    site: o.site,
    ...(o.devices?.length ? { devices: o.devices } : {}),
    ...(endpoints ? { endpoints: endpoints.endpoints } : {}),
  });
  diagnostics.push(...wd);
  for (const w of work) {
    if (!driverFor(w.target.platform)) diagnostics.push(error('no-driver', `${w.target.hostname}: no delivery driver for platform ${w.target.platform}`));
  }

  // Every secret the configs need must be present before any device is touched.
  const names = [...new Set(work.flatMap((w) => w.intended.flatMap((f) => secretNames(f.content, driverFor(w.target.platform)?.comment ?? '#'))))].sort();
  const { secrets, problems } = loadSecrets(o.secretsDir ?? env.OUTPOST_SECRETS_DIR, names);
  for (const p of problems) diagnostics.push(error('secret', p));

  const ssh = sshSettings(o, env, diagnostics);
  return { work, secrets, ssh, diagnostics, ok: !hasErrors(diagnostics) };
}

function sshSettings(o: PrepareOptions, env: NodeJS.ProcessEnv, diagnostics: Diagnostic[]): SshSettings {
  const identity = o.identityFile ?? env.OUTPOST_SSH_KEY;
  let privateKey: Buffer | undefined;
  if (identity) {
    try {
      // As OpenSSH does, and as secrets files are held to: a key others can read is no key.
      const mode = statSync(identity).mode & 0o777;
      if (mode & 0o077) {
        diagnostics.push(error('ssh-key', `SSH key ${identity} has mode ${mode.toString(8).padStart(4, '0')}; it must be readable by its owner only (chmod 600 ${identity})`));
      } else privateKey = readFileSync(identity);
    } catch (e) {
      diagnostics.push(error('ssh-key', `cannot read SSH key ${identity}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
    }
  }
  const agent = env.SSH_AUTH_SOCK;
  if (!identity && !agent) diagnostics.push(error('ssh-key', 'no SSH key: pass --identity FILE, set OUTPOST_SSH_KEY, or run an SSH agent (SSH_AUTH_SOCK)'));
  const defaultKnown = join(homedir(), '.ssh', 'known_hosts');
  const knownHostsFile = o.knownHostsFile ?? env.OUTPOST_KNOWN_HOSTS ?? (existsSync(defaultKnown) ? defaultKnown : undefined);
  if (o.knownHostsFile && !existsSync(o.knownHostsFile)) diagnostics.push(error('known-hosts', `no known_hosts file ${o.knownHostsFile}`));
  // A FIFO or a device here would block or fill memory: only a regular file of sane size is read.
  const knownOk = !knownHostsFile || !existsSync(knownHostsFile) || (statSync(knownHostsFile).isFile() && statSync(knownHostsFile).size <= 64 * 1024 * 1024);
  if (!knownOk) diagnostics.push(error('known-hosts', `${knownHostsFile} is not a regular known_hosts file`));
  const timeout = (o.connectTimeoutSeconds ?? 10) * 1000;
  return {
    user: o.user ?? env.OUTPOST_SSH_USER ?? 'root',
    ...(privateKey ? { privateKey } : {}),
    ...(env.OUTPOST_SSH_PASSPHRASE ? { passphrase: env.OUTPOST_SSH_PASSPHRASE } : {}),
    ...(agent ? { agent } : {}),
    knownHosts: knownOk ? loadKnownHosts(knownHostsFile) : [],
    readyTimeoutMs: timeout,
    commandTimeoutMs: Math.max(30_000, timeout * 3),
  };
}
