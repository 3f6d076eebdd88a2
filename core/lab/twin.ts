// The lab twin of a site: the site's firewall running its rendered nftables ruleset for
// real, one host per zone behind it, and the state network beyond its WAN with every
// service address and a source address per VPN role pool. Names carry one prefix, so
// `lab down` finds everything from the names alone, even after a crash.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Inventory } from '../inventory/index.js';
import { net } from '../inventory/index.js';
import type { AddressSet, FirewallIntent, FirewallRule, SitePlan } from '../plan/index.js';
import { renderDevice } from '../render/index.js';
import { addAddress, addRoute, createNamespace, createVeth, enableForwarding, nsRun, removeByPrefix } from './netns.js';
import { LISTENER } from './agents.js';
import { renderGateways } from '../render/index.js';
import { planGateways } from '../vpn/index.js';

/** The gateway's own rendered nftables ruleset (role rules, and the VPN port open to agents). */
export function gatewayRuleset(inv: Inventory, gateway: { sets: readonly AddressSet[]; rules: readonly FirewallRule[] }): string {
  const files = renderGateways(planGateways(inv, { pools: new Map(), gateway }));
  return files.find((f) => f.path.endsWith('/ruleset.nft'))!.content;
}

export const LAB_AREA = 'opl';

export interface Twin {
  readonly prefix: string;
  readonly site: string;
  readonly firewall: string;
  /** Namespace of each zone's host, and the host's address. */
  readonly zones: ReadonlyMap<string, { readonly ns: string; readonly address: string }>;
  /** The state network: every service address and the internet sample. */
  readonly upstream: string;
  /** The VPN gateway running its compiled ruleset, and the remote agents behind it (one source per role pool). */
  readonly gateway: string;
  readonly agents: string;
  readonly listeners: readonly ChildProcess[];
}

export interface TwinPorts {
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
}

/** `opl-<tag>-`: the tag is the site code for the CLI, site plus pid in tests. */
/** The one address standing for each org service network on the state network (its first host). */
export function serviceHosts(inv: Inventory): string[] {
  return inv.org.services.flatMap((s) =>
    s.addresses
      .filter((a) => !a.endsWith('/0'))
      .map((a) => {
        const b = net.parseCidr(a);
        return net.intToIp(b.prefix >= 31 ? b.base : b.base + 1);
      }),
  );
}

export const labPrefix = (tag: string): string => `${LAB_AREA}-${tag}-`;

async function startListener(ns: string, ports: TwinPorts, addresses: readonly string[], log?: string): Promise<ChildProcess> {
  // Its stderr goes to the lab folder's log, never to the caller's: `lab up | tail` must end.
  const err = log ? openSync(log, 'a') : 'ignore';
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', LISTENER, JSON.stringify({ ...ports, addresses })], { stdio: ['ignore', 'pipe', err], detached: true });
  if (typeof err === 'number') closeSync(err);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`listener in ${ns} did not start`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`listener in ${ns} exited with ${code}`)));
  });
  // The listener outlives this process (it dies with its namespace at `lab down`).
  child.removeAllListeners('exit');
  child.stdout!.destroy();
  child.unref();
  return child;
}

// Point-to-point links of the twin's own making, inside its namespaces only.
export const GW_UP = { up: '100.127.255.1', gw: '100.127.255.2' };
const GW_AGENTS = { gw: '100.127.255.5', agents: '100.127.255.6' };

/**
 * Builds the twin of `site` (planned with its compiled policy) and of the VPN gateway in
 * front of the remote agents. `agentSources` are the role samples, `extra` further
 * state-network addresses (the internet sample).
 */
export async function buildTwin(
  inv: Inventory,
  site: SitePlan,
  tag: string,
  gateway: { sets: readonly AddressSet[]; rules: readonly FirewallRule[] },
  agentSources: readonly string[],
  extra: readonly string[],
  ports: TwinPorts,
  log?: string,
): Promise<Twin> {
  const prefix = labPrefix(tag);
  removeByPrefix(prefix);
  const fw = site.devices.find((d): d is FirewallIntent => d.kind === 'firewall' && d.platform === 'nftables');
  if (!fw) throw new Error(`site ${site.code} has no nftables firewall to run in the lab`);
  const fwNs = `${prefix}fw`;
  const upNs = `${prefix}up`;
  const gwNs = `${prefix}gw`;
  const agentsNs = `${prefix}vpn`;
  try {
    for (const ns of [fwNs, upNs, gwNs, agentsNs]) createNamespace(ns);
    enableForwarding(fwNs);
    enableForwarding(gwNs);
    // The state network carries agents to the sites.
    enableForwarding(upNs);
    const zones = new Map<string, { ns: string; address: string }>();
    for (const z of fw.zones) {
      const ns = `${prefix}z-${z.name}`;
      createNamespace(ns);
      const b = net.parseCidr(z.subnet);
      // The same host address the analysis reasons about (core/policy check).
      const host = z.dhcp?.start ?? net.intToIp(b.base + 20);
      createVeth({ name: z.iface, ns: fwNs, address: `${z.gateway}/${z.prefix}` }, { name: 'eth0', ns, address: `${host}/${z.prefix}` });
      addRoute(ns, 'default', z.gateway);
      zones.set(z.name, { ns, address: host });
    }
    createVeth({ name: 'wan', ns: fwNs, address: `${fw.wan.address}/${fw.wan.prefix}` }, { name: 'eth0', ns: upNs, address: `${fw.wan.gateway}/${fw.wan.prefix}` });
    addRoute(fwNs, 'default', fw.wan.gateway);
    // The state network routes the site's block to the site's WAN address.
    addRoute(upNs, site.block, fw.wan.address);
    const bound = new Set<string>([...serviceHosts(inv), ...extra]);
    for (const ip of [...bound].sort()) addAddress(upNs, 'lo', `${ip}/32`);
    nsRun(fwNs, ['nft', '-f', '-'], { input: renderDevice(fw).artefacts[0]!.content });
    // Remote agents reach everything through the VPN gateway, as they do for real.
    createVeth({ name: 'wan', ns: gwNs, address: `${GW_UP.gw}/30` }, { name: 'eth1', ns: upNs, address: `${GW_UP.up}/30` });
    createVeth({ name: 'agents0', ns: gwNs, address: `${GW_AGENTS.gw}/30` }, { name: 'eth0', ns: agentsNs, address: `${GW_AGENTS.agents}/30` });
    addRoute(gwNs, 'default', GW_UP.up);
    addRoute(agentsNs, 'default', GW_AGENTS.gw);
    for (const ip of agentSources) {
      addAddress(agentsNs, 'lo', `${ip}/32`);
      addRoute(upNs, `${ip}/32`, GW_UP.gw);
      addRoute(gwNs, `${ip}/32`, GW_AGENTS.agents);
    }
    nsRun(gwNs, ['nft', '-f', '-'], { input: gatewayRuleset(inv, gateway) });
    const listeners = [await startListener(upNs, ports, [...bound], log)];
    for (const z of zones.values()) listeners.push(await startListener(z.ns, ports, [z.address], log));
    return { prefix, site: site.code, firewall: fwNs, zones, upstream: upNs, gateway: gwNs, agents: agentsNs, listeners };
  } catch (e) {
    removeByPrefix(prefix);
    throw e;
  }
}

/** The twin of `site` as `buildTwin` named it, for commands run after `lab up`. */
export function attachTwin(site: SitePlan, tag: string): Twin {
  const prefix = labPrefix(tag);
  const zones = new Map<string, { ns: string; address: string }>();
  for (const z of site.zones) {
    zones.set(z.name, { ns: `${prefix}z-${z.name}`, address: z.dhcp?.start ?? net.intToIp(net.parseCidr(z.subnet).base + 20) });
  }
  return { prefix, site: site.code, firewall: `${prefix}fw`, zones, upstream: `${prefix}up`, gateway: `${prefix}gw`, agents: `${prefix}vpn`, listeners: [] };
}

/** Loads (re)compiled rulesets into the twin's firewall and VPN gateway: one nft transaction each. */
export function loadRuleset(inv: Inventory, twin: Twin, site: SitePlan, gateway: { sets: readonly AddressSet[]; rules: readonly FirewallRule[] }): void {
  const fw = site.devices.find((d): d is FirewallIntent => d.kind === 'firewall' && d.platform === 'nftables');
  if (!fw) throw new Error(`site ${site.code} has no nftables firewall`);
  nsRun(twin.firewall, ['nft', '-f', '-'], { input: renderDevice(fw).artefacts[0]!.content });
  nsRun(twin.gateway, ['nft', '-f', '-'], { input: gatewayRuleset(inv, gateway) });
}

/** Starts listeners for ports the running ones do not cover (a later policy may ask for more). */
export async function addListeners(twin: Twin, ports: TwinPorts, addresses: ReadonlyMap<string, readonly string[]>, log?: string): Promise<void> {
  if (!ports.tcp.length && !ports.udp.length) return;
  for (const [ns, addrs] of addresses) await startListener(ns, ports, addrs, log);
}

/** Removes every namespace of the twin; processes inside them die with them. */
export function destroyTwin(tag: string): string[] {
  return removeByPrefix(labPrefix(tag)).namespaces;
}
