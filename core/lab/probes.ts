// Turns the policy's tests and a sample of the access matrix into real packets in the
// twin, and compares what got through with what the analysis says the firewall decides.
import { execFile } from 'node:child_process';
import type { PortRange } from '../inventory/index.js';
import { check, type Answer, type Endpoint, type Enforcement, type PolicyTest } from '../policy/index.js';
import { PROBER } from './agents.js';
import { nsExec } from './netns.js';
import type { Twin } from './twin.js';

export interface Probe {
  readonly name: string;
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly proto: 'tcp' | 'udp' | 'icmp';
  readonly port?: number;
  readonly src: string;
  readonly dst: string;
  /** What the analysis says every hop (VPN gateway, site firewall) does with this packet. */
  readonly analysis: boolean;
  /** The embedded test's expectation, for probes that come from a test. */
  readonly expect?: boolean;
  readonly rule: string;
}

export interface ProbeResult extends Probe {
  readonly observed: boolean;
  readonly ok: boolean;
}

function toProbe(name: string, from: Endpoint, to: Endpoint, answer: Answer, test?: PolicyTest): Probe {
  const p = answer.packet;
  const deciding = answer.hops.find((h) => !h.allowed) ?? answer.hops[answer.hops.length - 1];
  return {
    name,
    from,
    to,
    proto: p.proto,
    ...(p.port !== undefined ? { port: p.port } : {}),
    src: p.src,
    dst: p.dst,
    analysis: answer.allowed,
    ...(test ? { expect: test.expect === 'allow' } : {}),
    rule: deciding ? `${deciding.at}: ${deciding.rule ? deciding.rule.id : 'default deny'}` : 'no hop',
  };
}

const label = (e: Endpoint) => (e.kind === 'any' ? 'any' : e.kind === 'net' ? `net:${e.cidr}` : `${e.kind}:${e.name}`);

/** Probes for one site: its embedded tests (and the site-less VPN role tests), then every zone to every service on the service's first port. */
export function planProbes(enf: Enforcement, tests: readonly PolicyTest[], site: string): { probes: Probe[] } {
  const probes: Probe[] = [];
  for (const t of tests) {
    // Role tests without a site are decided by the VPN gateway: every twin holds one.
    if (t.site !== site && t.site !== undefined) continue;
    probes.push(toProbe(`test: ${t.name}`, t.from, t.to, check(enf, t.from, t.to, t.port, t.site ?? site), t));
  }
  const plan = enf.sites.find((s) => s.code === site)!;
  for (const z of plan.zones) {
    for (const s of enf.inventory.org.services) {
      const from: Endpoint = { kind: 'zone', name: z.name };
      const to: Endpoint = { kind: 'service', name: s.name };
      const port: PortRange = s.ports[0]!;
      probes.push(toProbe(`matrix: ${label(from)} -> ${label(to)} ${port.from}/${port.proto}`, from, to, check(enf, from, to, port, site)));
    }
  }
  return { probes };
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

const OBS = 'outpost_lab_obs';

/**
 * A real server (RADIUS, PBX) answers only its own protocol, so a probe to it is judged
 * where it lands: a counter per probe in the server's namespace, before anything else
 * sees the packet. Arrived means every firewall on the way let it through.
 */
function watch(ns: string, probes: readonly { i: number; p: Probe }[]): void {
  const rules = probes.map(({ i, p }) => {
    const l4 = p.proto === 'icmp' ? 'icmp type echo-request' : `${p.proto} dport ${p.port}`;
    // No source match: a site firewall may masquerade the zone. Each round holds one probe per destination and port.
    return `\t\tip daddr ${p.dst} ${l4} counter comment "p${i}"`;
  });
  nsExec(ns, ['nft', 'delete', 'table', 'inet', OBS]);
  const r = nsExec(ns, ['nft', '-f', '-'], { input: `table inet ${OBS} {\n\tchain pre {\n\t\ttype filter hook prerouting priority -400; policy accept;\n${rules.join('\n')}\n\t}\n}\n` });
  if (r.code !== 0) throw new Error(`probe counters in ${ns}: ${r.stderr.trim()}`);
}

function arrived(ns: string): Map<number, boolean> {
  const r = nsExec(ns, ['nft', '-j', 'list', 'table', 'inet', OBS]);
  nsExec(ns, ['nft', 'delete', 'table', 'inet', OBS]);
  const out = new Map<number, boolean>();
  const doc = JSON.parse(r.stdout || '{"nftables":[]}') as { nftables: { rule?: { comment?: string; expr: { counter?: { packets: number } }[] } }[] };
  for (const item of doc.nftables) {
    const m = item.rule?.comment ? /^p(\d+)$/.exec(item.rule.comment) : null;
    if (!m) continue;
    const counter = item.rule!.expr.find((e) => e.counter)?.counter;
    out.set(Number(m[1]), (counter?.packets ?? 0) > 0);
  }
  return out;
}

/**
 * Sends every probe from its source namespace (zone hosts, or the state network for VPN
 * roles). `observed` maps service addresses held by real servers to their namespace.
 */
export async function runProbes(twin: Twin, probes: readonly Probe[], observed: Readonly<Record<string, string>> = {}): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array(probes.length);
  const direct = probes.map((_, i) => i).filter((i) => !observed[probes[i]!.dst]);
  await sendFrom(twin, probes, direct, results);
  // Probes landing at real servers, in rounds with one probe per destination and port.
  const rounds: number[][] = [];
  for (const [i, p] of probes.entries()) {
    if (!observed[p.dst]) continue;
    const key = `${p.dst} ${p.proto} ${p.port ?? ''}`;
    const round = rounds.find((r) => !r.some((j) => `${probes[j]!.dst} ${probes[j]!.proto} ${probes[j]!.port ?? ''}` === key));
    if (round) round.push(i);
    else rounds.push([i]);
  }
  for (const round of rounds) {
    const byNs = new Map<string, { i: number; p: Probe }[]>();
    for (const i of round) byNs.set(observed[probes[i]!.dst]!, [...(byNs.get(observed[probes[i]!.dst]!) ?? []), { i, p: probes[i]! }]);
    for (const [ns, list] of byNs) watch(ns, list);
    await sendFrom(twin, probes, round, results);
    for (const ns of byNs.keys()) {
      for (const [i, ok] of arrived(ns)) {
        const p = probes[i]!;
        results[i] = { ...p, observed: ok, ok: ok === p.analysis && (p.expect === undefined || ok === p.expect) };
      }
    }
  }
  return results;
}

async function sendFrom(twin: Twin, probes: readonly Probe[], which: readonly number[], results: ProbeResult[]): Promise<void> {
  const bySource = new Map<string, number[]>();
  which.forEach((i) => {
    const p = probes[i]!;
    const ns = p.from.kind === 'zone' ? twin.zones.get(p.from.name)?.ns : p.from.kind === 'role' ? twin.agents : twin.upstream;
    if (!ns) throw new Error(`the twin of ${twin.site} has no zone ${label(p.from)}`);
    bySource.set(ns, [...(bySource.get(ns) ?? []), i]);
  });
  await Promise.all(
    [...bySource].map(async ([ns, idx]) => {
      const got = await runIn(ns, idx.map((i) => probes[i]!));
      idx.forEach((i, k) => {
        const p = probes[i]!;
        const o = got[k]!;
        results[i] = { ...p, observed: o, ok: o === p.analysis && (p.expect === undefined || o === p.expect) };
      });
    }),
  );
}

export function portsOf(probes: readonly Probe[]): { tcp: number[]; udp: number[] } {
  const tcp = new Set<number>();
  const udp = new Set<number>();
  for (const p of probes) if (p.port !== undefined) (p.proto === 'tcp' ? tcp : udp).add(p.port);
  return { tcp: [...tcp].sort((a, b) => a - b), udp: [...udp].sort((a, b) => a - b) };
}
