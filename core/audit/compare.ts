// What a device runs against what the plan says, fact by fact, in the plan's terms: every
// difference named, and every fact the reader could not see listed as unknown (neither a
// match nor a difference). The drift property tests hold the readers to this.
import { net } from '../inventory/index.js';
import type { AddressSet, ApIntent, DeviceIntent, FirewallIntent, FirewallRule, RuleMatch, RuleService, SwitchIntent } from '../plan/index.js';
import type { SeenAp, SeenDevice, SeenFirewall, SeenSwitch } from '../render/index.js';
import { enforcedFirewall, indexOf, seenPort, ssidZone } from './seen.js';

export interface Comparison {
  readonly differences: readonly string[];
  /** Facts the running config does not show. */
  readonly unknown: readonly string[];
}

const sorted = (xs: readonly (string | number)[]) => [...new Set(xs.map(String))].sort().join(', ');
const within = (cidr: string, nets: readonly string[]) => nets.some((n) => net.contains(net.parseCidr(n), net.parseCidr(cidr)));

export function compareRunning(intended: DeviceIntent, seen: SeenDevice): Comparison {
  const diff: string[] = [];
  const unknown: string[] = [];
  const fact = <T>(name: string, want: T, got: T | undefined, same: (a: T, b: T) => boolean, show: (x: T) => string) => {
    if (got === undefined) unknown.push(name);
    else if (!same(want, got)) diff.push(`${name}: intended ${show(want)}, running ${show(got)}`);
  };
  const list = (xs: readonly (string | number)[]) => sorted(xs) || 'none';
  const sameList = (a: readonly (string | number)[], b: readonly (string | number)[]) => sorted(a) === sorted(b);

  if (seen.hostname !== undefined && seen.hostname !== intended.hostname) diff.push(`hostname: intended ${intended.hostname}, running ${seen.hostname}`);
  fact('ntp', intended.ntp, seen.ntp, sameList, list);
  const servers = (xs: readonly { address: string; port: number }[]) => xs.map((s) => `${s.address}:${s.port}`);
  fact('syslog', servers(intended.syslog), seen.syslog && servers(seen.syslog), sameList, list);
  // Management reach: what the device lets in must lie within what the plan allows.
  fact('management from', intended.managementFrom, seen.managementFrom, (want, got) => got.every((n) => within(n, want)), list);
  for (const k of ['ssh', 'telnet', 'http', 'snmpCommunities'] as const) {
    fact(`management service ${k}`, intended.mgmtServices[k], seen.mgmtServices[k], (a, b) => a === b, String);
  }
  fact('SNMPv3 users', [intended.snmp.user], seen.snmpv3Users, sameList, list);

  if (intended.kind === 'switch' && seen.kind === 'switch') switchDiff(intended, seen, diff);
  else if (intended.kind === 'ap' && seen.kind === 'ap') apDiff(intended, seen, diff);
  else if (intended.kind === 'firewall' && seen.kind === 'firewall') firewallDiff(intended, seen, diff);
  else diff.push(`kind: intended ${intended.kind}, running ${seen.kind}`);
  return { differences: diff, unknown };
}

function switchDiff(sw: SwitchIntent, seen: SeenSwitch, diff: string[]): void {
  const vlans = sw.vlans.map((v) => v.id);
  if (sorted(vlans) !== sorted(seen.vlans)) diff.push(`VLANs: intended ${sorted(vlans)}, running ${sorted(seen.vlans)}`);
  for (const p of sw.ports) {
    const got = seenPort(sw, p, seen);
    if (!got) {
      diff.push(`port ${p.index}: not in the running config`);
      continue;
    }
    const mode = p.mode === 'trunk' ? 'trunk' : 'access';
    const want = { mode, vlan: p.vlan, tagged: sorted(p.tagged.filter((v) => v !== p.vlan)), auth: p.mode === 'trunk' ? 'none' : p.auth, shutdown: p.shutdown, description: p.description };
    const is = { mode: got.mode, vlan: got.vlan, tagged: sorted(got.tagged), auth: got.auth, shutdown: got.shutdown, description: got.description };
    for (const k of Object.keys(want) as (keyof typeof want)[]) {
      if (want[k] !== is[k]) diff.push(`port ${p.index} (${got.name}) ${k}: intended ${String(want[k])}, running ${String(is[k])}`);
    }
  }
  const planned = new Set(sw.ports.map((p) => p.index));
  for (const p of seen.ports) if (!planned.has(indexOf(sw, p))) diff.push(`port ${p.name}: not in the plan`);
}

function apDiff(ap: ApIntent, seen: SeenAp, diff: string[]): void {
  for (const s of ap.ssids) {
    const got = seen.ssids.find((x) => x.ssid === s.ssid);
    if (!got) {
      diff.push(`SSID ${s.ssid}: not in the running config`);
      continue;
    }
    const zone = ssidZone(ap.ssids.map((x) => ({ name: x.zone, vlan: x.vlan })), got);
    if (got.vlan === undefined || zone !== s.zone) diff.push(`SSID ${s.ssid} VLAN: intended ${s.vlan} (zone ${s.zone}), running ${got.vlan ?? `network ${got.network ?? 'none'}`}`);
    if (got.security !== s.security) diff.push(`SSID ${s.ssid} security: intended ${s.security}, running ${got.security}`);
    if (got.isolate !== s.isolate) diff.push(`SSID ${s.ssid} client isolation: intended ${s.isolate}, running ${got.isolate}`);
  }
  for (const s of seen.ssids) if (!ap.ssids.some((x) => x.ssid === s.ssid)) diff.push(`SSID ${s.ssid}: not in the plan`);
}

/** Addresses as merged ranges, so `10.0.0.0/25 10.0.0.128/25` and `10.0.0.0/24` read alike. */
function ranges(cidrs: readonly string[]): string {
  const spans = cidrs
    .map((c) => net.parseCidr(c))
    .map((b) => [b.base, b.base + net.size(b.prefix) - 1] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1] + 1) last[1] = Math.max(last[1], s[1]);
    else out.push([...s]);
  }
  return out.map(([a, b]) => `${net.intToIp(a)}-${net.intToIp(b)}`).join(' ');
}

/** A rule side as a comparable text: zones, and the addresses its sets hold. */
function sideText(m: RuleMatch, sets: ReadonlyMap<string, readonly string[]>): string {
  if (m.any) return 'any';
  const unknownSets = m.sets.filter((s) => !sets.has(s));
  return `zones[${sorted(m.zones)}] addresses[${ranges(m.sets.flatMap((s) => sets.get(s) ?? []))}]${unknownSets.length ? ` undefined sets[${sorted(unknownSets)}]` : ''}`;
}

/** tcp/udp without ports is every port; some dialects write 1-65535. */
function serviceText(services: readonly RuleService[]): string {
  if (!services.length) return 'any';
  return sorted(services.flatMap((s) => (s.proto === 'icmp' ? ['icmp'] : (s.ports.length ? s.ports : [{ from: 1, to: 65535 }]).map((p) => `${s.proto}/${p.from}-${p.to}`))));
}

/**
 * A rule as the device holds it may be several lines (one per protocol, one towards the
 * WAN): the lines naming one rule are merged, then rules are compared in order.
 */
function ruleTexts(rules: readonly FirewallRule[], sets: readonly AddressSet[]): string[] {
  const bySet = new Map(sets.map((s) => [s.name, s.addresses]));
  const merged: { id: string; action: string; from: Set<string>; to: Set<string>; services: RuleService[] }[] = [];
  for (const r of rules) {
    const last = merged[merged.length - 1];
    const entry = last && last.id === r.id && last.action === r.action ? last : undefined;
    const target = entry ?? { id: r.id, action: r.action, from: new Set<string>(), to: new Set<string>(), services: [] };
    target.from.add(sideText(r.from, bySet));
    target.to.add(sideText(r.to, bySet));
    target.services.push(...r.services);
    if (!entry) merged.push(target);
  }
  return merged.map((r) => `${r.id}: ${r.action} from ${[...r.from].sort().join(' + ')} to ${[...r.to].sort().join(' + ')} on ${serviceText(r.services)}`);
}

function firewallDiff(fw: FirewallIntent, seen: SeenFirewall, diff: string[]): void {
  const running = enforcedFirewall(fw, seen, () => undefined);
  const want = ruleTexts(fw.rules, fw.sets);
  const got = ruleTexts(running.rules, running.sets);
  const n = Math.max(want.length, got.length);
  for (let i = 0; i < n; i++) {
    if (want[i] !== got[i]) diff.push(`rule ${i + 1}: intended ${want[i] ?? 'none'}, running ${got[i] ?? 'none'}`);
  }
}
