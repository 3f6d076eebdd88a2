// NetworkManager keyfiles for Linux laptops: the staff Wi-Fi (802.1X, EAP-TTLS/PAP with
// the server certificate checked against the CA and the RADIUS name) and the VPN (the
// openvpn plugin). Passwords are never stored: NetworkManager asks (flags=2).
import type { KitInput } from './model.js';
import { stableUuid } from './util.js';

/** Where the sheet tells the agent (or the imaging script) to put the CA certificates. */
export const LINUX_VPN_CA = '/etc/outpost/vpn-ca.crt';
export const LINUX_WIFI_CA = '/etc/outpost/wifi-ca.crt';
export const LINUX_VPN_TLS_CRYPT = '/etc/outpost/vpn-tls-crypt.key';

const ini = (sections: [string, [string, string][]][]) =>
  `${sections.map(([name, kv]) => `[${name}]\n${kv.map(([k, v]) => `${k}=${v}`).join('\n')}\n`).join('\n')}`;

/** GKeyFile values: escape backslash, newlines, tabs and a leading space. */
const kv = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/^ /, '\\s');

export function nmWifi(k: KitInput): string | undefined {
  const w = k.org.staffWifi;
  if (!w) return undefined;
  const p = k.person;
  return ini([
    ['connection', [['id', kv(w.ssid)], ['uuid', stableUuid('nm-wifi', k.org.domain, p.id).toLowerCase()], ['type', 'wifi'], ['autoconnect', 'true']]],
    ['wifi', [['mode', 'infrastructure'], ['ssid', kv(w.ssid)], ...(p.laptop?.mac ? ([['mac-address', p.laptop.mac.toUpperCase()]] as [string, string][]) : [])]],
    ['wifi-security', [['key-mgmt', 'wpa-eap'], ['pmf', w.security === 'wpa3-enterprise' ? '3' : '2']]],
    [
      '802-1x',
      [
        ['eap', 'ttls;'],
        ['identity', p.id],
        ['anonymous-identity', `anonymous@${k.org.domain}`],
        ['ca-cert', LINUX_WIFI_CA],
        ['domain-suffix-match', k.org.radiusName],
        ['phase2-auth', 'pap'],
        ['password-flags', '2'],
      ],
    ],
    ['ipv4', [['method', 'auto']]],
    ['ipv6', [['addr-gen-mode', 'stable-privacy'], ['method', 'auto']]],
  ]);
}

export function nmVpn(k: KitInput): string {
  const p = k.person;
  const gws = k.org.gateways;
  const remote = gws.map((g) => `${g.public}:${g.port}:${g.proto}`).join(', ');
  const data: [string, string][] = [
    ['ca', LINUX_VPN_CA],
    ['challenge-response-flags', '2'],
    ['connection-type', 'password'],
    ['data-ciphers', 'AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305'],
    ['dev-type', 'tun'],
    ['password-flags', '2'],
    ['remote', remote],
    ['remote-cert-tls', 'server'],
    ...(k.org.tlsCrypt ? ([['tls-crypt', LINUX_VPN_TLS_CRYPT]] as [string, string][]) : []),
    ['tls-version-min', '1.2'],
    ['username', p.id],
    ...(gws.length === 1 ? ([['verify-x509-name', `name:${gws[0]!.public}`]] as [string, string][]) : []),
  ];
  return ini([
    ['connection', [['id', kv(`${k.org.name} VPN`.slice(0, 60))], ['uuid', stableUuid('nm-vpn', k.org.domain, p.id).toLowerCase()], ['type', 'vpn'], ['autoconnect', 'false']]],
    ['vpn', [...data, ['service-type', 'org.freedesktop.NetworkManager.openvpn']]],
    // Only the state network goes through the tunnel: the gateway pushes its routes.
    ['ipv4', [['method', 'auto'], ['never-default', 'true']]],
    ['ipv6', [['method', 'ignore']]],
  ]);
}
