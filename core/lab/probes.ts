// Turns the policy's tests and a sample of the access matrix into real packets in the
// twin, and compares what got through with what the analysis says the firewall decides.
import { execFile } from 'node:child_process';
import type { PortRange } from '../inventory/index.js';
import { check, type Answer, type Endpoint, type Enforcement, type PolicyTest } from '../policy/index.js';
import { PROBER } from './agents.js';
import type { Twin } from './twin.js';

export interface Probe {
  readonly name: string;
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly proto: 'tcp' | 'udp' | 'icmp';
  readonly port?: number;
  readonly src: string;
  readonly dst: string;
  /** What the analysis says the site firewall does with this packet. */
  readonly analysis: boolean;
  /** The embedded test's expectation, when the probe comes from a test whose every hop the twin realises. */
  readonly expect?: boolean;
  readonly rule: string;
}

export interface ProbeResult extends Probe {
  readonly observed: boolean;
  readonly ok: boolean;
}

function toProbe(name: string, from: Endpoint, to: Endpoint, answer: Answer, test?: PolicyTest): Probe | undefined {
  const hop = answer.hops.find((h) => h.at !== 'vpn-gateway');
  if (!hop) return undefined; // decided by the VPN gateway alone: analysis only
  const realisedEverywhere = answer.hops.every((h) => h.at !== 'vpn-gateway');
  const p = answer.packet;
  return {
    name,
    from,
    to,
    proto: p.proto,
    ...(p.port !== undefined ? { port: p.port } : {}),
    src: p.src,
    dst: p.dst,
    analysis: hop.allowed,
    ...(test && realisedEverywhere ? { expect: test.expect === 'allow' } : {}),
    rule: hop.rule ? hop.rule.id : 'default deny',
  };
}

const label = (e: Endpoint) => (e.kind === 'any' ? 'any' : e.kind === 'net' ? `net:${e.cidr}` : `${e.kind}:${e.name}`);

/** Probes for one site: its embedded tests, then every zone to every service on the service's first port. */
export function planProbes(enf: Enforcement, tests: readonly PolicyTest[], site: string): { probes: Probe[]; analysisOnly: PolicyTest[] } {
  const probes: Probe[] = [];
  const analysisOnly: PolicyTest[] = [];
  for (const t of tests) {
    if (t.site !== site && t.site !== undefined) continue;
    if (t.site === undefined && t.from.kind === 'role' && t.to.kind !== 'zone') {
      analysisOnly.push(t);
      continue;
    }
    const answer = check(enf, t.from, t.to, t.port, site);
    const p = toProbe(`test: ${t.name}`, t.from, t.to, answer, t);
    if (p) probes.push(p);
    else analysisOnly.push(t);
  }
  const plan = enf.sites.find((s) => s.code === site)!;
  for (const z of plan.zones) {
    for (const s of enf.inventory.org.services) {
      const from: Endpoint = { kind: 'zone', name: z.name };
      const to: Endpoint = { kind: 'service', name: s.name };
      const port: PortRange = s.ports[0]!;
      const p = toProbe(`matrix: ${label(from)} -> ${label(to)} ${port.from}/${port.proto}`, from, to, check(enf, from, to, port, site));
      if (p) probes.push(p);
    }
  }
  return { probes, analysisOnly };
}

function runIn(ns: string, probes: readonly Probe[]): Promise<boolean[]> {
  const args = JSON.stringify(probes.map((p) => ({ src: p.src, dst: p.dst, proto: p.proto, port: p.port })));
  return new Promise((resolve, reject) =>
    execFile('ip', ['netns', 'exec', ns, process.execPath, '-e', PROBER, args], { timeout: 30_000 }, (err, stdout) => {
      if (err) reject(new Error(`probes in ${ns} failed: ${err.message}`));
      else resolve(JSON.parse(stdout) as boolean[]);
    }),
  );
}

/** Sends every probe from its source namespace (zone hosts, or the state network for VPN roles). */
export async function runProbes(twin: Twin, probes: readonly Probe[]): Promise<ProbeResult[]> {
  const bySource = new Map<string, number[]>();
  probes.forEach((p, i) => {
    const ns = p.from.kind === 'zone' ? twin.zones.get(p.from.name)?.ns : twin.upstream;
    if (!ns) throw new Error(`the twin of ${twin.site} has no zone ${label(p.from)}`);
    bySource.set(ns, [...(bySource.get(ns) ?? []), i]);
  });
  const results: ProbeResult[] = new Array(probes.length);
  await Promise.all(
    [...bySource].map(async ([ns, idx]) => {
      const observed = await runIn(ns, idx.map((i) => probes[i]!));
      idx.forEach((i, k) => {
        const p = probes[i]!;
        const o = observed[k]!;
        results[i] = { ...p, observed: o, ok: o === p.analysis && (p.expect === undefined || o === p.expect) };
      });
    }),
  );
  return results;
}

export function portsOf(probes: readonly Probe[]): { tcp: number[]; udp: number[] } {
  const tcp = new Set<number>();
  const udp = new Set<number>();
  for (const p of probes) if (p.port !== undefined) (p.proto === 'tcp' ? tcp : udp).add(p.port);
  return { tcp: [...tcp].sort((a, b) => a - b), udp: [...udp].sort((a, b) => a - b) };
}
