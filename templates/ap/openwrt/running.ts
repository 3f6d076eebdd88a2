// Reads an OpenWrt AP's UCI packages (wireless, network, system, dropbear, as pushed):
// each wifi-iface's SSID, encryption, isolation and the VLAN of its network, NTP and
// syslog servers, and where dropbear listens. Only the text: what UCI does not say (who
// may route to the management interface, SNMP) stays unknown.
import type { SsidSecurity } from '../../../core/inventory/index.js';
import type { SeenAp, SeenSsid } from '../../../core/render/running.js';

interface Section {
  readonly type: string;
  readonly name?: string;
  readonly options: Map<string, string>;
  readonly lists: Map<string, string[]>;
}

const unquote = (s: string) => s.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');

function sections(text: string): Section[] {
  const out: Section[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [word, key, ...rest] = line.split(/\s+/);
    if (word === 'config') out.push({ type: key!, ...(rest.length ? { name: unquote(rest.join(' ')) } : {}), options: new Map(), lists: new Map() });
    else if (out.length && key && (word === 'option' || word === 'list')) {
      const s = out[out.length - 1]!;
      const value = unquote(rest.join(' '));
      if (word === 'option') s.options.set(key, value);
      else s.lists.set(key, [...(s.lists.get(key) ?? []), value]);
    }
  }
  return out;
}

function security(encryption: string | undefined): SsidSecurity {
  if (!encryption || encryption === 'none' || encryption === 'owe') return 'open';
  if (/^wpa3(\+|$)/.test(encryption) || encryption === 'wpa3-mixed') return 'wpa3-enterprise';
  if (/^wpa2?(\+|$)/.test(encryption)) return 'wpa2-enterprise';
  return 'wpa2-personal';
}

export function readRunning(text: string): SeenAp {
  const all = sections(text);
  // A network's VLAN is the one of the bridge VLAN device it sits on: `br-uplink.<vlan>`.
  const vlanOf = new Map(
    all.filter((s) => s.type === 'interface' && s.name).flatMap((s) => {
      const m = s.options.get('device')?.match(/\.(\d+)$/);
      return m ? [[s.name!, Number(m[1])] as const] : [];
    }),
  );
  const ssids = all
    .filter((s) => s.type === 'wifi-iface' && s.options.get('disabled') !== '1')
    .map((s): SeenSsid => {
      const network = s.options.get('network');
      const vlan = network ? vlanOf.get(network) : undefined;
      return {
        ssid: s.options.get('ssid') ?? '',
        ...(network ? { network } : {}),
        ...(vlan !== undefined ? { vlan } : {}),
        security: security(s.options.get('encryption')),
        isolate: s.options.get('isolate') === '1',
      };
    });
  const system = all.find((s) => s.type === 'system');
  const logIp = system?.options.get('log_ip');
  const dropbear = all.filter((s) => s.type === 'dropbear' && s.options.get('enable') !== '0');
  // dropbear on every interface is open to any address that reaches the AP; bound to one
  // interface, who reaches it is the routing's business, which this text does not show.
  const everywhere = dropbear.some((s) => !s.options.get('Interface'));
  const hostname = system?.options.get('hostname');
  return {
    kind: 'ap',
    ...(hostname ? { hostname } : {}),
    ssids,
    ntp: all.filter((s) => s.type === 'timeserver' && s.options.get('enabled') !== '0').flatMap((s) => s.lists.get('server') ?? []),
    syslog: logIp ? [{ address: logIp, port: Number(system?.options.get('log_port') ?? 514) }] : [],
    ...(everywhere ? { managementFrom: ['0.0.0.0/0'] } : {}),
    // telnetd and uhttpd are not UCI packages outpost pushes: telnet, HTTP and SNMP stay unknown.
    mgmtServices: { ssh: dropbear.length > 0 },
  };
}
