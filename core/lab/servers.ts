// The state network's servers in the twin, run from their rendered configs: the VPN
// gateway (OpenVPN + gatekeeper) in the gateway namespace, and the RADIUS server and the
// PBX each in a namespace of their own behind the state network, at their service
// addresses, so the agents' kits and the site's devices use them as they would for real.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Inventory } from '../inventory/index.js';
import { compileGateway, type AccessPolicy, type Enforcement } from '../policy/index.js';
import { renderGateways } from '../render/index.js';
import { planGateways } from '../vpn/index.js';
import { issueServer, type PkiPaths } from '../pki/index.js';
import { radiusIntent, renderRadius, RADIUS_LDAP_SECRET, RADIUS_TLS_FILES } from '../radius/index.js';
import { pbxIntent, renderPbx, startPbx } from '../pbx/index.js';
import { readPassword } from '../directory/settings.js';
import { startGatewayServer, type GatewayServer } from './gateway.js';
import { startRadius, writeRadiusConfig } from './radius.js';
import { addAddress, addRoute, createNamespace, createVeth, nsExec } from './netns.js';
import type { DirectoryLab } from './directory.js';
import { GW_UP, type Twin } from './twin.js';

export interface StateServers {
  readonly gateway: GatewayServer;
  /** Service address -> namespace of the real server holding it (probes observe there). */
  readonly observed: Readonly<Record<string, string>>;
  readonly namespaces: readonly string[];
}

export interface StateServerOptions {
  readonly twin: Twin;
  readonly inv: Inventory;
  readonly policy: AccessPolicy;
  readonly enf: Enforcement;
  readonly date: string;
  /** The lab's own folder for these servers (configs, logs, stores). */
  readonly dir: string;
  readonly pki: PkiPaths;
  readonly directory: DirectoryLab;
  /** How to run the outpost CLI (for the gatekeeper). */
  readonly outpost: readonly string[];
  /** Addresses the gatekeeper never hands out (the role samples the probes use). */
  readonly reserved: readonly string[];
}

/** A certificate for `name` from the lab's PKI, issued once. */
function certFor(pki: PkiPaths, name: string, dns: string): void {
  if (!existsSync(pki.certOf(name)) || !existsSync(pki.keyOf(name))) issueServer(pki, name, [dns]);
}

/** Moves service addresses from the state network's loopback to a server namespace of their own. */
function serverHost(twin: Twin, name: string, link: number, addresses: readonly string[]): string {
  const ns = `${twin.prefix}${name}`;
  createNamespace(ns);
  const up = `100.127.253.${link * 4 + 1}`;
  const here = `100.127.253.${link * 4 + 2}`;
  createVeth({ name: `${name}0`, ns: twin.upstream, address: `${up}/30` }, { name: 'eth0', ns, address: `${here}/30` });
  addRoute(ns, 'default', up);
  for (const a of addresses) {
    nsExec(twin.upstream, ['ip', 'addr', 'del', `${a}/32`, 'dev', 'lo']);
    addAddress(ns, 'lo', `${a}/32`);
    addRoute(twin.upstream, `${a}/32`, here);
  }
  return ns;
}

const hostOf = (a: string) => a.split('/')[0]!;

export async function startStateServers(o: StateServerOptions): Promise<StateServers> {
  const { inv, twin } = o;
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const adminPassword = readPassword(o.directory.passwordFile);
  const observed: Record<string, string> = {};
  const namespaces: string[] = [];

  // The VPN gateway: the rendered config, with the lab directory in place of the state one.
  const gw = inv.org.vpnGateways[0]!;
  certFor(o.pki, gw.hostname, gw.public);
  const files = renderGateways(
    planGateways(inv, {
      pools: o.enf.pools,
      gateway: compileGateway(inv, o.policy, o.enf.sites, o.date),
      directory: { url: o.directory.url, base: o.directory.suffix, bindDn: o.directory.bindDN, passwordFile: 'directory.password' },
      reserved: o.reserved,
    }),
  ).filter((f) => f.device === gw.hostname);
  // Agents' tunnel addresses come back to the gateway from anywhere in the VPN range.
  addRoute(twin.upstream, inv.org.addressPlan.vpn, GW_UP.gw);
  const gateway = await startGatewayServer({ ns: twin.gateway, dir: join(o.dir, 'gateway'), files, pki: o.pki, certName: gw.hostname, directoryPassword: adminPassword, outpost: o.outpost, port: gw.port });

  // RADIUS: clients are the inventory's switches and APs; users are checked in the lab directory.
  const radiusSvc = inv.org.services.find((s) => s.name === inv.org.management.radius);
  if (radiusSvc) {
    const ns = serverHost(twin, 'radius', 0, radiusSvc.addresses.map(hostOf));
    namespaces.push(ns);
    for (const a of radiusSvc.addresses) observed[hostOf(a)] = ns;
    const keyFile = join(o.dir, 'radius-key');
    if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    const intent = radiusIntent(inv, o.policy, o.enf.sites, { url: o.directory.ldapiUrl, base: o.directory.suffix, bindDN: o.directory.bindDN });
    if (!intent.ok) throw new Error(`RADIUS server: ${intent.diagnostics.map((d) => d.message).join('; ')}`);
    const dir = join(o.dir, 'radius');
    writeRadiusConfig(dir, renderRadius(intent.value, new Map([['radius-key', readFileSync(keyFile, 'utf8')], [RADIUS_LDAP_SECRET, adminPassword]])));
    const radiusName = `${inv.org.management.radius}.${inv.org.domain}`;
    certFor(o.pki, 'radius', radiusName);
    mkdirSync(join(dir, 'certs'), { recursive: true });
    copyFileSync(o.pki.certOf('radius'), join(dir, RADIUS_TLS_FILES.certificate));
    copyFileSync(o.pki.keyOf('radius'), join(dir, RADIUS_TLS_FILES.key));
    copyFileSync(o.pki.caCert, join(dir, RADIUS_TLS_FILES.ca));
    await startRadius({ ns, dir, logFile: join(o.dir, 'radius.log') });
  }

  // The PBX: the rendered kamailio.cfg; subscribers come from `outpost pbx apply --db <store>`.
  const pbx = pbxIntent(inv, { dbFile: join(o.dir, 'pbx', 'subscribers.db') });
  if (pbx.ok) {
    const sip = inv.org.services.find((s) => s.name === 'sip')!;
    const ns = serverHost(twin, 'pbx', 1, [hostOf(sip.addresses[0]!)]);
    namespaces.push(ns);
    observed[hostOf(sip.addresses[0]!)] = ns;
    const dir = join(o.dir, 'pbx');
    mkdirSync(dir, { recursive: true });
    for (const f of renderPbx(pbx.value)) writeFileSync(join(dir, f.path), f.content);
    await startPbx({ ns, dir, dbFile: join(dir, 'subscribers.db'), logFile: join(o.dir, 'pbx.log') });
  }
  return { gateway, observed, namespaces };
}

