// The one table of platform targets. Adding a platform: a folder under templates/ with
// its templates and target.ts, plus one line here. The planner never changes.
import type { DeviceKind } from '../plan/index.js';
import type { PlatformCatalogue } from '../inventory/index.js';
import type { Target } from './target.js';
import nftables from '../../templates/firewall/nftables/target.js';
import ciscoIos from '../../templates/switch/cisco-ios/target.js';
import arubaAoscx from '../../templates/switch/aruba-aoscx/target.js';
import hostapd from '../../templates/ap/hostapd/target.js';
import openwrt from '../../templates/ap/openwrt/target.js';
import fortigate from '../../templates/firewall/fortigate/target.js';

const all: readonly Target[] = [nftables as Target, ciscoIos as Target, arubaAoscx as Target, hostapd as Target, openwrt as Target, fortigate as Target];

function index(targets: readonly Target[]): ReadonlyMap<string, Target> {
  const byId = new Map<string, Target>();
  for (const t of targets) {
    const key = `${t.kind}:${t.id}`;
    if (byId.has(key)) throw new Error(`outpost: two targets register ${key}`);
    byId.set(key, t);
  }
  return byId;
}

const registry = index(all);

export function targetFor(kind: DeviceKind, platform: string): Target | undefined {
  return registry.get(`${kind}:${platform}`);
}

/** Platform ids per device kind, for the inventory's platform check and for --help. */
export function platformCatalogue(): PlatformCatalogue {
  const ids = (kind: DeviceKind) => all.filter((t) => t.kind === kind).map((t) => t.id).sort();
  return { switch: ids('switch'), ap: ids('ap'), firewall: ids('firewall') };
}
