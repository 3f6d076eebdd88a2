// Apple configuration profile (.mobileconfig) for Macs: the CA certificate(s), the staff
// Wi-Fi (EAP-TTLS/PAP, server name and anchor pinned) and the VPN as an OpenVPN
// Connect payload carrying the same directives as the .ovpn file.
import type { KitInput } from './model.js';
import { stableUuid, xml } from './util.js';

type Plist = string | number | boolean | Buffer | readonly Plist[] | { readonly [k: string]: Plist };

function plist(v: Plist, indent: string): string {
  if (typeof v === 'string') return `${indent}<string>${xml(v)}</string>\n`;
  if (typeof v === 'number') return `${indent}<integer>${Math.trunc(v)}</integer>\n`;
  if (typeof v === 'boolean') return `${indent}<${v}/>\n`;
  if (Buffer.isBuffer(v)) return `${indent}<data>${v.toString('base64')}</data>\n`;
  if (Array.isArray(v)) return `${indent}<array>\n${v.map((x) => plist(x, `${indent}  `)).join('')}${indent}</array>\n`;
  const entries = Object.entries(v as { [k: string]: Plist });
  return `${indent}<dict>\n${entries.map(([k, x]) => `${indent}  <key>${xml(k)}</key>\n${plist(x, `${indent}  `)}`).join('')}${indent}</dict>\n`;
}

export function mobileconfig(k: KitInput): string {
  const { person: p, org } = k;
  const reverse = org.domain.split('.').reverse().join('.');
  const id = (what: string) => `${reverse}.outpost.${p.id}.${what}`;
  const uuid = (what: string) => stableUuid('mobileconfig', org.domain, p.id, what);
  const cert = (what: string, name: string, der: Buffer) => ({
    PayloadCertificateFileName: name,
    PayloadContent: der,
    PayloadDisplayName: name,
    PayloadIdentifier: id(what),
    PayloadType: 'com.apple.security.root',
    PayloadUUID: uuid(what),
    PayloadVersion: 1,
  });
  const content: Plist[] = [cert('vpn-ca', 'vpn-ca.crt', org.vpnCa.der)];
  const sameCa = org.wifiCa.der.equals(org.vpnCa.der);
  if (!sameCa) content.push(cert('wifi-ca', 'wifi-ca.crt', org.wifiCa.der));
  const w = org.staffWifi;
  if (w) {
    content.push({
      AutoJoin: true,
      EAPClientConfiguration: {
        AcceptEAPTypes: [21],
        OuterIdentity: `anonymous@${org.domain}`,
        TLSTrustedServerNames: [org.radiusName],
        TTLSInnerAuthentication: 'PAP',
        UserName: p.id,
      },
      EncryptionType: w.security === 'wpa3-enterprise' ? 'WPA3' : 'WPA2',
      HIDDEN_NETWORK: false,
      PayloadCertificateAnchorUUID: [uuid(sameCa ? 'vpn-ca' : 'wifi-ca')],
      PayloadDisplayName: w.ssid,
      PayloadIdentifier: id('wifi'),
      PayloadType: 'com.apple.wifi.managed',
      PayloadUUID: uuid('wifi'),
      PayloadVersion: 1,
      SSID_STR: w.ssid,
    });
  }
  const gws = org.gateways;
  const vendor: Record<string, string> = {
    'auth-nocache': 'NOARGS',
    'auth-user-pass': 'NOARGS',
    ca: org.vpnCa.pem.trim().replace(/\n/g, '\\n'),
    client: 'NOARGS',
    'data-ciphers': 'AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305',
    dev: 'tun',
    nobind: 'NOARGS',
    'remote-cert-tls': 'server',
    'tls-version-min': '1.2',
  };
  gws.forEach((g, i) => (vendor[i === 0 ? 'remote' : `remote.${i + 1}`] = `${g.public} ${g.port} ${g.proto}`));
  if (gws.length === 1) vendor['verify-x509-name'] = `${gws[0]!.public} name`;
  content.push({
    PayloadDisplayName: `${org.name} VPN`.slice(0, 60),
    PayloadIdentifier: id('vpn'),
    PayloadType: 'com.apple.vpn.managed',
    PayloadUUID: uuid('vpn'),
    PayloadVersion: 1,
    UserDefinedName: `${org.name} VPN`.slice(0, 60),
    VPN: { AuthName: p.id, AuthenticationMethod: 'Password', RemoteAddress: 'DEFAULT' },
    VPNSubType: 'net.openvpn.connect.app',
    VPNType: 'VPN',
    VendorConfig: vendor,
  });
  const profile: Plist = {
    PayloadContent: content,
    PayloadDescription: `Wi-Fi and VPN for ${p.givenName} ${p.surname} (${p.id})`,
    PayloadDisplayName: `${org.name}: ${p.id}`.slice(0, 80),
    PayloadIdentifier: id('profile'),
    PayloadOrganization: org.name,
    PayloadRemovalDisallowed: false,
    PayloadType: 'Configuration',
    PayloadUUID: uuid('profile'),
    PayloadVersion: 1,
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
${plist(profile, '')}</plist>
`;
}
