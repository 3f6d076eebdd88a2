// OpenWrt (23.05, DSA switch model): one file per UCI package, `wireless`, `network`,
// `system` and `dropbear`, each a complete package as it sits in /etc/config. On the AP,
// `uci import <package> < <file>` replaces that package wholesale and `reload_config`
// applies it, so nothing set by hand survives a push.
import type { ApIntent, SsidIntent } from '../../../core/plan/index.js';
import { defineTarget } from '../../../core/render/target.js';
import { template } from '../../../core/render/engine.js';
import { uciName } from './names.js';
import { readRunning } from './running.js';

/** The AP's Ethernet port as the board names it; every AP model of the example has one called `lan`. */
export const UPLINK_PORT: Readonly<Record<string, string>> = { default: 'lan' };

export { uciName };

/**
 * OpenWrt's names for the SSID kinds: `wpa3` is WPA3-Enterprise only (EAP with SHA-256,
 * PMF required), `wpa2` is WPA2-Enterprise. The strict WPA3 form is chosen for the same
 * reason as on the hostapd target: transition mode would let a PMF-less client onto the
 * staff network.
 */
function encryption(s: SsidIntent): { encryption: string; pmf: number | null } {
  if (s.security === 'wpa3-enterprise') return { encryption: 'wpa3', pmf: 2 };
  if (s.security === 'wpa2-enterprise') return { encryption: 'wpa2', pmf: 1 };
  return { encryption: 'none', pmf: null };
}

export default defineTarget({
  id: 'openwrt',
  kind: 'ap',
  capabilities: ['wpa2-enterprise', 'wpa3-enterprise', 'open', 'client-isolation', 'multi-ssid', 'radius-accounting', 'vlan-bridge', 'ssh-mgmt-only'],
  render(ap) {
    const port = UPLINK_PORT[ap.model] ?? UPLINK_PORT['default']!;
    // One VLAN per SSID zone, tagged on the uplink; management untagged (the switch
    // port's native VLAN), so a factory-fresh AP is reachable before its first push.
    const zones = [...new Map(ap.ssids.map((s) => [s.vlan, { vlan: s.vlan, zone: s.zone, iface: uciName(s.zone) }])).values()].sort((a, b) => a.vlan - b.vlan);
    const ssids = ap.ssids.map((s) => ({ ...s, section: `wifinet_${uciName(s.zone)}`, iface: uciName(s.zone), ...encryption(s) }));
    const view = { ap, port, zones, ssids };
    return [
      { suffix: '/wireless', content: template('ap/openwrt', 'wireless.hbs')(view) },
      { suffix: '/network', content: template('ap/openwrt', 'network.hbs')(view) },
      { suffix: '/system', content: template('ap/openwrt', 'system.hbs')(view) },
      { suffix: '/dropbear', content: template('ap/openwrt', 'dropbear.hbs')(view) },
    ];
  },
  readRunning,
});
