// From the inventory's plan and rendered artefacts to push work: which devices, at which
// address, with which pinned key, holding which files. An endpoints file may override
// where a device is reached (the lab twin, a port forward before the fibre is lit).
import { readInput } from '../input.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { error, type Diagnostic } from '../diagnostics.js';
import { field, parseFile, type Inventory } from '../inventory/index.js';
import type { SitePlan } from '../plan/index.js';
import type { Artefact } from '../render/index.js';
import type { Work } from './engine.js';
import type { Target } from './types.js';

const endpoint = z.strictObject({
  address: field('text').optional(),
  port: z.number().int().min(1).max(65535).optional(),
  hostKey: z
    .string()
    .regex(/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}$/, { error: 'expected a public host key such as "ssh-ed25519 AAAA..."' })
    .optional(),
  user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: 'expected a login name' }).optional(),
  root: z.string().regex(/^\/[A-Za-z0-9_./-]*$/, { error: 'expected an absolute path' }).optional(),
});

const endpointsFile = z.strictObject({ endpoints: z.record(field('hostname'), endpoint) });

export type Endpoint = z.infer<typeof endpoint>;

/** Reads an endpoints file: `endpoints: { <hostname>: { address, port, hostKey, user, root } }`. */
export function loadEndpoints(file: string): { endpoints: ReadonlyMap<string, Endpoint>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const text = readInput(file, 'yaml', diagnostics);
  if (text === undefined) return { endpoints: new Map(), diagnostics };
  const parsed = parseFile(file, text, endpointsFile, diagnostics);
  return { endpoints: new Map(Object.entries(parsed?.value.endpoints ?? {})), diagnostics };
}

export interface WorkOptions {
  readonly site: string;
  /** Only these hostnames (all of the site's when empty). */
  readonly devices?: readonly string[];
  readonly endpoints?: ReadonlyMap<string, Endpoint>;
}

/** Push work per device of a site, in artefact order; unknown --device names are diagnostics. */
export function siteWork(inv: Inventory, plan: Pick<SitePlan, 'devices'>, artefacts: readonly Artefact[], opts: WorkOptions): { work: Work[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const hosts = [...new Set(artefacts.filter((a) => a.site === opts.site).map((a) => a.device))];
  for (const d of opts.devices ?? []) {
    if (!hosts.includes(d)) diagnostics.push(error('unknown-device', `no device ${d} with rendered configs in site ${opts.site} (devices: ${hosts.join(', ')})`, { path: '--device' }));
  }
  for (const h of opts.endpoints?.keys() ?? []) {
    if (!hosts.includes(h)) diagnostics.push(error('unknown-device', `endpoints file names ${h}, which is not a device of site ${opts.site}`));
  }
  const work: Work[] = [];
  for (const host of hosts) {
    if (opts.devices?.length && !opts.devices.includes(host)) continue;
    const files = artefacts.filter((a) => a.site === opts.site && a.device === host);
    const intent = plan.devices.find((d) => d.hostname === host);
    const gateway = inv.org.vpnGateways.find((g) => g.hostname === host);
    const base = intent
      ? { address: intent.mgmt.address, port: intent.ssh.port, ...(intent.ssh.hostKey ? { hostKey: intent.ssh.hostKey } : {}) }
      : gateway
        ? { address: (gateway.mgmt ?? gateway.address).replace(/\/\d+$/, ''), port: 22 }
        : undefined;
    if (!base) {
      diagnostics.push(error('unknown-device', `rendered configs for ${host}, which the plan of ${opts.site} does not know`));
      continue;
    }
    const over = opts.endpoints?.get(host) ?? {};
    const target: Target = { hostname: host, site: opts.site, platform: files[0]!.platform, ...base, ...over };
    const prefix = `${opts.site}/${host}`;
    work.push({
      target,
      intended: files.map((a) => ({ name: a.path.slice(prefix.length), content: a.content })),
      sha256: deviceSha256(files),
    });
  }
  return { work, diagnostics };
}

/** The hash of one device's artefacts together: what a push records and a stack diffs by. */
export function deviceSha256(files: readonly Pick<Artefact, 'path' | 'sha256'>[]): string {
  return createHash('sha256')
    .update(files.map((a) => `${a.path} ${a.sha256}`).join('\n'))
    .digest('hex');
}
