// `lab up | test | down` for a site: build the twin once, then prove any compile of the
// policy against it. State (names, listening ports) lives in <state>/lab/<site>/twin.json.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory } from '../inventory/index.js';
import { compileGateway, enforcement, type AccessPolicy } from '../policy/index.js';
import { net } from '../inventory/index.js';
import { addListeners, attachTwin, buildTwin, destroyTwin, loadRuleset, serviceHosts, type Twin, type TwinPorts } from './twin.js';
import { stopPracticeGround } from './devices.js';
import { planProbes, portsOf, runProbes, type ProbeResult } from './probes.js';
import { INTERNET_SAMPLE } from '../policy/check.js';
import { resolve } from 'node:path';
import type { PkiPaths } from '../pki/index.js';
import type { DirectoryLab } from './directory.js';
import { startStateServers, type StateServers } from './servers.js';
import { processAlive } from './netns.js';

function stopGatekeeper(pid: number): void {
  // Only a process that is still our gatekeeper: a pid can be reused after a reboot.
  if (!processAlive(pid)) return;
  try {
    if (/vpn\0gatekeeper/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) process.kill(-pid, 'SIGTERM');
  } catch {
    /* gone */
  }
}

interface TwinState {
  readonly tag: string;
  readonly ports: TwinPorts;
  /** The state network's real servers, when the lab runs them. */
  readonly servers?: { readonly observed: Readonly<Record<string, string>>; readonly gatekeeperPid: number; readonly gateway: string };
}

/** What the lab needs to run the state network's servers (gateway, RADIUS, PBX) for real. */
export interface ServerInputs {
  readonly pki: PkiPaths;
  readonly directory: DirectoryLab;
  readonly outpost: readonly string[];
}

const stateFile = (stateDir: string, site: string) => join(stateDir, 'lab', site, 'twin.json');
/** Where the twin's daemons write what they have to say: never the caller's terminal or pipes. */
export const logFile = (stateDir: string, site: string) => join(stateDir, 'lab', site, 'daemons.log');

/** A sample source address per VPN role pool: what the analysis uses for "role:X". */
function roleSources(pools: ReadonlyMap<string, string>): string[] {
  return [...pools.values()].map((c) => net.intToIp(net.parseCidr(c).base + 10));
}

export async function labUp(inv: Inventory, policy: AccessPolicy, site: string, date: string, stateDir: string, tag = site, servers?: ServerInputs): Promise<{ twin: Twin; probes: number; servers?: StateServers }> {
  const enf = enforcement(inv, policy, date);
  const plan = enf.sites.find((s) => s.code === site);
  if (!plan) throw new Error(`no site ${site}`);
  const { probes } = planProbes(enf, policy.tests, site);
  const ports = portsOf(probes);
  mkdirSync(join(stateDir, 'lab', site), { recursive: true });
  const twin = await buildTwin(inv, plan, tag, compileGateway(inv, policy, enf.sites, date), roleSources(enf.pools), [INTERNET_SAMPLE], ports, logFile(stateDir, site));
  let state: TwinState = { tag, ports };
  writeFileSync(stateFile(stateDir, site), JSON.stringify(state, null, 2));
  if (!servers) return { twin, probes: probes.length };
  try {
    const s = await startStateServers({ twin, inv, policy, enf, date, dir: join(resolve(stateDir), 'lab', site, 'servers'), pki: servers.pki, directory: servers.directory, outpost: servers.outpost, reserved: roleSources(enf.pools) });
    state = { ...state, servers: { observed: s.observed, gatekeeperPid: s.gateway.gatekeeper.pid, gateway: s.gateway.dir } };
    writeFileSync(stateFile(stateDir, site), JSON.stringify(state, null, 2));
    return { twin, probes: probes.length, servers: s };
  } catch (e) {
    labDown(stateDir, site);
    throw e;
  }
}

export interface LabReport {
  readonly site: string;
  readonly results: readonly ProbeResult[];
  readonly ok: boolean;
}

export async function labTest(inv: Inventory, policy: AccessPolicy, site: string, date: string, stateDir: string): Promise<LabReport> {
  const file = stateFile(stateDir, site);
  if (!existsSync(file)) throw new Error(`no lab for ${site}: run outpost lab up --site ${site} first`);
  const state = JSON.parse(readFileSync(file, 'utf8')) as TwinState;
  const enf = enforcement(inv, policy, date);
  const plan = enf.sites.find((s) => s.code === site)!;
  const twin = attachTwin(plan, state.tag);
  // The firewall runs exactly what this policy compiles to, so packets judge this compile.
  loadRuleset(inv, twin, plan, compileGateway(inv, policy, enf.sites, date));
  const { probes } = planProbes(enf, policy.tests, site);
  const need = portsOf(probes);
  const missing: TwinPorts = { tcp: need.tcp.filter((p) => !state.ports.tcp.includes(p)), udp: need.udp.filter((p) => !state.ports.udp.includes(p)) };
  const addresses = new Map<string, string[]>([[twin.upstream, [INTERNET_SAMPLE]]]);
  for (const z of twin.zones.values()) addresses.set(z.ns, [z.address]);
  if (missing.udp.length) {
    // UDP listeners bind per address; the state network's service addresses come from the plan.
    addresses.set(twin.upstream, [...addresses.get(twin.upstream)!, ...serviceHosts(inv)]);
  }
  await addListeners(twin, missing, addresses, logFile(stateDir, site));
  if (missing.tcp.length || missing.udp.length) {
    writeFileSync(file, JSON.stringify({ tag: state.tag, ports: { tcp: [...state.ports.tcp, ...missing.tcp], udp: [...state.ports.udp, ...missing.udp] } }, null, 2));
  }
  const results = await runProbes(twin, probes, state.servers?.observed);
  return { site, results, ok: results.every((r) => r.ok) };
}

export function labDown(stateDir: string, site: string): string[] {
  const file = stateFile(stateDir, site);
  const state = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TwinState) : undefined;
  const tag = state?.tag ?? site;
  // The gatekeeper runs on the host side; every other server dies with its namespace.
  if (state?.servers) stopGatekeeper(state.servers.gatekeeperPid);
  stopPracticeGround(tag);
  const removed = destroyTwin(tag);
  rmSync(join(stateDir, 'lab', site), { recursive: true, force: true });
  return removed;
}
