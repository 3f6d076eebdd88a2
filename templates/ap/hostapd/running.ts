// Reads a running hostapd.conf back into the intent shape: each BSS's SSID, its security
// (from wpa / wpa_key_mgmt) and whether it isolates its clients. The zone and VLAN come
// from the bridge the BSS joins.
import type { ApIntent, SsidIntent } from '../../../core/plan/index.js';
import type { SsidSecurity } from '../../../core/inventory/index.js';

function security(keys: Map<string, string>): SsidSecurity {
  if (!keys.get('wpa') || keys.get('wpa') === '0') return 'open';
  const mgmt = (keys.get('wpa_key_mgmt') ?? '').split(/\s+/);
  if (mgmt.includes('WPA-EAP')) return 'wpa2-enterprise';
  if (mgmt.includes('WPA-EAP-SHA256')) return 'wpa3-enterprise';
  return mgmt.some((m) => /PSK|SAE/.test(m)) ? 'wpa2-personal' : 'open';
}

export function readRunning(text: string, intended: ApIntent): ApIntent {
  const bsses: Map<string, string>[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    if (key === 'interface' || key === 'bss') bsses.push(new Map());
    bsses[bsses.length - 1]?.set(key, line.slice(eq + 1));
  }
  const byVlan = new Map(intended.ssids.map((s) => [s.vlan, s]));
  const ssids = bsses
    .filter((b) => b.has('ssid'))
    .map((b): SsidIntent => {
      const vlan = Number(b.get('bridge')?.match(/br-vlan(\d+)/)?.[1] ?? 0);
      return { ssid: b.get('ssid')!, zone: byVlan.get(vlan)?.zone ?? `vlan-${vlan}`, vlan, security: security(b), isolate: b.get('ap_isolate') === '1' };
    });
  return { ...intended, ssids };
}
