// Inventory + policy + plan -> the RADIUS server's intent. Pure: the caller says where
// the directory is; nothing here reads a file or a secret.
import { error, fail, ok, type Diagnostic, type Result } from '../diagnostics.js';
import { layoutFor, roleDN } from '../directory/layout.js';
import type { Inventory } from '../inventory/index.js';
import type { SitePlan } from '../plan/index.js';
import type { AccessPolicy } from '../policy/index.js';
import { RADIUS_LDAP_SECRET, type RadiusClient, type RadiusIntent } from './model.js';

export interface RadiusDirectoryInput {
  readonly url: string;
  readonly base: string;
  readonly bindDN: string;
  readonly caFile?: string;
}

// These reach quoted strings of the server config: no quote, backslash or newline can.
const LDAP_URL = /^ldap[si]?:\/\/[A-Za-z0-9.%_:[\]-]*\/?$/;
const DN = /^[A-Za-z0-9=,._ -]{1,256}$/;
const PATH = /^\/[A-Za-z0-9._/-]{1,256}$/;

export function radiusIntent(inv: Inventory, policy: AccessPolicy, sites: readonly SitePlan[], dir: RadiusDirectoryInput): Result<RadiusIntent> {
  const diagnostics: Diagnostic[] = [];
  if (!LDAP_URL.test(dir.url)) diagnostics.push(error('invalid-value', `directory URL ${JSON.stringify(dir.url)} is not an ldap://, ldaps:// or ldapi:// URL`));
  if (!DN.test(dir.base)) diagnostics.push(error('invalid-value', `base DN ${JSON.stringify(dir.base)}: expected letters, digits, = , . _ - and spaces`));
  if (!DN.test(dir.bindDN)) diagnostics.push(error('invalid-value', `bind DN ${JSON.stringify(dir.bindDN)}: expected letters, digits, = , . _ - and spaces`));
  if (dir.caFile !== undefined && !PATH.test(dir.caFile)) diagnostics.push(error('invalid-value', `CA file ${JSON.stringify(dir.caFile)}: expected an absolute path of letters, digits, . _ / -`));
  if (diagnostics.length) return fail(diagnostics);

  const m = inv.org.management;
  const svc = inv.org.services.find((s) => s.name === m.radius)!;
  const authPort = svc.ports[0]?.from ?? 1812;
  const clients: RadiusClient[] = [];
  for (const site of sites) {
    for (const d of site.devices) {
      if (d.kind === 'firewall') continue;
      clients.push({ name: d.hostname, site: site.code, kind: d.kind, address: d.mgmt.address, secret: d.radius.key });
    }
  }
  const layout = layoutFor(dir.base);
  const vlan = new Map(inv.org.zones.map((z) => [z.name, z.vlan]));
  const roles = policy.roles.flatMap((r) => (r.zone ? [{ role: r.name, group: roleDN(layout, r.name), zone: r.zone, vlan: vlan.get(r.zone)! }] : []));
  return ok({
    serverName: `${m.radius}.${inv.org.domain}`,
    authPort,
    acctPort: svc.ports[1]?.from ?? authPort + 1,
    clients,
    directory: {
      url: dir.url,
      base: dir.base,
      people: layout.people,
      roles: layout.roles,
      bindDN: dir.bindDN,
      password: { secret: RADIUS_LDAP_SECRET },
      ...(dir.caFile ? { caFile: dir.caFile } : {}),
    },
    roles,
  });
}
