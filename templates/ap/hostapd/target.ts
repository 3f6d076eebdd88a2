// hostapd: one hostapd.conf per AP for its first radio. Each SSID is a BSS of that radio
// (the first on the radio's own interface, the others on `bss=` lines), bridged into the
// zone's VLAN bridge br-vlan<N>, which the AP's host builds on its tagged uplink.
import type { ApIntent, SsidIntent } from '../../../core/plan/index.js';
import { defineTarget } from '../../../core/render/target.js';
import { template } from '../../../core/render/engine.js';
import { readRunning } from './running.js';

/** The radio every BSS hangs off; secondary BSSes are named <radio>-<n>. */
export const RADIO = 'wlan0';

/**
 * WPA3-Enterprise is rendered in its strict form: SHA-256 key management with
 * management-frame protection required. Transition mode (WPA-EAP next to WPA-EAP-SHA256,
 * PMF optional) would let a client that ignores PMF join the staff SSID, which is the
 * downgrade WPA3 exists to stop; the staff laptops outpost provisions all speak WPA3.
 */
function keyManagement(s: SsidIntent): { keyMgmt: string; pmf: number } | null {
  if (s.security === 'wpa3-enterprise') return { keyMgmt: 'WPA-EAP-SHA256', pmf: 2 };
  if (s.security === 'wpa2-enterprise') return { keyMgmt: 'WPA-EAP', pmf: 1 };
  return null;
}

export default defineTarget({
  id: 'hostapd',
  kind: 'ap',
  capabilities: ['wpa2-enterprise', 'wpa3-enterprise', 'open', 'client-isolation', 'multi-ssid', 'radius-accounting'],
  render(ap) {
    const bss = ap.ssids.map((s, i) => ({
      ...s,
      first: i === 0,
      ifname: i === 0 ? RADIO : `${RADIO}-${i}`,
      bridge: `br-vlan${s.vlan}`,
      enterprise: keyManagement(s),
    }));
    const content = template('ap/hostapd', 'hostapd.conf.hbs')({ ap, radio: RADIO, bss });
    return [{ suffix: '.hostapd.conf', content }];
  },
  readRunning,
});
