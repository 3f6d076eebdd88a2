// What a reader saw on a device, set beside the plan. The readers report the device's own
// terms (port positions, VLAN numbers, rule lines); here those are put in the plan's terms
// (port indexes, zones, rules of the policy) so controls and the drift comparison can read
// them. Nothing here fills a gap: a fact the reader did not see stays unknown.
import type { FirewallIntent, FirewallRule, RuleMatch, SwitchIntent, SwitchPort, ZonePlan } from '../plan/index.js';
import type { RuleOrigin, SeenFirewall, SeenMatch, SeenPort, SeenSsid, SeenSwitch } from '../render/index.js';

/** The port a switch shows at the position the plan gives this port, if it shows one. */
export function seenPort(sw: SwitchIntent, port: SwitchPort, seen: SeenSwitch): SeenPort | undefined {
  return seen.ports.find((p) => indexOf(sw, p) === port.index);
}

/** The plan's 1-based index of a port the device shows: uplink module ports follow the front ones. */
export const indexOf = (sw: SwitchIntent, p: SeenPort): number => (p.position.uplink ? sw.frontPorts + p.position.number : p.position.number);

/** The zone a VLAN number stands for (zones have one VLAN each, the same at every site). */
export function zoneOfVlan(zones: readonly Pick<ZonePlan, 'name' | 'vlan'>[], vlan: number | undefined): string | undefined {
  return vlan === undefined ? undefined : zones.find((z) => z.vlan === vlan)?.name;
}

/** An SSID's zone, by the VLAN it bridges to; undefined when the config does not show it. */
export const ssidZone = (zones: readonly Pick<ZonePlan, 'name' | 'vlan'>[], s: SeenSsid): string | undefined => zoneOfVlan(zones, s.vlan);

function match(m: SeenMatch, fw: FirewallIntent): RuleMatch {
  // An interface the plan has no zone for is kept under its own name: it matches no zone of the plan.
  const zones = [...m.vlans.map((v) => zoneOfVlan(fw.zones, v) ?? `vlan:${v}`), ...m.ifaces.map((i) => `iface:${i}`)];
  return { any: m.any, zones, sets: m.sets };
}

/**
 * The firewall as it decides traffic: the plan's zones and WAN (the topology the rules
 * are read against) with the rules and sets the device runs, in its order. The rule ids
 * are the ones the device's comments name; rules without one are named by their place.
 */
export function enforcedFirewall(intended: FirewallIntent, seen: SeenFirewall, origin: RuleOrigin): FirewallIntent {
  const rules = seen.rules.map((r): FirewallRule => {
    const source = r.rule ? origin(r.rule.replace(/\.\d+$/, '')) : undefined;
    return {
      id: r.rule ?? r.at.replace(/ /g, '-'),
      action: r.action,
      from: match(r.from, intended),
      to: match(r.to, intended),
      services: r.services,
      comment: r.rule ? `running ${r.at}` : `running ${r.at} without an outpost comment: ${r.text}`,
      ...(source ? { origin: source } : {}),
    };
  });
  return { ...intended, sets: seen.sets, rules };
}

