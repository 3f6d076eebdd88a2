// Switch port layout: pinned ports first, then links between devices (trunks), then
// wired endpoints per zone filling access switches from port 1, and every port left
// over shut down in the parking VLAN.
import { error, type Diagnostic } from '../diagnostics.js';
import type { Device, Inventory, Site } from '../inventory/index.js';
import type { SwitchPort } from './intent.js';

export interface PortLayout {
  /** Per switch hostname, every port in index order. */
  readonly switches: ReadonlyMap<string, readonly SwitchPort[]>;
  /** Where each device plugs in: switch hostname and port index. */
  readonly attachments: ReadonlyMap<string, { readonly device: string; readonly port: number }>;
  readonly diagnostics: readonly Diagnostic[];
}

interface Draft {
  readonly device: Device;
  readonly front: number;
  readonly uplinks: number;
  readonly ports: Map<number, SwitchPort>;
  /** No front port below this is free: ports are only ever taken, so the lowest free one only rises. */
  lowestFree: number;
}

const isSwitch = (d: Device) => d.role === 'distribution' || d.role === 'access';

export function layoutPorts(inv: Inventory, site: Site, siteVlans: readonly number[], vlanOf: (zone: string) => number): PortLayout {
  const diagnostics: Diagnostic[] = [];
  const parking = inv.org.management.parkingVlan;
  const mgmtVlan = vlanOf(inv.org.management.zone);
  const zoneDefs = new Map(inv.org.zones.map((z) => [z.name, z]));
  const byName = new Map(site.devices.map((d) => [d.hostname, d]));
  const drafts = new Map<string, Draft>();
  for (const d of site.devices.filter(isSwitch)) {
    const m = inv.org.models.get(d.model)!;
    drafts.set(d.hostname, { device: d, front: m.ports, uplinks: m.uplinks, ports: new Map(), lowestFree: 1 });
  }
  const attachments = new Map<string, { device: string; port: number }>();

  const trunkTo = (peer: Device, index: number, draft: Draft): SwitchPort => {
    const ap = peer.role === 'ap';
    const tagged = ap ? [...new Set(peer.ssids.map((s) => vlanOf(inv.org.ssids.find((x) => x.name === s)!.zone)))].sort((a, b) => a - b) : siteVlans;
    return {
      index,
      uplinkPort: index > draft.front,
      mode: 'trunk',
      // APs take their management address untagged; switch-to-switch trunks park the
      // native VLAN so untagged frames land nowhere.
      vlan: ap ? mgmtVlan : parking,
      tagged,
      description: `${peer.role === 'firewall' ? 'uplink' : peer.role} ${peer.hostname}`,
      auth: 'none',
      peer: peer.hostname,
      shutdown: false,
    };
  };
  const accessPort = (index: number, draft: Draft, zone: string, description?: string): SwitchPort => ({
    index,
    uplinkPort: index > draft.front,
    mode: 'access',
    vlan: vlanOf(zone),
    tagged: [],
    description: description ?? zone,
    auth: zoneDefs.get(zone)?.portAuth ?? 'port-security',
    zone,
    shutdown: false,
  });

  // 1. Pinned ports.
  const pinnedPeer = new Map<string, Map<string, number>>();
  const demand = new Map(site.zones.map((z) => [z.zone, z.wired]));
  for (const draft of drafts.values()) {
    for (const pin of draft.device.ports) {
      if (pin.zone) {
        draft.ports.set(pin.port, accessPort(pin.port, draft, pin.zone, pin.description));
        demand.set(pin.zone, Math.max(0, (demand.get(pin.zone) ?? 0) - 1));
      } else if (pin.device) {
        const peers = pinnedPeer.get(draft.device.hostname) ?? new Map<string, number>();
        peers.set(pin.device, pin.port);
        pinnedPeer.set(draft.device.hostname, peers);
      }
    }
  }

  const free = (draft: Draft, fromTop: boolean, uplinkRange: boolean): number | undefined => {
    const lo = uplinkRange ? draft.front + 1 : 1;
    const hi = uplinkRange ? draft.front + draft.uplinks : draft.front;
    if (fromTop) {
      for (let i = hi; i >= lo; i--) if (!draft.ports.has(i)) return i;
    } else if (!uplinkRange) {
      // Filling access ports one endpoint at a time: start where the last search ended.
      for (let i = draft.lowestFree; i <= hi; i++) if (!draft.ports.has(i)) return (draft.lowestFree = i);
      draft.lowestFree = hi + 1;
    } else {
      for (let i = lo; i <= hi; i++) if (!draft.ports.has(i)) return i;
    }
    return undefined;
  };

  // 2. Each switch's own uplink: its first uplink port (or its last front port).
  for (const draft of drafts.values()) {
    const up = draft.device.uplink ? byName.get(draft.device.uplink) : undefined;
    if (!up) continue;
    const index = pinnedPeer.get(draft.device.hostname)?.get(up.hostname) ?? free(draft, false, true) ?? free(draft, true, false);
    if (index === undefined) {
      diagnostics.push(error('port-capacity', `${draft.device.hostname} has no free port for its uplink to ${up.hostname}`, { ...draft.device.source, path: 'ports' }));
      continue;
    }
    draft.ports.set(index, trunkTo(up, index, draft));
  }
  // 3. Children plugged into each switch: switches on spare uplink ports, APs and the
  //    rest from the top of the front panel, leaving low ports for endpoints.
  for (const child of site.devices) {
    const parent = child.uplink ? drafts.get(child.uplink) : undefined;
    if (!parent) continue;
    const index =
      pinnedPeer.get(parent.device.hostname)?.get(child.hostname) ??
      (isSwitch(child) ? free(parent, false, true) : undefined) ??
      free(parent, true, false);
    if (index === undefined) {
      diagnostics.push(error('port-capacity', `${parent.device.hostname} has no free port for ${child.hostname}`, { ...child.source, path: 'uplink' }));
      continue;
    }
    parent.ports.set(index, trunkTo(child, index, parent));
    attachments.set(child.hostname, { device: parent.device.hostname, port: index });
  }
  // 4. Wired endpoints, zone by zone in catalogue order, on access switches (or the
  //    distribution switches when a small site has no access layer).
  const access = [...drafts.values()].filter((d) => d.device.role === 'access');
  const edge = access.length ? access : [...drafts.values()];
  const order = [...site.zones].sort((a, b) => vlanOf(a.zone) - vlanOf(b.zone));
  for (const z of order) {
    let left = demand.get(z.zone) ?? 0;
    for (const draft of edge) {
      while (left > 0) {
        const i = free(draft, false, false);
        if (i === undefined) break;
        draft.ports.set(i, accessPort(i, draft, z.zone));
        left--;
      }
      if (left === 0) break;
    }
    if (left > 0) {
      diagnostics.push(
        error('port-capacity', `zone ${z.zone} needs ${left} more wired ports than the site's access switches have: add an access switch or move endpoints to Wi-Fi`, {
          ...z.source,
          path: 'endpoints',
        }),
      );
    }
  }
  // 5. Everything else is parked and shut.
  const switches = new Map<string, readonly SwitchPort[]>();
  for (const draft of drafts.values()) {
    const ports: SwitchPort[] = [];
    for (let i = 1; i <= draft.front + draft.uplinks; i++) {
      ports.push(
        draft.ports.get(i) ?? { index: i, uplinkPort: i > draft.front, mode: 'parked', vlan: parking, tagged: [], description: 'unused', auth: 'none', shutdown: true },
      );
    }
    switches.set(draft.device.hostname, ports);
  }
  return { switches, attachments, diagnostics };
}
