// Reads a running hostapd.conf: each BSS's SSID, its security (from wpa / wpa_key_mgmt),
// whether it isolates its clients, and the VLAN of the bridge it joins (br-vlan<N>).
// hostapd.conf carries no NTP, syslog or management service: those stay unknown.
import type { SsidSecurity } from '../../../core/inventory/index.js';
import type { SeenAp, SeenSsid } from '../../../core/render/running.js';

function security(keys: Map<string, string>): SsidSecurity {
  if (!keys.get('wpa') || keys.get('wpa') === '0') return 'open';
  const mgmt = (keys.get('wpa_key_mgmt') ?? '').split(/\s+/);
  if (mgmt.includes('WPA-EAP')) return 'wpa2-enterprise';
  if (mgmt.includes('WPA-EAP-SHA256')) return 'wpa3-enterprise';
  return mgmt.some((m) => /PSK|SAE/.test(m)) ? 'wpa2-personal' : 'open';
}

export function readRunning(text: string): SeenAp {
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
  const ssids = bsses
    .filter((b) => b.has('ssid'))
    .map((b): SeenSsid => {
      const bridge = b.get('bridge');
      const vlan = bridge?.match(/^br-vlan(\d+)$/)?.[1];
      return {
        ssid: b.get('ssid')!,
        ...(vlan ? { vlan: Number(vlan) } : {}),
        ...(bridge ? { network: bridge } : {}),
        security: security(b),
        isolate: b.get('ap_isolate') === '1',
      };
    });
  return { kind: 'ap', ssids, mgmtServices: {} };
}
